/*
 * mutation: a write to one partition of one table (Cassandra's PartitionUpdate) and its binary
 * codec. This is what the coordinator sends to replicas, what the commit log records and what
 * the memtable applies. The codec validates everything it reads: counts against the bytes
 * remaining, lengths against named maxima; a bad record is ERR_CORRUPT, never a crash.
 *
 * Encoding (all integers LEB128 varints unless noted, "zz" = zigzag varint; see
 * docs/formats.md#mutation):
 *   u8 version (1) | table id (16 bytes) | key (vbytes) | partition deletion (zz ts, varint ldt)
 *   | u8 flags (1 = has static row) | [static row] | n range tombstones | rts... | n rows | rows...
 * Rows use row_codec (the same row encoding as SSTable data).
 */
#ifndef RINGDB_STORAGE_MUTATION_H
#define RINGDB_STORAGE_MUTATION_H

#include <stdint.h>

#include "node/base/arena.h"
#include "node/base/buf.h"
#include "node/base/err.h"
#include "node/base/uuid.h"
#include "storage/row.h"

#define MUTATION_KEY_MAX 0xFFFF          /* Cassandra: partition keys up to 64 KiB */
#define MUTATION_BYTES_MAX (16u << 20)   /* max_mutation_size default: half a 32 MiB segment */
#define MUTATION_ROWS_MAX (1u << 20)
#define MUTATION_RTS_MAX (1u << 16)

struct partition_update {
    struct uuid table_id;
    const uint8_t *key; /* serialized partition key (CompositeType for composite keys) */
    uint32_t key_len;
    int64_t token;      /* murmur3_token(key); set by mutation_decode and by builders */
    struct deletion partition_deletion;
    struct row *static_row; /* NULL if none */
    uint32_t nrts;
    uint32_t nrows;
    struct range_tombstone *rts;
    struct row *rows; /* sorted by clustering, unique */
};

void mutation_encode(const struct partition_update *u, struct buf *out);
/* Decodes into *out; variable parts are allocated in a or point into p (p must outlive out). */
int mutation_decode(const uint8_t *p, size_t len, struct arena *a, struct partition_update *out,
                    struct errmsg *em);
/* Checks a decoded or built update against its table: clustering shapes, known column ids,
   value types, sorted rows. */
int mutation_validate(const struct partition_update *u, const struct table_schema *s,
                      struct errmsg *em);
/* The part of mutation_validate that ordering depends on: every clustering and bound has the
   table's shape and valid values. Commit-log replay uses it, so a record holding a column that
   was dropped since is still applied (its cells are filtered on read). */
int mutation_validate_clustering(const struct partition_update *u, const struct table_schema *s,
                                 struct errmsg *em);
/* Bytes the update occupies (keys, values, paths), for memtable and mutation-size limits. */
size_t mutation_data_size(const struct partition_update *u);

#endif

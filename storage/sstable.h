/*
 * sstable: immutable sorted files of one table (Cassandra's SSTable, "big" format in spirit).
 *
 * Components, in <table dir>/rb-<generation>-big-<Component>: Data.db (partitions in token
 * order, split into lz4-compressed, CRC32C-checked chunks), CompressionInfo.db (where each
 * chunk starts), Index.db (partition key -> data offset, in checked blocks), Summary.db (first
 * key of each index block, loaded at open), Filter.db (bloom filter), Statistics.db
 * (timestamps, tombstone counts, min/max clustering, commit-log bound, key range), TOC.txt
 * (the component list). Decompressed chunks and index blocks are shared through the
 * process-wide chunk cache (chunk_cache.h). A writer writes every component
 * under a temporary name, syncs it, and renames only when all are complete; TOC.txt is renamed
 * last, so an SSTable without a TOC is an unfinished one and is deleted at open.
 * Formats: docs/formats.md#sstable.
 *
 * Every read is checked: a chunk whose CRC fails gives ERR_CORRUPT with a message naming the
 * file, the chunk and its offset; wrong data is never returned.
 * Threads: an open struct sstable is immutable and shared by atomic reference count; any
 * number of threads may read it at once. A writer belongs to one thread.
 */
#ifndef RINGDB_STORAGE_SSTABLE_H
#define RINGDB_STORAGE_SSTABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "node/base/err.h"
#include "storage/iter.h"
#include "storage/schema.h"
#include "storage/store.h"
#include "storage/vfs.h"

struct sstable_stats {
    uint32_t generation;
    int64_t min_ts_us, max_ts_us;     /* over every timestamp (cells, rows, tombstones) */
    int32_t min_ldt_s, max_ldt_s;     /* over tombstones and expiring cells */
    uint64_t partitions;
    uint64_t rows;
    uint64_t cells;
    uint64_t tombstones;              /* cell, row, range and partition tombstones */
    uint64_t data_bytes;              /* Data.db size on disk */
    uint64_t uncompressed_bytes;
    uint64_t total_bytes;             /* every component */
    store_pos commitlog_bound;        /* records of this table before it are in this SSTable */
    uint32_t level;                   /* compaction bookkeeping (0 for STCS) */
    int64_t first_token, last_token;
    int64_t created_ms;
};

struct sstable;
struct sstable_writer;

/* Extra facts a writer records (from a flush: the commit-log bound). */
struct sstable_write_opts {
    store_pos commitlog_bound;
    uint64_t expected_partitions; /* sizes the bloom filter; 0: the writer keeps each key's
                                     16-byte hash and sizes the filter exactly at finish */
    uint64_t max_bytes_per_s;     /* this writer's own limit on Data.db bytes written; 0 = none
                                     (compaction uses a shared compaction_throttle instead) */
};

int sstable_writer_open(struct vfs *v, const char *table_dir, uint32_t generation,
                        struct table_schema *schema, const struct sstable_write_opts *o,
                        struct sstable_writer **out, struct errmsg *em);
/* Appends one partition, keys strictly increasing. src is a raw source (tombstones included)
   read forward; the writer consumes it but does not close it. */
int sstable_writer_add(struct sstable_writer *w, const struct pkey *key, struct part_iter *src,
                       struct errmsg *em);
/* Completes, syncs and renames the components, then opens the result (refs = 1). */
int sstable_writer_finish(struct sstable_writer *w, struct sstable **out, struct errmsg *em);
/* Deletes the temporary files. Accepts NULL. */
void sstable_writer_abort(struct sstable_writer *w);

/* Lists the generations of complete SSTables in dir (ascending) and deletes leftovers of
   unfinished writes. *gens is malloc'd. */
int sstable_list(struct vfs *v, const char *table_dir, uint32_t **gens, size_t *n,
                 struct errmsg *em);
int sstable_open(struct vfs *v, const char *table_dir, uint32_t generation,
                 struct table_schema *schema, struct sstable **out, struct errmsg *em);
struct sstable *sstable_ref(struct sstable *s);
/* Drops a reference; the last one closes the files, and deletes them if marked obsolete. */
void sstable_unref(struct sstable *s);
/* After compaction replaced it: delete the files once the last reader is done. */
void sstable_mark_obsolete(struct sstable *s);

const struct sstable_stats *sstable_get_stats(const struct sstable *s);
uint32_t sstable_generation(const struct sstable *s);
/* The component file paths (for snapshots and backups); *paths and each entry are malloc'd. */
int sstable_components(const struct sstable *s, char ***paths, size_t *n);

/* Bloom filter check: false means the key is certainly absent. */
bool sstable_may_contain(struct sstable *s, const struct pkey *key);
/* The same check with the key's filter hash (bloom_hash of its bytes), so a read that asks
   several SSTables hashes the key once. */
bool sstable_may_contain_hash(struct sstable *s, const uint64_t h[2]);
/* Opens the partition, or sets *out = NULL if it is not in this SSTable. Raw: tombstones and
   expired cells are returned as stored. spec (and its slices) must stay valid until the
   iterator is closed; the iterator holds a reference on s. A reversed read holds at most one
   64 KiB row block (plus one row) in memory. */
int sstable_open_partition(struct sstable *s, const struct pkey *key, const struct rows_spec *spec,
                           struct part_iter **out, struct errmsg *em);
/* As sstable_open_partition, without its bloom filter check (the caller made it). */
int sstable_find_partition(struct sstable *s, const struct pkey *key, const struct rows_spec *spec,
                           struct part_iter **out, struct errmsg *em);
/* Iterates the partitions whose token is in r, in (token, key) order; holds a reference on s.
   Errors found after opening (next/open) are logged with the file and offset and returned as
   ERR_CORRUPT, as range_iter has no message channel. */
int sstable_scan(struct sstable *s, const struct token_range *r, struct range_iter **out,
                 struct errmsg *em);
/* As sstable_scan, for compaction: chunks and index blocks not in the chunk cache already are
   read without being added to it (RocksDB's fill_cache = false for compaction reads), so a
   compaction does not evict what reads use. */
int sstable_scan_uncached(struct sstable *s, const struct token_range *r, struct range_iter **out,
                          struct errmsg *em);

#endif

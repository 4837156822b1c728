/*
 * row_codec: the binary encoding of a row, a range tombstone and a deletion, shared by the
 * mutation codec (commit log, internode) and SSTable data blocks, so a row is serialized one
 * way everywhere. Decoding checks every count and length against the bytes remaining.
 *
 * Row: vbytes clustering | u8 flags (ROW_STATIC, HAS_LIVENESS, HAS_DELETION, HAS_COMPLEX)
 *      | [liveness: zz ts, varint ttl, varint ldt] | [deletion: zz ts, varint ldt]
 *      | [n complex, (col, deletion)...] | n cells | cells
 * Cell: varint col | u8 flags (TOMBSTONE, EXPIRING, HAS_PATH) | zz ts | [varint ttl]
 *       | [varint ldt] | [vbytes path] | [vbytes value, absent for tombstones]
 * (docs/formats.md#row has the table form.)
 */
#ifndef RINGDB_STORAGE_ROW_CODEC_H
#define RINGDB_STORAGE_ROW_CODEC_H

#include "node/base/arena.h"
#include "node/base/buf.h"
#include "storage/row.h"

#define ROW_CELLS_MAX (1u << 20)
#define CELL_VALUE_MAX (256u << 20)

void row_encode(const struct row *r, struct buf *out);
/* Decodes one row at r's cursor. Arrays go into a; byte fields point into r's memory. */
int row_decode(struct rbuf *r, struct arena *a, struct row *out);
void deletion_encode(struct deletion d, struct buf *out);
int deletion_decode(struct rbuf *r, struct deletion *out);
void range_tombstone_encode(const struct range_tombstone *rt, struct buf *out);
int range_tombstone_decode(struct rbuf *r, struct range_tombstone *out);

#endif

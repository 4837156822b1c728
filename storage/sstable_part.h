/*
 * sstable_part: the part_iter of one partition of an SSTable (see iter.h).
 *
 * The header (deletion, static row, range tombstones) is decoded at open. Rows are read one
 * segment at a time: a segment is a row-index block (about SSTABLE_ROW_BLOCK_BYTES, more when
 * a single row is larger) or, for a partition without a row index, all its rows (less than
 * SSTABLE_ROW_BLOCK_BYTES plus one row). Opening a segment records the offsets of the rows that
 * fall in the requested slices (clusterings are peeked without decoding the rows); rows are
 * then decoded one per next(), in order or, for a reversed read, backwards. So a reverse read
 * holds at most one segment in memory: the bound is SSTABLE_ROW_BLOCK_BYTES plus one row.
 * Segments wholly outside the slices are skipped using the row index.
 *
 * Errors found in next() (a corrupt chunk) return ERR_CORRUPT; as part_iter has no message
 * channel, the message (file, chunk, offset) is logged. The first segment is read at open, so
 * most errors surface there with their message in em.
 * Thread rule: an iterator belongs to one thread; it holds a reference to its SSTable.
 */
#ifndef RINGDB_STORAGE_SSTABLE_PART_H
#define RINGDB_STORAGE_SSTABLE_PART_H

#include "storage/sstable_reader.h"

/* Opens the partition described by e (its key is copied as needed). spec (and its slices) must
   stay valid until the iterator is closed. memo: the chunk memo to read through (a scan's,
   shared by the partitions it opens; it must outlive the iterator), or NULL for one of the
   iterator's own. */
int sstable_part_open(struct sstable *s, const struct sstable_entry *e,
                      const struct rows_spec *spec, struct sstable_chunk_memo *memo,
                      struct part_iter **out, struct errmsg *em);

#endif

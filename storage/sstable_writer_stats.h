/*
 * sstable_writer_stats: the statistics a writer gathers for Statistics.db (Cassandra's
 * MetadataCollector): timestamp and local-deletion-time ranges, tombstone, row and cell counts,
 * and the smallest and largest clustering. Timestamps cover cells, row markers, and every kind
 * of deletion; local deletion times cover tombstones and expiring data. With no timestamps
 * min_ts_us > max_ts_us (INT64_MAX, INT64_MIN); with no deletion times both are LDT_NONE.
 * Thread rule: owned by its writer.
 */
#ifndef RINGDB_STORAGE_SSTABLE_WRITER_STATS_H
#define RINGDB_STORAGE_SSTABLE_WRITER_STATS_H

#include "node/base/buf.h"
#include "storage/iter.h"
#include "storage/sstable_format.h"

struct sstable_writer_stats {
    const struct table_schema *schema;
    struct sstable_meta meta; /* min_ck/max_ck point into the bufs below after finish */
    struct buf min_ck, max_ck;
};

void sstable_writer_stats_init(struct sstable_writer_stats *s, const struct table_schema *schema);
void sstable_writer_stats_deinit(struct sstable_writer_stats *s);
/* A partition's header: its deletion, static row and range tombstones. */
void sstable_writer_stats_header(struct sstable_writer_stats *s, const struct part_iter *src);
void sstable_writer_stats_row(struct sstable_writer_stats *s, const struct row *r);
/* A partition's first and last clusterings (after its rows; not called when it has none). */
void sstable_writer_stats_clusterings(struct sstable_writer_stats *s, const uint8_t *first,
                                      uint32_t first_len, const uint8_t *last, uint32_t last_len);
/* Completes meta (clustering pointers, empty ranges). */
void sstable_writer_stats_finish(struct sstable_writer_stats *s);

#endif

/*
 * merge: combines the versions of a partition held by several sources (memtables, SSTables)
 * into one (Cassandra's UnfilteredRowIterators.merge + PurgeFunction), in two modes:
 *
 *   MERGE_LIVE  what a read returns at now_s: rows with live data only, cells live, shadowed
 *               and expired data gone, no tombstones; static_row is the live static row.
 *   MERGE_RAW   what a flush or a compaction writes: the reconciled partition with tombstones,
 *               shadowed data removed, expired cells turned into tombstones (ldt = expiry -
 *               ttl, as BufferCell.purge), and tombstones dropped when the purge oracle allows.
 *
 * Both are part_iters, so a merged partition feeds the read path or sstable_writer_add alike.
 * Rows come in the spec's order (forward or reversed); the header holds the merged partition
 * deletion, static row and range tombstones. A merge takes ownership of its sources and closes
 * them when it is closed. A row returned by next() points into the sources' memory and a
 * scratch buffer of the merge: valid until the next next()/close().
 *
 * merge_range merges range_iters into one partition sequence in (token, key) order.
 * Thread rule: a merge belongs to one thread.
 */
#ifndef RINGDB_STORAGE_MERGE_H
#define RINGDB_STORAGE_MERGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "storage/iter.h"
#include "storage/row.h"
#include "storage/schema.h"

#define MERGE_SOURCES_MAX 1024

enum merge_mode {
    MERGE_LIVE = 0,
    MERGE_RAW = 1,
};

/* The purge oracle: may a tombstone (or expired cell) written at ts_us and deleted (or expired)
   at ldt_s be dropped? Cassandra: ldt_s < gc_before && ts_us < the max purgeable timestamp of
   the key (nothing older overlaps it in sources outside this merge). */
typedef bool (*merge_purge_cb)(void *arg, int64_t ts_us, int32_t ldt_s);

struct merge_opts {
    const struct table_schema *schema;
    enum merge_mode mode;
    int32_t now_s;
    bool reversed;           /* must match the sources' spec */
    merge_purge_cb purge;    /* MERGE_RAW; NULL: purge nothing */
    void *purge_arg;
    /* Column ids whose cells are kept (bit per id); NULL keeps every column. Cells of dropped
       or unknown columns are filtered with it, in both modes. */
    const uint8_t *col_valid;
    uint32_t col_valid_n;    /* ids < col_valid_n are covered; others are dropped */
};

/* Scratch space for reconciling rows, reused across rows (no malloc once warm). */
struct merge_scratch {
    struct cell *cells;
    size_t cells_cap;
    struct complex_del *complex;
    size_t complex_cap;
    uint32_t *pos;
    size_t pos_cap;
};
void merge_scratch_init(struct merge_scratch *sc);
void merge_scratch_deinit(struct merge_scratch *sc);

/*
 * Reconciles n versions of the same row into *out (Rows.merge): newest liveness, newest row
 * deletion, newest complex deletion per column, cells reconciled by position; then removes what
 * the row's own deletion and complex deletions shadow. out's arrays live in sc, its byte fields
 * point into the inputs. With n == 1 and nothing shadowed, *out is a copy of rows[0].
 */
void merge_row_versions(const struct row *const *rows, size_t n, struct merge_scratch *sc,
                        struct row *out);

/* Opens a merge over srcs[0..n) (taking ownership of every source, even on error). n may be
   0 (an empty partition). */
int merge_open(const struct merge_opts *o, struct part_iter **srcs, size_t n,
               struct part_iter **out);

struct merge_range;
/* Takes ownership of the range_iters (closed by merge_range_close). */
int merge_range_open(struct range_iter **srcs, size_t n, struct merge_range **out);
/* The next partition key in order (valid until the next call), or out->key == NULL at end. */
int merge_range_next(struct merge_range *m, struct pkey *out);
/* Opens the partition last returned, merged from every source that holds it. */
int merge_range_open_partition(struct merge_range *m, const struct merge_opts *o,
                               const struct rows_spec *spec, struct part_iter **out);
void merge_range_close(struct merge_range *m);

#endif

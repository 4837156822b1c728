/*
 * iter: how the read path pulls data out of each source (the active memtable, memtables being
 * flushed, SSTables) so one merge can combine them (LevelDB's merging iterator, Cassandra's
 * UnfilteredRowIterator). Every source implements these two interfaces.
 *
 * part_iter: one partition of one source, limited to the requested slices. Its header (the
 * partition deletion, the static row and the range tombstones that intersect the slices, sorted
 * by start) is filled when it is opened; rows then come one at a time in clustering order, or
 * in reverse when the spec says so. A row returned by next() stays valid until the following
 * next() or close() on the same iterator; header fields stay valid until close().
 *
 * range_iter: the partitions of a token range in (token, key) order; for each one the caller
 * may open a part_iter (or skip it).
 */
#ifndef RINGDB_STORAGE_ITER_H
#define RINGDB_STORAGE_ITER_H

#include <stdbool.h>
#include <stdint.h>

#include "storage/row.h"

/* A partition's position in the ring: token first, then key bytes (unsigned), then length. */
struct pkey {
    int64_t token;
    const uint8_t *key;
    uint32_t len;
};
int pkey_cmp(const struct pkey *a, const struct pkey *b);

/* A token range; start = INT64_MIN inclusive and end = INT64_MAX inclusive is the whole ring.
   Wrapping ranges are split by the caller. */
struct token_range {
    int64_t start;
    int64_t end;
    bool start_incl;
    bool end_incl;
};
struct token_range token_range_all(void);
bool token_range_contains(const struct token_range *r, int64_t token);

/* What to read inside each partition. */
struct rows_spec {
    uint32_t nslices;           /* 0 = the whole partition */
    const struct slice *slices; /* sorted in clustering order, disjoint */
    bool reversed;              /* rows in descending clustering order */
    bool static_only;           /* only the header (SELECT DISTINCT, static columns) */
};

struct part_iter;
struct part_iter_ops {
    /* *out = the next row, or NULL at the end. Returns 0, or a negative error (ERR_CORRUPT). */
    int (*next)(struct part_iter *it, const struct row **out);
    void (*close)(struct part_iter *it);
};
struct part_iter {
    const struct part_iter_ops *ops;
    struct deletion partition_deletion;
    const struct row *static_row; /* NULL if none */
    uint32_t nrts;
    const struct range_tombstone *rts;
};

static inline int part_iter_next(struct part_iter *it, const struct row **out)
{
    return it->ops->next(it, out);
}
static inline void part_iter_close(struct part_iter *it)
{
    if (it) it->ops->close(it);
}

struct range_iter;
struct range_iter_ops {
    /* *out = the next partition's key (valid until the next call), or out->key = NULL at end. */
    int (*next)(struct range_iter *it, struct pkey *out);
    /* Opens the partition last returned by next(). */
    int (*open)(struct range_iter *it, const struct rows_spec *spec, struct part_iter **out);
    void (*close)(struct range_iter *it);
};
struct range_iter {
    const struct range_iter_ops *ops;
};

#endif

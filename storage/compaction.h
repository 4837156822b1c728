/*
 * compaction: size-tiered selection (Cassandra's SizeTieredCompactionStrategy) as a pure
 * function. The compaction task (merging, purging, throttling, background threads) lives in
 * compaction_task.h.
 *
 * STCS, as Cassandra 4.1 computes it: sort the SSTables by size; put each into the first bucket
 * whose average size avg satisfies avg*bucket_low < size < avg*bucket_high, or where both size
 * and avg are below min_sstable_size; otherwise start a new bucket. A bucket's average is
 * recomputed (integer division) as members join. Buckets with fewer than min_threshold members
 * are ignored; each remaining bucket is trimmed to its max_threshold hottest members (hotness:
 * reads per second per key; ties keep the smaller SSTables); the most interesting bucket is the
 * hottest one, ties going to the bucket with the smaller average size (smaller SSTables first).
 * Difference from Cassandra: its buckets live in a HashMap keyed by average size, so the bucket
 * tried first depends on hash order (and two buckets with the same average silently merge);
 * here buckets are tried in creation order, which makes the result deterministic.
 *
 * Pure: no I/O, no globals; thread-safe.
 */
#ifndef RINGDB_STORAGE_COMPACTION_H
#define RINGDB_STORAGE_COMPACTION_H

#include <stddef.h>
#include <stdint.h>

#include "storage/schema.h"

#define STCS_INPUTS_MAX 100000

struct stcs_options {
    double bucket_low;          /* 0.5 */
    double bucket_high;         /* 1.5 */
    uint64_t min_sstable_bytes; /* 50 MiB */
    uint32_t min_threshold;     /* 4 */
    uint32_t max_threshold;     /* 32 */
};

/* Cassandra's defaults. */
struct stcs_options stcs_options_default(void);
/* The table's options (compaction = {...} as parsed into struct table_options). */
struct stcs_options stcs_options_from_schema(const struct table_schema *s);

struct stcs_candidate {
    uint64_t size_bytes; /* on-disk size of the SSTable */
    double hotness;      /* reads per second per key; 0 when unknown */
};

/*
 * Picks the SSTables to compact next among n candidates (n <= STCS_INPUTS_MAX): writes their
 * indices into out (capacity o->max_threshold), hottest first, then smallest first (with no
 * hotness: ascending size), and returns how many (0: nothing to compact).
 */
size_t compaction_stcs_select(const struct stcs_options *o, const struct stcs_candidate *c,
                              size_t n, size_t *out);

/*
 * The buckets themselves (for tests and nodetool-like reporting): bucket_of[i] receives the
 * bucket number of candidate i (buckets numbered in creation order); returns the bucket count.
 */
size_t compaction_stcs_buckets(const struct stcs_options *o, const struct stcs_candidate *c,
                               size_t n, size_t *bucket_of);

#endif

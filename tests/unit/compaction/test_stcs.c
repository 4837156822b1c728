/* Table-driven tests of size-tiered selection (Cassandra's STCS bucketing and choice). */
#include <criterion/criterion.h>
#include <string.h>

#include "storage/compaction.h"

#define MIB (1ull << 20)
#define NMAX 48

struct stcs_case {
    const char *name;
    uint32_t min_threshold, max_threshold; /* 0: defaults */
    size_t n;
    uint64_t size_mib[NMAX];
    double hot[NMAX];
    size_t nwant;
    size_t want[NMAX]; /* expected chosen indices, in order */
};

static const struct stcs_case cases[] = {
    {"four_small_files_compact", 0, 0, 4, {1, 2, 3, 4}, {0}, 4, {0, 1, 2, 3}},
    {"three_is_below_min_threshold", 0, 0, 3, {1, 1, 1}, {0}, 0, {0}},
    {"similar_sizes_bucket_together", 0, 0, 5, {1000, 100, 110, 90, 120}, {0}, 4, {3, 1, 2, 4}},
    {"outlier_left_out", 0, 0, 5, {100, 100, 100, 100, 400}, {0}, 4, {0, 1, 2, 3}},
    {"smaller_bucket_wins_ties", 0, 0, 8, {1000, 1000, 1000, 1000, 100, 100, 100, 100}, {0}, 4,
     {4, 5, 6, 7}},
    {"below_min_sstable_size_all_similar", 0, 0, 4, {1, 49, 49, 30}, {0}, 4, {0, 3, 1, 2}},
    {"bucket_avg_moves", 2, 32, 4, {60, 100, 140, 200}, {0}, 2, {1, 2}},
    {"hotter_bucket_wins", 0, 0, 8, {1000, 1000, 1000, 1000, 100, 100, 100, 100},
     {1, 1, 1, 1, 0, 0, 0, 0}, 4, {0, 1, 2, 3}},
    {"trim_to_max_threshold", 0, 4, 6, {6, 5, 4, 3, 2, 1}, {0}, 4, {5, 4, 3, 2}},
    {"trim_keeps_hottest", 0, 4, 6, {6, 5, 4, 3, 2, 1}, {0, 0, 0, 0, 5, 9}, 4, {5, 4, 3, 2}},
    {"trim_prefers_hot_over_small", 0, 4, 6, {1, 2, 3, 4, 5, 6}, {0, 0, 0, 1, 2, 3}, 4,
     {5, 4, 3, 0}},
    {"nothing", 0, 0, 0, {0}, {0}, 0, {0}},
    {"max_threshold_32_of_40", 0, 0, 40,
     {40, 39, 38, 37, 36, 35, 34, 33, 32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21,
      20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9,  8,  7,  6,  5,  4,  3,  2,  1},
     {0}, 32,
     {39, 38, 37, 36, 35, 34, 33, 32, 31, 30, 29, 28, 27, 26, 25, 24,
      23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9,  8}},
};

Test(stcs, selection_table)
{
    for (size_t t = 0; t < sizeof cases / sizeof cases[0]; t++) {
        const struct stcs_case *tc = &cases[t];
        struct stcs_options o = stcs_options_default();
        if (tc->min_threshold) o.min_threshold = tc->min_threshold;
        if (tc->max_threshold) o.max_threshold = tc->max_threshold;
        struct stcs_candidate c[NMAX];
        for (size_t i = 0; i < tc->n; i++)
            c[i] = (struct stcs_candidate){tc->size_mib[i] * MIB, tc->hot[i]};
        size_t out[NMAX];
        size_t got = compaction_stcs_select(&o, c, tc->n, out);
        cr_assert_eq(got, tc->nwant, "%s: got %zu want %zu", tc->name, got, tc->nwant);
        for (size_t i = 0; i < got; i++)
            cr_assert_eq(out[i], tc->want[i], "%s: out[%zu]=%zu want %zu", tc->name, i, out[i],
                         tc->want[i]);
    }
}

Test(stcs, buckets_by_similar_size)
{
    struct stcs_options o = stcs_options_default();
    /* 60 alone; 100 and 140 share (140 < 1.5*100); 200 is not < 1.5*120. */
    struct stcs_candidate c[] = {{200 * MIB, 0}, {60 * MIB, 0}, {140 * MIB, 0}, {100 * MIB, 0}};
    size_t b[4];
    cr_assert_eq(compaction_stcs_buckets(&o, c, 4, b), 3);
    cr_assert_eq(b[1], 0);
    cr_assert_eq(b[3], 1);
    cr_assert_eq(b[2], 1);
    cr_assert_eq(b[0], 2);
}

Test(stcs, defaults_match_cassandra)
{
    struct stcs_options o = stcs_options_default();
    cr_assert_eq(o.bucket_low, 0.5);
    cr_assert_eq(o.bucket_high, 1.5);
    cr_assert_eq(o.min_sstable_bytes, 50 * MIB);
    cr_assert_eq(o.min_threshold, 4);
    cr_assert_eq(o.max_threshold, 32);
}

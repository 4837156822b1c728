/* Unit tests for token-range scans over an SSTable: order, inclusive and exclusive bounds,
   empty ranges, and opening partitions from the scan. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "node/base/arena.h"
#include "node/base/log.h"
#include "storage/sstable.h"
#include "tests/support/sst_fixture.h"

static char *dir;
static struct arena A;
static struct table_schema *S;
static struct fx_part *P;
static struct sstable *T;
#define N 700u

static void setup(void)
{
    log_set_level(LOG_WARN);
    dir = fx_tmpdir();
    arena_init(&A, 0);
    S = fx_schema(true, 4096);
    P = fx_parts(&A, N, 2, 20, 1);
    struct errmsg em;
    cr_assert_eq(fx_write(dir, 1, S, P, N, &T, &em), 0, "%s", em.text);
}

static void teardown(void)
{
    sstable_unref(T);
    table_schema_unref(S);
    fx_rmdir(dir);
    free(dir);
    arena_deinit(&A);
}

TestSuite(sstable_scan, .init = setup, .fini = teardown);

/* Scans r and checks the keys are exactly P[from..to) in order. */
static void expect_scan(const struct token_range *r, uint32_t from, uint32_t to)
{
    struct range_iter *it;
    struct errmsg em;
    cr_assert_eq(sstable_scan(T, r, &it, &em), 0);
    uint32_t i = from;
    for (;;) {
        struct pkey k;
        cr_assert_eq(it->ops->next(it, &k), 0);
        if (!k.key) break;
        cr_assert_lt(i, to, "extra key at %u", i);
        cr_assert_eq(pkey_cmp(&k, &P[i].key), 0, "key %u differs", i);
        i++;
    }
    cr_assert_eq(i, to, "scan ended at %u, want %u", i, to);
    it->ops->close(it);
}

Test(sstable_scan, whole_ring_in_token_order)
{
    struct token_range all = token_range_all();
    expect_scan(&all, 0, N);
}

Test(sstable_scan, bounds_inclusive_and_exclusive)
{
    uint32_t a = 100, b = 450;
    int64_t ta = P[a].key.token, tb = P[b].key.token;
    expect_scan(&(struct token_range){ta, tb, true, true}, a, b + 1);
    expect_scan(&(struct token_range){ta, tb, false, true}, a + 1, b + 1);
    expect_scan(&(struct token_range){ta, tb, true, false}, a, b);
    expect_scan(&(struct token_range){ta, tb, false, false}, a + 1, b);
    expect_scan(&(struct token_range){ta + 1, tb - 1, true, true}, a + 1, b);
}

Test(sstable_scan, edges_and_empty_ranges)
{
    int64_t first = P[0].key.token, last = P[N - 1].key.token;
    expect_scan(&(struct token_range){INT64_MIN, first, true, true}, 0, 1);
    expect_scan(&(struct token_range){INT64_MIN, first, true, false}, 0, 0);
    expect_scan(&(struct token_range){last, INT64_MAX, true, true}, N - 1, N);
    expect_scan(&(struct token_range){last, INT64_MAX, false, true}, N, N);
    expect_scan(&(struct token_range){5, 4, true, true}, 0, 0);
    /* Every single-token range finds exactly its partition. */
    for (uint32_t i = 0; i < N; i += 37) {
        int64_t t = P[i].key.token;
        expect_scan(&(struct token_range){t, t, true, true}, i, i + 1);
    }
}

Test(sstable_scan, open_partitions_from_the_scan)
{
    struct token_range all = token_range_all();
    struct range_iter *it;
    struct errmsg em;
    cr_assert_eq(sstable_scan(T, &all, &it, &em), 0);
    uint32_t i = 0, rows = 0;
    struct rows_spec rev = {0, NULL, true, false};
    for (;;) {
        struct pkey k;
        cr_assert_eq(it->ops->next(it, &k), 0);
        if (!k.key) break;
        if (i % 3 == 0) { /* skip some partitions without opening them */
            i++;
            continue;
        }
        struct part_iter *p;
        cr_assert_eq(it->ops->open(it, &rev, &p), 0);
        const struct row *r;
        cr_assert_eq(part_iter_next(p, &r), 0);
        cr_assert(fx_row_equal(NULL, r, &P[i].rows[1]), "partition %u", i);
        cr_assert_eq(part_iter_next(p, &r), 0);
        cr_assert(fx_row_equal(NULL, r, &P[i].rows[0]));
        cr_assert_eq(part_iter_next(p, &r), 0);
        cr_assert_null(r);
        part_iter_close(p);
        rows += 2;
        i++;
    }
    cr_assert_eq(i, N);
    cr_assert_gt(rows, 0);
    it->ops->close(it);
}

/* Unit tests for row.c: reconciliation (Cassandra 4.1 rules), TTL, clustering and bound order. */
#include <criterion/criterion.h>
#include <string.h>

#include "rowtest.h"
#include "storage/row.h"

Test(row, deletion_supersedes_by_timestamp_then_ldt)
{
    static const struct {
        struct deletion a, b;
        bool want;
    } cases[] = {
        {{10, 100}, {9, 200}, true},
        {{9, 200}, {10, 100}, false},
        {{10, 101}, {10, 100}, true},
        {{10, 100}, {10, 100}, false},
        {{10, 100}, {TS_NONE, LDT_NONE}, true},
        {{TS_NONE, LDT_NONE}, {10, 100}, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        cr_expect_eq(deletion_supersedes(cases[i].a, cases[i].b), cases[i].want, "case %zu", i);
    cr_expect(deletion_deletes((struct deletion){10, 1}, 10));
    cr_expect(deletion_deletes((struct deletion){10, 1}, 9));
    cr_expect_not(deletion_deletes((struct deletion){10, 1}, 11));
    cr_expect_not(deletion_deletes(DELETION_LIVE, INT64_MIN + 1));
}

Test(row, liveness_supersedes_and_expiry)
{
    static const struct {
        struct liveness a, b;
        bool want;
    } cases[] = {
        {{11, 0, LDT_NONE}, {10, 5, 500}, true},
        {{10, 5, 500}, {11, 0, LDT_NONE}, false},
        {{10, 5, 500}, {10, 0, LDT_NONE}, true}, /* same ts: the expiring one wins */
        {{10, 0, LDT_NONE}, {10, 5, 500}, false},
        {{10, 5, 501}, {10, 5, 500}, true},      /* both expiring: later expiry */
        {{10, 0, LDT_NONE}, {10, 0, LDT_NONE}, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        cr_expect_eq(liveness_supersedes(cases[i].a, cases[i].b), cases[i].want, "case %zu", i);
    struct liveness l = {10, 5, 500};
    cr_expect(liveness_is_live(l, 499));
    cr_expect_not(liveness_is_live(l, 500));
    cr_expect(liveness_is_live((struct liveness){10, 0, LDT_NONE}, INT32_MAX - 1));
    cr_expect_not(liveness_is_live(LIVENESS_EMPTY, 0));
}

Test(row, cell_reconcile_cases)
{
    static const uint8_t a1[] = {1}, a2[] = {2}, a12[] = {1, 2};
    struct cell reg1 = rowtest_cell(1, 10, a1, 1);
    struct cell reg2 = rowtest_cell(1, 10, a2, 1);
    struct cell reg12 = rowtest_cell(1, 10, a12, 2);
    struct cell newer = rowtest_cell(1, 11, a1, 1);
    struct cell tomb = rowtest_tombstone(1, 10, 100);
    struct cell tomb_later = rowtest_tombstone(1, 10, 200);
    struct cell old_tomb = rowtest_tombstone(1, 9, 900);
    struct cell exp = {.col = 1, .flags = CELL_EXPIRING, .ts_us = 10, .ttl_s = 5, .ldt_s = 300,
                       .value = a1, .value_len = 1};
    struct cell exp_later = exp;
    exp_later.ldt_s = 400;
    struct cell exp_v2 = exp;
    exp_v2.value = a2;
    static const char *names[] = {"higher ts wins", "older tombstone loses", "tie: larger value",
                                  "tie: longer value", "tie: tombstone beats regular",
                                  "tie: expiring beats regular", "tie: tombstone beats expiring",
                                  "tie: tombstones by ldt", "tie: expiring by ldt",
                                  "tie: expiring, same ldt, by value"};
    const struct cell *cases[][3] = {
        {&newer, &reg2, &newer},       {&old_tomb, &reg1, &reg1},
        {&reg1, &reg2, &reg2},         {&reg1, &reg12, &reg12},
        {&reg2, &tomb, &tomb},         {&reg2, &exp, &exp},
        {&exp_later, &tomb, &tomb},    {&tomb, &tomb_later, &tomb_later},
        {&exp_later, &exp, &exp_later}, {&exp, &exp_v2, &exp_v2},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cr_expect_eq(cell_reconcile(cases[i][0], cases[i][1]), cases[i][2], "%s", names[i]);
        cr_expect_eq(cell_reconcile(cases[i][1], cases[i][0]), cases[i][2], "%s (swapped)",
                     names[i]);
    }
    /* identical cells: either is fine, but the result must be one of them */
    const struct cell *w = cell_reconcile(&reg1, &reg1);
    cr_expect_eq(w, &reg1);
}

Test(row, cell_ttl_expiry)
{
    struct cell c = {.flags = CELL_EXPIRING, .ts_us = 1, .ttl_s = 10, .ldt_s = 1000};
    cr_expect(cell_is_live(&c, 999));
    cr_expect_not(cell_is_live(&c, 1000));
    cr_expect_not(cell_is_live(&c, 2000));
    struct cell t = rowtest_tombstone(1, 1, 5);
    cr_expect_not(cell_is_live(&t, 0));
    struct cell r = rowtest_cell(1, 1, NULL, 0);
    cr_expect(cell_is_live(&r, INT32_MAX));
}

Test(row, live_data_respects_row_and_collection_deletions)
{
    struct arena a;
    arena_init(&a, 0);
    struct cell cells[] = {rowtest_cell_int(&a, 3, 10, 7)};
    struct row r = rowtest_row(&a, NULL, 0, LIVENESS_EMPTY, cells, 1);
    cr_expect(row_has_live_data(&r, 0));
    r.deletion = (struct deletion){10, 5};
    cr_expect_not(row_has_live_data(&r, 0), "row deletion at the same ts shadows the cell");
    r.deletion = DELETION_LIVE;
    struct complex_del cd = {3, {10, 5}};
    r.complex = &cd;
    r.ncomplex = 1;
    cr_expect_not(row_has_live_data(&r, 0));
    r.ncomplex = 0;
    r.ncells = 0;
    r.liveness = (struct liveness){5, 0, LDT_NONE};
    cr_expect(row_has_live_data(&r, 0), "an INSERTed row with only a row marker is live");
    r.liveness = (struct liveness){5, 10, 100};
    cr_expect_not(row_has_live_data(&r, 100));
    arena_deinit(&a);
}

Test(row, clustering_order_asc_desc_and_prefix)
{
    struct arena a;
    arena_init(&a, 0);
    bool desc[2] = {false, true};
    struct table_schema *s = rowtest_schema(2, desc, NULL);
    cr_assert_not_null(s);
    uint32_t l1, l2, l3, l4, lp;
    const uint8_t *c1 = rowtest_ck(&a, &l1, 2, 1, 5);
    const uint8_t *c2 = rowtest_ck(&a, &l2, 2, 1, 3);
    const uint8_t *c3 = rowtest_ck(&a, &l3, 2, 2, 9);
    const uint8_t *c4 = rowtest_ck(&a, &l4, 2, -1, 0);
    const uint8_t *p1 = rowtest_ck(&a, &lp, 1, 1);
    cr_expect_lt(clustering_cmp(s, c1, l1, c2, l2), 0, "second column DESC: 5 before 3");
    cr_expect_lt(clustering_cmp(s, c2, l2, c3, l3), 0);
    cr_expect_lt(clustering_cmp(s, c4, l4, c1, l1), 0, "ints compare signed");
    cr_expect_eq(clustering_cmp(s, c1, l1, c1, l1), 0);
    cr_expect_lt(clustering_cmp(s, p1, lp, c1, l1), 0, "a prefix sorts before its extensions");
    cr_expect_gt(clustering_cmp(s, c1, l1, p1, lp), 0);
    cr_expect_eq(clustering_count(c1, l1), 2);
    cr_expect_eq(clustering_count(c1, l1 - 1), -1);
    struct errmsg em;
    cr_expect_eq(clustering_validate(s, c1, l1, false, &em), 0);
    cr_expect_eq(clustering_validate(s, p1, lp, false, &em), ERR_INVALID);
    cr_expect_eq(clustering_validate(s, p1, lp, true, &em), 0);
    table_schema_unref(s);
    arena_deinit(&a);
}

Test(row, bounds_against_clusterings)
{
    struct arena a;
    arena_init(&a, 0);
    struct table_schema *s = rowtest_schema(2, NULL, NULL);
    uint32_t l15, l25, l35;
    const uint8_t *c15 = rowtest_ck(&a, &l15, 2, 1, 5);
    const uint8_t *c25 = rowtest_ck(&a, &l25, 2, 2, 5);
    const uint8_t *c35 = rowtest_ck(&a, &l35, 2, 3, 5);
    struct cbound is2 = rowtest_bound(&a, BOUND_INCL_START, 1, 2);
    struct cbound es2 = rowtest_bound(&a, BOUND_EXCL_START, 1, 2);
    struct cbound ie2 = rowtest_bound(&a, BOUND_INCL_END, 1, 2);
    struct cbound ee2 = rowtest_bound(&a, BOUND_EXCL_END, 1, 2);
    struct cbound ie25 = rowtest_bound(&a, BOUND_INCL_END, 2, 2, 5);
    struct cbound ee25 = rowtest_bound(&a, BOUND_EXCL_END, 2, 2, 5);
    static const struct {
        int bound, ck, want;
    } cases[] = {
        /* bound index into bs, clustering index into cs, sign of bound_cmp_clustering */
        {0, 0, -1}, {0, 1, 1},  {0, 2, 1},  /* [2.. : (1,5) before, (2,5) after */
        {1, 1, -1}, {1, 2, 1},              /* (2.. : (2,5) before */
        {2, 1, -1}, {2, 2, 1},              /* ..2] : (2,5) inside */
        {3, 0, -1}, {3, 1, 1},              /* ..2) : (2,5) outside */
        {4, 1, -1}, {5, 1, 1},              /* ..(2,5)] includes, ..(2,5)) excludes */
    };
    const struct cbound *bs[] = {&is2, &es2, &ie2, &ee2, &ie25, &ee25};
    const uint8_t *cs[] = {c15, c25, c35};
    uint32_t ls[] = {l15, l25, l35};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int c = bound_cmp_clustering(s, bs[cases[i].bound], cs[cases[i].ck], ls[cases[i].ck]);
        cr_expect_eq(c < 0 ? -1 : 1, cases[i].want, "case %zu got %d", i, c);
        cr_expect_neq(c, 0, "a bound never equals a clustering");
    }
    /* bound order at the same prefix: excl_end < incl_start < incl_end < excl_start */
    cr_expect_lt(bound_cmp(s, &ee2, &is2), 0);
    cr_expect_lt(bound_cmp(s, &is2, &ie2), 0);
    cr_expect_lt(bound_cmp(s, &ie2, &es2), 0);
    cr_expect_eq(bound_cmp(s, &is2, &is2), 0);
    /* prefix vs longer prefix: [2 is before (2,5)], (2 is after it */
    cr_expect_lt(bound_cmp(s, &is2, &ie25), 0);
    cr_expect_gt(bound_cmp(s, &es2, &ie25), 0);
    cr_expect_gt(bound_cmp(s, &ie2, &ee25), 0);
    struct slice all = slice_all();
    cr_expect(slice_contains(s, &all, c15, l15));
    struct slice sl = {is2, ie2};
    cr_expect(slice_contains(s, &sl, c25, l25));
    cr_expect_not(slice_contains(s, &sl, c15, l15));
    cr_expect_not(slice_contains(s, &sl, c35, l35));
    struct slice excl = {es2, ie25};
    cr_expect_not(slice_contains(s, &excl, c25, l25));
    table_schema_unref(s);
    arena_deinit(&a);
}

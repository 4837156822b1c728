/* Unit tests for memtable.c and merge.c: reads through the live merge, tombstones, TTL, order,
   range scans, raw merge (purge rules), and a reader running beside a writer. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "node/base/murmur3.h"
#include "rowtest.h"
#include "storage/memtable.h"
#include "storage/merge.h"

struct fx {
    struct arena a;
    struct table_schema *s;
    struct rowtest_cols c;
    struct memtable *m[3];
};

static void fx_init(struct fx *f, int nck, const bool *desc)
{
    arena_init(&f->a, 0);
    f->s = rowtest_schema(nck, desc, &f->c);
    cr_assert_not_null(f->s);
    for (int i = 0; i < 3; i++) f->m[i] = memtable_create(f->s);
}

static void fx_fini(struct fx *f)
{
    for (int i = 0; i < 3; i++) memtable_unref(f->m[i]);
    table_schema_unref(f->s);
    arena_deinit(&f->a);
}

/* A row (c0 = ck) with v = val at ts; liveness when insert. */
static struct row vrow(struct fx *f, int ck, int64_t ts, int32_t val, bool insert)
{
    uint32_t len;
    const uint8_t *p = rowtest_ck(&f->a, &len, 1, ck);
    struct cell c = rowtest_cell_int(&f->a, f->c.v, ts, val);
    struct liveness l = insert ? (struct liveness){ts, 0, LDT_NONE} : LIVENESS_EMPTY;
    return rowtest_row(&f->a, p, len, l, &c, 1);
}

static void put(struct fx *f, int mi, const char *key, const struct row *rows, uint32_t n)
{
    struct partition_update u = rowtest_update(&f->a, f->s, key, rows, n);
    memtable_apply(f->m[mi], &u);
}

static void describe_row(const struct row *r, struct buf *out, uint16_t vcol)
{
    uint32_t pos = 0, vlen;
    const uint8_t *v;
    const char *sep = "";
    while (clustering_next(r->ck, r->ck_len, &pos, &v, &vlen) == 1) {
        buf_printf(out, "%s%d", sep, rowtest_int_value(v));
        sep = ",";
    }
    for (uint32_t i = 0; i < r->ncells; i++)
        if (r->cells[i].col == vcol && r->cells[i].value_len == 4)
            buf_printf(out, "=%d", rowtest_int_value(r->cells[i].value));
    if (r->ncells == 0) buf_printf(out, "=_");
}

/* Reads key from memtables m[0..nm) at now with spec; "S=<s> r1 r2 ..." */
static char *read_str(struct fx *f, int nm, const char *key, const struct rows_spec *spec,
                      int32_t now)
{
    struct pkey k = {.token = murmur3_token(key, strlen(key)), .key = (const uint8_t *)key,
                     .len = (uint32_t)strlen(key)};
    struct part_iter *srcs[3];
    size_t n = 0;
    for (int i = 0; i < nm; i++) {
        struct part_iter *it;
        cr_assert_eq(memtable_open_partition(f->m[i], &k, spec, &it), 0);
        if (it) srcs[n++] = it;
    }
    struct merge_opts o = {.schema = f->s, .mode = MERGE_LIVE, .now_s = now,
                           .reversed = spec->reversed};
    struct part_iter *m;
    cr_assert_eq(merge_open(&o, srcs, n, &m), 0);
    struct buf b;
    buf_init(&b);
    if (m->static_row) {
        buf_printf(&b, "S");
        for (uint32_t i = 0; i < m->static_row->ncells; i++)
            buf_printf(&b, "=%d", rowtest_int_value(m->static_row->cells[i].value));
    }
    const struct row *r;
    while (part_iter_next(m, &r) == 0 && r) {
        if (b.len) buf_printf(&b, " ");
        describe_row(r, &b, f->c.v);
    }
    part_iter_close(m);
    buf_put_u8(&b, 0);
    char *s = arena_strdup(&f->a, (char *)b.data);
    buf_deinit(&b);
    return s;
}

static const struct rows_spec ALL = {0};

Test(memtable, newer_timestamp_wins_and_ties_pick_larger_value)
{
    struct fx f;
    fx_init(&f, 1, NULL);
    struct row r1 = vrow(&f, 1, 10, 100, true), r2 = vrow(&f, 1, 20, 200, false);
    struct row r3 = vrow(&f, 1, 15, 150, false), r4 = vrow(&f, 1, 20, 250, false);
    put(&f, 0, "k", &r1, 1);
    cr_expect_str_eq(read_str(&f, 1, "k", &ALL, 0), "1=100");
    put(&f, 0, "k", &r2, 1);
    put(&f, 0, "k", &r3, 1);
    cr_expect_str_eq(read_str(&f, 1, "k", &ALL, 0), "1=200");
    put(&f, 0, "k", &r4, 1);
    cr_expect_str_eq(read_str(&f, 1, "k", &ALL, 0), "1=250", "equal ts: larger value wins");
    /* the same across memtables: older data in the newer memtable loses */
    struct row old = vrow(&f, 1, 5, 999, false);
    put(&f, 1, "k", &old, 1);
    cr_expect_str_eq(read_str(&f, 2, "k", &ALL, 0), "1=250");
    cr_expect_eq(memtable_partitions(f.m[0]), 1u);
    cr_expect_eq(memtable_min_ts(f.m[0]), 10);
    cr_expect_eq(memtable_bytes(f.m[2]), 0u, "an empty memtable counts nothing");
    for (int i = 0; i < 3000; i++) {
        struct row r = vrow(&f, i, 30, i, true);
        put(&f, 2, "big", &r, 1);
    }
    cr_expect_gt(memtable_bytes(f.m[2]), 3000u * 4, "arena bytes reserved grow with the data");
    fx_fini(&f);
}

Test(memtable, range_tombstones_cover_clustering_slices)
{
    struct fx f;
    fx_init(&f, 1, NULL);
    struct row rows[8];
    for (int i = 0; i < 8; i++) rows[i] = vrow(&f, i + 1, 10, i + 1, true);
    put(&f, 0, "k", rows, 8);
    struct partition_update u = rowtest_update(&f.a, f.s, "k", NULL, 0);
    struct range_tombstone rt = {{rowtest_bound(&f.a, BOUND_INCL_START, 1, 3),
                                  rowtest_bound(&f.a, BOUND_EXCL_END, 1, 6)},
                                 {10, 100}};
    u.rts = &rt;
    u.nrts = 1;
    memtable_apply(f.m[1], &u); /* in another memtable: the merge must apply it */
    cr_expect_str_eq(read_str(&f, 2, "k", &ALL, 0), "1=1 2=2 6=6 7=7 8=8");
    struct rows_spec rev = {.reversed = true};
    cr_expect_str_eq(read_str(&f, 2, "k", &rev, 0), "8=8 7=7 6=6 2=2 1=1");
    struct row newer = vrow(&f, 4, 11, 44, false);
    put(&f, 0, "k", &newer, 1);
    cr_expect_str_eq(read_str(&f, 2, "k", &ALL, 0), "1=1 2=2 4=44 6=6 7=7 8=8");
    /* a wider, older tombstone does not resurrect or hide anything newer */
    struct range_tombstone wide = {{rowtest_bound(&f.a, BOUND_EXCL_START, 1, 1),
                                    rowtest_bound(&f.a, BOUND_INCL_END, 1, 7)},
                                   {9, 100}};
    u.rts = &wide;
    memtable_apply(f.m[2], &u);
    cr_expect_str_eq(read_str(&f, 3, "k", &ALL, 0), "1=1 2=2 4=44 6=6 7=7 8=8");
    wide.del.ts_us = 10;
    memtable_apply(f.m[2], &u);
    cr_expect_str_eq(read_str(&f, 3, "k", &ALL, 0), "1=1 4=44 8=8");
    cr_expect_str_eq(read_str(&f, 3, "k", &rev, 0), "8=8 4=44 1=1");
    fx_fini(&f);
}

Test(memtable, slices_forward_and_reverse_with_desc_order)
{
    bool desc = true;
    struct fx f;
    fx_init(&f, 1, &desc);
    struct row rows[10];
    for (int i = 0; i < 10; i++) rows[9 - i] = vrow(&f, i, 10, i, true); /* DESC order */
    put(&f, 0, "k", rows, 10);
    cr_expect_str_eq(read_str(&f, 1, "k", &ALL, 0), "9=9 8=8 7=7 6=6 5=5 4=4 3=3 2=2 1=1 0=0");
    /* slices in clustering (DESC) order: [8..6] then (3..1] */
    struct slice sl[2] = {
        {rowtest_bound(&f.a, BOUND_INCL_START, 1, 8), rowtest_bound(&f.a, BOUND_INCL_END, 1, 6)},
        {rowtest_bound(&f.a, BOUND_EXCL_START, 1, 3), rowtest_bound(&f.a, BOUND_INCL_END, 1, 1)},
    };
    struct rows_spec spec = {.nslices = 2, .slices = sl};
    cr_expect_str_eq(read_str(&f, 1, "k", &spec, 0), "8=8 7=7 6=6 2=2 1=1");
    spec.reversed = true;
    cr_expect_str_eq(read_str(&f, 1, "k", &spec, 0), "1=1 2=2 6=6 7=7 8=8");
    struct slice none = {rowtest_bound(&f.a, BOUND_EXCL_START, 1, 100),
                         rowtest_bound(&f.a, BOUND_INCL_END, 1, 50)};
    struct rows_spec empty = {.nslices = 1, .slices = &none};
    cr_expect_str_eq(read_str(&f, 1, "k", &empty, 0), "");
    fx_fini(&f);
}

Test(memtable, static_row_and_partition_deletion)
{
    struct fx f;
    fx_init(&f, 1, NULL);
    struct row rows[2] = {vrow(&f, 1, 10, 1, true), vrow(&f, 2, 30, 2, false)};
    struct partition_update u = rowtest_update(&f.a, f.s, "k", rows, 2);
    struct cell st = rowtest_cell_int(&f.a, f.c.s, 10, 77);
    struct row sr = rowtest_row(&f.a, NULL, 0, LIVENESS_EMPTY, &st, 1);
    sr.flags = ROW_STATIC;
    u.static_row = &sr;
    memtable_apply(f.m[0], &u);
    cr_expect_str_eq(read_str(&f, 1, "k", &ALL, 0), "S=77 1=1 2=2");
    struct rows_spec so = {.static_only = true};
    cr_expect_str_eq(read_str(&f, 1, "k", &so, 0), "S=77");
    struct partition_update d = rowtest_update(&f.a, f.s, "k", NULL, 0);
    d.partition_deletion = (struct deletion){20, 100};
    memtable_apply(f.m[1], &d);
    cr_expect_str_eq(read_str(&f, 2, "k", &ALL, 0), "2=2", "only data newer than ts 20 stays");
    st.ts_us = 25;
    st.value = rowtest_int(&f.a, 78);
    sr = rowtest_row(&f.a, NULL, 0, LIVENESS_EMPTY, &st, 1);
    sr.flags = ROW_STATIC;
    u.static_row = &sr;
    u.nrows = 0;
    memtable_apply(f.m[0], &u);
    cr_expect_str_eq(read_str(&f, 2, "k", &ALL, 0), "S=78 2=2");
    cr_expect_str_eq(read_str(&f, 2, "other", &ALL, 0), "");
    fx_fini(&f);
}

Test(memtable, row_liveness_ttl_and_cell_deletes)
{
    struct fx f;
    fx_init(&f, 1, NULL);
    /* row 1: INSERT (marker) with v; row 2: UPDATE only */
    struct row rows[2] = {vrow(&f, 1, 10, 1, true), vrow(&f, 2, 10, 2, false)};
    put(&f, 0, "k", rows, 2);
    uint32_t l1, l2;
    const uint8_t *c1 = rowtest_ck(&f.a, &l1, 1, 1), *c2 = rowtest_ck(&f.a, &l2, 1, 2);
    struct cell t = rowtest_tombstone(f.c.v, 11, 100);
    struct row del[2] = {rowtest_row(&f.a, c1, l1, LIVENESS_EMPTY, &t, 1),
                         rowtest_row(&f.a, c2, l2, LIVENESS_EMPTY, &t, 1)};
    put(&f, 0, "k", del, 2);
    cr_expect_str_eq(read_str(&f, 1, "k", &ALL, 0), "1=_",
                     "the INSERTed row stays with a null column, the UPDATEd one disappears");
    /* TTL: row 3 written with ttl 10 expiring at 1000 (marker and cell) */
    uint32_t l3;
    const uint8_t *c3 = rowtest_ck(&f.a, &l3, 1, 3);
    struct cell e = rowtest_expiring(&f.a, f.c.v, 20, 3, 10, 1000);
    struct row r3 = rowtest_row(&f.a, c3, l3, (struct liveness){20, 10, 1000}, &e, 1);
    put(&f, 0, "k", &r3, 1);
    cr_expect_str_eq(read_str(&f, 1, "k", &ALL, 999), "1=_ 3=3");
    cr_expect_str_eq(read_str(&f, 1, "k", &ALL, 1000), "1=_");
    /* row deletion */
    struct row rd = rowtest_row(&f.a, c1, l1, LIVENESS_EMPTY, NULL, 0);
    rd.deletion = (struct deletion){10, 50};
    put(&f, 1, "k", &rd, 1);
    cr_expect_str_eq(read_str(&f, 2, "k", &ALL, 0), "3=3");
    fx_fini(&f);
}

Test(memtable, collection_deletion_shadows_older_elements)
{
    struct fx f;
    fx_init(&f, 1, NULL);
    static const uint8_t e1[] = {0, 0, 0, 1}, e2[] = {0, 0, 0, 2};
    uint32_t l;
    const uint8_t *ck = rowtest_ck(&f.a, &l, 1, 1);
    struct cell tags[2] = {rowtest_cell(f.c.tags, 10, NULL, 0), rowtest_cell(f.c.tags, 10, NULL, 0)};
    tags[0].path = e1;
    tags[0].path_len = 4;
    tags[1].path = e2;
    tags[1].path_len = 4;
    struct row r = rowtest_row(&f.a, ck, l, LIVENESS_EMPTY, tags, 2);
    put(&f, 0, "k", &r, 1);
    /* tags = {2}: complex deletion at 19 plus element 2 at 20 */
    struct cell again = tags[1];
    again.ts_us = 20;
    struct row r2 = rowtest_row(&f.a, ck, l, LIVENESS_EMPTY, &again, 1);
    struct complex_del cd = {f.c.tags, {19, 100}};
    r2.complex = &cd;
    r2.ncomplex = 1;
    put(&f, 0, "k", &r2, 1);
    struct pkey k = {.token = murmur3_token("k", 1), .key = (const uint8_t *)"k", .len = 1};
    struct part_iter *it;
    cr_assert_eq(memtable_open_partition(f.m[0], &k, &ALL, &it), 0);
    struct merge_opts o = {.schema = f.s, .mode = MERGE_LIVE};
    struct part_iter *m;
    cr_assert_eq(merge_open(&o, &it, 1, &m), 0);
    const struct row *out;
    cr_assert_eq(part_iter_next(m, &out), 0);
    cr_assert_not_null(out);
    cr_assert_eq(out->ncells, 1u);
    cr_expect_eq(out->cells[0].path[3], 2);
    cr_expect_eq(out->cells[0].ts_us, 20);
    part_iter_close(m);
    fx_fini(&f);
}

static int32_t be32_of(const uint8_t *p)
{
    return rowtest_int_value(p);
}

Test(memtable, range_scan_in_token_order)
{
    struct fx f;
    fx_init(&f, 1, NULL);
    char keys[50][8];
    for (int i = 0; i < 50; i++) {
        snprintf(keys[i], sizeof keys[i], "key%d", i);
        struct row r = vrow(&f, 1, 10, i, true);
        put(&f, i % 2, keys[i], &r, 1); /* spread over two memtables */
    }
    struct range_iter *srcs[2];
    struct token_range all = token_range_all();
    cr_assert_eq(memtable_scan(f.m[0], &all, &srcs[0]), 0);
    cr_assert_eq(memtable_scan(f.m[1], &all, &srcs[1]), 0);
    struct merge_range *mr;
    cr_assert_eq(merge_range_open(srcs, 2, &mr), 0);
    struct pkey k, prev = {0};
    int n = 0;
    int64_t mid = 0;
    struct merge_opts o = {.schema = f.s, .mode = MERGE_LIVE};
    while (merge_range_next(mr, &k) == 0 && k.key) {
        if (n) cr_expect_lt(pkey_cmp(&prev, &k), 0, "partitions come in token order");
        cr_expect_eq(k.token, murmur3_token(k.key, k.len));
        struct part_iter *pi;
        cr_assert_eq(merge_range_open_partition(mr, &o, &ALL, &pi), 0);
        const struct row *r;
        cr_assert_eq(part_iter_next(pi, &r), 0);
        cr_assert_not_null(r);
        /* the key is "key<i>", not NUL-terminated: parse the digits within its length */
        char digits[8] = "";
        cr_assert(k.len > 3 && k.len - 3 < sizeof digits);
        memcpy(digits, k.key + 3, k.len - 3);
        int idx = (int)strtol(digits, NULL, 10);
        cr_expect_eq(be32_of(r->cells[0].value), idx);
        part_iter_close(pi);
        prev = k;
        if (n == 25) mid = k.token;
        n++;
    }
    cr_expect_eq(n, 50);
    merge_range_close(mr);
    /* a sub-range: tokens in (mid, INT64_MAX] hold the 24 partitions after the 26th */
    struct token_range sub = {.start = mid, .end = INT64_MAX, .start_incl = false, .end_incl = true};
    cr_assert_eq(memtable_scan(f.m[0], &sub, &srcs[0]), 0);
    cr_assert_eq(memtable_scan(f.m[1], &sub, &srcs[1]), 0);
    cr_assert_eq(merge_range_open(srcs, 2, &mr), 0);
    n = 0;
    while (merge_range_next(mr, &k) == 0 && k.key) {
        cr_expect_gt(k.token, mid);
        n++;
    }
    cr_expect_eq(n, 24);
    merge_range_close(mr);
    fx_fini(&f);
}

static bool purge_all_before(void *arg, int64_t ts_us, int32_t ldt_s)
{
    (void)ts_us;
    return ldt_s < *(int32_t *)arg;
}

Test(merge, raw_output_converts_expired_cells_and_purges)
{
    struct fx f;
    fx_init(&f, 1, NULL);
    uint32_t l1, l2;
    const uint8_t *c1 = rowtest_ck(&f.a, &l1, 1, 1), *c2 = rowtest_ck(&f.a, &l2, 1, 2);
    struct cell e = rowtest_expiring(&f.a, f.c.v, 20, 3, 100, 1000);
    struct cell t = rowtest_tombstone(f.c.v, 30, 500);
    struct row rows[2] = {rowtest_row(&f.a, c1, l1, LIVENESS_EMPTY, &e, 1),
                          rowtest_row(&f.a, c2, l2, LIVENESS_EMPTY, &t, 1)};
    put(&f, 0, "k", rows, 2);
    struct cell shadowed = rowtest_cell_int(&f.a, f.c.v, 25, 9);
    struct row older = rowtest_row(&f.a, c2, l2, LIVENESS_EMPTY, &shadowed, 1);
    put(&f, 1, "k", &older, 1);
    struct pkey k = {.token = murmur3_token("k", 1), .key = (const uint8_t *)"k", .len = 1};
    int32_t gc_before = 0;
    for (int round = 0; round < 2; round++) {
        struct part_iter *its[2];
        cr_assert_eq(memtable_open_partition(f.m[0], &k, &ALL, &its[0]), 0);
        cr_assert_eq(memtable_open_partition(f.m[1], &k, &ALL, &its[1]), 0);
        struct merge_opts o = {.schema = f.s, .mode = MERGE_RAW, .now_s = 2000,
                               .purge = purge_all_before, .purge_arg = &gc_before};
        struct part_iter *m;
        cr_assert_eq(merge_open(&o, its, 2, &m), 0);
        const struct row *r;
        if (round == 0) { /* nothing purgeable: tombstone with ldt = expiry - ttl */
            cr_assert_eq(part_iter_next(m, &r), 0);
            cr_assert_not_null(r);
            cr_assert_eq(r->ncells, 1u);
            cr_expect_eq(r->cells[0].flags, CELL_TOMBSTONE);
            cr_expect_eq(r->cells[0].ldt_s, 900);
            cr_expect_eq(r->cells[0].value_len, 0u);
            cr_assert_eq(part_iter_next(m, &r), 0);
            cr_assert_not_null(r);
            cr_assert_eq(r->ncells, 1u, "the shadowed older cell is gone");
            cr_expect_eq(r->cells[0].ts_us, 30);
        } else { /* gc_before 950: the converted one (ldt 900) and the tombstone (500) go */
            cr_assert_eq(part_iter_next(m, &r), 0);
            cr_expect_null(r);
        }
        part_iter_close(m);
        gc_before = 950;
    }
    fx_fini(&f);
}

struct race {
    struct fx *f;
    atomic_bool stop;
    int rows_seen_max;
};

static void *reader_main(void *arg)
{
    struct race *r = arg;
    struct pkey k = {.token = murmur3_token("k", 1), .key = (const uint8_t *)"k", .len = 1};
    while (!atomic_load(&r->stop)) {
        struct part_iter *it;
        if (memtable_open_partition(r->f->m[0], &k, &ALL, &it) != 0 || !it) continue;
        const struct row *row, *prev = NULL;
        int n = 0;
        while (part_iter_next(it, &row) == 0 && row) {
            if (prev && clustering_cmp(r->f->s, prev->ck, prev->ck_len, row->ck, row->ck_len) >= 0)
                n = -1000000; /* out of order: recorded, checked by the main thread */
            if (row->ncells != 1 || row->cells[0].value_len != 4) n = -1000000;
            prev = row;
            n++;
        }
        part_iter_close(it);
        if (n > r->rows_seen_max || n < 0) r->rows_seen_max = n;
    }
    return NULL;
}

Test(memtable, reader_beside_writer_sees_complete_rows_in_order)
{
    struct fx f;
    fx_init(&f, 1, NULL);
    struct race r = {.f = &f};
    atomic_init(&r.stop, false);
    pthread_t th;
    cr_assert_eq(pthread_create(&th, NULL, reader_main, &r), 0);
    for (int i = 0; i < 3000; i++) {
        struct row row = vrow(&f, (i * 7919) % 1000, i, i, true);
        put(&f, 0, "k", &row, 1);
    }
    atomic_store(&r.stop, true);
    pthread_join(th, NULL);
    cr_expect_geq(r.rows_seen_max, 0, "the reader never saw a torn or misordered row");
    cr_expect_str_neq(read_str(&f, 1, "k", &ALL, 0), "");
    fx_fini(&f);
}

Test(merge, covered_range_tombstones_are_dropped)
{
    struct fx f;
    fx_init(&f, 1, NULL);
    struct partition_update u = rowtest_update(&f.a, f.s, "k", NULL, 0);
    struct range_tombstone rts[4] = {
        {{{NULL, 0, BOUND_INCL_START}, rowtest_bound(&f.a, BOUND_EXCL_END, 1, 3)}, {10, 1}},
        {{{NULL, 0, BOUND_INCL_START}, rowtest_bound(&f.a, BOUND_EXCL_END, 1, 5)}, {11, 1}},
        {{{NULL, 0, BOUND_INCL_START}, rowtest_bound(&f.a, BOUND_EXCL_END, 1, 7)}, {12, 1}},
        /* narrower but newer: stays */
        {{rowtest_bound(&f.a, BOUND_INCL_START, 1, 1), rowtest_bound(&f.a, BOUND_INCL_END, 1, 2)},
         {13, 1}},
    };
    for (int i = 0; i < 4; i++) { /* one per memtable write, two memtables */
        u.rts = &rts[i];
        u.nrts = 1;
        memtable_apply(f.m[i % 2], &u);
    }
    struct pkey k = {.token = murmur3_token("k", 1), .key = (const uint8_t *)"k", .len = 1};
    struct part_iter *its[2];
    cr_assert_eq(memtable_open_partition(f.m[0], &k, &ALL, &its[0]), 0);
    cr_assert_eq(memtable_open_partition(f.m[1], &k, &ALL, &its[1]), 0);
    struct merge_opts o = {.schema = f.s, .mode = MERGE_RAW};
    struct part_iter *m;
    cr_assert_eq(merge_open(&o, its, 2, &m), 0);
    cr_assert_eq(m->nrts, 2u);
    cr_expect_eq(m->rts[0].del.ts_us, 12, "the widest, newest tombstone");
    cr_expect_eq(m->rts[1].del.ts_us, 13);
    part_iter_close(m);
    fx_fini(&f);
}

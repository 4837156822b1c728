/* Unit tests for SSTable write/read: round trips with tombstones and TTLs, lookups through the
   summary and index, slices forward and reverse, static-only reads, statistics, compression on
   and off, lifetime (obsolete files), and leftovers of unfinished writes. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "node/base/arena.h"
#include "node/base/be.h"
#include "node/base/log.h"
#include "storage/chunk_cache.h"
#include "storage/row.h"
#include "storage/sstable.h"
#include "tests/support/sst_fixture.h"

static char *dir;
static struct arena A;

static void setup(void)
{
    log_set_level(LOG_WARN);
    dir = fx_tmpdir();
    cr_assert_not_null(dir);
    arena_init(&A, 0);
}

static void teardown(void)
{
    fx_rmdir(dir);
    free(dir);
    arena_deinit(&A);
}

TestSuite(sstable, .init = setup, .fini = teardown);

static void check_all(struct sstable *t, const struct fx_part *p, uint32_t n,
                      const struct rows_spec *spec)
{
    for (uint32_t i = 0; i < n; i++) {
        const struct row **want = arena_alloc(&A, (p[i].nrows + 1) * sizeof *want);
        for (uint32_t j = 0; j < p[i].nrows; j++) want[j] = &p[i].rows[j];
        char msg[128] = "";
        int rc = fx_check_partition(t, &p[i], spec, want, p[i].nrows, msg, sizeof msg);
        cr_assert_eq(rc, 0, "partition %u: rc=%d %s", i, rc, msg);
    }
}

/* Decorates model partitions with every kind of tombstone and expiring data. */
static void decorate(struct fx_part *p)
{
    p[0].pdel = (struct deletion){500, 1600000000};
    struct row *sr = arena_zalloc(&A, sizeof *sr);
    sr->flags = ROW_STATIC;
    sr->ck = (const uint8_t *)"";
    sr->liveness = LIVENESS_EMPTY;
    sr->deletion = DELETION_LIVE;
    sr->ncells = 1;
    sr->cells = arena_zalloc(&A, sizeof *sr->cells);
    sr->cells[0] = (struct cell){.col = FX_COL_S, .ts_us = 900, .ldt_s = LDT_NONE,
                                 .value_len = 3, .value = (const uint8_t *)"abc"};
    p[1].static_row = sr;
    struct range_tombstone *rt = arena_zalloc(&A, sizeof *rt);
    uint32_t l1, l2;
    const uint8_t *a = fx_ck(&A, 2, &l1), *b = fx_ck(&A, 6, &l2);
    rt->range = (struct slice){{a, l1, BOUND_INCL_START}, {b, l2, BOUND_EXCL_END}};
    rt->del = (struct deletion){700, 1600000001};
    p[2].rts = rt;
    p[2].nrts = 1;
    struct cell *c = &p[3].rows[1].cells[0];
    c->flags = CELL_TOMBSTONE;
    c->value_len = 0;
    c->value = NULL;
    c->ldt_s = 1600000002;
    c = &p[4].rows[2].cells[0];
    c->flags = CELL_EXPIRING;
    c->ttl_s = 60;
    c->ldt_s = 1600000060;
    p[4].rows[3].deletion = (struct deletion){1000, 1600000003};
    p[4].rows[4].liveness = (struct liveness){1000, 30, 1600000030};
}

Test(sstable, round_trip_with_tombstones_and_ttl)
{
    struct table_schema *s = fx_schema(true, 4096);
    struct fx_part *p = fx_parts(&A, 30, 5, 40, 1000);
    decorate(p);
    struct sstable *t;
    struct errmsg em;
    cr_assert_eq(fx_write(dir, 1, s, p, 30, &t, &em), 0, "%s", em.text);
    check_all(t, p, 30, NULL);
    const struct sstable_stats *st = sstable_get_stats(t);
    cr_assert_eq(st->partitions, 30);
    cr_assert_eq(st->rows, 150);
    cr_assert_eq(st->cells, 151);
    cr_assert_eq(st->tombstones, 4); /* partition, range, cell, row */
    cr_assert_eq(st->min_ts_us, 500);
    cr_assert_eq(st->max_ts_us, 1000);
    cr_assert_eq(st->min_ldt_s, 1600000000);
    cr_assert_eq(st->max_ldt_s, 1600000060);
    cr_assert_eq(st->commitlog_bound, 77);
    cr_assert_eq(st->first_token, p[0].key.token);
    cr_assert_eq(st->last_token, p[29].key.token);
    cr_assert_eq(st->generation, 1);
    cr_assert_gt(st->data_bytes, 0);
    cr_assert_gt(st->total_bytes, st->data_bytes);
    cr_assert_gt(st->uncompressed_bytes, 30 * 5 * 40);
    sstable_unref(t);
    /* Reopened from disk, the same. */
    cr_assert_eq(sstable_open(vfs_default(), dir, 1, s, &t, &em), 0, "%s", em.text);
    check_all(t, p, 30, NULL);
    sstable_unref(t);
    table_schema_unref(s);
}

Test(sstable, uncompressed_round_trip)
{
    struct table_schema *s = fx_schema(false, 2048);
    struct fx_part *p = fx_parts(&A, 40, 10, 100, 5);
    struct sstable *t;
    struct errmsg em;
    cr_assert_eq(fx_write(dir, 3, s, p, 40, &t, &em), 0, "%s", em.text);
    check_all(t, p, 40, NULL);
    const struct sstable_stats *st = sstable_get_stats(t);
    cr_assert_geq(st->data_bytes, st->uncompressed_bytes);
    sstable_unref(t);
    table_schema_unref(s);
}

Test(sstable, compression_shrinks_data)
{
    struct table_schema *s = fx_schema(true, 16384);
    struct fx_part *p = fx_parts(&A, 40, 10, 100, 5);
    struct sstable *t;
    struct errmsg em;
    cr_assert_eq(fx_write(dir, 3, s, p, 40, &t, &em), 0, "%s", em.text);
    const struct sstable_stats *st = sstable_get_stats(t);
    cr_assert_lt(st->data_bytes * 2, st->uncompressed_bytes);
    sstable_unref(t);
    table_schema_unref(s);
}

Test(sstable, lookups_first_last_middle_and_missing)
{
    struct table_schema *s = fx_schema(true, 16384);
    const uint32_t n = 3000;
    struct fx_part *p = fx_parts(&A, n, 1, 8, 1);
    struct sstable *t;
    struct errmsg em;
    cr_assert_eq(fx_write(dir, 9, s, p, n, &t, &em), 0, "%s", em.text);
    uint32_t probe[] = {0, 1, 127, 128, 129, 1500, n - 2, n - 1};
    for (size_t i = 0; i < sizeof probe / sizeof probe[0]; i++) {
        const struct row *want[] = {&p[probe[i]].rows[0]};
        char msg[128] = "";
        cr_assert_eq(fx_check_partition(t, &p[probe[i]], NULL, want, 1, msg, sizeof msg), 0,
                     "key %u: %s", probe[i], msg);
    }
    for (uint32_t i = 0; i < 500; i++) {
        char name[32];
        snprintf(name, sizeof name, "missing-%u", i);
        struct pkey k = fx_key(&A, name);
        struct part_iter *it = (struct part_iter *)1;
        cr_assert_eq(sstable_open_partition(t, &k, NULL, &it, &em), 0);
        cr_assert_null(it);
    }
    /* Same token as the first key but a larger key; and keys outside the token span. */
    struct pkey k = {p[0].key.token, (const uint8_t *)"zzzzzzzzz", 9};
    struct part_iter *it;
    cr_assert_eq(sstable_open_partition(t, &k, NULL, &it, &em), 0);
    cr_assert_null(it);
    k.token = INT64_MIN;
    cr_assert_eq(sstable_open_partition(t, &k, NULL, &it, &em), 0);
    cr_assert_null(it);
    k.token = INT64_MAX;
    cr_assert_eq(sstable_open_partition(t, &k, NULL, &it, &em), 0);
    cr_assert_null(it);
    for (uint32_t i = 0; i < n; i += 97) cr_assert(sstable_may_contain(t, &p[i].key));
    sstable_unref(t);
    table_schema_unref(s);
}

static struct cbound bound(int32_t c, uint8_t kind, bool open)
{
    if (open) return (struct cbound){(const uint8_t *)"", 0, kind};
    uint32_t len;
    const uint8_t *p = fx_ck(&A, c, &len);
    return (struct cbound){p, len, kind};
}

struct slice_case {
    int32_t a, b;
    bool a_excl, b_excl, a_open, b_open;
};

static bool in_case(const struct slice_case *c, int32_t v)
{
    if (!c->a_open && (v < c->a || (c->a_excl && v == c->a))) return false;
    if (!c->b_open && (v > c->b || (c->b_excl && v == c->b))) return false;
    return true;
}

static void check_slices(struct sstable *t, const struct fx_part *p, const struct slice_case *sc,
                         uint32_t ns, bool reversed)
{
    struct slice *sl = arena_alloc(&A, ns * sizeof *sl);
    for (uint32_t i = 0; i < ns; i++)
        sl[i] = (struct slice){
            bound(sc[i].a, sc[i].a_excl ? BOUND_EXCL_START : BOUND_INCL_START, sc[i].a_open),
            bound(sc[i].b, sc[i].b_excl ? BOUND_EXCL_END : BOUND_INCL_END, sc[i].b_open)};
    const struct row **want = arena_alloc(&A, (p->nrows + 1) * sizeof *want);
    uint32_t nw = 0;
    for (uint32_t j = 0; j < p->nrows; j++) {
        int32_t v = (int32_t)be32_load(p->rows[j].ck + 2);
        for (uint32_t i = 0; i < ns; i++)
            if (in_case(&sc[i], v)) {
                want[nw++] = &p->rows[j];
                break;
            }
    }
    if (reversed)
        for (uint32_t i = 0; i < nw / 2; i++) {
            const struct row *x = want[i];
            want[i] = want[nw - 1 - i];
            want[nw - 1 - i] = x;
        }
    struct rows_spec spec = {ns, sl, reversed, false};
    char msg[128] = "";
    int rc = fx_check_partition(t, p, &spec, want, nw, msg, sizeof msg);
    cr_assert_eq(rc, 0, "slices=%u reversed=%d first=[%d,%d]: rc=%d %s", ns, reversed, sc[0].a,
                 sc[0].b, rc, msg);
}

static const struct slice_case one_slice_cases[] = {
    {0, 0, false, false, true, true},       /* everything */
    {100, 300, false, false, false, false}, /* inside one block */
    {101, 301, true, true, false, false},   /* odd bounds, none equal */
    {100, 300, true, true, false, false},   /* exclusive on existing rows */
    {1000, 3000, false, false, false, false}, /* crosses blocks */
    {0, 500, false, false, true, false},    /* open start */
    {3500, 0, false, false, false, true},   /* open end */
    {-50, -10, false, false, false, false}, /* before every row */
    {9000, 9999, false, false, false, false}, /* after every row */
    {2, 2, false, false, false, false},     /* a single row */
    {3, 3, false, false, false, false},     /* a single missing row */
};

Test(sstable, slices_forward_and_reverse_on_a_large_partition)
{
    struct table_schema *s = fx_schema(true, 16384);
    /* 2000 rows of ~110 bytes: ~220 KB, several row-index blocks. */
    struct fx_part *p = fx_parts(&A, 3, 2000, 100, 42);
    struct sstable *t;
    struct errmsg em;
    cr_assert_eq(fx_write(dir, 4, s, p, 3, &t, &em), 0, "%s", em.text);
    for (int rev = 0; rev < 2; rev++) {
        for (size_t i = 0; i < sizeof one_slice_cases / sizeof one_slice_cases[0]; i++)
            check_slices(t, &p[1], &one_slice_cases[i], 1, rev);
        struct slice_case multi[] = {{10, 20, false, false, false, false},
                                     {1500, 1510, false, true, false, false},
                                     {2500, 2502, true, false, false, false},
                                     {3990, 0, false, false, false, true}};
        check_slices(t, &p[2], multi, 4, rev);
    }
    sstable_unref(t);
    table_schema_unref(s);
}

Test(sstable, slices_on_a_small_partition)
{
    struct table_schema *s = fx_schema(true, 16384);
    struct fx_part *p = fx_parts(&A, 2, 20, 10, 42);
    struct sstable *t;
    struct errmsg em;
    cr_assert_eq(fx_write(dir, 4, s, p, 2, &t, &em), 0, "%s", em.text);
    for (int rev = 0; rev < 2; rev++) {
        for (size_t i = 0; i < sizeof one_slice_cases / sizeof one_slice_cases[0]; i++)
            check_slices(t, &p[0], &one_slice_cases[i], 1, rev);
        struct slice_case two[] = {{2, 6, false, false, false, false},
                                   {30, 34, true, false, false, false}};
        check_slices(t, &p[1], two, 2, rev);
    }
    sstable_unref(t);
    table_schema_unref(s);
}

Test(sstable, range_tombstones_outside_the_slices_are_left_out)
{
    struct table_schema *s = fx_schema(true, 16384);
    struct fx_part *p = fx_parts(&A, 5, 10, 10, 1000);
    decorate(p);
    struct sstable *t;
    struct errmsg em;
    cr_assert_eq(fx_write(dir, 1, s, p, 5, &t, &em), 0, "%s", em.text);
    struct fx_part *q = NULL;
    for (int i = 0; i < 5; i++)
        if (p[i].nrts) q = &p[i];
    cr_assert_not_null(q);
    struct slice in = {bound(4, BOUND_INCL_START, false), bound(4, BOUND_INCL_END, false)};
    struct slice out = {bound(10, BOUND_INCL_START, false), bound(12, BOUND_INCL_END, false)};
    struct rows_spec spec = {1, &in, false, false};
    struct part_iter *it;
    cr_assert_eq(sstable_open_partition(t, &q->key, &spec, &it, &em), 0);
    cr_assert_eq(it->nrts, 1);
    cr_assert(fx_deletion_equal(it->rts[0].del, q->rts[0].del));
    part_iter_close(it);
    spec.slices = &out;
    cr_assert_eq(sstable_open_partition(t, &q->key, &spec, &it, &em), 0);
    cr_assert_eq(it->nrts, 0);
    part_iter_close(it);
    sstable_unref(t);
    table_schema_unref(s);
}

Test(sstable, static_only_reads_the_header)
{
    struct table_schema *s = fx_schema(true, 16384);
    struct fx_part *p = fx_parts(&A, 5, 10, 10, 1000);
    decorate(p);
    struct sstable *t;
    struct errmsg em;
    cr_assert_eq(fx_write(dir, 1, s, p, 5, &t, &em), 0, "%s", em.text);
    struct rows_spec spec = {0, NULL, false, true};
    for (int i = 0; i < 5; i++) {
        char msg[128] = "";
        cr_assert_eq(fx_check_partition(t, &p[i], &spec, NULL, 0, msg, sizeof msg), 0, "%s", msg);
    }
    sstable_unref(t);
    table_schema_unref(s);
}

Test(sstable, keys_out_of_order_are_rejected)
{
    struct table_schema *s = fx_schema(true, 16384);
    struct fx_part *p = fx_parts(&A, 2, 1, 10, 1);
    struct sstable_write_opts o = {0};
    struct sstable_writer *w;
    struct errmsg em;
    cr_assert_eq(sstable_writer_open(vfs_default(), dir, 1, s, &o, &w, &em), 0);
    struct fx_src src;
    fx_src_init(&src, &p[1]);
    cr_assert_eq(sstable_writer_add(w, &p[1].key, &src.base, &em), 0);
    fx_src_init(&src, &p[0]);
    cr_assert_eq(sstable_writer_add(w, &p[0].key, &src.base, &em), ERR_INVALID);
    sstable_writer_abort(w);
    uint32_t *gens;
    size_t n;
    cr_assert_eq(sstable_list(vfs_default(), dir, &gens, &n, &em), 0);
    cr_assert_eq(n, 0);
    free(gens);
    table_schema_unref(s);
}

static bool exists(const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    struct stat st;
    return stat(path, &st) == 0;
}

static void touch(const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("x", f);
    fclose(f);
}

Test(sstable, list_keeps_complete_and_deletes_leftovers)
{
    struct table_schema *s = fx_schema(true, 16384);
    struct fx_part *p = fx_parts(&A, 3, 1, 10, 1);
    struct sstable *t;
    struct errmsg em;
    cr_assert_eq(fx_write(dir, 5, s, p, 3, &t, &em), 0, "%s", em.text);
    sstable_unref(t);
    cr_assert_eq(fx_write(dir, 2, s, p, 3, &t, &em), 0, "%s", em.text);
    sstable_unref(t);
    touch("rb-7-big-Data.db"); /* renamed but no TOC: unfinished */
    touch("rb-7-big-Index.db");
    touch("rb-8-big-Data.db.tmp");
    touch("rb-8-big-TOC.txt.tmp");
    touch("unrelated.txt");
    uint32_t *gens;
    size_t n;
    cr_assert_eq(sstable_list(vfs_default(), dir, &gens, &n, &em), 0);
    cr_assert_eq(n, 2);
    cr_assert_eq(gens[0], 2);
    cr_assert_eq(gens[1], 5);
    free(gens);
    cr_assert(!exists("rb-7-big-Data.db"));
    cr_assert(!exists("rb-7-big-Index.db"));
    cr_assert(!exists("rb-8-big-Data.db.tmp"));
    cr_assert(!exists("rb-8-big-TOC.txt.tmp"));
    cr_assert(exists("unrelated.txt"));
    cr_assert(exists("rb-5-big-Data.db"));
    table_schema_unref(s);
}

Test(sstable, obsolete_files_go_with_the_last_reference)
{
    struct table_schema *s = fx_schema(true, 16384);
    struct fx_part *p = fx_parts(&A, 3, 2, 10, 1);
    struct sstable *t;
    struct errmsg em;
    cr_assert_eq(fx_write(dir, 6, s, p, 3, &t, &em), 0, "%s", em.text);
    char **paths;
    size_t n;
    cr_assert_eq(sstable_components(t, &paths, &n), 0);
    cr_assert_eq(n, 7);
    struct part_iter *it;
    cr_assert_eq(sstable_open_partition(t, &p[0].key, NULL, &it, &em), 0);
    cr_assert_not_null(it);
    sstable_mark_obsolete(t);
    sstable_unref(t); /* the iterator still holds it */
    for (size_t i = 0; i < n; i++) cr_assert_eq(access(paths[i], F_OK), 0, "%s", paths[i]);
    const struct row *r;
    cr_assert_eq(part_iter_next(it, &r), 0);
    cr_assert_not_null(r);
    part_iter_close(it);
    for (size_t i = 0; i < n; i++) {
        cr_assert_neq(access(paths[i], F_OK), 0, "%s", paths[i]);
        free(paths[i]);
    }
    free(paths);
    table_schema_unref(s);
}

Test(sstable, empty_sstable_is_valid)
{
    struct table_schema *s = fx_schema(true, 16384);
    struct sstable *t;
    struct errmsg em;
    cr_assert_eq(fx_write(dir, 1, s, NULL, 0, &t, &em), 0, "%s", em.text);
    struct pkey k = fx_key(&A, "x");
    struct part_iter *it;
    cr_assert_eq(sstable_open_partition(t, &k, NULL, &it, &em), 0);
    cr_assert_null(it);
    struct token_range all = token_range_all();
    struct range_iter *ri;
    cr_assert_eq(sstable_scan(t, &all, &ri, &em), 0);
    struct pkey out;
    cr_assert_eq(ri->ops->next(ri, &out), 0);
    cr_assert_null(out.key);
    ri->ops->close(ri);
    sstable_unref(t);
    table_schema_unref(s);
}

struct reader_arg {
    struct sstable *t;
    const struct fx_part *p;
    uint32_t n;
    unsigned seed;
    int bad;
};

static void *reader(void *arg)
{
    struct reader_arg *r = arg;
    for (int i = 0; i < 3000; i++) {
        r->seed = r->seed * 1103515245u + 12345u;
        const struct fx_part *p = &r->p[(r->seed >> 8) % r->n];
        bool rev = (r->seed >> 4) & 1;
        const struct row *want[8];
        for (uint32_t j = 0; j < p->nrows; j++) want[j] = &p->rows[rev ? p->nrows - 1 - j : j];
        struct rows_spec spec = {0, NULL, rev, false};
        char msg[128];
        if (fx_check_partition(r->t, p, &spec, want, p->nrows, msg, sizeof msg) != 0) r->bad++;
    }
    return NULL;
}

Test(sstable, concurrent_readers_with_a_small_cache)
{
    /* 64 KiB of cache for ~1 MiB of chunks: constant eviction while four threads read. */
    chunk_cache_set_capacity(chunk_cache_default(), 64 << 10);
    struct table_schema *s = fx_schema(true, 4096);
    struct fx_part *p = fx_parts(&A, 500, 8, 200, 7);
    struct sstable *t;
    struct errmsg em;
    cr_assert_eq(fx_write(dir, 1, s, p, 500, &t, &em), 0, "%s", em.text);
    pthread_t th[4];
    struct reader_arg ra[4];
    for (int i = 0; i < 4; i++) {
        ra[i] = (struct reader_arg){t, p, 500, (unsigned)i * 7919u + 1, 0};
        pthread_create(&th[i], NULL, reader, &ra[i]);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        cr_assert_eq(ra[i].bad, 0, "thread %d saw %d bad reads", i, ra[i].bad);
    }
    struct chunk_cache_stats cs;
    chunk_cache_get_stats(chunk_cache_default(), &cs);
    cr_assert_gt(cs.evictions, 0);
    cr_assert_leq(cs.used_bytes, cs.capacity_bytes);
    sstable_unref(t);
    table_schema_unref(s);
    chunk_cache_set_capacity(chunk_cache_default(), CHUNK_CACHE_DEFAULT_BYTES);
}

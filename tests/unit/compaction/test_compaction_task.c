/* Unit tests for the compaction task: merging four SSTables into one with Cassandra's
   reconciliation, purging tombstones only when safe (gc_grace_seconds and no older data
   outside the compaction, in SSTables or memtables), empty outputs, stopping, throttling. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "node/base/arena.h"
#include "node/base/clock.h"
#include "node/base/log.h"
#include "storage/compaction_task.h"
#include "storage/memtable.h"
#include "storage/mutation.h"
#include "tests/support/sst_fixture.h"

static char *dir;
static struct arena A;
static struct table_schema *S;
static uint32_t next_gen = 1;

#define NOW 2000000000
#define GRACE 10

static void setup(void)
{
    log_set_level(LOG_WARN);
    dir = fx_tmpdir();
    arena_init(&A, 0);
    S = fx_schema(true, 4096);
    S->opts.gc_grace_seconds = GRACE;
}

static void teardown(void)
{
    table_schema_unref(S);
    fx_rmdir(dir);
    free(dir);
    arena_deinit(&A);
}

TestSuite(compaction_task, .init = setup, .fini = teardown);

static struct sstable *write_parts(struct fx_part *p, uint32_t n)
{
    fx_sort(p, n);
    struct sstable *t;
    struct errmsg em;
    cr_assert_eq(fx_write(dir, next_gen++, S, p, n, &t, &em), 0, "%s", em.text);
    return t;
}

static struct fx_part part(const char *key, uint32_t nrows)
{
    struct fx_part p = {.key = fx_key(&A, key), .pdel = DELETION_LIVE, .nrows = nrows};
    p.rows = arena_zalloc(&A, (nrows ? nrows : 1) * sizeof *p.rows);
    return p;
}

static struct row tombstone_row(int32_t c, int64_t ts, int32_t ldt)
{
    struct row r = {0};
    r.ck = fx_ck(&A, c, &r.ck_len);
    r.liveness = LIVENESS_EMPTY;
    r.deletion = (struct deletion){ts, ldt};
    return r;
}

static int run(struct sstable **in, size_t nin, struct sstable **others, size_t nothers,
               struct memtable **mems, size_t nmems, struct compaction_result *res)
{
    struct compaction_job j = {.vfs = vfs_default(), .table_dir = dir, .schema = S,
                               .inputs = in, .ninputs = nin, .others = others,
                               .nothers = nothers, .mems = mems, .nmems = nmems,
                               .generation = next_gen++, .now_s = NOW};
    struct errmsg em = {0};
    int rc = compaction_task_run(&j, res, &em);
    cr_assert(rc == 0 || rc == ERR_CLOSED, "rc=%d %s", rc, em.text);
    return rc;
}

Test(compaction_task, merges_four_sstables_with_reconciliation)
{
    /* k0 in all four with newer versions of row 0; k1 deleted (partition) in the 3rd; row 2 of
       k2 deleted in the 4th; k3 only in the first; k4 only in the last. */
    struct sstable *in[4];
    for (int s = 0; s < 4; s++) {
        struct fx_part p[4];
        uint32_t n = 0;
        p[n] = part("k0", 2);
        p[n].rows[0] = fx_row(&A, 0, 100 + s, 8, (uint8_t)('a' + s));
        p[n].rows[1] = fx_row(&A, 1 + s, 50, 8, 'z');
        n++;
        p[n] = part("k1", 1);
        p[n].rows[0] = fx_row(&A, 7, 100 + s, 4, 'x');
        if (s == 2) p[n].pdel = (struct deletion){150, NOW};
        n++;
        p[n] = part("k2", 1);
        p[n].rows[0] = s == 3 ? tombstone_row(2, 300, NOW) : fx_row(&A, 2, 100, 4, 'y');
        n++;
        if (s == 0 || s == 3) {
            p[n] = part(s == 0 ? "k3" : "k4", 1);
            p[n].rows[0] = fx_row(&A, 9, 10, 4, 'q');
            n++;
        }
        in[s] = write_parts(p, n);
    }
    struct compaction_result res;
    run(in, 4, NULL, 0, NULL, 0, &res);
    cr_assert_not_null(res.out);
    cr_assert_eq(res.partitions_in, 14);
    cr_assert_eq(res.partitions_out, 5);
    cr_assert_eq(sstable_get_stats(res.out)->partitions, 5);

    /* k0: row 0 from the newest (ts 103, 'd'); rows 1..4 from each. */
    struct fx_part k0 = part("k0", 5);
    k0.rows[0] = fx_row(&A, 0, 103, 8, 'd');
    for (int s = 0; s < 4; s++) k0.rows[1 + s] = fx_row(&A, 1 + s, 50, 8, 'z');
    const struct row *want[5];
    for (int i = 0; i < 5; i++) want[i] = &k0.rows[i];
    char msg[128] = "";
    cr_assert_eq(fx_check_partition(res.out, &k0, NULL, want, 5, msg, sizeof msg), 0, "k0 %s",
                 msg);
    /* k1: partition deletion at 150 shadows the rows of ts <= 150 (all of them). */
    struct fx_part k1 = part("k1", 0);
    k1.pdel = (struct deletion){150, NOW};
    cr_assert_eq(fx_check_partition(res.out, &k1, NULL, NULL, 0, msg, sizeof msg), 0, "k1 %s",
                 msg);
    /* k2: the row tombstone (within gc grace) is kept and the shadowed data is gone. */
    struct fx_part k2 = part("k2", 1);
    k2.rows[0] = tombstone_row(2, 300, NOW);
    want[0] = &k2.rows[0];
    cr_assert_eq(fx_check_partition(res.out, &k2, NULL, want, 1, msg, sizeof msg), 0, "k2 %s",
                 msg);
    for (int s = 0; s < 4; s++) sstable_unref(in[s]);
    sstable_unref(res.out);
}

/* The partition "victim" holds a row tombstone (ts 200) in the input; returns whether the
   output still has it. */
static bool tombstone_survives(int32_t ldt, struct sstable **others, size_t nothers,
                               struct memtable **mems, size_t nmems)
{
    struct fx_part p[2] = {part("victim", 1), part("other", 1)};
    p[0].rows[0] = tombstone_row(1, 200, ldt);
    p[1].rows[0] = fx_row(&A, 1, 500, 4, 'o');
    struct sstable *in[2];
    in[0] = write_parts(p, 2);
    struct fx_part q = part("other", 1);
    q.rows[0] = fx_row(&A, 2, 600, 4, 'p');
    in[1] = write_parts(&q, 1);
    struct compaction_result res;
    run(in, 2, others, nothers, mems, nmems, &res);
    cr_assert_not_null(res.out);
    struct part_iter *it;
    struct errmsg em;
    cr_assert_eq(sstable_open_partition(res.out, &p[0].key, NULL, &it, &em), 0);
    bool found = false;
    if (it) {
        const struct row *r;
        cr_assert_eq(part_iter_next(it, &r), 0);
        found = r && r->deletion.ts_us == 200;
        part_iter_close(it);
    }
    sstable_unref(in[0]);
    sstable_unref(in[1]);
    sstable_unref(res.out);
    return found;
}

static struct sstable *other_with(const char *key, int64_t ts)
{
    struct fx_part p = part(key, 1);
    p.rows[0] = fx_row(&A, 1, ts, 4, 'v');
    return write_parts(&p, 1);
}

Test(compaction_task, purges_only_what_is_safe)
{
    int32_t old_ldt = NOW - GRACE - 100, fresh_ldt = NOW - GRACE + 5;
    /* Past gc grace, nothing outside the compaction: dropped. */
    cr_assert(!tombstone_survives(old_ldt, NULL, 0, NULL, 0));
    /* Within gc grace: kept. */
    cr_assert(tombstone_survives(fresh_ldt, NULL, 0, NULL, 0));
    /* Past gc grace but another SSTable holds older data for the key: kept. */
    struct sstable *older = other_with("victim", 100);
    cr_assert(tombstone_survives(old_ldt, &older, 1, NULL, 0));
    /* ... newer data only (min ts above the tombstone): dropped. */
    struct sstable *newer = other_with("victim", 300);
    cr_assert(!tombstone_survives(old_ldt, &newer, 1, NULL, 0));
    /* ... older data, but for other keys only (bloom filter says no): dropped. */
    struct sstable *unrelated = other_with("someone-else", 100);
    cr_assert(!tombstone_survives(old_ldt, &unrelated, 1, NULL, 0));
    sstable_unref(older);
    sstable_unref(newer);
    sstable_unref(unrelated);
}

static struct memtable *memtable_with(const char *key, int64_t ts)
{
    struct memtable *m = memtable_create(S);
    struct row r = fx_row(&A, 3, ts, 4, 'm');
    struct pkey k = fx_key(&A, key);
    struct partition_update u = {.table_id = S->id, .key = k.key, .key_len = k.len,
                                 .token = k.token, .partition_deletion = DELETION_LIVE,
                                 .nrows = 1, .rows = &r};
    memtable_apply(m, &u);
    return m;
}

Test(compaction_task, memtable_with_older_data_blocks_purge)
{
    int32_t old_ldt = NOW - GRACE - 100;
    struct memtable *older = memtable_with("victim", 100);
    cr_assert(tombstone_survives(old_ldt, NULL, 0, &older, 1));
    struct memtable *other_key = memtable_with("not-the-victim", 100);
    cr_assert(!tombstone_survives(old_ldt, NULL, 0, &other_key, 1));
    struct memtable *newer = memtable_with("victim", 900);
    cr_assert(!tombstone_survives(old_ldt, NULL, 0, &newer, 1));
    memtable_unref(older);
    memtable_unref(other_key);
    memtable_unref(newer);
}

Test(compaction_task, everything_purged_gives_no_sstable)
{
    struct fx_part p = part("gone", 1);
    p.rows[0] = tombstone_row(1, 200, NOW - GRACE - 1);
    struct sstable *in = write_parts(&p, 1);
    struct compaction_result res;
    cr_assert_eq(run(&in, 1, NULL, 0, NULL, 0, &res), 0);
    cr_assert_null(res.out);
    cr_assert_eq(res.partitions_out, 0);
    uint32_t *gens;
    size_t n;
    struct errmsg em;
    cr_assert_eq(sstable_list(vfs_default(), dir, &gens, &n, &em), 0);
    cr_assert_eq(n, 1); /* only the input */
    free(gens);
    sstable_unref(in);
}

Test(compaction_task, stop_flag_abandons_the_output)
{
    struct fx_part *p = fx_parts(&A, 50, 2, 10, 1);
    struct sstable *in = write_parts(p, 50);
    atomic_bool stop;
    atomic_init(&stop, true);
    struct compaction_job j = {.vfs = vfs_default(), .table_dir = dir, .schema = S,
                               .inputs = &in, .ninputs = 1, .generation = 99, .now_s = NOW,
                               .stop = &stop};
    struct compaction_result res;
    struct errmsg em;
    cr_assert_eq(compaction_task_run(&j, &res, &em), ERR_CLOSED);
    uint32_t *gens;
    size_t n;
    cr_assert_eq(sstable_list(vfs_default(), dir, &gens, &n, &em), 0);
    cr_assert_eq(n, 1);
    free(gens);
    char path[4200];
    snprintf(path, sizeof path, "%s/rb-99-big-Data.db.tmp", dir);
    cr_assert_neq(access(path, F_OK), 0);
    sstable_unref(in);
}

Test(compaction_task, throttle_limits_the_byte_rate)
{
    struct compaction_throttle t;
    compaction_throttle_init(&t, 4u << 20); /* 4 MiB/s */
    int64_t start = clock_mono_ms();
    for (int i = 0; i < 9; i++) compaction_throttle_acquire(&t, 256u << 10);
    int64_t ms = clock_mono_ms() - start;
    /* 9 x 256 KiB at 4 MiB/s: the 9th starts after 8 x 62.5 ms = 500 ms. */
    cr_assert_geq(ms, 480, "ms=%lld", (long long)ms);
    cr_assert_lt(ms, 3000);
    compaction_throttle_set_rate(&t, 0);
    start = clock_mono_ms();
    for (int i = 0; i < 100; i++) compaction_throttle_acquire(&t, 1u << 30);
    cr_assert_lt(clock_mono_ms() - start, 100);
    compaction_throttle_deinit(&t);
}

/* A partition with one expiring cell of ttl 60 that expires at expiry_s; returns whether
   the cell (or its tombstone) survives compaction, and its flags in *flags. */
static bool expiring_cell_survives(int32_t expiry_s, uint8_t *flags)
{
    struct fx_part p = part("ttl", 1);
    p.rows[0] = fx_row(&A, 1, 500, 4, 't');
    p.rows[0].liveness = LIVENESS_EMPTY;
    p.rows[0].cells[0].flags = CELL_EXPIRING;
    p.rows[0].cells[0].ttl_s = 60;
    p.rows[0].cells[0].ldt_s = expiry_s;
    struct sstable *in = write_parts(&p, 1);
    struct compaction_result res;
    run(&in, 1, NULL, 0, NULL, 0, &res);
    bool found = false;
    if (res.out) {
        struct part_iter *it;
        struct errmsg em;
        cr_assert_eq(sstable_open_partition(res.out, &p.key, NULL, &it, &em), 0);
        const struct row *r = NULL;
        if (it) cr_assert_eq(part_iter_next(it, &r), 0);
        if (r && r->ncells == 1) {
            found = true;
            *flags = r->cells[0].flags;
        }
        part_iter_close(it);
    }
    sstable_unref(in);
    sstable_unref(res.out);
    return found;
}

Test(compaction_task, expired_cells_become_tombstones_then_purge)
{
    S->opts.gc_grace_seconds = 1000;
    uint8_t flags = 0;
    /* Not expired yet: kept as an expiring cell. */
    cr_assert(expiring_cell_survives(NOW + 100, &flags));
    cr_assert_eq(flags, CELL_EXPIRING);
    /* Expired; its deletion time (expiry - ttl, when it was written) is within gc grace: it
       stays as a tombstone, to shadow older versions elsewhere. */
    cr_assert(expiring_cell_survives(NOW - 1, &flags));
    cr_assert_eq(flags, CELL_TOMBSTONE);
    /* Expired long ago: purged, and the empty partition with it. */
    cr_assert(!expiring_cell_survives(NOW - 5000, &flags));
}

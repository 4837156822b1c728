/* Unit tests for the commit log: round trips, ids, limits, segment deletion, sync modes. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "node/base/clock.h"
#include "storage/clseg.h"
#include "storage/commitlog.h"
#include "tests/unit/commitlog/clutil.h"
#include "tests/unit/commitlog/tutil.h"

static char *dir;

static void setup(void)
{
    dir = tutil_mkdtemp("commitlog");
}

static void teardown(void)
{
    tutil_rmtree(dir);
}

TestSuite(commitlog, .init = setup, .fini = teardown, .timeout = 60);

Test(commitlog, round_trip_many_tables_across_segments)
{
    const int tables = 12;
    const uint32_t n = 3000;
    struct commitlog *cl = clutil_open(dir, COMMITLOG_SYNC_BATCH, 16 << 10, NULL, false);
    struct clutil_replay none = {.skip_table = -1};
    cr_assert_eq(clutil_replay(cl, &none), 0);
    cr_assert_eq(none.len, 0);
    store_pos *pos = calloc(n, sizeof *pos);
    for (uint32_t i = 0; i < n; i++) {
        pos[i] = clutil_append(cl, (int)(i % (uint32_t)tables), i, 256);
        if (i) cr_assert_gt(pos[i], pos[i - 1], "positions grow");
    }
    cr_assert_eq(commitlog_sync(cl), 0);
    struct commitlog_stats st;
    commitlog_get_stats(cl, &st);
    cr_assert_eq(st.appends, n);
    cr_assert_gt(st.segments, 10, "records spread over many segments");
    commitlog_close(cl);

    struct clutil_replay r = {.skip_table = -1};
    clutil_reopen_replay(dir, false, &r);
    cr_assert_eq(r.len, n);
    for (uint32_t i = 0; i < n; i++) {
        cr_assert_eq(r.recs[i].seq, i, "record %u in log order", i);
        cr_assert_eq(r.recs[i].table, (int)(i % (uint32_t)tables));
        cr_assert_eq(r.recs[i].pos, pos[i], "replay reports the append position");
    }
    clutil_replay_free(&r);
    free(pos);
}

Test(commitlog, empty_and_large_payloads_round_trip)
{
    struct commitlog *cl = clutil_open(dir, COMMITLOG_SYNC_BATCH, 64 << 10, NULL, false);
    struct uuid t;
    clutil_table_id(3, &t);
    size_t big =
        (64 << 10) - CLSEG_SEGMENT_HEADER_BYTES - CLSEG_RECORD_OVERHEAD - CLSEG_MARKER_BYTES;
    uint8_t *buf = calloc(1, big + 1);
    for (size_t i = 0; i < big; i++)
        buf[i] = (uint8_t)(i * 7);
    store_pos p;
    cr_assert_eq(commitlog_append(cl, &t, buf, 0, &p), 0);
    cr_assert_eq(commitlog_append(cl, &t, buf, big, &p), 0, "exactly a segment's room");
    cr_assert_eq(commitlog_append(cl, &t, buf, big + 1, &p), ERR_LIMIT);
    cr_assert_eq(commitlog_append(cl, &t, buf, (size_t)COMMITLOG_RECORD_MAX + 1, &p), ERR_LIMIT);
    commitlog_close(cl);
    free(buf);
}

Test(commitlog, ids_grow_across_reopen_and_respect_first_id)
{
    struct commitlog_config c = {
        .dir = dir, .sync_mode = COMMITLOG_SYNC_BATCH, .segment_bytes = 8 << 10, .first_id = 1000};
    struct commitlog *cl = NULL;
    struct errmsg em;
    cr_assert_eq(commitlog_open(&c, &cl, &em), 0);
    struct clutil_replay r = {.skip_table = -1};
    cr_assert_eq(clutil_replay(cl, &r), 0);
    store_pos first = clutil_append(cl, 0, 1, 64);
    cr_assert_geq(clseg_pos_segment(first), 1000);
    store_pos last = first;
    for (uint32_t i = 2; i < 200; i++)
        last = clutil_append(cl, 0, i, 200);
    cr_assert_eq(commitlog_sync(cl), 0);
    struct uuid t;
    clutil_table_id(0, &t);
    commitlog_mark_flushed(cl, &t, last); /* every segment but the newest may go */
    commitlog_close(cl);
    c.first_id = 1; /* a lower floor must not make ids go back */
    for (int round = 0; round < 3; round++) {
        cr_assert_eq(commitlog_open(&c, &cl, &em), 0);
        cr_assert_eq(clutil_replay(cl, &r), 0);
        store_pos p = clutil_append(cl, 0, 1000 + (uint32_t)round, 64);
        cr_assert_gt(clseg_pos_segment(p), clseg_pos_segment(last), "round %d", round);
        cr_assert_gt(commitlog_position(cl), p - 1);
        last = p;
        commitlog_close(cl);
    }
    clutil_replay_free(&r);
}

/* A bound taken while the first spare is still being prepared must stay below the records
   that then go into that spare (it holds an id below next_id meanwhile). */
Test(commitlog, position_is_below_every_later_append)
{
    struct commitlog_config c = {
        .dir = dir, .sync_mode = COMMITLOG_SYNC_BATCH, .segment_bytes = 4 << 20};
    struct errmsg em;
    for (uint32_t round = 0; round < 8; round++) {
        struct commitlog *cl = NULL;
        cr_assert_eq(commitlog_open(&c, &cl, &em), 0, "%s", em.text);
        struct clutil_replay r = {.skip_table = -1};
        cr_assert_eq(clutil_replay(cl, &r), 0);
        clutil_replay_free(&r);
        store_pos bound = commitlog_position(cl);
        int64_t deadline = clock_mono_ms() + 20000;
        struct commitlog_stats st;
        do {
            commitlog_get_stats(cl, &st);
        } while (!st.is_spare_ready && clock_mono_ms() < deadline);
        store_pos p = clutil_append(cl, 0, round, 64);
        cr_assert_gt(p, bound, "round %u: append at %llx not above the bound %llx", round,
                     (unsigned long long)p, (unsigned long long)bound);
        cr_assert_geq(commitlog_position(cl), p);
        struct uuid t;
        clutil_table_id(0, &t);
        commitlog_mark_flushed(cl, &t, p);
        commitlog_close(cl);
    }
}

Test(commitlog, bad_config_is_rejected)
{
    struct commitlog_config c = {
        .dir = dir, .sync_mode = COMMITLOG_SYNC_PERIODIC, .segment_bytes = 1 << 20};
    struct commitlog *cl = NULL;
    struct errmsg em;
    cr_assert_eq(commitlog_open(&c, &cl, &em), ERR_CONFIG, "periodic needs a period");
    c.sync_mode = COMMITLOG_SYNC_BATCH;
    c.segment_bytes = 100;
    cr_assert_eq(commitlog_open(&c, &cl, &em), ERR_CONFIG);
    cr_assert(strstr(em.text, "commitlog_segment_size") != NULL);
}

/* Segment files (CommitLog-1-<id>.log), not the spare (.spare) the allocator may be making. */
static int count_segments(void)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        n += len > 4 && strcmp(e->d_name + len - 4, ".log") == 0;
    }
    closedir(d);
    return n;
}

Test(commitlog, segments_deleted_once_every_table_flushed_past_them)
{
    struct commitlog *cl = clutil_open(dir, COMMITLOG_SYNC_BATCH, 4 << 10, NULL, false);
    struct clutil_replay r = {.skip_table = -1};
    cr_assert_eq(clutil_replay(cl, &r), 0);
    struct uuid a, b;
    clutil_table_id(0, &a);
    clutil_table_id(1, &b);
    clutil_append(cl, 1, 0, 64); /* table b keeps the first segment alive */
    store_pos last_a = 0;
    for (uint32_t i = 0; i < 300; i++)
        last_a = clutil_append(cl, 0, i, 200);
    cr_assert_eq(commitlog_sync(cl), 0);
    int before = count_segments();
    cr_assert_gt(before, 8);
    commitlog_mark_flushed(cl, &a, last_a - 1); /* not past a's last record: active stays */
    cr_assert_eq(count_segments(), 2, "only b's segment and the active one remain");
    commitlog_mark_flushed(cl, &b, commitlog_position(cl));
    cr_assert_eq(count_segments(), 1, "b's segment goes once b is flushed");
    struct commitlog_stats st;
    commitlog_get_stats(cl, &st);
    cr_assert_eq((int)st.segments, count_segments(), "stats count the segment files");
    commitlog_close(cl);
    clutil_replay_free(&r);
}

Test(commitlog, replay_marks_tables_and_skipped_records_free_segments)
{
    struct commitlog *cl = clutil_open(dir, COMMITLOG_SYNC_BATCH, 4 << 10, NULL, false);
    struct clutil_replay r = {.skip_table = -1};
    cr_assert_eq(clutil_replay(cl, &r), 0);
    for (uint32_t i = 0; i < 100; i++)
        clutil_append(cl, 0, i, 200);
    store_pos last_b = 0;
    for (uint32_t i = 0; i < 100; i++)
        last_b = clutil_append(cl, 1, i, 200);
    commitlog_close(cl);
    int before = count_segments();

    cl = clutil_open(dir, COMMITLOG_SYNC_BATCH, 4 << 10, NULL, false);
    struct clutil_replay r2 = {.skip_table = 0}; /* table 0 is unknown now */
    cr_assert_eq(clutil_replay(cl, &r2), 0);
    cr_assert_eq(r2.len, 200);
    int after_replay = count_segments();
    cr_assert_lt(after_replay, before, "segments holding only skipped records are deleted");
    struct uuid b;
    clutil_table_id(1, &b);
    commitlog_mark_flushed(cl, &b, last_b);
    cr_assert_eq(count_segments(), 1, "old segments gone but the newest (it keeps ids growing)");
    commitlog_close(cl);
    clutil_replay_free(&r);
    clutil_replay_free(&r2);
}

/* ---- sync modes ---- */

struct writer_arg {
    struct commitlog *cl;
    int id;
    int n;
    atomic_int *failures;
};

static void *writer_main(void *p)
{
    struct writer_arg *w = p;
    for (int i = 0; i < w->n; i++) {
        store_pos pos = clutil_append(w->cl, w->id, (uint32_t)i, 100);
        if (commitlog_wait(w->cl, pos) != 0 || !commitlog_is_durable(w->cl, pos))
            atomic_fetch_add(w->failures, 1);
    }
    return NULL;
}

static void run_writers(enum commitlog_sync mode, int threads, int per_thread,
                        struct commitlog_stats *st)
{
    struct commitlog *cl = clutil_open(dir, mode, 1 << 20, NULL, false);
    pthread_t th[32];
    struct writer_arg args[32];
    atomic_int failures = 0;
    for (int i = 0; i < threads; i++) {
        args[i] = (struct writer_arg){cl, i, per_thread, &failures};
        cr_assert_eq(pthread_create(&th[i], NULL, writer_main, &args[i]), 0);
    }
    for (int i = 0; i < threads; i++)
        pthread_join(th[i], NULL);
    cr_assert_eq(atomic_load(&failures), 0, "every waiter woke durable");
    commitlog_get_stats(cl, st);
    commitlog_close(cl);
    struct clutil_replay r = {.skip_table = -1};
    clutil_reopen_replay(dir, false, &r);
    cr_assert_eq(r.len, (size_t)(threads * per_thread));
    clutil_replay_free(&r);
}

Test(commitlog, batch_group_commit_wakes_all_waiters)
{
    struct commitlog_stats st;
    run_writers(COMMITLOG_SYNC_BATCH, 16, 40, &st);
    cr_assert_eq(st.appends, 640);
    cr_assert_leq(st.syncs, st.appends, "never more fsyncs than writes");
}

Test(commitlog, group_mode_shares_fsyncs_within_the_window)
{
    struct commitlog_stats st;
    run_writers(COMMITLOG_SYNC_GROUP, 16, 20, &st);
    cr_assert_eq(st.appends, 320);
    cr_assert_lt(st.syncs, st.appends / 2, "syncs=%llu: writers share fsyncs",
                 (unsigned long long)st.syncs);
}

struct cb_state {
    atomic_int calls[500];
    atomic_int total;
    atomic_int errors;
};

static void durable_cb(void *arg, int status)
{
    atomic_int *slot = arg;
    atomic_fetch_add(slot, 1);
    (void)status;
}

Test(commitlog, on_durable_callbacks_run_exactly_once)
{
    struct commitlog *cl = clutil_open(dir, COMMITLOG_SYNC_GROUP, 1 << 20, NULL, false);
    static struct cb_state s;
    for (int i = 0; i < 500; i++) {
        store_pos p = clutil_append(cl, 0, (uint32_t)i, 64);
        commitlog_on_durable(cl, p, durable_cb, &s.calls[i]);
    }
    int64_t deadline = clock_mono_ms() + 10000;
    bool all = false;
    while (!all && clock_mono_ms() < deadline) {
        all = true;
        for (int i = 0; i < 500 && all; i++)
            all = atomic_load(&s.calls[i]) > 0;
    }
    cr_assert(all, "every callback ran");
    store_pos p = clutil_append(cl, 0, 999, 64);
    cr_assert_eq(commitlog_wait(cl, p), 0);
    atomic_int late = 0;
    commitlog_on_durable(cl, p, durable_cb, &late);
    cr_assert_eq(atomic_load(&late), 1, "already durable: called at once");
    commitlog_close(cl);
    for (int i = 0; i < 500; i++)
        cr_assert_eq(atomic_load(&s.calls[i]), 1, "callback %d", i);
}

Test(commitlog, periodic_mode_acks_at_once_and_syncs_in_the_background)
{
    struct commitlog *cl = clutil_open(dir, COMMITLOG_SYNC_PERIODIC, 1 << 20, NULL, false);
    struct commitlog_stats st0, st;
    commitlog_get_stats(cl, &st0);
    store_pos p = clutil_append(cl, 0, 1, 64);
    cr_assert(commitlog_is_durable(cl, p), "periodic: acknowledged at once");
    cr_assert_eq(commitlog_wait(cl, p), 0);
    int64_t deadline = clock_mono_ms() + 5000;
    do {
        commitlog_get_stats(cl, &st);
    } while (st.syncs == st0.syncs && clock_mono_ms() < deadline);
    cr_assert_gt(st.syncs, st0.syncs, "the sync thread synced within the period");
    commitlog_close(cl);
}

Test(commitlog, flushed_segments_not_yet_synced_go_after_the_next_sync)
{
    struct commitlog *cl = clutil_open(dir, COMMITLOG_SYNC_PERIODIC, 4 << 10, NULL, false);
    struct clutil_replay r = {.skip_table = -1};
    cr_assert_eq(clutil_replay(cl, &r), 0);
    store_pos last = 0;
    for (uint32_t i = 0; i < 600; i++)
        last = clutil_append(cl, 0, i, 200);
    struct uuid t;
    clutil_table_id(0, &t);
    int before = count_segments();
    cr_assert_gt(before, 12, "segments=%d", before);
    commitlog_mark_flushed(cl, &t, last); /* most are not synced yet in periodic mode */
    int64_t deadline = clock_mono_ms() + 10000;
    while (count_segments() > 1 && clock_mono_ms() < deadline)
        continue;
    cr_assert_eq(count_segments(), 1, "segments=%d: collected once synced", count_segments());
    commitlog_close(cl);
    clutil_replay_free(&r);
}

/* Appends go through a mapped window of the segment that moves as it fills; a record over half
   a window goes out with pwrite. Records that straddle window boundaries, large ones in between,
   and a segment size that is not a multiple of the page size must all replay byte for byte. */
struct window_replay {
    uint32_t n;
    uint32_t bad;
};

static size_t window_rec_len(uint32_t i)
{
    if (i % 97 == 50) return (700u << 10) + i; /* over half a window: pwrite */
    return 1 + (i * 2654435761u) % 5000u;
}

static void window_rec_fill(uint32_t i, uint8_t *p, size_t len)
{
    for (size_t k = 0; k < len; k++)
        p[k] = (uint8_t)(i * 131u + k * 7u);
}

static int window_cb(void *arg, const struct uuid *table_id, const uint8_t *rec, size_t len,
                     store_pos pos)
{
    (void)table_id;
    (void)pos;
    struct window_replay *r = arg;
    size_t want = window_rec_len(r->n);
    uint8_t *buf = malloc(want);
    window_rec_fill(r->n, buf, want);
    if (len != want || memcmp(buf, rec, len) != 0) r->bad++;
    free(buf);
    r->n++;
    return 0;
}

Test(commitlog, records_across_map_windows_and_large_ones_round_trip)
{
    const uint64_t seg = (3u << 20) + 1000; /* not a multiple of the page size */
    const uint32_t n = 2500;
    struct commitlog *cl = clutil_open(dir, COMMITLOG_SYNC_PERIODIC, seg, NULL, false);
    struct clutil_replay none = {.skip_table = -1};
    cr_assert_eq(clutil_replay(cl, &none), 0);
    struct uuid t;
    clutil_table_id(1, &t);
    uint8_t *buf = malloc((800u << 10) + n);
    for (uint32_t i = 0; i < n; i++) {
        size_t len = window_rec_len(i);
        window_rec_fill(i, buf, len);
        store_pos p;
        cr_assert_eq(commitlog_append(cl, &t, buf, len, &p), 0, "append %u", i);
    }
    free(buf);
    struct commitlog_stats st;
    commitlog_get_stats(cl, &st);
    cr_assert_gt(st.segments, 4, "records spread over several segments");
    commitlog_close(cl);

    struct commitlog_config c = {.dir = dir, .sync_mode = COMMITLOG_SYNC_PERIODIC,
                                 .period_ms = 50, .segment_bytes = seg};
    struct errmsg em;
    cr_assert_eq(commitlog_open(&c, &cl, &em), 0, "%s", em.text);
    struct window_replay r = {0};
    cr_assert_eq(commitlog_replay(cl, window_cb, &r, &em), 0, "%s", em.text);
    commitlog_close(cl);
    cr_assert_eq(r.n, n, "every record replayed");
    cr_assert_eq(r.bad, 0, "every record intact");
}

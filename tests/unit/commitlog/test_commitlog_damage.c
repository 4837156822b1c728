/* Unit tests for the commit log under damage: torn tails, corruption, write and fsync faults,
   and lost unsynced data (OS crash), using the fault layer (storage/vfs_fault.h). */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "node/base/clock.h"
#include "storage/clseg.h"
#include "storage/commitlog.h"
#include "storage/vfs_fault.h"
#include "tests/unit/commitlog/clutil.h"
#include "tests/unit/commitlog/tutil.h"

static char *dir;
static struct vfs_fault *fault;

static void setup(void)
{
    dir = tutil_mkdtemp("cldamage");
    fault = vfs_fault_create(vfs_default());
    clutil_log_capture();
}

static void teardown(void)
{
    vfs_fault_destroy(fault);
    tutil_rmtree(dir);
}

TestSuite(commitlog_damage, .init = setup, .fini = teardown, .timeout = 120);

/* "Kills" a log: nothing more reaches the disk, so close writes no clean-shutdown marker. */
static void kill_log(struct commitlog *cl)
{
    vfs_fault_set_frozen(fault, true);
    commitlog_close(cl);
    vfs_fault_set_frozen(fault, false);
}

static struct commitlog *open_faulty(const char *d, enum commitlog_sync mode, uint64_t seg)
{
    struct commitlog *cl = clutil_open(d, mode, seg, vfs_fault_vfs(fault), false);
    struct clutil_replay r = {.skip_table = -1};
    cr_assert_eq(clutil_replay(cl, &r), 0);
    clutil_replay_free(&r);
    return cl;
}

/* Writes n records (each waited for when is_waited) and kills the log; fills pos[n]. */
static void write_killed(const char *d, int n, bool is_waited, store_pos *pos)
{
    struct commitlog *cl = open_faulty(d, COMMITLOG_SYNC_BATCH, 1 << 20);
    for (int i = 0; i < n; i++) {
        pos[i] = clutil_append(cl, i % 3, (uint32_t)i, 64);
        if (is_waited) cr_assert_eq(commitlog_wait(cl, pos[i]), 0);
    }
    kill_log(cl);
}

static void expect_seqs(const struct clutil_replay *r, uint32_t n)
{
    cr_assert_eq(r->len, n, "replayed %zu records, want %u", r->len, n);
    for (uint32_t i = 0; i < n; i++)
        cr_assert_eq(r->recs[i].seq, i);
}

/* ---- torn tails ---- */

static void torn_tail_case(const char *src, uint32_t seg, long cut, bool is_flip, bool is_warned)
{
    char *d = tutil_mkdtemp("cltorn");
    clutil_copy_dir(src, d);
    char *path = clutil_segment_path(d, seg);
    if (is_flip)
        clutil_flip_byte(path, cut);
    else
        clutil_truncate(path, cut);
    int warned = clutil_log_count("torn tail truncated");
    struct clutil_replay r = {.skip_table = -1};
    clutil_reopen_replay(d, false, &r);
    expect_seqs(&r, 5);
    clutil_replay_free(&r);
    cr_assert_eq(clutil_log_count("torn tail truncated"), warned + (is_warned ? 1 : 0),
                 "cut=%ld flip=%d: one warning", cut, is_flip);
    clutil_reopen_replay(d, false, &r);
    expect_seqs(&r, 5);
    clutil_replay_free(&r);
    cr_assert_eq(clutil_log_count("torn tail truncated"), warned + (is_warned ? 1 : 0),
                 "the tail was truncated once and for all");
    free(path);
    tutil_rmtree(d);
}

Test(commitlog_damage, torn_tail_cut_at_every_byte_is_truncated_with_one_warning)
{
    store_pos pos[6];
    write_killed(dir, 6, true, pos);
    uint32_t seg = clseg_pos_segment(pos[5]);
    long start = clseg_pos_offset(pos[4]), end = clseg_pos_offset(pos[5]);
    cr_assert_eq(clseg_pos_segment(pos[4]), seg);
    char *path = clutil_segment_path(dir, seg);
    uint8_t *orig = NULL;
    cr_assert_gt(tutil_read_file(path, &orig), end);
    bool is_nonzero = false; /* a remnant of only zero bytes looks like the preallocated tail */
    for (long k = start; k < end; k++) {
        torn_tail_case(dir, seg, k, false, is_nonzero);
        is_nonzero |= orig[k] != 0;
    }
    cr_assert(is_nonzero);
    free(orig);
    free(path);
}

Test(commitlog_damage, garbled_last_record_at_every_byte_is_a_torn_tail)
{
    store_pos pos[6];
    write_killed(dir, 6, true, pos);
    uint32_t seg = clseg_pos_segment(pos[5]);
    long start = clseg_pos_offset(pos[4]), end = clseg_pos_offset(pos[5]);
    for (long k = start; k < end; k++)
        torn_tail_case(dir, seg, k, true, true);
}

/* ---- corruption ---- */

static void write_clean(const char *d, int n, uint64_t seg_bytes, store_pos *pos)
{
    struct commitlog *cl = open_faulty(d, COMMITLOG_SYNC_BATCH, seg_bytes);
    for (int i = 0; i < n; i++)
        pos[i] = clutil_append(cl, i % 3, (uint32_t)i, 200);
    commitlog_close(cl);
}

static void expect_corrupt(const char *d, uint32_t seg, uint32_t off)
{
    struct errmsg em = {0};
    int rc = clutil_open_rc(d, COMMITLOG_SYNC_BATCH, 1 << 20, NULL, false, &em);
    cr_assert_eq(rc, ERR_CORRUPT, "rc=%s", err_name(rc));
    char *path = clutil_segment_path(d, seg);
    char want[64];
    snprintf(want, sizeof want, "offset %u", off);
    cr_assert(strstr(em.text, path) != NULL, "message names the file: %s", em.text);
    cr_assert(strstr(em.text, want) != NULL, "message names the offset: %s", em.text);
    free(path);
}

Test(commitlog_damage, mid_segment_corruption_after_clean_close_stops_startup)
{
    store_pos pos[20];
    write_clean(dir, 20, 1 << 20, pos);
    uint32_t seg = clseg_pos_segment(pos[5]);
    uint32_t off = clseg_pos_offset(pos[4]); /* record 5 starts where record 4 ends */
    char *path = clutil_segment_path(dir, seg);
    clutil_flip_byte(path, off + 40);
    expect_corrupt(dir, seg, off);
    expect_corrupt(dir, seg, off); /* nothing was changed by the failed start */
    free(path);
}

Test(commitlog_damage, corruption_before_a_later_records_durable_point_stops_startup)
{
    store_pos pos[20];
    write_killed(dir, 20, true, pos); /* waited: later records carry evidence */
    uint32_t seg = clseg_pos_segment(pos[5]), off = clseg_pos_offset(pos[4]);
    char *path = clutil_segment_path(dir, seg);
    clutil_flip_byte(path, off + 3);
    expect_corrupt(dir, seg, off);
    free(path);
}

Test(commitlog_damage, ignore_policy_logs_and_skips_the_damaged_record)
{
    store_pos pos[20];
    write_clean(dir, 20, 1 << 20, pos);
    uint32_t seg = clseg_pos_segment(pos[5]), off = clseg_pos_offset(pos[4]);
    char *path = clutil_segment_path(dir, seg);
    clutil_flip_byte(path, off + 33);
    struct clutil_replay r = {.skip_table = -1};
    clutil_reopen_replay(dir, true, &r);
    cr_assert_eq(r.len, 19);
    for (size_t i = 0; i < r.len; i++)
        cr_assert_neq(r.recs[i].seq, 5u, "record 5 skipped");
    cr_assert_eq(clutil_log_count("skipping damaged region"), 1);
    clutil_replay_free(&r);
    free(path);
}

Test(commitlog_damage, corruption_in_an_older_segment_stops_startup)
{
    store_pos pos[300];
    write_clean(dir, 300, 8 << 10, pos);
    uint32_t seg = clseg_pos_segment(pos[2]), off = clseg_pos_offset(pos[1]);
    cr_assert_lt(seg, clseg_pos_segment(pos[299]));
    char *path = clutil_segment_path(dir, seg);
    clutil_flip_byte(path, off + 50);
    expect_corrupt(dir, seg, off);
    free(path);
}

Test(commitlog_damage, older_segment_cut_short_is_corruption)
{
    store_pos pos[300];
    write_clean(dir, 300, 8 << 10, pos);
    uint32_t seg = clseg_pos_segment(pos[2]), off = clseg_pos_offset(pos[2]);
    char *path = clutil_segment_path(dir, seg);
    clutil_truncate(path, off); /* the end marker and records after record 2 are gone */
    expect_corrupt(dir, seg, off);
    free(path);
}

Test(commitlog_damage, unsynced_records_with_a_hole_are_cut_not_corrupt)
{
    store_pos pos[20];
    struct commitlog *cl = open_faulty(dir, COMMITLOG_SYNC_BATCH, 1 << 20);
    for (int i = 0; i < 20; i++) {
        pos[i] = clutil_append(cl, 0, (uint32_t)i, 64);
        if (i < 10) cr_assert_eq(commitlog_wait(cl, pos[i]), 0);
    }
    kill_log(cl);
    /* An OS crash wrote back record 14's page but not record 12's. */
    char *path = clutil_segment_path(dir, clseg_pos_segment(pos[12]));
    clutil_flip_byte(path, clseg_pos_offset(pos[11]) + 10);
    struct clutil_replay r = {.skip_table = -1};
    clutil_reopen_replay(dir, false, &r);
    expect_seqs(&r, 12);
    cr_assert_eq(clutil_log_count("torn tail truncated"), 1);
    clutil_replay_free(&r);
    free(path);
}

/* ---- write faults ---- */

/* Appends record 0 and waits for it, so the segment in use exists; after this the only writes
   to .log files are appends (no switch happens in these tests' 1 MiB segments). */
static void settle(struct commitlog *cl)
{
    cr_assert_eq(commitlog_wait(cl, clutil_append(cl, 0, 0, 250)), 0);
}

/* Waits until the allocator thread has a spare ready. */
static void wait_spare(struct commitlog *cl)
{
    struct commitlog_stats st;
    int64_t deadline = clock_mono_ms() + 10000;
    do {
        commitlog_get_stats(cl, &st);
    } while (!st.is_spare_ready && clock_mono_ms() < deadline);
    cr_assert(st.is_spare_ready);
}

struct write_fault_case {
    const char *name;
    int err;
    bool is_short;
};

Test(commitlog_damage, failed_append_loses_nothing_acknowledged)
{
    static const struct write_fault_case cases[] = {
        {"enospc", ENOSPC, false}, {"eio", EIO, false}, {"short", EIO, true}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        for (int is_last = 0; is_last < 2; is_last++) {
            char *d = tutil_mkdtemp("clwrite");
            struct commitlog *cl = open_faulty(d, COMMITLOG_SYNC_BATCH, 1 << 20);
            settle(cl);
            struct vfs_fault_config fc = {.write = {.at = 10, .err = cases[c].err},
                                          .is_short_write = cases[c].is_short};
            snprintf(fc.path_filter, sizeof fc.path_filter, ".log");
            vfs_fault_set(fault, &fc);
            int n = is_last ? 10 : 40;
            uint32_t acked = 1;
            for (int i = 0; i < n; i++) {
                store_pos p;
                int rc = clutil_append_rc(cl, 0, acked, 250, &p);
                if (i == 9) {
                    cr_assert_eq(rc, -cases[c].err, "%s: the 10th append fails", cases[c].name);
                    continue;
                }
                cr_assert_eq(rc, 0, "%s: append %d", cases[c].name, i);
                cr_assert_eq(commitlog_wait(cl, p), 0);
                acked++;
            }
            if (is_last)
                kill_log(cl);
            else
                commitlog_close(cl);
            vfs_fault_clear(fault);
            struct clutil_replay r = {.skip_table = -1};
            clutil_reopen_replay(d, false, &r);
            expect_seqs(&r, acked);
            clutil_replay_free(&r);
            tutil_rmtree(d);
        }
    }
}

Test(commitlog_damage, disk_full_fails_appends_until_space_returns)
{
    struct commitlog *cl = open_faulty(dir, COMMITLOG_SYNC_BATCH, 4 << 10);
    struct vfs_fault_config fc = {.write = {.at = 30, .is_sticky = true, .err = ENOSPC}};
    vfs_fault_set(fault, &fc);
    uint32_t acked = 0;
    int failures = 0;
    for (int i = 0; i < 200; i++) {
        store_pos p;
        int rc = clutil_append_rc(cl, 1, acked, 200, &p);
        if (rc == 0) {
            cr_assert_eq(commitlog_wait(cl, p), 0);
            acked++;
            continue;
        }
        cr_assert_eq(rc, -ENOSPC, "append %d: %s", i, err_name(rc));
        failures++;
        if (failures == 50) vfs_fault_clear(fault); /* space came back */
    }
    cr_assert_eq(failures, 50);
    cr_assert_gt(acked, 100, "appends work again, segments switch again");
    commitlog_close(cl);
    struct clutil_replay r = {.skip_table = -1};
    clutil_reopen_replay(dir, false, &r);
    expect_seqs(&r, acked);
    clutil_replay_free(&r);
}

Test(commitlog_damage, preallocation_enospc_fails_the_switching_append)
{
    struct commitlog *cl = open_faulty(dir, COMMITLOG_SYNC_BATCH, 4 << 10);
    wait_spare(cl);
    struct vfs_fault_config fc = {.allocate = {.at = 1, .is_sticky = true, .err = ENOSPC}};
    vfs_fault_set(fault, &fc);
    uint32_t acked = 0;
    int rc = 0;
    for (int i = 0; i < 500 && rc == 0; i++) {
        store_pos p;
        rc = clutil_append_rc(cl, 0, acked, 200, &p);
        if (rc == 0) acked++;
    }
    cr_assert_eq(rc, -ENOSPC, "no segment can be preallocated: %s", err_name(rc));
    cr_assert_gt(acked, 10, "the spare made before the disk filled was used first");
    store_pos p;
    cr_assert_eq(clutil_append_rc(cl, 0, acked, 200, &p), -ENOSPC);
    vfs_fault_clear(fault);
    for (int i = 0; i < 40; i++)
        clutil_append(cl, 0, acked++, 200);
    commitlog_close(cl);
    struct clutil_replay r = {.skip_table = -1};
    clutil_reopen_replay(dir, false, &r);
    expect_seqs(&r, acked);
    clutil_replay_free(&r);
}

static void status_cb(void *arg, int status)
{
    atomic_store((atomic_int *)arg, status == 0 ? 1 : status);
}

Test(commitlog_damage, failed_fsync_reaches_waiters_and_stops_appends)
{
    struct commitlog *cl = open_faulty(dir, COMMITLOG_SYNC_BATCH, 1 << 20);
    store_pos ok = clutil_append(cl, 0, 0, 64);
    cr_assert_eq(commitlog_wait(cl, ok), 0);
    struct vfs_fault_config fc = {.sync = {.at = 1, .is_sticky = true}};
    vfs_fault_set(fault, &fc);
    store_pos p = clutil_append(cl, 0, 1, 64);
    atomic_int queued = 0;
    commitlog_on_durable(cl, p, status_cb, &queued);
    cr_assert_eq(commitlog_wait(cl, p), -EIO);
    int64_t deadline = clock_mono_ms() + 5000;
    while (atomic_load(&queued) == 0 && clock_mono_ms() < deadline)
        continue;
    cr_assert_eq(atomic_load(&queued), -EIO, "the callback got the fsync error");
    cr_assert_eq(commitlog_wait(cl, ok), 0, "what was durable stays durable");
    cr_assert_eq(clutil_append_rc(cl, 0, 2, 64, &p), ERR_READ_ONLY);
    atomic_int late = 0;
    commitlog_on_durable(cl, p, status_cb, &late);
    cr_assert_eq(atomic_load(&late), -EIO);
    cr_assert_eq(commitlog_sync(cl), -EIO);
    commitlog_close(cl);
}

/* ---- lost unsynced data (OS crash) ---- */

Test(commitlog_damage, os_crash_keeps_every_synced_record_batch)
{
    struct commitlog *cl = open_faulty(dir, COMMITLOG_SYNC_BATCH, 4 << 10);
    for (uint32_t i = 0; i < 100; i++) {
        store_pos p = clutil_append(cl, 0, i, 200);
        cr_assert_eq(commitlog_wait(cl, p), 0);
    }
    for (uint32_t i = 100; i < 130; i++)
        clutil_append(cl, 0, i, 200); /* never acknowledged */
    vfs_fault_set_frozen(fault, true);
    commitlog_close(cl);
    cr_assert_eq(vfs_fault_drop_unsynced(fault), 0);
    vfs_fault_set_frozen(fault, false);
    struct clutil_replay r = {.skip_table = -1};
    clutil_reopen_replay(dir, false, &r);
    cr_assert_geq(r.len, 100);
    for (uint32_t i = 0; i < r.len; i++)
        cr_assert_eq(r.recs[i].seq, i);
    clutil_replay_free(&r);
}

Test(commitlog_damage, os_crash_loses_at_most_the_last_period)
{
    struct commitlog *cl = open_faulty(dir, COMMITLOG_SYNC_PERIODIC, 1 << 20);
    store_pos last = 0;
    for (uint32_t i = 0; i < 50; i++)
        last = clutil_append(cl, 0, i, 100);
    struct commitlog_stats st;
    int64_t deadline = clock_mono_ms() + 5000;
    do {
        commitlog_get_stats(cl, &st);
    } while (st.synced_pos < last && clock_mono_ms() < deadline);
    cr_assert_geq(st.synced_pos, last, "the sync thread caught up within the period");
    for (uint32_t i = 50; i < 60; i++)
        clutil_append(cl, 0, i, 100);
    vfs_fault_set_frozen(fault, true); /* crash before the next period */
    commitlog_close(cl);
    cr_assert_eq(vfs_fault_drop_unsynced(fault), 0);
    vfs_fault_set_frozen(fault, false);
    struct clutil_replay r = {.skip_table = -1};
    clutil_reopen_replay(dir, false, &r);
    cr_assert_geq(r.len, 50, "everything before the last sync survives");
    for (uint32_t i = 0; i < r.len; i++)
        cr_assert_eq(r.recs[i].seq, i);
    clutil_replay_free(&r);
}

/* ---- a process killed by the fault layer in the middle of its work ---- */

/* Child: appends acknowledged records until the fault layer kills it; reports each acknowledged
   seq through fd. */
static void crash_child(int fd, const char *filter, uint64_t crash_at, enum commitlog_sync mode)
{
    struct vfs_fault_config fc = {.crash_at_write = crash_at, .is_crash_torn = true};
    snprintf(fc.path_filter, sizeof fc.path_filter, "%s", filter);
    vfs_fault_set(fault, &fc);
    struct commitlog *cl = clutil_open(dir, mode, 4 << 10, vfs_fault_vfs(fault), false);
    for (uint32_t i = 0; i < 3000; i++) {
        store_pos p;
        if (clutil_append_rc(cl, 0, i, 200, &p) != 0 || commitlog_wait(cl, p) != 0) _exit(3);
        if (write(fd, &i, sizeof i) != sizeof i) _exit(4);
    }
    _exit(5);
}

static void kill_during(const char *filter, uint64_t crash_at, enum commitlog_sync mode)
{
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        close(fds[0]);
        crash_child(fds[1], filter, crash_at, mode);
    }
    close(fds[1]);
    uint32_t seq, acked = 0;
    while (read(fds[0], &seq, sizeof seq) == sizeof seq)
        cr_assert_eq(seq, acked++);
    close(fds[0]);
    int status = 0;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "killed by the fault layer");
    cr_assert_gt(acked, 0);
    for (int round = 0; round < 2; round++) {
        struct clutil_replay r = {.skip_table = -1};
        clutil_reopen_replay(dir, false, &r);
        cr_assert_geq(r.len, acked, "%s #%llu: every acknowledged record is back", filter,
                      (unsigned long long)crash_at);
        for (uint32_t i = 0; i < r.len; i++)
            cr_assert_eq(r.recs[i].seq, i);
        clutil_replay_free(&r);
    }
}

Test(commitlog_damage, killed_while_preparing_a_spare_segment)
{
    kill_during(".spare", 4, COMMITLOG_SYNC_BATCH); /* a torn spare header */
}

Test(commitlog_damage, killed_in_the_middle_of_an_append)
{
    kill_during(".log", 57, COMMITLOG_SYNC_BATCH);
}

Test(commitlog_damage, killed_in_the_middle_of_an_append_periodic)
{
    kill_during(".log", 83, COMMITLOG_SYNC_PERIODIC);
}

/*
 * crash_writer: the commit-log process under test of tests/cluster/crash_kill9.py.
 *
 *   crash_writer write  <dir> <mode> <threads> [segment_bytes]
 *       Opens the commit log in <dir> (mode: batch | group | periodic), replays it to find the
 *       highest record number, marks everything replayed as flushed (as a store does after
 *       flushing what it replayed, so old segments are deleted and the log stays small; the
 *       previous verify already checked them), then <threads> threads append numbered records
 *       forever. Each number is printed on its own stdout line only after it is acknowledged:
 *       after commitlog_wait returns 0 (in periodic mode that is at once, after the write
 *       reached the OS). The script kills the process with SIGKILL at a random moment.
 *   crash_writer verify <dir> <acked_file>
 *       Reopens the log (validation truncates a torn tail), replays it and checks: every record
 *       is intact and well-formed (its number's checksum matches: nothing never-written
 *       appears), no number appears twice, and every number listed in <acked_file> is present.
 *       Exit 0 on success, 1 with a message naming the first problem.
 *
 * Record payload: crash_util_payload (number, checksum, filler of varying length).
 * CRASH_WRITER_DEBUG=1 in the environment turns on debug logging (segment switches) on stderr.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "node/base/err.h"
#include "node/base/log.h"
#include "storage/commitlog.h"
#include "tests/support/crash_util.h"

#define SALT 0x5EEDu

static const struct uuid table_id = {
    {0xC7, 0x05, 0x11, 0x7E, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}};

struct seen {
    struct crash_util_nums nums;
    size_t bad;
    char first_bad[128];
    store_pos last_pos;
};

static int seen_cb(void *arg, const struct uuid *tid, const uint8_t *rec, size_t len, store_pos pos)
{
    struct seen *s = arg;
    uint64_t n = 0;
    if (uuid_cmp_bytes(tid, &table_id) != 0 || crash_util_payload_check(rec, len, SALT, &n) < 0) {
        if (s->bad++ == 0)
            snprintf(s->first_bad, sizeof s->first_bad, "malformed record at pos %llu",
                     (unsigned long long)pos);
        return 0;
    }
    crash_util_nums_add(&s->nums, n);
    s->last_pos = pos;
    return 0;
}

static int open_log(const char *dir, enum commitlog_sync mode, uint64_t segment_bytes,
                    struct commitlog **cl, struct seen *seen)
{
    struct commitlog_config c = {.dir = dir,
                                 .sync_mode = mode,
                                 .period_ms = 10,
                                 .group_window_ms = 2,
                                 .segment_bytes = segment_bytes};
    struct errmsg em = {0};
    int rc = commitlog_open(&c, cl, &em);
    if (rc == 0) rc = commitlog_replay(*cl, seen_cb, seen, &em);
    if (rc < 0) fprintf(stderr, "crash_writer: %s: %s\n", err_name(rc), em.text);
    return rc;
}

struct writer {
    struct commitlog *cl;
    atomic_uint_fast64_t next;
    pthread_mutex_t out_mu;
};

static void *writer_main(void *arg)
{
    struct writer *w = arg;
    uint8_t payload[CRASH_UTIL_PAYLOAD_MAX];
    for (;;) {
        uint64_t n = atomic_fetch_add(&w->next, 1);
        size_t len = crash_util_payload(n, SALT, payload);
        store_pos pos;
        int rc = commitlog_append(w->cl, &table_id, payload, len, &pos);
        if (rc == 0) rc = commitlog_wait(w->cl, pos);
        if (rc < 0) {
            fprintf(stderr, "crash_writer: record %llu failed: %s\n", (unsigned long long)n,
                    err_name(rc));
            _exit(3);
        }
        crash_util_ack(&w->out_mu, n);
    }
    return NULL;
}

static int cmd_write(int argc, char **argv)
{
    enum commitlog_sync mode;
    uint64_t threads = 0, segment_bytes = 256 << 10;
    if (argc < 5 || crash_util_parse_mode(argv[3], &mode) < 0 ||
        crash_util_parse_u64(argv[4], &threads) < 0 || threads == 0 ||
        threads > CRASH_UTIL_THREADS_MAX ||
        (argc > 5 && crash_util_parse_u64(argv[5], &segment_bytes) < 0)) {
        fprintf(stderr,
                "usage: crash_writer write <dir> batch|group|periodic <threads> [segment_bytes]\n");
        return 2;
    }
    struct writer w = {.out_mu = PTHREAD_MUTEX_INITIALIZER};
    struct seen seen = {0};
    if (open_log(argv[2], mode, segment_bytes, &w.cl, &seen) < 0) return 1;
    atomic_store(&w.next, seen.nums.has_max ? seen.nums.max + 1 : 0);
    crash_util_nums_free(&seen.nums);
    commitlog_mark_flushed(w.cl, &table_id, seen.last_pos);
    crash_util_run_threads(threads, writer_main, &w);
    return 0;
}

static int cmd_verify(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: crash_writer verify <dir> <acked_file>\n");
        return 2;
    }
    struct commitlog *cl = NULL;
    struct seen s = {0};
    if (open_log(argv[2], COMMITLOG_SYNC_BATCH, 256 << 10, &cl, &s) < 0) return 1;
    commitlog_close(cl);
    int rc = 0;
    if (s.bad) {
        fprintf(stderr, "crash_writer: %zu never-written records appeared (%s)\n", s.bad,
                s.first_bad);
        rc = 1;
    }
    if (rc == 0 && crash_util_nums_sort_unique(&s.nums, "crash_writer") < 0) rc = 1;
    uint64_t acked = 0;
    if (rc == 0 && crash_util_check_acked(&s.nums, argv[3], "crash_writer", NULL, NULL, &acked) < 0)
        rc = 1;
    if (rc == 0)
        printf("verified records=%zu acknowledged=%llu\n", s.nums.len, (unsigned long long)acked);
    crash_util_nums_free(&s.nums);
    return rc;
}

int main(int argc, char **argv)
{
    log_set_level(getenv("CRASH_WRITER_DEBUG") ? LOG_DEBUG : LOG_WARN);
    if (argc >= 2 && strcmp(argv[1], "write") == 0) return cmd_write(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "verify") == 0) return cmd_verify(argc, argv);
    fprintf(stderr, "usage: crash_writer write|verify ...\n");
    return 2;
}

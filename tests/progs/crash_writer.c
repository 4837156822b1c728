/*
 * crash_writer: the process under test of tests/cluster/crash_commitlog.py.
 *
 *   crash_writer write  <dir> <mode> <threads> [segment_bytes]
 *       Opens the commit log in <dir> (mode: batch | group | periodic), replays it to find the
 *       highest record number, marks everything replayed as flushed (as a store does after
 *       flushing what it replayed, so old segments are deleted and the log stays small; the
 *       previous verify already checked them), then <threads> threads append numbered records
 *       forever. Each
 *       number is printed on its own stdout line only after it is acknowledged: after
 *       commitlog_wait returns 0 (in periodic mode that is at once, after the write reached the
 *       OS). The script kills the process with SIGKILL at a random moment.
 *   crash_writer verify <dir> <acked_file>
 *       Reopens the log (validation truncates a torn tail), replays it and checks: every record
 *       is intact and well-formed (its number's checksum matches: nothing never-written
 *       appears), no number appears twice, and every number listed in <acked_file> is present.
 *       Exit 0 on success, 1 with a message naming the first problem.
 *
 * Record payload: be64 number, be64 checksum (crc32c of the number with a salt, twice), then
 * filler bytes derived from the number (length 0..255, so records vary in size).
 * CRASH_WRITER_DEBUG=1 in the environment turns on debug logging (segment switches) on stderr.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "node/base/be.h"
#include "node/base/crc32c.h"
#include "node/base/err.h"
#include "node/base/log.h"
#include "node/base/mem.h"
#include "storage/commitlog.h"

#define PAYLOAD_MAX (16 + 255)
#define THREADS_MAX 64

static const struct uuid table_id = {
    {0xC7, 0x05, 0x11, 0x7E, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}};

static uint64_t checksum_of(uint64_t n)
{
    uint8_t b[8];
    be64_store(b, n);
    uint32_t a = crc32c_extend(0x5EED, b, 8);
    uint32_t c = crc32c_extend(a ^ 0xA5A5A5A5u, b, 8);
    return (uint64_t)a << 32 | c;
}

static size_t payload_of(uint64_t n, uint8_t *out)
{
    size_t filler = (size_t)((n * 2654435761u) & 0xFF);
    be64_store(out, n);
    be64_store(out + 8, checksum_of(n));
    for (size_t i = 0; i < filler; i++)
        out[16 + i] = (uint8_t)(n + i * 13);
    return 16 + filler;
}

static int check_payload(const uint8_t *p, size_t len, uint64_t *n)
{
    if (len < 16) return -1;
    *n = be64_load(p);
    uint8_t want[PAYLOAD_MAX];
    size_t wlen = payload_of(*n, want);
    return wlen == len && memcmp(want, p, len) == 0 ? 0 : -1;
}

static int parse_mode(const char *s, enum commitlog_sync *out)
{
    if (strcmp(s, "batch") == 0)
        *out = COMMITLOG_SYNC_BATCH;
    else if (strcmp(s, "group") == 0)
        *out = COMMITLOG_SYNC_GROUP;
    else if (strcmp(s, "periodic") == 0)
        *out = COMMITLOG_SYNC_PERIODIC;
    else
        return -1;
    return 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || !end || *end || end == s) return -1;
    *out = v;
    return 0;
}

/* ---- replay state ---- */

struct seen {
    uint64_t *nums;
    size_t len;
    size_t cap;
    uint64_t max;
    bool has_max;
    size_t bad;
    char first_bad[128];
    store_pos last_pos;
};

static int seen_cb(void *arg, const struct uuid *tid, const uint8_t *rec, size_t len, store_pos pos)
{
    struct seen *s = arg;
    uint64_t n = 0;
    if (uuid_cmp_bytes(tid, &table_id) != 0 || check_payload(rec, len, &n) < 0) {
        if (s->bad++ == 0)
            snprintf(s->first_bad, sizeof s->first_bad, "malformed record at pos %llu",
                     (unsigned long long)pos);
        return 0;
    }
    xgrow((void **)&s->nums, &s->cap, s->len + 1, sizeof *s->nums);
    s->nums[s->len++] = n;
    s->last_pos = pos;
    if (!s->has_max || n > s->max) s->max = n;
    s->has_max = true;
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

/* ---- write ---- */

struct writer {
    struct commitlog *cl;
    atomic_uint_fast64_t *next;
    pthread_mutex_t *out_mu;
};

static void *writer_main(void *arg)
{
    struct writer *w = arg;
    uint8_t payload[PAYLOAD_MAX];
    for (;;) {
        uint64_t n = atomic_fetch_add(w->next, 1);
        size_t len = payload_of(n, payload);
        store_pos pos;
        int rc = commitlog_append(w->cl, &table_id, payload, len, &pos);
        if (rc == 0) rc = commitlog_wait(w->cl, pos);
        if (rc < 0) {
            fprintf(stderr, "crash_writer: record %llu failed: %s\n", (unsigned long long)n,
                    err_name(rc));
            _exit(3);
        }
        char line[32];
        int k = snprintf(line, sizeof line, "%llu\n", (unsigned long long)n);
        pthread_mutex_lock(w->out_mu);
        ssize_t wr = write(1, line, (size_t)k); /* one write per line: lines never interleave */
        pthread_mutex_unlock(w->out_mu);
        if (wr != k) _exit(4);
    }
    return NULL;
}

static int cmd_write(int argc, char **argv)
{
    enum commitlog_sync mode;
    uint64_t threads = 0, segment_bytes = 256 << 10;
    if (argc < 5 || parse_mode(argv[3], &mode) < 0 || parse_u64(argv[4], &threads) < 0 ||
        threads == 0 || threads > THREADS_MAX ||
        (argc > 5 && parse_u64(argv[5], &segment_bytes) < 0)) {
        fprintf(stderr,
                "usage: crash_writer write <dir> batch|group|periodic <threads> [segment_bytes]\n");
        return 2;
    }
    struct commitlog *cl = NULL;
    struct seen seen = {0};
    if (open_log(argv[2], mode, segment_bytes, &cl, &seen) < 0) return 1;
    atomic_uint_fast64_t next = seen.has_max ? seen.max + 1 : 0;
    free(seen.nums);
    commitlog_mark_flushed(cl, &table_id, seen.last_pos);
    pthread_mutex_t out_mu = PTHREAD_MUTEX_INITIALIZER;
    pthread_t th[THREADS_MAX];
    struct writer w = {cl, &next, &out_mu};
    for (uint64_t i = 0; i < threads; i++)
        pthread_create(&th[i], NULL, writer_main, &w);
    for (uint64_t i = 0; i < threads; i++)
        pthread_join(th[i], NULL);
    return 0;
}

/* ---- verify ---- */

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int check_acked(const struct seen *s, const char *path, uint64_t *acked)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "crash_writer: cannot open %s\n", path);
        return -1;
    }
    char line[64];
    int rc = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        uint64_t n;
        if (parse_u64(line, &n) < 0) {
            fprintf(stderr, "crash_writer: bad line in %s: '%s'\n", path, line);
            rc = -1;
        } else if (!bsearch(&n, s->nums, s->len, sizeof *s->nums, cmp_u64)) {
            fprintf(stderr, "crash_writer: LOST acknowledged record %llu\n", (unsigned long long)n);
            rc = -1;
        }
        (*acked)++;
    }
    fclose(f);
    return rc;
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
    if (s.len) qsort(s.nums, s.len, sizeof *s.nums, cmp_u64);
    for (size_t i = 1; i < s.len && rc == 0; i++) {
        if (s.nums[i] != s.nums[i - 1]) continue;
        fprintf(stderr, "crash_writer: record %llu replayed twice\n",
                (unsigned long long)s.nums[i]);
        rc = 1;
    }
    uint64_t acked = 0;
    if (rc == 0 && check_acked(&s, argv[3], &acked) < 0) rc = 1;
    if (rc == 0)
        printf("verified records=%zu acknowledged=%llu\n", s.len, (unsigned long long)acked);
    free(s.nums);
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

/*
 * bench_group_commit: acknowledged durable writes per second with many concurrent writers,
 * beside the machine's raw fsync rate (the anchor: one thread, fdatasync after each small
 * append), in one run on one file system.
 *
 * Rows: raw fdatasync after each 100-byte append to a growing file and to a preallocated one;
 * the commit log in batch mode and in group mode (one row per window) with N writer threads,
 * each appending a 100-byte record and waiting for it to be durable (commitlog_wait); the store
 * in batch and group mode (store_apply of a one-cell row + store_wait_durable). Each row runs
 * for --seconds after a 1.5 s warm-up, with 8 MiB segments (so the measurement runs in
 * segments the allocator thread zero-filled, as in steady state). "x raw" divides by the better
 * raw rate.
 *
 * Usage: bench_group_commit [--dir DIR] [--threads N] [--seconds S] [--windows 2,15]
 *                           [--no-store]
 * DIR must be on the disk under test (not tmpfs); default: a temp dir under $TMPDIR or /tmp.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "node/base/clock.h"
#include "node/base/log.h"
#include "node/base/mem.h"
#include "storage/commitlog.h"
#include "storage/schema.h"
#include "storage/store.h"
#include "tests/support/kv_table.h"

#define RECORD_BYTES 100
#define THREADS_MAX 256
#define WINDOWS_MAX 8
#define SAMPLES_MAX (1u << 20) /* latency samples per thread */
#define WARMUP_NS 1500000000LL
#define SEGMENT_BYTES (8u << 20)

struct result {
    char name[48];
    int threads;
    uint64_t ops;
    double seconds;
    long long syncs; /* -1: not known */
    double sync_ms;  /* mean duration of one sync round (0: not known) */
    double p50_ms, p99_ms;
};

static void print_header(void)
{
    printf("%-26s %7s %10s %10s %10s %8s %8s %8s %8s\n", "mode", "threads", "writes/s", "fsyncs/s",
           "wr/fsync", "fsync ms", "p50 ms", "p99 ms", "x raw");
}

static void print_row(const struct result *r, double raw_per_s)
{
    double rate = (double)r->ops / r->seconds;
    char syncs[16] = "-", per[16] = "-", sync_ms[16] = "-";
    if (r->syncs >= 0) {
        snprintf(syncs, sizeof syncs, "%.0f", (double)r->syncs / r->seconds);
        snprintf(per, sizeof per, "%.1f", r->syncs ? (double)r->ops / (double)r->syncs : 0.0);
    }
    if (r->sync_ms > 0) snprintf(sync_ms, sizeof sync_ms, "%.3f", r->sync_ms);
    printf("%-26s %7d %10.0f %10s %10s %8s %8.3f %8.3f %8.1f\n", r->name, r->threads, rate, syncs,
           per, sync_ms, r->p50_ms, r->p99_ms, raw_per_s > 0 ? rate / raw_per_s : 0.0);
    fflush(stdout);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* ---- raw fdatasync ---- */

static int raw_fsync(const char *dir, bool is_prealloc, double seconds, struct result *out)
{
    char path[600];
    snprintf(path, sizeof path, "%s/raw-%s", dir, is_prealloc ? "prealloc" : "append");
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return -errno;
    if (is_prealloc && posix_fallocate(fd, 0, 256 << 20) != 0) {
        close(fd);
        return -ENOSPC;
    }
    if (is_prealloc) fdatasync(fd);
    uint8_t rec[RECORD_BYTES];
    memset(rec, 'r', sizeof rec);
    int64_t *lat = xmalloc(SAMPLES_MAX * sizeof *lat);
    uint64_t n = 0;
    off_t off = 0;
    int64_t t0 = clock_mono_ns(), end = t0 + (int64_t)(seconds * 1e9), now = t0;
    while (now < end && off + RECORD_BYTES < (256 << 20)) {
        if (pwrite(fd, rec, sizeof rec, off) != (ssize_t)sizeof rec || fdatasync(fd) != 0) break;
        off += RECORD_BYTES;
        int64_t t = clock_mono_ns();
        if (n < SAMPLES_MAX) lat[n] = t - now;
        now = t;
        n++;
    }
    close(fd);
    unlink(path);
    size_t k = n < SAMPLES_MAX ? n : SAMPLES_MAX;
    qsort(lat, k, sizeof *lat, cmp_i64);
    snprintf(out->name, sizeof out->name, "raw fdatasync (%s)",
             is_prealloc ? "prealloc" : "append");
    out->threads = 1;
    out->ops = n;
    out->seconds = (double)(now - t0) / 1e9;
    out->syncs = (long long)n;
    out->sync_ms = n ? out->seconds * 1e3 / (double)n : 0;
    out->p50_ms = k ? (double)lat[k / 2] / 1e6 : 0;
    out->p99_ms = k ? (double)lat[k * 99 / 100] / 1e6 : 0;
    free(lat);
    return n ? 0 : -EIO;
}

/* ---- concurrent writers ---- */

struct run;
typedef int (*write_fn)(struct run *r, int thread, uint64_t i);

struct run {
    write_fn write;
    struct commitlog *cl;
    struct store *st;
    struct table_schema *schema;
    atomic_bool is_measuring; /* after the warm-up */
    atomic_bool is_stopping;
    atomic_int errors;
    struct commitlog_stats s0; /* at the start of the measurement */
};

struct worker {
    struct run *run;
    int id;
    uint64_t seq;
    uint64_t ops; /* measured */
    int64_t *lat;
};

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    while (!atomic_load(&w->run->is_stopping)) {
        int64_t t0 = clock_mono_ns();
        if (w->run->write(w->run, w->id, w->seq++) < 0) {
            atomic_fetch_add(&w->run->errors, 1);
            break;
        }
        if (!atomic_load(&w->run->is_measuring)) continue;
        if (w->ops < SAMPLES_MAX) w->lat[w->ops] = clock_mono_ns() - t0;
        w->ops++;
    }
    return NULL;
}

static int run_writers(struct run *r, int threads, double seconds, struct result *out)
{
    struct worker *ws = xcalloc((size_t)threads, sizeof *ws);
    pthread_t *th = xcalloc((size_t)threads, sizeof *th);
    for (int i = 0; i < threads; i++) {
        ws[i] = (struct worker){r, i, 0, 0, xmalloc(SAMPLES_MAX * sizeof(int64_t))};
        pthread_create(&th[i], NULL, worker_main, &ws[i]);
    }
    /* Warm-up: past the first segment, which an append creates before the allocator thread has
       a zero-filled spare ready, and past thread start-up. */
    int64_t warm_end = clock_mono_ns() + WARMUP_NS;
    while (clock_mono_ns() < warm_end && !atomic_load(&r->errors))
        usleep(10000);
    if (r->cl) commitlog_get_stats(r->cl, &r->s0);
    atomic_store(&r->is_measuring, true);
    int64_t t0 = clock_mono_ns();
    int64_t end = t0 + (int64_t)(seconds * 1e9);
    while (clock_mono_ns() < end && !atomic_load(&r->errors))
        usleep(10000);
    atomic_store(&r->is_stopping, true);
    uint64_t ops = 0;
    size_t k = 0;
    for (int i = 0; i < threads; i++) {
        pthread_join(th[i], NULL);
        ops += ws[i].ops;
        k += ws[i].ops < SAMPLES_MAX ? ws[i].ops : SAMPLES_MAX;
    }
    out->seconds = (double)(clock_mono_ns() - t0) / 1e9;
    int64_t *all = xmalloc((k + 1) * sizeof *all);
    size_t j = 0;
    for (int i = 0; i < threads; i++) {
        size_t n = ws[i].ops < SAMPLES_MAX ? ws[i].ops : SAMPLES_MAX;
        memcpy(all + j, ws[i].lat, n * sizeof *all);
        j += n;
        free(ws[i].lat);
    }
    qsort(all, k, sizeof *all, cmp_i64);
    out->threads = threads;
    out->ops = ops;
    out->p50_ms = k ? (double)all[k / 2] / 1e6 : 0;
    out->p99_ms = k ? (double)all[k * 99 / 100] / 1e6 : 0;
    free(all);
    free(ws);
    free(th);
    return atomic_load(&r->errors) ? -EIO : 0;
}

static const struct uuid bench_table = {
    {0xB0, 0x0C, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}};

static int commitlog_write(struct run *r, int thread, uint64_t i)
{
    uint8_t rec[RECORD_BYTES];
    memset(rec, (int)thread, sizeof rec);
    memcpy(rec, &i, sizeof i);
    store_pos pos;
    int rc = commitlog_append(r->cl, &bench_table, rec, sizeof rec, &pos);
    return rc ? rc : commitlog_wait(r->cl, pos);
}

static int skip_record(void *arg, const struct uuid *id, const uint8_t *rec, size_t len,
                       store_pos pos)
{
    (void)arg, (void)id, (void)rec, (void)len, (void)pos;
    return COMMITLOG_REPLAY_SKIPPED;
}

static void mode_name(char *out, size_t n, const char *what, enum commitlog_sync mode,
                      uint32_t window_ms)
{
    if (mode == COMMITLOG_SYNC_BATCH)
        snprintf(out, n, "%s batch", what);
    else
        snprintf(out, n, "%s group %ums", what, window_ms);
}

static int bench_commitlog(const char *dir, enum commitlog_sync mode, uint32_t window_ms,
                           int threads, double seconds, struct result *out)
{
    char path[600];
    snprintf(path, sizeof path, "%s/cl-%d-%u", dir, (int)mode, window_ms);
    struct commitlog_config c = {.dir = path,
                                 .sync_mode = mode,
                                 .group_window_ms = window_ms,
                                 .segment_bytes = SEGMENT_BYTES};
    struct run r = {.write = commitlog_write};
    struct errmsg em;
    int rc = commitlog_open(&c, &r.cl, &em);
    if (rc == 0) rc = commitlog_replay(r.cl, skip_record, NULL, &em);
    if (rc < 0) {
        fprintf(stderr, "commitlog: %s\n", em.text);
        return rc;
    }
    struct commitlog_stats s1;
    rc = run_writers(&r, threads, seconds, out);
    commitlog_get_stats(r.cl, &s1);
    struct commitlog_stats s0 = r.s0;
    commitlog_close(r.cl);
    out->syncs = (long long)(s1.syncs - s0.syncs);
    out->sync_ms = out->syncs ? (double)(s1.sync_ns - s0.sync_ns) / 1e6 / (double)out->syncs : 0;
    mode_name(out->name, sizeof out->name, "commitlog", mode, window_ms);
    return rc;
}

/* ---- through the store ---- */

static int store_write(struct run *r, int thread, uint64_t i)
{
    uint8_t key[16], value[RECORD_BYTES - 16];
    snprintf((char *)key, sizeof key, "%03u-%011llu", (unsigned)thread % 1000u,
             (unsigned long long)(i % 100000000000ull));
    memset(value, 'v', sizeof value);
    struct kv_table_update k;
    kv_table_update_init(&k, r->schema, key, 15, value, sizeof value, clock_real_us());
    struct errmsg em = {0};
    int rc = kv_table_put(r->st, &k, true, &em);
    if (rc < 0) fprintf(stderr, "store write: %s: %s\n", err_name(rc), em.text);
    return rc;
}

static int bench_store(const char *dir, enum commitlog_sync mode, uint32_t window_ms, int threads,
                       double seconds, struct result *out)
{
    char data[600], log[600];
    snprintf(data, sizeof data, "%s/store-%d-%u/data", dir, (int)mode, window_ms);
    snprintf(log, sizeof log, "%s/store-%d-%u/commitlog", dir, (int)mode, window_ms);
    struct store_config c;
    store_config_defaults(&c);
    c.data_dir = data;
    c.commitlog_dir = log;
    c.sync_mode = mode;
    c.sync_group_window_ms = window_ms;
    c.segment_bytes = SEGMENT_BYTES;
    struct run r = {.write = store_write, .schema = kv_table_schema("bench", "kv", &bench_table)};
    struct errmsg em;
    int rc = store_open(&c, &r.st, &em);
    if (rc == 0) rc = store_add_table(r.st, r.schema, &em);
    if (rc == 0) rc = store_replay(r.st, &em);
    if (rc < 0) {
        fprintf(stderr, "store: %s\n", em.text);
        store_close(r.st);
        table_schema_unref(r.schema);
        return rc;
    }
    rc = run_writers(&r, threads, seconds, out);
    store_close(r.st);
    table_schema_unref(r.schema);
    out->syncs = -1;
    out->sync_ms = 0;
    mode_name(out->name, sizeof out->name, "store", mode, window_ms);
    return rc;
}

static int parse_windows(const char *s, uint32_t *w, int *n)
{
    *n = 0;
    while (*s && *n < WINDOWS_MAX) {
        char *end = NULL;
        unsigned long v = strtoul(s, &end, 10);
        if (end == s || v > 10000) return -1;
        w[(*n)++] = (uint32_t)v;
        s = *end == ',' ? end + 1 : end;
        if (*end && *end != ',') return -1;
    }
    return *n ? 0 : -1;
}

int main(int argc, char **argv)
{
    const char *dir = NULL;
    int threads = 64;
    double seconds = 3;
    uint32_t windows[WINDOWS_MAX] = {2, 15};
    int nwindows = 2;
    bool with_store = true;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--dir") && i + 1 < argc)
            dir = argv[++i];
        else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
            threads = (int)strtol(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
            seconds = strtod(argv[++i], NULL);
        else if (!strcmp(argv[i], "--windows") && i + 1 < argc) {
            if (parse_windows(argv[++i], windows, &nwindows) < 0) goto usage;
        } else if (!strcmp(argv[i], "--no-store"))
            with_store = false;
        else
            goto usage;
    }
    if (threads < 1 || threads > THREADS_MAX || seconds <= 0) goto usage;
    char tmpl[512];
    snprintf(tmpl, sizeof tmpl, "%s/bench_group_commit-XXXXXX",
             getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!dir && !(dir = mkdtemp(tmpl))) return 1;
    log_set_level(LOG_WARN);
    printf("# bench_group_commit dir=%s threads=%d seconds=%.1f record=%d bytes\n", dir, threads,
           seconds, RECORD_BYTES);
    struct result raw[2];
    if (raw_fsync(dir, false, seconds, &raw[0]) < 0 || raw_fsync(dir, true, seconds, &raw[1]) < 0) {
        fprintf(stderr, "raw fdatasync failed in %s\n", dir);
        return 1;
    }
    double base = (double)raw[1].ops / raw[1].seconds;
    if ((double)raw[0].ops / raw[0].seconds > base) base = (double)raw[0].ops / raw[0].seconds;
    print_header();
    print_row(&raw[0], base);
    print_row(&raw[1], base);
    for (int s = 0; s < (with_store ? 2 : 1); s++) {
        for (int m = -1; m < nwindows; m++) {
            enum commitlog_sync mode = m < 0 ? COMMITLOG_SYNC_BATCH : COMMITLOG_SYNC_GROUP;
            uint32_t w = m < 0 ? 0 : windows[m];
            struct result r;
            int rc = s == 0 ? bench_commitlog(dir, mode, w, threads, seconds, &r)
                            : bench_store(dir, mode, w, threads, seconds, &r);
            if (rc < 0) return 1;
            print_row(&r, base);
        }
    }
    return 0;
usage:
    fprintf(stderr,
            "usage: %s [--dir DIR] [--threads N] [--seconds S] [--windows 2,15] "
            "[--no-store]\n",
            argv[0]);
    return 2;
}

/* crash_util: see crash_util.h. */
#include "tests/support/crash_util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "node/base/be.h"
#include "node/base/crc32c.h"
#include "node/base/mem.h"

static uint64_t checksum_of(uint64_t n, uint32_t salt)
{
    uint8_t b[8];
    be64_store(b, n);
    uint32_t a = crc32c_extend(salt, b, 8);
    return (uint64_t)a << 32 | crc32c_extend(a ^ 0xA5A5A5A5u, b, 8);
}

size_t crash_util_payload(uint64_t n, uint32_t salt, uint8_t *out)
{
    size_t filler = (size_t)((n * 2654435761u) & 0xFF);
    be64_store(out, n);
    be64_store(out + 8, checksum_of(n, salt));
    for (size_t i = 0; i < filler; i++)
        out[16 + i] = (uint8_t)(n + i * 13);
    return 16 + filler;
}

int crash_util_payload_check(const uint8_t *p, size_t len, uint32_t salt, uint64_t *n)
{
    if (len < 16) return -1;
    *n = be64_load(p);
    uint8_t want[CRASH_UTIL_PAYLOAD_MAX];
    size_t wlen = crash_util_payload(*n, salt, want);
    return wlen == len && memcmp(want, p, len) == 0 ? 0 : -1;
}

int crash_util_parse_u64(const char *s, uint64_t *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || !end || *end || end == s || *s == '-') return -1;
    *out = v;
    return 0;
}

int crash_util_parse_mode(const char *s, enum commitlog_sync *out)
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

void crash_util_ack(pthread_mutex_t *mu, uint64_t n)
{
    char line[32];
    int k = snprintf(line, sizeof line, "%llu\n", (unsigned long long)n);
    pthread_mutex_lock(mu);
    ssize_t w = write(1, line, (size_t)k);
    pthread_mutex_unlock(mu);
    if (w != k) _exit(4);
}

void crash_util_run_threads(uint64_t threads, void *(*fn)(void *), void *arg)
{
    pthread_t th[CRASH_UTIL_THREADS_MAX];
    if (threads > CRASH_UTIL_THREADS_MAX) threads = CRASH_UTIL_THREADS_MAX;
    for (uint64_t i = 0; i < threads; i++)
        pthread_create(&th[i], NULL, fn, arg);
    for (uint64_t i = 0; i < threads; i++)
        pthread_join(th[i], NULL);
}

void crash_util_nums_add(struct crash_util_nums *s, uint64_t n)
{
    xgrow((void **)&s->v, &s->cap, s->len + 1, sizeof *s->v);
    s->v[s->len++] = n;
    if (!s->has_max || n > s->max) s->max = n;
    s->has_max = true;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

int crash_util_nums_sort_unique(struct crash_util_nums *s, const char *prog)
{
    if (s->len) qsort(s->v, s->len, sizeof *s->v, cmp_u64);
    for (size_t i = 1; i < s->len; i++) {
        if (s->v[i] != s->v[i - 1]) continue;
        fprintf(stderr, "%s: record %llu appears twice\n", prog, (unsigned long long)s->v[i]);
        return -1;
    }
    return 0;
}

void crash_util_nums_free(struct crash_util_nums *s)
{
    free(s->v);
    memset(s, 0, sizeof *s);
}

int crash_util_check_acked(const struct crash_util_nums *s, const char *path, const char *prog,
                           int (*check)(void *arg, uint64_t n), void *arg, uint64_t *acked)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "%s: cannot open %s\n", prog, path);
        return -1;
    }
    char line[64];
    int rc = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        uint64_t n;
        if (crash_util_parse_u64(line, &n) < 0) {
            fprintf(stderr, "%s: bad line in %s: '%s'\n", prog, path, line);
            rc = -1;
        } else if (!bsearch(&n, s->v, s->len, sizeof *s->v, cmp_u64) ||
                   (check && check(arg, n) < 0)) {
            fprintf(stderr, "%s: LOST acknowledged record %llu\n", prog, (unsigned long long)n);
            rc = -1;
        }
        (*acked)++;
    }
    fclose(f);
    return rc;
}

/*
 * crash_util: what the kill -9 test programs (tests/progs/crash_*.c, driven by
 * tests/cluster/crash_kill9.py) share: self-checking numbered payloads, argument parsing,
 * acknowledgement lines, the number set a verify pass collects, and the check of an acked file.
 */
#ifndef RINGDB_TESTS_SUPPORT_CRASH_UTIL_H
#define RINGDB_TESTS_SUPPORT_CRASH_UTIL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "storage/store.h"

#define CRASH_UTIL_PAYLOAD_MAX (16 + 255)
#define CRASH_UTIL_THREADS_MAX 64

/* be64 n ++ be64 checksum(n, salt) ++ 0..255 filler bytes derived from n; returns its length. */
size_t crash_util_payload(uint64_t n, uint32_t salt, uint8_t *out);
/* 0 and *n when p is exactly the payload of its number, -1 otherwise (never written). */
int crash_util_payload_check(const uint8_t *p, size_t len, uint32_t salt, uint64_t *n);

int crash_util_parse_u64(const char *s, uint64_t *out);
int crash_util_parse_mode(const char *s, enum commitlog_sync *out);

/* Prints "n\n" with one write(2) under mu, so lines from threads never interleave; exits the
   process if stdout is gone. */
void crash_util_ack(pthread_mutex_t *mu, uint64_t n);
/* Starts threads running fn(arg) and joins them. */
void crash_util_run_threads(uint64_t threads, void *(*fn)(void *), void *arg);

struct crash_util_nums {
    uint64_t *v;
    size_t len;
    size_t cap;
    uint64_t max;
    bool has_max;
};
void crash_util_nums_add(struct crash_util_nums *s, uint64_t n);
/* Sorts; -1 (and a message naming prog) when a number appears twice. */
int crash_util_nums_sort_unique(struct crash_util_nums *s, const char *prog);
void crash_util_nums_free(struct crash_util_nums *s);

/* Checks every number listed in path is in s (sorted) and, when check is set, that check(arg, n)
   returns 0. Counts the lines in *acked. -1 with a message naming prog on the first miss. */
int crash_util_check_acked(const struct crash_util_nums *s, const char *path, const char *prog,
                           int (*check)(void *arg, uint64_t n), void *arg, uint64_t *acked);

#endif

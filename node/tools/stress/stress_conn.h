/*
 * stress_conn: the load generator behind ringstress (node/tools/ringstress.c), in the spirit
 * of cassandra-stress: T threads, each a libuv loop with its share of N connections; each
 * connection does STARTUP (lz4 if asked) and PREPAREs its statement, then keeps up to M
 * EXECUTEs in flight, each on its own stream id, and records every latency in an HDR-style
 * histogram (stress_hist.h).
 *
 *   write  INSERT INTO ks.t (key, value) VALUES (?, ?)   key text, value_size random bytes
 *   read   SELECT value FROM ks.t WHERE key = ?           (skip-metadata, as drivers do)
 * Keys are "key:" + 12 digits, uniform over [0, keys).
 *
 * Pacing: closed loop by default (latency from the send). With a target rate, operation i of
 * a thread is due at start + i / (rate / T) and its latency is measured from when it was due,
 * not from when a free slot let it go (no coordinated omission, as cassandra-stress's fixed
 * rate and wrk2 do).
 * Stop: after duration_ms (operations in flight still complete) or after count operations in
 * all. Operations that complete during the warm-up are not counted.
 * Thread rule: stress_run starts and joins its threads; everything else is per thread.
 */
#ifndef RINGDB_TOOLS_STRESS_CONN_H
#define RINGDB_TOOLS_STRESS_CONN_H

#include <stdbool.h>
#include <stdint.h>

#include "node/base/err.h"
#include "node/tools/stress/stress_hist.h"

#define STRESS_CONNECTIONS_MAX 4096
#define STRESS_INFLIGHT_MAX 32768
#define STRESS_THREADS_MAX 64
#define STRESS_VALUE_MAX (1u << 20)
#define STRESS_NAME_MAX 48

enum stress_mode { STRESS_WRITE = 0, STRESS_READ = 1 };

struct stress_opts {
    const char *host;
    uint16_t port;
    enum stress_mode mode;
    uint32_t connections;
    uint32_t inflight;  /* per connection */
    uint32_t threads;
    uint64_t duration_ms; /* 0: run until count */
    uint64_t count;       /* 0: run for duration_ms */
    double rate;          /* ops/s in all; 0: as fast as answers come */
    uint64_t warmup_ms;
    uint64_t keys;
    uint32_t value_size;
    uint16_t cl;
    bool lz4;
    uint8_t protocol; /* 3 or 4 */
    char keyspace[STRESS_NAME_MAX];
    char table[STRESS_NAME_MAX];
    uint32_t replication_factor; /* for setup */
    bool progress;               /* one line per second on stderr */
};

struct stress_result {
    struct stress_hist hist;
    uint64_t ok;
    uint64_t errors;
    uint64_t conn_failures;
    double elapsed_s; /* measured period (after the warm-up) */
    char first_error[256];
};

/* Creates the keyspace and table (IF NOT EXISTS) on one connection. */
int stress_setup(const struct stress_opts *o, struct errmsg *em);
/* Runs the load and fills res (its histogram included). Errors only when nothing could run. */
int stress_run(const struct stress_opts *o, struct stress_result *res, struct errmsg *em);

#endif

/*
 * ringstress: a CQL load generator in the spirit of cassandra-stress (and comparable with
 * redis-benchmark): N connections x M requests in flight, prepared INSERTs (write) or SELECTs
 * (read) of 100-byte values by default, for a duration or a count, optionally at a target rate;
 * prints throughput and latency percentiles from an HDR-style histogram. See
 * node/tools/stress/stress_conn.h for how it paces and measures.
 *
 *   ringstress write --setup --connections 50 --inflight 1 --duration 10s
 *   ringstress read --connections 50 --inflight 1 --count 1000000
 *
 * The last line is machine-readable ("result mode=... ops_per_s=... p50_ms=..."), for
 * tests/bench/cql_vs_redis.sh. Exit codes: 0 ok, 1 could not run, 2 bad arguments, 3 the run
 * finished but some operations failed (the first error is printed).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/cqlproto/cqlcl.h"
#include "node/tools/stress/stress_conn.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: ringstress write|read [options]\n"
            "  --host H           server address (127.0.0.1)\n"
            "  --port P           native_transport_port (9042)\n"
            "  --connections N    connections (16)\n"
            "  --inflight M       requests in flight per connection (8)\n"
            "  --threads T        client threads, each with its own event loop (1)\n"
            "  --duration D       run for D (10s; also ms, m); excludes --count\n"
            "  --count N          run N operations in all\n"
            "  --rate R           target ops/s in all (default: as fast as possible)\n"
            "  --warmup D         operations completing in the first D are not counted (0)\n"
            "  --keys K           key space: keys 0..K-1, uniform (1000000)\n"
            "  --value-size B     bytes per value (100)\n"
            "  --cl LEVEL         consistency level (ONE)\n"
            "  --lz4              compress frames\n"
            "  --protocol V       3 or 4 (4)\n"
            "  --keyspace KS --table T   where the data goes (ks, t)\n"
            "  --setup            CREATE KEYSPACE/TABLE IF NOT EXISTS first\n"
            "  --rf N             replication factor for --setup (1)\n"
            "  --progress         ops/s every second on stderr\n");
}

static int parse_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi || s[0] == '-') return -1;
    *out = v;
    return 0;
}

/* "10s", "500ms", "2m", "10" (seconds) to milliseconds. */
static int parse_duration(const char *s, uint64_t *ms)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || v < 0 || v > 1e7) return -1;
    double mult = 1000;
    if (strcmp(end, "ms") == 0) mult = 1;
    else if (strcmp(end, "m") == 0) mult = 60000;
    else if (strcmp(end, "s") != 0 && *end) return -1;
    *ms = (uint64_t)(v * mult);
    return 0;
}

static int parse_name(const char *s, char *out)
{
    size_t n = strlen(s);
    if (n == 0 || n >= STRESS_NAME_MAX) return -1;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return -1;
    memcpy(out, s, n + 1);
    return 0;
}

static void defaults(struct stress_opts *o)
{
    memset(o, 0, sizeof *o);
    o->host = "127.0.0.1";
    o->port = 9042;
    o->connections = 16;
    o->inflight = 8;
    o->threads = 1;
    o->duration_ms = 10000;
    o->keys = 1000000;
    o->value_size = 100;
    o->cl = CQLCL_ONE;
    o->protocol = 4;
    o->replication_factor = 1;
    snprintf(o->keyspace, sizeof o->keyspace, "ks");
    snprintf(o->table, sizeof o->table, "t");
}

/* One option with its value (argv[*i + 1]); -1 when unknown or invalid. */
static int parse_valued(struct stress_opts *o, const char *a, const char *v)
{
    uint64_t n = 0;
    if (strcmp(a, "--host") == 0) return (o->host = v) ? 0 : -1;
    if (strcmp(a, "--keyspace") == 0) return parse_name(v, o->keyspace);
    if (strcmp(a, "--table") == 0) return parse_name(v, o->table);
    if (strcmp(a, "--duration") == 0) return o->count = 0, parse_duration(v, &o->duration_ms);
    if (strcmp(a, "--warmup") == 0) return parse_duration(v, &o->warmup_ms);
    if (strcmp(a, "--cl") == 0) return cqlcl_parse(v, strlen(v), &o->cl) == 0 ? 0 : -1;
    if (strcmp(a, "--rate") == 0) {
        char *end;
        o->rate = strtod(v, &end);
        return end != v && !*end && o->rate >= 0 && o->rate < 1e9 ? 0 : -1;
    }
    static const struct {
        const char *name;
        uint64_t lo, hi;
    } nums[] = {{"--port", 1, 65535},           {"--connections", 1, STRESS_CONNECTIONS_MAX},
                {"--inflight", 1, STRESS_INFLIGHT_MAX}, {"--threads", 1, STRESS_THREADS_MAX},
                {"--count", 1, UINT64_MAX / 2}, {"--keys", 1, UINT64_MAX / 2},
                {"--value-size", 0, STRESS_VALUE_MAX}, {"--protocol", 3, 4},
                {"--rf", 1, 64}};
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        if (strcmp(a, nums[i].name) != 0) continue;
        if (parse_u64(v, nums[i].lo, nums[i].hi, &n) != 0) return -1;
        switch (i) {
        case 0: o->port = (uint16_t)n; break;
        case 1: o->connections = (uint32_t)n; break;
        case 2: o->inflight = (uint32_t)n; break;
        case 3: o->threads = (uint32_t)n; break;
        case 4: o->count = n, o->duration_ms = 0; break;
        case 5: o->keys = n; break;
        case 6: o->value_size = (uint32_t)n; break;
        case 7: o->protocol = (uint8_t)n; break;
        default: o->replication_factor = (uint32_t)n; break;
        }
        return 0;
    }
    return -1;
}

/* 0 to run, -1 to exit 0 (help), 2 for a usage error. */
static int parse_args(int argc, char **argv, struct stress_opts *o, bool *setup)
{
    defaults(o);
    if (argc < 2) return 2;
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) return -1;
    if (strcmp(argv[1], "write") == 0) o->mode = STRESS_WRITE;
    else if (strcmp(argv[1], "read") == 0) o->mode = STRESS_READ;
    else return 2;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--setup") == 0) *setup = true;
        else if (strcmp(a, "--lz4") == 0) o->lz4 = true;
        else if (strcmp(a, "--progress") == 0) o->progress = true;
        else if (i + 1 < argc && parse_valued(o, a, argv[i + 1]) == 0) i++;
        else {
            fprintf(stderr, "ringstress: bad option or value: %s\n", a);
            return 2;
        }
    }
    if (o->threads > o->connections) o->threads = o->connections;
    return 0;
}

static void report(const struct stress_opts *o, const struct stress_result *r)
{
    const struct stress_hist *h = &r->hist;
    double ms = 1e6;
    double ops_s = r->elapsed_s > 0 ? (double)r->ok / r->elapsed_s : 0;
    printf("ringstress %s: %u connections x %u in flight, %u thread(s), %.1f s measured%s\n",
           o->mode == STRESS_WRITE ? "write" : "read", o->connections, o->inflight, o->threads,
           r->elapsed_s, o->rate > 0 ? " (fixed rate)" : "");
    printf("ops        %llu (errors %llu, connection failures %llu)\n",
           (unsigned long long)r->ok, (unsigned long long)r->errors,
           (unsigned long long)r->conn_failures);
    printf("ops/s      %.0f\n", ops_s);
    printf("latency ms mean %.3f  p50 %.3f  p95 %.3f  p99 %.3f  p99.9 %.3f  max %.3f\n",
           stress_hist_mean(h) / ms, stress_hist_percentile(h, 50) / ms,
           stress_hist_percentile(h, 95) / ms, stress_hist_percentile(h, 99) / ms,
           stress_hist_percentile(h, 99.9) / ms, (double)h->max_ns / ms);
    if (r->first_error[0]) printf("first error: %s\n", r->first_error);
    printf("result mode=%s ops=%llu errors=%llu ops_per_s=%.0f mean_ms=%.3f p50_ms=%.3f "
           "p95_ms=%.3f p99_ms=%.3f p999_ms=%.3f max_ms=%.3f\n",
           o->mode == STRESS_WRITE ? "write" : "read", (unsigned long long)r->ok,
           (unsigned long long)r->errors, ops_s, stress_hist_mean(h) / ms,
           stress_hist_percentile(h, 50) / ms, stress_hist_percentile(h, 95) / ms,
           stress_hist_percentile(h, 99) / ms, stress_hist_percentile(h, 99.9) / ms,
           (double)h->max_ns / ms);
}

int main(int argc, char **argv)
{
    struct stress_opts o;
    bool setup = false;
    int rc = parse_args(argc, argv, &o, &setup);
    if (rc != 0) {
        usage(rc < 0 ? stdout : stderr);
        return rc < 0 ? 0 : 2;
    }
    struct errmsg em;
    errmsg_clear(&em);
    if (setup && stress_setup(&o, &em) != 0) {
        fprintf(stderr, "ringstress: %s\n", em.text);
        return 1;
    }
    static struct stress_result res; /* the histogram is ~20 KB */
    if (stress_run(&o, &res, &em) != 0) {
        fprintf(stderr, "ringstress: %s\n", em.text);
        return 1;
    }
    report(&o, &res);
    return res.errors || res.conn_failures ? 3 : 0;
}

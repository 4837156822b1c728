/*
 * bench_store: the store under db_bench's fillrandom / readrandom shape (16-byte keys, 100-byte
 * values, single thread, commit log in periodic mode: no fsync per write), to compare with
 * RocksDB's db_bench (fillrandom ~223k ops/s, readrandom ~140k ops/s on the reference box).
 *
 * Usage: bench_store [--num N] [--reads N] [--dir DIR] [--flush]
 *   --flush: flush the memtable before reading, so reads hit SSTables.
 * Table: CREATE TABLE b.kv (k blob PRIMARY KEY, v blob).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "node/base/arena.h"
#include "node/base/clock.h"
#include "node/base/log.h"
#include "node/base/murmur3.h"
#include "storage/schema.h"
#include "storage/store.h"

#define KEY_BYTES 16
#define VALUE_BYTES 100

static uint64_t rng_state = 0x853c49e6748fea9bULL;

static uint64_t rng_next(void)
{
    uint64_t x = rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

static void make_key(uint64_t i, uint8_t key[KEY_BYTES])
{
    snprintf((char *)key, KEY_BYTES + 1, "%016llu", (unsigned long long)(i % 10000000000000000ULL));
}

static struct table_schema *bench_schema(void)
{
    struct uuid id;
    memset(&id, 0x42, sizeof id);
    struct table_schema *s = table_schema_new("b", "kv", &id);
    struct errmsg em;
    if (table_schema_add_column(s, "k", COLUMN_PARTITION_KEY, 0, false, cql_type_native(CQL_BLOB),
                                &em) ||
        table_schema_add_column(s, "v", COLUMN_REGULAR, -1, false, cql_type_native(CQL_BLOB),
                                &em) ||
        table_schema_finish(s, &em)) {
        fprintf(stderr, "schema: %s\n", em.text);
        exit(1);
    }
    return s;
}

/* CPU time of the calling thread (user + system): what one op costs on the caller, without
   the background flush and compaction threads, and without the skew of a busy machine. */
static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_THREAD, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
           ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) / 1e6;
}

struct counter {
    uint64_t rows;
};

static int on_start(void *arg, const struct pkey *k, const struct row *st)
{
    (void)arg;
    (void)k;
    (void)st;
    return READ_CONTINUE;
}

static int on_row(void *arg, const struct row *r)
{
    struct counter *c = arg;
    if (r->ncells == 1 && r->cells[0].value_len == VALUE_BYTES) c->rows++;
    return READ_CONTINUE;
}

static int on_end(void *arg)
{
    (void)arg;
    return READ_CONTINUE;
}

int main(int argc, char **argv)
{
    uint64_t num = 1000000, reads = 0;
    const char *dir = NULL;
    bool do_flush = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--num") && i + 1 < argc) num = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--reads") && i + 1 < argc) reads = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--dir") && i + 1 < argc) dir = argv[++i];
        else if (!strcmp(argv[i], "--flush")) do_flush = true;
        else {
            fprintf(stderr, "usage: %s [--num N] [--reads N] [--dir DIR] [--flush]\n", argv[0]);
            return 2;
        }
    }
    if (!reads) reads = num;
    char tmpl[] = "/tmp/bench_store-XXXXXX";
    if (!dir && !(dir = mkdtemp(tmpl))) return 1;
    log_set_level(LOG_WARN);
    char data_dir[512], log_dir[512];
    snprintf(data_dir, sizeof data_dir, "%s/data", dir);
    snprintf(log_dir, sizeof log_dir, "%s/commitlog", dir);
    struct store_config cfg;
    store_config_defaults(&cfg);
    cfg.data_dir = data_dir;
    cfg.commitlog_dir = log_dir;
    struct store *st;
    struct errmsg em;
    struct table_schema *s = bench_schema();
    if (store_open(&cfg, &st, &em) || store_add_table(st, s, &em) || store_replay(st, &em)) {
        fprintf(stderr, "open: %s\n", em.text);
        return 1;
    }
    uint16_t vcol = table_schema_column(s, "v")->id;
    uint8_t key[KEY_BYTES + 1], value[VALUE_BYTES];
    memset(value, 'x', sizeof value);
    struct cell c = {.col = vcol, .ldt_s = LDT_NONE, .value = value, .value_len = VALUE_BYTES};
    struct row r = {.liveness = {0, 0, LDT_NONE}, .deletion = DELETION_LIVE, .ncells = 1, .cells = &c};
    struct partition_update u = {.table_id = s->id, .key = key, .key_len = KEY_BYTES,
                                 .partition_deletion = DELETION_LIVE, .nrows = 1, .rows = &r};
    double c0 = cpu_s();
    int64_t t0 = clock_mono_ns();
    for (uint64_t i = 0; i < num; i++) {
        make_key(rng_next() % num, key);
        u.token = murmur3_token(key, KEY_BYTES);
        c.ts_us = r.liveness.ts_us = (int64_t)i + 1;
        memcpy(value, &i, sizeof i);
        store_pos pos;
        int rc;
        while ((rc = store_apply(st, &u, &pos, &em)) == ERR_OVERLOADED) store_wait_idle(st);
        if (rc) {
            fprintf(stderr, "apply: %s\n", em.text);
            return 1;
        }
    }
    int64_t t1 = clock_mono_ns();
    double c1 = cpu_s();
    int64_t tf = clock_mono_ns();
    if (do_flush && store_flush(st, NULL, &em)) {
        fprintf(stderr, "flush: %s\n", em.text);
        return 1;
    }
    if (do_flush) fprintf(stderr, "flush took %.2f s\n", (double)(clock_mono_ns() - tf) / 1e9);
    store_wait_idle(st);
    struct read_cmd cmd = {.table_id = s->id, .single = true, .now_s = clock_real_s()};
    struct counter cnt = {0};
    struct read_visitor v = {on_start, on_row, on_end, &cnt};
    double c2 = cpu_s();
    int64_t t2 = clock_mono_ns();
    for (uint64_t i = 0; i < reads; i++) {
        make_key(rng_next() % num, key);
        cmd.key.key = key;
        cmd.key.len = KEY_BYTES;
        cmd.key.token = murmur3_token(key, KEY_BYTES);
        if (store_read(st, &cmd, &v, &em)) {
            fprintf(stderr, "read: %s\n", em.text);
            return 1;
        }
    }
    int64_t t3 = clock_mono_ns();
    double c3 = cpu_s();
    struct table_stats ts;
    store_table_stats(st, &s->id, &ts);
    printf("%-12s %12s %12s %12s %s\n", "benchmark", "ops", "ops/s", "cpu us/op", "notes");
    printf("%-12s %12llu %12.0f %12.2f anchor rocksdb ~223000 ops/s\n", "fillrandom",
           (unsigned long long)num, (double)num / ((double)(t1 - t0) / 1e9),
           (c1 - c0) * 1e6 / (double)num);
    printf("%-12s %12llu %12.0f %12.2f anchor rocksdb ~140000 ops/s; found %llu (%s), "
           "sstables %llu\n",
           "readrandom", (unsigned long long)reads, (double)reads / ((double)(t3 - t2) / 1e9),
           (c3 - c2) * 1e6 / (double)reads,
           (unsigned long long)cnt.rows, do_flush ? "after flush" : "memtable+sstables",
           (unsigned long long)ts.live_sstables);
    store_close(st);
    table_schema_unref(s);
    return 0;
}

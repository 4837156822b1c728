/*
 * bench_sstable: SSTable write and point-read throughput, shaped like RocksDB's
 * `db_bench --benchmarks=fillseq,readrandom --num=1000000 --key_size=16 --value_size=100`
 * (the anchor in docs/benchmarks.md; tests/bench/sstable_vs_rocksdb.sh runs both).
 *
 * Writes --keys partitions (16-byte keys, one row with a --value byte cell each) into one
 * SSTable, then does --reads random point lookups (bloom, summary, index block, data chunk,
 * decode one row) on --threads threads, and prints one table row per phase.
 * Usage: bench_sstable [--keys N] [--value BYTES] [--reads N] [--threads N] [--cache-mb N]
 *                      [--dir PATH] [--no-compression]
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "node/base/clock.h"
#include "node/base/log.h"
#include "node/base/mem.h"
#include "node/base/murmur3.h"
#include "storage/chunk_cache.h"
#include "storage/row.h"
#include "storage/schema.h"
#include "storage/sstable.h"
#include "storage/types.h"

struct key {
    int64_t token;
    uint8_t k[16];
};

struct opts {
    uint64_t keys, reads;
    uint32_t value, threads, cache_mb;
    bool compression;
    const char *dir;
};

static int cmp_key(const void *a, const void *b)
{
    const struct key *x = a, *y = b;
    struct pkey p = {x->token, x->k, 16}, q = {y->token, y->k, 16};
    return pkey_cmp(&p, &q);
}

static void make_key(uint64_t i, struct key *k)
{
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%016llu", (unsigned long long)i);
    memcpy(k->k, tmp, 16);
    k->token = murmur3_token(k->k, 16);
}

struct one_row {
    struct part_iter base;
    struct row row;
    bool done;
};

static int one_next(struct part_iter *it, const struct row **out)
{
    struct one_row *o = (struct one_row *)it;
    *out = o->done ? NULL : &o->row;
    o->done = true;
    return 0;
}

static void one_close(struct part_iter *it)
{
    (void)it;
}

static const struct part_iter_ops one_ops = {one_next, one_close};

static struct table_schema *bench_schema(bool compression)
{
    struct uuid id = {{9}};
    struct table_schema *s = table_schema_new("bench", "kv", &id);
    table_schema_add_column(s, "k", COLUMN_PARTITION_KEY, 0, false, cql_type_native(CQL_BLOB),
                            NULL);
    table_schema_add_column(s, "v", COLUMN_REGULAR, -1, false, cql_type_native(CQL_BLOB), NULL);
    struct errmsg em;
    if (table_schema_finish(s, &em) < 0) {
        fprintf(stderr, "schema: %s\n", em.text);
        exit(1);
    }
    s->opts.compression_enabled = compression;
    return s;
}

static struct sstable *write_phase(const struct opts *o, struct table_schema *s, struct key *keys)
{
    uint8_t *value = xmalloc(o->value);
    memset(value, 'v', o->value);
    struct cell c = {.col = 1, .ts_us = 1, .ldt_s = LDT_NONE, .value_len = o->value,
                     .value = value};
    struct one_row src = {.base = {.ops = &one_ops, .partition_deletion = DELETION_LIVE}};
    src.row = (struct row){.ck = (const uint8_t *)"", .liveness = {1, 0, LDT_NONE},
                           .deletion = DELETION_LIVE, .ncells = 1, .cells = &c};
    struct sstable_write_opts wo = {.expected_partitions = o->keys};
    struct sstable_writer *w;
    struct sstable *t;
    struct errmsg em;
    int64_t start = clock_mono_ns();
    int rc = sstable_writer_open(vfs_default(), o->dir, 1, s, &wo, &w, &em);
    for (uint64_t i = 0; rc == 0 && i < o->keys; i++) {
        struct pkey k = {keys[i].token, keys[i].k, 16};
        src.done = false;
        memcpy(value, &i, sizeof i < o->value ? sizeof i : o->value);
        rc = sstable_writer_add(w, &k, &src.base, &em);
    }
    if (rc == 0) rc = sstable_writer_finish(w, &t, &em);
    if (rc < 0) {
        fprintf(stderr, "write: %s\n", em.text);
        exit(1);
    }
    double secs = (double)(clock_mono_ns() - start) / 1e9;
    const struct sstable_stats *st = sstable_get_stats(t);
    printf("| write (one SSTable) | %llu | %.0f | %.2f | data %.1f MiB (%.1f MiB raw) |\n",
           (unsigned long long)o->keys, (double)o->keys / secs, secs,
           (double)st->data_bytes / 1048576.0, (double)st->uncompressed_bytes / 1048576.0);
    free(value);
    return t;
}

struct reader {
    struct sstable *t;
    const struct key *keys;
    uint64_t nkeys, reads, found;
    uint64_t seed;
    int errors;
    double cpu_s; /* the thread's CPU time: meaningful on a busy machine too */
};

static double thread_cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t xorshift(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void *read_loop(void *arg)
{
    struct reader *r = arg;
    struct errmsg em;
    double cpu0 = thread_cpu_s();
    for (uint64_t i = 0; i < r->reads; i++) {
        const struct key *k = &r->keys[xorshift(&r->seed) % r->nkeys];
        struct pkey p = {k->token, k->k, 16};
        struct part_iter *it;
        if (sstable_open_partition(r->t, &p, NULL, &it, &em) < 0 || !it) {
            r->errors++;
            continue;
        }
        const struct row *row;
        if (part_iter_next(it, &row) == 0 && row && row->ncells == 1) r->found++;
        part_iter_close(it);
    }
    r->cpu_s = thread_cpu_s() - cpu0;
    return NULL;
}

static void read_phase(const struct opts *o, struct sstable *t, const struct key *keys,
                       const char *label)
{
    struct reader *rs = xcalloc(o->threads, sizeof *rs);
    pthread_t *th = xcalloc(o->threads, sizeof *th);
    int64_t start = clock_mono_ns();
    for (uint32_t i = 0; i < o->threads; i++) {
        rs[i] = (struct reader){t, keys, o->keys, o->reads / o->threads, 0, 0x9E3779B9u + i, 0, 0};
        pthread_create(&th[i], NULL, read_loop, &rs[i]);
    }
    uint64_t found = 0, total = 0;
    int errors = 0;
    double cpu = 0;
    for (uint32_t i = 0; i < o->threads; i++) {
        pthread_join(th[i], NULL);
        found += rs[i].found;
        total += rs[i].reads;
        errors += rs[i].errors;
        cpu += rs[i].cpu_s;
    }
    double secs = (double)(clock_mono_ns() - start) / 1e9;
    struct chunk_cache_stats cs;
    chunk_cache_get_stats(chunk_cache_default(), &cs);
    printf("| %s (%u threads) | %llu | %.0f | %.2f | %.0f ops/s per CPU-second; found %llu, "
           "errors %d, cache hit %.1f%% |\n",
           label, o->threads, (unsigned long long)total, (double)total / secs, secs,
           (double)total / cpu, (unsigned long long)found, errors,
           100.0 * (double)cs.hits / (double)(cs.hits + cs.misses ? cs.hits + cs.misses : 1));
    free(rs);
    free(th);
}

static void parse(int argc, char **argv, struct opts *o)
{
    *o = (struct opts){1000000, 1000000, 100, 1, 256, true, NULL};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : "0";
        if (!strcmp(a, "--no-compression")) {
            o->compression = false;
            continue;
        }
        i++;
        if (!strcmp(a, "--keys")) o->keys = strtoull(v, NULL, 10);
        else if (!strcmp(a, "--reads")) o->reads = strtoull(v, NULL, 10);
        else if (!strcmp(a, "--value")) o->value = (uint32_t)strtoul(v, NULL, 10);
        else if (!strcmp(a, "--threads")) o->threads = (uint32_t)strtoul(v, NULL, 10);
        else if (!strcmp(a, "--cache-mb")) o->cache_mb = (uint32_t)strtoul(v, NULL, 10);
        else if (!strcmp(a, "--dir")) o->dir = v;
        else {
            fprintf(stderr, "unknown option %s\n", a);
            exit(2);
        }
    }
    if (o->keys == 0 || o->threads == 0) exit(2);
}

int main(int argc, char **argv)
{
    struct opts o;
    parse(argc, argv, &o);
    log_set_level(LOG_WARN);
    char tmpl[] = "/tmp/bench-sstable-XXXXXX";
    if (!o.dir && !(o.dir = mkdtemp(tmpl))) return 1;
    chunk_cache_set_capacity(chunk_cache_default(), (uint64_t)o.cache_mb << 20);
    struct key *keys = xmalloc(o.keys * sizeof *keys);
    for (uint64_t i = 0; i < o.keys; i++) make_key(i, &keys[i]);
    qsort(keys, o.keys, sizeof *keys, cmp_key);
    struct table_schema *s = bench_schema(o.compression);
    printf("| phase | ops | ops/s | seconds | notes |\n|---|---:|---:|---:|---|\n");
    struct sstable *t = write_phase(&o, s, keys);
    read_phase(&o, t, keys, "readrandom, cold cache");
    read_phase(&o, t, keys, "readrandom, warm cache");
    sstable_mark_obsolete(t);
    sstable_unref(t);
    table_schema_unref(s);
    free(keys);
    return 0;
}

/*
 * bench_storage: the store under RocksDB db_bench's workloads, so tests/bench/storage_vs_rocksdb.sh
 * can print both side by side. Same shapes as db_bench: 16-byte keys (an 8-byte big-endian
 * integer padded with '0', db_bench's GenerateKeyFromInt), 100-byte values about 50%
 * compressible (db_bench's default compression_ratio 0.5), one thread, the commit log on in
 * periodic mode (no fsync per write, like db_bench --sync=0 with its WAL), and the workloads:
 *   fillseq     fresh store, keys 0..num-1 in order
 *   fillrandom  fresh store, num writes of uniformly random keys in [0, num)
 *   overwrite   num random writes into the existing store
 *   readrandom  num point reads of random keys (found = keys that exist)
 *   readseq     one scan of every partition in ring order (ops = partitions read)
 *   seekrandom  num range reads starting at a random key's token, stopping after the first
 *               partition (db_bench: Seek, then read the entry; found = landed on the key)
 * Each prints: BENCH <name> <ops> <seconds> <found>. The table CREATE TABLE b.kv (k blob PRIMARY
 * KEY, v blob); the memtable limit matches db_bench's 64 MiB write buffer.
 *
 * Usage: bench_storage [--benchmarks a,b,...] [--num N] [--dir DIR] [--chunk_kb K] [--memtable_mib M]
 */
#include <errno.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "node/base/be.h"
#include "node/base/clock.h"
#include "node/base/log.h"
#include "node/base/murmur3.h"
#include "storage/chunk_cache.h"
#include "storage/store.h"

#define KEY_BYTES 16
#define VALUE_BYTES 100

struct bench {
    struct store *st;
    struct table_schema *s;
    char dir[400];
    uint64_t num;
    uint64_t rng;
    uint16_t vcol;
    int64_t ts_us;
    uint32_t chunk_kb;     /* the table's chunk_length_in_kb (db_bench: --block_size) */
    uint32_t memtable_mib; /* memtable space (db_bench: --write_buffer_size) */
};

static uint64_t rng_next(struct bench *b)
{
    uint64_t x = b->rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    b->rng = x;
    return x * 0x2545F4914F6CDD1DULL;
}

static void make_key(uint64_t i, uint8_t key[KEY_BYTES])
{
    be64_store(key, i);
    memset(key + 8, '0', KEY_BYTES - 8);
}

/* Half random printable bytes, half a repeat of them: lz4 halves it, as db_bench's values. */
static void make_value(struct bench *b, uint8_t v[VALUE_BYTES])
{
    for (int i = 0; i < VALUE_BYTES / 2; i++) v[i] = (uint8_t)(' ' + rng_next(b) % 95);
    memcpy(v + VALUE_BYTES / 2, v, VALUE_BYTES / 2);
}

static struct table_schema *bench_schema(uint32_t chunk_kb)
{
    struct uuid id;
    memset(&id, 0x42, sizeof id);
    struct table_schema *s = table_schema_new("b", "kv", &id);
    struct errmsg em;
    char compression[128];
    snprintf(compression, sizeof compression,
             "{'class': 'LZ4Compressor', 'chunk_length_in_kb': %u}", chunk_kb);
    if (table_schema_add_column(s, "k", COLUMN_PARTITION_KEY, 0, false,
                                cql_type_native(CQL_BLOB), &em) ||
        table_schema_add_column(s, "v", COLUMN_REGULAR, -1, false, cql_type_native(CQL_BLOB),
                                &em) ||
        table_schema_set_option(s, "compression", compression, &em) ||
        table_schema_finish(s, &em)) {
        fprintf(stderr, "schema: %s\n", em.text);
        exit(1);
    }
    return s;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

static void close_store(struct bench *b)
{
    if (!b->st) return;
    store_close(b->st);
    b->st = NULL;
}

static void open_fresh(struct bench *b)
{
    close_store(b);
    nftw(b->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    char data_dir[512], log_dir[512];
    snprintf(data_dir, sizeof data_dir, "%s/data", b->dir);
    snprintf(log_dir, sizeof log_dir, "%s/commitlog", b->dir);
    struct store_config cfg;
    store_config_defaults(&cfg);
    cfg.data_dir = data_dir;
    cfg.commitlog_dir = log_dir;
    cfg.memtable_space_bytes = (uint64_t)b->memtable_mib << 20;
    cfg.compaction_bytes_per_s = 0; /* db_bench has no rate limiter by default */
    cfg.skip_flush_at_close = true; /* db_bench's close leaves the memtable in the WAL */
    struct errmsg em;
    if (store_open(&cfg, &b->st, &em) || store_add_table(b->st, b->s, &em) ||
        store_replay(b->st, &em)) {
        fprintf(stderr, "open: %s\n", em.text);
        exit(1);
    }
}

static void write_phase(struct bench *b, bool seq)
{
    uint8_t key[KEY_BYTES], value[VALUE_BYTES];
    struct cell c = {.col = b->vcol, .ldt_s = LDT_NONE, .value = value, .value_len = VALUE_BYTES};
    struct row r = {.liveness = LIVENESS_EMPTY, .deletion = DELETION_LIVE, .ncells = 1, .cells = &c};
    struct partition_update u = {.table_id = b->s->id, .key = key, .key_len = KEY_BYTES,
                                 .partition_deletion = DELETION_LIVE, .nrows = 1, .rows = &r};
    struct errmsg em;
    for (uint64_t i = 0; i < b->num; i++) {
        make_key(seq ? i : rng_next(b) % b->num, key);
        make_value(b, value);
        u.token = murmur3_token(key, KEY_BYTES);
        c.ts_us = r.liveness.ts_us = ++b->ts_us;
        store_pos pos;
        int rc;
        /* Memtables full and the flush behind (RocksDB stalls writes likewise): back off as a
           client would, and retry. */
        while ((rc = store_apply(b->st, &u, &pos, &em)) == ERR_OVERLOADED) {
            struct timespec pause = {0, 100000};
            nanosleep(&pause, NULL);
        }
        if (rc) {
            fprintf(stderr, "apply: %s\n", em.text);
            exit(1);
        }
    }
}

struct visit {
    const uint8_t *want; /* seekrandom: the key sought */
    uint64_t rows;
    uint64_t found;
    bool stop_after_one;
};

static int on_start(void *arg, const struct pkey *k, const struct row *st)
{
    struct visit *v = arg;
    (void)st;
    if (v->want && k->len == KEY_BYTES && memcmp(k->key, v->want, KEY_BYTES) == 0) v->found++;
    return READ_CONTINUE;
}

static int on_row(void *arg, const struct row *r)
{
    struct visit *v = arg;
    if (r->ncells == 1 && r->cells[0].value_len == VALUE_BYTES) v->rows++;
    return v->stop_after_one ? READ_STOP : READ_CONTINUE;
}

static int on_end(void *arg)
{
    (void)arg;
    return READ_CONTINUE;
}

static void read_or_die(struct bench *b, const struct read_cmd *cmd, struct visit *vis)
{
    struct read_visitor v = {on_start, on_row, on_end, vis};
    struct errmsg em;
    if (store_read(b->st, cmd, &v, &em)) {
        fprintf(stderr, "read: %s\n", em.text);
        exit(1);
    }
}

static uint64_t readrandom(struct bench *b, uint64_t *found)
{
    uint8_t key[KEY_BYTES];
    struct read_cmd cmd = {.table_id = b->s->id, .single = true, .now_s = clock_real_s()};
    struct visit vis = {0};
    for (uint64_t i = 0; i < b->num; i++) {
        make_key(rng_next(b) % b->num, key);
        cmd.key = (struct pkey){murmur3_token(key, KEY_BYTES), key, KEY_BYTES};
        read_or_die(b, &cmd, &vis);
    }
    *found = vis.rows;
    return b->num;
}

static uint64_t readseq(struct bench *b, uint64_t *found)
{
    struct read_cmd cmd = {.table_id = b->s->id, .range = token_range_all(),
                           .now_s = clock_real_s()};
    struct visit vis = {0};
    read_or_die(b, &cmd, &vis);
    *found = vis.rows;
    return vis.rows;
}

static uint64_t seekrandom(struct bench *b, uint64_t *found)
{
    uint8_t key[KEY_BYTES];
    struct read_cmd cmd = {.table_id = b->s->id, .now_s = clock_real_s()};
    struct visit vis = {.want = key, .stop_after_one = true};
    for (uint64_t i = 0; i < b->num; i++) {
        make_key(rng_next(b) % b->num, key);
        cmd.range = (struct token_range){murmur3_token(key, KEY_BYTES), INT64_MAX, true, true};
        read_or_die(b, &cmd, &vis);
    }
    *found = vis.found;
    return b->num;
}

/* CPU time of the calling thread: what the workload costs on the caller, without the
   background threads and without other jobs on the machine. */
static int64_t thread_cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* One line of the table's state after a workload (the script ignores it). */
static void print_stats(struct bench *b, const char *name)
{
    struct table_stats ts;
    if (store_table_stats(b->st, &b->s->id, &ts)) return;
    printf("STATS %s sstables=%llu sstable_mib=%.1f memtable_mib=%.1f flushes=%llu "
           "compactions=%llu flushed_mib=%.1f compacted_written_mib=%.1f bloom_checks=%llu "
           "bloom_negatives=%llu\n",
           name, (unsigned long long)ts.live_sstables, ts.sstable_bytes / 1048576.0,
           ts.memtable_bytes / 1048576.0, (unsigned long long)ts.flushes,
           (unsigned long long)ts.compactions, ts.bytes_flushed / 1048576.0,
           ts.bytes_compacted_written / 1048576.0, (unsigned long long)ts.bloom_checks,
           (unsigned long long)ts.bloom_negatives);
    struct chunk_cache_stats cs;
    chunk_cache_get_stats(chunk_cache_default(), &cs);
    printf("CACHE %s hits=%llu misses=%llu evictions=%llu used_mib=%.1f entries=%llu\n", name,
           (unsigned long long)cs.hits, (unsigned long long)cs.misses,
           (unsigned long long)cs.evictions, cs.used_bytes / 1048576.0,
           (unsigned long long)cs.entries);
}

static void run_one(struct bench *b, const char *name)
{
    uint64_t ops = b->num, found = 0;
    int64_t t0 = clock_mono_ns(), cpu0 = thread_cpu_ns();
    if (strcmp(name, "fillseq") == 0 || strcmp(name, "fillrandom") == 0) {
        open_fresh(b);
        t0 = clock_mono_ns();
        cpu0 = thread_cpu_ns();
        write_phase(b, name[4] == 's');
    } else if (strcmp(name, "overwrite") == 0) {
        write_phase(b, false);
    } else if (strcmp(name, "waitforcompaction") == 0) { /* as db_bench's: not timed work */
        store_wait_idle(b->st);
        ops = 0;
    } else if (strcmp(name, "readrandom") == 0) {
        ops = readrandom(b, &found);
    } else if (strcmp(name, "readseq") == 0) {
        ops = readseq(b, &found);
    } else if (strcmp(name, "seekrandom") == 0) {
        ops = seekrandom(b, &found);
    } else {
        fprintf(stderr, "unknown benchmark %s\n", name);
        exit(2);
    }
    double secs = (double)(clock_mono_ns() - t0) / 1e9;
    double cpu_us = (double)(thread_cpu_ns() - cpu0) / 1e3;
    printf("BENCH %s %llu %.3f %llu\n", name, (unsigned long long)ops, secs,
           (unsigned long long)found);
    printf("CPU %s %.3f us/op (caller thread) mono_ns=%lld..%lld\n", name,
           ops ? cpu_us / (double)ops : 0.0, (long long)t0, (long long)clock_mono_ns());
    print_stats(b, name);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    struct bench b = {.num = 1000000, .rng = 0x853c49e6748fea9bULL, .chunk_kb = 16,
                     .memtable_mib = 64};
    const char *list = "fillseq,fillrandom,overwrite,readrandom,readseq,seekrandom";
    const char *dir = NULL;
    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "--benchmarks=", 13) == 0) list = argv[i] + 13;
        else if (strcmp(argv[i], "--num") == 0 && i + 1 < argc) b.num = strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc) dir = argv[++i];
        else if (strcmp(argv[i], "--chunk_kb") == 0 && i + 1 < argc)
            b.chunk_kb = (uint32_t)strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--memtable_mib") == 0 && i + 1 < argc)
            b.memtable_mib = (uint32_t)strtoul(argv[++i], NULL, 10);
        else {
            fprintf(stderr, "usage: %s [--benchmarks=a,b] [--num N] [--dir DIR] [--chunk_kb K] "
                            "[--memtable_mib M]\n", argv[0]);
            return 2;
        }
    }
    char tmpl[] = "/tmp/bench_storage-XXXXXX";
    if (!dir && !(dir = mkdtemp(tmpl))) return 1;
    snprintf(b.dir, sizeof b.dir, "%s", dir);
    log_set_level(LOG_WARN);
    b.s = bench_schema(b.chunk_kb);
    b.vcol = table_schema_column(b.s, "v")->id;
    open_fresh(&b);
    char names[256];
    snprintf(names, sizeof names, "%s", list);
    char *save = NULL;
    for (char *n = strtok_r(names, ",", &save); n; n = strtok_r(NULL, ",", &save)) run_one(&b, n);
    close_store(&b);
    nftw(b.dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    table_schema_unref(b.s);
    return 0;
}

/*
 * crash_store: the store-level process under test of tests/cluster/crash_kill9.py.
 *
 *   crash_store write  <dir> <mode> <threads> [memtable_bytes]
 *       Opens a store in <dir> (commit log mode: batch | group | periodic; a small memtable
 *       limit so flushes, SSTables and commit-log segment deletion happen while it runs), with
 *       the fault layer from RINGDB_FAULTS when set. Finds the highest key written so far, then
 *       <threads> threads write rows with store_apply and wait with store_wait_durable; each
 *       acknowledged number is printed on its own stdout line. A refused write (ENOSPC from an
 *       injected full disk...) is reported on stderr and retried with the next number.
 *   crash_store verify <dir> <acked_file>
 *       Reopens the store without faults, replays the commit log, scans the whole table with
 *       store_read: every row must be intact (its value is derived from its key and carries a
 *       checksum: nothing never-written appears), and every acknowledged number must be
 *       readable with a single-partition store_read. Exit 0, or 1 naming the first problem.
 *
 * Table: kv_table (k blob PRIMARY KEY, v blob); k = be64 number, v = crash_util_payload.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "node/base/be.h"
#include "node/base/clock.h"
#include "node/base/log.h"
#include "storage/store.h"
#include "storage/vfs_fault.h"
#include "tests/support/crash_util.h"
#include "tests/support/kv_table.h"

#define SALT 0x570Eu

static const struct uuid table_id = {
    {0x5C, 0x7A, 0x5E, 0xED, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}};

struct db {
    struct store *st;
    struct table_schema *schema;
    struct vfs_fault *fault;
    char data[512], log[512];
};

static int db_open(struct db *db, const char *dir, enum commitlog_sync mode, uint64_t mem_bytes,
                   bool with_faults)
{
    struct errmsg em = {0};
    int rc = with_faults ? vfs_fault_create_from_env(vfs_default(), &db->fault, &em) : 0;
    if (rc < 0) {
        fprintf(stderr, "crash_store: %s\n", em.text);
        return rc;
    }
    snprintf(db->data, sizeof db->data, "%s/data", dir);
    snprintf(db->log, sizeof db->log, "%s/commitlog", dir);
    struct store_config c;
    store_config_defaults(&c);
    c.data_dir = db->data;
    c.commitlog_dir = db->log;
    c.sync_mode = mode;
    c.sync_period_ms = 10;
    c.sync_group_window_ms = 2;
    c.segment_bytes = 128 << 10;
    c.memtable_space_bytes = mem_bytes;
    c.compaction_bytes_per_s = 0;
    c.vfs = db->fault ? vfs_fault_vfs(db->fault) : NULL;
    db->schema = kv_table_schema("crash", "kv", &table_id);
    rc = store_open(&c, &db->st, &em);
    if (rc == 0) rc = store_add_table(db->st, db->schema, &em);
    if (rc == 0) rc = store_replay(db->st, &em);
    if (rc < 0) fprintf(stderr, "crash_store: open: %s: %s\n", err_name(rc), em.text);
    return rc;
}

/* ---- scanning ---- */

struct scan {
    struct crash_util_nums nums;
    size_t bad;
    uint64_t cur;
};

static int scan_start(void *arg, const struct pkey *k, const struct row *st)
{
    struct scan *s = arg;
    (void)st;
    if (k->len != 8) {
        s->bad++;
        return READ_NEXT_PARTITION;
    }
    s->cur = be64_load(k->key);
    return READ_CONTINUE;
}

static int scan_row(void *arg, const struct row *r)
{
    struct scan *s = arg;
    uint64_t n = 0;
    if (r->ncells != 1 ||
        crash_util_payload_check(r->cells[0].value, r->cells[0].value_len, SALT, &n) < 0 ||
        n != s->cur) {
        if (s->bad++ == 0)
            fprintf(stderr, "crash_store: row %llu has a value never written\n",
                    (unsigned long long)s->cur);
        return READ_CONTINUE;
    }
    crash_util_nums_add(&s->nums, n);
    return READ_CONTINUE;
}

static int scan_end(void *arg)
{
    (void)arg;
    return READ_CONTINUE;
}

static int scan_all(struct db *db, struct scan *s)
{
    struct read_cmd cmd = {.table_id = table_id, .now_s = clock_real_s(), .single = false};
    cmd.range = token_range_all();
    struct read_visitor v = {scan_start, scan_row, scan_end, s};
    struct errmsg em = {0};
    int rc = store_read(db->st, &cmd, &v, &em);
    if (rc < 0) fprintf(stderr, "crash_store: scan: %s: %s\n", err_name(rc), em.text);
    return rc;
}

/* ---- write ---- */

struct writer {
    struct db *db;
    atomic_uint_fast64_t next;
    pthread_mutex_t out_mu;
};

static void *writer_main(void *arg)
{
    struct writer *w = arg;
    uint8_t key[8], value[CRASH_UTIL_PAYLOAD_MAX];
    for (;;) {
        uint64_t n = atomic_fetch_add(&w->next, 1);
        be64_store(key, n);
        size_t vlen = crash_util_payload(n, SALT, value);
        struct kv_table_update k;
        kv_table_update_init(&k, w->db->schema, key, 8, value, (uint32_t)vlen, clock_real_us());
        struct errmsg em = {0};
        int rc = kv_table_put(w->db->st, &k, true, &em);
        if (rc < 0) {
            fprintf(stderr, "crash_store: write %llu refused: %s: %s\n", (unsigned long long)n,
                    err_name(rc), em.text);
            usleep(5000); /* a full disk: keep trying until killed */
            continue;
        }
        crash_util_ack(&w->out_mu, n);
    }
    return NULL;
}

static int cmd_write(int argc, char **argv)
{
    enum commitlog_sync mode;
    uint64_t threads = 0, mem_bytes = 512 << 10;
    if (argc < 5 || crash_util_parse_mode(argv[3], &mode) < 0 ||
        crash_util_parse_u64(argv[4], &threads) < 0 || threads == 0 ||
        threads > CRASH_UTIL_THREADS_MAX ||
        (argc > 5 && crash_util_parse_u64(argv[5], &mem_bytes) < 0)) {
        fprintf(stderr, "usage: crash_store write <dir> batch|group|periodic <threads> "
                        "[memtable_bytes]\n");
        return 2;
    }
    struct writer w = {.out_mu = PTHREAD_MUTEX_INITIALIZER};
    struct db db = {0};
    struct scan s = {0};
    if (db_open(&db, argv[2], mode, mem_bytes, true) < 0 || scan_all(&db, &s) < 0) return 1;
    w.db = &db;
    atomic_store(&w.next, s.nums.has_max ? s.nums.max + 1 : 0);
    crash_util_nums_free(&s.nums);
    crash_util_run_threads(threads, writer_main, &w);
    return 0;
}

/* ---- verify ---- */

static int read_one(void *arg, uint64_t n)
{
    struct db *db = arg;
    uint8_t key[8], value[CRASH_UTIL_PAYLOAD_MAX];
    be64_store(key, n);
    uint32_t vlen = 0;
    bool found = false;
    struct errmsg em = {0};
    uint64_t got = 0;
    int rc = kv_table_get(db->st, &table_id, key, 8, value, sizeof value, &vlen, &found, &em);
    if (rc == 0 && found && vlen <= sizeof value &&
        crash_util_payload_check(value, vlen, SALT, &got) == 0 && got == n)
        return 0;
    return -1;
}

static int cmd_verify(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: crash_store verify <dir> <acked_file>\n");
        return 2;
    }
    struct db db = {0};
    struct scan s = {0};
    if (db_open(&db, argv[2], COMMITLOG_SYNC_BATCH, 512 << 10, false) < 0) return 1;
    int rc = scan_all(&db, &s) < 0 || s.bad ? 1 : 0;
    if (s.bad) fprintf(stderr, "crash_store: %zu bad rows\n", s.bad);
    if (rc == 0 && crash_util_nums_sort_unique(&s.nums, "crash_store") < 0) rc = 1;
    uint64_t acked = 0;
    if (rc == 0 &&
        crash_util_check_acked(&s.nums, argv[3], "crash_store", read_one, &db, &acked) < 0)
        rc = 1;
    struct table_stats ts = {0};
    store_table_stats(db.st, &table_id, &ts);
    if (rc == 0)
        printf("verified rows=%zu acknowledged=%llu sstables=%llu\n", s.nums.len,
               (unsigned long long)acked, (unsigned long long)ts.live_sstables);
    store_close(db.st);
    table_schema_unref(db.schema);
    crash_util_nums_free(&s.nums);
    return rc;
}

int main(int argc, char **argv)
{
    log_set_level(getenv("CRASH_WRITER_DEBUG") ? LOG_DEBUG : LOG_WARN);
    if (argc >= 2 && strcmp(argv[1], "write") == 0) return cmd_write(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "verify") == 0) return cmd_verify(argc, argv);
    fprintf(stderr, "usage: crash_store write|verify ...\n");
    return 2;
}

/* Commit-log replay through the store façade: a crashed child process writes, the test
   replays. Replay ends by flushing what it replayed, so a second crash replays nothing; replay
   flushes under memory pressure and stays within twice memtable_heap_space; the two-thread
   replay keeps log order (the last of many overwrites wins). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rowtest.h"
#include "storage/store.h"

#define ROWS 30000
#define PARTITIONS 300

struct rfx {
    char *dir;
    char data_dir[600], log_dir[600];
    struct store_config cfg;
    struct store *st;
    struct table_schema *s;
    struct rowtest_cols c;
    struct arena a;
};

static void rfx_init(struct rfx *f)
{
    memset(f, 0, sizeof *f);
    f->dir = rowtest_mkdtemp("store_replay");
    snprintf(f->data_dir, sizeof f->data_dir, "%s/data", f->dir);
    snprintf(f->log_dir, sizeof f->log_dir, "%s/commitlog", f->dir);
    store_config_defaults(&f->cfg);
    f->cfg.data_dir = f->data_dir;
    f->cfg.commitlog_dir = f->log_dir;
    f->cfg.segment_bytes = 1u << 20; /* several segments */
    arena_init(&f->a, 0);
    f->s = rowtest_schema(1, NULL, &f->c);
    cr_assert_not_null(f->s);
}

static int rfx_open(struct rfx *f)
{
    struct errmsg em = {0};
    int rc = store_open(&f->cfg, &f->st, &em);
    if (rc == 0) rc = store_add_table(f->st, f->s, &em);
    if (rc == 0) rc = store_replay(f->st, &em);
    if (rc != 0) cr_log_error("open: %s", em.text);
    return rc;
}

static void rfx_fini(struct rfx *f)
{
    store_close(f->st);
    table_schema_unref(f->s);
    arena_deinit(&f->a);
    rowtest_rmtree(f->dir);
}

/* Row i of partition p<i % PARTITIONS>: clustering i, value v at timestamp ts. */
static int put(struct rfx *f, int i, int64_t ts, int32_t v)
{
    char key[16];
    snprintf(key, sizeof key, "p%d", i % PARTITIONS);
    uint32_t len;
    const uint8_t *ck = rowtest_ck(&f->a, &len, 1, i);
    struct cell c = rowtest_cell_int(&f->a, f->c.v, ts, v);
    struct row r = rowtest_row(&f->a, ck, len, (struct liveness){ts, 0, LDT_NONE}, &c, 1);
    struct partition_update u = rowtest_update(&f->a, f->s, key, &r, 1);
    struct errmsg em;
    store_pos pos;
    int rc;
    while ((rc = store_apply(f->st, &u, &pos, &em)) == ERR_OVERLOADED)
        store_wait_idle(f->st);
    arena_reset(&f->a);
    return rc;
}

/* Runs body in a child that opens the store and then dies without closing it (a crash). */
#define IN_CRASHING_CHILD(f, body)                                                             \
    do {                                                                                       \
        pid_t pid_ = fork();                                                                   \
        cr_assert_neq(pid_, -1);                                                               \
        if (pid_ == 0) {                                                                       \
            if (rfx_open(f) != 0) _exit(2);                                                    \
            body;                                                                              \
            _exit(0);                                                                          \
        }                                                                                      \
        int status_;                                                                           \
        cr_assert_eq(waitpid(pid_, &status_, 0), pid_);                                        \
        cr_assert(WIFEXITED(status_) && WEXITSTATUS(status_) == 0, "child status %d", status_); \
    } while (0)

static int write_rows(struct rfx *f, int n, int64_t ts)
{
    for (int i = 0; i < n; i++)
        if (put(f, i, ts, i) != 0) return 3;
    return 0;
}

struct tally {
    uint16_t vcol;
    uint64_t rows;
    uint64_t mismatches; /* rows whose value is not want_value(clustering) */
    int32_t bias;        /* want_value(ck) = ck + bias */
};

static int on_start(void *arg, const struct pkey *key, const struct row *st)
{
    (void)arg, (void)key, (void)st;
    return READ_CONTINUE;
}

static int on_row(void *arg, const struct row *r)
{
    struct tally *t = arg;
    uint32_t pos = 0, len;
    const uint8_t *v;
    int32_t ck = clustering_next(r->ck, r->ck_len, &pos, &v, &len) == 1 ? rowtest_int_value(v) : -1;
    bool ok = r->ncells == 1 && r->cells[0].col == t->vcol &&
              rowtest_int_value(r->cells[0].value) == ck + t->bias;
    t->rows++;
    t->mismatches += !ok;
    return READ_CONTINUE;
}

static int on_end(void *arg)
{
    (void)arg;
    return READ_CONTINUE;
}

static struct tally read_all(struct rfx *f, int32_t bias)
{
    struct tally t = {.vcol = f->c.v, .bias = bias};
    struct read_cmd cmd = {.table_id = f->s->id, .range = token_range_all()};
    struct read_visitor v = {on_start, on_row, on_end, &t};
    struct errmsg em = {0};
    cr_assert_eq(store_read(f->st, &cmd, &v, &em), 0, "%s", em.text);
    return t;
}

static struct store_replay_stats replay_stats(struct rfx *f)
{
    struct store_replay_stats rs;
    store_get_replay_stats(f->st, &rs);
    return rs;
}

Test(store_replay, second_crash_after_replay_replays_nothing)
{
    struct rfx f;
    rfx_init(&f);
    IN_CRASHING_CHILD(&f, if (write_rows(&f, ROWS, 10)) _exit(3));
    /* the first restart replays every row, flushes them, and crashes again without writes */
    IN_CRASHING_CHILD(&f, {
        if (replay_stats(&f).applied != ROWS) _exit(4);
        if (replay_stats(&f).flushing_tables != 1) _exit(5);
        store_wait_idle(f.st); /* the flush that ends replay, then the segments go */
    });
    cr_assert_eq(rfx_open(&f), 0);
    struct store_replay_stats rs = replay_stats(&f);
    cr_expect_eq(rs.applied, 0u, "applied=%llu", (unsigned long long)rs.applied);
    cr_expect_eq(rs.skipped, 0u, "the flushed segments were replayed again: skipped=%llu",
                 (unsigned long long)rs.skipped);
    struct tally t = read_all(&f, 0);
    cr_expect_eq(t.rows, (uint64_t)ROWS);
    cr_expect_eq(t.mismatches, 0u);
    rfx_fini(&f);
}

Test(store_replay, replay_memory_is_bounded_by_flushes)
{
    struct rfx f;
    rfx_init(&f);
    IN_CRASHING_CHILD(&f, if (write_rows(&f, ROWS, 10)) _exit(3));
    f.cfg.memtable_space_bytes = 1u << 20;
    cr_assert_eq(rfx_open(&f), 0);
    struct store_replay_stats rs = replay_stats(&f);
    cr_expect_eq(rs.applied, (uint64_t)ROWS);
    /* twice the limit, plus what one record adds (a new arena block) */
    cr_expect_leq(rs.peak_memtable_bytes, 3u << 20, "peak=%llu",
                  (unsigned long long)rs.peak_memtable_bytes);
    store_wait_idle(f.st);
    struct table_stats ts;
    cr_assert_eq(store_table_stats(f.st, &f.s->id, &ts), 0);
    cr_expect_geq(ts.flushes, 3u, "flushes=%llu", (unsigned long long)ts.flushes);
    struct tally t = read_all(&f, 0);
    cr_expect_eq(t.rows, (uint64_t)ROWS);
    cr_expect_eq(t.mismatches, 0u);
    rfx_fini(&f);
}

Test(store_replay, the_last_overwrite_wins_across_batches)
{
    struct rfx f;
    rfx_init(&f);
    /* every row written 5 times with growing timestamps; the last value is ck + 4000 */
    IN_CRASHING_CHILD(&f, {
        for (int round = 0; round < 5; round++)
            for (int i = 0; i < ROWS / 10; i++)
                if (put(&f, i, 100 + round, i + round * 1000)) _exit(3);
    });
    cr_assert_eq(rfx_open(&f), 0);
    cr_expect_eq(replay_stats(&f).applied, (uint64_t)(ROWS / 10 * 5));
    struct tally t = read_all(&f, 4000);
    cr_expect_eq(t.rows, (uint64_t)(ROWS / 10));
    cr_expect_eq(t.mismatches, 0u);
    rfx_fini(&f);
}

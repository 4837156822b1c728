/* Tests through the store façade: write, flush, read back; merge across the memtable and
   SSTables; paging; truncate; memory pressure; restart with commit-log replay after a crash. */
#include <criterion/criterion.h>
#include <errno.h>
#include <dirent.h>
#include <stdio.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "node/base/clock.h"
#include "node/base/murmur3.h"
#include "rowtest.h"
#include "storage/store.h"

struct sfx {
    char *dir;
    char data_dir[600], log_dir[600];
    struct store_config cfg;
    struct store *st;
    struct table_schema *s;
    struct rowtest_cols c;
    struct arena a;
};

static void sfx_open(struct sfx *f)
{
    struct errmsg em = {0};
    cr_assert_eq(store_open(&f->cfg, &f->st, &em), 0, "%s", em.text);
    cr_assert_eq(store_add_table(f->st, f->s, &em), 0, "%s", em.text);
    cr_assert_eq(store_replay(f->st, &em), 0, "%s", em.text);
}

static void sfx_init(struct sfx *f)
{
    memset(f, 0, sizeof *f);
    f->dir = rowtest_mkdtemp("store");
    snprintf(f->data_dir, sizeof f->data_dir, "%s/data", f->dir);
    snprintf(f->log_dir, sizeof f->log_dir, "%s/commitlog", f->dir);
    store_config_defaults(&f->cfg);
    f->cfg.data_dir = f->data_dir;
    f->cfg.commitlog_dir = f->log_dir;
    f->cfg.segment_bytes = 1u << 20;
    arena_init(&f->a, 0);
    f->s = rowtest_schema(1, NULL, &f->c);
    cr_assert_not_null(f->s);
    sfx_open(f);
}

static void sfx_fini(struct sfx *f)
{
    store_close(f->st);
    table_schema_unref(f->s);
    arena_deinit(&f->a);
    rowtest_rmtree(f->dir);
}

/* Writes one row; ERR_OVERLOADED (flushing behind) is retried after waiting for the flushes,
   up to a bound, as a coordinator would after a back-off. Returns the overload count. */
static int put(struct sfx *f, const char *key, int ck, int64_t ts, int32_t v, bool insert)
{
    uint32_t len;
    const uint8_t *p = rowtest_ck(&f->a, &len, 1, ck);
    struct cell c = rowtest_cell_int(&f->a, f->c.v, ts, v);
    struct liveness l = insert ? (struct liveness){ts, 0, LDT_NONE} : LIVENESS_EMPTY;
    struct row r = rowtest_row(&f->a, p, len, l, &c, 1);
    struct partition_update u = rowtest_update(&f->a, f->s, key, &r, 1);
    struct errmsg em;
    store_pos pos;
    int overloads = 0, rc;
    while ((rc = store_apply(f->st, &u, &pos, &em)) == ERR_OVERLOADED && overloads < 100) {
        overloads++;
        store_wait_idle(f->st);
    }
    cr_assert_eq(rc, 0, "%s", em.text);
    return overloads;
}

static void put_rt(struct sfx *f, const char *key, int from, int to, int64_t ts)
{
    struct partition_update u = rowtest_update(&f->a, f->s, key, NULL, 0);
    struct range_tombstone rt = {{rowtest_bound(&f->a, BOUND_INCL_START, 1, from),
                                  rowtest_bound(&f->a, BOUND_INCL_END, 1, to)},
                                 {ts, 100}};
    u.rts = &rt;
    u.nrts = 1;
    struct errmsg em;
    store_pos pos;
    cr_assert_eq(store_apply(f->st, &u, &pos, &em), 0, "%s", em.text);
}

struct collect {
    struct buf b;
    uint16_t vcol;
    int stop_after; /* rows; 0 = no limit */
    int rows;
    struct arena *a;
    const uint8_t *last_ck;
    uint32_t last_ck_len;
    const char *last_key;
};

static int on_start(void *arg, const struct pkey *key, const struct row *st)
{
    struct collect *c = arg;
    buf_printf(&c->b, "%s%.*s:", c->b.len ? " " : "", (int)key->len, key->key);
    c->last_key = arena_strndup(c->a, (const char *)key->key, key->len);
    if (st) buf_printf(&c->b, "S");
    return READ_CONTINUE;
}

static int on_row(void *arg, const struct row *r)
{
    struct collect *c = arg;
    uint32_t pos = 0, vlen;
    const uint8_t *v;
    if (clustering_next(r->ck, r->ck_len, &pos, &v, &vlen) == 1)
        buf_printf(&c->b, "[%d", rowtest_int_value(v));
    for (uint32_t i = 0; i < r->ncells; i++)
        if (r->cells[i].col == c->vcol) buf_printf(&c->b, "=%d", rowtest_int_value(r->cells[i].value));
    buf_printf(&c->b, "]");
    c->last_ck = arena_dup(c->a, r->ck, r->ck_len);
    c->last_ck_len = r->ck_len;
    c->rows++;
    return c->stop_after && c->rows >= c->stop_after ? READ_STOP : READ_CONTINUE;
}

static int on_end(void *arg)
{
    (void)arg;
    return READ_CONTINUE;
}

/* Runs cmd (table and now filled here) and returns what the visitor saw. */
static char *run_read(struct sfx *f, struct read_cmd *cmd, struct collect *c)
{
    cmd->table_id = f->s->id;
    struct read_visitor v = {on_start, on_row, on_end, c};
    struct errmsg em = {0};
    cr_assert_eq(store_read(f->st, cmd, &v, &em), 0, "%s", em.text);
    buf_put_u8(&c->b, 0);
    char *s = arena_strdup(&f->a, (char *)c->b.data);
    buf_deinit(&c->b);
    return s;
}

static char *read_key(struct sfx *f, const char *key)
{
    struct read_cmd cmd = {.single = true};
    cmd.key.key = (const uint8_t *)key;
    cmd.key.len = (uint32_t)strlen(key);
    cmd.key.token = murmur3_token(key, cmd.key.len);
    struct collect c = {.vcol = f->c.v, .a = &f->a};
    return run_read(f, &cmd, &c);
}

static char *read_all(struct sfx *f)
{
    struct read_cmd cmd = {.single = false, .range = token_range_all()};
    struct collect c = {.vcol = f->c.v, .a = &f->a};
    return run_read(f, &cmd, &c);
}

static struct table_stats stats(struct sfx *f)
{
    struct table_stats ts;
    cr_assert_eq(store_table_stats(f->st, &f->s->id, &ts), 0);
    return ts;
}

static void flush(struct sfx *f)
{
    struct errmsg em = {0};
    cr_assert_eq(store_flush(f->st, &f->s->id, &em), 0, "%s", em.text);
}

Test(store, write_flush_read_back)
{
    struct sfx f;
    sfx_init(&f);
    for (int i = 0; i < 5; i++) put(&f, "a", i, 10, i * 10, true);
    cr_expect_str_eq(read_key(&f, "a"), "a:[0=0][1=10][2=20][3=30][4=40]");
    flush(&f);
    struct table_stats ts = stats(&f);
    cr_expect_eq(ts.live_sstables, 1u);
    cr_expect_eq(ts.flushes, 1u);
    cr_expect_eq(ts.memtable_bytes, 0u);
    cr_expect_str_eq(read_key(&f, "a"), "a:[0=0][1=10][2=20][3=30][4=40]");
    cr_expect_str_eq(read_key(&f, "nothere"), "");
    cr_expect_geq(stats(&f).bloom_checks, 1u);
    flush(&f); /* nothing new: no empty SSTable */
    cr_expect_eq(stats(&f).live_sstables, 1u);
    sfx_fini(&f);
}

Test(store, merge_across_memtable_and_three_sstables)
{
    struct sfx f;
    sfx_init(&f);
    for (int i = 0; i < 6; i++) put(&f, "p", i, 10, i, true);
    put(&f, "q", 1, 10, 100, true);
    flush(&f);
    put(&f, "p", 2, 20, 222, false); /* overwrite */
    put(&f, "p", 3, 5, 333, false);  /* too old: loses */
    flush(&f);
    put_rt(&f, "p", 4, 5, 15); /* deletes rows 4 and 5 */
    flush(&f);
    put(&f, "p", 5, 16, 555, false); /* newer than the tombstone: an UPDATE, no marker */
    put(&f, "q", 2, 30, 200, true);
    cr_expect_eq(stats(&f).live_sstables, 3u);
    const char *want_p = "p:[0=0][1=1][2=222][3=3][5=555]";
    cr_expect_str_eq(read_key(&f, "p"), want_p);
    char want_all[256];
    /* token order decides which of p and q comes first */
    bool p_first = murmur3_token("p", 1) < murmur3_token("q", 1);
    snprintf(want_all, sizeof want_all, "%s %s", p_first ? want_p : "q:[1=100][2=200]",
             p_first ? "q:[1=100][2=200]" : want_p);
    cr_expect_str_eq(read_all(&f), want_all);
    flush(&f);
    cr_expect_str_eq(read_key(&f, "p"), want_p);
    cr_expect_str_eq(read_all(&f), want_all);
    sfx_fini(&f);
}

Test(store, paging_resumes_after_the_last_row)
{
    struct sfx f;
    sfx_init(&f);
    for (int i = 0; i < 10; i++) put(&f, "k", i, 10, i, true);
    flush(&f);
    for (int i = 10; i < 15; i++) put(&f, "k", i, 10, i, true);
    struct read_cmd cmd = {.single = true};
    cmd.key.key = (const uint8_t *)"k";
    cmd.key.len = 1;
    cmd.key.token = murmur3_token("k", 1);
    struct collect c = {.vcol = f.c.v, .a = &f.a, .stop_after = 4};
    cr_expect_str_eq(run_read(&f, &cmd, &c), "k:[0=0][1=1][2=2][3=3]");
    cmd.resume_key = cmd.key;
    cmd.resume_ck = c.last_ck;
    cmd.resume_ck_len = c.last_ck_len;
    struct collect c2 = {.vcol = f.c.v, .a = &f.a, .stop_after = 8};
    cr_expect_str_eq(run_read(&f, &cmd, &c2), "k:[4=4][5=5][6=6][7=7][8=8][9=9][10=10][11=11]");
    cmd.resume_ck = c2.last_ck;
    cmd.rows.reversed = true; /* reversed resume: before ck 11 */
    struct collect c3 = {.vcol = f.c.v, .a = &f.a, .stop_after = 3};
    cr_expect_str_eq(run_read(&f, &cmd, &c3), "k:[10=10][9=9][8=8]");
    sfx_fini(&f);
}

Test(store, truncate_drops_everything_and_stays_dropped)
{
    struct sfx f;
    sfx_init(&f);
    put(&f, "a", 1, 10, 1, true);
    flush(&f);
    put(&f, "a", 2, 10, 2, true);
    struct errmsg em;
    cr_assert_eq(store_truncate(f.st, &f.s->id, &em), 0, "%s", em.text);
    cr_expect_str_eq(read_all(&f), "");
    cr_expect_eq(stats(&f).live_sstables, 0u);
    put(&f, "b", 3, 10, 3, true);
    store_close(f.st);
    sfx_open(&f); /* replay must not bring back what was truncated */
    cr_expect_str_eq(read_all(&f), "b:[3=3]");
    sfx_fini(&f);
}

/* The table's directory: none until the table first writes a file there (start-up opens many
   tables that never do); a flush makes it, and a truncation of a table that never flushed. */
static bool table_dir_exists(struct sfx *f)
{
    char path[700];
    snprintf(path, sizeof path, "%s/%s", f->data_dir, f->s->keyspace);
    DIR *d = opendir(path);
    if (!d) return false;
    bool found = false;
    size_t n = strlen(f->s->name);
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        if (strncmp(e->d_name, f->s->name, n) == 0 && e->d_name[n] == '-') found = true;
    closedir(d);
    return found;
}

Test(store, table_directory_is_made_on_first_file)
{
    struct sfx f;
    sfx_init(&f);
    cr_assert_not(table_dir_exists(&f), "made at open");
    put(&f, "a", 1, 10, 1, true);
    cr_assert_not(table_dir_exists(&f), "made by a write that only reached the memtable");
    flush(&f);
    cr_assert(table_dir_exists(&f));
    store_close(f.st);
    sfx_open(&f);
    cr_expect_str_eq(read_all(&f), "a:[1=1]");
    sfx_fini(&f);

    sfx_init(&f);
    struct errmsg em;
    cr_assert_eq(store_truncate(f.st, &f.s->id, &em), 0, "%s", em.text);
    cr_assert(table_dir_exists(&f), "the truncation record needs the directory");
    put(&f, "b", 1, 10, 1, true);
    store_close(f.st);
    sfx_open(&f);
    cr_expect_str_eq(read_all(&f), "b:[1=1]");
    sfx_fini(&f);
}

/* The child writes and dies without closing the store (no flush at close). */
static void crash_after_writes(struct sfx *f, int nflushed, int nmore)
{
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        struct errmsg em;
        if (store_open(&f->cfg, &f->st, &em) || store_add_table(f->st, f->s, &em) ||
            store_replay(f->st, &em))
            _exit(2);
        for (int i = 0; i < nflushed; i++) put(f, "c", i, 10, i, true);
        if (store_flush(f->st, &f->s->id, &em)) _exit(3);
        for (int i = nflushed; i < nflushed + nmore; i++) put(f, "c", i, 10, i, true);
        put(f, "c", 0, 20, 1000, false); /* an overwrite of flushed data, only in the log */
        _exit(0);
    }
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d", status);
}

Test(store, restart_replays_only_unflushed_records)
{
    struct sfx f;
    sfx_init(&f);
    store_close(f.st);
    crash_after_writes(&f, 3, 2);
    sfx_open(&f);
    cr_expect_str_eq(read_key(&f, "c"), "c:[0=1000][1=1][2=2][3=3][4=4]");
    struct store_replay_stats rs;
    store_get_replay_stats(f.st, &rs);
    cr_expect_eq(rs.applied, 3u, "only the 3 records after the flush were replayed");
    cr_expect_eq(rs.flushing_tables, 1u);
    store_wait_idle(f.st); /* replay ends by flushing what it replayed */
    struct table_stats ts = stats(&f);
    cr_expect_eq(ts.live_sstables, 2u);
    cr_expect_eq(ts.memtable_cells, 0u);
    /* a clean restart flushes at close and replays nothing */
    store_close(f.st);
    sfx_open(&f);
    store_get_replay_stats(f.st, &rs);
    cr_expect_eq(rs.applied, 0u);
    cr_expect_eq(stats(&f).memtable_cells, 0u);
    cr_expect_str_eq(read_key(&f, "c"), "c:[0=1000][1=1][2=2][3=3][4=4]");
    sfx_fini(&f);
}

Test(store, memory_limit_triggers_background_flushes)
{
    struct sfx f;
    sfx_init(&f);
    store_close(f.st);
    f.cfg.memtable_space_bytes = 512u << 10;
    sfx_open(&f);
    char key[16];
    int overloads = 0;
    for (int i = 0; i < 20000; i++) {
        snprintf(key, sizeof key, "k%d", i % 500);
        overloads += put(&f, key, i, 10 + i, i, true);
    }
    cr_log_info("overloaded writes retried: %d", overloads);
    store_wait_idle(f.st);
    struct table_stats ts = stats(&f);
    cr_expect_geq(ts.flushes, 2u, "flushes=%llu", (unsigned long long)ts.flushes);
    cr_expect_leq(ts.memtable_bytes, 2u * (512u << 10));
    snprintf(key, sizeof key, "k%d", 7);
    char *got = read_key(&f, key);
    cr_expect_eq(strncmp(got, "k7:[7=7][507=507]", 17), 0, "%s", got);
    sfx_fini(&f);
}

Test(store, drop_table_forgets_it)
{
    struct sfx f;
    sfx_init(&f);
    put(&f, "a", 1, 10, 1, true);
    flush(&f);
    struct errmsg em;
    cr_assert_eq(store_drop_table(f.st, &f.s->id, &em), 0, "%s", em.text);
    struct read_cmd cmd = {.single = false, .range = token_range_all(), .table_id = f.s->id};
    struct read_visitor v = {on_start, on_row, on_end, NULL};
    cr_expect_eq(store_read(f.st, &cmd, &v, &em), ERR_NOT_FOUND);
    struct table_stats ts;
    cr_expect_eq(store_table_stats(f.st, &f.s->id, &ts), ERR_NOT_FOUND);
    cr_assert_eq(store_add_table(f.st, f.s, &em), 0, "%s", em.text);
    cr_expect_str_eq(read_all(&f), "", "the dropped data does not come back");
    sfx_fini(&f);
}

Test(store, background_and_major_compaction)
{
    struct sfx f;
    sfx_init(&f);
    store_close(f.st);
    f.cfg.concurrent_compactors = 1;
    sfx_open(&f);
    for (int round = 0; round < 4; round++) { /* 4 similar SSTables: one STCS bucket */
        for (int i = 0; i < 20; i++) put(&f, "k", i, 10 + round, round * 100 + i, true);
        flush(&f);
    }
    store_wait_idle(f.st);
    struct table_stats ts = stats(&f);
    cr_expect_eq(ts.live_sstables, 1u, "live=%llu", (unsigned long long)ts.live_sstables);
    cr_expect_geq(ts.compactions, 1u);
    cr_expect_gt(ts.bytes_compacted_read, ts.bytes_compacted_written);
    char *got = read_key(&f, "k");
    cr_expect_eq(strncmp(got, "k:[0=300][1=301]", 16), 0, "%s", got);
    /* a row deletion past gc_grace (0 here) is purged by a major compaction with its data */
    ((struct table_schema *)f.s)->opts.gc_grace_seconds = 0;
    struct partition_update u = rowtest_update(&f.a, f.s, "k", NULL, 0);
    u.partition_deletion = (struct deletion){1000, 1};
    struct errmsg em;
    store_pos pos;
    cr_assert_eq(store_apply(f.st, &u, &pos, &em), 0, "%s", em.text);
    put(&f, "other", 1, 10, 1, true);
    cr_assert_eq(store_compact(f.st, &f.s->id, &em), 0, "%s", em.text);
    cr_expect_str_eq(read_key(&f, "k"), "");
    cr_expect_str_eq(read_all(&f), "other:[1=1]");
    ts = stats(&f);
    cr_expect_eq(ts.live_sstables, 1u);
    cr_expect_eq(ts.partitions_estimate, 1u, "the deleted partition was purged entirely");
    sfx_fini(&f);
}

Test(store, snapshot_links_sstables)
{
    struct sfx f;
    sfx_init(&f);
    put(&f, "a", 1, 10, 1, true);
    struct errmsg em;
    cr_assert_eq(store_snapshot(f.st, "snap1", NULL, &em), 0, "%s", em.text);
    char path[1200];
    snprintf(path, sizeof path, "%s/ks/t-11111111111111111111111111111111/snapshots/snap1/manifest.json",
             f.data_dir);
    cr_expect_eq(access(path, R_OK), 0, "%s", path);
    cr_expect_eq(store_snapshot(f.st, "snap1", NULL, &em), ERR_ALREADY_EXISTS);
    cr_expect_eq(store_snapshot(f.st, "../x", NULL, &em), ERR_INVALID);
    cr_assert_eq(store_clear_snapshot(f.st, "snap1", &em), 0, "%s", em.text);
    cr_expect_neq(access(path, R_OK), 0);
    sfx_fini(&f);
}

/* Pages through cmd with page_rows rows per page, resuming as a coordinator does. */
static char *read_paged(struct sfx *f, struct read_cmd *cmd, int page_rows, int *pages)
{
    struct buf all;
    buf_init(&all);
    *pages = 0;
    for (;;) {
        struct collect c = {.vcol = f->c.v, .a = &f->a, .stop_after = page_rows};
        char *page = run_read(f, cmd, &c);
        (*pages)++;
        if (*page) buf_printf(&all, "%s%s", all.len ? " " : "", page);
        if (c.rows < page_rows || *pages > 100) break;
        cmd->resume_key.key = (const uint8_t *)c.last_key;
        cmd->resume_key.len = (uint32_t)strlen(c.last_key);
        cmd->resume_key.token = murmur3_token(c.last_key, cmd->resume_key.len);
        cmd->resume_ck = c.last_ck;
        cmd->resume_ck_len = c.last_ck_len;
        cmd->resume_static_done = true;
    }
    buf_put_u8(&all, 0);
    char *s = arena_strdup(&f->a, (char *)all.data);
    buf_deinit(&all);
    return s;
}

/* "k:[1=..] k:[2=..]" (one partition header per page) -> "k:[1=..][2=..]" */
static char *join_pages(struct arena *a, const char *s)
{
    struct buf b;
    buf_init(&b);
    const char *p = s;
    char last[64] = "";
    while (*p) {
        const char *colon = strchr(p, ':');
        const char *sp = strchr(p, ' ');
        size_t klen = (size_t)(colon - p);
        char key[64];
        snprintf(key, sizeof key, "%.*s", (int)klen, p);
        const char *rows = colon + 1;
        size_t rlen = sp ? (size_t)(sp - rows) : strlen(rows);
        if (strcmp(key, last) != 0) buf_printf(&b, "%s%s:", b.len ? " " : "", key);
        buf_append(&b, rows, rlen);
        snprintf(last, sizeof last, "%s", key);
        p = sp ? sp + 1 : rows + rlen;
    }
    buf_put_u8(&b, 0);
    char *out = arena_strdup(a, (char *)b.data);
    buf_deinit(&b);
    return out;
}

Test(store, range_paging_across_partitions)
{
    struct sfx f;
    sfx_init(&f);
    const char *keys[] = {"a", "b", "c", "d", "e"};
    for (int k = 0; k < 5; k++)
        for (int i = 0; i < 3; i++) put(&f, keys[k], i, 10, k * 10 + i, true);
    flush(&f);
    put(&f, "c", 3, 10, 23, true);
    char *want = read_all(&f);
    for (int page = 1; page <= 5; page++) {
        struct read_cmd cmd = {.single = false, .range = token_range_all()};
        int pages;
        char *got = join_pages(&f.a, read_paged(&f, &cmd, page, &pages));
        cr_expect_str_eq(got, want, "page size %d", page);
        cr_expect_geq(pages, 16 / page, "page size %d", page);
    }
    sfx_fini(&f);
}

Test(store, distinct_reports_partitions_with_live_data)
{
    struct sfx f;
    sfx_init(&f);
    put(&f, "rows", 1, 10, 1, true);
    put(&f, "gone", 1, 10, 1, false);
    struct partition_update u = rowtest_update(&f.a, f.s, "gone", NULL, 0);
    u.partition_deletion = (struct deletion){11, 1};
    struct errmsg em;
    store_pos pos;
    cr_assert_eq(store_apply(f.st, &u, &pos, &em), 0, "%s", em.text);
    u = rowtest_update(&f.a, f.s, "static", NULL, 0);
    struct cell sc = rowtest_cell_int(&f.a, f.c.s, 10, 5);
    struct row sr = rowtest_row(&f.a, NULL, 0, LIVENESS_EMPTY, &sc, 1);
    sr.flags = ROW_STATIC;
    u.static_row = &sr;
    cr_assert_eq(store_apply(f.st, &u, &pos, &em), 0, "%s", em.text);
    struct read_cmd cmd = {.single = false, .range = token_range_all()};
    cmd.rows.static_only = true;
    struct collect c = {.vcol = f.c.v, .a = &f.a};
    char *got = run_read(&f, &cmd, &c);
    cr_expect_eq(c.rows, 0, "no rows for a static-only read");
    cr_expect(strstr(got, "rows:") != NULL, "%s", got);
    cr_expect(strstr(got, "static:S") != NULL, "%s", got);
    cr_expect(strstr(got, "gone") == NULL, "%s", got);
    sfx_fini(&f);
}

static int count_w(void *arg, const struct row *r)
{
    struct collect *c = arg;
    for (uint32_t i = 0; i < r->ncells; i++)
        if (r->cells[i].col == c->vcol) c->rows++;
    return READ_CONTINUE;
}

Test(store, alter_drop_column_hides_its_cells)
{
    struct sfx f;
    sfx_init(&f);
    uint32_t len;
    const uint8_t *ck = rowtest_ck(&f.a, &len, 1, 1);
    struct cell cells[2] = {rowtest_cell_int(&f.a, f.c.v, 10, 1),
                            rowtest_cell(f.c.w, 10, (const uint8_t *)"x", 1)};
    if (f.c.w < f.c.v) {
        struct cell t = cells[0];
        cells[0] = cells[1];
        cells[1] = t;
    }
    struct row r = rowtest_row(&f.a, ck, len, (struct liveness){10, 0, LDT_NONE}, cells, 2);
    struct partition_update u = rowtest_update(&f.a, f.s, "k", &r, 1);
    struct errmsg em;
    store_pos pos;
    cr_assert_eq(store_apply(f.st, &u, &pos, &em), 0, "%s", em.text);
    struct read_cmd cmd = {.single = false, .range = token_range_all(), .table_id = f.s->id};
    struct collect c = {.vcol = f.c.w};
    struct read_visitor v = {on_start, count_w, on_end, &c};
    c.a = &f.a;
    cr_assert_eq(store_read(f.st, &cmd, &v, &em), 0);
    cr_expect_eq(c.rows, 1);
    struct table_schema *s2 = table_schema_copy(f.s);
    cr_assert_eq(table_schema_drop_column(s2, "w", 20, &em), 0, "%s", em.text);
    cr_assert_eq(table_schema_finish(s2, &em), 0, "%s", em.text);
    cr_assert_eq(store_alter_table(f.st, s2, &em), 0, "%s", em.text);
    c.rows = 0;
    cr_assert_eq(store_read(f.st, &cmd, &v, &em), 0);
    cr_expect_eq(c.rows, 0, "the dropped column's cells are gone");
    buf_deinit(&c.b);
    cr_expect_str_eq(read_key(&f, "k"), "k:[1=1]");
    table_schema_unref(s2);
    sfx_fini(&f);
}

struct stress {
    struct sfx *f;
    atomic_int id;
    atomic_int writers_left;
    atomic_int bad;
};

static void *stress_writer(void *arg)
{
    struct stress *s = arg;
    struct sfx *f = s->f;
    struct arena a;
    arena_init(&a, 0);
    char key[16];
    int id = atomic_fetch_add(&s->id, 1);
    for (int i = 0; i < 20000; i++) {
        snprintf(key, sizeof key, "w%d-%d", id, i % 20);
        uint32_t len;
        const uint8_t *ck = rowtest_ck(&a, &len, 1, i);
        struct cell c = rowtest_cell_int(&a, f->c.v, 10, i);
        struct row r = rowtest_row(&a, ck, len, (struct liveness){10, 0, LDT_NONE}, &c, 1);
        struct partition_update u = rowtest_update(&a, f->s, key, &r, 1);
        struct errmsg em;
        store_pos pos;
        int rc;
        while ((rc = store_apply(f->st, &u, &pos, &em)) == ERR_OVERLOADED) store_wait_idle(f->st);
        if (rc) atomic_fetch_add(&s->bad, 1);
        if (i % 256 == 0) arena_reset(&a);
    }
    arena_deinit(&a);
    atomic_fetch_sub(&s->writers_left, 1);
    return NULL;
}

struct check {
    int prev;
    int bad;
};

static int check_start(void *arg, const struct pkey *k, const struct row *st)
{
    (void)k;
    (void)st;
    ((struct check *)arg)->prev = -1;
    return READ_CONTINUE;
}

static int check_row(void *arg, const struct row *r)
{
    struct check *c = arg;
    uint32_t pos = 0, vlen;
    const uint8_t *v;
    if (clustering_next(r->ck, r->ck_len, &pos, &v, &vlen) != 1 || vlen != 4) {
        c->bad++;
        return READ_STOP;
    }
    int ck = rowtest_int_value(v);
    if (ck <= c->prev || r->ncells != 1 || r->cells[0].value_len != 4 ||
        rowtest_int_value(r->cells[0].value) != ck)
        c->bad++;
    c->prev = ck;
    return READ_CONTINUE;
}

static void *stress_reader(void *arg)
{
    struct stress *s = arg;
    struct read_visitor v = {check_start, check_row, on_end, NULL};
    while (atomic_load(&s->writers_left) > 0) {
        struct check c = {0};
        v.arg = &c;
        struct read_cmd cmd = {.single = false, .range = token_range_all(), .table_id = s->f->s->id};
        struct errmsg em;
        if (store_read(s->f->st, &cmd, &v, &em) != 0 || c.bad) atomic_fetch_add(&s->bad, 1);
    }
    return NULL;
}

Test(store, concurrent_writers_readers_flushes_and_compactions)
{
    struct sfx f;
    sfx_init(&f);
    store_close(f.st);
    f.cfg.concurrent_compactors = 1;
    f.cfg.memtable_space_bytes = 1u << 20;
    sfx_open(&f);
    struct stress s = {.f = &f};
    atomic_init(&s.id, 0);
    atomic_init(&s.writers_left, 2);
    atomic_init(&s.bad, 0);
    pthread_t w[2], r;
    for (int i = 0; i < 2; i++) cr_assert_eq(pthread_create(&w[i], NULL, stress_writer, &s), 0);
    cr_assert_eq(pthread_create(&r, NULL, stress_reader, &s), 0);
    struct errmsg em;
    for (int i = 0; i < 12 || atomic_load(&s.writers_left) > 0; i++) {
        if (i % 4 == 3) cr_expect_eq(store_compact(f.st, &f.s->id, &em), 0, "%s", em.text);
        else cr_expect_eq(store_flush(f.st, &f.s->id, &em), 0, "%s", em.text);
    }
    for (int i = 0; i < 2; i++) pthread_join(w[i], NULL);
    pthread_join(r, NULL);
    cr_expect_eq(atomic_load(&s.bad), 0);
    store_wait_idle(f.st);
    struct check c = {0};
    struct read_visitor v = {check_start, check_row, on_end, &c};
    struct read_cmd cmd = {.single = false, .range = token_range_all(), .table_id = f.s->id};
    cr_assert_eq(store_read(f.st, &cmd, &v, &em), 0);
    cr_expect_eq(c.bad, 0);
    struct table_stats ts = stats(&f);
    cr_expect_geq(ts.flushes, 2u);
    cr_expect_geq(ts.compactions, 1u);
    char *got = read_key(&f, "w0-7");
    cr_expect_eq(strncmp(got, "w0-7:[7=7][27=27][47=47]", 24), 0, "%s", got);
    sfx_fini(&f);
}

static int count_files(const char *dir)
{
    char cmd[700];
    snprintf(cmd, sizeof cmd, "ls %s | grep -c '\\.log$'", dir);
    FILE *p = popen(cmd, "r");
    int n = -1;
    if (p && fscanf(p, "%d", &n) != 1) n = -1;
    if (p) pclose(p);
    return n;
}

Test(store, commitlog_space_limit_flushes_tables)
{
    struct sfx f;
    sfx_init(&f);
    store_close(f.st);
    f.cfg.segment_bytes = 64u << 10;
    f.cfg.commitlog_total_space_bytes = 256u << 10;
    f.cfg.sync_period_ms = 20; /* the log deletes a flushed segment once it is synced */
    sfx_open(&f);
    /* Write in rounds; each round's writes pass a size check (every 1024 writes) that flushes
       everything once the log is over its space, so after a round and its flush only the tail
       written since stays unflushed: the log must shrink back to a few segments. Without the
       policy it only grows (about 20 segments of 64 KiB after 12 rounds). */
    int segs = -1, rounds = 0, i = 0;
    for (int64_t deadline = clock_mono_ms() + 20000; clock_mono_ms() < deadline; rounds++) {
        for (int end = i + 1100; i < end; i++) put(&f, "k", i % 1000, 10 + i, i, true);
        store_wait_idle(f.st);
        for (int64_t until = clock_mono_ms() + 200; clock_mono_ms() < until;) {
            segs = count_files(f.log_dir); /* flushed segments go at the next sync (20 ms) */
            if (segs <= 12) break;
            usleep(10000);
        }
        if (rounds >= 12 && segs <= 12) break;
    }
    struct table_stats ts = stats(&f);
    cr_expect_geq(ts.flushes, 2u, "the log's size forced flushes");
    cr_expect_leq(segs, 12, "segments=%d after %d rounds: flushed ones were deleted", segs,
                  rounds);
    sfx_fini(&f);
}

Test(store, memtable_flush_period_flushes_idle_memtables)
{
    struct sfx f;
    sfx_init(&f);
    ((struct table_schema *)f.s)->opts.memtable_flush_period_in_ms = 300;
    put(&f, "a", 1, 10, 1, true);
    struct table_stats ts = stats(&f);
    for (int64_t deadline = clock_mono_ms() + 5000; ts.flushes == 0 && clock_mono_ms() < deadline;) {
        usleep(20000); /* polling the stats, bounded by the deadline */
        ts = stats(&f);
    }
    cr_expect_eq(ts.flushes, 1u, "the memtable was flushed by its period alone");
    cr_expect_eq(ts.live_sstables, 1u);
    cr_expect_str_eq(read_key(&f, "a"), "a:[1=1]");
    sfx_fini(&f);
}

/* memory_only: an event loop may read a partition no SSTable can hold without waiting for the
   disk; a key an SSTable may hold is refused with -EWOULDBLOCK before the visitor hears of it. */
static int memory_only_read(struct sfx *f, const char *key, struct collect *c)
{
    struct read_cmd cmd = {.single = true, .memory_only = true, .table_id = f->s->id};
    cmd.key.key = (const uint8_t *)key;
    cmd.key.len = (uint32_t)strlen(key);
    cmd.key.token = murmur3_token(key, cmd.key.len);
    struct read_visitor v = {on_start, on_row, on_end, c};
    struct errmsg em = {0};
    return store_read(f->st, &cmd, &v, &em);
}

Test(store, memory_only_reads_refuse_keys_an_sstable_may_hold)
{
    struct sfx f;
    sfx_init(&f);
    put(&f, "flushed", 1, 10, 1, true);
    flush(&f);
    put(&f, "fresh", 1, 10, 2, true);
    struct collect c = {.vcol = f.c.v, .a = &f.a};
    cr_assert_eq(memory_only_read(&f, "flushed", &c), -EWOULDBLOCK);
    cr_assert_eq(c.b.len, 0, "the visitor was called before the refusal");
    cr_assert_eq(memory_only_read(&f, "fresh", &c), 0);
    buf_put_u8(&c.b, 0);
    cr_expect_str_eq((char *)c.b.data, "fresh:[1=2]");
    buf_deinit(&c.b);
    struct collect none = {.vcol = f.c.v, .a = &f.a};
    cr_assert_eq(memory_only_read(&f, "absent", &none), 0, "a key in no SSTable is answered");
    cr_assert_eq(none.b.len, 0);
    buf_deinit(&none.b);
    cr_expect_str_eq(read_key(&f, "flushed"), "flushed:[1=1]");
    sfx_fini(&f);
}

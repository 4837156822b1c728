/*
 * store: the façade of storage/ (see store.h): the table registry, the commit log wiring,
 * memtable memory limits, snapshots, and the entry points of the read path and of the
 * background work (store_bg.h: the flush thread and the compactors). Replay: store_replay.c.
 *
 * Registry: an array of tables under a reader-writer lock; callers take a table reference
 * under the read lock and use the table without it.
 * Memory: mem_total counts every memtable not yet released (active and being flushed),
 * mem_flushing the retired ones. When the active part exceeds memtable_space_bytes the largest
 * active memtable is switched out; when flushing is behind and the total exceeds twice the
 * limit, writes are refused with ERR_OVERLOADED until it catches up.
 * Commit-log space: every STORE_LOG_CHECK_WRITES writes the log's size is checked against
 * commitlog_total_space; past it every table is flushed (once at a time) so the segments
 * holding only flushed records can be deleted (Cassandra flushes the tables dirtying the
 * oldest segment; the log does not tell which they are, so all are flushed).
 * Periodic flushes: once a second the flush thread asks tick_cb to flush the tables whose
 * memtable_flush_period_in_ms has passed since their memtable was made.
 * Snapshots before TRUNCATE and DROP (auto_snapshot) are tagged as Cassandra tags them:
 * "truncated-<ms>-<table>" and "dropped-<ms>-<table>".
 */
#include "storage/store.h"

#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/base/assert.h"
#include "node/base/clock.h"
#include "node/base/log.h"
#include "node/base/mem.h"
#include "storage/commitlog.h"
#include "storage/snapshot.h"
#include "storage/store_bg.h"
#include "storage/store_int.h"
#include "storage/store_read.h"
#include "storage/table.h"

#define STORE_TABLES_MAX 65536
#define STORE_LOG_CHECK_WRITES 1024
#define STORE_LOG_SPACE_DEFAULT (8ull << 30)
#define STORE_TRIM_BYTES (64u << 20)

void store_config_defaults(struct store_config *c)
{
    memset(c, 0, sizeof *c);
    c->data_dir = "data";
    c->commitlog_dir = "commitlog";
    c->sync_mode = COMMITLOG_SYNC_PERIODIC;
    c->sync_period_ms = 10000;
    c->sync_group_window_ms = 15;
    c->segment_bytes = 32u << 20;
    c->memtable_space_bytes = 256u << 20;
    c->commitlog_total_space_bytes = STORE_LOG_SPACE_DEFAULT;
    c->concurrent_compactors = 2;
    c->compaction_bytes_per_s = 64u << 20;
    c->auto_snapshot = true;
}

/* ---- registry ---- */

struct table *store__find_table(struct store *st, const struct uuid *id)
{
    struct table *t = NULL;
    pthread_rwlock_rdlock(&st->tables_mu);
    for (size_t i = 0; i < st->ntables; i++) {
        if (uuid_cmp_bytes(table_id(st->tables[i]), id) == 0) {
            t = table_ref(st->tables[i]);
            break;
        }
    }
    pthread_rwlock_unlock(&st->tables_mu);
    return t;
}

/* References to every table (for flush-all and close); *n set, array malloc'd. */
struct table **store__all_tables(struct store *st, size_t *n)
{
    pthread_rwlock_rdlock(&st->tables_mu);
    struct table **ts = xcalloc(st->ntables ? st->ntables : 1, sizeof *ts);
    for (size_t i = 0; i < st->ntables; i++) ts[i] = table_ref(st->tables[i]);
    *n = st->ntables;
    pthread_rwlock_unlock(&st->tables_mu);
    return ts;
}

void store__unref_all(struct table **ts, size_t n)
{
    for (size_t i = 0; i < n; i++) table_unref(ts[i]);
    free(ts);
}

/* ---- memory ---- */

static void released_cb(void *arg, size_t bytes)
{
    struct store *st = arg;
    atomic_fetch_sub(&st->mem_total, (int64_t)bytes);
    atomic_fetch_sub(&st->mem_flushing, (int64_t)bytes);
    /* A memtable's arena blocks come from malloc's heap, which keeps freed memory: give a large
       one back to the OS (after the flush that ends a replay of 1 GiB of log, VmRSS stayed
       at 1.4 GiB without this). */
    if (bytes >= STORE_TRIM_BYTES) malloc_trim(0);
}

size_t store__flush_table(struct store *st, struct table *t)
{
    size_t bytes = store_bg_flush(st->bg, t);
    atomic_fetch_add(&st->mem_flushing, (int64_t)bytes);
    return bytes;
}

/* memtable_flush_period_in_ms: flushes the tables whose active memtable is older than it. */
static void tick_cb(void *arg)
{
    struct store *st = arg;
    size_t n;
    struct table **ts = store__all_tables(st, &n);
    for (size_t i = 0; i < n; i++) {
        struct table_view *v = table_view_get(ts[i]);
        int32_t period_ms = v->schema->opts.memtable_flush_period_in_ms;
        table_view_unref(v);
        if (period_ms > 0 && table_active_age_ms(ts[i]) >= period_ms)
            store__flush_table(st, ts[i]);
    }
    store__unref_all(ts, n);
}

/* Flushes every table when the commit log outgrows its space (see the file head). */
static void maybe_flush_for_log(struct store *st)
{
    if (atomic_fetch_add_explicit(&st->writes, 1, memory_order_relaxed) % STORE_LOG_CHECK_WRITES)
        return;
    uint64_t limit = st->cfg.commitlog_total_space_bytes ? st->cfg.commitlog_total_space_bytes
                                                         : STORE_LOG_SPACE_DEFAULT;
    struct commitlog_stats cs;
    commitlog_get_stats(st->cl, &cs);
    if ((uint64_t)cs.segments * st->cfg.segment_bytes <= limit) return;
    if (atomic_exchange(&st->log_flushing, true)) return;
    if (store_bg_flushed_seq(st->bg) >= st->log_flush_seq) { /* the previous round is done */
        size_t n;
        struct table **ts = store__all_tables(st, &n);
        for (size_t i = 0; i < n; i++) store__flush_table(st, ts[i]);
        store__unref_all(ts, n);
        st->log_flush_seq = store_bg_flush_seq(st->bg);
        log_info("storage", "commit log over its space: flushing every table segments=%u",
                 cs.segments);
    }
    atomic_store(&st->log_flushing, false);
}

/* Under memory pressure, retires the largest active memtable (one thread at a time). */
static void maybe_flush(struct store *st)
{
    int64_t limit = (int64_t)st->cfg.memtable_space_bytes;
    if (limit <= 0) return;
    int64_t active = atomic_load(&st->mem_total) - atomic_load(&st->mem_flushing);
    if (active <= limit || atomic_exchange(&st->pressure, true)) return;
    struct table *best = NULL;
    size_t best_bytes = 0;
    pthread_rwlock_rdlock(&st->tables_mu);
    for (size_t i = 0; i < st->ntables; i++) {
        size_t b = table_active_bytes(st->tables[i]);
        if (b > best_bytes) {
            best_bytes = b;
            best = st->tables[i];
        }
    }
    if (best) table_ref(best);
    pthread_rwlock_unlock(&st->tables_mu);
    if (best) {
        log_debug("storage", "memtable pressure: flushing dir=%s bytes=%zu", table_dir(best),
                  best_bytes);
        store__flush_table(st, best);
        table_unref(best);
    }
    atomic_store(&st->pressure, false);
}

/* ---- open / close ---- */

int store_open(const struct store_config *c, struct store **out, struct errmsg *em)
{
    struct store *st = xcalloc(1, sizeof *st);
    st->cfg = *c;
    st->data_dir = xstrdup(c->data_dir);
    st->commitlog_dir = xstrdup(c->commitlog_dir);
    st->cfg.data_dir = st->data_dir;
    st->cfg.commitlog_dir = st->commitlog_dir;
    st->vfs = c->vfs ? c->vfs : vfs_default();
    pthread_rwlock_init(&st->tables_mu, NULL);
    int rc = vfs_mkdir_p(st->vfs, st->data_dir);
    if (rc < 0) {
        errmsg_set(em, rc, "cannot create data directory %s", st->data_dir);
        goto fail;
    }
    struct commitlog_config cc = {
        .dir = st->commitlog_dir,
        .sync_mode = c->sync_mode,
        .period_ms = c->sync_period_ms,
        .group_window_ms = c->sync_group_window_ms,
        .segment_bytes = c->segment_bytes,
        /* seconds since the epoch: ids keep growing even if the log directory is wiped, so
           new positions stay above the bounds recorded in existing SSTables */
        .first_id = (uint32_t)clock_real_s(),
        .ignore_errors = c->commit_failure_ignore,
        .vfs = st->vfs,
    };
    if ((rc = commitlog_open(&cc, &st->cl, em)) < 0) goto fail;
    struct store_bg_config bc = {
        .compactors = c->concurrent_compactors,
        .compaction_bytes_per_s = c->compaction_bytes_per_s,
        .incremental_backups = c->incremental_backups,
        .released_cb = released_cb,
        .tick_cb = tick_cb,
        .arg = st,
    };
    if ((rc = store_bg_start(&bc, &st->bg, em)) < 0) goto fail;
    *out = st;
    return 0;
fail:
    store_close(st);
    return rc;
}

void store_close(struct store *st)
{
    if (!st) return;
    if (st->bg && !st->cfg.skip_flush_at_close) {
        struct errmsg em;
        if (store_flush(st, NULL, &em) < 0)
            log_error("storage", "flush at close failed msg=\"%s\"", em.text);
    }
    store_bg_stop(st->bg);
    commitlog_close(st->cl);
    for (size_t i = 0; i < st->ntables; i++) table_unref(st->tables[i]);
    free(st->tables);
    pthread_rwlock_destroy(&st->tables_mu);
    free(st->data_dir);
    free(st->commitlog_dir);
    free(st);
}

/* References to table id's table (or every table when id is NULL), malloc'd; NULL when id is
   unknown. */
static struct table **tables_for(struct store *st, const struct uuid *id, size_t *n)
{
    if (!id) return store__all_tables(st, n);
    struct table *t = store__find_table(st, id);
    if (!t) return NULL;
    *n = 1;
    return xmemdup(&t, sizeof t);
}

/* Flushes the tables' memtables and waits for them (and for every flush queued before). */
static int flush_and_wait(struct store *st, struct table *const *ts, size_t n,
                          struct errmsg *em)
{
    uint64_t since = store_bg_flush_seq(st->bg);
    for (size_t i = 0; i < n; i++) store__flush_table(st, ts[i]);
    uint64_t upto = store_bg_flush_seq(st->bg); /* everything queued so far, ours included */
    int rc = store_bg_wait_flushed(st->bg, since, upto);
    if (rc < 0) return errmsg_set(em, rc, "flush failed: %s", err_name(rc));
    return 0;
}

/* ---- snapshots ---- */

static int snapshot_table(struct store *st, struct table *t, const char *tag,
                          struct errmsg *em)
{
    int rc = flush_and_wait(st, &t, 1, em);
    if (rc < 0) return rc;
    struct table_view *v = table_view_get(t);
    rc = snapshot_create(st->vfs, table_dir(t), tag, v->ssts, v->nsst, v->schema,
                         clock_real_ms(), em);
    table_view_unref(v);
    return rc;
}

/* auto_snapshot before TRUNCATE/DROP. */
static int auto_snapshot(struct store *st, struct table *t, const char *what, struct errmsg *em)
{
    if (!st->cfg.auto_snapshot) return 0;
    struct table_view *v = table_view_get(t);
    char tag[SNAPSHOT_TAG_MAX + 1];
    snprintf(tag, sizeof tag, "%s-%lld-%s", what, (long long)clock_real_ms(), v->schema->name);
    table_view_unref(v);
    return snapshot_table(st, t, tag, em);
}

/* ---- tables ---- */

int store_add_table(struct store *st, struct table_schema *s, struct errmsg *em)
{
    struct table *t = store__find_table(st, &s->id);
    if (t) {
        table_unref(t);
        return errmsg_set(em, ERR_ALREADY_EXISTS, "table %s.%s is already registered",
                          s->keyspace, s->name);
    }
    int rc = table_open(st->vfs, st->data_dir, s, st->cl, &t, em);
    if (rc < 0) return rc;
    pthread_rwlock_wrlock(&st->tables_mu);
    if (st->ntables >= STORE_TABLES_MAX) {
        pthread_rwlock_unlock(&st->tables_mu);
        table_unref(t);
        return errmsg_set(em, ERR_LIMIT, "too many tables (%d)", STORE_TABLES_MAX);
    }
    xgrow((void **)&st->tables, &st->tables_cap, st->ntables + 1, sizeof *st->tables);
    st->tables[st->ntables++] = t;
    pthread_rwlock_unlock(&st->tables_mu);
    return 0;
}

int store_alter_table(struct store *st, struct table_schema *s, struct errmsg *em)
{
    struct table *t = store__find_table(st, &s->id);
    if (!t) return errmsg_set(em, ERR_NOT_FOUND, "unknown table %s.%s", s->keyspace, s->name);
    table_set_schema(t, s);
    table_unref(t);
    return 0;
}

static int truncate_table(struct store *st, struct table *t, const char *what,
                          struct errmsg *em)
{
    int64_t released = 0;
    int rc = auto_snapshot(st, t, what, em);
    if (rc == 0) rc = table_truncate(t, &released, em);
    if (rc == 0) atomic_fetch_sub(&st->mem_total, released);
    return rc;
}

int store_truncate(struct store *st, const struct uuid *id, struct errmsg *em)
{
    struct table *t = store__find_table(st, id);
    if (!t) return errmsg_set(em, ERR_NOT_FOUND, "unknown table");
    int rc = truncate_table(st, t, "truncated", em);
    table_unref(t);
    return rc;
}

int store_drop_table(struct store *st, const struct uuid *id, struct errmsg *em)
{
    struct table *t = NULL;
    pthread_rwlock_wrlock(&st->tables_mu);
    for (size_t i = 0; i < st->ntables; i++) {
        if (uuid_cmp_bytes(table_id(st->tables[i]), id) == 0) {
            t = st->tables[i];
            st->tables[i] = st->tables[--st->ntables];
            break;
        }
    }
    pthread_rwlock_unlock(&st->tables_mu);
    if (!t) return errmsg_set(em, ERR_NOT_FOUND, "unknown table");
    int rc = truncate_table(st, t, "dropped", em); /* queued flushes of it become no-ops */
    if (rc == 0) table_drop_files(t);
    commitlog_forget_table(st->cl, id);
    table_unref(t);
    return rc;
}

/* ---- writes ---- */

int store_apply(struct store *st, const struct partition_update *u, store_pos *pos,
                struct errmsg *em)
{
    struct table *t = store__find_table(st, &u->table_id);
    if (!t) return errmsg_set(em, ERR_NOT_FOUND, "unknown table");
    struct table_view *v = table_view_get(t);
    int rc = mutation_validate(u, v->schema, em);
    table_view_unref(v);
    if (rc == 0 && mutation_data_size(u) > MUTATION_BYTES_MAX)
        rc = errmsg_set(em, ERR_INVALID, "mutation of %zu bytes is larger than the maximum %u",
                        mutation_data_size(u), MUTATION_BYTES_MAX);
    int64_t limit = (int64_t)st->cfg.memtable_space_bytes;
    if (rc == 0 && limit > 0 && atomic_load(&st->mem_flushing) > 0 &&
        atomic_load(&st->mem_total) > 2 * limit)
        rc = errmsg_set(em, ERR_OVERLOADED, "memtables are full and flushing is behind");
    if (rc < 0) {
        table_unref(t);
        return rc;
    }
    struct buf rec;
    buf_init(&rec);
    mutation_encode(u, &rec);
    int64_t delta = 0;
    rc = table_apply(t, u, rec.data, rec.len, pos, &delta);
    buf_deinit(&rec);
    table_unref(t);
    if (rc < 0) return errmsg_set(em, rc, "commit log append failed: %s", err_name(rc));
    store__wrote(st, delta);
    return 0;
}

void store__wrote(struct store *st, int64_t delta_bytes)
{
    atomic_fetch_add(&st->mem_total, delta_bytes);
    maybe_flush(st);
    maybe_flush_for_log(st);
}

bool store_is_durable(struct store *st, store_pos pos)
{
    return commitlog_is_durable(st->cl, pos);
}

int store_wait_durable(struct store *st, store_pos pos)
{
    return commitlog_wait(st->cl, pos);
}

void store_on_durable(struct store *st, store_pos pos, store_durable_cb cb, void *arg)
{
    commitlog_on_durable(st->cl, pos, cb, arg);
}

/* ---- reads, flush, maintenance ---- */

int store_read(struct store *st, const struct read_cmd *cmd, const struct read_visitor *v,
               struct errmsg *em)
{
    struct table *t = store__find_table(st, &cmd->table_id);
    if (!t) return errmsg_set(em, ERR_NOT_FOUND, "unknown table");
    struct table_view *view = table_view_get(t);
    int rc = store_read_view(t, view, cmd, v, em);
    table_view_unref(view);
    table_unref(t);
    return rc;
}

int store_flush(struct store *st, const struct uuid *id, struct errmsg *em)
{
    size_t n;
    struct table **ts = tables_for(st, id, &n);
    if (!ts) return errmsg_set(em, ERR_NOT_FOUND, "unknown table");
    int rc = flush_and_wait(st, ts, n, em);
    store__unref_all(ts, n);
    return rc;
}

int store_compact(struct store *st, const struct uuid *id, struct errmsg *em)
{
    int rc = store_flush(st, id, em); /* nodetool compact flushes first, as Cassandra does */
    struct table *t = rc == 0 ? store__find_table(st, id) : NULL;
    if (rc < 0) return rc;
    if (!t) return errmsg_set(em, ERR_NOT_FOUND, "unknown table");
    rc = store_bg_compact_major(st->bg, t, em);
    table_unref(t);
    return rc;
}

void store_wait_idle(struct store *st)
{
    store_bg_wait_idle(st->bg);
}

int store_snapshot(struct store *st, const char *tag, const struct uuid *id, struct errmsg *em)
{
    if (!snapshot_tag_valid(tag)) return errmsg_set(em, ERR_INVALID, "invalid snapshot name");
    size_t n;
    struct table **ts = tables_for(st, id, &n);
    if (!ts) return errmsg_set(em, ERR_NOT_FOUND, "unknown table");
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) rc = snapshot_table(st, ts[i], tag, em);
    store__unref_all(ts, n);
    return rc;
}

int store_clear_snapshot(struct store *st, const char *tag, struct errmsg *em)
{
    size_t n;
    struct table **ts = store__all_tables(st, &n);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) rc = snapshot_clear(st->vfs, table_dir(ts[i]), tag, em);
    store__unref_all(ts, n);
    return rc;
}

int store_table_stats(struct store *st, const struct uuid *id, struct table_stats *out)
{
    struct table *t = store__find_table(st, id);
    if (!t) return ERR_NOT_FOUND;
    table_get_stats(t, out);
    table_unref(t);
    return 0;
}

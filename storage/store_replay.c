/*
 * store_replay: commit-log replay into the memtables (store_replay in store.h; Cassandra's
 * CommitLogReplayer and the flush that ends it).
 *
 * Two threads in a pipeline:
 *   reader (the caller, inside commitlog_replay): finds the record's table in a sorted cache of
 *     table references (no registry lock per record), skips records an SSTable or a truncation
 *     already covers, copies the record into a batch's arena and decodes and checks it there
 *     (no allocation per record: a batch's arena block is reused for the next batch);
 *   applier (one thread started here): applies the batches, in log order, to the memtables and
 *     runs the store's memory policies: a full memtable_heap_space retires the largest memtable
 *     for flushing, as for writes, and past twice the limit the applier waits for the flush
 *     thread (where writes would be refused), so replay's memory is bounded as theirs is.
 * A single applier keeps log order, so the memtables end exactly as a one-thread replay (and
 * the writes before the crash) left them, and a flush during replay may take the table's last
 * applied position as its bound (table.h). REPLAY_BATCHES batches circulate between the two
 * threads, so the pipeline holds at most that many batches of decoded records.
 *
 * End of replay: every table's replayed memtable is retired for flushing (its bound: the last
 * replayed position) and start-up goes on while the flush thread writes them; the memtables
 * stay readable until their SSTables replace them. When a table's flush is done the commit log
 * deletes the segments that held nothing else (commitlog.h), so a second crash does not replay
 * the same records again and the replayed memory is released. Cassandra waits for this flush
 * before serving; here the node serves at once: a crash during the flush only means the same
 * segments are replayed again, since they are deleted after it.
 *
 * Errors: a record that does not decode stops replay with ERR_CORRUPT naming its position (or,
 * with commit_failure_policy: ignore, is logged and skipped); a flush failing during replay
 * stops it, since its memory could not be bounded otherwise. On failure tables stay in replay
 * mode, so a flush at close takes each table's last replayed position as its bound (records
 * after the failure are not covered by it).
 * Thread rule: store_replay is called once, before the store serves; the applier thread lives
 * only during the call.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "node/base/assert.h"
#include "node/base/log.h"
#include "node/base/mem.h"
#include "storage/commitlog.h"
#include "storage/store_bg.h"
#include "storage/store_int.h"

#define REPLAY_BATCH_RECORDS 512
#define REPLAY_BATCH_BYTES (768u << 10) /* a batch is handed over once its arena holds this */
#define REPLAY_ARENA_BLOCK (1u << 20)
#define REPLAY_BATCHES 4
#define REPLAY_PREFETCH_AHEAD 6 /* records */
#define REPLAY_TABLES_MAX 65536 /* distinct table ids in one log (STORE_TABLES_MAX) */

struct replay_item {
    struct table *t; /* borrowed from the table cache */
    store_pos pos;
    struct partition_update u; /* points into its batch's arena */
};

struct replay_batch {
    struct replay_batch *next;
    struct arena arena;
    uint32_t n;
    struct replay_item items[REPLAY_BATCH_RECORDS];
};

struct replay_table {
    struct uuid id;
    struct table *t; /* a reference; NULL: no such table (dropped, or never made here) */
    struct table_schema *schema;
    store_pos bound; /* records at or below it are covered (table_replay_bound) */
};

struct replay {
    struct store *st;
    struct errmsg *em;
    /* reader only */
    struct replay_table *tables; /* sorted by id */
    size_t ntables, tables_cap, last;
    struct replay_batch *cur;
    uint64_t skipped, bad;
    /* shared, under mu */
    pthread_mutex_t mu;
    pthread_cond_t full_cv; /* the applier waits for a batch (or the end) */
    pthread_cond_t free_cv; /* the reader waits for a free batch (or the applier's error) */
    struct replay_batch *free_list, *full_head, *full_tail;
    bool is_closed;
    int apply_rc;
    struct errmsg apply_em; /* set by the applier before apply_rc */
    /* applier only; read after the join */
    uint64_t applied, covered;
    int64_t peak_bytes;
    struct replay_batch *batches[REPLAY_BATCHES];
};

/* ---- the table cache (reader) ---- */

static struct replay_table *table_new(struct replay *r, size_t at, const struct uuid *id)
{
    xgrow((void **)&r->tables, &r->tables_cap, r->ntables + 1, sizeof *r->tables);
    memmove(r->tables + at + 1, r->tables + at, (r->ntables - at) * sizeof *r->tables);
    r->ntables++;
    struct replay_table *e = &r->tables[at];
    memset(e, 0, sizeof *e);
    e->id = *id;
    e->t = store__find_table(r->st, id);
    if (e->t) {
        struct table_view *v = table_view_get(e->t);
        e->schema = table_schema_ref(v->schema); /* no DDL runs before the store serves */
        table_view_unref(v);
        e->bound = table_replay_bound(e->t);
    }
    return e;
}

/* The cache entry of id (made on first sight); NULL past REPLAY_TABLES_MAX ids. */
static struct replay_table *table_lookup(struct replay *r, const struct uuid *id)
{
    if (r->ntables && uuid_cmp_bytes(&r->tables[r->last].id, id) == 0)
        return &r->tables[r->last]; /* records of one table come in runs */
    size_t lo = 0, hi = r->ntables;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = uuid_cmp_bytes(&r->tables[mid].id, id);
        if (c == 0) {
            r->last = mid;
            return &r->tables[mid];
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (r->ntables == REPLAY_TABLES_MAX) return NULL;
    r->last = lo;
    return table_new(r, lo, id);
}

static void tables_release(struct replay *r)
{
    for (size_t i = 0; i < r->ntables; i++) {
        table_schema_unref(r->tables[i].schema);
        table_unref(r->tables[i].t);
    }
    free(r->tables);
}

/* ---- the batch queue ---- */

static int applier_error(struct replay *r, int rc)
{
    return errmsg_set(r->em, rc, "%s", r->apply_em.text);
}

/* Reader: takes a free batch into r->cur, waiting for one. */
static int take_batch(struct replay *r)
{
    pthread_mutex_lock(&r->mu);
    while (!r->free_list && r->apply_rc == 0)
        pthread_cond_wait(&r->free_cv, &r->mu);
    int rc = r->apply_rc;
    if (rc == 0) {
        r->cur = r->free_list;
        r->free_list = r->cur->next;
    }
    pthread_mutex_unlock(&r->mu);
    return rc < 0 ? applier_error(r, rc) : 0;
}

/* Reader: hands r->cur to the applier. */
static int submit_batch(struct replay *r)
{
    struct replay_batch *b = r->cur;
    r->cur = NULL;
    b->next = NULL;
    pthread_mutex_lock(&r->mu);
    if (r->full_tail)
        r->full_tail->next = b;
    else
        r->full_head = b;
    r->full_tail = b;
    int rc = r->apply_rc;
    pthread_cond_signal(&r->full_cv);
    pthread_mutex_unlock(&r->mu);
    return rc < 0 ? applier_error(r, rc) : 0;
}

/* ---- the applier ---- */

/* Past twice memtable_heap_space with flushes queued, waits for the next one to finish. */
static int wait_for_memory(struct replay *r)
{
    struct store *st = r->st;
    int64_t limit = (int64_t)st->cfg.memtable_space_bytes;
    while (limit > 0 && atomic_load(&st->mem_flushing) > 0 &&
           atomic_load(&st->mem_total) > 2 * limit) {
        uint64_t done = store_bg_flushed_seq(st->bg);
        if (done >= store_bg_flush_seq(st->bg)) return 0; /* its memory is being released */
        int rc = store_bg_wait_flushed(st->bg, done, done + 1);
        if (rc < 0)
            return errmsg_set(&r->apply_em, rc, "a flush during commit log replay failed: %s",
                              err_name(rc));
    }
    return 0;
}

static int apply_batch(struct replay *r, struct replay_batch *b)
{
    for (uint32_t i = 0; i < b->n; i++) {
        struct replay_item *it = &b->items[i];
        /* a memtable insert is mostly cache misses (a hash slot and a skip list in gigabytes
           of memtable): start those of a record a few places ahead */
        const struct replay_item *ahead = i + REPLAY_PREFETCH_AHEAD < b->n
                                              ? &b->items[i + REPLAY_PREFETCH_AHEAD]
                                              : NULL;
        const int64_t *next_token = ahead && ahead->t == it->t ? &ahead->u.token : NULL;
        int64_t delta = 0;
        if (!table_replay(it->t, &it->u, it->pos, next_token, &delta)) {
            r->covered++;
            continue;
        }
        r->applied++;
        store__wrote(r->st, delta);
        int64_t in_use = atomic_load(&r->st->mem_total);
        if (in_use > r->peak_bytes) r->peak_bytes = in_use;
        int rc = wait_for_memory(r);
        if (rc < 0) return rc;
    }
    return 0;
}

static void *applier_main(void *arg)
{
    struct replay *r = arg;
    for (;;) {
        pthread_mutex_lock(&r->mu);
        while (!r->full_head && !r->is_closed)
            pthread_cond_wait(&r->full_cv, &r->mu);
        struct replay_batch *b = r->full_head;
        if (b) {
            r->full_head = b->next;
            if (!r->full_head) r->full_tail = NULL;
        }
        bool is_failed = r->apply_rc < 0;
        pthread_mutex_unlock(&r->mu);
        if (!b) break;
        int rc = is_failed ? 0 : apply_batch(r, b); /* after an error: drain only */
        arena_reset(&b->arena);
        b->n = 0;
        pthread_mutex_lock(&r->mu);
        if (rc < 0) r->apply_rc = rc;
        b->next = r->free_list;
        r->free_list = b;
        pthread_cond_signal(&r->free_cv);
        pthread_mutex_unlock(&r->mu);
    }
    return NULL;
}

/* ---- the reader ---- */

static int bad_record(struct replay *r, store_pos pos, const struct errmsg *why)
{
    r->bad++;
    if (!r->st->cfg.commit_failure_ignore)
        return errmsg_set(r->em, ERR_CORRUPT, "commit log record at %llx: %s",
                          (unsigned long long)pos, why->text);
    log_warn("storage", "skipping bad commit log record pos=%llx msg=\"%s\"",
             (unsigned long long)pos, why->text);
    return COMMITLOG_REPLAY_SKIPPED;
}

static int replay_cb(void *arg, const struct uuid *id, const uint8_t *rec, size_t len,
                     store_pos pos)
{
    struct replay *r = arg;
    struct replay_table *e = table_lookup(r, id);
    if (!e)
        return errmsg_set(r->em, ERR_LIMIT, "the commit log holds records of more than %u tables",
                          REPLAY_TABLES_MAX);
    if (!e->t || pos <= e->bound) { /* a dropped table, or flushed or truncated since */
        r->skipped++;
        return COMMITLOG_REPLAY_SKIPPED;
    }
    int rc = r->cur ? 0 : take_batch(r);
    if (rc < 0) return rc;
    struct replay_batch *b = r->cur;
    struct replay_item *it = &b->items[b->n];
    struct errmsg em;
    const uint8_t *copy = arena_dup(&b->arena, rec, len); /* rec is valid during the call only */
    int err = mutation_decode(copy, len, &b->arena, &it->u, &em);
    if (err == 0 && uuid_cmp_bytes(&it->u.table_id, id) != 0)
        err = errmsg_set(&em, ERR_CORRUPT, "record for another table");
    /* the memtable orders by clustering: check shapes against the schema */
    if (err == 0 && mutation_validate_clustering(&it->u, e->schema, &em) < 0) err = ERR_CORRUPT;
    if (err < 0) return bad_record(r, pos, &em);
    it->t = e->t;
    it->pos = pos;
    b->n++;
    if (b->n == REPLAY_BATCH_RECORDS || b->arena.used_bytes >= REPLAY_BATCH_BYTES)
        return submit_batch(r);
    return 0;
}

/* ---- store_replay ---- */

static int pipeline_start(struct replay *r, pthread_t *thread, struct errmsg *em)
{
    pthread_mutex_init(&r->mu, NULL);
    pthread_cond_init(&r->full_cv, NULL);
    pthread_cond_init(&r->free_cv, NULL);
    for (size_t i = 0; i < REPLAY_BATCHES; i++) {
        struct replay_batch *b = xcalloc(1, sizeof *b);
        arena_init(&b->arena, REPLAY_ARENA_BLOCK);
        b->next = r->free_list;
        r->free_list = b;
        r->batches[i] = b;
    }
    int rc = pthread_create(thread, NULL, applier_main, r);
    return rc ? errmsg_set(em, -rc, "cannot start the replay thread: %s", err_name(-rc)) : 0;
}

/* Hands over the last batch (when replay went well), lets the applier finish and joins it. */
static int pipeline_finish(struct replay *r, pthread_t thread, int rc)
{
    if (r->cur && r->cur->n && rc == 0) rc = submit_batch(r);
    pthread_mutex_lock(&r->mu);
    r->is_closed = true;
    pthread_cond_signal(&r->full_cv);
    pthread_mutex_unlock(&r->mu);
    pthread_join(thread, NULL);
    if (rc == 0 && r->apply_rc < 0) rc = applier_error(r, r->apply_rc);
    return rc;
}

static void pipeline_free(struct replay *r)
{
    for (size_t i = 0; i < REPLAY_BATCHES; i++) {
        if (!r->batches[i]) continue;
        arena_deinit(&r->batches[i]->arena);
        free(r->batches[i]);
    }
    pthread_cond_destroy(&r->full_cv);
    pthread_cond_destroy(&r->free_cv);
    pthread_mutex_destroy(&r->mu);
}

void store_get_replay_stats(struct store *st, struct store_replay_stats *out)
{
    *out = st->replay;
}

/* Retires every replayed memtable for flushing, then ends replay mode; returns how many. */
static size_t flush_replayed(struct store *st, bool is_ok)
{
    size_t n, flushing = 0;
    struct table **ts = store__all_tables(st, &n);
    for (size_t i = 0; i < n && is_ok; i++)
        flushing += store__flush_table(st, ts[i]) > 0;
    for (size_t i = 0; i < n && is_ok; i++)
        table_replay_done(ts[i]);
    store__unref_all(ts, n);
    return flushing;
}

int store_replay(struct store *st, struct errmsg *em)
{
    struct replay r = {.st = st, .em = em};
    pthread_t thread;
    int rc = pipeline_start(&r, &thread, em);
    if (rc == 0) {
        rc = commitlog_replay(st->cl, replay_cb, &r, em);
        rc = pipeline_finish(&r, thread, rc);
    }
    pipeline_free(&r);
    tables_release(&r);
    st->replay = (struct store_replay_stats){
        .applied = r.applied,
        .skipped = r.skipped + r.covered,
        .bad = r.bad,
        .peak_memtable_bytes = (uint64_t)r.peak_bytes,
        .flushing_tables = (uint32_t)flush_replayed(st, rc == 0),
    };
    log_info("storage",
             "commit log replayed applied=%llu skipped=%llu bad=%llu flushing_tables=%u "
             "peak_memtable_mib=%llu",
             (unsigned long long)st->replay.applied, (unsigned long long)st->replay.skipped,
             (unsigned long long)st->replay.bad, st->replay.flushing_tables,
             (unsigned long long)(st->replay.peak_memtable_bytes >> 20));
    return rc;
}

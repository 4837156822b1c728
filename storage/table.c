/*
 * table: one table's memtables, SSTables, flush and truncation (see table.h).
 *
 * Locks, always taken in this order: write_mu (writers, switch, truncate, replay) then view_mu
 * (the view pointer and the truncation epoch). view_mu is held only to copy or swap a pointer
 * and adjust reference counts, never across I/O.
 *
 * Truncation record, <table dir>/truncated (written atomically):
 *   offset 0  size 8  "RDBTRUNC"
 *   offset 8  size 8  be64 commit-log position at the truncation (replay ignores records <= it)
 *   offset 16 size 4  be32 generation floor (SSTables below it predate the truncation)
 *   offset 20 size 4  be32 CRC32C of bytes 0..20
 * At open, SSTables below the floor, or flushed from records at or before the position, are
 * deleted: a crash between the truncation and their deletion must not resurrect them.
 *
 * The table's directory is made when the table first writes a file there (flush, truncation
 * record), not at open: a node's first start opens ~50 system tables, most of which never get
 * a file, and on a busy ext4 journal each mkdir costs milliseconds of start-up. A missing
 * directory opens as an empty table. Once made, its entry is synced into the keyspace
 * directory, and the keyspace's into the data directory, before a file in it is relied upon.
 */
#include "storage/table.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/base/assert.h"
#include "node/base/be.h"
#include "node/base/clock.h"
#include "node/base/crc32c.h"
#include "node/base/log.h"
#include "node/base/mem.h"
#include "storage/merge.h"

#define TRUNC_FILE "truncated"
#define TRUNC_MAGIC "RDBTRUNC"
#define TRUNC_BYTES 24

struct table {
    atomic_int refs;
    struct vfs *vfs;
    struct commitlog *cl;
    struct uuid id;
    char *dir;
    atomic_bool has_dir; /* dir exists and its entry is durable (ensure_dir) */
    pthread_mutex_t write_mu;
    struct memtable *active; /* write_mu; one reference of its own */
    _Atomic int64_t active_since_ms; /* when active was made (monotonic clock) */
    struct table_schema *schema; /* write_mu; the schema new memtables get */
    bool replaying;
    store_pos replay_last;  /* position of the last replayed record */
    store_pos replay_bound; /* records at or below it are in SSTables or truncated */
    pthread_mutex_t view_mu;
    struct table_view *view; /* view_mu */
    uint64_t epoch;          /* view_mu (changed under write_mu too): truncations */
    struct sstable **claimed; /* view_mu: SSTables a compaction is working on */
    size_t nclaimed, claimed_cap;
    atomic_uint next_gen;
    atomic_uint_fast64_t flushes, bytes_flushed, compactions, bloom_checks, bloom_negatives;
    atomic_uint_fast64_t bytes_compacted_read, bytes_compacted_written;
};

/* ---- views ---- */

static struct table_view *view_new(struct table_schema *s, uint32_t nmem, uint32_t nsst)
{
    uint32_t nbits = s->next_column_id;
    size_t bitmap = (nbits + 7) / 8;
    struct table_view *v = xcalloc(1, sizeof *v + bitmap);
    uint8_t *bits = (uint8_t *)(v + 1);
    for (uint16_t i = 0; i < s->ncolumns; i++) {
        uint16_t id = s->columns[i].id;
        if (id < nbits) bits[id >> 3] |= (uint8_t)(1u << (id & 7));
    }
    atomic_init(&v->refs, 1);
    v->schema = table_schema_ref(s);
    v->col_valid = bits;
    v->col_valid_n = nbits;
    v->nmem = nmem;
    v->mems = xcalloc(nmem ? nmem : 1, sizeof *v->mems);
    v->nsst = nsst;
    v->ssts = xcalloc(nsst ? nsst : 1, sizeof *v->ssts);
    return v;
}

struct table_view *table_view_ref(struct table_view *v)
{
    atomic_fetch_add_explicit(&v->refs, 1, memory_order_relaxed);
    return v;
}

void table_view_unref(struct table_view *v)
{
    if (!v) return;
    int prev = atomic_fetch_sub_explicit(&v->refs, 1, memory_order_acq_rel);
    ASSERT(prev > 0);
    if (prev != 1) return;
    for (uint32_t i = 0; i < v->nmem; i++) memtable_unref(v->mems[i]);
    for (uint32_t i = 0; i < v->nsst; i++) sstable_unref(v->ssts[i]);
    table_schema_unref(v->schema);
    free(v->mems);
    free(v->ssts);
    free(v);
}

struct table_view *table_view_get(struct table *t)
{
    pthread_mutex_lock(&t->view_mu);
    struct table_view *v = table_view_ref(t->view);
    pthread_mutex_unlock(&t->view_mu);
    return v;
}

/* Publishes nv (view_mu held); returns the old view for the caller to release unlocked. */
static struct table_view *view_swap(struct table *t, struct table_view *nv)
{
    struct table_view *old = t->view;
    t->view = nv;
    return old;
}

/* A copy of v with a new schema (view_mu held): same sources, new references. */
static struct table_view *view_copy(const struct table_view *v, struct table_schema *s,
                                    uint32_t extra_mem, uint32_t extra_sst)
{
    struct table_view *nv = view_new(s, v->nmem + extra_mem, v->nsst + extra_sst);
    for (uint32_t i = 0; i < v->nmem; i++) nv->mems[extra_mem + i] = memtable_ref(v->mems[i]);
    for (uint32_t i = 0; i < v->nsst; i++) nv->ssts[extra_sst + i] = sstable_ref(v->ssts[i]);
    return nv;
}

static int gen_desc(const void *a, const void *b)
{
    uint32_t x = sstable_generation(*(struct sstable *const *)a);
    uint32_t y = sstable_generation(*(struct sstable *const *)b);
    return x > y ? -1 : x < y;
}

/* ---- open / close ---- */

static int read_truncation(struct table *t, store_pos *pos, uint32_t *gen_floor,
                           struct errmsg *em)
{
    char path[TABLE_DIR_MAX + 16];
    snprintf(path, sizeof path, "%s/%s", t->dir, TRUNC_FILE);
    uint8_t *p = NULL;
    size_t len = 0;
    *pos = 0;
    *gen_floor = 0;
    int rc = vfs_read_all(t->vfs, path, 64, &p, &len);
    if (rc == -ENOENT) return 0;
    if (rc < 0) return errmsg_set(em, rc, "cannot read %s", path);
    if (len != TRUNC_BYTES || memcmp(p, TRUNC_MAGIC, 8) != 0 ||
        be32_load(p + 20) != crc32c(p, 20)) {
        free(p);
        return errmsg_set(em, ERR_CORRUPT, "%s: bad truncation record (offset 0)", path);
    }
    *pos = be64_load(p + 8);
    *gen_floor = be32_load(p + 16);
    free(p);
    return 0;
}

/* Syncs the directory holding path's last component, then cuts path there. */
static int sync_parent(struct vfs *v, char *path)
{
    char *slash = strrchr(path, '/');
    if (!slash || slash == path) return 0;
    *slash = '\0';
    return vfs_sync_dir(v, path);
}

/* Makes the table's directory if it is not there yet (see the file head). Idempotent, so two
   threads (a flush and a truncation) may run it at once. */
static int ensure_dir(struct table *t)
{
    if (atomic_load(&t->has_dir)) return 0;
    char path[TABLE_DIR_MAX];
    snprintf(path, sizeof path, "%s", t->dir); /* fits: checked at open */
    int rc = vfs_mkdir_p(t->vfs, t->dir);
    if (rc == 0) rc = sync_parent(t->vfs, path); /* the table's entry in the keyspace dir */
    if (rc == 0) rc = sync_parent(t->vfs, path); /* the keyspace's entry in the data dir */
    if (rc == 0) atomic_store(&t->has_dir, true);
    return rc;
}

static int write_truncation(struct table *t, store_pos pos, uint32_t gen_floor)
{
    char path[TABLE_DIR_MAX + 16];
    snprintf(path, sizeof path, "%s/%s", t->dir, TRUNC_FILE);
    uint8_t p[TRUNC_BYTES];
    memcpy(p, TRUNC_MAGIC, 8);
    be64_store(p + 8, pos);
    be32_store(p + 16, gen_floor);
    be32_store(p + 20, crc32c(p, 20));
    int rc = ensure_dir(t);
    return rc < 0 ? rc : vfs_write_atomic(t->vfs, path, p, sizeof p);
}

/* Opens the SSTables of the directory into a new view; deletes truncated ones. */
static int open_sstables(struct table *t, struct table_schema *s, struct errmsg *em)
{
    store_pos trunc_pos;
    uint32_t floor, *gens = NULL, max_gen = 0;
    size_t n = 0, live = 0;
    int rc = read_truncation(t, &trunc_pos, &floor, em);
    if (rc == 0) rc = sstable_list(t->vfs, t->dir, &gens, &n, em);
    if (rc == 0) atomic_store(&t->has_dir, true);
    if (rc == -ENOENT) rc = 0; /* not made yet: an empty table (file head) */
    if (rc < 0) return rc;
    struct table_view *v = view_new(s, 1, (uint32_t)n);
    t->replay_bound = trunc_pos;
    for (size_t i = 0; i < n && rc == 0; i++) {
        struct sstable *sst;
        if (gens[i] > max_gen) max_gen = gens[i];
        if ((rc = sstable_open(t->vfs, t->dir, gens[i], s, &sst, em)) < 0) break;
        store_pos bound = sstable_get_stats(sst)->commitlog_bound;
        if (gens[i] < floor || (trunc_pos && bound && bound <= trunc_pos)) {
            log_info("storage", "deleting truncated sstable dir=%s gen=%u", t->dir, gens[i]);
            sstable_mark_obsolete(sst);
            sstable_unref(sst);
            continue;
        }
        if (bound > t->replay_bound) t->replay_bound = bound;
        v->ssts[live++] = sst;
    }
    free(gens);
    v->nsst = (uint32_t)live;
    qsort(v->ssts, live, sizeof *v->ssts, gen_desc);
    atomic_store(&t->next_gen, (max_gen > floor ? max_gen : floor) + 1);
    t->active = memtable_create(s);
    atomic_store(&t->active_since_ms, clock_mono_ms());
    v->mems[0] = memtable_ref(t->active);
    t->view = v;
    return rc;
}

static char *make_dir(const char *data_dir, const struct table_schema *s)
{
    char hex[33];
    for (int i = 0; i < 16; i++) snprintf(hex + 2 * i, 3, "%02x", s->id.b[i]);
    size_t len = strlen(data_dir) + strlen(s->keyspace) + strlen(s->name) + 40;
    char *dir = xmalloc(len);
    snprintf(dir, len, "%s/%s/%s-%s", data_dir, s->keyspace, s->name, hex);
    return dir;
}

int table_open(struct vfs *vfs, const char *data_dir, struct table_schema *s,
               struct commitlog *cl, struct table **out, struct errmsg *em)
{
    struct table *t = xcalloc(1, sizeof *t);
    atomic_init(&t->refs, 1);
    t->vfs = vfs;
    t->cl = cl;
    t->id = s->id;
    t->dir = make_dir(data_dir, s);
    t->schema = table_schema_ref(s);
    pthread_mutex_init(&t->write_mu, NULL);
    pthread_mutex_init(&t->view_mu, NULL);
    int rc = strlen(t->dir) < TABLE_DIR_MAX ? 0 : ERR_LIMIT;
    if (rc < 0) {
        errmsg_set(em, rc, "table directory path too long: %s", t->dir);
    } else {
        rc = open_sstables(t, s, em);
    }
    if (rc < 0) {
        table_unref(t);
        return rc;
    }
    *out = t;
    return 0;
}

struct table *table_ref(struct table *t)
{
    atomic_fetch_add_explicit(&t->refs, 1, memory_order_relaxed);
    return t;
}

void table_unref(struct table *t)
{
    if (!t) return;
    int prev = atomic_fetch_sub_explicit(&t->refs, 1, memory_order_acq_rel);
    ASSERT(prev > 0);
    if (prev != 1) return;
    table_view_unref(t->view);
    memtable_unref(t->active);
    table_schema_unref(t->schema);
    ASSERT(t->nclaimed == 0);
    free(t->claimed);
    pthread_mutex_destroy(&t->write_mu);
    pthread_mutex_destroy(&t->view_mu);
    free(t->dir);
    free(t);
}

const struct uuid *table_id(const struct table *t)
{
    return &t->id;
}

const char *table_dir(const struct table *t)
{
    return t->dir;
}

struct vfs *table_vfs(const struct table *t)
{
    return t->vfs;
}

uint32_t table_next_generation(struct table *t)
{
    return atomic_fetch_add(&t->next_gen, 1);
}

/* ---- writes ---- */

int table_apply(struct table *t, const struct partition_update *u, const uint8_t *rec,
                size_t rec_len, store_pos *pos, int64_t *delta_bytes)
{
    pthread_mutex_lock(&t->write_mu);
    store_pos p = 0;
    if (t->cl && rec) {
        int rc = commitlog_append(t->cl, &t->id, rec, rec_len, &p);
        if (rc < 0) {
            pthread_mutex_unlock(&t->write_mu);
            return rc;
        }
    }
    size_t before = memtable_bytes(t->active);
    memtable_apply(t->active, u);
    *delta_bytes = (int64_t)memtable_bytes(t->active) - (int64_t)before;
    pthread_mutex_unlock(&t->write_mu);
    if (pos) *pos = p;
    return 0;
}

int table_replay(struct table *t, const struct partition_update *u, store_pos pos,
                 const int64_t *next_token, int64_t *delta_bytes)
{
    *delta_bytes = 0;
    pthread_mutex_lock(&t->write_mu);
    if (next_token) memtable_prefetch(t->active, *next_token);
    if (pos <= t->replay_bound) {
        pthread_mutex_unlock(&t->write_mu);
        return 0;
    }
    t->replaying = true; /* until table_replay_done: switches take replay_last as bound */
    size_t before = memtable_bytes(t->active);
    memtable_apply(t->active, u);
    *delta_bytes = (int64_t)memtable_bytes(t->active) - (int64_t)before;
    if (pos > t->replay_last) t->replay_last = pos;
    pthread_mutex_unlock(&t->write_mu);
    return 1;
}

void table_replay_done(struct table *t)
{
    pthread_mutex_lock(&t->write_mu);
    t->replaying = false;
    pthread_mutex_unlock(&t->write_mu);
}

store_pos table_replay_bound(struct table *t)
{
    pthread_mutex_lock(&t->write_mu);
    store_pos bound = t->replay_bound;
    pthread_mutex_unlock(&t->write_mu);
    return bound;
}

void table_set_schema(struct table *t, struct table_schema *s)
{
    pthread_mutex_lock(&t->write_mu);
    table_schema_unref(t->schema);
    t->schema = table_schema_ref(s);
    pthread_mutex_lock(&t->view_mu);
    struct table_view *old = view_swap(t, view_copy(t->view, s, 0, 0));
    pthread_mutex_unlock(&t->view_mu);
    pthread_mutex_unlock(&t->write_mu);
    table_view_unref(old);
}

size_t table_active_bytes(struct table *t)
{
    pthread_mutex_lock(&t->view_mu);
    size_t n = memtable_bytes(t->view->mems[0]);
    pthread_mutex_unlock(&t->view_mu);
    return n;
}

int64_t table_active_age_ms(struct table *t)
{
    return clock_mono_ms() - atomic_load(&t->active_since_ms);
}

bool table_switch(struct table *t, struct table_flush_job *job)
{
    pthread_mutex_lock(&t->write_mu);
    if (memtable_is_empty(t->active)) {
        pthread_mutex_unlock(&t->write_mu);
        return false;
    }
    /* during replay, everything up to the last replayed record is in the memtable */
    job->bound = t->replaying ? t->replay_last : (t->cl ? commitlog_position(t->cl) : 0);
    job->mem = t->active;
    t->active = memtable_create(t->schema);
    atomic_store(&t->active_since_ms, clock_mono_ms());
    pthread_mutex_lock(&t->view_mu);
    job->epoch = t->epoch;
    struct table_view *nv = view_copy(t->view, t->schema, 1, 0);
    nv->mems[0] = memtable_ref(t->active);
    struct table_view *old = view_swap(t, nv);
    pthread_mutex_unlock(&t->view_mu);
    pthread_mutex_unlock(&t->write_mu);
    table_view_unref(old);
    return true;
}

/* ---- flush ---- */

static int write_partitions(struct memtable *m, const struct table_view *v,
                            struct sstable_writer *w, struct errmsg *em)
{
    struct range_iter *ri;
    struct token_range all = token_range_all();
    struct rows_spec spec = {0};
    struct merge_opts o = {.schema = v->schema, .mode = MERGE_RAW, .now_s = clock_real_s()};
    int rc = memtable_scan(m, &all, &ri);
    if (rc < 0) return errmsg_set(em, rc, "memtable scan failed");
    for (;;) {
        struct pkey k;
        struct part_iter *pi, *mi;
        if ((rc = ri->ops->next(ri, &k)) < 0 || !k.key) break;
        if ((rc = ri->ops->open(ri, &spec, &pi)) < 0) break;
        if ((rc = merge_open(&o, &pi, 1, &mi)) < 0) break;
        rc = sstable_writer_add(w, &k, mi, em);
        part_iter_close(mi);
        if (rc < 0) break;
    }
    ri->ops->close(ri);
    return rc;
}

static int write_sstable(struct table *t, struct memtable *m, store_pos bound,
                         struct sstable **out, struct errmsg *em)
{
    struct table_view *v = table_view_get(t);
    struct sstable_write_opts wo = {.commitlog_bound = bound,
                                    .expected_partitions = memtable_partitions(m)};
    struct sstable_writer *w = NULL;
    uint32_t gen = table_next_generation(t);
    int rc = ensure_dir(t);
    if (rc < 0) errmsg_set(em, rc, "cannot create table directory %s: %s", t->dir, strerror(-rc));
    else rc = sstable_writer_open(t->vfs, t->dir, gen, v->schema, &wo, &w, em);
    if (rc == 0) rc = write_partitions(m, v, w, em);
    if (rc == 0) rc = sstable_writer_finish(w, out, em);
    else sstable_writer_abort(w);
    table_view_unref(v);
    return rc;
}

int table_flush(struct table *t, struct table_flush_job *job, size_t *flushed_bytes,
                struct sstable **out, struct errmsg *em)
{
    struct sstable *sst = NULL;
    pthread_mutex_lock(&t->view_mu);
    bool stale = job->epoch != t->epoch; /* truncated or dropped since the switch */
    pthread_mutex_unlock(&t->view_mu);
    if (!stale && !memtable_is_empty(job->mem)) {
        int rc = write_sstable(t, job->mem, job->bound, &sst, em);
        if (rc < 0) return rc;
    }
    pthread_mutex_lock(&t->view_mu);
    bool current = job->epoch == t->epoch;
    struct table_view *old = NULL;
    if (current) {
        const struct table_view *v = t->view;
        struct table_view *nv = view_new(v->schema, v->nmem - 1, v->nsst + (sst != NULL));
        uint32_t k = 0;
        for (uint32_t i = 0; i < v->nmem; i++)
            if (v->mems[i] != job->mem) nv->mems[k++] = memtable_ref(v->mems[i]);
        ASSERT(k == nv->nmem);
        k = 0;
        if (sst) nv->ssts[k++] = sstable_ref(sst);
        for (uint32_t i = 0; i < v->nsst; i++) nv->ssts[k++] = sstable_ref(v->ssts[i]);
        qsort(nv->ssts, nv->nsst, sizeof *nv->ssts, gen_desc);
        old = view_swap(t, nv);
    }
    pthread_mutex_unlock(&t->view_mu);
    table_view_unref(old);
    if (sst && !current) sstable_mark_obsolete(sst); /* truncated while it was written */
    if (sst) {
        atomic_fetch_add(&t->bytes_flushed, sstable_get_stats(sst)->data_bytes);
        log_info("storage", "flushed dir=%s gen=%u bytes=%llu", t->dir, sstable_generation(sst),
                 (unsigned long long)sstable_get_stats(sst)->data_bytes);
    }
    if (out) *out = current ? sst : NULL;
    if (!out || !current) sstable_unref(sst);
    if (current && t->cl) commitlog_mark_flushed(t->cl, &t->id, job->bound);
    atomic_fetch_add(&t->flushes, 1);
    *flushed_bytes = memtable_bytes(job->mem);
    memtable_unref(job->mem);
    job->mem = NULL;
    return 0;
}

/* ---- truncate, drop, compaction ---- */

int table_truncate(struct table *t, int64_t *released_bytes, struct errmsg *em)
{
    pthread_mutex_lock(&t->write_mu);
    store_pos pos = t->cl ? commitlog_position(t->cl) : 0;
    uint32_t floor = atomic_load(&t->next_gen);
    int rc = write_truncation(t, pos, floor);
    if (rc < 0) {
        pthread_mutex_unlock(&t->write_mu);
        return errmsg_set(em, rc, "cannot write the truncation record in %s", t->dir);
    }
    struct memtable *old_active = t->active;
    t->active = memtable_create(t->schema);
    atomic_store(&t->active_since_ms, clock_mono_ms());
    if (pos > t->replay_bound) t->replay_bound = pos;
    pthread_mutex_lock(&t->view_mu);
    t->epoch++;
    struct table_view *nv = view_new(t->schema, 1, 0);
    nv->mems[0] = memtable_ref(t->active);
    struct table_view *old = view_swap(t, nv);
    pthread_mutex_unlock(&t->view_mu);
    pthread_mutex_unlock(&t->write_mu);
    *released_bytes = (int64_t)memtable_bytes(old_active);
    memtable_unref(old_active);
    for (uint32_t i = 0; i < old->nsst; i++) sstable_mark_obsolete(old->ssts[i]);
    table_view_unref(old);
    if (t->cl) commitlog_mark_flushed(t->cl, &t->id, pos);
    log_info("storage", "truncated dir=%s", t->dir);
    return 0;
}

void table_drop_files(struct table *t)
{
    struct table_view *v = table_view_get(t);
    for (uint32_t i = 0; i < v->nsst; i++) sstable_mark_obsolete(v->ssts[i]);
    table_view_unref(v);
}

static bool holds(const struct table_view *v, const struct sstable *s)
{
    for (uint32_t i = 0; i < v->nsst; i++)
        if (v->ssts[i] == s) return true;
    return false;
}

int table_replace_sstables(struct table *t, struct sstable *const *olds, size_t nold,
                           struct sstable *const *news, size_t nnew)
{
    pthread_mutex_lock(&t->view_mu);
    const struct table_view *v = t->view;
    for (size_t i = 0; i < nold; i++) {
        if (!holds(v, olds[i])) {
            pthread_mutex_unlock(&t->view_mu);
            return ERR_NOT_FOUND;
        }
    }
    struct table_view *nv = view_new(v->schema, v->nmem, (uint32_t)(v->nsst - nold + nnew));
    for (uint32_t i = 0; i < v->nmem; i++) nv->mems[i] = memtable_ref(v->mems[i]);
    uint32_t k = 0;
    for (size_t i = 0; i < nnew; i++) nv->ssts[k++] = sstable_ref(news[i]);
    for (uint32_t i = 0; i < v->nsst; i++) {
        bool gone = false;
        for (size_t j = 0; j < nold && !gone; j++) gone = v->ssts[i] == olds[j];
        if (!gone) nv->ssts[k++] = sstable_ref(v->ssts[i]);
    }
    ASSERT(k == nv->nsst);
    qsort(nv->ssts, nv->nsst, sizeof *nv->ssts, gen_desc);
    struct table_view *old = view_swap(t, nv);
    pthread_mutex_unlock(&t->view_mu);
    for (size_t i = 0; i < nold; i++) sstable_mark_obsolete(olds[i]);
    table_view_unref(old);
    atomic_fetch_add(&t->compactions, 1);
    return 0;
}

static bool is_claimed(const struct table *t, const struct sstable *s)
{
    for (size_t i = 0; i < t->nclaimed; i++)
        if (t->claimed[i] == s) return true;
    return false;
}

struct table_view *table_claim(struct table *t, bool all, struct sstable ***out, size_t *n)
{
    pthread_mutex_lock(&t->view_mu);
    struct table_view *v = table_view_ref(t->view);
    struct sstable **free_ones = xcalloc(v->nsst ? v->nsst : 1, sizeof *free_ones);
    size_t k = 0;
    bool busy = false;
    for (uint32_t i = 0; i < v->nsst; i++) {
        if (is_claimed(t, v->ssts[i])) busy = true;
        else free_ones[k++] = v->ssts[i];
    }
    if (all && busy) k = 0; /* a major compaction waits for the others */
    *out = free_ones;
    *n = k;
    pthread_mutex_unlock(&t->view_mu);
    return v;
}

bool table_claim_set(struct table *t, struct sstable *const *ss, size_t n, bool claim)
{
    pthread_mutex_lock(&t->view_mu);
    for (size_t i = 0; i < n && claim; i++) {
        if (is_claimed(t, ss[i])) { /* another compaction took it meanwhile */
            pthread_mutex_unlock(&t->view_mu);
            return false;
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (claim) {
            xgrow((void **)&t->claimed, &t->claimed_cap, t->nclaimed + 1, sizeof *t->claimed);
            t->claimed[t->nclaimed++] = ss[i];
            continue;
        }
        for (size_t j = 0; j < t->nclaimed; j++) {
            if (t->claimed[j] == ss[i]) {
                t->claimed[j] = t->claimed[--t->nclaimed];
                break;
            }
        }
    }
    pthread_mutex_unlock(&t->view_mu);
    return true;
}

void table_note_compaction(struct table *t, uint64_t bytes_read, uint64_t bytes_written)
{
    atomic_fetch_add(&t->bytes_compacted_read, bytes_read);
    atomic_fetch_add(&t->bytes_compacted_written, bytes_written);
}

/* ---- statistics ---- */

void table_note_bloom(struct table *t, bool negative)
{
    atomic_fetch_add_explicit(&t->bloom_checks, 1, memory_order_relaxed);
    if (negative) atomic_fetch_add_explicit(&t->bloom_negatives, 1, memory_order_relaxed);
}

void table_get_stats(struct table *t, struct table_stats *out)
{
    memset(out, 0, sizeof *out);
    struct table_view *v = table_view_get(t);
    for (uint32_t i = 0; i < v->nmem; i++) {
        out->memtable_bytes += memtable_bytes(v->mems[i]);
        out->memtable_cells += memtable_cells(v->mems[i]);
        out->partitions_estimate += memtable_partitions(v->mems[i]);
    }
    out->live_sstables = v->nsst;
    for (uint32_t i = 0; i < v->nsst; i++) {
        const struct sstable_stats *ss = sstable_get_stats(v->ssts[i]);
        out->sstable_bytes += ss->total_bytes;
        out->partitions_estimate += ss->partitions;
    }
    table_view_unref(v);
    out->flushes = atomic_load(&t->flushes);
    out->compactions = atomic_load(&t->compactions);
    out->bytes_flushed = atomic_load(&t->bytes_flushed);
    out->bytes_compacted_read = atomic_load(&t->bytes_compacted_read);
    out->bytes_compacted_written = atomic_load(&t->bytes_compacted_written);
    out->bloom_checks = atomic_load(&t->bloom_checks);
    out->bloom_negatives = atomic_load(&t->bloom_negatives);
}

/*
 * schema_mgr: see schema_mgr.h.
 *
 * State under one mutex: the current catalog (published by swapping the pointer; readers take
 * a reference while holding the mutex, so a catalog is never freed under a reader), the FIFO
 * of waiting DDL jobs and the busy flag (one job runs at a time), the events sink and the
 * topology used by the planner. A job lives from schema_mgr_execute to its completion on the
 * request's loop; its work step runs on libuv's thread pool and may block (store, fsync).
 */
#include "node/cql/schema_mgr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/base/clock.h"
#include "node/base/log.h"
#include "node/base/mem.h"
#include "node/cql/catalog_codec.h"
#include "node/cql/ddl.h"
#include "node/cql/events.h"
#include "node/cql/syskeyspaces.h"
#include "node/cqlproto/cqlresp.h"
#include "node/local.h"
#include "storage/schema_compaction.h"
#include "storage/store.h"

struct schema_job {
    struct evloop_work work;
    struct schema_mgr *m;
    struct cql_request *r;
    const struct ast_stmt *s;
    char session_ks[SCHEMA_NAME_MAX + 1];
    int version;
    int status;
    struct errmsg em;
    struct ddl_plan plan;
    struct schema_job *next;
};

struct schema_mgr {
    struct vfs *vfs;
    char *data_dir;
    struct store *st;
    pthread_mutex_t mu;
    struct catalog *current;
    struct cql_events *events;
    const struct local_node *local;
    uint32_t ndcs, nnodes;
    char dcs[STRATEGY_DCS_MAX][RING_NAME_MAX];
    struct schema_job *head, *tail;
    uint32_t nqueued;
    bool busy;
};

/* ---- open / close ------------------------------------------------------------------- */

static int register_tables(struct schema_mgr *m, const struct catalog *c, struct errmsg *em)
{
    if (!m->st) return 0;
    for (uint32_t i = 0; i < c->ntables_all; i++) {
        struct table_schema *s = c->by_id[i];
        if (syskeyspaces_is_computed(s->keyspace, s->name)) continue;
        int rc = store_add_table(m->st, s, em);
        if (rc != 0) return rc;
    }
    return 0;
}

int schema_mgr_open(struct vfs *v, const char *data_dir, struct store *st,
                    struct schema_mgr **out, struct errmsg *em)
{
    struct catalog_edit *e = catalog_edit_begin(NULL);
    syskeyspaces_add(e);
    int rc = catalog_codec_load(v ? v : vfs_default(), data_dir, e, em);
    bool first = rc == ERR_NOT_FOUND;
    if (rc != 0 && !first) {
        catalog_edit_abort(e);
        return rc;
    }
    struct schema_mgr *m = xcalloc(1, sizeof *m);
    m->vfs = v ? v : vfs_default();
    m->data_dir = xstrdup(data_dir);
    m->st = st;
    pthread_mutex_init(&m->mu, NULL);
    m->current = catalog_edit_finish(e);
    m->nnodes = 1;
    rc = register_tables(m, m->current, em);
    if (rc != 0) {
        schema_mgr_close(m);
        return rc;
    }
    char ver[UUID_STR_LEN + 1];
    uuid_format(&m->current->version, ver);
    log_info("schema", "schema loaded%s keyspaces=%u tables=%u schema_version=%s",
             first ? " (first start: system keyspaces only)" : "", m->current->nkeyspaces,
             m->current->ntables_all, ver);
    *out = m;
    return 0;
}

void schema_mgr_close(struct schema_mgr *m)
{
    if (!m) return;
    /* Jobs still queued belong to loops that have stopped: they are dropped unanswered. */
    for (struct schema_job *j = m->head, *n; j; j = n) {
        n = j->next;
        free(j);
    }
    catalog_unref(m->current);
    pthread_mutex_destroy(&m->mu);
    free(m->data_dir);
    free(m);
}

void schema_mgr_set_events(struct schema_mgr *m, struct cql_events *ev)
{
    pthread_mutex_lock(&m->mu);
    m->events = ev;
    pthread_mutex_unlock(&m->mu);
}

struct catalog *schema_mgr_current(struct schema_mgr *m)
{
    pthread_mutex_lock(&m->mu);
    struct catalog *c = catalog_ref(m->current);
    pthread_mutex_unlock(&m->mu);
    return c;
}

void schema_mgr_set_local(struct schema_mgr *m, const struct local_node *local)
{
    pthread_mutex_lock(&m->mu);
    m->local = local;
    if (m->ndcs == 0 && local) {
        snprintf(m->dcs[0], RING_NAME_MAX, "%s", local->dc);
        m->ndcs = 1;
    }
    pthread_mutex_unlock(&m->mu);
}

const struct local_node *schema_mgr_local(struct schema_mgr *m)
{
    pthread_mutex_lock(&m->mu);
    const struct local_node *l = m->local;
    pthread_mutex_unlock(&m->mu);
    return l;
}

void schema_mgr_set_topology(struct schema_mgr *m, const char *const *dcs, size_t ndcs,
                             uint32_t nnodes)
{
    pthread_mutex_lock(&m->mu);
    m->ndcs = 0;
    for (size_t i = 0; i < ndcs && i < STRATEGY_DCS_MAX; i++)
        snprintf(m->dcs[m->ndcs++], RING_NAME_MAX, "%s", dcs[i]);
    m->nnodes = nnodes ? nnodes : 1;
    pthread_mutex_unlock(&m->mu);
}

/* ---- applying a plan (thread pool) ---------------------------------------------------- */

/* Undoes the store registrations of a change that could not be committed. */
static void undo_store(struct schema_mgr *m, const struct catalog *base,
                       const struct ddl_store_changes *ch, uint32_t nadded, uint32_t naltered)
{
    struct errmsg em;
    for (uint32_t i = 0; i < naltered; i++) {
        struct table_schema *old = catalog_table_by_id(base, &ch->alter[i]->id);
        if (old && store_alter_table(m->st, old, &em) != 0)
            log_error("schema", "cannot restore table %s.%s: %s", old->keyspace, old->name,
                      em.text);
    }
    for (uint32_t i = 0; i < nadded; i++)
        if (store_drop_table(m->st, &ch->add[i]->id, &em) != 0)
            log_error("schema", "cannot unregister table %s.%s: %s", ch->add[i]->keyspace,
                      ch->add[i]->name, em.text);
}

static void publish(struct schema_mgr *m, struct catalog *next)
{
    pthread_mutex_lock(&m->mu);
    struct catalog *old = m->current;
    m->current = catalog_ref(next);
    pthread_mutex_unlock(&m->mu);
    catalog_unref(old);
}

static void store_after(struct schema_mgr *m, const struct ddl_store_changes *ch)
{
    struct errmsg em;
    for (uint32_t i = 0; m->st && i < ch->ndrop; i++)
        if (store_drop_table(m->st, &ch->drop[i]->id, &em) != 0)
            log_error("schema", "dropping table %s.%s from the store failed: %s",
                      ch->drop[i]->keyspace, ch->drop[i]->name, em.text);
}

/* A table created (or altered) with a compaction strategy the store does not implement: one
   warning saying what actually runs (docs/compat.md, "Differences on purpose"). */
static void warn_compaction(const struct catalog *base, const struct ddl_store_changes *ch)
{
    for (uint32_t i = 0; i < ch->nadd + ch->nalter; i++) {
        const struct table_schema *t = i < ch->nadd ? ch->add[i] : ch->alter[i - ch->nadd];
        const char *cls = str_map_get(&t->opts.compaction, "class");
        if (schema_compaction_is_native(cls)) continue;
        const struct table_schema *old = base ? catalog_table_by_id(base, &t->id) : NULL;
        const char *old_cls = old ? str_map_get(&old->opts.compaction, "class") : NULL;
        if (old_cls && cls && strcmp(old_cls, cls) == 0) continue;
        log_warn("schema",
                 "compaction strategy not implemented, running SizeTieredCompactionStrategy "
                 "instead ks=%s table=%s requested=%s",
                 t->keyspace, t->name, cls ? cls : "?");
    }
}

/* Store registrations, the durable catalog write, publication, then store removals. */
static int apply_change(struct schema_mgr *m, const struct catalog *base, struct catalog *next,
                        struct errmsg *em)
{
    struct ddl_store_changes ch;
    ddl_plan_store_changes(base, next, &ch);
    uint32_t added = 0, altered = 0;
    int rc = 0;
    while (m->st && rc == 0 && added < ch.nadd)
        if ((rc = store_add_table(m->st, ch.add[added], em)) == 0) added++;
    while (m->st && rc == 0 && altered < ch.nalter)
        if ((rc = store_alter_table(m->st, ch.alter[altered], em)) == 0) altered++;
    if (rc == 0) rc = catalog_codec_save(m->vfs, m->data_dir, next, em);
    if (rc != 0) {
        if (m->st) undo_store(m, base, &ch, added, altered);
        ddl_store_changes_free(&ch);
        return rc;
    }
    publish(m, next);
    if (base) warn_compaction(base, &ch);
    store_after(m, &ch);
    ddl_store_changes_free(&ch);
    return 0;
}

static void plan_ctx(struct schema_mgr *m, const struct catalog *base, const char *session_ks,
                     const char **dcs, struct ddl_ctx *ctx)
{
    pthread_mutex_lock(&m->mu);
    for (uint32_t i = 0; i < m->ndcs; i++)
        dcs[i] = m->dcs[i];
    *ctx = (struct ddl_ctx){.base = base,
                            .session_keyspace = session_ks,
                            .known_dcs = dcs,
                            .nknown = m->ndcs,
                            .nnodes = m->nnodes,
                            .now_us = clock_real_us()};
    pthread_mutex_unlock(&m->mu);
}

static void log_change(const struct ddl_plan *p)
{
    char ver[UUID_STR_LEN + 1];
    uuid_format(&p->next->version, ver);
    log_info("schema", "schema changed change=%s target=%s ks=%s%s%s schema_version=%s", p->change,
             p->target, p->keyspace, p->name[0] ? " name=" : "", p->name, ver);
}

static void work_job(struct evloop_work *w)
{
    struct schema_job *j = (struct schema_job *)w;
    struct schema_mgr *m = j->m;
    struct catalog *base = schema_mgr_current(m);
    const char *dcs[STRATEGY_DCS_MAX];
    struct ddl_ctx ctx;
    plan_ctx(m, base, j->session_ks, dcs, &ctx);
    j->status = ddl_plan(&ctx, j->s, &j->plan, &j->em);
    if (j->status == 0 && j->plan.truncate && m->st)
        j->status = store_truncate(m->st, &j->plan.truncate_id, &j->em);
    if (j->status == 0 && j->plan.next) {
        j->status = apply_change(m, base, j->plan.next, &j->em);
        if (j->status == 0) log_change(&j->plan);
    }
    catalog_unref(base);
}

/* ---- answering (request loop) ---------------------------------------------------------- */

static struct cqlwire_str wstr(const char *s)
{
    return (struct cqlwire_str){s, strlen(s)};
}

static void answer(struct schema_job *j)
{
    struct cql_request *r = j->r;
    const struct ddl_plan *p = &j->plan;
    if (j->status != 0) {
        r->em = j->em;
        if (j->status == ERR_ALREADY_EXISTS) {
            r->err.keyspace = wstr(arena_strdup(r->arena, p->ae_keyspace));
            r->err.table = wstr(arena_strdup(r->arena, p->ae_table));
        }
        return;
    }
    if (p->warning[0] && r->nwarnings < CQL_WARNINGS_MAX)
        r->warnings[r->nwarnings++] = arena_strdup(r->arena, p->warning);
    if (!p->schema_change) {
        cqlresp_put_void(&r->body);
        return;
    }
    struct cqlevent_schema sc = {.change = wstr(p->change),
                                 .target = wstr(p->target),
                                 .keyspace = wstr(p->keyspace),
                                 .name = wstr(p->name)};
    cqlresp_put_schema_change(&r->body, &sc, j->version);
    pthread_mutex_lock(&j->m->mu);
    struct cql_events *ev = j->m->events;
    pthread_mutex_unlock(&j->m->mu);
    if (ev) {
        struct cqlevent e = {.type = CQLEVENT_SCHEMA_CHANGE, .schema = sc};
        cql_events_publish(ev, &e);
    }
}

static void start_job(struct schema_job *j);

static void done_job(struct evloop_work *w)
{
    struct schema_job *j = (struct schema_job *)w;
    struct schema_mgr *m = j->m;
    answer(j);
    ddl_plan_release(&j->plan);
    struct cql_request *r = j->r;
    int status = j->status;
    free(j);
    pthread_mutex_lock(&m->mu);
    struct schema_job *next = m->head;
    if (next) {
        m->head = next->next;
        if (!m->head) m->tail = NULL;
        m->nqueued--;
    } else {
        m->busy = false;
    }
    pthread_mutex_unlock(&m->mu);
    if (next) start_job(next);
    r->done_cb(r, status);
}

static void start_job(struct schema_job *j)
{
    j->work.loop = j->r->loop;
    j->work.work_fn = work_job;
    j->work.done_fn = done_job;
    evloop_work(&j->work);
}

void schema_mgr_execute(struct schema_mgr *m, struct cql_request *r, const struct ast_stmt *s)
{
    struct schema_job *j = xcalloc(1, sizeof *j);
    j->m = m;
    j->r = r;
    j->s = s;
    j->version = r->session && r->session->version ? r->session->version : 4;
    if (r->session) snprintf(j->session_ks, sizeof j->session_ks, "%s", r->session->keyspace);
    pthread_mutex_lock(&m->mu);
    bool run = !m->busy, full = m->nqueued >= SCHEMA_MGR_QUEUE_MAX;
    if (run) {
        m->busy = true;
    } else if (!full) {
        if (m->tail)
            m->tail->next = j;
        else
            m->head = j;
        m->tail = j;
        m->nqueued++;
    }
    pthread_mutex_unlock(&m->mu);
    if (run) {
        start_job(j);
    } else if (full) {
        free(j);
        r->done_cb(r, errmsg_set(&r->em, ERR_OVERLOADED,
                                 "Too many schema changes waiting (%d); retry later",
                                 SCHEMA_MGR_QUEUE_MAX));
    }
}

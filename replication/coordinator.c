/*
 * coordinator: see coordinator.h.
 *
 * Write path: availability is checked for every mutation before anything is applied (as
 * Cassandra's StorageProxy.mutate checks each response handler first), then each mutation is
 * applied to the local store and the write waits for the commit-log position of the last one
 * (positions only grow, so one wait covers them all). In periodic sync mode positions are
 * durable at once and the write completes before coordinator_write returns. Otherwise a small
 * heap object tracks the wait: one reference for the durability callback (posted back to the
 * request's loop) and one for the timeout timer; whichever fires first answers, the other only
 * releases its reference, so done_cb runs once and nothing is freed while libuv holds it.
 *
 * Liveness: until gossip exists the only node known alive is this one.
 */
#include "replication/coordinator.h"

#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "node/base/assert.h"
#include "node/base/clock.h"
#include "node/base/log.h"
#include "node/base/mem.h"

#define CAS_LOCK_STRIPES 1024

struct coordinator {
    struct store *store;
    pthread_mutex_t cas_locks[CAS_LOCK_STRIPES];
    uint32_t write_timeout_ms;
    uint32_t read_timeout_ms;
    uint32_t range_timeout_ms;
    struct uuid local_host_id;
    pthread_mutex_t mu; /* guards ring */
    struct token_map *ring;
};

int coordinator_create(const struct coordinator_config *cfg, struct coordinator **out,
                       struct errmsg *em)
{
    if (!cfg->store || !cfg->ring)
        return errmsg_set(em, ERR_CONFIG, "coordinator: a store and a ring are required");
    if (token_map_node_index(cfg->ring, &cfg->local_host_id) < 0)
        return errmsg_set(em, ERR_CONFIG, "coordinator: the local node is not in the ring");
    struct coordinator *c = xcalloc(1, sizeof *c);
    c->store = cfg->store;
    c->write_timeout_ms = cfg->write_timeout_ms ? cfg->write_timeout_ms : 2000;
    c->read_timeout_ms = cfg->read_timeout_ms ? cfg->read_timeout_ms : 5000;
    c->range_timeout_ms = cfg->range_timeout_ms ? cfg->range_timeout_ms : 10000;
    c->local_host_id = cfg->local_host_id;
    pthread_mutex_init(&c->mu, NULL);
    for (int i = 0; i < CAS_LOCK_STRIPES; i++)
        pthread_mutex_init(&c->cas_locks[i], NULL);
    c->ring = token_map_ref(cfg->ring);
    *out = c;
    return 0;
}

void coordinator_destroy(struct coordinator *c)
{
    if (!c) return;
    token_map_unref(c->ring);
    pthread_mutex_destroy(&c->mu);
    for (int i = 0; i < CAS_LOCK_STRIPES; i++)
        pthread_mutex_destroy(&c->cas_locks[i]);
    free(c);
}

void coordinator_set_ring(struct coordinator *c, struct token_map *ring)
{
    struct token_map *n = token_map_ref(ring), *old;
    pthread_mutex_lock(&c->mu);
    old = c->ring;
    c->ring = n;
    pthread_mutex_unlock(&c->mu);
    token_map_unref(old);
}

static struct token_map *ring_get(struct coordinator *c)
{
    pthread_mutex_lock(&c->mu);
    struct token_map *m = token_map_ref(c->ring);
    pthread_mutex_unlock(&c->mu);
    return m;
}

static void count_dc(struct replica_counts *rc, const char *dc)
{
    for (uint32_t i = 0; i < rc->ndcs; i++)
        if (strcmp(rc->dcs[i].dc, dc) == 0) {
            rc->dcs[i].alive++;
            return;
        }
    if (rc->ndcs < STRATEGY_DCS_MAX) {
        rc->dcs[rc->ndcs].dc = dc;
        rc->dcs[rc->ndcs++].alive = 1;
    }
}

int coordinator_check_available(struct coordinator *c, const struct strategy *s, int64_t token,
                                enum consistency cl, struct coordinator_error *err)
{
    struct token_map *m = ring_get(c);
    int local = token_map_node_index(m, &c->local_host_id);
    ASSERT(local >= 0);
    uint32_t reps[STRATEGY_RF_MAX * STRATEGY_DCS_MAX];
    size_t n = strategy_replicas(s, m, token, (uint32_t)local, reps, sizeof reps / sizeof reps[0]);
    struct replica_counts rc;
    memset(&rc, 0, sizeof rc);
    const char *local_dc = m->nodes[local].dc;
    for (size_t i = 0; i < n; i++) {
        if (reps[i] != (uint32_t)local) continue; /* only the local node is known alive */
        rc.alive++;
        if (strcmp(m->nodes[reps[i]].dc, local_dc) == 0) rc.alive_local++;
        count_dc(&rc, m->nodes[reps[i]].dc);
    }
    uint32_t required = 0, alive = 0;
    int r = consistency_check_available(cl, s, local_dc, &rc, &required, &alive);
    if (r != 0) {
        err->cl = (uint16_t)cl;
        err->required = (int32_t)required;
        err->alive = (int32_t)alive;
        errmsg_set(&err->em, ERR_UNAVAILABLE, "Cannot achieve consistency level %s",
                   consistency_name(cl));
    }
    token_map_unref(m);
    return r;
}

/* ---- writes ---- */

struct wop {
    struct coordinator_write *w;
    struct coordinator *c;
    struct evloop *loop;
    struct evloop_task task;
    uv_timer_t timer;
    int refs;
    bool done;
    int durable_status;
    uint32_t blockfor;
};

static void wop_release(struct wop *op)
{
    if (--op->refs == 0) free(op);
}

static void fail_write(struct coordinator_write *w, int code, uint32_t blockfor, const char *msg)
{
    w->err.cl = (uint16_t)w->cl;
    w->err.received = 0;
    w->err.blockfor = (int32_t)blockfor;
    w->err.numfailures = code == ERR_WRITE_FAILURE ? 1 : 0;
    w->err.write_type = w->write_type;
    errmsg_set(&w->err.em, code, "%s", msg);
}

static void timer_closed(uv_handle_t *h)
{
    wop_release(h->data);
}

static void wop_finish(struct wop *op, int status)
{
    if (op->done) return;
    op->done = true;
    uv_timer_stop(&op->timer);
    if (!uv_is_closing((uv_handle_t *)&op->timer))
        uv_close((uv_handle_t *)&op->timer, timer_closed);
    struct coordinator_write *w = op->w;
    op->w = NULL;
    w->done_cb(w, status);
}

static void durable_on_loop(struct evloop_task *t)
{
    struct wop *op = (struct wop *)((char *)t - offsetof(struct wop, task));
    if (!op->done) {
        if (op->durable_status != 0) {
            fail_write(op->w, ERR_WRITE_FAILURE, op->blockfor, "commit log sync failed");
            wop_finish(op, ERR_WRITE_FAILURE);
        } else {
            wop_finish(op, 0);
        }
    }
    wop_release(op);
}

static void durable_cb(void *arg, int status)
{
    struct wop *op = arg;
    op->durable_status = status;
    evloop_post(op->loop, &op->task);
}

static void write_timeout(uv_timer_t *t)
{
    struct wop *op = t->data;
    if (op->done) return;
    fail_write(op->w, ERR_WRITE_TIMEOUT, op->blockfor,
               "Operation timed out - received only 0 responses.");
    wop_finish(op, ERR_WRITE_TIMEOUT);
}

static int apply_all(struct coordinator *c, struct coordinator_write *w, store_pos *max_pos)
{
    *max_pos = 0;
    for (uint32_t i = 0; i < w->nmuts; i++) {
        store_pos pos = 0;
        struct errmsg em;
        int rc = store_apply(c->store, &w->muts[i], &pos, &em);
        if (rc == ERR_OVERLOADED || rc == ERR_INVALID) {
            errmsg_set(&w->err.em, rc, "%s", em.text);
            return rc;
        }
        if (rc < 0) {
            fail_write(w, ERR_WRITE_FAILURE, 1, em.text);
            return ERR_WRITE_FAILURE;
        }
        if (pos > *max_pos) *max_pos = pos;
    }
    return 0;
}

void coordinator_write(struct coordinator *c, struct coordinator_write *w)
{
    memset(&w->err, 0, sizeof w->err);
    int rc = consistency_validate_for_write(w->cl, &w->err.em);
    for (uint32_t i = 0; rc == 0 && i < w->nmuts; i++)
        rc = coordinator_check_available(c, w->strategies ? w->strategies[i] : w->strategy,
                                         w->muts[i].token, w->cl, &w->err);
    store_pos pos = 0;
    if (rc == 0) rc = apply_all(c, w, &pos);
    if (rc != 0 || w->nmuts == 0 || store_is_durable(c->store, pos)) {
        w->done_cb(w, rc);
        return;
    }
    struct wop *op = xcalloc(1, sizeof *op);
    op->w = w;
    op->c = c;
    op->loop = w->loop;
    op->refs = 2;
    op->task.fn = durable_on_loop;
    op->blockfor = 1;
    uv_timer_init(w->loop->uv, &op->timer);
    op->timer.data = op;
    uv_timer_start(&op->timer, write_timeout, c->write_timeout_ms, 0);
    store_on_durable(c->store, pos, durable_cb, op);
}

/* ---- reads ---- */

#define READ_CLOCK_EVERY 64 /* visitor calls between deadline checks */

static bool past_deadline(struct coordinator_read *rd)
{
    if (++rd->calls % READ_CLOCK_EVERY != 0 || clock_mono_ns() < rd->deadline_ns) return false;
    rd->timed_out = true;
    return true;
}

static int wrap_start(void *arg, const struct pkey *key, const struct row *static_row)
{
    struct coordinator_read *rd = arg;
    if (past_deadline(rd)) return READ_STOP;
    return rd->visitor->partition_start(rd->visitor->arg, key, static_row);
}

static int wrap_row(void *arg, const struct row *row)
{
    struct coordinator_read *rd = arg;
    if (past_deadline(rd)) return READ_STOP;
    return rd->visitor->row(rd->visitor->arg, row);
}

static int wrap_end(void *arg)
{
    struct coordinator_read *rd = arg;
    return rd->visitor->partition_end(rd->visitor->arg);
}

static void read_work(struct evloop_work *wk)
{
    struct coordinator_read *rd =
        (struct coordinator_read *)((char *)wk - offsetof(struct coordinator_read, work));
    int rc = 0;
    for (uint32_t i = 0; i < rd->ncmds && rc == 0; i++) {
        if (i > 0 && rd->stopped && rd->stopped(rd->visitor->arg)) break;
        if (rd->timed_out || clock_mono_ns() >= rd->deadline_ns) {
            rd->timed_out = true;
            break;
        }
        rc = store_read(rd->c->store, &rd->cmds[i], &rd->wrap, &rd->err.em);
    }
    if (rc < 0 && rd->err.em.code == 0)
        errmsg_set(&rd->err.em, rc, "read failed: %s", err_name(rc));
    rd->status = rc;
}

static void read_done(struct evloop_work *wk)
{
    struct coordinator_read *rd =
        (struct coordinator_read *)((char *)wk - offsetof(struct coordinator_read, work));
    int rc = rd->status;
    if (rc == 0 && rd->timed_out) {
        rd->err.cl = (uint16_t)rd->cl;
        rd->err.received = 0;
        rd->err.blockfor = 1;
        rd->err.data_present = false;
        errmsg_set(&rd->err.em, ERR_READ_TIMEOUT,
                   "Operation timed out - received only 0 responses.");
        rd->done_cb(rd, ERR_READ_TIMEOUT);
        return;
    }
    if (rc == ERR_CORRUPT || rc == ERR_NOT_FOUND || (rc < 0 && rc > ERR_BASE)) {
        log_error("coordinator", "local read failed: %s", rd->err.em.text);
        rd->err.cl = (uint16_t)rd->cl;
        rd->err.received = 0;
        rd->err.blockfor = 1;
        rd->err.numfailures = 1;
        errmsg_set(&rd->err.em, ERR_READ_FAILURE,
                   "Operation failed - received 0 responses and 1 failures");
        rc = ERR_READ_FAILURE;
    }
    rd->done_cb(rd, rc);
}

/* A single-partition read that no SSTable can answer (memtables only: no disk, nothing to
   wait for) runs on the loop itself, sparing the hand-off to a pool thread and back, which
   costs more than such a read. False: nothing was read or called; use the pool. */
static bool read_inline(struct coordinator_read *rd)
{
    if (rd->ncmds != 1 || !rd->cmds[0].single) return false;
    struct read_cmd cmd = rd->cmds[0];
    cmd.memory_only = true;
    int rc = store_read(rd->c->store, &cmd, &rd->wrap, &rd->err.em);
    if (rc == -EWOULDBLOCK) {
        memset(&rd->err, 0, sizeof rd->err);
        return false;
    }
    if (rc < 0 && rd->err.em.code == 0)
        errmsg_set(&rd->err.em, rc, "read failed: %s", err_name(rc));
    rd->status = rc;
    read_done(&rd->work);
    return true;
}

void coordinator_read(struct coordinator *c, struct coordinator_read *rd)
{
    memset(&rd->err, 0, sizeof rd->err);
    rd->c = c;
    rd->status = 0;
    int rc = consistency_validate_for_read(rd->cl, &rd->err.em);
    for (uint32_t i = 0; rc == 0 && i < rd->ncmds; i++) {
        const struct read_cmd *cmd = &rd->cmds[i];
        int64_t token = cmd->single ? cmd->key.token : cmd->range.start;
        rc = coordinator_check_available(c, rd->strategy, token, rd->cl, &rd->err);
        if (!cmd->single) break; /* one node: every range has the same replicas */
    }
    if (rc != 0) {
        rd->done_cb(rd, rc);
        return;
    }
    bool range = rd->ncmds > 0 && !rd->cmds[0].single;
    rd->deadline_ns =
        clock_mono_ns() + (int64_t)(range ? c->range_timeout_ms : c->read_timeout_ms) * 1000000;
    rd->calls = 0;
    rd->timed_out = false;
    rd->wrap = (struct read_visitor){wrap_start, wrap_row, wrap_end, rd};
    memset(&rd->work, 0, sizeof rd->work);
    rd->work.loop = rd->loop;
    rd->work.work_fn = read_work;
    rd->work.done_fn = read_done;
    if (range) evloop_work(&rd->work);
    else if (!read_inline(rd)) evloop_work_batched(&rd->work); /* batched per loop turn */
}

/* ---- compare-and-set ---- */

static void cas_work(struct evloop_work *wk)
{
    struct coordinator_cas *op =
        (struct coordinator_cas *)((char *)wk - offsetof(struct coordinator_cas, work));
    struct coordinator *c = op->c;
    pthread_mutex_t *mu = &c->cas_locks[(uint64_t)op->cmd.key.token % CAS_LOCK_STRIPES];
    pthread_mutex_lock(mu);
    int rc = store_read(c->store, &op->cmd, op->visitor, &op->err.em);
    const struct partition_update *muts = NULL;
    uint32_t n = 0;
    if (rc == 0) rc = op->decide(op->arg, &muts, &n, &op->err.em);
    store_pos max = 0;
    for (uint32_t i = 0; rc == 0 && i < n; i++) {
        store_pos pos = 0;
        rc = store_apply(c->store, &muts[i], &pos, &op->err.em);
        if (pos > max) max = pos;
    }
    if (rc == 0 && n > 0 && !store_is_durable(c->store, max)) {
        rc = store_wait_durable(c->store, max);
        if (rc)
            errmsg_set(&op->err.em, ERR_WRITE_FAILURE, "commit log sync failed: %s", err_name(rc));
    }
    pthread_mutex_unlock(mu);
    op->status = rc;
}

static void cas_done(struct evloop_work *wk)
{
    struct coordinator_cas *op =
        (struct coordinator_cas *)((char *)wk - offsetof(struct coordinator_cas, work));
    int rc = op->status;
    if (rc < 0 && rc > ERR_BASE) rc = ERR_WRITE_FAILURE;
    if (rc == ERR_WRITE_FAILURE || rc == ERR_CORRUPT) {
        op->err.cl = (uint16_t)op->cl;
        op->err.blockfor = 1;
        op->err.numfailures = 1;
        op->err.write_type = COORD_WRITE_CAS;
        if (op->err.em.code != ERR_WRITE_FAILURE)
            errmsg_set(&op->err.em, ERR_WRITE_FAILURE,
                       "Operation failed - received 0 responses "
                       "and 1 failures");
        rc = ERR_WRITE_FAILURE;
    }
    op->done_cb(op, rc);
}

void coordinator_cas(struct coordinator *c, struct coordinator_cas *op)
{
    memset(&op->err, 0, sizeof op->err);
    op->c = c;
    op->status = 0;
    int rc = consistency_validate_for_write(op->cl, &op->err.em);
    if (rc == 0 && op->serial_cl != CL_SERIAL && op->serial_cl != CL_LOCAL_SERIAL)
        rc = errmsg_set(&op->err.em, ERR_INVALID,
                        "Invalid consistency for conditional update. "
                        "Must be one of SERIAL or LOCAL_SERIAL");
    if (rc == 0)
        rc = coordinator_check_available(c, op->strategy, op->cmd.key.token, op->serial_cl,
                                         &op->err);
    if (rc != 0) {
        op->done_cb(op, rc);
        return;
    }
    memset(&op->work, 0, sizeof op->work);
    op->work.loop = op->loop;
    op->work.work_fn = cas_work;
    op->work.done_fn = cas_done;
    evloop_work(&op->work);
}

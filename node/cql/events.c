/*
 * events: cql_events_publish (node/cql/events.h), implemented by the protocol server.
 *
 * The event is encoded once per protocol version (v3 and v4 differ for FUNCTION/AGGREGATE
 * schema changes) into one reference-counted blob, and a task carrying it is posted to every
 * loop. On its loop the task appends an EVENT frame (stream -1, lz4 when negotiated) to each
 * READY connection that REGISTERed for the type. A connection holding events_max unwritten
 * EVENT frames, or over its output limit (a client that does not read), misses the event:
 * the loss is counted and logged (rate-limited), the server's memory stays bounded.
 *
 * Ordering: a loop runs its tasks in FIFO order, so events reach a connection in publication
 * order (per publishing thread). Publishing after cql_server_stop is a no-op: the stopping flag
 * is checked under the server mutex, the same one the stop takes before posting its own tasks,
 * so no event task can be posted to a loop that has closed.
 * Thread rule: cql_events_publish from any thread; delivery on each loop's thread.
 */
#include "node/cql/events.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "node/base/log.h"
#include "node/base/mem.h"
#include "node/cql/conn.h"
#include "node/cql/server_loop.h"

struct event_blob {
    atomic_uint refs;
    enum cqlevent_type type;
    struct buf body[2]; /* [0] protocol v3, [1] v4 */
};

struct event_task {
    struct evloop_task task;
    struct server_loop *loop;
    struct event_blob *blob;
};

static void blob_unref(struct event_blob *b)
{
    if (atomic_fetch_sub(&b->refs, 1) != 1) return;
    buf_deinit(&b->body[0]);
    buf_deinit(&b->body[1]);
    free(b);
}

static void deliver(struct cql_conn *c, const struct event_blob *b)
{
    const struct cql_server_config *cfg = &c->loop->srv->cfg;
    if (c->events_queued >= cfg->events_max || conn_out_bytes(c) >= cfg->out_bytes_max) {
        struct server_loop *l = c->loop;
        l->events_dropped++;
        static _Thread_local struct log_limit lim;
        if (log_limit_allow(&lim, 10000))
            log_warn("cql", "event dropped for a client that does not read peer=%s "
                     "dropped_total=%llu", c->peer, (unsigned long long)l->events_dropped);
        return;
    }
    uint8_t v = c->session.version;
    const struct buf *body = &b->body[v >= 4 ? 1 : 0];
    size_t at = cqlframe_begin(&c->out, v, true, 0, CQLEVENT_STREAM, CQLFRAME_OP_EVENT);
    buf_append(&c->out, body->data, body->len);
    struct errmsg em;
    if (cqlframe_end(&c->out, at, c->lz4, CQLFRAME_BODY_MAX_LIMIT, &em) != 0) return;
    c->events_queued++;
    conn_output_added(c);
}

static void deliver_fn(struct evloop_task *t)
{
    struct event_task *et = (struct event_task *)t;
    struct event_blob *b = et->blob;
    uint8_t bit = (uint8_t)(1u << b->type);
    for (struct cql_conn *c = et->loop->conns; c; c = c->next)
        if (!c->closing && c->state == CONN_READY && (c->event_mask & bit)) deliver(c, b);
    blob_unref(b);
    free(et);
}

void cql_events_publish(struct cql_events *ev, const struct cqlevent *e)
{
    if (!ev) return;
    struct cql_server *s = ev->srv;
    struct event_blob *b = xcalloc(1, sizeof *b);
    b->type = e->type;
    for (int i = 0; i < 2; i++) {
        buf_init(&b->body[i]);
        cqlevent_put(&b->body[i], e, i + 3);
    }
    atomic_init(&b->refs, 1); /* the publisher's, dropped below */
    pthread_mutex_lock(&s->mu);
    if (!s->stopping) {
        for (uint32_t i = 0; i < s->nloops; i++) {
            struct event_task *et = xmalloc(sizeof *et);
            et->task.fn = deliver_fn;
            et->loop = &s->loops[i];
            et->blob = b;
            atomic_fetch_add(&b->refs, 1);
            evloop_post(&s->loops[i].ev, &et->task);
        }
    }
    pthread_mutex_unlock(&s->mu);
    blob_unref(b);
}

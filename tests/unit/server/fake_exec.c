/* fake_exec: see fake_exec.h. */
#include "tests/unit/server/fake_exec.h"

#include <criterion/criterion.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "node/base/clock.h"
#include "node/cqlproto/cqlresp.h"
#include "node/cqlproto/cqlrows.h"

#define FAKE_PENDING_MAX 4096

atomic_uint fake_exec_submitted;
atomic_uint fake_exec_done;

struct pending {
    struct evloop_task task;
    struct cql_request *r;
    int status;
    int64_t due_ms; /* -1: held */
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static struct pending *items[FAKE_PENDING_MAX];
static int nitems;
static bool release_held;
static bool stopping;
static pthread_t worker;
static bool worker_running;

static void complete_fn(struct evloop_task *t)
{
    struct pending *p = (struct pending *)t;
    cr_assert_eq(evloop_current(), p->r->loop, "completion runs on the request's loop");
    atomic_fetch_add(&fake_exec_done, 1);
    p->r->done_cb(p->r, p->status);
}

static bool due(const struct pending *p, int64_t now)
{
    return p->due_ms < 0 ? release_held : p->due_ms <= now;
}

static void *worker_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&mu);
    for (;;) {
        int64_t now = clock_mono_ms(), next = now + 1000;
        for (int i = 0; i < nitems;) {
            struct pending *p = items[i];
            if (due(p, now)) {
                items[i] = items[--nitems];
                evloop_post(p->r->loop, &p->task);
                continue;
            }
            if (p->due_ms >= 0 && p->due_ms < next) next = p->due_ms;
            i++;
        }
        if (nitems == 0) release_held = false;
        if (stopping && nitems == 0) break;
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        int64_t wait_ms = next - now < 1 ? 1 : next - now;
        ts.tv_sec += wait_ms / 1000;
        ts.tv_nsec += (wait_ms % 1000) * 1000000;
        if (ts.tv_nsec >= 1000000000) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000;
        }
        pthread_cond_timedwait(&cv, &mu, &ts);
    }
    pthread_mutex_unlock(&mu);
    return NULL;
}

void fake_exec_start(void)
{
    pthread_condattr_t a;
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_init(&cv, &a);
    pthread_create(&worker, NULL, worker_main, NULL);
    worker_running = true;
}

void fake_exec_release(void)
{
    pthread_mutex_lock(&mu);
    release_held = true;
    pthread_cond_signal(&cv);
    pthread_mutex_unlock(&mu);
}

void fake_exec_stop(void)
{
    if (!worker_running) return;
    pthread_mutex_lock(&mu);
    stopping = true;
    release_held = true;
    pthread_cond_signal(&cv);
    pthread_mutex_unlock(&mu);
    pthread_join(worker, NULL);
    worker_running = false;
}

static void later(struct cql_request *r, int status, int64_t due_ms)
{
    struct pending *p = arena_zalloc(r->arena, sizeof *p);
    p->task.fn = complete_fn;
    p->r = r;
    p->status = status;
    p->due_ms = due_ms;
    pthread_mutex_lock(&mu);
    cr_assert_lt(nitems, FAKE_PENDING_MAX);
    items[nitems++] = p;
    pthread_cond_signal(&cv);
    pthread_mutex_unlock(&mu);
}

static void put_rows(struct buf *b, const void *cell, size_t len, int version)
{
    static const struct cqlrows_col col = {{"ks", 2}, {"t", 1}, {"v", 1}, NULL};
    struct cqlrows_col c = col;
    c.type = cql_type_native(CQL_VARCHAR);
    struct cqlrows_meta m;
    memset(&m, 0, sizeof m);
    m.ncols = 1;
    m.cols = &c;
    struct cqlrows_writer w;
    cqlrows_begin(&w, b, &m, version);
    cqlrows_cell(&w, cell, len);
    cqlrows_finish(&w, NULL, 0);
}

static void answer_query(struct cql_request *r, const char *q)
{
    int v = r->req->version;
    if (strcmp(q, "rows") == 0) {
        put_rows(&r->body, "hello", 5, v);
    } else if (strncmp(q, "echo ", 5) == 0) {
        put_rows(&r->body, q, strlen(q), v);
    } else if (strcmp(q, "error") == 0) {
        r->done_cb(r, errmsg_set(&r->em, ERR_INVALID, "fake error"));
        return;
    } else if (strcmp(q, "warn") == 0) {
        cqlresp_put_void(&r->body);
        r->warnings[0] = "fake warning";
        r->nwarnings = 1;
    } else if (strncmp(q, "big ", 4) == 0) {
        size_t n = strtoul(q + 4, NULL, 10);
        char *cell = arena_alloc(r->arena, n + 1);
        memset(cell, 'x', n);
        put_rows(&r->body, cell, n, v);
    } else if (strncmp(q, "sleep ", 6) == 0) {
        put_rows(&r->body, q, strlen(q), v);
        later(r, 0, clock_mono_ms() + strtol(q + 6, NULL, 10));
        return;
    } else if (strncmp(q, "hold", 4) == 0) {
        cqlresp_put_void(&r->body);
        later(r, 0, -1);
        return;
    } else {
        cqlresp_put_void(&r->body);
    }
    atomic_fetch_add(&fake_exec_done, 1);
    r->done_cb(r, 0);
}

void fake_exec_submit(void *ctx, struct cql_request *r)
{
    (void)ctx;
    cr_assert_eq(evloop_current(), r->loop, "submit runs on the connection's loop");
    atomic_fetch_add(&fake_exec_submitted, 1);
    switch (r->req->opcode) {
    case CQLFRAME_OP_QUERY:
        answer_query(r, cqlwire_str_dup(r->req->query, r->arena));
        return;
    case CQLFRAME_OP_PREPARE: {
        struct cqlresp_prepared p;
        memset(&p, 0, sizeof p);
        p.id.p = (const uint8_t *)"fakeid";
        p.id.len = 6;
        p.result.flags = CQLROWS_NO_METADATA;
        cqlresp_put_prepared(&r->body, &p, r->req->version);
        break;
    }
    default:
        cqlresp_put_void(&r->body);
        break;
    }
    atomic_fetch_add(&fake_exec_done, 1);
    r->done_cb(r, 0);
}

struct cql_server *fake_server_start(void (*tweak)(struct cql_server_config *c))
{
    fake_exec_start();
    struct cql_server_config c;
    cql_server_config_default(&c);
    c.port = 0;
    c.loops = 2;
    c.submit = fake_exec_submit;
    if (tweak) tweak(&c);
    struct cql_server *s = NULL;
    struct errmsg em;
    errmsg_clear(&em);
    int rc = cql_server_create(&c, NULL, &s, &em);
    cr_assert_eq(rc, 0, "server start: %s", em.text);
    cr_assert_neq(cql_server_port(s), 0);
    return s;
}

void fake_server_stop(struct cql_server *s)
{
    fake_exec_release();
    cql_server_stop(s);
    cql_server_destroy(s);
    fake_exec_stop();
}

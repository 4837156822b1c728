/* server_loop: see server_loop.h. */
#include "node/cql/server_loop.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "node/base/assert.h"
#include "node/base/log.h"
#include "node/base/mem.h"
#include "node/cql/conn.h"
#include "node/cql/conn_msg.h"

#define LISTEN_BACKLOG 1024

/* An accepted fd on its way to another loop. */
struct handoff {
    struct evloop_task task;
    struct server_loop *loop;
    int fd;
};

int server_loop_listen_socket(const struct sockaddr *addr, socklen_t len, bool reuseport,
                              int *fd_out, struct errmsg *em)
{
    int fd = socket(addr->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return errmsg_set(em, -errno, "cannot create a socket: %s", strerror(errno));
    int one = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        (reuseport && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0)) {
        int e = errno;
        close(fd);
        return errmsg_set(em, -e, "cannot set socket options: %s", strerror(e));
    }
    if (bind(fd, addr, len) != 0 || listen(fd, LISTEN_BACKLOG) != 0) {
        int e = errno;
        close(fd);
        return errmsg_set(em, -e, "%s", strerror(e));
    }
    *fd_out = fd;
    return 0;
}

void server_loop_add_conn(struct server_loop *l, struct cql_conn *c)
{
    c->prev = NULL;
    c->next = l->conns;
    if (l->conns) l->conns->prev = c;
    l->conns = c;
    l->nconns++;
}

void server_loop_remove_conn(struct server_loop *l, struct cql_conn *c)
{
    if (c->prev) c->prev->next = c->next;
    else l->conns = c->next;
    if (c->next) c->next->prev = c->prev;
    ASSERT(l->nconns > 0);
    l->nconns--;
    server_loop_unmark_dirty(l, c);
}

static void idle_cb(uv_idle_t *h)
{
    (void)h; /* only keeps the next poll from blocking while output waits */
}

void server_loop_mark_dirty(struct server_loop *l, struct cql_conn *c)
{
    if (c->dirty) return;
    c->dirty = true;
    c->dirty_prev = NULL;
    c->dirty_next = l->dirty;
    if (l->dirty) l->dirty->dirty_prev = c;
    else uv_idle_start(&l->flush_idle, idle_cb);
    l->dirty = c;
}

void server_loop_unmark_dirty(struct server_loop *l, struct cql_conn *c)
{
    if (!c->dirty) return;
    if (c->dirty_prev) c->dirty_prev->dirty_next = c->dirty_next;
    else l->dirty = c->dirty_next;
    if (c->dirty_next) c->dirty_next->dirty_prev = c->dirty_prev;
    c->dirty = false;
    c->dirty_prev = c->dirty_next = NULL;
    if (!l->dirty) uv_idle_stop(&l->flush_idle);
}

/* Right after the loop's I/O callbacks: one write per connection with output. */
static void flush_cb(uv_check_t *h)
{
    struct server_loop *l = h->data;
    struct cql_conn *c;
    while ((c = l->dirty) != NULL) {
        server_loop_unmark_dirty(l, c);
        conn_flush(c); /* may mark c (or others) again: bounded by the frames they hold */
    }
}

static void open_conn(struct server_loop *l, int fd)
{
    if (l->stopping) {
        close(fd);
        atomic_fetch_sub(&l->srv->nconns, 1);
        return;
    }
    if (conn_open(l, fd) != 0) log_debug("cql", "connection could not be opened loop=%u", l->ev.index);
}

static void handoff_fn(struct evloop_task *t)
{
    struct handoff *h = (struct handoff *)t;
    struct server_loop *l = h->loop;
    int fd = h->fd;
    free(h);
    open_conn(l, fd);
}

/* Where a new connection goes: this loop with REUSEPORT, round robin otherwise. */
static void place(struct server_loop *l, int fd)
{
    struct cql_server *s = l->srv;
    if (s->cfg.accept == CQL_SERVER_ACCEPT_REUSEPORT || s->nloops == 1) {
        open_conn(l, fd);
        return;
    }
    uint32_t i = l->next_loop++ % s->nloops;
    if (i == l->ev.index) {
        open_conn(l, fd);
        return;
    }
    struct handoff *h = xmalloc(sizeof *h);
    h->task.fn = handoff_fn;
    h->loop = &s->loops[i];
    h->fd = fd;
    pthread_mutex_lock(&s->mu);
    bool posted = !s->stopping;
    if (posted) evloop_post(&h->loop->ev, &h->task);
    pthread_mutex_unlock(&s->mu);
    if (!posted) {
        free(h);
        close(fd);
        atomic_fetch_sub(&s->nconns, 1);
    }
}

static void accept_cb(uv_poll_t *p, int status, int events)
{
    (void)events;
    struct server_loop *l = p->data;
    struct cql_server *s = l->srv;
    if (status < 0 || l->stopping) return;
    for (int i = 0; i < SERVER_LOOP_ACCEPTS_PER_WAKE; i++) {
        int fd = accept4(l->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK) {
                static _Thread_local struct log_limit lim;
                if (log_limit_allow(&lim, 10000))
                    log_warn("cql", "accept failed: %s", strerror(errno));
            }
            return;
        }
        if (atomic_fetch_add(&s->nconns, 1) >= s->cfg.connections_max) {
            atomic_fetch_sub(&s->nconns, 1);
            close(fd);
            static _Thread_local struct log_limit lim;
            if (log_limit_allow(&lim, 10000))
                log_warn("cql", "connection refused: limit of %u connections reached "
                         "suppressed=%llu", s->cfg.connections_max,
                         (unsigned long long)lim.suppressed);
            continue;
        }
        place(l, fd);
    }
}

int server_loop_init(struct cql_server *s, uint32_t i, uv_loop_t *main_loop, int listen_fd,
                     struct errmsg *em)
{
    struct server_loop *l = &s->loops[i];
    l->srv = s;
    l->listen_fd = -1;
    int rc = main_loop ? evloop_attach(&l->ev, main_loop, i) : evloop_create(&l->ev, i);
    if (rc != 0) {
        if (listen_fd >= 0) close(listen_fd);
        return errmsg_set(em, rc, "cannot create event loop %u: %s", i, uv_strerror(rc));
    }
    l->inited = true;
    uv_check_init(l->ev.uv, &l->flush_check);
    uv_idle_init(l->ev.uv, &l->flush_idle);
    l->flush_check.data = l->flush_idle.data = l;
    uv_check_start(&l->flush_check, flush_cb);
    uv_unref((uv_handle_t *)&l->flush_check); /* the connections keep the loop alive */
    l->check_open = true;
    if (listen_fd < 0) return 0;
    l->listen_fd = listen_fd;
    rc = uv_poll_init(l->ev.uv, &l->listen_poll, listen_fd);
    if (rc == 0) {
        l->listen_open = true;
        l->listen_poll.data = l;
        rc = uv_poll_start(&l->listen_poll, UV_READABLE, accept_cb);
    }
    if (rc != 0) return errmsg_set(em, rc, "cannot watch the listening socket: %s", uv_strerror(rc));
    return 0;
}

int server_loop_start(struct server_loop *l)
{
    if (!l->ev.own_loop) {
        l->started = true;
        return 0;
    }
    int rc = evloop_start(&l->ev);
    if (rc == 0) l->started = true;
    return rc;
}

static void handle_closed_cb(uv_handle_t *h)
{
    (void)h;
}

/* The stop is over for this loop once the listener is gone and the last connection freed. */
static void maybe_done(struct server_loop *l)
{
    if (!l->stopping || l->listen_open || l->nconns > 0 || atomic_load(&l->done)) return;
    if (l->check_open) {
        uv_close((uv_handle_t *)&l->flush_check, handle_closed_cb);
        uv_close((uv_handle_t *)&l->flush_idle, handle_closed_cb);
        l->check_open = false;
    }
    atomic_store(&l->done, true);
    log_debug("cql", "loop stopped loop=%u events_dropped=%llu", l->ev.index,
              (unsigned long long)l->events_dropped);
    evloop_close(&l->ev);
}

void server_loop_conn_gone(struct server_loop *l)
{
    maybe_done(l);
}

static void listener_closed_cb(uv_handle_t *h)
{
    struct server_loop *l = h->data;
    close(l->listen_fd);
    l->listen_fd = -1;
    l->listen_open = false;
    maybe_done(l);
}

static void stop_fn(struct evloop_task *t)
{
    struct server_loop *l = (struct server_loop *)((char *)t - offsetof(struct server_loop, stop_task));
    l->stopping = true;
    if (l->listen_open) uv_close((uv_handle_t *)&l->listen_poll, listener_closed_cb);
    for (struct cql_conn *c = l->conns; c; c = c->next) conn_close(c, "server stopping");
    maybe_done(l);
}

void server_loop_post_stop(struct server_loop *l)
{
    l->stop_task.fn = stop_fn;
    evloop_post(&l->ev, &l->stop_task);
}

void server_loop_abort_attached(struct server_loop *l)
{
    ASSERT(l->inited && !l->ev.own_loop && evloop_current() == &l->ev);
    if (l->listen_open) uv_close((uv_handle_t *)&l->listen_poll, handle_closed_cb);
    l->listen_open = false;
    if (l->check_open) {
        uv_close((uv_handle_t *)&l->flush_check, handle_closed_cb);
        uv_close((uv_handle_t *)&l->flush_idle, handle_closed_cb);
        l->check_open = false;
    }
    evloop_close(&l->ev);
    uv_run(l->ev.uv, UV_RUN_NOWAIT); /* runs the close callbacks: nothing points at l after */
    atomic_store(&l->done, true);
}

void server_loop_deinit(struct server_loop *l)
{
    if (!l->inited) return;
    evloop_join(&l->ev); /* an owned loop's thread ends once the loop is done */
    ASSERT(!l->started || atomic_load(&l->done));
    if (l->listen_fd >= 0) close(l->listen_fd);
    conn_msg_free_cache(l);
    l->inited = false;
}

/* conn: see conn.h. */
#include "node/cql/conn.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "node/base/assert.h"
#include "node/base/log.h"
#include "node/base/mem.h"
#include "node/cql/conn_msg.h"
#include "node/cql/server_loop.h"
#include "node/cqlproto/cqlerr.h"

/* Handshake messages are tiny; requests get arenas of their own. */
#define CONN_SCRATCH_BLOCK 4096
/* A write buffer that grew past this (a large result) is given back once written. */
#define CONN_WBUF_KEEP_MAX (1u << 20)

static const struct cql_server_config *cfg_of(const struct cql_conn *c)
{
    return &c->loop->srv->cfg;
}

size_t conn_out_bytes(const struct cql_conn *c)
{
    return c->out.len + (c->writing ? c->wbuf.len : 0);
}

static bool paused(const struct cql_conn *c)
{
    if (c->closing || c->close_after_flush || c->auth_pending) return true;
    if (!c->throw_on_overload && c->inflight >= cfg_of(c)->inflight_max) return true;
    if (c->inflight_bytes >= cfg_of(c)->inflight_bytes_max) return true;
    return conn_out_bytes(c) >= cfg_of(c)->out_bytes_max;
}

static void maybe_free(struct cql_conn *c)
{
    if (c->handles_open > 0 || c->inflight > 0) return;
    struct server_loop *l = c->loop;
    cqlframe_decoder_deinit(&c->dec);
    arena_deinit(&c->scratch);
    buf_deinit(&c->out);
    buf_deinit(&c->wbuf);
    free(c->check);
    log_debug("cql", "connection freed peer=%s", c->peer);
    server_loop_remove_conn(l, c);
    free(c);
    atomic_fetch_sub(&l->srv->nconns, 1);
    server_loop_conn_gone(l);
}

static void closed_cb(uv_handle_t *h)
{
    struct cql_conn *c = h->data;
    c->handles_open--;
    maybe_free(c);
}

void conn_close(struct cql_conn *c, const char *why)
{
    if (c->closing) return;
    c->closing = true;
    log_debug("cql", "connection closing peer=%s reason=%s inflight=%u", c->peer, why,
              c->inflight);
    server_loop_unmark_dirty(c->loop, c);
    c->out.len = 0;
    uv_close((uv_handle_t *)&c->tcp, closed_cb);
    uv_close((uv_handle_t *)&c->timer, closed_cb);
}

bool conn_release(struct cql_conn *c)
{
    ASSERT(c->inflight > 0);
    c->inflight--;
    if (!c->closing) return false;
    bool last = c->handles_open == 0 && c->inflight == 0;
    maybe_free(c);
    return last;
}

static void alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *b)
{
    (void)suggested;
    struct cql_conn *c = h->data;
    size_t len;
    uint8_t *p = cqlframe_decoder_space(&c->dec, &len);
    *b = uv_buf_init((char *)p, (unsigned)(len > UINT32_MAX ? UINT32_MAX : len));
}

static void frame_fault(struct cql_conn *c, const struct cqlframe *f, const struct errmsg *em)
{
    /* An unsupported version is answered in a v4 header (drivers step down on it); other
       faults in the connection's version when it has one. */
    uint8_t v = 4;
    if (f->fault != CQLFRAME_FAULT_VERSION) {
        if (c->dec.version) v = c->dec.version;
        else if (f->h.version >= CQLFRAME_VERSION_MIN && f->h.version <= CQLFRAME_VERSION_MAX)
            v = f->h.version;
    }
    conn_fail(c, v, f->h.stream, em->text);
}

static void read_cb(uv_stream_t *s, ssize_t nread, const uv_buf_t *b);

static void update_reading(struct cql_conn *c)
{
    if (c->closing) return;
    bool want = !paused(c);
    if (want && !c->reading) {
        int rc = uv_read_start((uv_stream_t *)&c->tcp, alloc_cb, read_cb);
        if (rc != 0) {
            conn_close(c, uv_strerror(rc));
            return;
        }
        c->reading = true;
    } else if (!want && c->reading) {
        uv_read_stop((uv_stream_t *)&c->tcp);
        c->reading = false;
    }
}

static void process(struct cql_conn *c)
{
    if (c->processing || c->closing) return;
    c->processing = true;
    while (!paused(c)) {
        struct cqlframe f;
        struct errmsg em;
        errmsg_clear(&em);
        int rc = cqlframe_decoder_next(&c->dec, &f, &em);
        if (rc == 0) break;
        if (rc < 0) {
            frame_fault(c, &f, &em);
            break;
        }
        conn_msg_dispatch(c, &f);
    }
    c->processing = false;
    update_reading(c);
}

void conn_resume(struct cql_conn *c)
{
    process(c);
}

static void read_cb(uv_stream_t *s, ssize_t nread, const uv_buf_t *b)
{
    (void)b;
    struct cql_conn *c = s->data;
    if (nread == 0) return;
    if (nread < 0) {
        conn_close(c, nread == UV_EOF ? "closed by peer" : uv_strerror((int)nread));
        return;
    }
    cqlframe_decoder_commit(&c->dec, (size_t)nread);
    process(c);
}

void conn_output_added(struct cql_conn *c)
{
    if (c->closing) {
        c->out.len = 0;
        return;
    }
    server_loop_mark_dirty(c->loop, c);
}

/* Everything queued was accepted by the socket. */
static void drained(struct cql_conn *c)
{
    c->events_queued = 0;
    if (c->close_after_flush) {
        conn_close(c, "protocol error");
        return;
    }
    process(c); /* output was a pause reason */
}

static void write_cb(uv_write_t *req, int status)
{
    struct cql_conn *c = req->data;
    c->writing = false;
    c->wbuf.len = 0;
    if (c->wbuf.cap > CONN_WBUF_KEEP_MAX) {
        buf_deinit(&c->wbuf);
        buf_init(&c->wbuf);
    }
    if (c->closing) return;
    if (status < 0) {
        conn_close(c, uv_strerror(status));
        return;
    }
    if (c->out.len > 0) server_loop_mark_dirty(c->loop, c);
    else drained(c);
}

void conn_flush(struct cql_conn *c)
{
    if (c->closing || c->writing || c->out.len == 0) return;
    uv_buf_t b = uv_buf_init((char *)c->out.data, (unsigned)c->out.len);
    int n = uv_try_write((uv_stream_t *)&c->tcp, &b, 1);
    if (n == UV_EAGAIN) n = 0;
    if (n < 0) {
        conn_close(c, uv_strerror(n));
        return;
    }
    if ((size_t)n == c->out.len) {
        c->out.len = 0;
        drained(c);
        return;
    }
    /* The socket is full: the rest goes with a write request; out takes the empty buffer. */
    struct buf t = c->wbuf;
    c->wbuf = c->out;
    c->out = t;
    c->out.len = 0;
    b = uv_buf_init((char *)c->wbuf.data + n, (unsigned)(c->wbuf.len - (size_t)n));
    c->wreq.data = c;
    int rc = uv_write(&c->wreq, (uv_stream_t *)&c->tcp, &b, 1, write_cb);
    if (rc != 0) {
        conn_close(c, uv_strerror(rc));
        return;
    }
    c->writing = true;
    update_reading(c);
}

static void linger_cb(uv_timer_t *t)
{
    conn_close(t->data, "final answer not read in time");
}

void conn_fail(struct cql_conn *c, uint8_t version, int16_t stream, const char *msg)
{
    if (c->closing || c->close_after_flush) return;
    struct cqlerr e;
    memset(&e, 0, sizeof e);
    e.code = CQLERR_PROTOCOL;
    e.message = cqlwire_str_c(msg);
    cqlresp_write_error(&c->out, version, stream, &e);
    c->close_after_flush = true;
    log_debug("cql", "protocol error peer=%s stream=%d: %s", c->peer, stream, msg);
    uv_timer_stop(&c->timer);
    uv_timer_start(&c->timer, linger_cb, CQL_SERVER_CLOSE_LINGER_MS, 0);
    conn_output_added(c);
    update_reading(c);
}

void conn_send_resp(struct cql_conn *c, const struct cqlresp *r, bool compress)
{
    if (c->closing) return;
    struct errmsg em;
    int rc = cqlresp_encode(&c->out, r, compress && c->lz4, CQLFRAME_BODY_MAX_LIMIT, &em);
    ASSERT(rc == 0); /* handshake responses are small */
    conn_output_added(c);
}

void conn_send_error(struct cql_conn *c, uint8_t version, int16_t stream, const struct cqlerr *e)
{
    struct cqlresp r;
    memset(&r, 0, sizeof r);
    r.version = version;
    r.stream = stream;
    r.opcode = CQLFRAME_OP_ERROR;
    r.error = *e;
    conn_send_resp(c, &r, true);
}

static void peer_name(struct cql_conn *c)
{
    struct sockaddr_storage ss;
    int len = sizeof ss;
    snprintf(c->peer, sizeof c->peer, "?");
    if (uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&ss, &len) != 0) return;
    char host[INET6_ADDRSTRLEN] = "";
    if (ss.ss_family == AF_INET) {
        const struct sockaddr_in *a = (const struct sockaddr_in *)&ss;
        uv_ip4_name(a, host, sizeof host);
        snprintf(c->peer, sizeof c->peer, "%s:%u", host, ntohs(a->sin_port));
    } else if (ss.ss_family == AF_INET6) {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)&ss;
        uv_ip6_name(a, host, sizeof host);
        snprintf(c->peer, sizeof c->peer, "[%s]:%u", host, ntohs(a->sin6_port));
    }
}

int conn_open(struct server_loop *l, int fd)
{
    struct cql_conn *c = xcalloc(1, sizeof *c);
    c->loop = l;
    cqlframe_decoder_init(&c->dec, l->srv->cfg.frame_body_max, false);
    arena_init(&c->scratch, CONN_SCRATCH_BLOCK);
    buf_init(&c->out);
    buf_init(&c->wbuf);
    c->session.version = 4;
    uv_tcp_init(l->ev.uv, &c->tcp);
    uv_timer_init(l->ev.uv, &c->timer);
    c->tcp.data = c->timer.data = c;
    c->handles_open = 2;
    server_loop_add_conn(l, c);
    int rc = uv_tcp_open(&c->tcp, fd);
    if (rc != 0) {
        close(fd);
        conn_close(c, uv_strerror(rc));
        return rc;
    }
    uv_tcp_nodelay(&c->tcp, 1);
    peer_name(c);
    log_debug("cql", "connection open peer=%s loop=%u", c->peer, l->ev.index);
    update_reading(c);
    return c->closing ? -1 : 0;
}

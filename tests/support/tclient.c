/* tclient: see tclient.h. */
#include "tests/support/tclient.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "node/base/clock.h"

int64_t tclient_now_ms(void)
{
    return clock_mono_ms();
}

int tclient_connect(struct tclient *t, uint16_t port)
{
    memset(t, 0, sizeof *t);
    t->version = 4;
    cqlframe_decoder_init(&t->dec, CQLFRAME_BODY_MAX_LIMIT, true);
    arena_init(&t->arena, 0);
    t->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (t->fd < 0) return -errno;
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(t->fd, (struct sockaddr *)&a, sizeof a) != 0) return -errno;
    int one = 1;
    setsockopt(t->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return 0;
}

void tclient_close(struct tclient *t)
{
    if (t->fd >= 0) close(t->fd);
    t->fd = -1;
    cqlframe_decoder_deinit(&t->dec);
    arena_deinit(&t->arena);
}

static int wait_fd(int fd, short ev, int64_t deadline_ms)
{
    for (;;) {
        int64_t left = deadline_ms - tclient_now_ms();
        if (left <= 0) return -1;
        struct pollfd p = {.fd = fd, .events = ev};
        int rc = poll(&p, 1, (int)left);
        if (rc > 0) return 0;
        if (rc < 0 && errno != EINTR) return -1;
    }
}

long tclient_send_some(struct tclient *t, const void *p, size_t n)
{
    ssize_t w = send(t->fd, p, n, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (w < 0) return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
    return (long)w;
}

int tclient_send_raw(struct tclient *t, const void *p, size_t n)
{
    int64_t deadline = tclient_now_ms() + TCLIENT_TIMEOUT_MS;
    const uint8_t *b = p;
    while (n > 0) {
        long w = tclient_send_some(t, b, n);
        if (w < 0) return -1;
        b += w;
        n -= (size_t)w;
        if (n > 0 && wait_fd(t->fd, POLLOUT, deadline) != 0) return -1;
    }
    return 0;
}

int tclient_send(struct tclient *t, const struct cqlreq *req)
{
    struct buf b;
    buf_init(&b);
    int rc = cqlreq_encode(&b, req, t->lz4, CQLFRAME_BODY_MAX_LIMIT, NULL);
    if (rc == 0) rc = tclient_send_raw(t, b.data, b.len);
    buf_deinit(&b);
    return rc;
}

/* Reads what the socket has into the decoder: 1 bytes read, 0 EOF, -1 timeout/error. */
static int fill(struct tclient *t, int64_t deadline)
{
    if (wait_fd(t->fd, POLLIN, deadline) != 0) return -1;
    size_t len;
    uint8_t *p = cqlframe_decoder_space(&t->dec, &len);
    ssize_t r = recv(t->fd, p, len, 0);
    if (r == 0) return 0;
    if (r < 0) return errno == EINTR || errno == EAGAIN ? 1 : (errno == ECONNRESET ? 0 : -1);
    cqlframe_decoder_commit(&t->dec, (size_t)r);
    return 1;
}

int tclient_recv(struct tclient *t, struct cqlresp *out, int timeout_ms)
{
    int64_t deadline = tclient_now_ms() + timeout_ms;
    arena_reset(&t->arena);
    for (;;) {
        struct cqlframe f;
        struct errmsg em;
        int rc = cqlframe_decoder_next(&t->dec, &f, &em);
        if (rc < 0) return -1;
        if (rc == 1) {
            t->last = f.h;
            const uint8_t *body;
            size_t len;
            if (cqlframe_body_load(&f, true, CQLFRAME_BODY_MAX_LIMIT, &t->arena, &body, &len,
                                   &em) != 0)
                return -1;
            return cqlresp_decode(&f.h, body, len, &t->arena, out, &em) == 0 ? 1 : -1;
        }
        rc = fill(t, deadline);
        if (rc <= 0) return rc;
    }
}

bool tclient_wait_closed(struct tclient *t, int timeout_ms)
{
    int64_t deadline = tclient_now_ms() + timeout_ms;
    uint8_t junk[4096];
    for (;;) {
        if (wait_fd(t->fd, POLLIN, deadline) != 0) return false;
        ssize_t r = recv(t->fd, junk, sizeof junk, 0);
        if (r == 0 || (r < 0 && errno == ECONNRESET)) return true;
        if (r < 0 && errno != EINTR && errno != EAGAIN) return false;
    }
}

static void req_init(struct tclient *t, struct cqlreq *q, int16_t stream, uint8_t opcode)
{
    memset(q, 0, sizeof *q);
    q->version = t->version;
    q->stream = stream;
    q->opcode = opcode;
}

int tclient_options(struct tclient *t, int16_t stream)
{
    struct cqlreq q;
    req_init(t, &q, stream, CQLFRAME_OP_OPTIONS);
    return tclient_send(t, &q);
}

int tclient_startup(struct tclient *t, int16_t stream, const char *cql_version,
                    const char *compression)
{
    struct cqlwire_pair opts[2];
    memset(opts, 0, sizeof opts);
    uint16_t n = 0;
    if (cql_version) {
        opts[n].key = cqlwire_str_c("CQL_VERSION");
        opts[n++].str = cqlwire_str_c(cql_version);
    }
    if (compression) {
        opts[n].key = cqlwire_str_c("COMPRESSION");
        opts[n++].str = cqlwire_str_c(compression);
    }
    struct cqlreq q;
    req_init(t, &q, stream, CQLFRAME_OP_STARTUP);
    q.options = opts;
    q.noptions = n;
    bool lz4 = t->lz4;
    t->lz4 = false; /* STARTUP is never compressed */
    int rc = tclient_send(t, &q);
    t->lz4 = lz4;
    return rc;
}

int tclient_query(struct tclient *t, int16_t stream, const char *query)
{
    struct cqlreq q;
    req_init(t, &q, stream, CQLFRAME_OP_QUERY);
    q.query = cqlwire_str_c(query);
    q.params.cl = 1;
    return tclient_send(t, &q);
}

int tclient_register(struct tclient *t, int16_t stream, const char *const *events, int n)
{
    struct cqlwire_str names[4];
    for (int i = 0; i < n && i < 4; i++) names[i] = cqlwire_str_c(events[i]);
    struct cqlreq q;
    req_init(t, &q, stream, CQLFRAME_OP_REGISTER);
    q.events = names;
    q.nevents = (uint16_t)n;
    return tclient_send(t, &q);
}

int tclient_handshake(struct tclient *t, uint8_t version, bool lz4)
{
    t->version = version;
    if (tclient_startup(t, 0, "3.4.6", lz4 ? "lz4" : NULL) != 0) return -1;
    struct cqlresp r;
    if (tclient_recv(t, &r, TCLIENT_TIMEOUT_MS) != 1 || r.opcode != CQLFRAME_OP_READY) return -1;
    t->lz4 = lz4;
    return 0;
}

const char *tclient_cell0(struct tclient *t, const struct cqlresp *r)
{
    if (r->opcode != CQLFRAME_OP_RESULT || r->kind != CQLRESP_KIND_ROWS || r->rows.nrows < 1 ||
        r->rows.meta.ncols < 1)
        return NULL;
    const struct cqlwire_value *v = cqlrows_at(&r->rows, 0, 0);
    if (v->len < 0) return NULL;
    return arena_strndup(&t->arena, (const char *)v->p, (size_t)v->len);
}

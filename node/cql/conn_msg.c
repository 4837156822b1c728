/* conn_msg: see conn_msg.h. */
#include "node/cql/conn_msg.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/base/assert.h"
#include "node/base/log.h"
#include "node/base/mem.h"
#include "node/cql/exec.h"
#include "node/cql/server_loop.h"
#include "node/cqlproto/cqlerr.h"
#include "node/cqlproto/cqlreq.h"

/* A request's arena: most QUERY/EXECUTE frames and their results fit the first block. */
#define CONN_REQ_ARENA_BLOCK 8192
/* Longest client text quoted back in an error message. */
#define CONN_QUOTE_MAX 64

/* Answered requests a loop keeps for reuse, each with its arena's first block: a calloc and a
   malloc of CONN_REQ_ARENA_BLOCK fewer per request (both went through glibc's slow bins). */
#define CONN_REQ_CACHE_MAX 256

/* One request handed to the executor; back to its loop's cache (or freed) when it answers. */
struct conn_req {
    struct cql_request r;
    struct cql_conn *conn;
    struct arena arena;
    struct cqlreq req;
    size_t bytes; /* its frame, counted in conn->inflight_bytes */
    int16_t stream;
    uint8_t version;
    struct conn_req *next_free; /* in server_loop.req_cache */
};

static struct conn_req *req_get(struct server_loop *l)
{
    struct conn_req *q = l->req_cache;
    if (!q) {
        q = xmalloc(sizeof *q);
        arena_init(&q->arena, CONN_REQ_ARENA_BLOCK);
    } else {
        l->req_cache = q->next_free;
        l->nreq_cache--;
    }
    struct arena a = q->arena;
    memset(q, 0, sizeof *q);
    q->arena = a;
    return q;
}

static void req_put(struct server_loop *l, struct conn_req *q)
{
    arena_rewind(&q->arena);
    /* keep only standard first blocks (not one a big frame got for itself) */
    bool keep = l->nreq_cache < CONN_REQ_CACHE_MAX && !l->stopping &&
                (size_t)(q->arena.end - q->arena.ptr) <= CONN_REQ_ARENA_BLOCK;
    if (!keep) {
        arena_deinit(&q->arena);
        free(q);
        return;
    }
    q->next_free = l->req_cache;
    l->req_cache = q;
    l->nreq_cache++;
}

void conn_msg_free_cache(struct server_loop *l)
{
    while (l->req_cache) {
        struct conn_req *q = l->req_cache;
        l->req_cache = q->next_free;
        arena_deinit(&q->arena);
        free(q);
    }
    l->nreq_cache = 0;
}

static const struct cql_server_config *cfg_of(const struct cql_conn *c)
{
    return &c->loop->srv->cfg;
}

/* Queues a message-only ERROR; the connection goes on. */
static void send_error(struct cql_conn *c, uint8_t version, int16_t stream, int32_t code,
                       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void send_error(struct cql_conn *c, uint8_t version, int16_t stream, int32_t code,
                       const char *fmt, ...)
{
    char text[ERRMSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    struct cqlerr e;
    memset(&e, 0, sizeof e);
    e.code = code;
    e.message = cqlwire_str_c(text);
    conn_send_error(c, version, stream, &e);
}

static void send_simple(struct cql_conn *c, const struct cqlframe *f, uint8_t opcode)
{
    struct cqlresp r;
    memset(&r, 0, sizeof r);
    r.version = f->h.version;
    r.stream = f->h.stream;
    r.opcode = opcode;
    conn_send_resp(c, &r, true);
}

/* Decodes f's body into *req (strings in a). On failure answers and closes: returns -1. */
static int decode(struct cql_conn *c, const struct cqlframe *f, struct arena *a,
                  struct cqlreq *req)
{
    const uint8_t *body;
    size_t len;
    struct errmsg em;
    errmsg_clear(&em);
    int rc = cqlframe_body_load(f, c->lz4, cfg_of(c)->frame_body_max, a, &body, &len, &em);
    if (rc == 0) rc = cqlreq_decode(&f->h, body, len, a, req, &em);
    if (rc != 0) {
        conn_fail(c, f->h.version, f->h.stream, em.text[0] ? em.text : "malformed message");
        return -1;
    }
    return 0;
}

static void on_options(struct cql_conn *c, const struct cqlframe *f)
{
    static struct cqlwire_str cql_versions[] = {{CQL_SERVER_CQL_VERSION, 5}};
    static struct cqlwire_str compressions[] = {{"lz4", 3}};
    static struct cqlwire_str protocols[] = {{"3/v3", 4}, {"4/v4", 4}};
    static const struct cqlwire_multi supported[] = {
        {{"CQL_VERSION", 11}, cql_versions, 1},
        {{"COMPRESSION", 11}, compressions, 1},
        {{"PROTOCOL_VERSIONS", 17}, protocols, 2},
    };
    struct cqlresp r;
    memset(&r, 0, sizeof r);
    r.version = f->h.version;
    r.stream = f->h.stream;
    r.opcode = CQLFRAME_OP_SUPPORTED;
    r.supported = supported;
    r.nsupported = 3;
    conn_send_resp(c, &r, true);
}

/* "3.4.6" (also "3.4" and "3.4.6-SNAPSHOT") to major*1e6 + minor*1e3 + patch; -1 if malformed. */
static long cql_version_value(struct cqlwire_str s)
{
    long parts[3] = {0, 0, 0};
    size_t i = 0;
    int n = 0;
    while (n < 3) {
        size_t digits = 0;
        long v = 0;
        while (i < s.len && s.p[i] >= '0' && s.p[i] <= '9' && digits < 3) {
            v = v * 10 + (s.p[i] - '0');
            i++;
            digits++;
        }
        if (digits == 0) return -1;
        parts[n++] = v;
        if (i < s.len && s.p[i] == '.') i++;
        else break;
    }
    if (n < 2 || (i < s.len && s.p[i] != '-')) return -1;
    return parts[0] * 1000000 + parts[1] * 1000 + parts[2];
}

static int quote_len(struct cqlwire_str s)
{
    return (int)(s.len < CONN_QUOTE_MAX ? s.len : CONN_QUOTE_MAX);
}

/* Checks CQL_VERSION and COMPRESSION; answers and returns -1 when one is refused. */
static int startup_options(struct cql_conn *c, const struct cqlframe *f, const struct cqlreq *q)
{
    uint8_t v = f->h.version;
    int16_t st = f->h.stream;
    const struct cqlwire_str *ver = cqlreq_startup_option(q, "CQL_VERSION");
    if (!ver) {
        send_error(c, v, st, CQLERR_PROTOCOL, "Missing value CQL_VERSION in STARTUP message");
        return -1;
    }
    long val = cql_version_value(*ver);
    if (val < 0) {
        send_error(c, v, st, CQLERR_PROTOCOL, "Invalid version value: %.*s", quote_len(*ver),
                   ver->p);
        return -1;
    }
    if (val < cql_version_value(cqlwire_str_c(CQL_SERVER_CQL_VERSION_MIN))) {
        send_error(c, v, st, CQLERR_PROTOCOL,
                   "CQL version %.*s is not supported by the binary protocol (supported "
                   "version are >= " CQL_SERVER_CQL_VERSION_MIN ")",
                   quote_len(*ver), ver->p);
        return -1;
    }
    if (val > cql_version_value(cqlwire_str_c(CQL_SERVER_CQL_VERSION))) {
        send_error(c, v, st, CQLERR_PROTOCOL,
                   "Provided version %.*s is not supported by this server (supported: "
                   CQL_SERVER_CQL_VERSION ")",
                   quote_len(*ver), ver->p);
        return -1;
    }
    const struct cqlwire_str *comp = cqlreq_startup_option(q, "COMPRESSION");
    if (comp && comp->len > 0 && !cqlwire_str_eq_nocase(*comp, "lz4")) {
        send_error(c, v, st, CQLERR_PROTOCOL, "Unknown compression algorithm: %.*s",
                   quote_len(*comp), comp->p);
        return -1;
    }
    return 0;
}

static void on_startup(struct cql_conn *c, const struct cqlframe *f)
{
    struct cqlreq q;
    if (decode(c, f, &c->scratch, &q) != 0) return;
    if (startup_options(c, f, &q) != 0) return;
    const struct cqlwire_str *comp = cqlreq_startup_option(&q, "COMPRESSION");
    const struct cqlwire_str *thr = cqlreq_startup_option(&q, "THROW_ON_OVERLOAD");
    c->throw_on_overload = thr && cqlwire_str_eq_nocase(*thr, "true");
    c->session.version = f->h.version;
    struct auth *a = cfg_of(c)->auth;
    if (auth_is_required(a)) {
        struct cqlresp r;
        memset(&r, 0, sizeof r);
        r.version = f->h.version;
        r.stream = f->h.stream;
        r.opcode = CQLFRAME_OP_AUTHENTICATE;
        r.authenticator = cqlwire_str_c(a->ops->authenticator);
        conn_send_resp(c, &r, false);
        c->state = CONN_AUTHENTICATING;
    } else {
        send_simple(c, f, CQLFRAME_OP_READY);
        c->state = CONN_READY;
    }
    /* Drivers compress from the frame after READY/AUTHENTICATE on (AUTH_RESPONSE included). */
    c->lz4 = comp && comp->len > 0;
}

static void auth_fail_cb(uv_timer_t *t)
{
    struct cql_conn *c = t->data;
    struct auth_check *k = c->check;
    ASSERT(k && c->auth_pending);
    send_error(c, c->auth_version, c->auth_stream, CQLERR_AUTH, "%s",
               k->em.text[0] ? k->em.text : "Authentication failed");
    free(k);
    c->check = NULL;
    c->auth_pending = false;
    conn_resume(c);
}

static void auth_done(struct auth_check *k)
{
    struct cql_conn *c = k->user;
    if (c->closing) {
        conn_release(c); /* the check is freed with the connection */
        return;
    }
    if (k->status == 0) {
        snprintf(c->session.role, sizeof c->session.role, "%s", k->role);
        c->session.is_superuser = k->is_superuser;
        c->session.authenticated = true;
        c->state = CONN_READY;
        struct cqlresp r;
        memset(&r, 0, sizeof r);
        r.version = c->auth_version;
        r.stream = c->auth_stream;
        r.opcode = CQLFRAME_OP_AUTH_SUCCESS;
        r.token.len = CQLWIRE_NULL;
        conn_send_resp(c, &r, true);
        free(k);
        c->check = NULL;
        c->auth_pending = false;
        conn_release(c);
        conn_resume(c);
        return;
    }
    /* Bad credentials are answered late (a timer, never a sleep) to slow down guessing. */
    uv_timer_stop(&c->timer);
    uv_timer_start(&c->timer, auth_fail_cb, cfg_of(c)->auth_fail_delay_ms, 0);
    conn_release(c);
}

static void on_auth_response(struct cql_conn *c, const struct cqlframe *f)
{
    struct cqlreq q;
    if (decode(c, f, &c->scratch, &q) != 0) return;
    struct auth *a = cfg_of(c)->auth;
    ASSERT(a && !c->check);
    size_t len = q.token.len > 0 ? (size_t)q.token.len : 0;
    struct auth_check *k = xcalloc(1, sizeof *k + len + 1);
    uint8_t *tok = (uint8_t *)(k + 1);
    if (len) memcpy(tok, q.token.p, len);
    k->loop = &c->loop->ev;
    k->token = tok;
    k->token_len = len;
    k->done_cb = auth_done;
    k->user = c;
    c->check = k;
    c->auth_stream = f->h.stream;
    c->auth_version = f->h.version;
    c->auth_pending = true;
    c->inflight++;
    if (len == 0 || len > AUTH_TOKEN_MAX) {
        k->status = errmsg_set(&k->em, ERR_AUTH, "Authentication failed: bad SASL PLAIN token");
        auth_done(k);
        return;
    }
    a->ops->verify(a, k);
}

static void on_register(struct cql_conn *c, const struct cqlframe *f)
{
    struct cqlreq q;
    if (decode(c, f, &c->scratch, &q) != 0) return;
    c->event_mask |= q.event_mask;
    send_simple(c, f, CQLFRAME_OP_READY);
}

static void put_result(struct cql_conn *c, struct conn_req *q)
{
    struct cql_request *r = &q->r;
    struct cqlwire_str warns[CQL_WARNINGS_MAX];
    struct cqlresp head;
    memset(&head, 0, sizeof head);
    head.version = q->version;
    head.stream = q->stream;
    head.opcode = CQLFRAME_OP_RESULT;
    uint32_t nw = r->nwarnings < CQL_WARNINGS_MAX ? r->nwarnings : CQL_WARNINGS_MAX;
    for (uint32_t i = 0; i < nw; i++) warns[i] = cqlwire_str_c(r->warnings[i]);
    head.warnings = warns;
    head.nwarnings = (uint16_t)nw;
    size_t at = cqlresp_begin(&c->out, &head);
    buf_append(&c->out, r->body.data, r->body.len);
    struct errmsg em;
    if (cqlframe_end(&c->out, at, c->lz4, CQLFRAME_BODY_MAX_LIMIT, &em) != 0)
        send_error(c, q->version, q->stream, CQLERR_SERVER, "%s", em.text);
    conn_output_added(c);
}

static void put_error(struct cql_conn *c, struct conn_req *q, int status)
{
    struct cql_request *r = &q->r;
    if (r->em.code == 0) r->em.code = status;
    if (r->em.text[0] == '\0') snprintf(r->em.text, sizeof r->em.text, "%s", err_name(status));
    struct cqlerr from;
    cqlerr_from_errmsg(&from, &r->em);
    struct cqlerr e = r->err; /* extra fields (Unavailable, timeouts, Unprepared ...) */
    e.code = from.code;
    e.message = from.message;
    conn_send_error(c, q->version, q->stream, &e);
}

static void request_done(struct cql_request *r, int status)
{
    struct conn_req *q = r->user;
    struct cql_conn *c = q->conn;
    ASSERT(evloop_current() == r->loop || evloop_current() == NULL);
    if (!c->closing) {
        if (status == 0) put_result(c, q);
        else put_error(c, q, status);
    }
    c->inflight_bytes -= q->bytes;
    buf_deinit(&r->body);
    req_put(c->loop, q);
    if (conn_release(c)) return;
    conn_resume(c);
}

static void on_request(struct cql_conn *c, const struct cqlframe *f)
{
    const struct cql_server_config *cfg = cfg_of(c);
    if (c->inflight >= cfg->inflight_max) { /* only with THROW_ON_OVERLOAD */
        send_error(c, f->h.version, f->h.stream, CQLERR_OVERLOADED,
                   "Too many requests in flight on this connection (max %u)", cfg->inflight_max);
        return;
    }
    struct conn_req *q = req_get(c->loop);
    if (decode(c, f, &q->arena, &q->req) != 0) {
        req_put(c->loop, q);
        return;
    }
    q->conn = c;
    q->bytes = CQLFRAME_HEADER_SIZE + (size_t)f->h.body_len;
    q->stream = f->h.stream;
    q->version = f->h.version;
    struct cql_request *r = &q->r;
    r->loop = &c->loop->ev;
    r->session = &c->session;
    r->req = &q->req;
    r->arena = &q->arena;
    r->done_cb = request_done;
    r->user = q;
    buf_init(&r->body);
    errmsg_clear(&r->em);
    c->inflight++;
    c->inflight_bytes += q->bytes;
    cfg->submit(cfg->submit_ctx, r);
}

/* Cassandra's ServerConnection state check: NULL when op is fine in the current state. */
static const char *unexpected(const struct cql_conn *c, uint8_t op)
{
    if (op == CQLFRAME_OP_OPTIONS) return NULL;
    switch (c->state) {
    case CONN_NEW:
        return op == CQLFRAME_OP_STARTUP ? NULL : "expecting STARTUP or OPTIONS";
    case CONN_AUTHENTICATING:
        return op == CQLFRAME_OP_AUTH_RESPONSE ? NULL : "expecting SASL_RESPONSE";
    case CONN_READY:
        if (op == CQLFRAME_OP_STARTUP) return "the connection is already initialized";
        if (op == CQLFRAME_OP_AUTH_RESPONSE) return "no authentication is in progress";
        return NULL;
    }
    return "unknown state";
}

void conn_msg_dispatch(struct cql_conn *c, const struct cqlframe *f)
{
    uint8_t op = f->h.opcode;
    const char *why = unexpected(c, op);
    if (why) {
        send_error(c, f->h.version, f->h.stream, CQLERR_PROTOCOL, "Unexpected message %s, %s",
                   cqlframe_opcode_name(op), why);
        return;
    }
    switch (op) {
    case CQLFRAME_OP_OPTIONS:
        on_options(c, f);
        break;
    case CQLFRAME_OP_STARTUP:
        on_startup(c, f);
        break;
    case CQLFRAME_OP_AUTH_RESPONSE:
        on_auth_response(c, f);
        break;
    case CQLFRAME_OP_REGISTER:
        on_register(c, f);
        break;
    case CQLFRAME_OP_QUERY:
    case CQLFRAME_OP_PREPARE:
    case CQLFRAME_OP_EXECUTE:
    case CQLFRAME_OP_BATCH:
        on_request(c, f);
        return;
    default: /* the decoder lets only request opcodes through */
        send_error(c, f->h.version, f->h.stream, CQLERR_PROTOCOL, "Unexpected message %s",
                   cqlframe_opcode_name(op));
        break;
    }
    arena_reset(&c->scratch);
}

/* cqlreq: request messages, decode and encode. See cqlreq.h. */
#include "node/cqlproto/cqlreq.h"

#include <inttypes.h>
#include <string.h>

#include "node/base/assert.h"
#include "node/cqlproto/cqlcl.h"
#include "node/cqlproto/cqlevent.h"

static int bad(struct errmsg *em, uint8_t op, const char *what)
{
    return errmsg_set(em, ERR_PROTOCOL, "Malformed %s message: %s", cqlframe_opcode_name(op),
                      what);
}

/* Reads a [consistency]; unknown codes get Cassandra's message. */
static int get_cl(struct rbuf *r, uint8_t op, const char *what, uint16_t *cl, struct errmsg *em)
{
    if (cqlwire_get_short(r, cl) < 0) return bad(em, op, what);
    if (!cqlcl_is_valid(*cl))
        return errmsg_set(em, ERR_PROTOCOL, "Unknown code %u for a consistency level", *cl);
    return 0;
}

/* <n short> n x ([name string])[value]; every value needs >= 4 bytes, a name >= 2 more. */
static int get_values(struct rbuf *r, struct arena *a, int version, bool named, uint16_t *n,
                      const struct cqlwire_value **vals, const struct cqlwire_str **names)
{
    uint16_t cnt;
    if (cqlwire_get_short(r, &cnt) < 0 || (size_t)cnt * (named ? 6 : 4) > rbuf_left(r))
        return ERR_PROTOCOL;
    struct cqlwire_value *v = cnt ? arena_alloc(a, cnt * sizeof *v) : NULL;
    struct cqlwire_str *nm = named && cnt ? arena_alloc(a, cnt * sizeof *nm) : NULL;
    for (uint16_t i = 0; i < cnt; i++) {
        if (named && cqlwire_get_string(r, &nm[i]) < 0) return ERR_PROTOCOL;
        if (cqlwire_get_value(r, version, &v[i]) < 0) return ERR_PROTOCOL;
    }
    *n = cnt;
    *vals = v;
    *names = nm;
    return 0;
}

/* The common tail of <query_parameters> and BATCH: [serial consistency][timestamp]. */
static int get_tail(struct rbuf *r, uint8_t op, uint8_t flags, uint16_t *serial_cl,
                    int64_t *ts_us, struct errmsg *em)
{
    *serial_cl = CQLCL_SERIAL;
    if ((flags & CQLREQ_FLAG_SERIAL_CL) && get_cl(r, op, "truncated serial consistency",
                                                  serial_cl, em) < 0)
        return ERR_PROTOCOL;
    if (flags & CQLREQ_FLAG_TIMESTAMP) {
        if (cqlwire_get_long(r, ts_us) < 0) return bad(em, op, "truncated timestamp");
        if (*ts_us == INT64_MIN)
            return errmsg_set(em, ERR_PROTOCOL,
                              "Out of bound timestamp, must be in [%" PRId64 ", %" PRId64
                              "] (got %" PRId64 ")",
                              INT64_MIN + 1, INT64_MAX, *ts_us);
    }
    return 0;
}

static int get_params(struct rbuf *r, struct arena *a, int version, uint8_t op,
                      struct cqlreq_params *p, struct errmsg *em)
{
    memset(p, 0, sizeof *p);
    p->paging_state.len = CQLWIRE_NULL;
    if (get_cl(r, op, "truncated consistency", &p->cl, em) < 0) return ERR_PROTOCOL;
    if (cqlwire_get_byte(r, &p->flags) < 0) return bad(em, op, "truncated flags");
    if ((p->flags & CQLREQ_FLAG_VALUES) &&
        get_values(r, a, version, (p->flags & CQLREQ_FLAG_NAMES) != 0, &p->nvalues, &p->values,
                   &p->names) < 0)
        return bad(em, op, "truncated or invalid bound values");
    if ((p->flags & CQLREQ_FLAG_PAGE_SIZE) && cqlwire_get_int(r, &p->page_size) < 0)
        return bad(em, op, "truncated page size");
    if ((p->flags & CQLREQ_FLAG_PAGING_STATE) && cqlwire_get_bytes(r, &p->paging_state) < 0)
        return bad(em, op, "truncated paging state");
    return get_tail(r, op, p->flags, &p->serial_cl, &p->timestamp_us, em);
}

static int get_batch_stmt(struct rbuf *r, struct arena *a, int version,
                          struct cqlreq_batch_stmt *s, struct errmsg *em)
{
    memset(s, 0, sizeof *s);
    s->id.len = CQLWIRE_NULL;
    if (cqlwire_get_byte(r, &s->kind) < 0) return bad(em, CQLFRAME_OP_BATCH, "truncated kind");
    int rc;
    if (s->kind == 0)
        rc = cqlwire_get_long_string(r, &s->query);
    else if (s->kind == 1)
        rc = cqlwire_get_short_bytes(r, &s->id);
    else
        return errmsg_set(em, ERR_PROTOCOL,
                          "Invalid query kind in BATCH messages. Must be 0 or 1 but got %u",
                          s->kind);
    if (rc < 0) return bad(em, CQLFRAME_OP_BATCH, "truncated query or id");
    if (get_values(r, a, version, false, &s->nvalues, &s->values, &s->names) < 0)
        return bad(em, CQLFRAME_OP_BATCH, "truncated or invalid bound values");
    return 0;
}

static int get_batch(struct rbuf *r, struct arena *a, int version, struct cqlreq_batch *bt,
                     struct errmsg *em)
{
    memset(bt, 0, sizeof *bt);
    const uint8_t op = CQLFRAME_OP_BATCH;
    if (cqlwire_get_byte(r, &bt->type) < 0 || cqlwire_get_short(r, &bt->nstmts) < 0)
        return bad(em, op, "truncated header");
    if (bt->type > CQLREQ_BATCH_COUNTER)
        return errmsg_set(em, ERR_PROTOCOL, "Invalid BATCH message type %u", bt->type);
    /* A statement is at least <kind byte><short bytes id><n short>: 5 bytes. */
    if ((size_t)bt->nstmts * 5 > rbuf_left(r)) return bad(em, op, "truncated statements");
    struct cqlreq_batch_stmt *st = bt->nstmts ? arena_alloc(a, bt->nstmts * sizeof *st) : NULL;
    for (uint16_t i = 0; i < bt->nstmts; i++)
        if (get_batch_stmt(r, a, version, &st[i], em) < 0) return ERR_PROTOCOL;
    bt->stmts = st;
    if (get_cl(r, op, "truncated consistency", &bt->cl, em) < 0) return ERR_PROTOCOL;
    if (cqlwire_get_byte(r, &bt->flags) < 0) return bad(em, op, "truncated flags");
    /* The names flag comes after the values it would describe (CASSANDRA-10246). */
    if (bt->flags & CQLREQ_FLAG_NAMES)
        return errmsg_set(em, ERR_PROTOCOL,
                          "Named values are not supported in BATCH messages (CASSANDRA-10246)");
    return get_tail(r, op, bt->flags, &bt->serial_cl, &bt->timestamp_us, em);
}

static int get_register(struct rbuf *r, struct arena *a, struct cqlreq *q, struct errmsg *em)
{
    struct cqlwire_str *ev;
    if (cqlwire_get_string_list(r, a, &ev, &q->nevents) < 0)
        return bad(em, CQLFRAME_OP_REGISTER, "truncated event list");
    q->events = ev;
    for (uint16_t i = 0; i < q->nevents; i++) {
        enum cqlevent_type t;
        if (cqlevent_type_parse(ev[i], &t) < 0)
            return errmsg_set(em, ERR_PROTOCOL, "Invalid event type %.*s",
                              (int)(ev[i].len > 64 ? 64 : ev[i].len), ev[i].p);
        q->event_mask |= (uint8_t)(1u << t);
    }
    return 0;
}

static int decode_body(struct rbuf *r, struct arena *a, struct cqlreq *q, struct errmsg *em)
{
    int v = q->version;
    switch (q->opcode) {
    case CQLFRAME_OP_STARTUP: {
        struct cqlwire_pair *opts;
        if (cqlwire_get_string_map(r, a, &opts, &q->noptions) < 0)
            return bad(em, q->opcode, "truncated options");
        q->options = opts;
        return 0;
    }
    case CQLFRAME_OP_AUTH_RESPONSE:
        return cqlwire_get_bytes(r, &q->token) < 0 ? bad(em, q->opcode, "truncated token") : 0;
    case CQLFRAME_OP_OPTIONS:
        return 0;
    case CQLFRAME_OP_QUERY:
        if (cqlwire_get_long_string(r, &q->query) < 0)
            return bad(em, q->opcode, "truncated query string");
        return get_params(r, a, v, q->opcode, &q->params, em);
    case CQLFRAME_OP_PREPARE:
        if (cqlwire_get_long_string(r, &q->query) < 0)
            return bad(em, q->opcode, "truncated query string");
        return 0;
    case CQLFRAME_OP_EXECUTE:
        if (cqlwire_get_short_bytes(r, &q->id) < 0) return bad(em, q->opcode, "truncated id");
        return get_params(r, a, v, q->opcode, &q->params, em);
    case CQLFRAME_OP_BATCH:
        return get_batch(r, a, v, &q->batch, em);
    case CQLFRAME_OP_REGISTER:
        return get_register(r, a, q, em);
    default:
        return errmsg_set(em, ERR_PROTOCOL, "Opcode %u (%s) is not a request", q->opcode,
                          cqlframe_opcode_name(q->opcode));
    }
}

int cqlreq_decode(const struct cqlframe_header *h, const uint8_t *body, size_t len,
                  struct arena *a, struct cqlreq *out, struct errmsg *em)
{
    struct cqlreq q;
    memset(&q, 0, sizeof q);
    q.version = h->version;
    q.frame_flags = h->flags;
    q.stream = h->stream;
    q.opcode = h->opcode;
    q.token.len = q.id.len = CQLWIRE_NULL;
    q.params.paging_state.len = CQLWIRE_NULL;
    struct rbuf r;
    rbuf_init(&r, body, len);
    if (h->flags & CQLFRAME_FLAG_CUSTOM_PAYLOAD) {
        if (h->version < 4)
            return errmsg_set(em, ERR_PROTOCOL,
                              "Received frame with CUSTOM_PAYLOAD flag for native protocol "
                              "version < 4");
        struct cqlwire_pair *pl;
        if (cqlwire_get_bytes_map(&r, a, &pl, &q.npayload) < 0)
            return bad(em, h->opcode, "truncated custom payload");
        q.payload = pl;
    }
    int rc = decode_body(&r, a, &q, em);
    if (rc < 0) return rc;
    *out = q;
    return 0;
}

/* ---- encoding ---- */

static void put_values(struct buf *b, int version, uint16_t n, const struct cqlwire_value *v,
                       const struct cqlwire_str *names)
{
    cqlwire_put_short(b, n);
    for (uint16_t i = 0; i < n; i++) {
        ASSERT(version >= 4 || v[i].len != CQLWIRE_UNSET);
        if (names) cqlwire_put_str(b, names[i]);
        cqlwire_put_value(b, v[i]);
    }
}

static void put_tail(struct buf *b, uint8_t flags, uint16_t serial_cl, int64_t ts_us)
{
    if (flags & CQLREQ_FLAG_SERIAL_CL) cqlwire_put_short(b, serial_cl);
    if (flags & CQLREQ_FLAG_TIMESTAMP) cqlwire_put_long(b, ts_us);
}

static void put_params(struct buf *b, int version, const struct cqlreq_params *p)
{
    cqlwire_put_short(b, p->cl);
    cqlwire_put_byte(b, p->flags);
    if (p->flags & CQLREQ_FLAG_VALUES)
        put_values(b, version, p->nvalues, p->values,
                   (p->flags & CQLREQ_FLAG_NAMES) ? p->names : NULL);
    if (p->flags & CQLREQ_FLAG_PAGE_SIZE) cqlwire_put_int(b, p->page_size);
    if (p->flags & CQLREQ_FLAG_PAGING_STATE) cqlwire_put_value(b, p->paging_state);
    put_tail(b, p->flags, p->serial_cl, p->timestamp_us);
}

static void put_batch(struct buf *b, int version, const struct cqlreq_batch *bt)
{
    ASSERT(!(bt->flags & CQLREQ_FLAG_NAMES));
    cqlwire_put_byte(b, bt->type);
    cqlwire_put_short(b, bt->nstmts);
    for (uint16_t i = 0; i < bt->nstmts; i++) {
        const struct cqlreq_batch_stmt *s = &bt->stmts[i];
        ASSERT(s->kind <= 1);
        cqlwire_put_byte(b, s->kind);
        if (s->kind == 0)
            cqlwire_put_long_string(b, s->query.p, s->query.len);
        else
            cqlwire_put_short_bytes(b, s->id.p, s->id.len > 0 ? (size_t)s->id.len : 0);
        put_values(b, version, s->nvalues, s->values, NULL);
    }
    cqlwire_put_short(b, bt->cl);
    cqlwire_put_byte(b, bt->flags);
    put_tail(b, bt->flags, bt->serial_cl, bt->timestamp_us);
}

static void encode_body(struct buf *b, const struct cqlreq *q)
{
    int v = q->version;
    switch (q->opcode) {
    case CQLFRAME_OP_STARTUP:
        cqlwire_put_string_map(b, q->options, q->noptions);
        break;
    case CQLFRAME_OP_AUTH_RESPONSE:
        cqlwire_put_value(b, q->token);
        break;
    case CQLFRAME_OP_OPTIONS:
        break;
    case CQLFRAME_OP_QUERY:
        cqlwire_put_long_string(b, q->query.p, q->query.len);
        put_params(b, v, &q->params);
        break;
    case CQLFRAME_OP_PREPARE:
        cqlwire_put_long_string(b, q->query.p, q->query.len);
        break;
    case CQLFRAME_OP_EXECUTE:
        cqlwire_put_short_bytes(b, q->id.p, q->id.len > 0 ? (size_t)q->id.len : 0);
        put_params(b, v, &q->params);
        break;
    case CQLFRAME_OP_BATCH:
        put_batch(b, v, &q->batch);
        break;
    case CQLFRAME_OP_REGISTER:
        cqlwire_put_string_list(b, q->events, q->nevents);
        break;
    default:
        UNREACHABLE();
    }
}

int cqlreq_encode(struct buf *b, const struct cqlreq *req, bool compress, uint32_t body_max,
                  struct errmsg *em)
{
    ASSERT(cqlframe_opcode_is_request(req->opcode));
    uint8_t flags = req->frame_flags & (uint8_t)~(CQLFRAME_FLAG_COMPRESSION |
                                                  CQLFRAME_FLAG_CUSTOM_PAYLOAD);
    if (req->npayload) {
        ASSERT(req->version >= 4);
        flags |= CQLFRAME_FLAG_CUSTOM_PAYLOAD;
    }
    size_t start = cqlframe_begin(b, req->version, false, flags, req->stream, req->opcode);
    if (req->npayload) cqlwire_put_bytes_map(b, req->payload, req->npayload);
    encode_body(b, req);
    if (req->opcode == CQLFRAME_OP_STARTUP) compress = false;
    return cqlframe_end(b, start, compress, body_max, em);
}

const struct cqlwire_str *cqlreq_startup_option(const struct cqlreq *req, const char *key)
{
    for (uint16_t i = 0; i < req->noptions; i++)
        if (cqlwire_str_eq(req->options[i].key, key)) return &req->options[i].str;
    return NULL;
}

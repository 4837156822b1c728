/* cqlresp: response messages, encode and decode. See cqlresp.h. */
#include "node/cqlproto/cqlresp.h"

#include <string.h>

#include "node/base/assert.h"

size_t cqlresp_begin(struct buf *b, const struct cqlresp *head)
{
    ASSERT(cqlframe_opcode_is_response(head->opcode));
    bool v4 = head->version >= 4;
    bool warn = v4 && head->nwarnings > 0;
    bool payload = v4 && head->npayload > 0;
    uint8_t flags = (uint8_t)((head->has_tracing_id ? CQLFRAME_FLAG_TRACING : 0) |
                              (warn ? CQLFRAME_FLAG_WARNING : 0) |
                              (payload ? CQLFRAME_FLAG_CUSTOM_PAYLOAD : 0));
    size_t start = cqlframe_begin(b, head->version, true, flags, head->stream, head->opcode);
    if (head->has_tracing_id) cqlwire_put_uuid(b, head->tracing_id);
    if (warn) cqlwire_put_string_list(b, head->warnings, head->nwarnings);
    if (payload) cqlwire_put_bytes_map(b, head->payload, head->npayload);
    return start;
}

void cqlresp_put_void(struct buf *b)
{
    cqlwire_put_int(b, CQLRESP_KIND_VOID);
}

void cqlresp_put_set_keyspace(struct buf *b, struct cqlwire_str keyspace)
{
    cqlwire_put_int(b, CQLRESP_KIND_SET_KEYSPACE);
    cqlwire_put_str(b, keyspace);
}

void cqlresp_put_prepared(struct buf *b, const struct cqlresp_prepared *p, int version)
{
    cqlwire_put_int(b, CQLRESP_KIND_PREPARED);
    cqlwire_put_short_bytes(b, p->id.p, p->id.len > 0 ? (size_t)p->id.len : 0);
    cqlrows_meta_put(b, &p->bind, true, version);
    cqlrows_meta_put(b, &p->result, false, version);
}

void cqlresp_put_schema_change(struct buf *b, const struct cqlevent_schema *sc, int version)
{
    cqlwire_put_int(b, CQLRESP_KIND_SCHEMA_CHANGE);
    cqlevent_schema_put(b, sc, version);
}

static void put_rows(struct buf *b, const struct cqlrows *rows, int version)
{
    struct cqlrows_writer w;
    cqlrows_begin(&w, b, &rows->meta, version);
    size_t ncells = (size_t)rows->nrows * (size_t)rows->meta.ncols;
    for (size_t i = 0; i < ncells; i++) cqlrows_cell_value(&w, rows->cells[i]);
    cqlrows_finish(&w, NULL, 0);
}

static void put_result(struct buf *b, const struct cqlresp *r)
{
    switch (r->kind) {
    case CQLRESP_KIND_VOID:
        cqlresp_put_void(b);
        break;
    case CQLRESP_KIND_ROWS:
        put_rows(b, &r->rows, r->version);
        break;
    case CQLRESP_KIND_SET_KEYSPACE:
        cqlresp_put_set_keyspace(b, r->keyspace);
        break;
    case CQLRESP_KIND_PREPARED:
        cqlresp_put_prepared(b, &r->prepared, r->version);
        break;
    case CQLRESP_KIND_SCHEMA_CHANGE:
        cqlresp_put_schema_change(b, &r->schema_change, r->version);
        break;
    default:
        UNREACHABLE();
    }
}

static void put_body(struct buf *b, const struct cqlresp *r)
{
    switch (r->opcode) {
    case CQLFRAME_OP_ERROR:
        cqlerr_put(b, &r->error, r->version);
        break;
    case CQLFRAME_OP_READY:
        break;
    case CQLFRAME_OP_AUTHENTICATE:
        cqlwire_put_str(b, r->authenticator);
        break;
    case CQLFRAME_OP_SUPPORTED:
        cqlwire_put_string_multimap(b, r->supported, r->nsupported);
        break;
    case CQLFRAME_OP_RESULT:
        put_result(b, r);
        break;
    case CQLFRAME_OP_EVENT:
        cqlevent_put(b, &r->event, r->version);
        break;
    case CQLFRAME_OP_AUTH_CHALLENGE:
    case CQLFRAME_OP_AUTH_SUCCESS:
        cqlwire_put_value(b, r->token);
        break;
    default:
        UNREACHABLE();
    }
}

int cqlresp_encode(struct buf *b, const struct cqlresp *r, bool compress, uint32_t body_max,
                   struct errmsg *em)
{
    size_t start = cqlresp_begin(b, r);
    put_body(b, r);
    return cqlframe_end(b, start, compress, body_max, em);
}

void cqlresp_write_error(struct buf *b, uint8_t version, int16_t stream, const struct cqlerr *e)
{
    struct cqlresp head;
    memset(&head, 0, sizeof head);
    head.version = version;
    head.stream = stream;
    head.opcode = CQLFRAME_OP_ERROR;
    size_t start = cqlresp_begin(b, &head);
    cqlerr_put(b, e, version);
    int rc = cqlframe_end(b, start, false, CQLFRAME_BODY_MAX_LIMIT, NULL);
    ASSERT(rc == 0); /* an error body is a few hundred bytes */
}

/* ---- decoding ---- */

static int bad(struct errmsg *em, uint8_t op, const char *what)
{
    return errmsg_set(em, ERR_PROTOCOL, "Malformed %s message: %s", cqlframe_opcode_name(op),
                      what);
}

static int get_result(struct rbuf *r, struct arena *a, struct cqlresp *q, struct errmsg *em)
{
    const uint8_t op = CQLFRAME_OP_RESULT;
    int v = q->version;
    if (cqlwire_get_int(r, &q->kind) < 0) return bad(em, op, "truncated kind");
    switch (q->kind) {
    case CQLRESP_KIND_VOID:
        return 0;
    case CQLRESP_KIND_ROWS:
        return cqlrows_get(r, a, v, &q->rows) < 0 ? bad(em, op, "invalid Rows") : 0;
    case CQLRESP_KIND_SET_KEYSPACE:
        return cqlwire_get_string(r, &q->keyspace) < 0 ? bad(em, op, "invalid Set_keyspace") : 0;
    case CQLRESP_KIND_PREPARED:
        if (cqlwire_get_short_bytes(r, &q->prepared.id) < 0 ||
            cqlrows_meta_get(r, a, true, v, &q->prepared.bind) < 0 ||
            cqlrows_meta_get(r, a, false, v, &q->prepared.result) < 0)
            return bad(em, op, "invalid Prepared");
        return 0;
    case CQLRESP_KIND_SCHEMA_CHANGE:
        return cqlevent_schema_get(r, a, &q->schema_change) < 0
                   ? bad(em, op, "invalid Schema_change")
                   : 0;
    default:
        return errmsg_set(em, ERR_PROTOCOL, "Unknown RESULT kind %d", q->kind);
    }
}

static int get_body(struct rbuf *r, struct arena *a, struct cqlresp *q, struct errmsg *em)
{
    struct cqlwire_multi *sup;
    switch (q->opcode) {
    case CQLFRAME_OP_ERROR:
        return cqlerr_get(r, a, &q->error) < 0 ? bad(em, q->opcode, "invalid error body") : 0;
    case CQLFRAME_OP_READY:
        return 0;
    case CQLFRAME_OP_AUTHENTICATE:
        return cqlwire_get_string(r, &q->authenticator) < 0
                   ? bad(em, q->opcode, "truncated authenticator")
                   : 0;
    case CQLFRAME_OP_SUPPORTED:
        if (cqlwire_get_string_multimap(r, a, &sup, &q->nsupported) < 0)
            return bad(em, q->opcode, "invalid options");
        q->supported = sup;
        return 0;
    case CQLFRAME_OP_RESULT:
        return get_result(r, a, q, em);
    case CQLFRAME_OP_EVENT:
        return cqlevent_get(r, a, &q->event) < 0 ? bad(em, q->opcode, "invalid event") : 0;
    case CQLFRAME_OP_AUTH_CHALLENGE:
    case CQLFRAME_OP_AUTH_SUCCESS:
        return cqlwire_get_bytes(r, &q->token) < 0 ? bad(em, q->opcode, "truncated token") : 0;
    default:
        return errmsg_set(em, ERR_PROTOCOL, "Opcode %u (%s) is not a response", q->opcode,
                          cqlframe_opcode_name(q->opcode));
    }
}

static int get_prefix(struct rbuf *r, struct arena *a, struct cqlresp *q, struct errmsg *em)
{
    if ((q->frame_flags & CQLFRAME_FLAG_TRACING) && cqlwire_get_uuid(r, q->tracing_id) < 0)
        return bad(em, q->opcode, "truncated tracing id");
    q->has_tracing_id = (q->frame_flags & CQLFRAME_FLAG_TRACING) != 0;
    if (q->version < 4) return 0;
    struct cqlwire_str *warn;
    struct cqlwire_pair *pl;
    if (q->frame_flags & CQLFRAME_FLAG_WARNING) {
        if (cqlwire_get_string_list(r, a, &warn, &q->nwarnings) < 0)
            return bad(em, q->opcode, "truncated warnings");
        q->warnings = warn;
    }
    if (q->frame_flags & CQLFRAME_FLAG_CUSTOM_PAYLOAD) {
        if (cqlwire_get_bytes_map(r, a, &pl, &q->npayload) < 0)
            return bad(em, q->opcode, "truncated custom payload");
        q->payload = pl;
    }
    return 0;
}

int cqlresp_decode(const struct cqlframe_header *h, const uint8_t *body, size_t len,
                   struct arena *a, struct cqlresp *out, struct errmsg *em)
{
    struct cqlresp q;
    memset(&q, 0, sizeof q);
    q.version = h->version;
    q.stream = h->stream;
    q.opcode = h->opcode;
    q.frame_flags = h->flags;
    q.token.len = CQLWIRE_NULL;
    struct rbuf r;
    rbuf_init(&r, body, len);
    int rc = get_prefix(&r, a, &q, em);
    if (rc == 0) rc = get_body(&r, a, &q, em);
    if (rc < 0) return rc;
    *out = q;
    return 0;
}

/*
 * cqlproto_emit: prints response frames built by node/cqlproto, one per line as
 * "<name> <hex>", for tests/unit/cqlproto/driver_decode.py to decode with the DataStax Python
 * driver's own decoder (the cross-check that our responses are what a real client expects).
 */
#include <stdio.h>
#include <string.h>

#include "node/base/assert.h"
#include "node/cqlproto/cqlcl.h"
#include "node/cqlproto/cqlresp.h"

#define S(x) {x, sizeof(x) - 1}
#define V(x) {(const uint8_t *)(x), (int32_t)(sizeof(x) - 1)}

static const struct cql_type t_int = {.id = CQL_INT};
static const struct cql_type t_text = {.id = CQL_VARCHAR};
static const struct cql_type t_date = {.id = CQL_DATE};
static const struct cql_type t_dur = {.id = CQL_DURATION};
static const struct cql_type t_bigint = {.id = CQL_BIGINT};
static const struct cql_type *const map_sub[] = {&t_text, &t_int};
static const struct cql_type t_map = {.id = CQL_MAP, .nsub = 2, .sub = map_sub};
static const char *const udt_fields[] = {"street", "zip"};
static const struct cql_type *const udt_sub[] = {&t_text, &t_int};
static const struct cql_type t_udt = {.id = CQL_UDT, .frozen = true, .nsub = 2, .sub = udt_sub,
                                      .udt_keyspace = "ks", .udt_name = "address",
                                      .field_names = udt_fields};
static const struct cql_type *const list_sub[] = {&t_udt};
static const struct cql_type t_list = {.id = CQL_LIST, .nsub = 1, .sub = list_sub};
static const struct cql_type *const tup_sub[] = {&t_int, &t_date, &t_dur};
static const struct cql_type t_tuple = {.id = CQL_TUPLE, .frozen = true, .nsub = 3,
                                        .sub = tup_sub};

static const struct cqlrows_col cols[] = {
    {S("ks"), S("t"), S("a"), &t_int},   {S("ks"), S("t"), S("t"), &t_text},
    {S("ks"), S("t"), S("m"), &t_map},   {S("ks"), S("t"), S("l"), &t_list},
    {S("ks"), S("t"), S("tu"), &t_tuple},
};
static const struct cqlrows_col bind_cols[] = {
    {S("ks"), S("t"), S("a"), &t_int},
    {S("ks"), S("t"), S("t"), &t_text},
    {S("ks"), S("u"), S("b"), &t_bigint},
};

static void emit(const char *name, const struct buf *b, size_t at)
{
    printf("%s ", name);
    for (size_t i = at; i < b->len; i++) printf("%02x", b->data[i]);
    printf("\n");
}

static struct cqlresp head(uint8_t version, uint8_t opcode)
{
    struct cqlresp r;
    memset(&r, 0, sizeof r);
    r.version = version;
    r.opcode = opcode;
    r.stream = 3;
    r.token.len = CQLWIRE_NULL;
    return r;
}

static void emit_resp(const char *name, const struct cqlresp *r, bool compress)
{
    struct buf b;
    buf_init(&b);
    int rc = cqlresp_encode(&b, r, compress, CQLFRAME_BODY_MAX_DEFAULT, NULL);
    ASSERT(rc == 0);
    emit(name, &b, 0);
    buf_deinit(&b);
}

/* A [bytes] element inside a collection/tuple/UDT value. */
static void elem(struct buf *b, const void *p, int32_t len)
{
    if (len < 0)
        cqlwire_put_null(b);
    else
        cqlwire_put_bytes(b, p, (size_t)len);
}

static void rows_frame(const char *name, uint8_t version, bool compress)
{
    struct buf b, v;
    buf_init(&b);
    buf_init(&v);
    struct cqlresp h = head(version, CQLFRAME_OP_RESULT);
    size_t at = cqlresp_begin(&b, &h);
    struct cqlrows_writer w;
    struct cqlrows_meta meta = {0, 5, cols, {NULL, CQLWIRE_NULL}, 0, NULL};
    cqlrows_begin(&w, &b, &meta, version);
    /* Row 1: 1, 'héllo', {'x': 1, 'y': 2}, [{street: 'Main', zip: 12345}],
     * (7, 2024-01-02, 1mo2d3ns). */
    cqlrows_cell(&w, "\0\0\0\1", 4);
    cqlrows_cell(&w, "h\xc3\xa9llo", 6);
    cqlwire_put_int(&v, 2);
    elem(&v, "x", 1);
    elem(&v, "\0\0\0\1", 4);
    elem(&v, "y", 1);
    elem(&v, "\0\0\0\2", 4);
    cqlrows_cell(&w, v.data, v.len);
    buf_reset(&v);
    struct buf u;
    buf_init(&u);
    elem(&u, "Main", 4);
    elem(&u, "\x00\x00\x30\x39", 4);
    cqlwire_put_int(&v, 1);
    elem(&v, u.data, (int32_t)u.len);
    cqlrows_cell(&w, v.data, v.len);
    buf_reset(&v);
    elem(&v, "\0\0\0\7", 4);
    elem(&v, "\x80\x00\x4d\x0c", 4); /* 2^31 + 19724 days */
    elem(&v, "\x02\x04\x06", 3);     /* vints zigzag(1), zigzag(2), zigzag(3) */
    cqlrows_cell(&w, v.data, v.len);
    /* Row 2: 2, '', then nulls. */
    cqlrows_cell(&w, "\0\0\0\2", 4);
    cqlrows_cell(&w, "", 0);
    for (int i = 0; i < 3; i++) cqlrows_cell_null(&w);
    cqlrows_finish(&w, (const uint8_t *)"\xca\xfe", 2);
    int rc = cqlframe_end(&b, at, compress, CQLFRAME_BODY_MAX_DEFAULT, NULL);
    ASSERT(rc == 0);
    emit(name, &b, at);
    buf_deinit(&b);
    buf_deinit(&v);
    buf_deinit(&u);
}

static void results(void)
{
    rows_frame("rows_v4", 4, false);
    rows_frame("rows_v4_lz4", 4, true);
    rows_frame("rows_v3", 3, false);
    static const uint16_t pk[] = {0};
    struct cqlresp r = head(4, CQLFRAME_OP_RESULT);
    r.kind = CQLRESP_KIND_PREPARED;
    r.prepared = (struct cqlresp_prepared){V("0123456789abcdef"),
                                           {0, 3, bind_cols, {NULL, CQLWIRE_NULL}, 1, pk},
                                           {0, 2, cols, {NULL, CQLWIRE_NULL}, 0, NULL}};
    emit_resp("prepared_v4", &r, false);
    r.version = 3;
    emit_resp("prepared_v3", &r, false);
    r = head(4, CQLFRAME_OP_RESULT);
    r.kind = CQLRESP_KIND_SET_KEYSPACE;
    r.keyspace = (struct cqlwire_str)S("ks");
    emit_resp("set_keyspace", &r, false);
    r.kind = CQLRESP_KIND_SCHEMA_CHANGE;
    r.schema_change = (struct cqlevent_schema){S("CREATED"), S("TABLE"), S("ks"), S("t"), NULL, 0};
    emit_resp("schema_table", &r, false);
    static const struct cqlwire_str args[] = {S("int"), S("text")};
    r.schema_change = (struct cqlevent_schema){S("DROPPED"), S("FUNCTION"), S("ks"), S("f"),
                                               (struct cqlwire_str *)args, 2};
    emit_resp("schema_function", &r, false);
    r.kind = CQLRESP_KIND_VOID;
    r.has_tracing_id = true;
    memset(r.tracing_id, 0x11, 16);
    static const struct cqlwire_str warn[] = {S("careful")};
    r.warnings = warn;
    r.nwarnings = 1;
    emit_resp("void_traced_warned", &r, true);
}

static void errors(void)
{
    static const struct cqlwire_str args[] = {S("int")};
    struct cqlresp r = head(4, CQLFRAME_OP_ERROR);
    struct cqlerr *e = &r.error;
    e->code = CQLERR_PROTOCOL;
    e->message = (struct cqlwire_str)S(
        "Invalid or unsupported protocol version (66); supported versions are (3/v3, 4/v4)");
    r.stream = 0;
    emit_resp("err_version", &r, false);
    r.stream = 3;
    e->message = (struct cqlwire_str)S("msg");
    e->cl = CQLCL_QUORUM;
    e->required = 3;
    e->alive = 1;
    e->received = 1;
    e->blockfor = 2;
    e->numfailures = 1;
    e->data_present = true;
    e->write_type = (struct cqlwire_str)S("SIMPLE");
    e->keyspace = (struct cqlwire_str)S("ks");
    e->table = (struct cqlwire_str)S("t");
    e->function = (struct cqlwire_str)S("f");
    e->arg_types = (struct cqlwire_str *)args;
    e->narg_types = 1;
    e->id = (struct cqlwire_value)V("\x01\x02\x03");
    static const struct {
        const char *name;
        int32_t code;
    } codes[] = {{"err_unavailable", CQLERR_UNAVAILABLE},   {"err_write_timeout", CQLERR_WRITE_TIMEOUT},
                 {"err_read_timeout", CQLERR_READ_TIMEOUT}, {"err_read_failure", CQLERR_READ_FAILURE},
                 {"err_write_failure", CQLERR_WRITE_FAILURE},
                 {"err_function_failure", CQLERR_FUNCTION_FAILURE},
                 {"err_already_exists", CQLERR_ALREADY_EXISTS}, {"err_unprepared", CQLERR_UNPREPARED},
                 {"err_syntax", CQLERR_SYNTAX},             {"err_invalid", CQLERR_INVALID},
                 {"err_auth", CQLERR_AUTH},                 {"err_overloaded", CQLERR_OVERLOADED}};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        e->code = codes[i].code;
        emit_resp(codes[i].name, &r, false);
    }
}

static void others(void)
{
    static const struct cqlwire_str cqlv[] = {S("3.4.6")}, comp[] = {S("lz4")},
                                    pv[] = {S("3/v3"), S("4/v4")};
    static const struct cqlwire_multi sup[] = {{S("CQL_VERSION"), (struct cqlwire_str *)cqlv, 1},
                                               {S("COMPRESSION"), (struct cqlwire_str *)comp, 1},
                                               {S("PROTOCOL_VERSIONS"), (struct cqlwire_str *)pv, 2}};
    struct cqlresp r = head(4, CQLFRAME_OP_SUPPORTED);
    r.supported = sup;
    r.nsupported = 3;
    emit_resp("supported", &r, false);
    r = head(4, CQLFRAME_OP_READY);
    emit_resp("ready", &r, false);
    r = head(4, CQLFRAME_OP_AUTHENTICATE);
    r.authenticator = (struct cqlwire_str)S("org.apache.cassandra.auth.PasswordAuthenticator");
    emit_resp("authenticate", &r, false);
    r = head(4, CQLFRAME_OP_AUTH_SUCCESS);
    emit_resp("auth_success", &r, true);
    r = head(4, CQLFRAME_OP_AUTH_CHALLENGE);
    r.token = (struct cqlwire_value)V("tok");
    emit_resp("auth_challenge", &r, false);
    r = head(4, CQLFRAME_OP_EVENT);
    r.stream = CQLEVENT_STREAM;
    r.event.type = CQLEVENT_TOPOLOGY_CHANGE;
    r.event.change = (struct cqlwire_str)S("NEW_NODE");
    r.event.addr = (struct cqlwire_inet){4, {127, 0, 0, 2}, 9042};
    emit_resp("event_topology", &r, false);
    r.event.type = CQLEVENT_STATUS_CHANGE;
    r.event.change = (struct cqlwire_str)S("DOWN");
    r.event.addr = (struct cqlwire_inet){16, {[15] = 1}, 9042};
    emit_resp("event_status", &r, false);
    r.event.type = CQLEVENT_SCHEMA_CHANGE;
    r.event.schema = (struct cqlevent_schema){S("CREATED"), S("KEYSPACE"), S("ks"), {0}, NULL, 0};
    emit_resp("event_schema", &r, false);
}

int main(void)
{
    results();
    errors();
    others();
    return 0;
}

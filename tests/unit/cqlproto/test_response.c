/* cqlresp, cqlerr, cqlevent, cqlrows, cqlopt: responses both ways, the Rows writer, types. */
#include <criterion/criterion.h>
#include <string.h>

#include "cqltest.h"
#include "node/cqlproto/cqlcl.h"
#include "node/cqlproto/cqlopt.h"
#include "node/cqlproto/cqlresp.h"

static struct arena arena;

static void setup(void)
{
    arena_init(&arena, 4096);
}

static void teardown(void)
{
    arena_deinit(&arena);
}

TestSuite(cqlresp, .init = setup, .fini = teardown);

#define S(x) {x, sizeof(x) - 1}
#define V(x) {(const uint8_t *)(x), (int32_t)(sizeof(x) - 1)}

static const struct cql_type t_int = {.id = CQL_INT};
static const struct cql_type t_text = {.id = CQL_VARCHAR};
static const struct cql_type t_date = {.id = CQL_DATE};
static const struct cql_type t_dur = {.id = CQL_DURATION};
static const struct cql_type *const map_sub[] = {&t_text, &t_int};
static const struct cql_type t_map = {.id = CQL_MAP, .nsub = 2, .sub = map_sub};
static const struct cql_type *const tup_sub[] = {&t_int, &t_date, &t_dur};
static const struct cql_type t_tuple = {.id = CQL_TUPLE, .frozen = true, .nsub = 3,
                                        .sub = tup_sub};
static const char *const udt_fields[] = {"street", "zip"};
static const struct cql_type *const udt_sub[] = {&t_text, &t_int};
static const struct cql_type t_udt = {.id = CQL_UDT, .nsub = 2, .sub = udt_sub,
                                      .udt_keyspace = "ks", .udt_name = "address",
                                      .field_names = udt_fields};
static const struct cql_type *const list_sub[] = {&t_udt};
static const struct cql_type t_list = {.id = CQL_LIST, .nsub = 1, .sub = list_sub};
static const struct cql_type t_custom = {.id = CQL_CUSTOM, .custom_class = "com.example.Foo"};

static const struct cqlrows_col cols_same[] = {
    {S("ks"), S("t"), S("a"), &t_int},
    {S("ks"), S("t"), S("m"), &t_map},
    {S("ks"), S("t"), S("tu"), &t_tuple},
};
static const struct cqlrows_col cols_mixed[] = {
    {S("ks"), S("t"), S("l"), &t_list},
    {S("ks"), S("u"), S("c"), &t_custom},
};
static const struct cqlwire_value cells[] = {V("\0\0\0\1"), {NULL, CQLWIRE_NULL}, V(""),
                                             V("\0\0\0\2"), V("x"),               V("yz")};

/* Types compare equal structurally (frozen-ness aside: it is not on the wire). */
static bool type_eq(const struct cql_type *a, const struct cql_type *b)
{
    if (a->id != b->id || a->nsub != b->nsub) return false;
    if (a->id == CQL_CUSTOM) return strcmp(a->custom_class, b->custom_class) == 0;
    if (a->id == CQL_UDT &&
        (strcmp(a->udt_keyspace, b->udt_keyspace) || strcmp(a->udt_name, b->udt_name)))
        return false;
    for (uint16_t i = 0; i < a->nsub; i++) {
        if (a->id == CQL_UDT && strcmp(a->field_names[i], b->field_names[i])) return false;
        if (!type_eq(a->sub[i], b->sub[i])) return false;
    }
    return true;
}

static void meta_eq(const struct cqlrows_meta *a, const struct cqlrows_meta *b)
{
    cr_assert_eq(a->ncols, b->ncols);
    cr_assert_eq(a->npk, b->npk);
    for (int32_t i = 0; i < a->npk; i++) cr_assert_eq(a->pk_indexes[i], b->pk_indexes[i]);
    if (a->flags & CQLROWS_NO_METADATA) return;
    for (int32_t i = 0; i < a->ncols; i++) {
        cr_assert(cqlwire_str_eq(b->cols[i].keyspace, cqlwire_str_dup(a->cols[i].keyspace, &arena)));
        cr_assert(cqlwire_str_eq(b->cols[i].table, cqlwire_str_dup(a->cols[i].table, &arena)));
        cr_assert(cqlwire_str_eq(b->cols[i].name, cqlwire_str_dup(a->cols[i].name, &arena)));
        cr_assert(type_eq(a->cols[i].type, b->cols[i].type), "column %d type", i);
    }
}

/* Encodes r, decodes it through the client decoder, re-encodes and compares the bytes; every
 * strict prefix of the body is refused. */
static void round_trip(const struct cqlresp *r, bool compress, struct cqlresp *out)
{
    struct buf b1, b2;
    buf_init(&b1);
    buf_init(&b2);
    struct errmsg em;
    cr_assert_eq(cqlresp_encode(&b1, r, compress, CQLFRAME_BODY_MAX_DEFAULT, &em), 0);
    struct cqlframe_header h;
    const uint8_t *body;
    size_t blen;
    cr_assert_eq(cqltest_frame(b1.data, b1.len, true, false, &arena, &h, &body, &blen), 1);
    int rc = cqlresp_decode(&h, body, blen, &arena, out, &em);
    cr_assert_eq(rc, 0, "decode: %s", em.text);
    cr_assert_eq(out->stream, r->stream);
    cr_assert_eq(out->opcode, r->opcode);
    cr_assert_eq(cqlresp_encode(&b2, out, compress, CQLFRAME_BODY_MAX_DEFAULT, &em), 0);
    cr_assert_eq(b1.len, b2.len, "opcode %u", r->opcode);
    cr_assert(memcmp(b1.data, b2.data, b1.len) == 0);
    for (size_t cut = 0; cut < blen && r->opcode != CQLFRAME_OP_READY; cut++) {
        struct cqlresp tmp;
        cr_assert_eq(cqlresp_decode(&h, body, cut, &arena, &tmp, &em), ERR_PROTOCOL,
                     "opcode %u kind %d cut %zu", r->opcode, r->kind, cut);
    }
    buf_deinit(&b1);
    buf_deinit(&b2);
}

static struct cqlresp base(uint8_t version, uint8_t opcode)
{
    struct cqlresp r;
    memset(&r, 0, sizeof r);
    r.version = version;
    r.opcode = opcode;
    r.stream = 9;
    r.token.len = CQLWIRE_NULL;
    return r;
}

Test(cqlresp, version_refusal_frame_bytes)
{
    struct cqlerr e;
    memset(&e, 0, sizeof e);
    e.code = CQLERR_PROTOCOL;
    e.message = cqlwire_str_c(
        "Invalid or unsupported protocol version (66); supported versions are (3/v3, 4/v4)");
    struct buf b;
    buf_init(&b);
    cqlresp_write_error(&b, 4, 0, &e);
    static const uint8_t head[] = {0x84, 0, 0, 0, 0x00, 0, 0, 0, 87, 0, 0, 0, 0x0A, 0, 81};
    cr_assert_eq(b.len, sizeof head + 81);
    cr_assert(memcmp(b.data, head, sizeof head) == 0);
    buf_deinit(&b);
}

Test(cqlresp, every_error_body_round_trips)
{
    static const struct cqlwire_str args[] = {S("int"), S("text")};
    static const int32_t codes[] = {
        CQLERR_SERVER,        CQLERR_PROTOCOL,         CQLERR_AUTH,          CQLERR_UNAVAILABLE,
        CQLERR_OVERLOADED,    CQLERR_BOOTSTRAPPING,    CQLERR_TRUNCATE,      CQLERR_WRITE_TIMEOUT,
        CQLERR_READ_TIMEOUT,  CQLERR_READ_FAILURE,     CQLERR_FUNCTION_FAILURE,
        CQLERR_WRITE_FAILURE, CQLERR_SYNTAX,           CQLERR_UNAUTHORIZED,  CQLERR_INVALID,
        CQLERR_CONFIG,        CQLERR_ALREADY_EXISTS,   CQLERR_UNPREPARED,
    };
    for (int version = 3; version <= 4; version++) {
        for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
            struct cqlresp r = base((uint8_t)version, CQLFRAME_OP_ERROR), out;
            struct cqlerr *e = &r.error;
            e->code = codes[i];
            e->message = (struct cqlwire_str)S("something failed");
            e->cl = CQLCL_LOCAL_QUORUM;
            e->required = 3;
            e->alive = 1;
            e->received = 2;
            e->blockfor = 3;
            e->numfailures = 1;
            e->data_present = true;
            e->write_type = (struct cqlwire_str)S("BATCH_LOG");
            e->keyspace = (struct cqlwire_str)S("ks");
            e->table = (struct cqlwire_str)S("t");
            e->function = (struct cqlwire_str)S("f");
            e->arg_types = (struct cqlwire_str *)args;
            e->narg_types = 2;
            e->id = (struct cqlwire_value)V("\x11\x22");
            round_trip(&r, false, &out);
            const struct cqlerr *g = &out.error;
            int32_t want = codes[i];
            if (version == 3 && want == CQLERR_READ_FAILURE) want = CQLERR_READ_TIMEOUT;
            if (version == 3 && want == CQLERR_WRITE_FAILURE) want = CQLERR_WRITE_TIMEOUT;
            if (version == 3 && want == CQLERR_FUNCTION_FAILURE) want = CQLERR_INVALID;
            cr_assert_eq(g->code, want, "v%d code %x", version, codes[i]);
            cr_assert(cqlwire_str_eq(g->message, "something failed"));
            switch (want) {
            case CQLERR_UNAVAILABLE:
                cr_assert(g->cl == CQLCL_LOCAL_QUORUM && g->required == 3 && g->alive == 1);
                break;
            case CQLERR_READ_FAILURE:
                cr_assert_eq(g->numfailures, 1);
                /* fallthrough */
            case CQLERR_READ_TIMEOUT:
                cr_assert(g->received == 2 && g->blockfor == 3 && g->data_present);
                break;
            case CQLERR_WRITE_FAILURE:
                cr_assert_eq(g->numfailures, 1);
                /* fallthrough */
            case CQLERR_WRITE_TIMEOUT:
                cr_assert(cqlwire_str_eq(g->write_type, "BATCH_LOG") && g->blockfor == 3);
                break;
            case CQLERR_FUNCTION_FAILURE:
                cr_assert(cqlwire_str_eq(g->function, "f") && g->narg_types == 2);
                cr_assert(cqlwire_str_eq(g->arg_types[1], "text"));
                break;
            case CQLERR_ALREADY_EXISTS:
                cr_assert(cqlwire_str_eq(g->keyspace, "ks") && cqlwire_str_eq(g->table, "t"));
                break;
            case CQLERR_UNPREPARED:
                cr_assert(g->id.len == 2 && g->id.p[1] == 0x22);
                break;
            default:
                break;
            }
        }
    }
}

Test(cqlresp, error_from_errmsg)
{
    struct errmsg em;
    errmsg_set(&em, ERR_SYNTAX, "line 1:7 no viable alternative");
    struct cqlerr e;
    cqlerr_from_errmsg(&e, &em);
    cr_assert_eq(e.code, CQLERR_SYNTAX);
    cr_assert(cqlwire_str_eq(e.message, "line 1:7 no viable alternative"));
    cr_assert_str_eq(cqlerr_name(CQLERR_UNAVAILABLE), "Unavailable");
}

Test(cqlresp, simple_responses_round_trip_with_tracing_and_warnings)
{
    static const struct cqlwire_str vals[] = {S("3.4.6")}, comp[] = {S("lz4")};
    static const struct cqlwire_multi sup[] = {{S("CQL_VERSION"), (struct cqlwire_str *)vals, 1},
                                               {S("COMPRESSION"), (struct cqlwire_str *)comp, 1},
                                               {S("PROTOCOL_VERSIONS"), NULL, 0}};
    static const struct cqlwire_str warnings[] = {S("Aggregation query used without partition key")};
    static const struct cqlwire_pair payload[] = {{S("k"), {0}, V("v")}};
    for (int version = 3; version <= 4; version++) {
        struct cqlresp cases[6];
        int n = 0;
        cases[n++] = base((uint8_t)version, CQLFRAME_OP_READY);
        struct cqlresp r = base((uint8_t)version, CQLFRAME_OP_AUTHENTICATE);
        r.authenticator = (struct cqlwire_str)S("org.apache.cassandra.auth.PasswordAuthenticator");
        cases[n++] = r;
        r = base((uint8_t)version, CQLFRAME_OP_SUPPORTED);
        r.supported = sup;
        r.nsupported = 3;
        cases[n++] = r;
        r = base((uint8_t)version, CQLFRAME_OP_AUTH_CHALLENGE);
        r.token = (struct cqlwire_value)V("challenge");
        cases[n++] = r;
        r = base((uint8_t)version, CQLFRAME_OP_AUTH_SUCCESS);
        cases[n++] = r; /* null token */
        r = base((uint8_t)version, CQLFRAME_OP_RESULT);
        r.kind = CQLRESP_KIND_VOID;
        r.has_tracing_id = true;
        memset(r.tracing_id, 0xab, 16);
        r.warnings = warnings;
        r.nwarnings = 1;
        r.payload = payload;
        r.npayload = 1;
        cases[n++] = r;
        for (int i = 0; i < n; i++) {
            struct cqlresp out;
            round_trip(&cases[i], i % 2 == 0, &out);
            if (cases[i].opcode == CQLFRAME_OP_SUPPORTED) {
                cr_assert_eq(out.nsupported, 3);
                cr_assert(cqlwire_str_eq(out.supported[0].vals[0], "3.4.6"));
            }
            if (cases[i].opcode == CQLFRAME_OP_AUTH_SUCCESS)
                cr_assert_eq(out.token.len, CQLWIRE_NULL);
            if (cases[i].has_tracing_id) {
                cr_assert(out.has_tracing_id && out.tracing_id[15] == 0xab);
                /* v3 has no warnings nor payloads: they are dropped. */
                cr_assert_eq(out.nwarnings, version >= 4 ? 1 : 0);
                cr_assert_eq(out.npayload, version >= 4 ? 1 : 0);
            }
        }
    }
}

Test(cqlresp, results_round_trip)
{
    static const uint16_t pk[] = {2, 0};
    static const struct cqlwire_str args[] = {S("int")};
    for (int version = 3; version <= 4; version++) {
        struct cqlresp cases[8];
        int n = 0;
        struct cqlresp r = base((uint8_t)version, CQLFRAME_OP_RESULT);
        r.kind = CQLRESP_KIND_SET_KEYSPACE;
        r.keyspace = (struct cqlwire_str)S("ks");
        cases[n++] = r;
        /* Rows: global table spec, per-column specs, no metadata, with a paging state. */
        r.kind = CQLRESP_KIND_ROWS;
        r.rows = (struct cqlrows){{0, 3, cols_same, {NULL, CQLWIRE_NULL}, 0, NULL}, 2, cells};
        cases[n++] = r;
        r.rows = (struct cqlrows){{CQLROWS_HAS_MORE_PAGES, 2, cols_mixed, V("\x01\x02"), 0, NULL},
                                  3, cells};
        cases[n++] = r;
        r.rows = (struct cqlrows){{CQLROWS_NO_METADATA, 6, NULL, {NULL, CQLWIRE_NULL}, 0, NULL},
                                  1, cells};
        cases[n++] = r;
        r.kind = CQLRESP_KIND_PREPARED;
        r.prepared = (struct cqlresp_prepared){
            V("0123456789abcdef"),
            {0, 3, cols_same, {NULL, CQLWIRE_NULL}, 2, pk},
            {0, 2, cols_mixed, {NULL, CQLWIRE_NULL}, 0, NULL},
        };
        cases[n++] = r;
        r.prepared.result = (struct cqlrows_meta){CQLROWS_NO_METADATA, 0, NULL,
                                                  {NULL, CQLWIRE_NULL}, 0, NULL};
        r.prepared.bind.ncols = 0;
        r.prepared.bind.npk = 0;
        cases[n++] = r;
        r.kind = CQLRESP_KIND_SCHEMA_CHANGE;
        r.schema_change = (struct cqlevent_schema){S("CREATED"), S("TABLE"), S("ks"), S("t"),
                                                   NULL, 0};
        cases[n++] = r;
        r.schema_change = (struct cqlevent_schema){S("DROPPED"), S("FUNCTION"), S("ks"), S("f"),
                                                   (struct cqlwire_str *)args, 1};
        cases[n++] = r;
        for (int i = 0; i < n; i++) {
            struct cqlresp out;
            round_trip(&cases[i], i % 2 == 1, &out);
            cr_assert_eq(out.kind, cases[i].kind);
            if (out.kind == CQLRESP_KIND_ROWS) {
                const struct cqlrows *w = &cases[i].rows, *g = &out.rows;
                meta_eq(&w->meta, &g->meta);
                cr_assert_eq(g->nrows, w->nrows);
                for (size_t k = 0; k < (size_t)g->nrows * (size_t)g->meta.ncols; k++) {
                    cr_assert_eq(g->cells[k].len, w->cells[k].len);
                    if (g->cells[k].len > 0)
                        cr_assert(memcmp(g->cells[k].p, w->cells[k].p, (size_t)g->cells[k].len) == 0);
                }
                cr_assert_eq(g->meta.flags & CQLROWS_HAS_MORE_PAGES,
                             w->meta.flags & CQLROWS_HAS_MORE_PAGES);
                bool global = i == 1;
                cr_assert_eq((g->meta.flags & CQLROWS_GLOBAL_TABLES_SPEC) != 0, global);
            }
            if (out.kind == CQLRESP_KIND_PREPARED) {
                struct cqlrows_meta want = cases[i].prepared.bind;
                if (version < 4) want.npk = 0; /* v3 has no pk indexes */
                meta_eq(&want, &out.prepared.bind);
                meta_eq(&cases[i].prepared.result, &out.prepared.result);
                cr_assert_eq(out.prepared.id.len, 16);
            }
            if (out.kind == CQLRESP_KIND_SCHEMA_CHANGE && i == n - 1) {
                /* v3 hears of function changes as a keyspace update. */
                const struct cqlevent_schema *sc = &out.schema_change;
                cr_assert(cqlwire_str_eq(sc->target, version >= 4 ? "FUNCTION" : "KEYSPACE"));
                cr_assert_eq(sc->nargs, version >= 4 ? 1 : 0);
            }
        }
    }
}

Test(cqlresp, events_round_trip)
{
    for (int version = 3; version <= 4; version++) {
        struct cqlresp r = base((uint8_t)version, CQLFRAME_OP_EVENT), out;
        r.stream = CQLEVENT_STREAM;
        r.event.type = CQLEVENT_TOPOLOGY_CHANGE;
        r.event.change = (struct cqlwire_str)S("NEW_NODE");
        r.event.addr = (struct cqlwire_inet){4, {127, 0, 0, 3}, 9042};
        round_trip(&r, false, &out);
        cr_assert_eq(out.event.type, CQLEVENT_TOPOLOGY_CHANGE);
        cr_assert_eq(out.event.addr.addr[3], 3);
        cr_assert_eq(out.event.addr.port, 9042);
        r.event.type = CQLEVENT_STATUS_CHANGE;
        r.event.change = (struct cqlwire_str)S("DOWN");
        r.event.addr = (struct cqlwire_inet){16, {[15] = 1}, 9043};
        round_trip(&r, true, &out);
        cr_assert(cqlwire_str_eq(out.event.change, "DOWN"));
        r.event.type = CQLEVENT_SCHEMA_CHANGE;
        r.event.schema = (struct cqlevent_schema){S("UPDATED"), S("KEYSPACE"), S("ks"), {0}, NULL,
                                                  0};
        round_trip(&r, false, &out);
        cr_assert(cqlwire_str_eq(out.event.schema.keyspace, "ks"));
        r.event.schema = (struct cqlevent_schema){S("CREATED"), S("TYPE"), S("ks"), S("address"),
                                                  NULL, 0};
        round_trip(&r, false, &out);
        cr_assert(cqlwire_str_eq(out.event.schema.name, "address"));
    }
}

Test(cqlresp, unknown_result_kind_and_schema_target_refused)
{
    static const char *hexes[] = {"00000009", "00000005 0007 43524541544544 0005 494e444558 0002 6b73"};
    for (size_t i = 0; i < 2; i++) {
        size_t n;
        uint8_t *p = cqltest_unhex(&arena, hexes[i], &n);
        struct cqlframe_header h = {4, true, 0, 1, CQLFRAME_OP_RESULT, (uint32_t)n};
        struct cqlresp r;
        struct errmsg em;
        cr_assert_eq(cqlresp_decode(&h, p, n, &arena, &r, &em), ERR_PROTOCOL, "case %zu", i);
    }
}

/* ---- the Rows writer ---- */

static void decode_rows(struct buf *b, size_t at, struct cqlrows *rows)
{
    struct cqlframe_header h;
    const uint8_t *body;
    size_t blen;
    cr_assert_eq(cqltest_frame(b->data + at, b->len - at, true, false, &arena, &h, &body, &blen),
                 1);
    struct cqlresp r;
    struct errmsg em;
    cr_assert_eq(cqlresp_decode(&h, body, blen, &arena, &r, &em), 0, "%s", em.text);
    cr_assert_eq(r.kind, CQLRESP_KIND_ROWS);
    *rows = r.rows;
}

Test(cqlresp, rows_writer_streams_cells_and_adds_a_late_paging_state)
{
    struct buf b;
    buf_init(&b);
    struct cqlresp head = base(4, CQLFRAME_OP_RESULT);
    size_t at = cqlresp_begin(&b, &head);
    struct cqlrows_writer w;
    struct cqlrows_meta meta = {0, 3, cols_same, {NULL, CQLWIRE_NULL}, 0, NULL};
    cqlrows_begin(&w, &b, &meta, 4);
    for (int i = 0; i < 100; i++) {
        uint8_t v[4] = {0, 0, 0, (uint8_t)i};
        cqlrows_cell(&w, v, 4);
        cqlrows_cell_null(&w);
        if (i == 50) {
            cqlrows_row_abort(&w); /* drop a half-written row */
            continue;
        }
        cqlrows_cell_value(&w, (struct cqlwire_value)V("t"));
    }
    cr_assert_eq(cqlrows_count(&w), 99);
    cr_assert_gt(cqlrows_bytes(&w), 99 * 3 * 4);
    cqlrows_finish(&w, (const uint8_t *)"\xca\xfe\xba", 3);
    cr_assert_eq(cqlframe_end(&b, at, true, CQLFRAME_BODY_MAX_DEFAULT, NULL), 0);
    struct cqlrows rows;
    decode_rows(&b, at, &rows);
    cr_assert_eq(rows.nrows, 99);
    cr_assert(rows.meta.flags & CQLROWS_HAS_MORE_PAGES);
    cr_assert(rows.meta.flags & CQLROWS_GLOBAL_TABLES_SPEC);
    cr_assert_eq(rows.meta.paging_state.len, 3);
    cr_assert_eq(rows.meta.paging_state.p[2], 0xba);
    cr_assert_eq(cqlrows_at(&rows, 50, 0)->p[3], 51);
    cr_assert_eq(cqlrows_at(&rows, 98, 1)->len, CQLWIRE_NULL);
    cr_assert(cqlwire_str_eq(rows.meta.cols[1].name, "m"));
    cr_assert_eq(rows.meta.cols[2].type->id, CQL_TUPLE);
    buf_deinit(&b);
}

Test(cqlresp, rows_writer_skip_metadata_and_empty)
{
    struct buf b;
    buf_init(&b);
    struct cqlresp head = base(4, CQLFRAME_OP_RESULT);
    size_t at = cqlresp_begin(&b, &head);
    struct cqlrows_writer w;
    struct cqlrows_meta meta = {CQLROWS_NO_METADATA, 3, cols_same, {NULL, CQLWIRE_NULL}, 0, NULL};
    cqlrows_begin(&w, &b, &meta, 4);
    cqlrows_finish(&w, NULL, 0);
    cr_assert_eq(cqlframe_end(&b, at, false, CQLFRAME_BODY_MAX_DEFAULT, NULL), 0);
    /* kind 2, flags 4, 3 columns, 0 rows. */
    size_t n;
    uint8_t *want = cqltest_unhex(&arena, "00000002 00000004 00000003 00000000", &n);
    cr_assert_eq(b.len - at - CQLFRAME_HEADER_SIZE, n);
    cr_assert(memcmp(b.data + at + CQLFRAME_HEADER_SIZE, want, n) == 0);
    struct cqlrows rows;
    decode_rows(&b, at, &rows);
    cr_assert_eq(rows.nrows, 0);
    cr_assert_null(rows.meta.cols);
    buf_deinit(&b);
}

Test(cqlresp, hostile_row_counts_are_refused_before_allocating)
{
    size_t n;
    uint8_t *p = cqltest_unhex(&arena, "00000002 00000004 00010000 7fffffff 00000000", &n);
    struct cqlframe_header h = {4, true, 0, 1, CQLFRAME_OP_RESULT, (uint32_t)n};
    struct cqlresp r;
    struct errmsg em;
    size_t used = arena.used_bytes;
    cr_assert_eq(cqlresp_decode(&h, p, n, &arena, &r, &em), ERR_PROTOCOL);
    cr_assert_lt(arena.used_bytes - used, 64);
}

/* ---- types ---- */

Test(cqlopt, encodings_per_version)
{
    static const struct {
        const struct cql_type *t;
        int version;
        const char *hex;
    } cases[] = {
        {&t_int, 4, "0009"},
        {&t_map, 4, "0021 000d 0009"},
        {&t_date, 4, "0011"},
        {&t_date, 3,
         "0000 002e 6f72672e6170616368652e63617373616e6472612e64622e6d61727368616c2e53696d706c65"
         "4461746554797065"},
        {&t_dur, 4,
         "0000 002c 6f72672e6170616368652e63617373616e6472612e64622e6d61727368616c2e4475726174696f"
         "6e54797065"},
        {&t_udt, 4, "0030 0002 6b73 0007 61646472657373 0002 0006 737472656574 000d 0003 7a6970 0009"},
        {&t_custom, 4, "0000 000f 636f6d2e6578616d706c652e466f6f"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct buf b;
        buf_init(&b);
        cqlopt_put(&b, cases[i].t, cases[i].version);
        size_t n;
        uint8_t *want = cqltest_unhex(&arena, cases[i].hex, &n);
        cr_assert_eq(b.len, n, "case %zu", i);
        cr_assert(memcmp(b.data, want, n) == 0, "case %zu", i);
        struct rbuf r;
        rbuf_init(&r, b.data, b.len);
        const struct cql_type *got;
        cr_assert_eq(cqlopt_get(&r, &arena, &got), 0);
        cr_assert(type_eq(got, cases[i].t), "case %zu", i);
        cr_assert_eq(r.pos, b.len);
        buf_deinit(&b);
    }
}

Test(cqlopt, depth_and_field_limits)
{
    /* 17 nested lists, then int: one level too deep. */
    struct buf b;
    buf_init(&b);
    for (int i = 0; i <= CQL_TYPE_DEPTH_MAX; i++) cqlwire_put_short(&b, CQL_LIST);
    cqlwire_put_short(&b, CQL_INT);
    struct rbuf r;
    rbuf_init(&r, b.data, b.len);
    const struct cql_type *t;
    cr_assert_eq(cqlopt_get(&r, &arena, &t), ERR_PROTOCOL);
    cr_assert_eq(r.pos, 0);
    rbuf_init(&r, b.data + 2, b.len - 2); /* exactly the limit */
    cr_assert_eq(cqlopt_get(&r, &arena, &t), 0);
    cr_assert(t->sub[0]->frozen);
    /* A tuple claiming 65535 fields in a handful of bytes; unknown ids. */
    static const char *bad[] = {"0031 ffff 0009", "000a", "0016", "0040", "0020"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t n;
        uint8_t *p = cqltest_unhex(&arena, bad[i], &n);
        rbuf_init(&r, p, n);
        cr_assert_eq(cqlopt_get(&r, &arena, &t), ERR_PROTOCOL, "case %zu", i);
    }
    buf_deinit(&b);
}

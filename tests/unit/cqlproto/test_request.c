/* cqlreq: encode -> decode round trips for every request, and refusals of bad bodies. */
#include <criterion/criterion.h>
#include <string.h>

#include "cqltest.h"
#include "node/cqlproto/cqlcl.h"
#include "node/cqlproto/cqlreq.h"

static struct arena arena;

static void setup(void)
{
    arena_init(&arena, 4096);
}

static void teardown(void)
{
    arena_deinit(&arena);
}

TestSuite(cqlreq, .init = setup, .fini = teardown);

#define S(x) {x, sizeof(x) - 1}
#define V(x) {(const uint8_t *)(x), (int32_t)(sizeof(x) - 1)}

static const struct cqlwire_value values3[] = {V("\x00\x00\x00\x01"), {NULL, CQLWIRE_NULL},
                                               {NULL, CQLWIRE_UNSET}};
static const struct cqlwire_value values2[] = {V(""), {NULL, CQLWIRE_NULL}};
static const struct cqlwire_str names3[] = {S("a"), S("b"), S("c")};
static const struct cqlwire_pair startup_opts[] = {{S("CQL_VERSION"), S("3.0.0"), {0}},
                                                   {S("CLIENT_ID"), S("x-y"), {0}}};
static const struct cqlwire_pair payload[] = {{S("k"), {0}, V("\x01\x02")}};
static const struct cqlwire_str events[] = {S("SCHEMA_CHANGE"), S("STATUS_CHANGE")};
static const struct cqlreq_batch_stmt stmts[] = {
    {0, S("INSERT INTO t (a) VALUES (?)"), {NULL, CQLWIRE_NULL}, 2, values2, NULL},
    {1, {NULL, 0}, V("\xaa\xbb\xcc"), 0, NULL, NULL},
};

/* Encodes q, runs the frame through the decoder (compressed or not), decodes, re-encodes and
 * compares the bytes of both encodings. */
static void round_trip(const struct cqlreq *q, bool compress, struct cqlreq *out)
{
    struct buf b1, b2;
    buf_init(&b1);
    buf_init(&b2);
    struct errmsg em;
    cr_assert_eq(cqlreq_encode(&b1, q, compress, CQLFRAME_BODY_MAX_DEFAULT, &em), 0);
    struct cqlframe_header h;
    const uint8_t *body;
    size_t blen;
    cr_assert_eq(cqltest_frame(b1.data, b1.len, false, false, &arena, &h, &body, &blen), 1);
    cr_assert_eq(h.stream, q->stream);
    cr_assert_eq(h.opcode, q->opcode);
    int rc = cqlreq_decode(&h, body, blen, &arena, out, &em);
    cr_assert_eq(rc, 0, "decode: %s", em.text);
    cr_assert_eq(cqlreq_encode(&b2, out, compress, CQLFRAME_BODY_MAX_DEFAULT, &em), 0);
    cr_assert_eq(b1.len, b2.len);
    cr_assert(memcmp(b1.data, b2.data, b1.len) == 0);
    /* Every strict prefix of the body is refused. */
    if (!compress) {
        for (size_t cut = 0; cut < blen && q->opcode != CQLFRAME_OP_OPTIONS; cut++) {
            struct cqlreq tmp;
            cr_assert_eq(cqlreq_decode(&h, body, cut, &arena, &tmp, &em), ERR_PROTOCOL,
                         "opcode %u cut %zu", q->opcode, cut);
        }
    }
    buf_deinit(&b1);
    buf_deinit(&b2);
}

static struct cqlreq base(uint8_t version, uint8_t opcode)
{
    struct cqlreq q;
    memset(&q, 0, sizeof q);
    q.version = version;
    q.opcode = opcode;
    q.stream = 77;
    q.token.len = q.id.len = CQLWIRE_NULL;
    q.params.paging_state.len = CQLWIRE_NULL;
    q.params.serial_cl = CQLCL_SERIAL;
    return q;
}

Test(cqlreq, round_trip_every_request_v3_v4_plain_and_lz4)
{
    for (int version = 3; version <= 4; version++) {
        struct cqlreq cases[8];
        int n = 0;
        struct cqlreq q = base((uint8_t)version, CQLFRAME_OP_STARTUP);
        q.options = startup_opts;
        q.noptions = 2;
        cases[n++] = q;
        q = base((uint8_t)version, CQLFRAME_OP_OPTIONS);
        cases[n++] = q;
        q = base((uint8_t)version, CQLFRAME_OP_AUTH_RESPONSE);
        q.token = (struct cqlwire_value)V("\0u\0p");
        cases[n++] = q;
        q = base((uint8_t)version, CQLFRAME_OP_QUERY);
        q.query = (struct cqlwire_str)S("SELECT * FROM t WHERE a = :a AND b = :b AND c = :c");
        q.params.cl = CQLCL_EACH_QUORUM;
        q.params.flags = 0x7f;
        q.params.nvalues = version >= 4 ? 3 : 2;
        q.params.values = values3;
        q.params.names = names3;
        q.params.page_size = -1;
        q.params.paging_state = (struct cqlwire_value)V("\x01\x02\x03");
        q.params.serial_cl = CQLCL_LOCAL_SERIAL;
        q.params.timestamp_us = -5;
        q.frame_flags = CQLFRAME_FLAG_TRACING;
        if (version >= 4) {
            q.payload = payload;
            q.npayload = 1;
        }
        cases[n++] = q;
        q = base((uint8_t)version, CQLFRAME_OP_PREPARE);
        q.query = (struct cqlwire_str)S("INSERT INTO t (a) VALUES (?)");
        cases[n++] = q;
        q = base((uint8_t)version, CQLFRAME_OP_EXECUTE);
        q.id = (struct cqlwire_value)V("0123456789abcdef");
        q.params.cl = CQLCL_ALL;
        q.params.flags = CQLREQ_FLAG_VALUES | CQLREQ_FLAG_SKIP_METADATA;
        q.params.nvalues = 2;
        q.params.values = values2;
        cases[n++] = q;
        q = base((uint8_t)version, CQLFRAME_OP_BATCH);
        q.batch = (struct cqlreq_batch){CQLREQ_BATCH_COUNTER, 2, stmts, CQLCL_TWO, 0x30,
                                        CQLCL_SERIAL, 1234567};
        cases[n++] = q;
        q = base((uint8_t)version, CQLFRAME_OP_REGISTER);
        q.events = events;
        q.nevents = 2;
        cases[n++] = q;
        for (int i = 0; i < n; i++) {
            for (int compress = 0; compress <= 1; compress++) {
                struct cqlreq out;
                round_trip(&cases[i], compress, &out);
                cr_assert_eq(out.version, version);
                cr_assert_eq(out.frame_flags & CQLFRAME_FLAG_TRACING,
                             cases[i].frame_flags & CQLFRAME_FLAG_TRACING);
            }
        }
    }
}

Test(cqlreq, query_fields_survive)
{
    struct cqlreq q = base(4, CQLFRAME_OP_QUERY), out;
    q.query = (struct cqlwire_str)S("SELECT 1");
    q.params.cl = CQLCL_QUORUM;
    q.params.flags = CQLREQ_FLAG_VALUES | CQLREQ_FLAG_NAMES | CQLREQ_FLAG_PAGING_STATE;
    q.params.nvalues = 3;
    q.params.values = values3;
    q.params.names = names3;
    q.params.paging_state = (struct cqlwire_value)V("ps");
    q.payload = payload;
    q.npayload = 1;
    round_trip(&q, false, &out);
    cr_assert_eq(out.params.nvalues, 3);
    cr_assert_eq(out.params.values[0].len, 4);
    cr_assert_eq(out.params.values[1].len, CQLWIRE_NULL);
    cr_assert_eq(out.params.values[2].len, CQLWIRE_UNSET);
    cr_assert(cqlwire_str_eq(out.params.names[2], "c"));
    cr_assert_eq(out.params.paging_state.len, 2);
    cr_assert_eq(out.params.serial_cl, CQLCL_SERIAL);
    cr_assert_eq(out.npayload, 1);
    cr_assert(cqlwire_str_eq(out.payload[0].key, "k"));
    cr_assert_eq(out.payload[0].bytes.len, 2);
}

/* Bodies a client could send that must be refused with a protocol error. */
Test(cqlreq, bad_bodies_are_refused)
{
    static const struct {
        uint8_t opcode;
        uint8_t version;
        uint8_t frame_flags;
        const char *hex;
        const char *msg;
    } cases[] = {
        {CQLFRAME_OP_QUERY, 4, 0, "00000001 61 000b 00", "Unknown code 11 for a consistency"},
        {CQLFRAME_OP_QUERY, 4, 0, "00000001 61 0001 10 000b", "Unknown code 11"},
        {CQLFRAME_OP_QUERY, 4, 0, "00000001 61 0001 20 8000000000000000", "Out of bound timestamp"},
        {CQLFRAME_OP_QUERY, 4, 0, "00000001 61 0001 01 0001 fffffffd", "bound values"},
        {CQLFRAME_OP_QUERY, 4, 0, "ffffffff", "truncated query string"},
        {CQLFRAME_OP_QUERY, 3, CQLFRAME_FLAG_CUSTOM_PAYLOAD, "0000", "CUSTOM_PAYLOAD"},
        {CQLFRAME_OP_BATCH, 4, 0, "03 0000 0001 00", "Invalid BATCH message type 3"},
        {CQLFRAME_OP_BATCH, 4, 0, "00 0001 02 0000 0000 0001 00", "Invalid query kind"},
        {CQLFRAME_OP_BATCH, 4, 0, "00 0000 0001 40", "Named values are not supported"},
        {CQLFRAME_OP_BATCH, 4, 0, "00 ffff 00", "truncated statements"},
        {CQLFRAME_OP_REGISTER, 4, 0, "0001 0003 464f4f", "Invalid event type FOO"},
        {CQLFRAME_OP_REGISTER, 4, 0, "0001 000d 736368656d615f6368616e6765",
         "Invalid event type schema_change"},
        {CQLFRAME_OP_EXECUTE, 4, 0, "0010 00", "truncated id"},
        {CQLFRAME_OP_STARTUP, 4, 0, "0001 0001 41", "truncated options"},
        {CQLFRAME_OP_READY, 4, 0, "", "is not a request"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n;
        uint8_t *p = cqltest_unhex(&arena, cases[i].hex, &n);
        struct cqlframe_header h = {cases[i].version, false, cases[i].frame_flags, 1,
                                    cases[i].opcode,  (uint32_t)n};
        struct cqlreq q;
        struct errmsg em;
        errmsg_clear(&em);
        cr_assert_eq(cqlreq_decode(&h, p, n, &arena, &q, &em), ERR_PROTOCOL, "case %zu", i);
        cr_assert(strstr(em.text, cases[i].msg) != NULL, "case %zu: %s", i, em.text);
    }
}

/* A hostile count cannot make the decoder allocate more than the body could hold. */
Test(cqlreq, value_count_is_checked_before_allocating)
{
    size_t n;
    uint8_t *p = cqltest_unhex(&arena, "00000001 61 0001 01 ffff 00000000", &n);
    struct cqlframe_header h = {4, false, 0, 1, CQLFRAME_OP_QUERY, (uint32_t)n};
    struct cqlreq q;
    struct errmsg em;
    size_t used = arena.used_bytes;
    cr_assert_eq(cqlreq_decode(&h, p, n, &arena, &q, &em), ERR_PROTOCOL);
    cr_assert_lt(arena.used_bytes - used, 64);
}

Test(cqlreq, extra_trailing_bytes_are_ignored)
{
    size_t n;
    uint8_t *p = cqltest_unhex(&arena, "00000001 61 0001 00 deadbeef", &n);
    struct cqlframe_header h = {4, false, 0, 1, CQLFRAME_OP_QUERY, (uint32_t)n};
    struct cqlreq q;
    struct errmsg em;
    cr_assert_eq(cqlreq_decode(&h, p, n, &arena, &q, &em), 0);
    cr_assert(cqlwire_str_eq(q.query, "a"));
    cr_assert_eq(q.params.cl, CQLCL_ONE);
}

Test(cqlreq, v3_reads_any_negative_value_as_null)
{
    size_t n;
    uint8_t *p = cqltest_unhex(&arena, "0000 0000 01 0002 fffffffe fffffff0", &n);
    struct cqlframe_header h = {3, false, 0, 1, CQLFRAME_OP_EXECUTE, (uint32_t)n};
    struct cqlreq q;
    struct errmsg em;
    cr_assert_eq(cqlreq_decode(&h, p, n, &arena, &q, &em), 0);
    cr_assert_eq(q.params.nvalues, 2);
    cr_assert_eq(q.params.values[0].len, CQLWIRE_NULL);
    cr_assert_eq(q.params.values[1].len, CQLWIRE_NULL);
    cr_assert_eq(q.params.cl, CQLCL_ANY);
}

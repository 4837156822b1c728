/*
 * Request frames exactly as the DataStax Python driver 3.25 encodes them (captured with
 * cassandra.protocol.ProtocolHandler.encode_message and the driver's own lz4 compressor, see
 * tests/unit/cqlproto/capture_requests.py), decoded by our codec, re-encoded byte for byte,
 * and cut at every length.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "cqltest.h"
#include "node/cqlproto/cqlcl.h"
#include "node/cqlproto/cqlreq.h"

#define STARTUP_HEX                                                                                \
    "0400000101000000650004000b4452495645525f4e414d450016446174615374"                             \
    "617820507974686f6e20447269766572000e4452495645525f56455253494f4e"                             \
    "0006332e32352e30000b434f4d5052455353494f4e00036c7a34000b43514c5f"                             \
    "56455253494f4e0005332e342e35"
#define REGISTER_HEX                                                                               \
    "040000020b000000310003000f544f504f4c4f47595f4348414e4745000d5354"                             \
    "415455535f4348414e4745000d534348454d415f4348414e4745"
#define QUERY24_HEX                                                                                \
    "04000003070000003f0000002c53454c454354202a2046524f4d207379737465"                             \
    "6d2e6c6f63616c205748455245206b65793d276c6f63616c27000a2400001388"                             \
    "00060dedc0582c2b"
#define QUERY24_LZ4_HEX                                                                            \
    "0401000307000000440000003ff11b0000002c53454c454354202a2046524f4d"                             \
    "2073797374656d2e6c6f63616c205748455245206b65793d271100f00127000a"                             \
    "240000138800060dedc0582c2b"
#define QUERY34_HEX                                                                                \
    "0400000407000000430000002e73656c656374202a2066726f6d207379737465"                             \
    "6d2e6c6f63616c207768657265206b6579203d20276c6f63616c270001340000"                             \
    "0064000800060dedc0582c2b"
#define AUTH_LZ4_HEX                                                                               \
    "040100050f0000001e00000018f009000000140063617373616e647261006361"                             \
    "7373616e647261"
#define EXECUTE_HEX                                                                                \
    "040000060a0000003c00100102030405060708090a0b0c0d0e0f1000042d0003"                             \
    "0000000400000001ffffffff000000036162630000138800000002dead000000"                             \
    "000000002a"
#define BATCH_HEX                                                                                  \
    "040000070d0000004f0100020000000025494e5345525420494e544f206b732e"                             \
    "742028612c2062292056414c5545532028312c2032290000010002aabb000200"                             \
    "00000400000007ffffffff00063000090000000000000007"
#define PREPARE_HEX                                                                                \
    "04000008090000002900000025494e5345525420494e544f206b732e74202861"                             \
    "2c2062292056414c55455320283f2c203f29"
#define QUERY_BIG_LZ4_HEX                                                                          \
    "0401000907000001be000001b7f0ffa9000001a453454c454354202a2046524f"                             \
    "4d206b732e74205748455245206120494e2028302c20312c20322c20332c2034"                             \
    "2c20352c20362c20372c20382c20392c2031302c2031312c2031322c2031332c"                             \
    "2031342c2031352c2031362c2031372c2031382c2031392c2032302c2032312c"                             \
    "2032322c2032332c2032342c2032352c2032362c2032372c2032382c2032392c"                             \
    "2033302c2033312c2033322c2033332c2033342c2033352c2033362c2033372c"                             \
    "2033382c2033392c2034302c2034312c2034322c2034332c2034342c2034352c"                             \
    "2034362c2034372c2034382c2034392c2035302c2035312c2035322c2035332c"                             \
    "2035342c2035352c2035362c2035372c2035382c2035392c2036302c2036312c"                             \
    "2036322c2036332c2036342c2036352c2036362c2036372c2036382c2036392c"                             \
    "2037302c2037312c2037322c2037332c2037342c2037352c2037362c2037372c"                             \
    "2037382c2037392c2038302c2038312c2038322c2038332c2038342c2038352c"                             \
    "2038362c2038372c2038382c2038392c2039302c2039312c2039322c2039332c"                             \
    "2039342c2039352c2039362c2039372c2039382c20393929000a240000138800"                             \
    "00000000000001"

static struct arena arena;

static void setup(void)
{
    arena_init(&arena, 4096);
}

static void teardown(void)
{
    arena_deinit(&arena);
}

TestSuite(captured, .init = setup, .fini = teardown);

/* Decodes a captured frame (whole and byte by byte) into q. */
static void decode(const char *hex, struct cqlreq *q)
{
    size_t len;
    uint8_t *p = cqltest_unhex(&arena, hex, &len);
    struct cqlframe_header h, h2;
    const uint8_t *body, *body2;
    size_t blen, blen2;
    cr_assert_eq(cqltest_frame(p, len, false, false, &arena, &h, &body, &blen), 1);
    cr_assert_eq(cqltest_frame(p, len, false, true, &arena, &h2, &body2, &blen2), 1);
    cr_assert_eq(blen, blen2);
    cr_assert(memcmp(body, body2, blen) == 0);
    struct errmsg em;
    int rc = cqlreq_decode(&h, body, blen, &arena, q, &em);
    cr_assert_eq(rc, 0, "decode failed: %s", em.text);
}

static bool str_is(struct cqlwire_str s, const char *c)
{
    return cqlwire_str_eq(s, c);
}

Test(captured, options_v4_accepted_other_versions_refused_on_stream_0)
{
    static const struct {
        const char *hex;
        int rc;
        uint8_t version;
    } cases[] = {
        {"040000000500000000", 1, 4},
        {"420000000500000000", ERR_PROTOCOL, 0x42},
        {"410000000500000000", ERR_PROTOCOL, 0x41},
        {"050000000500000000", ERR_PROTOCOL, 5},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len;
        uint8_t *p = cqltest_unhex(&arena, cases[i].hex, &len);
        struct cqlframe_decoder d;
        cqlframe_decoder_init(&d, CQLFRAME_BODY_MAX_DEFAULT, false);
        cqlframe_decoder_feed(&d, p, len);
        struct cqlframe f;
        struct errmsg em;
        int rc = cqlframe_decoder_next(&d, &f, &em);
        cr_assert_eq(rc, cases[i].rc, "case %zu", i);
        cr_assert_eq(f.h.version, cases[i].version);
        cr_assert_eq(f.h.stream, 0);
        if (rc < 0) {
            char want[128];
            snprintf(want, sizeof want,
                     "Invalid or unsupported protocol version (%u); supported versions are "
                     "(3/v3, 4/v4)",
                     cases[i].version);
            cr_assert_eq(f.fault, CQLFRAME_FAULT_VERSION);
            cr_assert_str_eq(em.text, want);
            cr_assert(strstr(em.text, "unsupported protocol version") != NULL);
        } else {
            cr_assert_eq(f.h.opcode, CQLFRAME_OP_OPTIONS);
            cr_assert_eq(f.h.body_len, 0);
        }
        cqlframe_decoder_deinit(&d);
    }
}

Test(captured, startup_options)
{
    struct cqlreq q;
    decode(STARTUP_HEX, &q);
    cr_assert_eq(q.opcode, CQLFRAME_OP_STARTUP);
    cr_assert_eq(q.stream, 1);
    cr_assert_eq(q.noptions, 4);
    cr_assert(str_is(*cqlreq_startup_option(&q, "CQL_VERSION"), "3.4.5"));
    cr_assert(str_is(*cqlreq_startup_option(&q, "COMPRESSION"), "lz4"));
    cr_assert(str_is(*cqlreq_startup_option(&q, "DRIVER_NAME"), "DataStax Python Driver"));
    cr_assert(str_is(*cqlreq_startup_option(&q, "DRIVER_VERSION"), "3.25.0"));
    cr_assert_null(cqlreq_startup_option(&q, "NO_COMPACT"));
}

Test(captured, register_events)
{
    struct cqlreq q;
    decode(REGISTER_HEX, &q);
    cr_assert_eq(q.nevents, 3);
    cr_assert_eq(q.event_mask, 7);
    cr_assert(str_is(q.events[2], "SCHEMA_CHANGE"));
}

static void check_query24(const struct cqlreq *q)
{
    cr_assert_eq(q->opcode, CQLFRAME_OP_QUERY);
    cr_assert(str_is(q->query, "SELECT * FROM system.local WHERE key='local'"));
    cr_assert_eq(q->params.cl, CQLCL_LOCAL_ONE);
    cr_assert_eq(q->params.flags, 0x24);
    cr_assert_eq(q->params.page_size, 5000);
    cr_assert_eq(q->params.timestamp_us, 1704164645678123LL);
    cr_assert_eq(q->params.nvalues, 0);
    cr_assert_eq(q->params.serial_cl, CQLCL_SERIAL);
    cr_assert_eq(q->params.paging_state.len, CQLWIRE_NULL);
}

Test(captured, query_flags_0x24_plain_and_lz4)
{
    struct cqlreq q;
    decode(QUERY24_HEX, &q);
    check_query24(&q);
    decode(QUERY24_LZ4_HEX, &q);
    check_query24(&q);
}

Test(captured, cqlsh_query_flags_0x34_with_serial)
{
    struct cqlreq q;
    decode(QUERY34_HEX, &q);
    cr_assert_eq(q.params.flags, 0x34);
    cr_assert_eq(q.params.cl, CQLCL_ONE);
    cr_assert_eq(q.params.page_size, 100);
    cr_assert_eq(q.params.serial_cl, CQLCL_SERIAL);
}

Test(captured, auth_response_lz4)
{
    struct cqlreq q;
    decode(AUTH_LZ4_HEX, &q);
    cr_assert_eq(q.opcode, CQLFRAME_OP_AUTH_RESPONSE);
    cr_assert_eq(q.token.len, 20);
    cr_assert(memcmp(q.token.p, "\0cassandra\0cassandra", 20) == 0);
}

Test(captured, execute_values_paging_timestamp)
{
    struct cqlreq q;
    decode(EXECUTE_HEX, &q);
    cr_assert_eq(q.opcode, CQLFRAME_OP_EXECUTE);
    cr_assert_eq(q.id.len, 16);
    cr_assert_eq(q.id.p[15], 0x10);
    cr_assert_eq(q.params.cl, CQLCL_QUORUM);
    cr_assert_eq(q.params.flags, 0x2d);
    cr_assert_eq(q.params.nvalues, 3);
    cr_assert_eq(q.params.values[0].len, 4);
    cr_assert_eq(q.params.values[1].len, CQLWIRE_NULL);
    cr_assert_eq(q.params.values[2].len, 3);
    cr_assert(memcmp(q.params.values[2].p, "abc", 3) == 0);
    cr_assert_eq(q.params.page_size, 5000);
    cr_assert_eq(q.params.paging_state.len, 2);
    cr_assert_eq(q.params.paging_state.p[0], 0xde);
    cr_assert_eq(q.params.timestamp_us, 42);
}

Test(captured, unlogged_batch_of_query_and_prepared)
{
    struct cqlreq q;
    decode(BATCH_HEX, &q);
    const struct cqlreq_batch *b = &q.batch;
    cr_assert_eq(b->type, CQLREQ_BATCH_UNLOGGED);
    cr_assert_eq(b->nstmts, 2);
    cr_assert_eq(b->stmts[0].kind, 0);
    cr_assert(str_is(b->stmts[0].query, "INSERT INTO ks.t (a, b) VALUES (1, 2)"));
    cr_assert_eq(b->stmts[0].nvalues, 0);
    cr_assert_eq(b->stmts[1].kind, 1);
    cr_assert_eq(b->stmts[1].id.len, 2);
    cr_assert_eq(b->stmts[1].nvalues, 2);
    cr_assert_eq(b->stmts[1].values[1].len, CQLWIRE_NULL);
    cr_assert_eq(b->cl, CQLCL_LOCAL_QUORUM);
    cr_assert_eq(b->flags, 0x30);
    cr_assert_eq(b->serial_cl, CQLCL_LOCAL_SERIAL);
    cr_assert_eq(b->timestamp_us, 7);
}

Test(captured, prepare_and_big_lz4_query)
{
    struct cqlreq q;
    decode(PREPARE_HEX, &q);
    cr_assert(str_is(q.query, "INSERT INTO ks.t (a, b) VALUES (?, ?)"));
    decode(QUERY_BIG_LZ4_HEX, &q);
    cr_assert_eq(q.query.len, 420);
    cr_assert(q.query.len > 30 && memcmp(q.query.p + q.query.len - 3, "99)", 3) == 0);
}

/* Uncompressed captures re-encode to exactly the driver's bytes. */
Test(captured, reencode_is_byte_identical)
{
    const char *hexes[] = {STARTUP_HEX, REGISTER_HEX, QUERY24_HEX, QUERY34_HEX,
                           EXECUTE_HEX, BATCH_HEX,    PREPARE_HEX, "040000000500000000"};
    for (size_t i = 0; i < sizeof hexes / sizeof hexes[0]; i++) {
        size_t len;
        uint8_t *p = cqltest_unhex(&arena, hexes[i], &len);
        struct cqlreq q;
        decode(hexes[i], &q);
        struct buf b;
        buf_init(&b);
        struct errmsg em;
        cr_assert_eq(cqlreq_encode(&b, &q, false, CQLFRAME_BODY_MAX_DEFAULT, &em), 0);
        cr_assert_eq(b.len, len, "case %zu: %zu vs %zu", i, b.len, len);
        cr_assert(memcmp(b.data, p, len) == 0, "case %zu differs", i);
        buf_deinit(&b);
    }
}

/* Compressed captures re-encode (compressed by us) to frames that decode the same. */
Test(captured, lz4_reencode_decodes_to_the_same_body)
{
    const char *hexes[] = {QUERY24_LZ4_HEX, AUTH_LZ4_HEX, QUERY_BIG_LZ4_HEX};
    for (size_t i = 0; i < sizeof hexes / sizeof hexes[0]; i++) {
        size_t len;
        uint8_t *p = cqltest_unhex(&arena, hexes[i], &len);
        struct cqlframe_header h;
        const uint8_t *body;
        size_t blen;
        cr_assert_eq(cqltest_frame(p, len, false, false, &arena, &h, &body, &blen), 1);
        struct cqlreq q;
        struct errmsg em;
        cr_assert_eq(cqlreq_decode(&h, body, blen, &arena, &q, &em), 0);
        struct buf b;
        buf_init(&b);
        cr_assert_eq(cqlreq_encode(&b, &q, true, CQLFRAME_BODY_MAX_DEFAULT, &em), 0);
        cr_assert(b.data[1] & CQLFRAME_FLAG_COMPRESSION);
        struct cqlframe_header h2;
        const uint8_t *body2;
        size_t blen2;
        cr_assert_eq(cqltest_frame(b.data, b.len, false, false, &arena, &h2, &body2, &blen2), 1);
        cr_assert_eq(blen2, blen);
        cr_assert(memcmp(body, body2, blen) == 0);
        buf_deinit(&b);
    }
}

/* Every strict prefix of a frame is "need more bytes"; every strict prefix of a body is a
 * clean ERR_PROTOCOL (every field of these messages is mandatory given their flags). */
Test(captured, every_truncation_needs_more_or_fails_cleanly)
{
    const char *hexes[] = {STARTUP_HEX, REGISTER_HEX, QUERY24_HEX, QUERY34_HEX, EXECUTE_HEX,
                           BATCH_HEX,   PREPARE_HEX,  QUERY24_LZ4_HEX, AUTH_LZ4_HEX};
    for (size_t i = 0; i < sizeof hexes / sizeof hexes[0]; i++) {
        size_t len;
        uint8_t *p = cqltest_unhex(&arena, hexes[i], &len);
        for (size_t cut = 0; cut < len; cut++) {
            struct cqlframe_decoder d;
            cqlframe_decoder_init(&d, CQLFRAME_BODY_MAX_DEFAULT, false);
            cqlframe_decoder_feed(&d, p, cut);
            struct cqlframe f;
            struct errmsg em;
            cr_assert_eq(cqlframe_decoder_next(&d, &f, &em), 0, "case %zu cut %zu", i, cut);
            cqlframe_decoder_deinit(&d);
        }
        struct cqlframe_header h;
        const uint8_t *body;
        size_t blen;
        cr_assert_eq(cqltest_frame(p, len, false, false, &arena, &h, &body, &blen), 1);
        for (size_t cut = 0; cut < blen; cut++) {
            struct cqlreq q;
            struct errmsg em;
            int rc = cqlreq_decode(&h, body, cut, &arena, &q, &em);
            cr_assert_eq(rc, ERR_PROTOCOL, "case %zu body cut %zu", i, cut);
        }
        /* Compressed bodies cut short fail to decompress cleanly too. */
        if (h.flags & CQLFRAME_FLAG_COMPRESSION) {
            for (size_t cut = 0; cut + CQLFRAME_HEADER_SIZE < len; cut++) {
                const uint8_t *out;
                size_t olen;
                struct errmsg em;
                int rc = cqlframe_lz4_decompress(p + CQLFRAME_HEADER_SIZE, cut, 1 << 20, &arena,
                                                 &out, &olen, &em);
                cr_assert_eq(rc, ERR_PROTOCOL, "case %zu lz4 cut %zu", i, cut);
            }
        }
    }
}

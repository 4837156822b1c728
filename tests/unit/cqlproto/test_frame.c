/* cqlframe: header checks, the streaming decoder, frame building and lz4 bodies. */
#include <criterion/criterion.h>
#include <string.h>

#include "cqltest.h"
#include "node/base/be.h"
#include "node/cqlproto/cqlframe.h"

static struct arena arena;

static void setup(void)
{
    arena_init(&arena, 4096);
}

static void teardown(void)
{
    arena_deinit(&arena);
}

TestSuite(cqlframe, .init = setup, .fini = teardown);

/* A request frame with a body of n bytes of 'x'. */
static void put_frame(struct buf *b, uint8_t version, int16_t stream, uint8_t opcode, size_t n)
{
    size_t at = cqlframe_begin(b, version, false, 0, stream, opcode);
    memset(buf_extend(b, n), 'x', n);
    cr_assert_eq(cqlframe_end(b, at, false, CQLFRAME_BODY_MAX_DEFAULT, NULL), 0);
}

Test(cqlframe, header_round_trip)
{
    struct cqlframe_header h = {4, true, 0x0A, -1, CQLFRAME_OP_EVENT, 123456}, g;
    uint8_t p[CQLFRAME_HEADER_SIZE];
    cqlframe_header_write(p, &h);
    static const uint8_t want[] = {0x84, 0x0A, 0xFF, 0xFF, 0x0C, 0x00, 0x01, 0xE2, 0x40};
    cr_assert(memcmp(p, want, sizeof want) == 0);
    cqlframe_header_parse(p, &g);
    cr_assert(g.version == 4 && g.is_response && g.flags == 0x0A && g.stream == -1);
    cr_assert(g.opcode == CQLFRAME_OP_EVENT && g.body_len == 123456);
}

Test(cqlframe, header_check_table)
{
    static const struct {
        uint8_t version;
        bool is_response;
        uint8_t opcode;
        uint32_t len;
        bool expect_response;
        uint8_t conn_version;
        enum cqlframe_fault fault;
    } cases[] = {
        {4, false, CQLFRAME_OP_QUERY, 10, false, 0, CQLFRAME_FAULT_NONE},
        {3, false, CQLFRAME_OP_QUERY, 10, false, 3, CQLFRAME_FAULT_NONE},
        {4, true, CQLFRAME_OP_RESULT, 10, true, 4, CQLFRAME_FAULT_NONE},
        {5, false, CQLFRAME_OP_OPTIONS, 0, false, 0, CQLFRAME_FAULT_VERSION},
        {2, false, CQLFRAME_OP_OPTIONS, 0, false, 0, CQLFRAME_FAULT_VERSION},
        {0x42, false, CQLFRAME_OP_OPTIONS, 0, false, 0, CQLFRAME_FAULT_VERSION},
        {3, false, CQLFRAME_OP_QUERY, 0, false, 4, CQLFRAME_FAULT_MISMATCH},
        {4, true, CQLFRAME_OP_QUERY, 0, false, 0, CQLFRAME_FAULT_DIRECTION},
        {4, false, CQLFRAME_OP_QUERY, 0, true, 0, CQLFRAME_FAULT_DIRECTION},
        {4, false, 0x04, 0, false, 0, CQLFRAME_FAULT_OPCODE},
        {4, false, 0x11, 0, false, 0, CQLFRAME_FAULT_OPCODE},
        {4, false, CQLFRAME_OP_RESULT, 0, false, 0, CQLFRAME_FAULT_OPCODE},
        {4, true, CQLFRAME_OP_STARTUP, 0, true, 0, CQLFRAME_FAULT_OPCODE},
        {4, false, CQLFRAME_OP_QUERY, 1001, false, 0, CQLFRAME_FAULT_TOO_LARGE},
        {4, false, CQLFRAME_OP_QUERY, 1000, false, 0, CQLFRAME_FAULT_NONE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct cqlframe_header h = {cases[i].version, cases[i].is_response, 0, 1,
                                    cases[i].opcode,  cases[i].len};
        struct errmsg em;
        errmsg_clear(&em);
        enum cqlframe_fault f = cqlframe_header_check(&h, cases[i].expect_response,
                                                      cases[i].conn_version, 1000, &em);
        cr_assert_eq(f, cases[i].fault, "case %zu: %d", i, f);
        if (f != CQLFRAME_FAULT_NONE) cr_assert_eq(em.code, ERR_PROTOCOL);
    }
}

Test(cqlframe, many_frames_in_one_feed)
{
    struct buf b;
    buf_init(&b);
    for (int i = 0; i < 50; i++) put_frame(&b, 4, (int16_t)i, CQLFRAME_OP_QUERY, (size_t)i * 7);
    struct cqlframe_decoder d;
    cqlframe_decoder_init(&d, CQLFRAME_BODY_MAX_DEFAULT, false);
    cqlframe_decoder_feed(&d, b.data, b.len);
    struct cqlframe f;
    struct errmsg em;
    const uint8_t *first_body = NULL;
    for (int i = 0; i < 50; i++) {
        cr_assert_eq(cqlframe_decoder_next(&d, &f, &em), 1);
        cr_assert_eq(f.h.stream, i);
        cr_assert_eq(f.h.body_len, (uint32_t)i * 7);
        if (i == 1) first_body = f.body;
    }
    /* Bodies returned between two reads stay valid together. */
    cr_assert_eq(first_body[0], 'x');
    cr_assert_eq(cqlframe_decoder_next(&d, &f, &em), 0);
    cr_assert_eq(cqlframe_decoder_pending(&d), 0);
    cqlframe_decoder_deinit(&d);
    buf_deinit(&b);
}

/* Input arriving in odd-sized pieces through the zero-copy interface. */
Test(cqlframe, zero_copy_reads_in_pieces)
{
    struct buf b;
    buf_init(&b);
    for (int i = 0; i < 20; i++)
        put_frame(&b, 4, (int16_t)i, CQLFRAME_OP_QUERY, (size_t)i * 10000);
    struct cqlframe_decoder d;
    cqlframe_decoder_init(&d, CQLFRAME_BODY_MAX_DEFAULT, false);
    size_t off = 0, step = 1;
    int got = 0;
    while (off < b.len) {
        size_t room;
        uint8_t *p = cqlframe_decoder_space(&d, &room);
        cr_assert_geq(room, 1);
        size_t n = step < room ? step : room;
        if (n > b.len - off) n = b.len - off;
        memcpy(p, b.data + off, n);
        cqlframe_decoder_commit(&d, n);
        off += n;
        step = step * 3 + 1;
        if (step > 70000) step = 5;
        struct cqlframe f;
        struct errmsg em;
        int rc;
        while ((rc = cqlframe_decoder_next(&d, &f, &em)) == 1) {
            cr_assert_eq(f.h.stream, got);
            cr_assert_eq(f.h.body_len, (uint32_t)got * 10000);
            for (uint32_t k = 0; k < f.h.body_len; k += 997) cr_assert_eq(f.body[k], 'x');
            got++;
        }
        cr_assert_eq(rc, 0);
    }
    cr_assert_eq(got, 20);
    cqlframe_decoder_deinit(&d);
    buf_deinit(&b);
}

Test(cqlframe, v2_client_refused_with_its_stream)
{
    /* A v2 OPTIONS frame has an 8-byte header with a 1-byte stream id. */
    static const uint8_t v2[] = {0x02, 0x00, 0x07, 0x05, 0x00, 0x00, 0x00, 0x00};
    struct cqlframe_decoder d;
    cqlframe_decoder_init(&d, CQLFRAME_BODY_MAX_DEFAULT, false);
    cqlframe_decoder_feed(&d, v2, 2);
    struct cqlframe f;
    struct errmsg em;
    cr_assert_eq(cqlframe_decoder_next(&d, &f, &em), 0);
    cqlframe_decoder_feed(&d, v2 + 2, sizeof v2 - 2);
    cr_assert_eq(cqlframe_decoder_next(&d, &f, &em), ERR_PROTOCOL);
    cr_assert_eq(f.fault, CQLFRAME_FAULT_VERSION);
    cr_assert_eq(f.h.stream, 7);
    /* The decoder stays failed. */
    cr_assert_eq(cqlframe_decoder_next(&d, &f, &em), ERR_PROTOCOL);
    cr_assert_eq(f.fault, CQLFRAME_FAULT_VERSION);
    cqlframe_decoder_deinit(&d);
}

Test(cqlframe, node_driver_startup_at_0x42_refused_on_its_stream)
{
    static const uint8_t p[] = {0x42, 0x00, 0x01, 0x02, 0x01, 0x00, 0x00, 0x00, 0x00};
    struct cqlframe_decoder d;
    cqlframe_decoder_init(&d, CQLFRAME_BODY_MAX_DEFAULT, false);
    cqlframe_decoder_feed(&d, p, 4);
    struct cqlframe f;
    struct errmsg em;
    cr_assert_eq(cqlframe_decoder_next(&d, &f, &em), ERR_PROTOCOL);
    cr_assert_eq(f.h.stream, 0x0102);
    cr_assert(strstr(em.text, "Invalid or unsupported protocol version (66)") != NULL);
    cqlframe_decoder_deinit(&d);
}

Test(cqlframe, version_is_fixed_by_the_first_frame)
{
    struct buf b;
    buf_init(&b);
    put_frame(&b, 4, 0, CQLFRAME_OP_OPTIONS, 0);
    put_frame(&b, 3, 1, CQLFRAME_OP_OPTIONS, 0);
    struct cqlframe_decoder d;
    cqlframe_decoder_init(&d, CQLFRAME_BODY_MAX_DEFAULT, false);
    cqlframe_decoder_feed(&d, b.data, b.len);
    struct cqlframe f;
    struct errmsg em;
    cr_assert_eq(cqlframe_decoder_next(&d, &f, &em), 1);
    cr_assert_eq(cqlframe_decoder_next(&d, &f, &em), ERR_PROTOCOL);
    cr_assert_eq(f.fault, CQLFRAME_FAULT_MISMATCH);
    cqlframe_decoder_deinit(&d);
    buf_deinit(&b);
}

Test(cqlframe, too_large_body_is_skipped_and_the_next_frame_decodes)
{
    struct buf b;
    buf_init(&b);
    put_frame(&b, 4, 5, CQLFRAME_OP_QUERY, 3000);
    put_frame(&b, 4, 6, CQLFRAME_OP_QUERY, 10);
    struct cqlframe_decoder d;
    cqlframe_decoder_init(&d, 1000, false);
    struct cqlframe f;
    struct errmsg em;
    /* Arrives in two halves: the refusal comes with the header, the skip spans reads. */
    cqlframe_decoder_feed(&d, b.data, 100);
    cr_assert_eq(cqlframe_decoder_next(&d, &f, &em), ERR_PROTOCOL);
    cr_assert_eq(f.fault, CQLFRAME_FAULT_TOO_LARGE);
    cr_assert_eq(f.h.stream, 5);
    cr_assert(strstr(em.text, "Request is too big: length 3000") != NULL);
    cr_assert_eq(cqlframe_decoder_next(&d, &f, &em), 0);
    cqlframe_decoder_feed(&d, b.data + 100, b.len - 100);
    cr_assert_eq(cqlframe_decoder_next(&d, &f, &em), 1);
    cr_assert_eq(f.h.stream, 6);
    cr_assert_eq(f.h.body_len, 10);
    cqlframe_decoder_deinit(&d);
    buf_deinit(&b);
}

Test(cqlframe, response_direction_for_a_client_decoder)
{
    struct buf b;
    buf_init(&b);
    size_t at = cqlframe_begin(&b, 4, true, 0, -1, CQLFRAME_OP_EVENT);
    cr_assert_eq(cqlframe_end(&b, at, false, CQLFRAME_BODY_MAX_DEFAULT, NULL), 0);
    struct cqlframe_decoder client, server;
    cqlframe_decoder_init(&client, CQLFRAME_BODY_MAX_DEFAULT, true);
    cqlframe_decoder_init(&server, CQLFRAME_BODY_MAX_DEFAULT, false);
    cqlframe_decoder_feed(&client, b.data, b.len);
    cqlframe_decoder_feed(&server, b.data, b.len);
    struct cqlframe f;
    struct errmsg em;
    cr_assert_eq(cqlframe_decoder_next(&client, &f, &em), 1);
    cr_assert_eq(f.h.stream, -1);
    cr_assert_eq(cqlframe_decoder_next(&server, &f, &em), ERR_PROTOCOL);
    cr_assert_eq(f.fault, CQLFRAME_FAULT_DIRECTION);
    cqlframe_decoder_deinit(&client);
    cqlframe_decoder_deinit(&server);
    buf_deinit(&b);
}

Test(cqlframe, lz4_round_trip_sizes)
{
    static const size_t sizes[] = {1, 2, 15, 16, 100, 4096, 65536, 1000003};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        size_t n = sizes[i];
        uint8_t *in = arena_alloc(&arena, n);
        for (size_t k = 0; k < n; k++) in[k] = (uint8_t)((k * 7) % 13 + (k % 1000 == 0));
        struct buf z;
        buf_init(&z);
        cqlframe_lz4_compress(in, n, &z);
        cr_assert_eq(be32_load(z.data), n);
        const uint8_t *out;
        size_t olen;
        struct errmsg em;
        cr_assert_eq(cqlframe_lz4_decompress(z.data, z.len, CQLFRAME_BODY_MAX_DEFAULT, &arena,
                                             &out, &olen, &em),
                     0);
        cr_assert_eq(olen, n);
        cr_assert(memcmp(out, in, n) == 0);
        buf_deinit(&z);
    }
}

Test(cqlframe, lz4_rejects_lies_and_garbage)
{
    static const uint8_t body[] = "hello hello hello hello hello hello";
    struct buf z;
    buf_init(&z);
    cqlframe_lz4_compress(body, sizeof body, &z);
    const uint8_t *out;
    size_t olen;
    struct errmsg em;
    /* Declared length larger or smaller than what the block produces. */
    be32_store(z.data, sizeof body + 1);
    cr_assert_eq(cqlframe_lz4_decompress(z.data, z.len, 1 << 20, &arena, &out, &olen, &em),
                 ERR_PROTOCOL);
    be32_store(z.data, sizeof body - 1);
    cr_assert_eq(cqlframe_lz4_decompress(z.data, z.len, 1 << 20, &arena, &out, &olen, &em),
                 ERR_PROTOCOL);
    /* Declared length over the limit is refused before allocating. */
    be32_store(z.data, 0x7FFFFFFF);
    cr_assert_eq(cqlframe_lz4_decompress(z.data, z.len, 1 << 20, &arena, &out, &olen, &em),
                 ERR_PROTOCOL);
    cr_assert(strstr(em.text, "exceeds") != NULL);
    /* Garbage block, too-short body. */
    static const uint8_t junk[] = {0, 0, 0, 10, 0xff, 0xff, 0xff, 0xff, 0xff};
    cr_assert_eq(cqlframe_lz4_decompress(junk, sizeof junk, 1 << 20, &arena, &out, &olen, &em),
                 ERR_PROTOCOL);
    cr_assert_eq(cqlframe_lz4_decompress(junk, 3, 1 << 20, &arena, &out, &olen, &em),
                 ERR_PROTOCOL);
    buf_deinit(&z);
}

Test(cqlframe, end_compresses_non_empty_bodies_only)
{
    struct buf b;
    buf_init(&b);
    size_t at = cqlframe_begin(&b, 4, true, 0, 3, CQLFRAME_OP_READY);
    cr_assert_eq(cqlframe_end(&b, at, true, CQLFRAME_BODY_MAX_DEFAULT, NULL), 0);
    cr_assert_eq(b.len, CQLFRAME_HEADER_SIZE);
    cr_assert_eq(b.data[1], 0);
    at = cqlframe_begin(&b, 4, true, 0, 4, CQLFRAME_OP_RESULT);
    memset(buf_extend(&b, 5000), 'a', 5000);
    cr_assert_eq(cqlframe_end(&b, at, true, CQLFRAME_BODY_MAX_DEFAULT, NULL), 0);
    cr_assert_eq(b.data[at + 1], CQLFRAME_FLAG_COMPRESSION);
    cr_assert_lt(b.len - at, 200);
    struct cqlframe_header h;
    const uint8_t *body;
    size_t blen;
    cr_assert_eq(cqltest_frame(b.data + at, b.len - at, true, false, &arena, &h, &body, &blen), 1);
    cr_assert_eq(blen, 5000);
    cr_assert_eq(body[4999], 'a');
    buf_deinit(&b);
}

Test(cqlframe, end_refuses_oversized_bodies)
{
    struct buf b;
    buf_init(&b);
    put_frame(&b, 4, 1, CQLFRAME_OP_QUERY, 3);
    size_t before = b.len;
    size_t at = cqlframe_begin(&b, 4, false, 0, 2, CQLFRAME_OP_QUERY);
    buf_extend(&b, 101);
    struct errmsg em;
    cr_assert_eq(cqlframe_end(&b, at, false, 100, &em), ERR_LIMIT);
    cr_assert_eq(b.len, before);
    buf_deinit(&b);
}

Test(cqlframe, compressed_body_without_negotiation_is_refused)
{
    struct buf b;
    buf_init(&b);
    size_t at = cqlframe_begin(&b, 4, false, 0, 1, CQLFRAME_OP_QUERY);
    memset(buf_extend(&b, 100), 'q', 100);
    cr_assert_eq(cqlframe_end(&b, at, true, CQLFRAME_BODY_MAX_DEFAULT, NULL), 0);
    struct cqlframe f;
    cqlframe_header_parse(b.data, &f.h);
    f.body = b.data + CQLFRAME_HEADER_SIZE;
    const uint8_t *body;
    size_t blen;
    struct errmsg em;
    cr_assert_eq(cqlframe_body_load(&f, false, CQLFRAME_BODY_MAX_DEFAULT, &arena, &body, &blen,
                                    &em),
                 ERR_PROTOCOL);
    cr_assert_eq(cqlframe_body_load(&f, true, CQLFRAME_BODY_MAX_DEFAULT, &arena, &body, &blen,
                                    &em),
                 0);
    cr_assert_eq(blen, 100);
    buf_deinit(&b);
}

/* A server that keeps reading while its error response drains must not grow the buffer. */
Test(cqlframe, input_after_a_fatal_fault_is_dropped)
{
    struct cqlframe_decoder d;
    cqlframe_decoder_init(&d, 1024, false);
    static const uint8_t bad[] = {0x05, 0, 0, 1, 5, 0, 0, 0, 0};
    cqlframe_decoder_feed(&d, bad, sizeof bad);
    struct cqlframe f;
    struct errmsg em;
    cr_assert_eq(cqlframe_decoder_next(&d, &f, &em), ERR_PROTOCOL);
    for (int i = 0; i < 1000; i++) {
        size_t room;
        uint8_t *p = cqlframe_decoder_space(&d, &room);
        memset(p, 0x04, room);
        cqlframe_decoder_commit(&d, room);
        cr_assert_eq(cqlframe_decoder_next(&d, &f, &em), ERR_PROTOCOL);
    }
    cr_assert_leq(d.cap, 128 * 1024);
    cqlframe_decoder_deinit(&d);
}

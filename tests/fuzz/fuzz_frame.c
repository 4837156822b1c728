/*
 * fuzz_frame: arbitrary bytes through the CQL native protocol decoders (node/cqlproto).
 *
 * The first input byte picks the mode: bit 0 decodes as a client (responses) instead of as a
 * server (requests), bit 1 uses the zero-copy read interface, bits 2..7 the read size. The rest
 * goes (1) through the streaming frame decoder in reads of that size, every complete frame's
 * body through cqlframe_body_load (lz4 allowed) and the request or response decoder; (2) straight
 * into the message decoder as a body, with an opcode and version taken from its first byte; and
 * (3) into the lz4 body decompressor.
 *
 * Every message that decodes is re-encoded, decoded again and re-encoded: the two encodings
 * must be identical (encode . decode is idempotent), so the encoders are fuzzed as well and must
 * never assert on anything a decoder accepted.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "node/base/arena.h"
#include "node/base/assert.h"
#include "node/base/buf.h"
#include "node/cqlproto/cqlframe.h"
#include "node/cqlproto/cqlreq.h"
#include "node/cqlproto/cqlresp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Small limits keep each run fast; the code paths are the same as with 16 MiB. */
#define BODY_MAX (1u << 20)

/* Encodes the decoded message, decodes that and encodes again: both encodings must match. */
static void round_trip(const struct cqlframe_header *h, const void *msg, struct arena *a)
{
    struct buf b1, b2;
    buf_init(&b1);
    buf_init(&b2);
    struct errmsg em;
    int rc;
    if (h->is_response)
        rc = cqlresp_encode(&b1, msg, false, CQLFRAME_BODY_MAX_LIMIT, &em);
    else
        rc = cqlreq_encode(&b1, msg, false, CQLFRAME_BODY_MAX_LIMIT, &em);
    ASSERT(rc == 0);
    struct cqlframe_header h1;
    cqlframe_header_parse(b1.data, &h1);
    ASSERT(h1.body_len == b1.len - CQLFRAME_HEADER_SIZE);
    const uint8_t *body = b1.data + CQLFRAME_HEADER_SIZE;
    if (h->is_response) {
        struct cqlresp r;
        rc = cqlresp_decode(&h1, body, h1.body_len, a, &r, &em);
        ASSERT(rc == 0);
        rc = cqlresp_encode(&b2, &r, false, CQLFRAME_BODY_MAX_LIMIT, &em);
    } else {
        struct cqlreq q;
        rc = cqlreq_decode(&h1, body, h1.body_len, a, &q, &em);
        ASSERT(rc == 0);
        rc = cqlreq_encode(&b2, &q, false, CQLFRAME_BODY_MAX_LIMIT, &em);
    }
    ASSERT(rc == 0);
    ASSERT(b1.len == b2.len && memcmp(b1.data, b2.data, b1.len) == 0);
    buf_deinit(&b1);
    buf_deinit(&b2);
}

static void decode_message(const struct cqlframe_header *h, const uint8_t *body, size_t len,
                           struct arena *a)
{
    struct errmsg em;
    if (h->is_response) {
        struct cqlresp r;
        if (cqlresp_decode(h, body, len, a, &r, &em) == 0) round_trip(h, &r, a);
    } else {
        struct cqlreq q;
        if (cqlreq_decode(h, body, len, a, &q, &em) == 0) round_trip(h, &q, a);
    }
}

static void feed(struct cqlframe_decoder *d, const uint8_t *p, size_t n, bool zero_copy)
{
    if (!zero_copy) {
        cqlframe_decoder_feed(d, p, n);
        return;
    }
    while (n > 0) {
        size_t room;
        uint8_t *dst = cqlframe_decoder_space(d, &room);
        size_t k = n < room ? n : room;
        memcpy(dst, p, k);
        cqlframe_decoder_commit(d, k);
        p += k;
        n -= k;
    }
}

static void stream(const uint8_t *data, size_t size, uint8_t mode, struct arena *a)
{
    bool expect_response = mode & 1;
    bool zero_copy = mode & 2;
    size_t chunk = 1 + (size_t)(mode >> 2) * 61;
    struct cqlframe_decoder d;
    cqlframe_decoder_init(&d, BODY_MAX, expect_response);
    bool closed = false;
    for (size_t off = 0; off < size && !closed; off += chunk) {
        size_t n = size - off < chunk ? size - off : chunk;
        feed(&d, data + off, n, zero_copy);
        for (;;) {
            struct cqlframe f;
            struct errmsg em;
            int rc = cqlframe_decoder_next(&d, &f, &em);
            if (rc == 0) break;
            if (rc < 0) {
                ASSERT(f.fault != CQLFRAME_FAULT_NONE);
                closed = f.fault != CQLFRAME_FAULT_TOO_LARGE;
                if (closed) break;
                continue;
            }
            ASSERT(f.h.body_len <= BODY_MAX);
            const uint8_t *body;
            size_t len;
            if (cqlframe_body_load(&f, true, BODY_MAX, a, &body, &len, &em) == 0)
                decode_message(&f.h, body, len, a);
            arena_reset(a);
        }
    }
    cqlframe_decoder_deinit(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) return 0;
    uint8_t mode = data[0];
    data++;
    size--;
    struct arena a;
    arena_init(&a, 16 * 1024);
    stream(data, size, mode, &a);
    arena_reset(&a);
    /* The rest as a message body: opcode from the low 5 bits, version 3 or 4, direction. */
    struct cqlframe_header h = {(uint8_t)(3 + ((data[0] >> 5) & 1)), (data[0] >> 6) & 1,
                                (uint8_t)(mode & 0x0F), 0, (uint8_t)(data[0] & 0x1F),
                                (uint32_t)(size - 1)};
    bool ok = h.is_response ? cqlframe_opcode_is_response(h.opcode)
                            : cqlframe_opcode_is_request(h.opcode);
    if (ok) decode_message(&h, data + 1, size - 1, &a);
    arena_reset(&a);
    const uint8_t *out;
    size_t olen;
    struct errmsg em;
    if (cqlframe_lz4_decompress(data, size, BODY_MAX, &a, &out, &olen, &em) == 0)
        ASSERT(olen <= BODY_MAX);
    arena_deinit(&a);
    return 0;
}

/* cqlframe: frame header, streaming decoder, frame building, lz4 bodies. See cqlframe.h. */
#include "node/cqlproto/cqlframe.h"

#include <lz4.h>
#include <stdlib.h>
#include <string.h>

#include "node/base/assert.h"
#include "node/base/be.h"
#include "node/base/mem.h"

/* Bytes offered to a reader at least (one socket read). */
#define READ_CHUNK (64 * 1024)

static const char *const op_names[] = {
    [CQLFRAME_OP_ERROR] = "ERROR",
    [CQLFRAME_OP_STARTUP] = "STARTUP",
    [CQLFRAME_OP_READY] = "READY",
    [CQLFRAME_OP_AUTHENTICATE] = "AUTHENTICATE",
    [CQLFRAME_OP_OPTIONS] = "OPTIONS",
    [CQLFRAME_OP_SUPPORTED] = "SUPPORTED",
    [CQLFRAME_OP_QUERY] = "QUERY",
    [CQLFRAME_OP_RESULT] = "RESULT",
    [CQLFRAME_OP_PREPARE] = "PREPARE",
    [CQLFRAME_OP_EXECUTE] = "EXECUTE",
    [CQLFRAME_OP_REGISTER] = "REGISTER",
    [CQLFRAME_OP_EVENT] = "EVENT",
    [CQLFRAME_OP_BATCH] = "BATCH",
    [CQLFRAME_OP_AUTH_CHALLENGE] = "AUTH_CHALLENGE",
    [CQLFRAME_OP_AUTH_RESPONSE] = "AUTH_RESPONSE",
    [CQLFRAME_OP_AUTH_SUCCESS] = "AUTH_SUCCESS",
};

const char *cqlframe_opcode_name(uint8_t opcode)
{
    if (opcode < sizeof op_names / sizeof op_names[0] && op_names[opcode]) return op_names[opcode];
    return "UNKNOWN";
}

bool cqlframe_opcode_is_request(uint8_t opcode)
{
    switch (opcode) {
    case CQLFRAME_OP_STARTUP:
    case CQLFRAME_OP_OPTIONS:
    case CQLFRAME_OP_QUERY:
    case CQLFRAME_OP_PREPARE:
    case CQLFRAME_OP_EXECUTE:
    case CQLFRAME_OP_REGISTER:
    case CQLFRAME_OP_BATCH:
    case CQLFRAME_OP_AUTH_RESPONSE:
        return true;
    default:
        return false;
    }
}

bool cqlframe_opcode_is_response(uint8_t opcode)
{
    switch (opcode) {
    case CQLFRAME_OP_ERROR:
    case CQLFRAME_OP_READY:
    case CQLFRAME_OP_AUTHENTICATE:
    case CQLFRAME_OP_SUPPORTED:
    case CQLFRAME_OP_RESULT:
    case CQLFRAME_OP_EVENT:
    case CQLFRAME_OP_AUTH_CHALLENGE:
    case CQLFRAME_OP_AUTH_SUCCESS:
        return true;
    default:
        return false;
    }
}

void cqlframe_header_parse(const uint8_t p[CQLFRAME_HEADER_SIZE], struct cqlframe_header *h)
{
    h->version = p[0] & 0x7F;
    h->is_response = (p[0] & CQLFRAME_RESPONSE) != 0;
    h->flags = p[1];
    h->stream = (int16_t)be16_load(p + 2);
    h->opcode = p[4];
    h->body_len = be32_load(p + 5);
}

void cqlframe_header_write(uint8_t p[CQLFRAME_HEADER_SIZE], const struct cqlframe_header *h)
{
    ASSERT(h->version <= 0x7F);
    p[0] = (uint8_t)(h->version | (h->is_response ? CQLFRAME_RESPONSE : 0));
    p[1] = h->flags;
    be16_store(p + 2, (uint16_t)h->stream);
    p[4] = h->opcode;
    be32_store(p + 5, h->body_len);
}

static bool version_supported(uint8_t v)
{
    return v >= CQLFRAME_VERSION_MIN && v <= CQLFRAME_VERSION_MAX;
}

static enum cqlframe_fault version_fault(uint8_t v, struct errmsg *em)
{
    /* Drivers step down on "unsupported protocol version" (Python) or "Invalid or unsupported
     * protocol version" (Node.js): Cassandra's exact wording. */
    errmsg_set(em, ERR_PROTOCOL,
               "Invalid or unsupported protocol version (%u); supported versions are (3/v3, 4/v4)",
               v);
    return CQLFRAME_FAULT_VERSION;
}

enum cqlframe_fault cqlframe_header_check(const struct cqlframe_header *h, bool expect_response,
                                          uint8_t conn_version, uint32_t body_max,
                                          struct errmsg *em)
{
    if (!version_supported(h->version)) return version_fault(h->version, em);
    if (conn_version && h->version != conn_version) {
        errmsg_set(em, ERR_PROTOCOL,
                   "Invalid message version. Got %u but previous messages on this connection had "
                   "version %u",
                   h->version, conn_version);
        return CQLFRAME_FAULT_MISMATCH;
    }
    const char *want = expect_response ? "RESPONSE" : "REQUEST";
    const char *got = h->is_response ? "RESPONSE" : "REQUEST";
    if (h->is_response != expect_response) {
        errmsg_set(em, ERR_PROTOCOL, "Wrong protocol direction (expected %s, got %s)", want, got);
        return CQLFRAME_FAULT_DIRECTION;
    }
    bool known = cqlframe_opcode_is_request(h->opcode) || cqlframe_opcode_is_response(h->opcode);
    if (!known) {
        errmsg_set(em, ERR_PROTOCOL, "Unknown opcode %u", h->opcode);
        return CQLFRAME_FAULT_OPCODE;
    }
    bool ok = expect_response ? cqlframe_opcode_is_response(h->opcode)
                              : cqlframe_opcode_is_request(h->opcode);
    if (!ok) {
        const char *other = expect_response ? "REQUEST" : "RESPONSE";
        errmsg_set(em, ERR_PROTOCOL,
                   "Wrong protocol direction (expected %s, got %s) for opcode %u (%s)", want,
                   other, h->opcode, cqlframe_opcode_name(h->opcode));
        return CQLFRAME_FAULT_OPCODE;
    }
    if (h->body_len > body_max) {
        errmsg_set(em, ERR_PROTOCOL,
                   "Request is too big: length %u exceeds maximum allowed length %u.",
                   h->body_len, body_max);
        return CQLFRAME_FAULT_TOO_LARGE;
    }
    return CQLFRAME_FAULT_NONE;
}

/* ---- streaming decoder ---- */

void cqlframe_decoder_init(struct cqlframe_decoder *d, uint32_t body_max, bool expect_response)
{
    memset(d, 0, sizeof *d);
    d->body_max = body_max < CQLFRAME_BODY_MAX_LIMIT ? body_max : CQLFRAME_BODY_MAX_LIMIT;
    d->expect_response = expect_response;
}

void cqlframe_decoder_deinit(struct cqlframe_decoder *d)
{
    if (!d) return;
    free(d->data);
    d->data = NULL;
    d->cap = d->start = d->end = 0;
}

size_t cqlframe_decoder_pending(const struct cqlframe_decoder *d)
{
    return d->end - d->start;
}

/* Bytes the frame being received needs in total (header + body), or 0 if not known yet. */
static size_t frame_need(const struct cqlframe_decoder *d)
{
    size_t avail = d->end - d->start;
    if (d->discard || avail < CQLFRAME_HEADER_SIZE) return 0;
    uint32_t len = be32_load(d->data + d->start + 5);
    if (len > d->body_max) return 0;
    return CQLFRAME_HEADER_SIZE + (size_t)len;
}

/* Moves buffered bytes to the front and makes room for at least want free bytes. */
static void make_room(struct cqlframe_decoder *d, size_t want)
{
    if (d->start == d->end) d->start = d->end = 0;
    if (d->start > 0 && d->cap - d->end < want) {
        memmove(d->data, d->data + d->start, d->end - d->start);
        d->end -= d->start;
        d->start = 0;
    }
    if (d->cap - d->end < want) {
        size_t cap = d->cap ? d->cap : READ_CHUNK;
        while (cap - d->end < want) cap *= 2;
        d->data = xrealloc(d->data, cap);
        d->cap = cap;
    }
}

uint8_t *cqlframe_decoder_space(struct cqlframe_decoder *d, size_t *len)
{
    /* After a fatal fault the input is garbage: a connection still reading while its error
     * response drains must not grow the buffer. */
    if (d->failed) d->start = d->end;
    size_t buffered = d->end - d->start;
    size_t need = frame_need(d);
    size_t want = need > buffered ? need - buffered : 0;
    if (want < READ_CHUNK) want = READ_CHUNK;
    /* A caller that reads without taking frames would grow the buffer forever. */
    ASSERT(buffered <= CQLFRAME_HEADER_SIZE + (size_t)d->body_max + READ_CHUNK);
    make_room(d, want);
    *len = d->cap - d->end;
    return d->data + d->end;
}

void cqlframe_decoder_commit(struct cqlframe_decoder *d, size_t n)
{
    ASSERT(n <= d->cap - d->end);
    d->end += n;
}

void cqlframe_decoder_feed(struct cqlframe_decoder *d, const void *p, size_t n)
{
    if (n == 0) return;
    make_room(d, n);
    memcpy(d->data + d->end, p, n);
    d->end += n;
}

/* Drops body bytes of a refused (too large) frame. */
static void drop_discarded(struct cqlframe_decoder *d)
{
    size_t avail = d->end - d->start;
    size_t n = d->discard < avail ? d->discard : avail;
    d->start += n;
    d->discard -= n;
}

/* An unsupported version is reported as soon as the stream id is readable, even from a
 * v1/v2 client whose header is 8 bytes (stream is then 1 byte at offset 2). */
static int early_version(struct cqlframe_decoder *d, struct cqlframe *f, struct errmsg *em)
{
    const uint8_t *p = d->data + d->start;
    uint8_t v = p[0] & 0x7F;
    size_t need = v < 3 ? 3 : 4;
    if (d->end - d->start < need) return 0;
    memset(&f->h, 0, sizeof f->h);
    f->h.version = v;
    f->h.is_response = (p[0] & CQLFRAME_RESPONSE) != 0;
    f->h.flags = p[1];
    f->h.stream = v < 3 ? (int8_t)p[2] : (int16_t)be16_load(p + 2);
    f->body = NULL;
    f->fault = d->failed = version_fault(v, em);
    return ERR_PROTOCOL;
}

int cqlframe_decoder_next(struct cqlframe_decoder *d, struct cqlframe *f, struct errmsg *em)
{
    f->fault = CQLFRAME_FAULT_NONE;
    if (d->failed) {
        d->start = d->end;
        f->fault = d->failed;
        return errmsg_set(em, ERR_PROTOCOL, "connection closed after a protocol error");
    }
    drop_discarded(d);
    if (d->discard || d->end == d->start) return 0;
    if (!version_supported(d->data[d->start] & 0x7F)) return early_version(d, f, em);
    if (d->end - d->start < CQLFRAME_HEADER_SIZE) return 0;
    cqlframe_header_parse(d->data + d->start, &f->h);
    f->body = NULL;
    enum cqlframe_fault fault =
        cqlframe_header_check(&f->h, d->expect_response, d->version, d->body_max, em);
    if (fault == CQLFRAME_FAULT_TOO_LARGE) {
        d->start += CQLFRAME_HEADER_SIZE;
        d->discard = f->h.body_len;
        drop_discarded(d);
        f->fault = fault;
        return ERR_PROTOCOL;
    }
    if (fault != CQLFRAME_FAULT_NONE) {
        f->fault = d->failed = fault;
        return ERR_PROTOCOL;
    }
    if (d->end - d->start < CQLFRAME_HEADER_SIZE + (size_t)f->h.body_len) return 0;
    f->body = d->data + d->start + CQLFRAME_HEADER_SIZE;
    d->start += CQLFRAME_HEADER_SIZE + (size_t)f->h.body_len;
    if (!d->version) d->version = f->h.version;
    return 1;
}

/* ---- frame building ---- */

size_t cqlframe_begin(struct buf *b, uint8_t version, bool is_response, uint8_t flags,
                      int16_t stream, uint8_t opcode)
{
    struct cqlframe_header h = {version, is_response, flags, stream, opcode, 0};
    size_t start = b->len;
    cqlframe_header_write(buf_extend(b, CQLFRAME_HEADER_SIZE), &h);
    return start;
}

int cqlframe_end(struct buf *b, size_t start, bool compress, uint32_t body_max,
                 struct errmsg *em)
{
    ASSERT(start + CQLFRAME_HEADER_SIZE <= b->len);
    size_t body_len = b->len - start - CQLFRAME_HEADER_SIZE;
    if (body_len > body_max || body_len > CQLFRAME_BODY_MAX_LIMIT) {
        b->len = start;
        return errmsg_set(em, ERR_LIMIT, "frame body of %zu bytes exceeds the maximum of %u",
                          body_len, body_max);
    }
    if (compress && body_len > 0) {
        /* Compress into the buffer's tail, then move it over the plain body: no allocation
         * per frame once the buffer has grown. */
        size_t body = start + CQLFRAME_HEADER_SIZE, tail = b->len;
        cqlframe_lz4_compress(b->data + body, body_len, b);
        size_t zlen = b->len - tail;
        memmove(b->data + body, b->data + tail, zlen);
        b->len = body + zlen;
        b->data[start + 1] |= CQLFRAME_FLAG_COMPRESSION;
        body_len = zlen;
    }
    be32_store(b->data + start + 5, (uint32_t)body_len);
    return 0;
}

/* ---- lz4 ---- */

void cqlframe_lz4_compress(const uint8_t *in, size_t len, struct buf *out)
{
    ASSERT(len <= CQLFRAME_BODY_MAX_LIMIT);
    int bound = LZ4_compressBound((int)len);
    ASSERT(bound > 0);
    /* in may lie inside out (cqlframe_end compresses a body into its own buffer's tail). */
    bool inside = out->data && in >= out->data && in < out->data + out->len;
    size_t off = inside ? (size_t)(in - out->data) : 0;
    uint8_t *p = buf_reserve(out, 4 + (size_t)bound);
    if (inside) in = out->data + off;
    be32_store(p, (uint32_t)len);
    int n = LZ4_compress_default((const char *)in, (char *)p + 4, (int)len, bound);
    ASSERT(n > 0);
    out->len += 4 + (size_t)n;
}

int cqlframe_lz4_decompress(const uint8_t *in, size_t len, uint32_t out_max, struct arena *a,
                            const uint8_t **out, size_t *out_len, struct errmsg *em)
{
    if (len < 4)
        return errmsg_set(em, ERR_PROTOCOL, "compressed body of %zu bytes is too short", len);
    uint32_t declared = be32_load(in);
    if (declared > out_max || declared > CQLFRAME_BODY_MAX_LIMIT)
        return errmsg_set(em, ERR_PROTOCOL,
                          "decompressed length %u exceeds maximum allowed length %u", declared,
                          out_max);
    if (len - 4 > (size_t)INT32_MAX)
        return errmsg_set(em, ERR_PROTOCOL, "compressed body too long");
    if (declared == 0) {
        *out = (const uint8_t *)"";
        *out_len = 0;
        return 0;
    }
    char *dst = arena_alloc(a, declared);
    int n = LZ4_decompress_safe((const char *)in + 4, dst, (int)(len - 4), (int)declared);
    if (n < 0 || (uint32_t)n != declared)
        return errmsg_set(em, ERR_PROTOCOL,
                          "lz4 body does not decompress to its declared length %u", declared);
    *out = (const uint8_t *)dst;
    *out_len = declared;
    return 0;
}

int cqlframe_body_load(const struct cqlframe *f, bool lz4_enabled, uint32_t body_max,
                       struct arena *a, const uint8_t **body, size_t *len, struct errmsg *em)
{
    if (f->h.flags & CQLFRAME_FLAG_COMPRESSION) {
        if (!lz4_enabled)
            return errmsg_set(em, ERR_PROTOCOL,
                              "Received a compressed frame but compression was not negotiated");
        return cqlframe_lz4_decompress(f->body, f->h.body_len, body_max, a, body, len, em);
    }
    *body = f->h.body_len ? arena_dup(a, f->body, f->h.body_len) : (const uint8_t *)"";
    *len = f->h.body_len;
    return 0;
}

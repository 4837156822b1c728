/* buf: see buf.h. */
#include "node/base/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/base/assert.h"
#include "node/base/be.h"
#include "node/base/mem.h"

void buf_init(struct buf *b)
{
    b->data = NULL;
    b->len = b->cap = 0;
}

void buf_deinit(struct buf *b)
{
    if (!b) return;
    free(b->data);
    buf_init(b);
}

void buf_reset(struct buf *b)
{
    b->len = 0;
}

uint8_t *buf_reserve(struct buf *b, size_t n)
{
    ASSERT(b->len + n >= b->len);
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n) cap *= 2;
        b->data = xrealloc(b->data, cap);
        b->cap = cap;
    }
    return b->data + b->len;
}

uint8_t *buf_extend(struct buf *b, size_t n)
{
    uint8_t *p = buf_reserve(b, n);
    b->len += n;
    return p;
}

void buf_append(struct buf *b, const void *p, size_t n)
{
    if (n) memcpy(buf_extend(b, n), p, n);
}

void buf_put_u8(struct buf *b, uint8_t v)
{
    *buf_extend(b, 1) = v;
}

void buf_put_be16(struct buf *b, uint16_t v)
{
    be16_store(buf_extend(b, 2), v);
}

void buf_put_be32(struct buf *b, uint32_t v)
{
    be32_store(buf_extend(b, 4), v);
}

void buf_put_be64(struct buf *b, uint64_t v)
{
    be64_store(buf_extend(b, 8), v);
}

void buf_put_varint(struct buf *b, uint64_t v)
{
    b->len += varint_store(buf_reserve(b, VARINT_MAX), v);
}

void buf_put_zigzag(struct buf *b, int64_t v)
{
    buf_put_varint(b, zigzag_encode(v));
}

void buf_put_vbytes(struct buf *b, const void *p, size_t n)
{
    buf_put_varint(b, n);
    buf_append(b, p, n);
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    ASSERT(n >= 0);
    char *p = (char *)buf_reserve(b, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

uint8_t *buf_take(struct buf *b, size_t *len)
{
    uint8_t *p = b->data;
    if (len) *len = b->len;
    buf_init(b);
    return p;
}

int rbuf_u8(struct rbuf *r, uint8_t *out)
{
    if (rbuf_left(r) < 1) return -1;
    *out = r->p[r->pos++];
    return 0;
}

int rbuf_be16(struct rbuf *r, uint16_t *out)
{
    if (rbuf_left(r) < 2) return -1;
    *out = be16_load(r->p + r->pos);
    r->pos += 2;
    return 0;
}

int rbuf_be32(struct rbuf *r, uint32_t *out)
{
    if (rbuf_left(r) < 4) return -1;
    *out = be32_load(r->p + r->pos);
    r->pos += 4;
    return 0;
}

int rbuf_be64(struct rbuf *r, uint64_t *out)
{
    if (rbuf_left(r) < 8) return -1;
    *out = be64_load(r->p + r->pos);
    r->pos += 8;
    return 0;
}

int rbuf_varint(struct rbuf *r, uint64_t *out)
{
    size_t n = varint_load(r->p + r->pos, rbuf_left(r), out);
    if (n == 0) return -1;
    r->pos += n;
    return 0;
}

int rbuf_zigzag(struct rbuf *r, int64_t *out)
{
    uint64_t v;
    if (rbuf_varint(r, &v) < 0) return -1;
    *out = zigzag_decode(v);
    return 0;
}

int rbuf_bytes(struct rbuf *r, size_t n, const uint8_t **out)
{
    if (rbuf_left(r) < n) return -1;
    *out = r->p + r->pos;
    r->pos += n;
    return 0;
}

int rbuf_vbytes(struct rbuf *r, size_t max, const uint8_t **out, size_t *n)
{
    size_t save = r->pos;
    uint64_t len;
    if (rbuf_varint(r, &len) < 0 || len > max || len > rbuf_left(r)) {
        r->pos = save;
        return -1;
    }
    *n = (size_t)len;
    *out = r->p + r->pos;
    r->pos += (size_t)len;
    return 0;
}

int rbuf_skip(struct rbuf *r, size_t n)
{
    if (rbuf_left(r) < n) return -1;
    r->pos += n;
    return 0;
}

/*
 * buf: a growable byte buffer for building frames and records (struct buf), and a checked
 * cursor for parsing them (struct rbuf). Every rbuf read checks the bytes remaining first and
 * returns -1 on shortage without moving the cursor, so a count read from the network or disk
 * can never walk past the end.
 * Thread rule: owned by one thread.
 */
#ifndef RINGDB_BASE_BUF_H
#define RINGDB_BASE_BUF_H

#include <stddef.h>
#include <stdint.h>

struct buf {
    uint8_t *data;
    size_t len;
    size_t cap;
};

void buf_init(struct buf *b);
void buf_deinit(struct buf *b);
void buf_reset(struct buf *b); /* len = 0, keeps memory */
/* Ensures room for n more bytes; returns a pointer to the first of them (len unchanged). */
uint8_t *buf_reserve(struct buf *b, size_t n);
/* Grows len by n (after buf_reserve) and returns the start of the n bytes. */
uint8_t *buf_extend(struct buf *b, size_t n);
void buf_append(struct buf *b, const void *p, size_t n);
void buf_put_u8(struct buf *b, uint8_t v);
void buf_put_be16(struct buf *b, uint16_t v);
void buf_put_be32(struct buf *b, uint32_t v);
void buf_put_be64(struct buf *b, uint64_t v);
void buf_put_varint(struct buf *b, uint64_t v);
void buf_put_zigzag(struct buf *b, int64_t v);
/* varint length then bytes */
void buf_put_vbytes(struct buf *b, const void *p, size_t n);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Detaches data (caller frees with free()); the buf is empty afterwards. */
uint8_t *buf_take(struct buf *b, size_t *len);

struct rbuf {
    const uint8_t *p;
    size_t len;
    size_t pos;
};

static inline void rbuf_init(struct rbuf *r, const void *p, size_t len)
{
    r->p = p;
    r->len = len;
    r->pos = 0;
}
static inline size_t rbuf_left(const struct rbuf *r)
{
    return r->len - r->pos;
}
int rbuf_u8(struct rbuf *r, uint8_t *out);
int rbuf_be16(struct rbuf *r, uint16_t *out);
int rbuf_be32(struct rbuf *r, uint32_t *out);
int rbuf_be64(struct rbuf *r, uint64_t *out);
int rbuf_varint(struct rbuf *r, uint64_t *out);
int rbuf_zigzag(struct rbuf *r, int64_t *out);
/* Points *out at the next n bytes (no copy). */
int rbuf_bytes(struct rbuf *r, size_t n, const uint8_t **out);
/* varint length (at most max) then bytes. */
int rbuf_vbytes(struct rbuf *r, size_t max, const uint8_t **out, size_t *n);
int rbuf_skip(struct rbuf *r, size_t n);

#endif

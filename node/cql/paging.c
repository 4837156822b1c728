/* paging: see paging.h. */
#include "node/cql/paging.h"

#include <string.h>

#include "node/base/be.h"
#include "node/base/crc32c.h"

void paging_encode(const struct paging_state *s, struct buf *out)
{
    size_t start = out->len;
    buf_put_u8(out, PAGING_VERSION);
    buf_put_u8(out, s->flags);
    buf_put_vbytes(out, s->key, s->key_len);
    if (s->flags & PAGING_HAS_CK) buf_put_vbytes(out, s->ck, s->ck_len);
    if (s->flags & PAGING_HAS_REMAINING) buf_put_varint(out, s->remaining);
    if (s->flags & PAGING_HAS_PP_REMAINING) buf_put_varint(out, s->pp_remaining);
    buf_put_be32(out, crc32c(out->data + start, out->len - start));
}

static int bad(struct errmsg *em)
{
    return errmsg_set(em, ERR_PROTOCOL, "Invalid value for the paging state");
}

int paging_decode(const uint8_t *p, size_t len, struct paging_state *out, struct errmsg *em)
{
    if (len < 7 || len > PAGING_STATE_MAX_BYTES) return bad(em);
    if (be32_load(p + len - 4) != crc32c(p, len - 4)) return bad(em);
    struct rbuf r;
    rbuf_init(&r, p, len - 4);
    struct paging_state s;
    memset(&s, 0, sizeof s);
    uint8_t version;
    const uint8_t *b;
    size_t n;
    if (rbuf_u8(&r, &version) || version != PAGING_VERSION) return bad(em);
    if (rbuf_u8(&r, &s.flags) || (s.flags & ~0x0Fu)) return bad(em);
    if (rbuf_vbytes(&r, 0xFFFF, &b, &n) || n == 0) return bad(em);
    s.key = b;
    s.key_len = (uint32_t)n;
    if (s.flags & PAGING_HAS_CK) {
        if (rbuf_vbytes(&r, len, &b, &n)) return bad(em);
        s.ck = b;
        s.ck_len = (uint32_t)n;
    }
    if ((s.flags & PAGING_HAS_REMAINING) && rbuf_varint(&r, &s.remaining)) return bad(em);
    if ((s.flags & PAGING_HAS_PP_REMAINING) && rbuf_varint(&r, &s.pp_remaining)) return bad(em);
    if (rbuf_left(&r) != 0) return bad(em);
    *out = s;
    return 0;
}

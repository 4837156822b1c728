/* cqlwire: CQL native protocol body primitives. See cqlwire.h. */
#include "node/cqlproto/cqlwire.h"

#include <string.h>
#include <strings.h>

#include "node/base/assert.h"
#include "node/base/be.h"
#include "node/base/err.h"

struct cqlwire_str cqlwire_str_c(const char *s)
{
    struct cqlwire_str r = {s ? s : "", s ? strlen(s) : 0};
    return r;
}

bool cqlwire_str_eq(struct cqlwire_str s, const char *c)
{
    size_t n = strlen(c);
    return s.len == n && (n == 0 || memcmp(s.p, c, n) == 0);
}

bool cqlwire_str_eq_nocase(struct cqlwire_str s, const char *c)
{
    size_t n = strlen(c);
    return s.len == n && (n == 0 || strncasecmp(s.p, c, n) == 0);
}

char *cqlwire_str_dup(struct cqlwire_str s, struct arena *a)
{
    return arena_strndup(a, s.len ? s.p : "", s.len);
}

/* ---- readers ---- */

int cqlwire_get_byte(struct rbuf *r, uint8_t *out)
{
    return rbuf_u8(r, out) < 0 ? ERR_PROTOCOL : 0;
}

int cqlwire_get_short(struct rbuf *r, uint16_t *out)
{
    return rbuf_be16(r, out) < 0 ? ERR_PROTOCOL : 0;
}

int cqlwire_get_int(struct rbuf *r, int32_t *out)
{
    uint32_t v;
    if (rbuf_be32(r, &v) < 0) return ERR_PROTOCOL;
    *out = (int32_t)v;
    return 0;
}

int cqlwire_get_long(struct rbuf *r, int64_t *out)
{
    uint64_t v;
    if (rbuf_be64(r, &v) < 0) return ERR_PROTOCOL;
    *out = (int64_t)v;
    return 0;
}

/* n bytes of text after a length prefix already consumed; restores pos on shortage. */
static int get_text(struct rbuf *r, size_t save, size_t n, struct cqlwire_str *out)
{
    const uint8_t *p;
    if (rbuf_bytes(r, n, &p) < 0) {
        r->pos = save;
        return ERR_PROTOCOL;
    }
    out->p = (const char *)p;
    out->len = n;
    return 0;
}

int cqlwire_get_string(struct rbuf *r, struct cqlwire_str *out)
{
    size_t save = r->pos;
    uint16_t n;
    if (rbuf_be16(r, &n) < 0) return ERR_PROTOCOL;
    return get_text(r, save, n, out);
}

int cqlwire_get_long_string(struct rbuf *r, struct cqlwire_str *out)
{
    size_t save = r->pos;
    uint32_t n;
    if (rbuf_be32(r, &n) < 0) return ERR_PROTOCOL;
    if ((int32_t)n < 0) {
        r->pos = save;
        return ERR_PROTOCOL;
    }
    return get_text(r, save, n, out);
}

int cqlwire_get_uuid(struct rbuf *r, uint8_t out[16])
{
    const uint8_t *p;
    if (rbuf_bytes(r, 16, &p) < 0) return ERR_PROTOCOL;
    memcpy(out, p, 16);
    return 0;
}

/* Reads an [int] length then the bytes; negative lengths are returned as-is in out->len. */
static int get_sized(struct rbuf *r, struct cqlwire_value *out)
{
    size_t save = r->pos;
    uint32_t u;
    if (rbuf_be32(r, &u) < 0) return ERR_PROTOCOL;
    int32_t n = (int32_t)u;
    if (n < 0) {
        out->p = NULL;
        out->len = n;
        return 0;
    }
    const uint8_t *p;
    if (rbuf_bytes(r, (size_t)n, &p) < 0) {
        r->pos = save;
        return ERR_PROTOCOL;
    }
    out->p = p;
    out->len = n;
    return 0;
}

int cqlwire_get_bytes(struct rbuf *r, struct cqlwire_value *out)
{
    struct cqlwire_value v;
    if (get_sized(r, &v) < 0) return ERR_PROTOCOL;
    if (v.len < 0) v.len = CQLWIRE_NULL;
    *out = v;
    return 0;
}

int cqlwire_get_value(struct rbuf *r, int version, struct cqlwire_value *out)
{
    size_t save = r->pos;
    struct cqlwire_value v;
    if (get_sized(r, &v) < 0) return ERR_PROTOCOL;
    if (v.len < 0 && version < 4) v.len = CQLWIRE_NULL;
    if (v.len < CQLWIRE_UNSET) {
        r->pos = save;
        return ERR_PROTOCOL;
    }
    *out = v;
    return 0;
}

int cqlwire_get_short_bytes(struct rbuf *r, struct cqlwire_value *out)
{
    size_t save = r->pos;
    uint16_t n;
    const uint8_t *p;
    if (rbuf_be16(r, &n) < 0) return ERR_PROTOCOL;
    if (rbuf_bytes(r, n, &p) < 0) {
        r->pos = save;
        return ERR_PROTOCOL;
    }
    out->p = p;
    out->len = n;
    return 0;
}

int cqlwire_get_inet(struct rbuf *r, struct cqlwire_inet *out)
{
    size_t save = r->pos;
    uint8_t n;
    const uint8_t *p;
    uint32_t port;
    if (rbuf_u8(r, &n) < 0 || (n != 4 && n != 16) || rbuf_bytes(r, n, &p) < 0 ||
        rbuf_be32(r, &port) < 0) {
        r->pos = save;
        return ERR_PROTOCOL;
    }
    memset(out, 0, sizeof *out);
    out->addr_len = n;
    memcpy(out->addr, p, n);
    out->port = (int32_t)port;
    return 0;
}

/* Reads a [short] count and checks that count * min_item bytes remain. */
static int get_count(struct rbuf *r, size_t min_item, uint16_t *n)
{
    if (rbuf_be16(r, n) < 0) return ERR_PROTOCOL;
    if ((size_t)*n * min_item > rbuf_left(r)) {
        r->pos -= 2;
        return ERR_PROTOCOL;
    }
    return 0;
}

int cqlwire_get_string_list(struct rbuf *r, struct arena *a, struct cqlwire_str **out,
                            uint16_t *n)
{
    size_t save = r->pos;
    uint16_t cnt;
    if (get_count(r, 2, &cnt) < 0) return ERR_PROTOCOL;
    struct cqlwire_str *v = cnt ? arena_alloc(a, cnt * sizeof *v) : NULL;
    for (uint16_t i = 0; i < cnt; i++) {
        if (cqlwire_get_string(r, &v[i]) < 0) {
            r->pos = save;
            return ERR_PROTOCOL;
        }
    }
    *out = v;
    *n = cnt;
    return 0;
}

/* String map (is_bytes false) or bytes map (true). */
static int get_map(struct rbuf *r, struct arena *a, bool is_bytes, struct cqlwire_pair **out,
                   uint16_t *n)
{
    size_t save = r->pos;
    uint16_t cnt;
    if (get_count(r, is_bytes ? 6 : 4, &cnt) < 0) return ERR_PROTOCOL;
    struct cqlwire_pair *v = cnt ? arena_zalloc(a, cnt * sizeof *v) : NULL;
    for (uint16_t i = 0; i < cnt; i++) {
        int rc = cqlwire_get_string(r, &v[i].key);
        if (rc == 0)
            rc = is_bytes ? cqlwire_get_bytes(r, &v[i].bytes) : cqlwire_get_string(r, &v[i].str);
        if (rc < 0) {
            r->pos = save;
            return ERR_PROTOCOL;
        }
    }
    *out = v;
    *n = cnt;
    return 0;
}

int cqlwire_get_string_map(struct rbuf *r, struct arena *a, struct cqlwire_pair **out,
                           uint16_t *n)
{
    return get_map(r, a, false, out, n);
}

int cqlwire_get_bytes_map(struct rbuf *r, struct arena *a, struct cqlwire_pair **out, uint16_t *n)
{
    return get_map(r, a, true, out, n);
}

int cqlwire_get_string_multimap(struct rbuf *r, struct arena *a, struct cqlwire_multi **out,
                                uint16_t *n)
{
    size_t save = r->pos;
    uint16_t cnt;
    if (get_count(r, 4, &cnt) < 0) return ERR_PROTOCOL;
    struct cqlwire_multi *v = cnt ? arena_zalloc(a, cnt * sizeof *v) : NULL;
    for (uint16_t i = 0; i < cnt; i++) {
        if (cqlwire_get_string(r, &v[i].key) < 0 ||
            cqlwire_get_string_list(r, a, &v[i].vals, &v[i].nvals) < 0) {
            r->pos = save;
            return ERR_PROTOCOL;
        }
    }
    *out = v;
    *n = cnt;
    return 0;
}

/* ---- writers ---- */

void cqlwire_put_byte(struct buf *b, uint8_t v)
{
    buf_put_u8(b, v);
}

void cqlwire_put_short(struct buf *b, uint16_t v)
{
    buf_put_be16(b, v);
}

void cqlwire_put_int(struct buf *b, int32_t v)
{
    buf_put_be32(b, (uint32_t)v);
}

void cqlwire_put_long(struct buf *b, int64_t v)
{
    buf_put_be64(b, (uint64_t)v);
}

void cqlwire_put_string(struct buf *b, const char *s, size_t len)
{
    if (len > CQLWIRE_STRING_MAX) {
        len = CQLWIRE_STRING_MAX;
        /* Back off over UTF-8 continuation bytes so no character is cut in half. */
        while (len > 0 && ((uint8_t)s[len] & 0xC0) == 0x80) len--;
    }
    buf_put_be16(b, (uint16_t)len);
    buf_append(b, s, len);
}

void cqlwire_put_str(struct buf *b, struct cqlwire_str s)
{
    cqlwire_put_string(b, s.p, s.len);
}

void cqlwire_put_cstring(struct buf *b, const char *s)
{
    cqlwire_put_str(b, cqlwire_str_c(s));
}

void cqlwire_put_long_string(struct buf *b, const char *s, size_t len)
{
    ASSERT(len <= INT32_MAX);
    buf_put_be32(b, (uint32_t)len);
    buf_append(b, s, len);
}

void cqlwire_put_uuid(struct buf *b, const uint8_t uuid[16])
{
    buf_append(b, uuid, 16);
}

void cqlwire_put_bytes(struct buf *b, const void *p, size_t len)
{
    ASSERT(len <= INT32_MAX);
    buf_put_be32(b, (uint32_t)len);
    buf_append(b, p, len);
}

void cqlwire_put_value(struct buf *b, struct cqlwire_value v)
{
    if (v.len < 0) {
        ASSERT(v.len == CQLWIRE_NULL || v.len == CQLWIRE_UNSET);
        buf_put_be32(b, (uint32_t)v.len);
        return;
    }
    cqlwire_put_bytes(b, v.p, (size_t)v.len);
}

void cqlwire_put_null(struct buf *b)
{
    buf_put_be32(b, (uint32_t)CQLWIRE_NULL);
}

void cqlwire_put_unset(struct buf *b)
{
    buf_put_be32(b, (uint32_t)CQLWIRE_UNSET);
}

void cqlwire_put_short_bytes(struct buf *b, const void *p, size_t len)
{
    ASSERT(len <= UINT16_MAX);
    buf_put_be16(b, (uint16_t)len);
    buf_append(b, p, len);
}

void cqlwire_put_inet(struct buf *b, const struct cqlwire_inet *in)
{
    ASSERT(in->addr_len == 4 || in->addr_len == 16);
    buf_put_u8(b, in->addr_len);
    buf_append(b, in->addr, in->addr_len);
    buf_put_be32(b, (uint32_t)in->port);
}

void cqlwire_put_string_list(struct buf *b, const struct cqlwire_str *s, uint16_t n)
{
    buf_put_be16(b, n);
    for (uint16_t i = 0; i < n; i++) cqlwire_put_str(b, s[i]);
}

void cqlwire_put_string_map(struct buf *b, const struct cqlwire_pair *p, uint16_t n)
{
    buf_put_be16(b, n);
    for (uint16_t i = 0; i < n; i++) {
        cqlwire_put_str(b, p[i].key);
        cqlwire_put_str(b, p[i].str);
    }
}

void cqlwire_put_bytes_map(struct buf *b, const struct cqlwire_pair *p, uint16_t n)
{
    buf_put_be16(b, n);
    for (uint16_t i = 0; i < n; i++) {
        cqlwire_put_str(b, p[i].key);
        cqlwire_put_value(b, p[i].bytes);
    }
}

void cqlwire_put_string_multimap(struct buf *b, const struct cqlwire_multi *m, uint16_t n)
{
    buf_put_be16(b, n);
    for (uint16_t i = 0; i < n; i++) {
        cqlwire_put_str(b, m[i].key);
        cqlwire_put_string_list(b, m[i].vals, m[i].nvals);
    }
}

/*
 * varnum: arbitrary-precision integers for CQL varint and decimal. See varnum.h.
 *
 * Limbs are 32-bit little-endian; arithmetic is schoolbook (numbers are short: a clustering
 * value is at most 64 KiB, a text literal at most VARNUM_DIGITS_MAX digits). Decimal comparison
 * avoids scaling by huge powers of ten: it first places both values by their decimal magnitude
 * (bit length × log10 2 − scale) and only multiplies when those estimates overlap, which bounds
 * the multiplier by the operands' own sizes.
 */
#include "storage/varnum.h"

#include <stdlib.h>
#include <string.h>

#include "node/base/assert.h"
#include "node/base/be.h"
#include "node/base/mem.h"

#define LOG10_2 0.30102999566398120
#define POW10_9 1000000000u

void varnum_init(struct varnum *v)
{
    v->limb = v->inline_limb;
    v->n = 0;
    v->cap = VARNUM_INLINE_LIMBS;
    v->neg = false;
}

void varnum_deinit(struct varnum *v)
{
    if (!v) return;
    if (v->limb != v->inline_limb) free(v->limb);
    varnum_init(v);
}

static void reserve(struct varnum *v, size_t need)
{
    if (need <= v->cap) return;
    size_t cap = v->cap * 2 > need ? v->cap * 2 : need;
    uint32_t *p = xmalloc(cap * sizeof *p);
    if (v->n) memcpy(p, v->limb, v->n * sizeof *p);
    if (v->limb != v->inline_limb) free(v->limb);
    v->limb = p;
    v->cap = cap;
}

static void normalize(struct varnum *v)
{
    while (v->n && v->limb[v->n - 1] == 0)
        v->n--;
    if (!v->n) v->neg = false;
}

void varnum_set_i64(struct varnum *v, int64_t x)
{
    uint64_t m = x < 0 ? (uint64_t)0 - (uint64_t)x : (uint64_t)x;
    reserve(v, 2);
    v->limb[0] = (uint32_t)m;
    v->limb[1] = (uint32_t)(m >> 32);
    v->n = 2;
    v->neg = x < 0;
    normalize(v);
}

bool varnum_is_zero(const struct varnum *v)
{
    return v->n == 0;
}

size_t varnum_bit_length(const struct varnum *v)
{
    if (!v->n) return 0;
    uint32_t top = v->limb[v->n - 1];
    return (v->n - 1) * 32 + (size_t)(32 - __builtin_clz(top));
}

void varnum_mul_add_small(struct varnum *v, uint32_t m, uint32_t add)
{
    uint64_t carry = add;
    for (size_t i = 0; i < v->n; i++) {
        uint64_t t = (uint64_t)v->limb[i] * m + carry;
        v->limb[i] = (uint32_t)t;
        carry = t >> 32;
    }
    if (carry) {
        reserve(v, v->n + 1);
        v->limb[v->n++] = (uint32_t)carry;
    }
    normalize(v);
}

uint32_t varnum_divmod_small(struct varnum *v, uint32_t d)
{
    ASSERT(d > 0);
    uint64_t rem = 0;
    for (size_t i = v->n; i-- > 0;) {
        uint64_t cur = rem << 32 | v->limb[i];
        v->limb[i] = (uint32_t)(cur / d);
        rem = cur % d;
    }
    normalize(v);
    return (uint32_t)rem;
}

int varnum_cmp_mag(const struct varnum *a, const struct varnum *b)
{
    if (a->n != b->n) return a->n < b->n ? -1 : 1;
    for (size_t i = a->n; i-- > 0;)
        if (a->limb[i] != b->limb[i]) return a->limb[i] < b->limb[i] ? -1 : 1;
    return 0;
}

bool varnum_to_i64(const struct varnum *v, int64_t *out)
{
    if (v->n > 2) return false;
    uint64_t m = v->n > 0 ? v->limb[0] : 0;
    if (v->n > 1) m |= (uint64_t)v->limb[1] << 32;
    if (!v->neg) {
        if (m > (uint64_t)INT64_MAX) return false;
        *out = (int64_t)m;
    } else {
        if (m > (uint64_t)INT64_MAX + 1) return false;
        *out = m == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)m;
    }
    return true;
}

void varnum_from_twos(struct varnum *v, const uint8_t *p, size_t len)
{
    bool neg = len > 0 && (p[0] & 0x80);
    uint8_t flip = neg ? 0xFF : 0x00;
    size_t nlimbs = (len + 3) / 4;
    reserve(v, nlimbs + 1);
    for (size_t i = 0; i < nlimbs; i++) {
        uint32_t w = 0;
        for (size_t k = 0; k < 4; k++) {
            size_t bi = i * 4 + k; /* byte index from the least significant end */
            uint8_t byte = bi < len ? (uint8_t)(p[len - 1 - bi] ^ flip) : 0;
            w |= (uint32_t)byte << (8 * k);
        }
        v->limb[i] = w;
    }
    v->n = nlimbs;
    v->neg = false;
    normalize(v);
    if (neg) varnum_mul_add_small(v, 1, 1); /* magnitude = ~x + 1 */
    v->neg = neg && v->n > 0;
}

/* Magnitude as big-endian bytes without leading zeros (at least one byte). */
static size_t mag_bytes(const struct varnum *v, struct buf *out)
{
    size_t start = out->len;
    bool lead = true;
    for (size_t i = v->n; i-- > 0;) {
        for (int k = 3; k >= 0; k--) {
            uint8_t byte = (uint8_t)(v->limb[i] >> (8 * k));
            if (lead && byte == 0) continue;
            lead = false;
            buf_put_u8(out, byte);
        }
    }
    if (lead) buf_put_u8(out, 0);
    return out->len - start;
}

void varnum_to_twos(const struct varnum *v, struct buf *out)
{
    size_t start = out->len;
    size_t k = mag_bytes(v, out);
    uint8_t *p = out->data + start;
    if (!v->neg) {
        if (p[0] & 0x80) {
            buf_put_u8(out, 0);
            p = out->data + start;
            memmove(p + 1, p, k);
            p[0] = 0x00;
        }
        return;
    }
    /* two's complement over k bytes: ~mag + 1 */
    unsigned carry = 1;
    for (size_t i = k; i-- > 0;) {
        unsigned t = (unsigned)(uint8_t)~p[i] + carry;
        p[i] = (uint8_t)t;
        carry = t >> 8;
    }
    if (!(p[0] & 0x80)) {
        buf_put_u8(out, 0);
        p = out->data + start;
        memmove(p + 1, p, k);
        p[0] = 0xFF;
    }
}

void varnum_format(const struct varnum *v, struct buf *out)
{
    if (varnum_is_zero(v)) {
        buf_put_u8(out, '0');
        return;
    }
    struct varnum t;
    varnum_init(&t);
    reserve(&t, v->n);
    memcpy(t.limb, v->limb, v->n * sizeof *t.limb);
    t.n = v->n;
    /* base-1e9 chunks, least significant first */
    size_t nchunks = 0, cap = 0;
    uint32_t *chunks = NULL;
    while (!varnum_is_zero(&t)) {
        xgrow((void **)&chunks, &cap, nchunks + 1, sizeof *chunks);
        chunks[nchunks++] = varnum_divmod_small(&t, POW10_9);
    }
    if (v->neg) buf_put_u8(out, '-');
    buf_printf(out, "%u", chunks[nchunks - 1]);
    for (size_t i = nchunks - 1; i-- > 0;)
        buf_printf(out, "%09u", chunks[i]);
    free(chunks);
    varnum_deinit(&t);
}

int varnum_parse(struct varnum *v, const char *s, size_t len)
{
    size_t i = 0;
    bool neg = false;
    if (i < len && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    if (i == len || len - i > VARNUM_DIGITS_MAX) return -1;
    v->n = 0;
    v->neg = false;
    while (i < len) {
        uint32_t chunk = 0, mul = 1;
        for (int k = 0; k < 9 && i < len; k++, i++) {
            if (s[i] < '0' || s[i] > '9') return -1;
            chunk = chunk * 10 + (uint32_t)(s[i] - '0');
            mul *= 10;
        }
        varnum_mul_add_small(v, mul, chunk);
    }
    v->neg = neg && v->n > 0;
    return 0;
}

/* -1, 0, 1 for the sign of a serialized two's complement integer. */
static int twos_sign(const uint8_t *p, size_t len)
{
    if (len == 0) return 0;
    if (p[0] & 0x80) return -1;
    for (size_t i = 0; i < len; i++)
        if (p[i]) return 1;
    return 0;
}

/* Skips redundant sign-extension bytes. */
static size_t twos_strip(const uint8_t *p, size_t len)
{
    size_t i = 0;
    while (i + 1 < len &&
           ((p[i] == 0x00 && !(p[i + 1] & 0x80)) || (p[i] == 0xFF && (p[i + 1] & 0x80))))
        i++;
    return i;
}

int varnum_cmp_varint(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    if (alen == 0 || blen == 0) return (alen != 0) - (blen != 0);
    int sa = twos_sign(a, alen), sb = twos_sign(b, blen);
    if (sa != sb) return sa < sb ? -1 : 1;
    size_t ia = twos_strip(a, alen), ib = twos_strip(b, blen);
    size_t la = alen - ia, lb = blen - ib;
    if (la != lb) {
        int longer_is_bigger = sa >= 0 ? 1 : -1;
        return la > lb ? longer_is_bigger : -longer_is_bigger;
    }
    /* same sign, same length: two's complement orders like unsigned bytes */
    int c = memcmp(a + ia, b + ib, la);
    return c < 0 ? -1 : c > 0;
}

/* v *= 10^k */
static void mul_pow10(struct varnum *v, uint64_t k)
{
    while (k >= 9) {
        varnum_mul_add_small(v, POW10_9, 0);
        k -= 9;
    }
    uint32_t m = 1;
    while (k--)
        m *= 10;
    if (m > 1) varnum_mul_add_small(v, m, 0);
}

/* Compares |ua| × 10^-sa with |ub| × 10^-sb; both magnitudes non-zero. */
static int cmp_scaled_mag(struct varnum *ua, int32_t sa, struct varnum *ub, int32_t sb)
{
    double la = (double)varnum_bit_length(ua), lb = (double)varnum_bit_length(ub);
    double lo_a = (la - 1) * LOG10_2 - sa, hi_a = la * LOG10_2 - sa;
    double lo_b = (lb - 1) * LOG10_2 - sb, hi_b = lb * LOG10_2 - sb;
    if (hi_a < lo_b - 0.5) return -1;
    if (hi_b < lo_a - 0.5) return 1;
    /* overlapping estimates: |sa - sb| <= (|la - lb| + 1) log10 2 + 0.5, small */
    int64_t d = (int64_t)sa - sb;
    if (d > 0)
        mul_pow10(ub, (uint64_t)d);
    else if (d < 0)
        mul_pow10(ua, (uint64_t)-d);
    return varnum_cmp_mag(ua, ub);
}

int varnum_cmp_decimal(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    if (alen == 0 || blen == 0) return (alen != 0) - (blen != 0);
    if (alen < 4 || blen < 4) { /* invalid; keep a total order without crashing */
        int c = memcmp(a, b, alen < blen ? alen : blen);
        return c ? (c < 0 ? -1 : 1) : (alen > blen) - (alen < blen);
    }
    int sga = twos_sign(a + 4, alen - 4), sgb = twos_sign(b + 4, blen - 4);
    if (sga != sgb) return sga < sgb ? -1 : 1;
    if (sga == 0) return 0;
    struct varnum ua, ub;
    varnum_init(&ua);
    varnum_init(&ub);
    varnum_from_twos(&ua, a + 4, alen - 4);
    varnum_from_twos(&ub, b + 4, blen - 4);
    int c = cmp_scaled_mag(&ua, (int32_t)be32_load(a), &ub, (int32_t)be32_load(b));
    varnum_deinit(&ua);
    varnum_deinit(&ub);
    return sga < 0 ? -c : c;
}

void varnum_format_decimal(const uint8_t *p, size_t len, struct buf *out)
{
    if (len < 4) return;
    int32_t scale = (int32_t)be32_load(p);
    struct varnum u;
    varnum_init(&u);
    varnum_from_twos(&u, p + 4, len - 4);
    if (u.neg) buf_put_u8(out, '-');
    u.neg = false;
    struct buf digits;
    buf_init(&digits);
    varnum_format(&u, &digits);
    varnum_deinit(&u);
    int64_t n = (int64_t)digits.len;
    int64_t adjusted = -(int64_t)scale + (n - 1);
    const char *d = (const char *)digits.data;
    if (scale >= 0 && adjusted >= -6) {
        if (scale == 0) {
            buf_append(out, d, (size_t)n);
        } else if (n > scale) {
            buf_append(out, d, (size_t)(n - scale));
            buf_put_u8(out, '.');
            buf_append(out, d + (n - scale), (size_t)scale);
        } else {
            buf_append(out, "0.", 2);
            for (int64_t i = 0; i < scale - n; i++)
                buf_put_u8(out, '0');
            buf_append(out, d, (size_t)n);
        }
    } else {
        buf_put_u8(out, (uint8_t)d[0]);
        if (n > 1) {
            buf_put_u8(out, '.');
            buf_append(out, d + 1, (size_t)(n - 1));
        }
        if (adjusted != 0) buf_printf(out, "E%s%lld", adjusted > 0 ? "+" : "", (long long)adjusted);
    }
    buf_deinit(&digits);
}

/* Parses [+-]digits as an int64 exponent; -1 on bad syntax or overflow past +-2^40. */
static int parse_exponent(const char *s, size_t len, int64_t *out)
{
    size_t i = 0;
    bool neg = false;
    if (i < len && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    if (i == len) return -1;
    int64_t e = 0;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        e = e * 10 + (s[i] - '0');
        if (e > ((int64_t)1 << 40)) return -1;
    }
    *out = neg ? -e : e;
    return 0;
}

int varnum_parse_decimal(const char *s, size_t len, struct buf *out)
{
    size_t i = 0, ndig = 0, nfrac = 0;
    bool seen_point = false;
    if (len > VARNUM_DIGITS_MAX) return -1;
    struct buf digits;
    buf_init(&digits);
    if (i < len && (s[i] == '+' || s[i] == '-')) buf_put_u8(&digits, (uint8_t)s[i++]);
    for (; i < len && s[i] != 'e' && s[i] != 'E'; i++) {
        if (s[i] == '.' && !seen_point) {
            seen_point = true;
        } else if (s[i] >= '0' && s[i] <= '9') {
            buf_put_u8(&digits, (uint8_t)s[i]);
            ndig++;
            nfrac += seen_point;
        } else {
            goto fail;
        }
    }
    int64_t exp = 0;
    if (ndig == 0 || (i < len && parse_exponent(s + i + 1, len - i - 1, &exp) < 0)) goto fail;
    int64_t scale = (int64_t)nfrac - exp;
    if (scale < INT32_MIN || scale > INT32_MAX) goto fail;
    struct varnum u;
    varnum_init(&u);
    int rc = varnum_parse(&u, (const char *)digits.data, digits.len);
    if (rc == 0) {
        buf_put_be32(out, (uint32_t)(int32_t)scale);
        varnum_to_twos(&u, out);
    }
    varnum_deinit(&u);
    buf_deinit(&digits);
    return rc;
fail:
    buf_deinit(&digits);
    return -1;
}

int varnum_parse_varint(const char *s, size_t len, struct buf *out)
{
    struct varnum v;
    varnum_init(&v);
    int rc = varnum_parse(&v, s, len);
    if (rc == 0) varnum_to_twos(&v, out);
    varnum_deinit(&v);
    return rc;
}

/*
 * types_value: validation and ordering of serialized CQL values (declared in types.h).
 *
 * Validation mirrors Cassandra 4.1's TypeSerializer.validate, messages included, so a client
 * sees the same InvalidRequest text: fixed widths (the empty value is accepted where Cassandra
 * accepts it: every type except tinyint, smallint, date, time, duration and the collections),
 * ASCII and UTF-8 text, timeuuid version 1, decimal scale, duration vints with one sign,
 * collections (protocol v4 §6: <int n> then n × <int len><bytes>, no nulls, no trailing
 * bytes), tuples and UDTs (<int len><bytes> per field, -1 = null, fewer fields than declared
 * allowed, never more). Every count is checked against the bytes remaining and bounded by
 * CQL_COLLECTION_ELEMS_MAX; nesting is bounded by CQL_TYPE_DEPTH_MAX.
 *
 * Comparison mirrors the AbstractType.compareCustom of each marshal type (see types.h). It
 * never fails: on malformed input (which validation keeps out of the store) it falls back to
 * unsigned byte order so the order stays total and nothing crashes.
 * Thread rule: pure.
 */
#include <math.h>
#include <string.h>

#include "node/base/be.h"
#include "storage/types.h"
#include "storage/varnum.h"

/* ---- Cassandra vints (protocol v5 [vint], Cassandra's VIntCoding) ---------------------- */

size_t cql_value_decode_vint(const uint8_t *p, size_t len, int64_t *out)
{
    if (len == 0) return 0;
    uint8_t first = p[0];
    size_t extra = 0;
    while (extra < 8 && (first & (0x80u >> extra)))
        extra++;
    if (len < 1 + extra) return 0;
    uint64_t v = extra >= 8 ? 0 : (uint64_t)(first & (0xFFu >> extra));
    for (size_t i = 1; i <= extra; i++)
        v = v << 8 | p[i];
    *out = (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
    return 1 + extra;
}

void cql_value_encode_vint(struct buf *out, int64_t x)
{
    uint64_t v = ((uint64_t)x << 1) ^ (uint64_t)(x >> 63);
    int magnitude = __builtin_clzll(v | 1);
    size_t size = (size_t)((639 - magnitude * 9) >> 6);
    uint8_t b[9];
    if (size == 1) {
        buf_put_u8(out, (uint8_t)v);
        return;
    }
    size_t extra = size - 1;
    for (size_t i = size; i-- > 0;) {
        b[i] = (uint8_t)v;
        v >>= 8;
    }
    b[0] |= (uint8_t) ~(0xFFu >> extra);
    buf_append(out, b, size);
}

int cql_value_decode_duration(const uint8_t *v, size_t len, int32_t *months, int32_t *days,
                              int64_t *nanos)
{
    int64_t m, d, n;
    size_t k1, k2, k3;
    if ((k1 = cql_value_decode_vint(v, len, &m)) == 0) return -1;
    if ((k2 = cql_value_decode_vint(v + k1, len - k1, &d)) == 0) return -1;
    if ((k3 = cql_value_decode_vint(v + k1 + k2, len - k1 - k2, &n)) == 0) return -1;
    if (k1 + k2 + k3 != len) return -1;
    if (m < INT32_MIN || m > INT32_MAX || d < INT32_MIN || d > INT32_MAX) return -1;
    *months = (int32_t)m;
    *days = (int32_t)d;
    *nanos = n;
    return 0;
}

void cql_value_encode_duration(struct buf *out, int32_t months, int32_t days, int64_t nanos)
{
    cql_value_encode_vint(out, months);
    cql_value_encode_vint(out, days);
    cql_value_encode_vint(out, nanos);
}

/* ---- validation ---------------------------------------------------------------------- */

bool cql_value_utf8_valid(const uint8_t *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint8_t c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n;
        uint32_t cp, min;
        if ((c & 0xE0) == 0xC0)
            n = 2, cp = c & 0x1F, min = 0x80;
        else if ((c & 0xF0) == 0xE0)
            n = 3, cp = c & 0x0F, min = 0x800;
        else if ((c & 0xF8) == 0xF0)
            n = 4, cp = c & 0x07, min = 0x10000;
        else
            return false;
        if (len - i < n) return false;
        for (size_t k = 1; k < n; k++) {
            if ((s[i + k] & 0xC0) != 0x80) return false;
            cp = cp << 6 | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += n;
    }
    return true;
}

static int validate_rec(const struct cql_type *t, const uint8_t *v, size_t len, int depth,
                        struct errmsg *em);

static int fixed(size_t len, size_t want, bool empty_ok, const char *fmt, struct errmsg *em)
{
    if (len == want || (empty_ok && len == 0)) return 0;
    return errmsg_set(em, ERR_INVALID, fmt, len);
}

static int validate_duration(const uint8_t *v, size_t len, struct errmsg *em)
{
    if (len < 3)
        return errmsg_set(em, ERR_INVALID, "Expected at least 3 bytes for a duration (%zu)", len);
    int64_t m, d, n;
    size_t k1 = cql_value_decode_vint(v, len, &m);
    size_t k2 = k1 ? cql_value_decode_vint(v + k1, len - k1, &d) : 0;
    size_t k3 = k2 ? cql_value_decode_vint(v + k1 + k2, len - k1 - k2, &n) : 0;
    if (!k3 || k1 + k2 + k3 != len)
        return errmsg_set(em, ERR_INVALID, "Invalid duration encoding (%zu bytes)", len);
    if (m < INT32_MIN || m > INT32_MAX)
        return errmsg_set(em, ERR_INVALID,
                          "The duration months must be a 32 bits integer but was: %lld",
                          (long long)m);
    if (d < INT32_MIN || d > INT32_MAX)
        return errmsg_set(em, ERR_INVALID,
                          "The duration days must be a 32 bits integer but was: %lld",
                          (long long)d);
    if (!((m >= 0 && d >= 0 && n >= 0) || (m <= 0 && d <= 0 && n <= 0)))
        return errmsg_set(em, ERR_INVALID,
                          "The duration months, days and nanoseconds must be all of the same "
                          "sign (%lld, %lld, %lld)",
                          (long long)m, (long long)d, (long long)n);
    return 0;
}

static int validate_text(enum cql_type_id id, const uint8_t *v, size_t len, struct errmsg *em)
{
    if (id == CQL_ASCII) {
        for (size_t i = 0; i < len; i++)
            if (v[i] & 0x80)
                return errmsg_set(em, ERR_INVALID, "Invalid byte for ascii: %d", (int8_t)v[i]);
        return 0;
    }
    if (!cql_value_utf8_valid(v, len))
        return errmsg_set(em, ERR_INVALID, "String didn't validate.");
    return 0;
}

static int validate_native(const struct cql_type *t, const uint8_t *v, size_t len,
                           struct errmsg *em)
{
    switch (t->id) {
    case CQL_ASCII:
    case CQL_VARCHAR:
        return validate_text(t->id, v, len, em);
    case CQL_BLOB:
    case CQL_CUSTOM:
    case CQL_VARINT:
        return 0;
    case CQL_BOOLEAN:
        return fixed(len, 1, true, "Expected 1 or 0 byte value (%zu)", em);
    case CQL_INT:
        return fixed(len, 4, true, "Expected 4 or 0 byte int (%zu)", em);
    case CQL_BIGINT:
    case CQL_COUNTER:
        return fixed(len, 8, true, "Expected 8 or 0 byte long (%zu)", em);
    case CQL_TIMESTAMP:
        return fixed(len, 8, true, "Expected 8 or 0 byte long for date (%zu)", em);
    case CQL_FLOAT:
        return fixed(len, 4, true, "Expected 4 or 0 byte value for a float (%zu)", em);
    case CQL_DOUBLE:
        return fixed(len, 8, true, "Expected 8 or 0 byte value for a double (%zu)", em);
    case CQL_SMALLINT:
        return fixed(len, 2, false, "Expected 2 bytes for a smallint (%zu)", em);
    case CQL_TINYINT:
        return fixed(len, 1, false, "Expected 1 byte for a tinyint (%zu)", em);
    case CQL_DATE:
        return fixed(len, 4, false, "Expected 4 byte long for date (%zu)", em);
    case CQL_INET:
        if (len == 0 || len == 4 || len == 16) return 0;
        return errmsg_set(em, ERR_INVALID, "Expected 4 or 16 byte inetaddress; got %zu bytes", len);
    case CQL_DECIMAL:
        if (len == 0 || len >= 4) return 0;
        return errmsg_set(em, ERR_INVALID, "Expected 0 or at least 4 bytes (%zu)", len);
    case CQL_DURATION:
        return validate_duration(v, len, em);
    case CQL_TIME: {
        int rc = fixed(len, 8, false, "Expected 8 byte long for Time (%zu)", em);
        if (rc) return rc;
        int64_t ns = (int64_t)be64_load(v);
        if (ns < 0 || ns >= 86400LL * 1000000000LL)
            return errmsg_set(em, ERR_INVALID, "Time value out of range: %lld ns since midnight",
                              (long long)ns);
        return 0;
    }
    case CQL_UUID:
    case CQL_TIMEUUID: {
        int rc = fixed(len, 16, true, "UUID should be 16 or 0 bytes (%zu)", em);
        if (rc == 0 && len && t->id == CQL_TIMEUUID && (v[6] >> 4) != 1)
            rc = errmsg_set(em, ERR_INVALID, "Invalid version for TimeUUID type.");
        return rc;
    }
    default:
        return errmsg_set(em, ERR_INVALID, "unknown type id 0x%04x", (unsigned)t->id);
    }
}

static int validate_collection(const struct cql_type *t, const uint8_t *v, size_t len, int depth,
                               struct errmsg *em)
{
    const char *kind = t->id == CQL_LIST ? "list" : t->id == CQL_SET ? "set" : "map";
    size_t per = t->id == CQL_MAP ? 2 : 1;
    if (len < 4) return errmsg_set(em, ERR_INVALID, "Not enough bytes to read a %s", kind);
    int32_t n = (int32_t)be32_load(v);
    size_t pos = 4;
    if (n < 0) return errmsg_set(em, ERR_INVALID, "Negative element count in a %s", kind);
    if ((size_t)n > CQL_COLLECTION_ELEMS_MAX)
        return errmsg_set(em, ERR_INVALID, "Too many elements in a %s (%d, max %d)", kind, n,
                          CQL_COLLECTION_ELEMS_MAX);
    if ((size_t)n * per * 4 > len - pos)
        return errmsg_set(em, ERR_INVALID, "Not enough bytes to read a %s", kind);
    for (size_t i = 0; i < (size_t)n * per; i++) {
        if (len - pos < 4)
            return errmsg_set(em, ERR_INVALID, "Not enough bytes to read a %s", kind);
        int32_t elen = (int32_t)be32_load(v + pos);
        pos += 4;
        if (elen < 0) return errmsg_set(em, ERR_INVALID, "Null value read when not allowed");
        if ((size_t)elen > len - pos)
            return errmsg_set(em, ERR_INVALID, "Not enough bytes to read a %s", kind);
        const struct cql_type *et = t->sub[per == 2 ? i % 2 : 0];
        int rc = validate_rec(et, v + pos, (size_t)elen, depth + 1, em);
        if (rc) return rc;
        pos += (size_t)elen;
    }
    if (pos != len)
        return errmsg_set(em, ERR_INVALID, "Unexpected extraneous bytes after %s value", kind);
    return 0;
}

static int validate_fields(const struct cql_type *t, const uint8_t *v, size_t len, int depth,
                           struct errmsg *em)
{
    bool udt = t->id == CQL_UDT;
    const char *what = udt ? "field" : "component";
    size_t pos = 0;
    for (uint16_t i = 0; i < t->nsub && pos < len; i++) {
        const char *fname = udt ? t->field_names[i] : "";
        if (len - pos < 4)
            return errmsg_set(em, ERR_INVALID, "Not enough bytes to read size of %uth %s%s%s", i,
                              what, udt ? " " : "", fname);
        int32_t flen = (int32_t)be32_load(v + pos);
        pos += 4;
        if (flen < 0) continue;
        if ((size_t)flen > len - pos)
            return errmsg_set(em, ERR_INVALID, "Not enough bytes to read %uth %s%s%s", i, what,
                              udt ? " " : "", fname);
        struct errmsg inner;
        int rc = validate_rec(t->sub[i], v + pos, (size_t)flen, depth + 1, &inner);
        if (rc && udt)
            return errmsg_set(em, rc, "Failure validating the %uth field %s; %s", i, fname,
                              inner.text);
        if (rc) return errmsg_set(em, rc, "%s", inner.text);
        pos += (size_t)flen;
    }
    if (pos != len)
        return errmsg_set(em, ERR_INVALID, "Invalid remaining data after end of %s value",
                          udt ? "UDT" : "tuple");
    return 0;
}

static int validate_rec(const struct cql_type *t, const uint8_t *v, size_t len, int depth,
                        struct errmsg *em)
{
    if (depth > CQL_TYPE_DEPTH_MAX)
        return errmsg_set(em, ERR_INVALID, "value nesting deeper than %d", CQL_TYPE_DEPTH_MAX);
    switch (t->id) {
    case CQL_LIST:
    case CQL_SET:
    case CQL_MAP:
        return validate_collection(t, v, len, depth, em);
    case CQL_TUPLE:
    case CQL_UDT:
        return validate_fields(t, v, len, depth, em);
    default:
        return validate_native(t, v, len, em);
    }
}

int cql_value_validate(const struct cql_type *t, const uint8_t *v, size_t len, struct errmsg *em)
{
    return validate_rec(t, v, len, 1, em);
}

/* ---- comparison ---------------------------------------------------------------------- */

static int cmp_bytes(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    size_t n = alen < blen ? alen : blen;
    int c = n ? memcmp(a, b, n) : 0;
    if (c) return c < 0 ? -1 : 1;
    return (alen > blen) - (alen < blen);
}

/* Fixed-width two's complement integers: first byte signed, the rest unsigned. */
static int cmp_signed(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    if (alen != blen) return cmp_bytes(a, alen, b, blen);
    if (a[0] != b[0]) return (int8_t)a[0] < (int8_t)b[0] ? -1 : 1;
    return cmp_bytes(a + 1, alen - 1, b + 1, blen - 1);
}

/* Java's Double.compare: -0.0 < 0.0, NaN equal to itself and above +Infinity. */
static int cmp_double(double x, double y)
{
    if (x < y) return -1;
    if (x > y) return 1;
    bool nx = isnan(x), ny = isnan(y);
    if (nx || ny) return nx - ny;
    return (int)(signbit(y) != 0) - (int)(signbit(x) != 0);
}

static double load_float(const uint8_t *p, size_t len)
{
    if (len == 4) {
        uint32_t u = be32_load(p);
        float f;
        memcpy(&f, &u, 4);
        return f;
    }
    uint64_t u = be64_load(p);
    double d;
    memcpy(&d, &u, 8);
    return d;
}

/* TimeUUIDType.reorderTimestampBytes: time_hi+version, time_mid, time_low. */
static int64_t reorder_ts(uint64_t msb)
{
    return (int64_t)((msb << 48) | ((msb << 16) & 0xFFFF00000000ULL) | (msb >> 32));
}

static int cmp_u64(uint64_t x, uint64_t y)
{
    return (x > y) - (x < y);
}

static int cmp_uuid(bool time_type, const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    if (alen != 16 || blen != 16) return cmp_bytes(a, alen, b, blen);
    uint64_t ma = be64_load(a), mb = be64_load(b);
    uint64_t la = be64_load(a + 8), lb = be64_load(b + 8);
    if (time_type) {
        int64_t ra = reorder_ts(ma), rb = reorder_ts(mb);
        if (ra != rb) return ra < rb ? -1 : 1;
        /* signed byte-wise comparison of the low 8 bytes, for compatibility (CASSANDRA-8730) */
        int64_t sa = (int64_t)(la ^ 0x0080808080808080ULL),
                sb = (int64_t)(lb ^ 0x0080808080808080ULL);
        return (sa > sb) - (sa < sb);
    }
    int va = (int)((ma >> 12) & 0xF), vb = (int)((mb >> 12) & 0xF);
    if (va != vb) return va < vb ? -1 : 1;
    int c;
    if (va == 1) {
        int64_t ra = reorder_ts(ma), rb = reorder_ts(mb);
        c = (ra > rb) - (ra < rb);
    } else {
        c = cmp_u64(ma, mb);
    }
    return c ? c : cmp_u64(la, lb);
}

static int compare_rec(const struct cql_type *t, const uint8_t *a, size_t alen, const uint8_t *b,
                       size_t blen, int depth);

int cql_value_next_elem(const uint8_t *v, size_t len, size_t *pos, const uint8_t **e, size_t *elen)
{
    if (*pos > len || len - *pos < 4) return -1;
    int32_t n = (int32_t)be32_load(v + *pos);
    *pos += 4;
    if (n < 0) return 0;
    if ((size_t)n > len - *pos) return -1;
    *e = v + *pos;
    *elen = (size_t)n;
    *pos += (size_t)n;
    return 1;
}

static int compare_collection(const struct cql_type *t, const uint8_t *a, size_t alen,
                              const uint8_t *b, size_t blen, int depth)
{
    if (alen < 4 || blen < 4) return cmp_bytes(a, alen, b, blen);
    int32_t na = (int32_t)be32_load(a), nb = (int32_t)be32_load(b);
    size_t per = t->id == CQL_MAP ? 2 : 1;
    size_t pa = 4, pb = 4;
    int32_t nmin = na < nb ? na : nb;
    for (size_t i = 0; nmin > 0 && i < (size_t)nmin * per; i++) {
        const uint8_t *ea, *eb;
        size_t la, lb;
        size_t sa = pa, sb = pb;
        if (cql_value_next_elem(a, alen, &pa, &ea, &la) != 1 ||
            cql_value_next_elem(b, blen, &pb, &eb, &lb) != 1)
            return cmp_bytes(a + sa, alen - sa, b + sb, blen - sb);
        int c = compare_rec(t->sub[per == 2 ? i % 2 : 0], ea, la, eb, lb, depth + 1);
        if (c) return c;
    }
    return (na > nb) - (na < nb);
}

static bool rest_all_null(const uint8_t *v, size_t len, size_t pos)
{
    while (pos < len) {
        if (len - pos < 4 || (int32_t)be32_load(v + pos) >= 0) return false;
        pos += 4;
    }
    return true;
}

/* TupleType.compareCustom (also UDTs): null before non-null; trailing nulls are ignored. */
static int compare_fields(const struct cql_type *t, const uint8_t *a, size_t alen, const uint8_t *b,
                          size_t blen, int depth)
{
    size_t pa = 0, pb = 0;
    for (uint16_t i = 0; i < t->nsub && pa < alen && pb < blen; i++) {
        const uint8_t *ea = NULL, *eb = NULL;
        size_t la = 0, lb = 0, sa = pa, sb = pb;
        int ra = cql_value_next_elem(a, alen, &pa, &ea, &la),
            rb = cql_value_next_elem(b, blen, &pb, &eb, &lb);
        if (ra < 0 || rb < 0) return cmp_bytes(a + sa, alen - sa, b + sb, blen - sb);
        if (ra == 0 || rb == 0) {
            if (ra == rb) continue;
            return ra == 0 ? -1 : 1;
        }
        int c = compare_rec(t->sub[i], ea, la, eb, lb, depth + 1);
        if (c) return c;
    }
    bool a_rest_null = rest_all_null(a, alen, pa), b_rest_null = rest_all_null(b, blen, pb);
    if (a_rest_null && b_rest_null) return 0;
    if (pa >= alen) return b_rest_null ? 0 : -1;
    return a_rest_null ? 0 : 1;
}

static int compare_rec(const struct cql_type *t, const uint8_t *a, size_t alen, const uint8_t *b,
                       size_t blen, int depth)
{
    if (alen == 0 || blen == 0) return (alen != 0) - (blen != 0);
    if (depth > CQL_TYPE_DEPTH_MAX) return cmp_bytes(a, alen, b, blen);
    switch (t->id) {
    case CQL_BOOLEAN:
        return (a[0] != 0) - (b[0] != 0);
    case CQL_INT:
    case CQL_BIGINT:
    case CQL_COUNTER:
    case CQL_SMALLINT:
    case CQL_TINYINT:
    case CQL_TIMESTAMP:
        return cmp_signed(a, alen, b, blen);
    case CQL_FLOAT:
    case CQL_DOUBLE:
        if (alen != blen || (alen != 4 && alen != 8)) return cmp_bytes(a, alen, b, blen);
        return cmp_double(load_float(a, alen), load_float(b, blen));
    case CQL_VARINT:
        return varnum_cmp_varint(a, alen, b, blen);
    case CQL_DECIMAL:
        return varnum_cmp_decimal(a, alen, b, blen);
    case CQL_UUID:
        return cmp_uuid(false, a, alen, b, blen);
    case CQL_TIMEUUID:
        return cmp_uuid(true, a, alen, b, blen);
    case CQL_LIST:
    case CQL_SET:
    case CQL_MAP:
        return compare_collection(t, a, alen, b, blen, depth);
    case CQL_TUPLE:
    case CQL_UDT:
        return compare_fields(t, a, alen, b, blen, depth);
    default: /* ascii, text, blob, inet, date (unsigned), time, duration, custom */
        return cmp_bytes(a, alen, b, blen);
    }
}

int cql_value_compare(const struct cql_type *t, const uint8_t *a, size_t alen, const uint8_t *b,
                      size_t blen)
{
    return compare_rec(t, a, alen, b, blen, 1);
}

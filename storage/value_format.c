/*
 * value_format: see value_format.h.
 *
 * Java number printing: Double.toString prints the shortest decimal digits that read back to
 * the same double (JDK 19+; older JDKs differ only in rare ties), in plain notation when
 * 1e-3 <= |v| < 1e7 and in computerized scientific notation otherwise. We find the shortest
 * digits by trying precisions 1..17 (9 for floats) with snprintf and reading them back.
 *
 * cqlsh rendering follows cqlsh 4.1's formatting.py (format_value_text, format_floating_point_
 * type, the collection/tuple/UDT formatters) with its default settings; the literal rendering
 * follows Cassandra's toCQLLiteral. Values are walked with the same bounded reads as
 * validation, so a malformed value returns ERR_INVALID rather than reading out of bounds.
 */
#include "storage/value_format.h"

#include <arpa/inet.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/base/be.h"
#include "node/base/uuid.h"
#include "storage/cql_ident.h"
#include "storage/value_parse.h"
#include "storage/varnum.h"

/* Shortest digits of |v| (no leading zeros) and the decimal exponent of the first digit. */
static void shortest_digits(double v, bool is_float, char digits[24], int *exp10)
{
    char tmp[40];
    int maxp = is_float ? 9 : 17;
    for (int p = 1; p <= maxp; p++) {
        snprintf(tmp, sizeof tmp, "%.*e", p - 1, v);
        bool same = is_float ? strtof(tmp, NULL) == (float)v : strtod(tmp, NULL) == v;
        if (same || p == maxp) break;
    }
    /* tmp = d[.ddd]e[+-]xx */
    size_t n = 0;
    const char *q = tmp;
    for (; *q && *q != 'e'; q++)
        if (*q >= '0' && *q <= '9') digits[n++] = *q;
    while (n > 1 && digits[n - 1] == '0')
        n--;
    digits[n] = '\0';
    *exp10 = (int)strtol(q + 1, NULL, 10);
}

static void java_fp(struct buf *out, double v, bool is_float)
{
    if (isnan(v)) {
        buf_append(out, "NaN", 3);
        return;
    }
    if (signbit(v)) buf_put_u8(out, '-');
    v = fabs(v);
    if (isinf(v)) {
        buf_append(out, "Infinity", 8);
        return;
    }
    if (v == 0) {
        buf_append(out, "0.0", 3);
        return;
    }
    char d[24];
    int e;
    shortest_digits(v, is_float, d, &e);
    int n = (int)strlen(d);
    if (v >= 1e-3 && v < 1e7) {
        if (e >= 0) {
            for (int i = 0; i <= e; i++)
                buf_put_u8(out, (uint8_t)(i < n ? d[i] : '0'));
            buf_put_u8(out, '.');
            if (n > e + 1)
                buf_append(out, d + e + 1, (size_t)(n - e - 1));
            else
                buf_put_u8(out, '0');
        } else {
            buf_append(out, "0.", 2);
            for (int i = 0; i < -e - 1; i++)
                buf_put_u8(out, '0');
            buf_append(out, d, (size_t)n);
        }
        return;
    }
    buf_put_u8(out, (uint8_t)d[0]);
    buf_put_u8(out, '.');
    if (n > 1)
        buf_append(out, d + 1, (size_t)(n - 1));
    else
        buf_put_u8(out, '0');
    buf_printf(out, "E%d", e);
}

void value_format_java_double(struct buf *out, double v)
{
    java_fp(out, v, false);
}

void value_format_java_float(struct buf *out, float v)
{
    java_fp(out, v, true);
}

/* ---- building blocks ----------------------------------------------------------------- */

static void put_s(struct buf *out, const char *s)
{
    buf_append(out, s, strlen(s));
}

static void split_ms(int64_t ms, int64_t *days, int64_t *ms_of_day)
{
    *days = ms / 86400000;
    *ms_of_day = ms % 86400000;
    if (*ms_of_day < 0) {
        *ms_of_day += 86400000;
        (*days)--;
    }
}

static void put_clock(struct buf *out, int64_t ms_of_day)
{
    buf_printf(out, "%02d:%02d:%02d", (int)(ms_of_day / 3600000), (int)(ms_of_day / 60000 % 60),
               (int)(ms_of_day / 1000 % 60));
}

void value_format_timestamp_cqlsh(struct buf *out, int64_t ms)
{
    int64_t days, mod, y;
    int m, d;
    split_ms(ms, &days, &mod);
    value_parse_civil_from_days(days, &y, &m, &d);
    if (y < 1 || y > 9999) {
        buf_printf(out, "%lld", (long long)ms);
        return;
    }
    buf_printf(out, "%04d-%02d-%02d ", (int)y, m, d);
    put_clock(out, mod);
    buf_printf(out, ".%03d000+0000", (int)(mod % 1000));
}

bool value_format_timestamp_iso(struct buf *out, int64_t ms, char sep)
{
    int64_t days, mod, y;
    int m, d;
    split_ms(ms, &days, &mod);
    value_parse_civil_from_days(days, &y, &m, &d);
    if (y < 1 || y > 9999) return false;
    buf_printf(out, "%04d-%02d-%02d%c", (int)y, m, d, sep);
    put_clock(out, mod);
    buf_printf(out, ".%03dZ", (int)(mod % 1000));
    return true;
}

bool value_format_date(struct buf *out, uint32_t days)
{
    int64_t y;
    int m, d;
    value_parse_civil_from_days((int64_t)days - 2147483648LL, &y, &m, &d);
    if (y < 1 || y > 9999) return false;
    buf_printf(out, "%04d-%02d-%02d", (int)y, m, d);
    return true;
}

void value_format_time(struct buf *out, int64_t ns)
{
    put_clock(out, ns / 1000000);
    buf_printf(out, ".%09lld", (long long)(ns % 1000000000));
}

/* Duration.append: one unit when dividend >= divisor; returns the remainder. */
static uint64_t dur_unit(struct buf *out, uint64_t dividend, uint64_t divisor, const char *unit)
{
    if (dividend == 0 || dividend < divisor) return dividend;
    buf_printf(out, "%llu%s", (unsigned long long)(dividend / divisor), unit);
    return dividend % divisor;
}

static uint64_t uabs(int64_t x)
{
    return x < 0 ? (uint64_t)0 - (uint64_t)x : (uint64_t)x;
}

void value_format_duration(struct buf *out, int32_t months, int32_t days, int64_t nanos)
{
    if (months < 0 || days < 0 || nanos < 0) buf_put_u8(out, '-');
    uint64_t r = dur_unit(out, uabs(months), 12, "y");
    dur_unit(out, r, 1, "mo");
    dur_unit(out, uabs(days), 1, "d");
    if (nanos == 0) return;
    r = dur_unit(out, uabs(nanos), 3600000000000ULL, "h");
    r = dur_unit(out, r, 60000000000ULL, "m");
    r = dur_unit(out, r, 1000000000ULL, "s");
    r = dur_unit(out, r, 1000000ULL, "ms");
    r = dur_unit(out, r, 1000ULL, "us");
    dur_unit(out, r, 1, "ns");
}

void value_format_inet(struct buf *out, const uint8_t *a, size_t len, bool java)
{
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    char tmp[INET6_ADDRSTRLEN];
    if (java && len == 16 && memcmp(a, mapped, 12) == 0) {
        a += 12;
        len = 4;
    }
    if (len == 4) {
        buf_printf(out, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
    } else if (java) {
        for (int i = 0; i < 8; i++)
            buf_printf(out, i ? ":%x" : "%x", be16_load(a + 2 * i));
    } else if (inet_ntop(AF_INET6, a, tmp, sizeof tmp)) {
        put_s(out, tmp);
    }
}

static void put_hex(struct buf *out, const uint8_t *v, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    put_s(out, "0x");
    uint8_t *p = buf_extend(out, 2 * len);
    for (size_t i = 0; i < len; i++) {
        p[2 * i] = (uint8_t)hex[v[i] >> 4];
        p[2 * i + 1] = (uint8_t)hex[v[i] & 15];
    }
}

/* cqlsh's format_floating_point_type with its default precision. */
static void cqlsh_float(struct buf *out, double v, int precision)
{
    if (isnan(v)) {
        put_s(out, "NaN");
        return;
    }
    if (isinf(v)) {
        put_s(out, v > 0 ? "Infinity" : "-Infinity");
        return;
    }
    double a = fabs(v);
    if (a > DBL_EPSILON) {
        long exponent = (long)log10(a); /* Python's int() truncates toward zero */
        if (exponent >= -4 && exponent < precision) precision += (int)exponent + 1;
    }
    buf_printf(out, "%.*g", precision, v);
}

/* Decodes one UTF-8 sequence (or one raw byte if invalid); returns its length. */
static size_t utf8_next(const uint8_t *s, size_t len, uint32_t *cp)
{
    uint8_t c = s[0];
    size_t n = c < 0x80             ? 1
               : (c & 0xE0) == 0xC0 ? 2
               : (c & 0xF0) == 0xE0 ? 3
               : (c & 0xF8) == 0xF0 ? 4
                                    : 0;
    if (n == 0 || n > len) {
        *cp = c;
        return 1;
    }
    uint32_t v = n == 1 ? c : c & (0x7F >> n);
    for (size_t k = 1; k < n; k++)
        v = v << 6 | (s[k] & 0x3F);
    *cp = v;
    return n;
}

/* cqlsh's format_value_text: backslashes doubled, control characters as Python escapes. */
static void text_cqlsh(struct buf *out, const uint8_t *s, size_t len, bool quote)
{
    if (quote) buf_put_u8(out, '\'');
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = utf8_next(s + i, len - i, &cp);
        if (cp == '\\')
            put_s(out, "\\\\");
        else if (quote && cp == '\'')
            put_s(out, "''");
        else if (cp == '\t')
            put_s(out, "\\t");
        else if (cp == '\n')
            put_s(out, "\\n");
        else if (cp == '\r')
            put_s(out, "\\r");
        else if (cp < 0x20 || (cp >= 0x7F && cp <= 0xA0))
            buf_printf(out, "\\x%02x", cp);
        else
            buf_append(out, s + i, n);
        i += n;
    }
    if (quote) buf_put_u8(out, '\'');
}

/* ---- values -------------------------------------------------------------------------- */

struct vfmt {
    enum value_style style;
    struct buf *out;
};

static int fmt_rec(struct vfmt *f, const struct cql_type *t, const uint8_t *v, size_t len,
                   bool nested, int depth);

static int bad(void)
{
    return ERR_INVALID;
}

static void fmt_empty(struct vfmt *f, const struct cql_type *t)
{
    if (f->style == VALUE_STYLE_CQLSH) return;
    if (t->id == CQL_ASCII || t->id == CQL_VARCHAR) {
        put_s(f->out, "''");
    } else if (t->id == CQL_BLOB || t->id == CQL_CUSTOM) {
        put_s(f->out, "0x");
    } else {
        const char *name = cql_type_native_name(t->id);
        buf_printf(f->out, "blobAs%c%s(0x)", name ? name[0] - 32 : 'B', name ? name + 1 : "lob");
    }
}

static int fmt_integer(struct vfmt *f, const uint8_t *v, size_t len)
{
    int64_t x;
    if (len == 1)
        x = (int8_t)v[0];
    else if (len == 2)
        x = (int16_t)be16_load(v);
    else if (len == 4)
        x = (int32_t)be32_load(v);
    else if (len == 8)
        x = (int64_t)be64_load(v);
    else
        return bad();
    buf_printf(f->out, "%lld", (long long)x);
    return 0;
}

static int fmt_float(struct vfmt *f, const struct cql_type *t, const uint8_t *v, size_t len)
{
    if (t->id == CQL_FLOAT) {
        if (len != 4) return bad();
        uint32_t u = be32_load(v);
        float x;
        memcpy(&x, &u, 4);
        if (f->style == VALUE_STYLE_CQLSH)
            cqlsh_float(f->out, x, 5);
        else
            value_format_java_float(f->out, x);
        return 0;
    }
    if (len != 8) return bad();
    uint64_t u = be64_load(v);
    double x;
    memcpy(&x, &u, 8);
    if (f->style == VALUE_STYLE_CQLSH)
        cqlsh_float(f->out, x, 5);
    else
        value_format_java_double(f->out, x);
    return 0;
}

/* Temporal types and inet: bare in cqlsh, quoted strings as literals. */
static int fmt_quotable(struct vfmt *f, const struct cql_type *t, const uint8_t *v, size_t len)
{
    bool lit = f->style == VALUE_STYLE_LITERAL;
    struct buf *out = f->out;
    if (t->id == CQL_TIMESTAMP) {
        if (len != 8) return bad();
        int64_t ms = (int64_t)be64_load(v);
        if (!lit) {
            value_format_timestamp_cqlsh(out, ms);
            return 0;
        }
        size_t mark = out->len;
        buf_put_u8(out, '\'');
        if (value_format_timestamp_iso(out, ms, 'T')) {
            buf_put_u8(out, '\'');
        } else { /* outside years 1..9999: milliseconds are a valid literal too */
            out->len = mark;
            buf_printf(out, "%lld", (long long)ms);
        }
        return 0;
    }
    if (lit) buf_put_u8(out, '\'');
    if (t->id == CQL_DATE) {
        if (len != 4) return bad();
        uint32_t days = be32_load(v);
        if (!value_format_date(out, days)) {
            if (lit)
                buf_printf(out, "%u", days);
            else
                buf_printf(out, "%lld", (long long)days - 2147483648LL);
        }
    } else if (t->id == CQL_TIME) {
        if (len != 8) return bad();
        int64_t ns = (int64_t)be64_load(v);
        if (ns < 0 || ns >= 86400LL * 1000000000LL) return bad();
        value_format_time(out, ns);
    } else {
        if (len != 4 && len != 16) return bad();
        value_format_inet(out, v, len, false);
    }
    if (lit) buf_put_u8(out, '\'');
    return 0;
}

static int fmt_native(struct vfmt *f, const struct cql_type *t, const uint8_t *v, size_t len,
                      bool nested)
{
    struct buf *out = f->out;
    bool lit = f->style == VALUE_STYLE_LITERAL;
    switch (t->id) {
    case CQL_ASCII:
    case CQL_VARCHAR:
        if (lit)
            cql_ident_append_string(out, (const char *)v, len);
        else
            text_cqlsh(out, v, len, nested);
        return 0;
    case CQL_INT:
    case CQL_BIGINT:
    case CQL_COUNTER:
    case CQL_SMALLINT:
    case CQL_TINYINT:
        return fmt_integer(f, v, len);
    case CQL_FLOAT:
    case CQL_DOUBLE:
        return fmt_float(f, t, v, len);
    case CQL_BOOLEAN:
        if (len != 1) return bad();
        put_s(out, v[0] ? (lit ? "true" : "True") : (lit ? "false" : "False"));
        return 0;
    case CQL_VARINT: {
        struct varnum n;
        varnum_init(&n);
        varnum_from_twos(&n, v, len);
        varnum_format(&n, out);
        varnum_deinit(&n);
        return 0;
    }
    case CQL_DECIMAL:
        if (len < 4) return bad();
        varnum_format_decimal(v, len, out);
        return 0;
    case CQL_UUID:
    case CQL_TIMEUUID: {
        if (len != 16) return bad();
        char s[UUID_STR_LEN + 1];
        struct uuid u;
        memcpy(u.b, v, 16);
        uuid_format(&u, s);
        put_s(out, s);
        return 0;
    }
    case CQL_DURATION: {
        int32_t m, d;
        int64_t ns;
        if (cql_value_decode_duration(v, len, &m, &d, &ns) < 0) return bad();
        size_t before = out->len;
        value_format_duration(out, m, d, ns);
        if (lit && out->len == before) put_s(out, "0s");
        return 0;
    }
    case CQL_TIMESTAMP:
    case CQL_DATE:
    case CQL_TIME:
    case CQL_INET:
        return fmt_quotable(f, t, v, len);
    default: /* blob, custom */
        put_hex(out, v, len);
        return 0;
    }
}

static int fmt_collection(struct vfmt *f, const struct cql_type *t, const uint8_t *v, size_t len,
                          int depth)
{
    if (len < 4) return bad();
    int32_t n = (int32_t)be32_load(v);
    if (n < 0 || n > CQL_COLLECTION_ELEMS_MAX) return bad();
    size_t pos = 4;
    bool map = t->id == CQL_MAP;
    buf_put_u8(f->out, t->id == CQL_LIST ? '[' : '{');
    for (int32_t i = 0; i < n; i++) {
        const uint8_t *e;
        size_t elen;
        if (i) put_s(f->out, ", ");
        for (int k = 0; k < (map ? 2 : 1); k++) {
            if (k) put_s(f->out, ": ");
            if (cql_value_next_elem(v, len, &pos, &e, &elen) != 1) return bad();
            int rc = fmt_rec(f, t->sub[k], e, elen, true, depth + 1);
            if (rc) return rc;
        }
    }
    buf_put_u8(f->out, t->id == CQL_LIST ? ']' : '}');
    return pos == len ? 0 : bad();
}

static int fmt_fields(struct vfmt *f, const struct cql_type *t, const uint8_t *v, size_t len,
                      int depth)
{
    bool udt = t->id == CQL_UDT;
    size_t pos = 0;
    buf_put_u8(f->out, udt ? '{' : '(');
    for (uint16_t i = 0; i < t->nsub; i++) {
        /* cqlsh shows every UDT field (missing ones as null); literals stop at the end */
        if (pos == len && !(udt && f->style == VALUE_STYLE_CQLSH)) break;
        if (i) put_s(f->out, ", ");
        if (udt) {
            if (f->style == VALUE_STYLE_CQLSH)
                put_s(f->out, t->field_names[i]);
            else
                cql_ident_append(f->out, t->field_names[i]);
            put_s(f->out, ": ");
        }
        const uint8_t *e = NULL;
        size_t elen = 0;
        int r = pos == len ? 0 : cql_value_next_elem(v, len, &pos, &e, &elen);
        if (r < 0) return bad();
        if (r == 0) {
            put_s(f->out, "null");
            continue;
        }
        int rc = fmt_rec(f, t->sub[i], e, elen, true, depth + 1);
        if (rc) return rc;
    }
    buf_put_u8(f->out, udt ? '}' : ')');
    return pos == len ? 0 : bad();
}

static int fmt_rec(struct vfmt *f, const struct cql_type *t, const uint8_t *v, size_t len,
                   bool nested, int depth)
{
    if (depth > CQL_TYPE_DEPTH_MAX) return bad();
    switch (t->id) {
    case CQL_LIST:
    case CQL_SET:
    case CQL_MAP:
        return fmt_collection(f, t, v, len, depth);
    case CQL_TUPLE:
    case CQL_UDT:
        if (len == 0) {
            fmt_empty(f, t);
            return 0;
        }
        return fmt_fields(f, t, v, len, depth);
    default:
        if (len == 0 && t->id != CQL_ASCII && t->id != CQL_VARCHAR && t->id != CQL_BLOB &&
            t->id != CQL_CUSTOM && f->style == VALUE_STYLE_CQLSH)
            return 0;
        if (len == 0 && f->style == VALUE_STYLE_LITERAL) {
            fmt_empty(f, t);
            return 0;
        }
        return fmt_native(f, t, v, len, nested);
    }
}

int value_format_cql(const struct cql_type *t, const uint8_t *v, size_t len, enum value_style style,
                     struct buf *out)
{
    struct vfmt f = {.style = style, .out = out};
    return fmt_rec(&f, t, v, len, false, 1);
}

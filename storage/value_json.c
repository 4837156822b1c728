/*
 * value_json: JSON output of serialized values (toJSONString) and the strict JSON parser.
 * Conversion of parsed JSON into values is in value_json_in.c. See value_json.h.
 *
 * The parser is recursive descent over exactly len bytes, depth-bounded (JSON_DEPTH_MAX) with
 * item counts bounded (JSON_ITEMS_MAX); arrays and objects collect into arena arrays that
 * double as they fill.
 */
#include "storage/value_json.h"

#include <ctype.h>
#include <math.h>
#include <string.h>

#include "node/base/be.h"
#include "node/base/uuid.h"
#include "storage/value_format.h"
#include "storage/value_parse.h"
#include "storage/varnum.h"

/* ---- writing ------------------------------------------------------------------------- */

void value_json_append_string(struct buf *out, const char *s, size_t len)
{
    buf_put_u8(out, '"');
    for (size_t i = 0; i < len; i++) {
        uint8_t c = (uint8_t)s[i];
        switch (c) {
        case '"':
            buf_append(out, "\\\"", 2);
            break;
        case '\\':
            buf_append(out, "\\\\", 2);
            break;
        case '\b':
            buf_append(out, "\\b", 2);
            break;
        case '\f':
            buf_append(out, "\\f", 2);
            break;
        case '\n':
            buf_append(out, "\\n", 2);
            break;
        case '\r':
            buf_append(out, "\\r", 2);
            break;
        case '\t':
            buf_append(out, "\\t", 2);
            break;
        default:
            if (c < 0x20)
                buf_printf(out, "\\u%04X", c);
            else
                buf_put_u8(out, c);
        }
    }
    buf_put_u8(out, '"');
}

void value_json_append_key(struct buf *out, const char *name)
{
    bool lower = true;
    for (const char *p = name; *p; p++)
        lower &= !(*p >= 'A' && *p <= 'Z');
    if (lower) {
        value_json_append_string(out, name, strlen(name));
        return;
    }
    struct buf tmp;
    buf_init(&tmp);
    buf_put_u8(&tmp, '"');
    buf_append(&tmp, name, strlen(name));
    buf_put_u8(&tmp, '"');
    value_json_append_string(out, (const char *)tmp.data, tmp.len);
    buf_deinit(&tmp);
}

/* Year as Java's "yyyy" prints it: zero-padded to 4, "+" beyond 9999, era year before 1. */
static void put_year(struct buf *out, int64_t y)
{
    if (y > 9999)
        buf_printf(out, "+%lld", (long long)y);
    else if (y < 1)
        buf_printf(out, "%04lld", (long long)(1 - y));
    else
        buf_printf(out, "%04lld", (long long)y);
}

static void json_timestamp(struct buf *out, int64_t ms)
{
    buf_put_u8(out, '"');
    if (!value_format_timestamp_iso(out, ms, ' ')) {
        int64_t days = ms / 86400000, mod = ms % 86400000, y;
        int m, d;
        if (mod < 0) mod += 86400000, days--;
        value_parse_civil_from_days(days, &y, &m, &d);
        put_year(out, y);
        buf_printf(out, "-%02d-%02d %02d:%02d:%02d.%03dZ", m, d, (int)(mod / 3600000),
                   (int)(mod / 60000 % 60), (int)(mod / 1000 % 60), (int)(mod % 1000));
    }
    buf_put_u8(out, '"');
}

static void json_date(struct buf *out, uint32_t days)
{
    buf_put_u8(out, '"');
    if (!value_format_date(out, days)) {
        int64_t y;
        int m, d;
        value_parse_civil_from_days((int64_t)days - 2147483648LL, &y, &m, &d);
        put_year(out, y);
        buf_printf(out, "-%02d-%02d", m, d);
    }
    buf_put_u8(out, '"');
}

static int json_float(struct buf *out, const struct cql_type *t, const uint8_t *v, size_t len)
{
    if (len != (t->id == CQL_FLOAT ? 4u : 8u)) return ERR_INVALID;
    double x;
    if (len == 4) {
        uint32_t u = be32_load(v);
        float f;
        memcpy(&f, &u, 4);
        x = f;
    } else {
        uint64_t u = be64_load(v);
        memcpy(&x, &u, 8);
    }
    if (isnan(x) || isinf(x))
        buf_append(out, "null", 4);
    else if (len == 4)
        value_format_java_float(out, (float)x);
    else
        value_format_java_double(out, x);
    return 0;
}

static int json_native(const struct cql_type *t, const uint8_t *v, size_t len, struct buf *out)
{
    switch (t->id) {
    case CQL_ASCII:
    case CQL_VARCHAR:
        value_json_append_string(out, (const char *)v, len);
        return 0;
    case CQL_FLOAT:
    case CQL_DOUBLE:
        return json_float(out, t, v, len);
    case CQL_TIMESTAMP:
        if (len != 8) return ERR_INVALID;
        json_timestamp(out, (int64_t)be64_load(v));
        return 0;
    case CQL_DATE:
        if (len != 4) return ERR_INVALID;
        json_date(out, be32_load(v));
        return 0;
    case CQL_INET:
        if (len != 4 && len != 16) return ERR_INVALID;
        buf_put_u8(out, '"');
        value_format_inet(out, v, len, true);
        buf_put_u8(out, '"');
        return 0;
    case CQL_BOOLEAN:
    case CQL_INT:
    case CQL_BIGINT:
    case CQL_COUNTER:
    case CQL_SMALLINT:
    case CQL_TINYINT:
    case CQL_VARINT:
    case CQL_DECIMAL: /* bare: the literal form is the JSON form */
        return value_format_cql(t, v, len, VALUE_STYLE_LITERAL, out);
    default: { /* uuid, timeuuid, time, duration, blob, custom: strings of the literal form */
        struct buf tmp;
        buf_init(&tmp);
        int rc = value_format_cql(t, v, len, VALUE_STYLE_CQLSH, &tmp);
        if (rc == 0) value_json_append_string(out, (const char *)tmp.data, tmp.len);
        buf_deinit(&tmp);
        return rc;
    }
    }
}

static int json_rec(const struct cql_type *t, const uint8_t *v, size_t len, struct buf *out,
                    int depth);

/* A map key must be a JSON string: string JSON is kept, anything else is quoted. */
static int json_map_key(const struct cql_type *t, const uint8_t *v, size_t len, struct buf *out,
                        int depth)
{
    struct buf tmp;
    buf_init(&tmp);
    int rc = json_rec(t, v, len, &tmp, depth);
    if (rc == 0 && tmp.len && tmp.data[0] == '"')
        buf_append(out, tmp.data, tmp.len);
    else if (rc == 0)
        value_json_append_string(out, (const char *)tmp.data, tmp.len);
    buf_deinit(&tmp);
    return rc;
}

static int json_collection(const struct cql_type *t, const uint8_t *v, size_t len, struct buf *out,
                           int depth)
{
    if (len < 4) return ERR_INVALID;
    int32_t n = (int32_t)be32_load(v);
    if (n < 0 || n > CQL_COLLECTION_ELEMS_MAX) return ERR_INVALID;
    bool map = t->id == CQL_MAP;
    size_t pos = 4;
    buf_put_u8(out, map ? '{' : '[');
    for (int32_t i = 0; i < n; i++) {
        const uint8_t *e;
        size_t elen;
        if (i) buf_append(out, ", ", 2);
        if (cql_value_next_elem(v, len, &pos, &e, &elen) != 1) return ERR_INVALID;
        int rc = map ? json_map_key(t->sub[0], e, elen, out, depth + 1)
                     : json_rec(t->sub[0], e, elen, out, depth + 1);
        if (rc) return rc;
        if (!map) continue;
        buf_append(out, ": ", 2);
        if (cql_value_next_elem(v, len, &pos, &e, &elen) != 1) return ERR_INVALID;
        if ((rc = json_rec(t->sub[1], e, elen, out, depth + 1)) != 0) return rc;
    }
    buf_put_u8(out, map ? '}' : ']');
    return pos == len ? 0 : ERR_INVALID;
}

/* Tuples print the fields present; UDTs every declared field (missing ones null). */
static int json_fields(const struct cql_type *t, const uint8_t *v, size_t len, struct buf *out,
                       int depth)
{
    bool udt = t->id == CQL_UDT;
    size_t pos = 0;
    buf_put_u8(out, udt ? '{' : '[');
    for (uint16_t i = 0; i < t->nsub && (udt || pos < len); i++) {
        if (i) buf_append(out, ", ", 2);
        if (udt) {
            value_json_append_key(out, t->field_names[i]);
            buf_append(out, ": ", 2);
        }
        const uint8_t *e = NULL;
        size_t elen = 0;
        int r = pos == len ? 0 : cql_value_next_elem(v, len, &pos, &e, &elen);
        if (r < 0) return ERR_INVALID;
        int rc = r ? json_rec(t->sub[i], e, elen, out, depth + 1) : 0;
        if (r == 0) buf_append(out, "null", 4);
        if (rc) return rc;
    }
    buf_put_u8(out, udt ? '}' : ']');
    return pos == len ? 0 : ERR_INVALID;
}

static int json_rec(const struct cql_type *t, const uint8_t *v, size_t len, struct buf *out,
                    int depth)
{
    if (depth > CQL_TYPE_DEPTH_MAX) return ERR_INVALID;
    if (len == 0 && t->id != CQL_ASCII && t->id != CQL_VARCHAR && t->id != CQL_BLOB &&
        t->id != CQL_CUSTOM) {
        buf_append(out, "null", 4);
        return 0;
    }
    switch (t->id) {
    case CQL_LIST:
    case CQL_SET:
    case CQL_MAP:
        return json_collection(t, v, len, out, depth);
    case CQL_TUPLE:
    case CQL_UDT:
        return json_fields(t, v, len, out, depth);
    default:
        return json_native(t, v, len, out);
    }
}

int value_json_format(const struct cql_type *t, const uint8_t *v, size_t len, struct buf *out)
{
    return json_rec(t, v, len, out, 1);
}

/* ---- parsing ------------------------------------------------------------------------- */

struct jp {
    const char *s;
    size_t len, pos;
    struct arena *a;
    struct errmsg *em;
};

static int jerr(struct jp *p, const char *what)
{
    return errmsg_set(p->em, ERR_INVALID, "Could not decode JSON string: %s at offset %zu", what,
                      p->pos);
}

static void jws(struct jp *p)
{
    while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
                               p->s[p->pos] == '\n' || p->s[p->pos] == '\r'))
        p->pos++;
}

static bool jlit(struct jp *p, const char *word)
{
    size_t n = strlen(word);
    if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0) return false;
    p->pos += n;
    return true;
}

static void put_utf8(struct buf *b, uint32_t cp)
{
    if (cp < 0x80) {
        buf_put_u8(b, (uint8_t)cp);
    } else if (cp < 0x800) {
        buf_put_u8(b, (uint8_t)(0xC0 | cp >> 6));
        buf_put_u8(b, (uint8_t)(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        buf_put_u8(b, (uint8_t)(0xE0 | cp >> 12));
        buf_put_u8(b, (uint8_t)(0x80 | (cp >> 6 & 0x3F)));
        buf_put_u8(b, (uint8_t)(0x80 | (cp & 0x3F)));
    } else {
        buf_put_u8(b, (uint8_t)(0xF0 | cp >> 18));
        buf_put_u8(b, (uint8_t)(0x80 | (cp >> 12 & 0x3F)));
        buf_put_u8(b, (uint8_t)(0x80 | (cp >> 6 & 0x3F)));
        buf_put_u8(b, (uint8_t)(0x80 | (cp & 0x3F)));
    }
}

static int hex4(struct jp *p, uint32_t *out)
{
    uint32_t v = 0;
    if (p->len - p->pos < 4) return -1;
    for (int i = 0; i < 4; i++) {
        char c = p->s[p->pos++];
        int d = isdigit((unsigned char)c)                ? c - '0'
                : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10
                                                         : -1;
        if (d < 0) return -1;
        v = v << 4 | (uint32_t)d;
    }
    *out = v;
    return 0;
}

static int jescape(struct jp *p, struct buf *b)
{
    if (p->pos >= p->len) return -1;
    char c = p->s[p->pos++];
    const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
    const char *k = c ? strchr(from, c) : NULL;
    if (k) {
        buf_put_u8(b, (uint8_t)to[k - from]);
        return 0;
    }
    uint32_t cp, lo;
    if (c != 'u' || hex4(p, &cp)) return -1;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (!jlit(p, "\\u") || hex4(p, &lo) || lo < 0xDC00 || lo > 0xDFFF) return -1;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
        return -1;
    }
    put_utf8(b, cp);
    return 0;
}

static int jstring(struct jp *p, const char **out, size_t *out_len)
{
    struct buf b;
    buf_init(&b);
    p->pos++; /* opening quote */
    for (;;) {
        if (p->pos >= p->len) goto bad;
        uint8_t c = (uint8_t)p->s[p->pos];
        if (c == '"') break;
        if (c < 0x20) goto bad;
        if (c == '\\') {
            p->pos++;
            if (jescape(p, &b)) goto bad;
            continue;
        }
        buf_put_u8(&b, c);
        p->pos++;
    }
    p->pos++;
    if (!cql_value_utf8_valid(b.data, b.len)) goto bad;
    *out = arena_strndup(p->a, b.len ? (const char *)b.data : "", b.len);
    *out_len = b.len;
    buf_deinit(&b);
    return 0;
bad:
    buf_deinit(&b);
    return jerr(p, "bad string");
}

static int jnumber(struct jp *p, struct json_value *v)
{
    size_t start = p->pos;
    bool integral = true;
    if (p->pos < p->len && p->s[p->pos] == '-') p->pos++;
    size_t d0 = p->pos;
    while (p->pos < p->len && isdigit((unsigned char)p->s[p->pos]))
        p->pos++;
    if (p->pos == d0 || (p->s[d0] == '0' && p->pos - d0 > 1)) return jerr(p, "bad number");
    if (p->pos < p->len && p->s[p->pos] == '.') {
        integral = false;
        size_t f0 = ++p->pos;
        while (p->pos < p->len && isdigit((unsigned char)p->s[p->pos]))
            p->pos++;
        if (p->pos == f0) return jerr(p, "bad number");
    }
    if (p->pos < p->len && (p->s[p->pos] == 'e' || p->s[p->pos] == 'E')) {
        integral = false;
        p->pos++;
        if (p->pos < p->len && (p->s[p->pos] == '+' || p->s[p->pos] == '-')) p->pos++;
        size_t e0 = p->pos;
        while (p->pos < p->len && isdigit((unsigned char)p->s[p->pos]))
            p->pos++;
        if (p->pos == e0) return jerr(p, "bad number");
    }
    v->kind = JSON_NUMBER;
    v->integral = integral;
    v->len = p->pos - start;
    v->str = arena_strndup(p->a, p->s + start, v->len);
    return 0;
}

static int jvalue(struct jp *p, struct json_value *v, int depth);

/* Arrays and objects: items grow by doubling in the arena. */
static int jcontainer(struct jp *p, struct json_value *v, bool object, int depth)
{
    struct json_value *items = NULL;
    const char **keys = NULL;
    size_t *klens = NULL;
    uint32_t n = 0, cap = 0;
    char close = object ? '}' : ']';
    p->pos++;
    jws(p);
    if (p->pos < p->len && p->s[p->pos] == close) {
        p->pos++;
    } else {
        for (;;) {
            if (n == JSON_ITEMS_MAX) return jerr(p, "too many items");
            if (n == cap) {
                uint32_t ncap = cap ? cap * 2 : 8;
                struct json_value *ni = arena_alloc(p->a, ncap * sizeof *ni);
                const char **nk = arena_alloc(p->a, ncap * sizeof *nk);
                size_t *nl = arena_alloc(p->a, ncap * sizeof *nl);
                if (n) {
                    memcpy(ni, items, n * sizeof *ni);
                    memcpy(nk, keys, n * sizeof *nk);
                    memcpy(nl, klens, n * sizeof *nl);
                }
                items = ni, keys = nk, klens = nl, cap = ncap;
            }
            jws(p);
            if (object) {
                if (p->pos >= p->len || p->s[p->pos] != '"') return jerr(p, "expected a key");
                int rc = jstring(p, &keys[n], &klens[n]);
                if (rc) return rc;
                jws(p);
                if (p->pos >= p->len || p->s[p->pos++] != ':') return jerr(p, "expected ':'");
            }
            int rc = jvalue(p, &items[n++], depth + 1);
            if (rc) return rc;
            jws(p);
            if (p->pos < p->len && p->s[p->pos] == ',') {
                p->pos++;
                continue;
            }
            if (p->pos < p->len && p->s[p->pos] == close) {
                p->pos++;
                break;
            }
            return jerr(p, object ? "expected ',' or '}'" : "expected ',' or ']'");
        }
    }
    v->kind = object ? JSON_OBJECT : JSON_ARRAY;
    v->n = n;
    v->items = items;
    v->keys = object ? keys : NULL;
    v->key_lens = object ? klens : NULL;
    return 0;
}

static int jvalue(struct jp *p, struct json_value *v, int depth)
{
    memset(v, 0, sizeof *v);
    if (depth > JSON_DEPTH_MAX) return jerr(p, "nesting too deep");
    jws(p);
    if (p->pos >= p->len) return jerr(p, "unexpected end");
    char c = p->s[p->pos];
    if (c == '{' || c == '[') return jcontainer(p, v, c == '{', depth);
    if (c == '"') {
        v->kind = JSON_STRING;
        return jstring(p, &v->str, &v->len);
    }
    if (c == '-' || isdigit((unsigned char)c)) return jnumber(p, v);
    if (jlit(p, "null"))
        v->kind = JSON_NULL;
    else if (jlit(p, "true"))
        v->kind = JSON_BOOL, v->boolean = true;
    else if (jlit(p, "false"))
        v->kind = JSON_BOOL, v->boolean = false;
    else
        return jerr(p, "unexpected character");
    return 0;
}

int value_json_parse_doc(const char *text, size_t len, struct arena *a,
                         const struct json_value **out, struct errmsg *em)
{
    struct jp p = {.s = text, .len = len, .a = a, .em = em};
    struct json_value *v = arena_alloc(a, sizeof *v);
    int rc = jvalue(&p, v, 1);
    if (rc) return rc;
    jws(&p);
    if (p.pos != p.len) return jerr(&p, "trailing characters");
    *out = v;
    return 0;
}

const char *value_json_key_name(struct arena *a, const char *key, size_t len)
{
    if (len >= 2 && key[0] == '"' && key[len - 1] == '"') return arena_strndup(a, key + 1, len - 2);
    char *s = arena_strndup(a, key, len);
    for (char *q = s; *q; q++)
        if (*q >= 'A' && *q <= 'Z') *q = (char)(*q + 32);
    return s;
}

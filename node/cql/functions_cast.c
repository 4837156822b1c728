/*
 * functions_cast: CAST(x AS type), Cassandra's CastFcts: between numeric types (Java's
 * narrowing rules: integers truncate, floating point saturates then truncates), any native
 * type to text/ascii (its string form), and the temporal conversions (timestamp <-> date,
 * timeuuid -> timestamp/date).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/base/be.h"
#include "node/base/uuid.h"
#include "node/cql/functions_int.h"
#include "storage/value_format.h"
#include "storage/varnum.h"

static bool is_int(enum cql_type_id id)
{
    return id == CQL_TINYINT || id == CQL_SMALLINT || id == CQL_INT || id == CQL_BIGINT ||
           id == CQL_COUNTER;
}

static bool is_num(enum cql_type_id id)
{
    return is_int(id) || id == CQL_FLOAT || id == CQL_DOUBLE || id == CQL_VARINT ||
           id == CQL_DECIMAL;
}

/* A number read from a serialized value: integral (i) or not (d), both filled. */
struct num {
    bool integral;
    int64_t i;
    double d;
};

static double text_to_double(const struct buf *b)
{
    char tmp[128];
    size_t n = b->len < sizeof tmp - 1 ? b->len : sizeof tmp - 1;
    memcpy(tmp, b->data, n);
    tmp[n] = '\0';
    return strtod(tmp, NULL);
}

static void read_num(enum cql_type_id id, const uint8_t *p, uint32_t len, struct num *n)
{
    n->integral = is_int(id) || id == CQL_VARINT;
    switch (id) {
    case CQL_TINYINT:
        n->i = (int8_t)p[0];
        break;
    case CQL_SMALLINT:
        n->i = (int16_t)be16_load(p);
        break;
    case CQL_INT:
        n->i = (int32_t)be32_load(p);
        break;
    case CQL_BIGINT:
    case CQL_COUNTER:
        n->i = (int64_t)be64_load(p);
        break;
    case CQL_FLOAT: {
        uint32_t u = be32_load(p);
        float f;
        memcpy(&f, &u, 4);
        n->d = f;
        return;
    }
    case CQL_DOUBLE: {
        uint64_t u = be64_load(p);
        memcpy(&n->d, &u, 8);
        return;
    }
    default: { /* varint, decimal */
        struct buf b;
        buf_init(&b);
        if (id == CQL_VARINT) {
            struct varnum v;
            varnum_init(&v);
            varnum_from_twos(&v, p, len);
            if (!varnum_to_i64(&v, &n->i)) {
                varnum_format(&v, &b);
                n->integral = false;
                n->d = text_to_double(&b);
            }
            varnum_deinit(&v);
        } else {
            varnum_format_decimal(p, len, &b);
            n->d = text_to_double(&b);
        }
        buf_deinit(&b);
        if (!n->integral) return;
    }
    }
    n->d = (double)n->i;
}

/* Java's (long) double: NaN 0, saturating. */
static int64_t java_d2l(double d)
{
    if (isnan(d)) return 0;
    if (d >= 9223372036854775807.0) return INT64_MAX;
    if (d <= -9223372036854775808.0) return INT64_MIN;
    return (int64_t)d;
}

static int32_t java_d2i(double d)
{
    if (isnan(d)) return 0;
    if (d >= 2147483647.0) return INT32_MAX;
    if (d <= -2147483648.0) return INT32_MIN;
    return (int32_t)d;
}

static void write_num(enum cql_type_id to, const struct num *n, struct buf *out)
{
    int64_t i = n->integral                                                   ? n->i
                : (to == CQL_BIGINT || to == CQL_COUNTER || to == CQL_VARINT) ? java_d2l(n->d)
                                                                              : java_d2i(n->d);
    switch (to) {
    case CQL_TINYINT:
        buf_put_u8(out, (uint8_t)i);
        break;
    case CQL_SMALLINT:
        buf_put_be16(out, (uint16_t)i);
        break;
    case CQL_INT:
        buf_put_be32(out, (uint32_t)i);
        break;
    case CQL_BIGINT:
    case CQL_COUNTER:
        buf_put_be64(out, (uint64_t)i);
        break;
    case CQL_FLOAT: {
        float f = (float)n->d;
        uint32_t u;
        memcpy(&u, &f, 4);
        buf_put_be32(out, u);
        break;
    }
    case CQL_DOUBLE: {
        uint64_t u;
        memcpy(&u, &n->d, 8);
        buf_put_be64(out, u);
        break;
    }
    case CQL_VARINT: {
        struct varnum v;
        varnum_init(&v);
        varnum_set_i64(&v, i);
        varnum_to_twos(&v, out);
        varnum_deinit(&v);
        break;
    }
    default: { /* decimal */
        struct buf t;
        buf_init(&t);
        if (n->integral)
            buf_printf(&t, "%lld", (long long)n->i);
        else
            value_format_java_double(&t, n->d);
        if (varnum_parse_decimal((const char *)t.data, t.len, out) != 0) buf_put_be32(out, 0);
        buf_deinit(&t);
    }
    }
}

static int to_text(const struct functions_call_ctx *c, const struct bind_value *a,
                   struct bind_value *out)
{
    const struct cql_type *from = c->params[0];
    if (from->id == CQL_VARCHAR || from->id == CQL_ASCII) {
        *out = a[0];
        return 0;
    }
    struct buf b;
    buf_init(&b);
    int rc = value_format_cql(from, a[0].p, a[0].len, VALUE_STYLE_LITERAL, &b);
    const uint8_t *p = b.data;
    size_t n = b.len;
    if (n >= 2 && p[0] == '\'' && p[n - 1] == '\'') {
        p++;
        n -= 2;
    } else if (from->id == CQL_BLOB && n >= 2) {
        p += 2; /* BytesSerializer.toString: hex without 0x */
        n -= 2;
    }
    if (rc == 0) rc = functions_out_bytes(c, p, n, out);
    buf_deinit(&b);
    return rc;
}

static int fn_cast(const struct functions_call_ctx *c, const struct bind_value *a,
                   struct bind_value *out)
{
    enum cql_type_id from = c->params[0]->id, to = c->ret->id;
    if (from == to) {
        *out = a[0];
        return 0;
    }
    if (to == CQL_VARCHAR || to == CQL_ASCII) return to_text(c, a, out);
    struct buf b;
    buf_init(&b);
    if (is_num(from) && is_num(to)) {
        struct num n;
        read_num(from, a[0].p, a[0].len, &n);
        write_num(to, &n, &b);
    } else {
        int64_t ms = 0;
        if (from == CQL_TIMESTAMP)
            ms = (int64_t)be64_load(a[0].p);
        else if (from == CQL_DATE)
            ms = ((int64_t)be32_load(a[0].p) - (1LL << 31)) * 86400000LL;
        else if (from == CQL_TIMEUUID) {
            struct uuid u;
            memcpy(u.b, a[0].p, 16);
            ms = timeuuid_unix_ms(&u);
        }
        if (to == CQL_TIMESTAMP) {
            buf_put_be64(&b, (uint64_t)ms);
        } else {
            int64_t q = ms / 86400000LL;
            if (ms % 86400000LL < 0) q--;
            buf_put_be32(&b, (uint32_t)(q + (1LL << 31)));
        }
    }
    int rc = functions_out_bytes(c, b.data, b.len, out);
    buf_deinit(&b);
    return rc;
}

static const enum cql_type_id targets[] = {
    CQL_ASCII,     CQL_BIGINT,  CQL_COUNTER, CQL_DECIMAL, CQL_DOUBLE,   CQL_FLOAT,   CQL_INT,
    CQL_TIMESTAMP, CQL_VARCHAR, CQL_VARINT,  CQL_DATE,    CQL_SMALLINT, CQL_TINYINT,
};
#define NTARGETS (sizeof targets / sizeof targets[0])
static const struct functions_def cast_defs[NTARGETS] = {
    {"castasascii", 1, {CQL_CUSTOM}, CQL_ASCII, fn_cast, FUNCTIONS_CAST},
    {"castasbigint", 1, {CQL_CUSTOM}, CQL_BIGINT, fn_cast, FUNCTIONS_CAST},
    {"castascounter", 1, {CQL_CUSTOM}, CQL_COUNTER, fn_cast, FUNCTIONS_CAST},
    {"castasdecimal", 1, {CQL_CUSTOM}, CQL_DECIMAL, fn_cast, FUNCTIONS_CAST},
    {"castasdouble", 1, {CQL_CUSTOM}, CQL_DOUBLE, fn_cast, FUNCTIONS_CAST},
    {"castasfloat", 1, {CQL_CUSTOM}, CQL_FLOAT, fn_cast, FUNCTIONS_CAST},
    {"castasint", 1, {CQL_CUSTOM}, CQL_INT, fn_cast, FUNCTIONS_CAST},
    {"castastimestamp", 1, {CQL_CUSTOM}, CQL_TIMESTAMP, fn_cast, FUNCTIONS_CAST},
    {"castastext", 1, {CQL_CUSTOM}, CQL_VARCHAR, fn_cast, FUNCTIONS_CAST},
    {"castasvarint", 1, {CQL_CUSTOM}, CQL_VARINT, fn_cast, FUNCTIONS_CAST},
    {"castasdate", 1, {CQL_CUSTOM}, CQL_DATE, fn_cast, FUNCTIONS_CAST},
    {"castassmallint", 1, {CQL_CUSTOM}, CQL_SMALLINT, fn_cast, FUNCTIONS_CAST},
    {"castastinyint", 1, {CQL_CUSTOM}, CQL_TINYINT, fn_cast, FUNCTIONS_CAST},
};

const struct functions_def *functions_cast_def(const struct cql_type *from,
                                               const struct cql_type *to)
{
    size_t k = 0;
    while (k < NTARGETS && targets[k] != to->id)
        k++;
    if (k == NTARGETS || to->id == CQL_COUNTER) return NULL;
    enum cql_type_id f = from->id, t = to->id;
    bool ok = f == t || (is_num(f) && is_num(t)) || t == CQL_VARCHAR || t == CQL_ASCII ||
              (f == CQL_TIMESTAMP && t == CQL_DATE) || (f == CQL_DATE && t == CQL_TIMESTAMP) ||
              (f == CQL_TIMEUUID && (t == CQL_DATE || t == CQL_TIMESTAMP));
    if ((t == CQL_VARCHAR || t == CQL_ASCII) &&
        (cql_type_is_collection(from) || from->id == CQL_UDT || from->id == CQL_TUPLE))
        ok = false;
    return ok ? &cast_defs[k] : NULL;
}

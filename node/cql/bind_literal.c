/*
 * bind_literal: constants to serialized values (Cassandra's Constants.Literal): the
 * assignability table of testAssignment, then the receiver type's fromString. The text
 * parsers are storage's (value_json's string conversions, value_parse for durations), so a
 * literal and a JSON string of the same text give the same bytes and the same messages.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "node/base/uuid.h"
#include "node/cql/bind_int.h"
#include "storage/value_json.h"
#include "storage/value_parse.h"

static const char *kind_name(enum ast_term_kind k)
{
    switch (k) {
    case AST_T_STRING:
        return "STRING";
    case AST_T_INTEGER:
        return "INTEGER";
    case AST_T_FLOAT:
        return "FLOAT";
    case AST_T_BOOLEAN:
        return "BOOLEAN";
    case AST_T_DURATION:
        return "DURATION";
    case AST_T_UUID:
        return "UUID";
    default:
        return "HEX";
    }
}

static bool fits_i64(const char *s, int64_t *out)
{
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (errno || *end != '\0' || end == s) return false;
    *out = v;
    return true;
}

const struct cql_type *bind_literal_type(const struct ast_term *t)
{
    switch (t->kind) {
    case AST_T_STRING:
        for (uint32_t i = 0; i < t->u.lit.len; i++)
            if ((uint8_t)t->u.lit.text[i] >= 0x80) return cql_type_native(CQL_VARCHAR);
        return cql_type_native(CQL_ASCII);
    case AST_T_INTEGER: {
        int64_t v;
        if (!fits_i64(t->u.lit.text, &v)) return cql_type_native(CQL_VARINT);
        return cql_type_native(v >= INT32_MIN && v <= INT32_MAX ? CQL_INT : CQL_BIGINT);
    }
    case AST_T_FLOAT:
        return cql_type_native(CQL_DOUBLE);
    case AST_T_BOOLEAN:
        return cql_type_native(CQL_BOOLEAN);
    case AST_T_DURATION:
        return cql_type_native(CQL_DURATION);
    case AST_T_UUID: {
        struct uuid u;
        if (uuid_parse(t->u.lit.text, t->u.lit.len, &u) == 0 && uuid_version(&u) == 1)
            return cql_type_native(CQL_TIMEUUID);
        return cql_type_native(CQL_UUID);
    }
    case AST_T_HEX:
        return cql_type_native(CQL_BLOB);
    default:
        return NULL;
    }
}

static bool in(enum cql_type_id id, const enum cql_type_id *ids, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (ids[i] == id) return true;
    return false;
}

int bind_literal_assignable(const struct ast_term *t, const struct cql_type *type)
{
    static const enum cql_type_id str[] = {CQL_ASCII, CQL_VARCHAR, CQL_INET,
                                           CQL_DATE,  CQL_TIME,    CQL_TIMESTAMP};
    static const enum cql_type_id integer[] = {
        CQL_BIGINT, CQL_COUNTER,  CQL_DATE, CQL_DECIMAL,   CQL_DOUBLE,  CQL_DURATION, CQL_FLOAT,
        CQL_INT,    CQL_SMALLINT, CQL_TIME, CQL_TIMESTAMP, CQL_TINYINT, CQL_VARINT};
    static const enum cql_type_id flt[] = {CQL_DECIMAL, CQL_DOUBLE, CQL_FLOAT};
    static const enum cql_type_id uuid[] = {CQL_UUID, CQL_TIMEUUID};
    if (cql_type_is_collection(type) || type->id == CQL_UDT || type->id == CQL_TUPLE) return 0;
    if (type->id == CQL_CUSTOM) return 1;
    const struct cql_type *pref = bind_literal_type(t);
    if (pref && cql_type_equal(pref, type)) return 2;
    switch (t->kind) {
    case AST_T_STRING:
        return in(type->id, str, sizeof str / sizeof str[0]);
    case AST_T_INTEGER:
        return in(type->id, integer, sizeof integer / sizeof integer[0]);
    case AST_T_FLOAT:
        return in(type->id, flt, sizeof flt / sizeof flt[0]);
    case AST_T_UUID:
        return in(type->id, uuid, 2);
    case AST_T_BOOLEAN:
        return type->id == CQL_BOOLEAN;
    case AST_T_HEX:
        return type->id == CQL_BLOB;
    case AST_T_DURATION:
        return type->id == CQL_DURATION;
    default:
        return 0;
    }
}

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    ch = (char)(ch | 0x20);
    return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

static int parse_hex(const char *s, uint32_t len, struct buf *b, struct errmsg *em)
{
    const char *h = s + 2;
    uint32_t n = len >= 2 ? len - 2 : 0;
    if (n % 2) return errmsg_set(em, ERR_INVALID, "cannot parse '%s' as hex bytes", h);
    uint8_t *p = buf_extend(b, n / 2);
    for (uint32_t i = 0; i < n; i += 2) {
        int hi = hexval(h[i]), lo = hexval(h[i + 1]);
        if (hi < 0 || lo < 0)
            return errmsg_set(em, ERR_INVALID, "cannot parse '%s' as hex bytes", h);
        p[i / 2] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

static int convert(struct bind_env *env, const struct ast_term *t, const struct cql_type *type,
                   struct buf *b, struct errmsg *em)
{
    const char *s = t->u.lit.text;
    uint32_t len = t->u.lit.len;
    if (t->kind == AST_T_HEX) return parse_hex(s, len, b, em);
    switch (type->id) {
    case CQL_CUSTOM:
    case CQL_BLOB:
        buf_append(b, s, len);
        return 0;
    case CQL_VARCHAR:
        if (!cql_value_utf8_valid((const uint8_t *)s, len))
            return errmsg_set(em, ERR_INVALID, "String didn't validate.");
        buf_append(b, s, len);
        return 0;
    case CQL_BOOLEAN:
        buf_put_u8(b, t->u.lit.boolean);
        return 0;
    case CQL_DURATION: {
        int32_t m, d;
        int64_t ns;
        int rc = value_parse_duration(s, len, &m, &d, &ns, em);
        if (rc == 0) cql_value_encode_duration(b, m, d, ns);
        return rc;
    }
    default:
        break;
    }
    const struct cql_type *as = type->id == CQL_COUNTER ? cql_type_native(CQL_BIGINT) : type;
    struct json_value j = {.kind = JSON_STRING, .str = s, .len = len};
    bool is_null = false;
    return value_json_to_value(as, &j, env->now_ms, b, &is_null, em);
}

int bind_literal(struct bind_env *env, const struct ast_term *t, const struct bind_recv *r,
                 struct bind_value *out, struct errmsg *em)
{
    if (bind_literal_assignable(t, r->type) == 0)
        return errmsg_set(em, ERR_INVALID, "Invalid %s constant (%s) for \"%s\" of type %s",
                          kind_name(t->kind), t->u.lit.text, r->name,
                          bind_type_name(env->arena, r->type));
    struct buf b;
    buf_init(&b);
    int rc = convert(env, t, r->type, &b, em);
    if (rc == 0) bind_out_buf(env, &b, out);
    buf_deinit(&b);
    return rc ? ERR_INVALID : 0;
}

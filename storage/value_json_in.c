/*
 * value_json_in: JSON (parsed by value_json.c) into serialized CQL values, as Cassandra 4.1's
 * AbstractType.fromJSONObject implementations do (INSERT JSON, fromJson()). See value_json.h.
 *
 * Collections are built element by element in the order given, then the whole value goes
 * through cql_value_normalize (sets sorted and unique, maps sorted by key, the last of equal
 * keys winning), which is how Cassandra serializes bound collections. Messages are
 * Cassandra's MarshalException texts (their Java class names included: "got a Double: 1.5").
 * Thread rule: pure.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "node/base/be.h"
#include "node/base/mem.h"
#include "node/base/uuid.h"
#include "storage/value_json.h"
#include "storage/value_parse.h"
#include "storage/varnum.h"

struct jconv {
    int64_t now_ms;
    struct arena *a; /* for JSON held in strings */
    struct errmsg *em;
};

static int conv(struct jconv *c, const struct cql_type *t, const struct json_value *j,
                struct buf *out, int depth);

/* The Java class Jackson would have produced, for messages. */
static const char *jclass(const struct json_value *j)
{
    switch (j->kind) {
    case JSON_NULL:
        return "null";
    case JSON_BOOL:
        return "Boolean";
    case JSON_STRING:
        return "String";
    case JSON_ARRAY:
        return "ArrayList";
    case JSON_OBJECT:
        return "LinkedHashMap";
    default:
        break;
    }
    if (!j->integral) return "Double";
    char *end;
    errno = 0;
    long long v = strtoll(j->str, &end, 10);
    if (errno) return "BigInteger";
    return v >= INT32_MIN && v <= INT32_MAX ? "Integer" : "Long";
}

static int wrong(struct jconv *c, const char *expected, const struct json_value *j)
{
    int n = j->kind == JSON_STRING || j->kind == JSON_NUMBER ? (int)j->len : 0;
    return errmsg_set(c->em, ERR_INVALID, "Expected %s, but got a %s: %.*s", expected, jclass(j), n,
                      n ? j->str : "");
}

/* AsciiType.fromString: the US-ASCII encoder stops at the first character it cannot map and
   Cassandra prints its exception. Its "Input length" counts UTF-16 units: 2 for a character
   beyond U+FFFF (a 4-byte UTF-8 sequence), else 1. */
static int check_ascii(struct jconv *c, const struct json_value *j)
{
    for (size_t i = 0; i < j->len; i++) {
        uint8_t b = (uint8_t)j->str[i];
        if (b < 0x80) continue;
        bool four = (b & 0xf8) == 0xf0 && i + 3 < j->len;
        for (size_t k = 1; four && k <= 3; k++)
            four = ((uint8_t)j->str[i + k] & 0xc0) == 0x80;
        int units = four ? 2 : 1;
        return errmsg_set(c->em, ERR_INVALID,
                          "Invalid ASCII character in string literal: "
                          "java.nio.charset.UnmappableCharacterException: Input length = %d",
                          units);
    }
    return 0;
}

/* Java's Integer/Long/Short/Byte.parseInt on text: [+-]digits within [lo, hi]. */
static bool parse_java_int(const char *s, size_t len, int64_t lo, int64_t hi, int64_t *out)
{
    char tmp[32];
    if (len == 0 || len >= sizeof tmp) return false;
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    size_t i = tmp[0] == '+' || tmp[0] == '-';
    if (i == len) return false;
    for (size_t k = i; k < len; k++)
        if (tmp[k] < '0' || tmp[k] > '9') return false;
    errno = 0;
    long long v = strtoll(tmp, NULL, 10);
    if (errno || v < lo || v > hi) return false;
    *out = v;
    return true;
}

static int conv_int(struct jconv *c, const struct cql_type *t, const struct json_value *j,
                    struct buf *out)
{
    static const struct {
        enum cql_type_id id;
        int64_t lo, hi;
        const char *what, *java;
    } k[] = {
        {CQL_INT, INT32_MIN, INT32_MAX, "an int value", "int"},
        {CQL_BIGINT, INT64_MIN, INT64_MAX, "a bigint value", "long"},
        {CQL_COUNTER, INT64_MIN, INT64_MAX, "a bigint value", "long"},
        {CQL_SMALLINT, INT16_MIN, INT16_MAX, "a smallint value", "short"},
        {CQL_TINYINT, INT8_MIN, INT8_MAX, "a tinyint value", "byte"},
    };
    size_t i = 0;
    while (k[i].id != t->id)
        i++;
    int64_t v;
    if (j->kind == JSON_STRING ||
        (j->kind == JSON_NUMBER && (t->id == CQL_SMALLINT || t->id == CQL_TINYINT))) {
        if (!parse_java_int(j->str, j->len, k[i].lo, k[i].hi, &v))
            return errmsg_set(c->em, ERR_INVALID, "Unable to make %s from '%.*s'", k[i].java,
                              (int)j->len, j->str);
    } else if (j->kind != JSON_NUMBER || !j->integral ||
               !parse_java_int(j->str, j->len, k[i].lo, k[i].hi, &v)) {
        return wrong(c, k[i].what, j);
    }
    if (t->id == CQL_TINYINT)
        buf_put_u8(out, (uint8_t)v);
    else if (t->id == CQL_SMALLINT)
        buf_put_be16(out, (uint16_t)v);
    else if (t->id == CQL_INT)
        buf_put_be32(out, (uint32_t)v);
    else
        buf_put_be64(out, (uint64_t)v);
    return 0;
}

/* Java's Double.parseDouble: decimal or NaN/Infinity spelled exactly. */
static bool parse_java_double(const char *s, size_t len, double *out)
{
    char tmp[512];
    while (len && (*s == ' ' || *s == '\t'))
        s++, len--;
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    if (len == 0 || len >= sizeof tmp) return false;
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    const char *w = tmp + (tmp[0] == '+' || tmp[0] == '-');
    if (strcmp(w, "NaN") == 0 && w == tmp) {
        *out = NAN;
        return true;
    }
    if (strcmp(w, "Infinity") == 0) {
        *out = tmp[0] == '-' ? -INFINITY : INFINITY;
        return true;
    }
    for (const char *q = w; *q; q++)
        if (!((*q >= '0' && *q <= '9') || *q == '.' || *q == 'e' || *q == 'E' || *q == '+' ||
              *q == '-'))
            return false;
    char *end;
    *out = strtod(tmp, &end);
    return *end == '\0' && end != tmp;
}

static int conv_float(struct jconv *c, const struct cql_type *t, const struct json_value *j,
                      struct buf *out)
{
    bool is_float = t->id == CQL_FLOAT;
    double d;
    if (j->kind != JSON_STRING && j->kind != JSON_NUMBER)
        return wrong(c, is_float ? "a float value" : "a double value", j);
    if (!parse_java_double(j->str, j->len, &d))
        return errmsg_set(c->em, ERR_INVALID, "Unable to make %s from '%.*s'",
                          is_float ? "float" : "double", (int)j->len, j->str);
    if (is_float) {
        float f = (float)d;
        uint32_t u;
        memcpy(&u, &f, 4);
        buf_put_be32(out, u);
    } else {
        uint64_t u;
        memcpy(&u, &d, 8);
        buf_put_be64(out, u);
    }
    return 0;
}

static int conv_number_text(struct jconv *c, const struct cql_type *t, const struct json_value *j,
                            struct buf *out)
{
    bool dec = t->id == CQL_DECIMAL;
    if (j->kind != JSON_STRING && j->kind != JSON_NUMBER)
        return wrong(c, dec ? "a decimal value" : "a varint value", j);
    if (!dec && j->kind == JSON_NUMBER && !j->integral) return wrong(c, "a varint value", j);
    int rc =
        dec ? varnum_parse_decimal(j->str, j->len, out) : varnum_parse_varint(j->str, j->len, out);
    if (rc)
        return errmsg_set(c->em, ERR_INVALID, "Unable to make %s from '%.*s'",
                          dec ? "BigDecimal" : "int", (int)j->len, j->str);
    return 0;
}

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    ch = (char)(ch | 0x20);
    return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

static int conv_blob(struct jconv *c, const struct json_value *j, struct buf *out)
{
    if (j->kind != JSON_STRING) return wrong(c, "a string representation of bytes", j);
    if (j->len < 2 || j->str[0] != '0' || (j->str[1] | 0x20) != 'x')
        return errmsg_set(c->em, ERR_INVALID,
                          "String representation of blob is missing 0x prefix: %s", j->str);
    size_t n = j->len - 2;
    if (n % 2) return errmsg_set(c->em, ERR_INVALID, "cannot parse '%s' as hex bytes", j->str + 2);
    uint8_t *p = buf_extend(out, n / 2);
    for (size_t i = 0; i < n; i += 2) {
        int hi = hexval(j->str[2 + i]), lo = hexval(j->str[3 + i]);
        if (hi < 0 || lo < 0) {
            out->len -= n / 2;
            return errmsg_set(c->em, ERR_INVALID, "cannot parse '%s' as hex bytes", j->str + 2);
        }
        p[i / 2] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

static int conv_temporal(struct jconv *c, const struct cql_type *t, const struct json_value *j,
                         struct buf *out)
{
    if (t->id == CQL_TIMESTAMP && j->kind == JSON_NUMBER) {
        int64_t ms;
        if (!j->integral || !parse_java_int(j->str, j->len, INT64_MIN, INT64_MAX, &ms))
            return wrong(c, "a long or a datestring representation of a timestamp value", j);
        buf_put_be64(out, (uint64_t)ms);
        return 0;
    }
    if (j->kind != JSON_STRING) {
        const char *what = t->id == CQL_TIMESTAMP
                               ? "a long or a datestring representation of a timestamp value"
                           : t->id == CQL_DATE ? "a string representation of a date value"
                           : t->id == CQL_TIME ? "a string representation of a time value"
                           : t->id == CQL_INET ? "a string representation of an inet value"
                                               : "a string representation of a duration";
        return wrong(c, what, j);
    }
    int rc;
    if (t->id == CQL_TIMESTAMP) {
        int64_t ms;
        if ((rc = value_parse_timestamp(j->str, j->len, c->now_ms, &ms, c->em)) == 0)
            buf_put_be64(out, (uint64_t)ms);
    } else if (t->id == CQL_DATE) {
        uint32_t d;
        if ((rc = value_parse_date(j->str, j->len, &d, c->em)) == 0) buf_put_be32(out, d);
    } else if (t->id == CQL_TIME) {
        int64_t ns;
        if ((rc = value_parse_time(j->str, j->len, &ns, c->em)) == 0)
            buf_put_be64(out, (uint64_t)ns);
    } else if (t->id == CQL_INET) {
        uint8_t a[16];
        size_t n;
        if ((rc = value_parse_inet(j->str, j->len, a, &n, c->em)) == 0) buf_append(out, a, n);
    } else {
        int32_t m, d;
        int64_t ns;
        if ((rc = value_parse_duration(j->str, j->len, &m, &d, &ns, c->em)) == 0)
            cql_value_encode_duration(out, m, d, ns);
    }
    return rc;
}

static int conv_native(struct jconv *c, const struct cql_type *t, const struct json_value *j,
                       struct buf *out)
{
    switch (t->id) {
    case CQL_INT:
    case CQL_BIGINT:
    case CQL_COUNTER:
    case CQL_SMALLINT:
    case CQL_TINYINT:
        return conv_int(c, t, j, out);
    case CQL_FLOAT:
    case CQL_DOUBLE:
        return conv_float(c, t, j, out);
    case CQL_VARINT:
    case CQL_DECIMAL:
        return conv_number_text(c, t, j, out);
    case CQL_BOOLEAN:
        if (j->kind == JSON_BOOL)
            buf_put_u8(out, j->boolean);
        else if (j->kind == JSON_STRING &&
                 (!strcasecmp(j->str, "true") || !strcasecmp(j->str, "false")))
            buf_put_u8(out, strcasecmp(j->str, "true") == 0);
        else if (j->kind == JSON_STRING)
            return errmsg_set(c->em, ERR_INVALID, "Unable to make boolean from '%s'", j->str);
        else
            return wrong(c, "a boolean value", j);
        return 0;
    case CQL_ASCII:
    case CQL_VARCHAR:
        if (j->kind != JSON_STRING)
            return wrong(c, t->id == CQL_ASCII ? "an ascii string" : "a UTF-8 string", j);
        if (t->id == CQL_ASCII) {
            int rc = check_ascii(c, j);
            if (rc) return rc;
        }
        buf_append(out, j->str, j->len);
        return 0;
    case CQL_UUID:
    case CQL_TIMEUUID: {
        struct uuid u;
        bool tu = t->id == CQL_TIMEUUID;
        if (j->kind != JSON_STRING)
            return wrong(c, tu ? "a string representation of a timeuuid"
                               : "a string representation of a uuid",
                         j);
        if (uuid_parse(j->str, j->len, &u) < 0)
            return errmsg_set(c->em, ERR_INVALID,
                              tu ? "Unknown timeuuid representation: %s"
                                 : "Unable to make UUID from '%s'",
                              j->str);
        if (t->id == CQL_TIMEUUID && uuid_version(&u) != 1)
            return errmsg_set(c->em, ERR_INVALID, "TimeUUID supports only version 1 UUIDs");
        buf_append(out, u.b, 16);
        return 0;
    }
    case CQL_TIMESTAMP:
    case CQL_DATE:
    case CQL_TIME:
    case CQL_INET:
    case CQL_DURATION:
        return conv_temporal(c, t, j, out);
    default:
        return conv_blob(c, j, out);
    }
}

/* ---- collections, tuples, UDTs -------------------------------------------------------- */

/* Appends one <int len><bytes> item converted from j (a JSON null: -1, where allowed). The
   output is in the order given; value_json_to_value normalises sets and maps afterwards. */
static int put_item(struct jconv *c, struct buf *out, const struct cql_type *t,
                    const struct json_value *j, const char *null_msg, int depth)
{
    if (j->kind == JSON_NULL) {
        if (null_msg) return errmsg_set(c->em, ERR_INVALID, "%s", null_msg);
        buf_put_be32(out, 0xFFFFFFFFu);
        return 0;
    }
    size_t at = out->len;
    buf_put_be32(out, 0);
    int rc = conv(c, t, j, out, depth + 1);
    if (rc == 0) be32_store(out->data + at, (uint32_t)(out->len - at - 4));
    return rc;
}

static int conv_collection(struct jconv *c, const struct cql_type *t, const struct json_value *j,
                           struct buf *out, int depth)
{
    bool map = t->id == CQL_MAP;
    if (map ? j->kind != JSON_OBJECT : j->kind != JSON_ARRAY)
        return wrong(c,
                     map                ? "a map"
                     : t->id == CQL_SET ? "a list (representing a set)"
                                        : "a list",
                     j);
    int rc = 0;
    buf_put_be32(out, j->n);
    const char *null_msg = t->id == CQL_LIST  ? "Invalid null element in list"
                           : t->id == CQL_SET ? "Invalid null element in set"
                                              : "Invalid null value in map";
    for (uint32_t i = 0; rc == 0 && i < j->n; i++) {
        if (map) {
            struct json_value key = {.kind = JSON_STRING, .str = j->keys[i], .len = j->key_lens[i]};
            rc = put_item(c, out, t->sub[0], &key, null_msg, depth);
            if (rc == 0) rc = put_item(c, out, t->sub[1], &j->items[i], null_msg, depth);
        } else {
            rc = put_item(c, out, t->sub[0], &j->items[i], null_msg, depth);
        }
    }
    return rc;
}

static int conv_tuple(struct jconv *c, const struct cql_type *t, const struct json_value *j,
                      struct buf *out, int depth)
{
    if (j->kind != JSON_ARRAY) return wrong(c, "a list representation of a tuple", j);
    if (j->n > t->nsub)
        return errmsg_set(c->em, ERR_INVALID, "Tuple contains extra items (expected %u, got %u)",
                          t->nsub, j->n);
    if (j->n < t->nsub)
        return errmsg_set(c->em, ERR_INVALID, "Tuple is missing items (expected %u, got %u)",
                          t->nsub, j->n);
    int rc = 0;
    for (uint32_t i = 0; rc == 0 && i < j->n; i++)
        rc = put_item(c, out, t->sub[i], &j->items[i], NULL, depth);
    return rc;
}

static int conv_udt(struct jconv *c, const struct cql_type *t, const struct json_value *j,
                    struct buf *out, int depth)
{
    if (j->kind != JSON_OBJECT) return wrong(c, "a map", j);
    const struct json_value **by_field = xcalloc(t->nsub ? t->nsub : 1, sizeof *by_field);
    int rc = 0;
    for (uint32_t i = 0; rc == 0 && i < j->n; i++) {
        const char *name = value_json_key_name(c->a, j->keys[i], j->key_lens[i]);
        uint16_t f = 0;
        while (f < t->nsub && strcmp(t->field_names[f], name) != 0)
            f++;
        if (f == t->nsub)
            rc = errmsg_set(c->em, ERR_INVALID,
                            "Unknown field '%s' in value of user defined type %s", name,
                            t->udt_name);
        else
            by_field[f] = &j->items[i]; /* a repeated key: the last wins, as Jackson */
    }
    static const struct json_value null_value = {.kind = JSON_NULL};
    for (uint16_t f = 0; rc == 0 && f < t->nsub; f++)
        rc = put_item(c, out, t->sub[f], by_field[f] ? by_field[f] : &null_value, NULL, depth);
    free(by_field);
    return rc;
}

static int conv(struct jconv *c, const struct cql_type *t, const struct json_value *j,
                struct buf *out, int depth)
{
    if (depth > CQL_TYPE_DEPTH_MAX)
        return errmsg_set(c->em, ERR_INVALID, "JSON value nested deeper than %d",
                          CQL_TYPE_DEPTH_MAX);
    bool composite = cql_type_is_collection(t) || t->id == CQL_TUPLE || t->id == CQL_UDT;
    if (composite && j->kind == JSON_STRING) { /* a JSON document held in a string */
        const struct json_value *inner;
        int rc = value_json_parse_doc(j->str, j->len, c->a, &inner, c->em);
        if (rc) return rc;
        if (inner->kind == JSON_STRING) return wrong(c, "a JSON container", inner);
        j = inner;
    }
    if (j->kind == JSON_NULL) return errmsg_set(c->em, ERR_INVALID, "Invalid null value");
    if (cql_type_is_collection(t)) return conv_collection(c, t, j, out, depth);
    if (t->id == CQL_TUPLE) return conv_tuple(c, t, j, out, depth);
    if (t->id == CQL_UDT) return conv_udt(c, t, j, out, depth);
    return conv_native(c, t, j, out);
}

int value_json_to_value(const struct cql_type *t, const struct json_value *j, int64_t now_ms,
                        struct buf *out, bool *is_null, struct errmsg *em)
{
    *is_null = j->kind == JSON_NULL;
    if (*is_null) return 0;
    struct arena a;
    arena_init(&a, 4096);
    struct jconv c = {.now_ms = now_ms, .a = &a, .em = em};
    struct buf raw;
    buf_init(&raw);
    int rc = conv(&c, t, j, &raw, 1);
    if (rc == 0) rc = cql_value_validate(t, raw.data, raw.len, em);
    /* sets sorted and unique, maps sorted by key (last duplicate wins), as Cassandra stores them */
    if (rc == 0) rc = cql_value_normalize(t, raw.data, raw.len, out, em);
    buf_deinit(&raw);
    arena_deinit(&a);
    return rc;
}

int value_json_parse(const struct cql_type *t, const char *text, size_t len, int64_t now_ms,
                     struct buf *out, bool *is_null, struct errmsg *em)
{
    struct arena a;
    arena_init(&a, 4096);
    const struct json_value *j;
    int rc = value_json_parse_doc(text, len, &a, &j, em);
    if (rc == 0) rc = value_json_to_value(t, j, now_ms, out, is_null, em);
    arena_deinit(&a);
    return rc;
}

/*
 * types: CQL type descriptors — native singletons, parsing and printing of type strings, and
 * the structural predicates (see types.h). Validation and comparison of serialized values live
 * in types_value.c (same header).
 *
 * Parsing follows Cassandra 4.1's CQL3Type.Raw rules:
 *   - native names are case-insensitive; varchar is text;
 *   - frozen<T> is only for collections, tuples and UDTs, and freezes everything inside T;
 *   - a collection element (list/set element, map key or value) must not be a non-frozen
 *     collection or UDT, nor a counter; durations are refused as set elements and map keys;
 *   - tuples are always frozen, and so is everything inside them; no counters inside;
 *   - a quoted string is a custom class; Cassandra's own marshal classes map to native types;
 *   - other names are UDTs, resolved through the caller's lookup (keyspace-qualified or not).
 * Printing is CQL3Type.toString(): "frozen<...>" around every frozen collection/UDT, tuples
 * always as "frozen<tuple<...>>", UDTs by name only (quoted if needed).
 *
 * Invariants: a parsed type has depth <= CQL_TYPE_DEPTH_MAX; tuples have frozen = true; the
 * types nested in a frozen type or a collection are frozen (natives excepted: singletons).
 * Thread rule: pure; descriptors are immutable once built.
 */
#include "storage/types.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "node/base/assert.h"
#include "node/base/mem.h"
#include "storage/cql_ident.h"

#define NAME_MAX_BYTES 256
#define CUSTOM_CLASS_MAX 1024

static const struct cql_type natives[] = {
    {.id = CQL_ASCII},   {.id = CQL_BIGINT},    {.id = CQL_BLOB},    {.id = CQL_BOOLEAN},
    {.id = CQL_COUNTER}, {.id = CQL_DECIMAL},   {.id = CQL_DOUBLE},  {.id = CQL_FLOAT},
    {.id = CQL_INT},     {.id = CQL_TIMESTAMP}, {.id = CQL_UUID},    {.id = CQL_VARCHAR},
    {.id = CQL_VARINT},  {.id = CQL_TIMEUUID},  {.id = CQL_INET},    {.id = CQL_DATE},
    {.id = CQL_TIME},    {.id = CQL_SMALLINT},  {.id = CQL_TINYINT}, {.id = CQL_DURATION},
};
#define NNATIVES (sizeof natives / sizeof natives[0])

static const struct {
    const char *name;
    enum cql_type_id id;
} native_names[] = {
    {"ascii", CQL_ASCII},         {"bigint", CQL_BIGINT},     {"blob", CQL_BLOB},
    {"boolean", CQL_BOOLEAN},     {"counter", CQL_COUNTER},   {"decimal", CQL_DECIMAL},
    {"double", CQL_DOUBLE},       {"float", CQL_FLOAT},       {"int", CQL_INT},
    {"timestamp", CQL_TIMESTAMP}, {"uuid", CQL_UUID},         {"text", CQL_VARCHAR},
    {"varint", CQL_VARINT},       {"timeuuid", CQL_TIMEUUID}, {"inet", CQL_INET},
    {"date", CQL_DATE},           {"time", CQL_TIME},         {"smallint", CQL_SMALLINT},
    {"tinyint", CQL_TINYINT},     {"duration", CQL_DURATION}, {"varchar", CQL_VARCHAR},
};

/* Cassandra's marshal classes for native types, as they appear in custom type strings. */
static const struct {
    const char *cls;
    enum cql_type_id id;
} marshal_classes[] = {
    {"AsciiType", CQL_ASCII},
    {"LongType", CQL_BIGINT},
    {"BytesType", CQL_BLOB},
    {"BooleanType", CQL_BOOLEAN},
    {"CounterColumnType", CQL_COUNTER},
    {"DecimalType", CQL_DECIMAL},
    {"DoubleType", CQL_DOUBLE},
    {"FloatType", CQL_FLOAT},
    {"Int32Type", CQL_INT},
    {"TimestampType", CQL_TIMESTAMP},
    {"UUIDType", CQL_UUID},
    {"UTF8Type", CQL_VARCHAR},
    {"IntegerType", CQL_VARINT},
    {"TimeUUIDType", CQL_TIMEUUID},
    {"InetAddressType", CQL_INET},
    {"SimpleDateType", CQL_DATE},
    {"TimeType", CQL_TIME},
    {"ShortType", CQL_SMALLINT},
    {"ByteType", CQL_TINYINT},
    {"DurationType", CQL_DURATION},
};
#define MARSHAL_PREFIX "org.apache.cassandra.db.marshal."

const struct cql_type *cql_type_native(enum cql_type_id id)
{
    for (size_t i = 0; i < NNATIVES; i++)
        if (natives[i].id == id) return &natives[i];
    return NULL;
}

const char *cql_type_native_name(enum cql_type_id id)
{
    for (size_t i = 0; i < sizeof native_names / sizeof native_names[0]; i++)
        if (native_names[i].id == id) return native_names[i].name;
    return NULL;
}

static bool is_native(const struct cql_type *t)
{
    return t >= natives && t < natives + NNATIVES;
}

/* ---- predicates ---------------------------------------------------------------------- */

bool cql_type_is_collection(const struct cql_type *t)
{
    return t->id == CQL_LIST || t->id == CQL_SET || t->id == CQL_MAP;
}

bool cql_type_is_multicell(const struct cql_type *t)
{
    return (cql_type_is_collection(t) || t->id == CQL_UDT) && !t->frozen;
}

static bool references_duration(const struct cql_type *t)
{
    if (t->id == CQL_DURATION) return true;
    for (uint16_t i = 0; i < t->nsub; i++)
        if (references_duration(t->sub[i])) return true;
    return false;
}

bool cql_type_is_comparable(const struct cql_type *t)
{
    return !cql_type_is_multicell(t) && !references_duration(t) && t->id != CQL_COUNTER;
}

static bool str_eq(const char *a, const char *b)
{
    if (!a || !b) return a == b;
    return strcmp(a, b) == 0;
}

bool cql_type_equal(const struct cql_type *a, const struct cql_type *b)
{
    if (a == b) return true;
    if (a->id != b->id || a->frozen != b->frozen || a->nsub != b->nsub) return false;
    if (a->id == CQL_CUSTOM) return str_eq(a->custom_class, b->custom_class);
    if (a->id == CQL_UDT) {
        if (!str_eq(a->udt_keyspace, b->udt_keyspace) || !str_eq(a->udt_name, b->udt_name))
            return false;
        for (uint16_t i = 0; i < a->nsub; i++)
            if (!str_eq(a->field_names[i], b->field_names[i])) return false;
    }
    for (uint16_t i = 0; i < a->nsub; i++)
        if (!cql_type_equal(a->sub[i], b->sub[i])) return false;
    return true;
}

/* ---- copy and freeze ----------------------------------------------------------------- */

static const struct cql_type *copy_rec(const struct cql_type *t, struct arena *a, bool freeze)
{
    if (is_native(t)) return t;
    struct cql_type *c = arena_alloc(a, sizeof *c);
    *c = *t;
    if (freeze && t->id != CQL_CUSTOM) c->frozen = true;
    if (t->custom_class) c->custom_class = arena_strdup(a, t->custom_class);
    if (t->udt_keyspace) c->udt_keyspace = arena_strdup(a, t->udt_keyspace);
    if (t->udt_name) c->udt_name = arena_strdup(a, t->udt_name);
    if (t->nsub) {
        const struct cql_type **sub = arena_alloc(a, t->nsub * sizeof *sub);
        for (uint16_t i = 0; i < t->nsub; i++)
            sub[i] = copy_rec(t->sub[i], a, freeze);
        c->sub = sub;
    }
    if (t->field_names) {
        const char **names = arena_alloc(a, t->nsub * sizeof *names);
        for (uint16_t i = 0; i < t->nsub; i++)
            names[i] = arena_strdup(a, t->field_names[i]);
        c->field_names = names;
    }
    return c;
}

const struct cql_type *cql_type_copy(const struct cql_type *t, struct arena *a)
{
    return copy_rec(t, a, false);
}

static bool deep_frozen(const struct cql_type *t)
{
    if (is_native(t) || t->id == CQL_CUSTOM) return true;
    if (!t->frozen) return false;
    for (uint16_t i = 0; i < t->nsub; i++)
        if (!deep_frozen(t->sub[i])) return false;
    return true;
}

const struct cql_type *cql_type_freeze(const struct cql_type *t, struct arena *a)
{
    if (deep_frozen(t)) return t;
    return copy_rec(t, a, true);
}

/* ---- printing ------------------------------------------------------------------------ */

void cql_type_format(const struct cql_type *t, struct buf *out)
{
    const char *name = cql_type_native_name(t->id);
    switch (t->id) {
    case CQL_CUSTOM:
        cql_ident_append_string(out, t->custom_class, strlen(t->custom_class));
        return;
    case CQL_LIST:
    case CQL_SET:
    case CQL_MAP:
    case CQL_TUPLE:
        if (t->frozen || t->id == CQL_TUPLE) buf_append(out, "frozen<", 7);
        buf_printf(out, "%s<",
                   t->id == CQL_LIST  ? "list"
                   : t->id == CQL_SET ? "set"
                   : t->id == CQL_MAP ? "map"
                                      : "tuple");
        for (uint16_t i = 0; i < t->nsub; i++) {
            if (i) buf_append(out, ", ", 2);
            cql_type_format(t->sub[i], out);
        }
        buf_put_u8(out, '>');
        if (t->frozen || t->id == CQL_TUPLE) buf_put_u8(out, '>');
        return;
    case CQL_UDT:
        if (t->frozen) buf_append(out, "frozen<", 7);
        cql_ident_append(out, t->udt_name);
        if (t->frozen) buf_put_u8(out, '>');
        return;
    default:
        ASSERT(name != NULL);
        buf_append(out, name, strlen(name));
        return;
    }
}

/* ---- parsing ------------------------------------------------------------------------- */

struct tparse {
    const char *s;
    size_t len, pos;
    const char *keyspace;
    cql_udt_lookup_cb lookup;
    void *lookup_ctx;
    struct arena *a;
    struct errmsg *em;
};

static void skip_ws(struct tparse *p)
{
    while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
                               p->s[p->pos] == '\n' || p->s[p->pos] == '\r'))
        p->pos++;
}

static bool peek_char(struct tparse *p, char c)
{
    skip_ws(p);
    return p->pos < p->len && p->s[p->pos] == c;
}

static int expect_char(struct tparse *p, char c)
{
    if (!peek_char(p, c))
        return errmsg_set(p->em, ERR_SYNTAX, "expected '%c' at offset %zu of type '%.*s'", c,
                          p->pos, (int)p->len, p->s);
    p->pos++;
    return 0;
}

static bool is_ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/*
 * Reads an identifier: bare ([A-Za-z][A-Za-z0-9_]*, lowercased) or double-quoted (case kept,
 * "" is a quote). *quoted tells which. NUL-terminated into out.
 */
static int read_ident(struct tparse *p, char out[NAME_MAX_BYTES], bool *quoted)
{
    skip_ws(p);
    size_t n = 0;
    *quoted = p->pos < p->len && p->s[p->pos] == '"';
    if (*quoted) {
        p->pos++;
        for (;;) {
            if (p->pos >= p->len)
                return errmsg_set(p->em, ERR_SYNTAX, "unterminated quoted name in type");
            char c = p->s[p->pos++];
            if (c == '"') {
                if (p->pos < p->len && p->s[p->pos] == '"')
                    p->pos++;
                else
                    break;
            }
            if (n + 1 >= NAME_MAX_BYTES || c == '\0')
                return errmsg_set(p->em, ERR_INVALID, "type name too long or invalid");
            out[n++] = c;
        }
        if (n == 0) return errmsg_set(p->em, ERR_SYNTAX, "empty quoted name in type");
    } else {
        if (p->pos >= p->len || !((p->s[p->pos] | 0x20) >= 'a' && (p->s[p->pos] | 0x20) <= 'z'))
            return errmsg_set(p->em, ERR_SYNTAX, "expected a type name at offset %zu of '%.*s'",
                              p->pos, (int)p->len, p->s);
        while (p->pos < p->len && is_ident_char(p->s[p->pos])) {
            if (n + 1 >= NAME_MAX_BYTES)
                return errmsg_set(p->em, ERR_INVALID, "type name too long");
            char c = p->s[p->pos++];
            out[n++] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
        }
    }
    out[n] = '\0';
    return 0;
}

static int parse_type(struct tparse *p, int depth, bool in_frozen, const struct cql_type **out);

/* The text of the type parsed from start to the current position (for messages). */
static int span_len(struct tparse *p, size_t start)
{
    return (int)(p->pos - start);
}

static struct cql_type *new_type(struct tparse *p, enum cql_type_id id, uint16_t nsub)
{
    struct cql_type *t = arena_zalloc(p->a, sizeof *t);
    t->id = id;
    t->nsub = nsub;
    if (nsub) t->sub = arena_zalloc(p->a, nsub * sizeof *t->sub);
    return t;
}

/* Rules for a type nested in a collection (Cassandra's CQL3Type.Raw.RawCollection). */
static int check_collection_element(struct tparse *p, size_t start, enum cql_type_id coll,
                                    int index, const struct cql_type *e)
{
    int n = span_len(p, start);
    const char *s = p->s + start;
    if (e->id == CQL_COUNTER)
        return errmsg_set(p->em, ERR_INVALID, "Counters are not allowed inside collections: %.*s",
                          n, s);
    if (cql_type_is_multicell(e))
        return errmsg_set(p->em, ERR_INVALID,
                          "Non-frozen %s are not allowed inside collections: %.*s",
                          e->id == CQL_UDT ? "UDTs" : "collections", n, s);
    if (e->id == CQL_DURATION && coll == CQL_SET)
        return errmsg_set(p->em, ERR_INVALID, "Durations are not allowed inside sets: %.*s", n, s);
    if (e->id == CQL_DURATION && coll == CQL_MAP && index == 0)
        return errmsg_set(p->em, ERR_INVALID, "Durations are not allowed as map keys: %.*s", n, s);
    return 0;
}

static int parse_collection(struct tparse *p, enum cql_type_id id, size_t start, int depth,
                            bool in_frozen, const struct cql_type **out)
{
    uint16_t nsub = id == CQL_MAP ? 2 : 1;
    struct cql_type *t = new_type(p, id, nsub);
    const struct cql_type **sub = (const struct cql_type **)t->sub;
    int rc = expect_char(p, '<');
    for (uint16_t i = 0; rc == 0 && i < nsub; i++) {
        if (i) rc = expect_char(p, ',');
        if (rc == 0) rc = parse_type(p, depth + 1, in_frozen, &sub[i]);
        /* frozen<...> freezes everything inside it before the element rules apply */
        if (rc == 0 && in_frozen) sub[i] = cql_type_freeze(sub[i], p->a);
    }
    if (rc == 0) rc = expect_char(p, '>');
    for (uint16_t i = 0; rc == 0 && i < nsub; i++)
        rc = check_collection_element(p, start, id, i, sub[i]);
    if (rc) return rc;
    *out = t;
    return 0;
}

static int parse_tuple(struct tparse *p, int depth, const struct cql_type **out)
{
    const struct cql_type **elems = NULL;
    size_t cap = 0;
    uint16_t n = 0;
    int rc = expect_char(p, '<');
    while (rc == 0) {
        if (n == CQL_TYPE_FIELDS_MAX) {
            rc = errmsg_set(p->em, ERR_INVALID, "too many tuple fields (max %d)",
                            CQL_TYPE_FIELDS_MAX);
            break;
        }
        xgrow((void **)&elems, &cap, (size_t)n + 1, sizeof *elems);
        if ((rc = parse_type(p, depth + 1, true, &elems[n])) != 0) break;
        if (elems[n]->id == CQL_COUNTER) {
            rc = errmsg_set(p->em, ERR_INVALID, "Counters are not allowed inside tuples");
            break;
        }
        elems[n] = cql_type_freeze(elems[n], p->a);
        n++;
        if (!peek_char(p, ',')) break;
        p->pos++;
    }
    if (rc == 0) rc = expect_char(p, '>');
    if (rc == 0) {
        struct cql_type *t = new_type(p, CQL_TUPLE, n);
        memcpy((void *)t->sub, elems, n * sizeof elems[0]);
        t->frozen = true;
        *out = t;
    }
    free(elems);
    return rc;
}

static int parse_custom(struct tparse *p, const struct cql_type **out)
{
    char cls[CUSTOM_CLASS_MAX];
    size_t n = 0;
    p->pos++; /* opening quote */
    for (;;) {
        if (p->pos >= p->len) return errmsg_set(p->em, ERR_SYNTAX, "unterminated custom type");
        char c = p->s[p->pos++];
        if (c == '\'') {
            if (p->pos < p->len && p->s[p->pos] == '\'')
                p->pos++;
            else
                break;
        }
        if (n + 1 >= sizeof cls || c == '\0')
            return errmsg_set(p->em, ERR_INVALID, "custom type class name too long or invalid");
        cls[n++] = c;
    }
    cls[n] = '\0';
    const char *simple = cls;
    if (strncmp(cls, MARSHAL_PREFIX, strlen(MARSHAL_PREFIX)) == 0) simple += strlen(MARSHAL_PREFIX);
    for (size_t i = 0; i < sizeof marshal_classes / sizeof marshal_classes[0]; i++) {
        if (strcmp(simple, marshal_classes[i].cls) == 0) {
            *out = cql_type_native(marshal_classes[i].id);
            return 0;
        }
    }
    if (n == 0) return errmsg_set(p->em, ERR_INVALID, "empty custom type class");
    struct cql_type *t = new_type(p, CQL_CUSTOM, 0);
    t->custom_class = arena_strdup(p->a, cls);
    *out = t;
    return 0;
}

static int parse_udt(struct tparse *p, const char *first, bool quoted, const struct cql_type **out)
{
    char ks[NAME_MAX_BYTES], name[NAME_MAX_BYTES];
    const char *keyspace = p->keyspace;
    snprintf(name, sizeof name, "%s", first);
    if (peek_char(p, '.')) {
        p->pos++;
        bool q2;
        int rc = read_ident(p, name, &q2);
        if (rc) return rc;
        snprintf(ks, sizeof ks, "%s", first);
        keyspace = ks;
    } else if (!quoted && cql_ident_is_reserved(first, strlen(first))) {
        return errmsg_set(p->em, ERR_SYNTAX, "'%s' is a reserved word, not a type", first);
    }
    const struct cql_type *u = p->lookup ? p->lookup(p->lookup_ctx, keyspace, name) : NULL;
    if (!u || u->id != CQL_UDT)
        return errmsg_set(p->em, ERR_INVALID, "Unknown type %s%s%s", keyspace ? keyspace : "",
                          keyspace ? "." : "", name);
    struct cql_type *t = (struct cql_type *)cql_type_copy(u, p->a);
    t->frozen = false;
    *out = t;
    return 0;
}

static int parse_frozen(struct tparse *p, int depth, const struct cql_type **out)
{
    const struct cql_type *inner;
    int rc = expect_char(p, '<');
    if (rc == 0) rc = parse_type(p, depth + 1, true, &inner);
    if (rc == 0) rc = expect_char(p, '>');
    if (rc) return rc;
    if (!cql_type_is_collection(inner) && inner->id != CQL_TUPLE && inner->id != CQL_UDT)
        return errmsg_set(
            p->em, ERR_INVALID,
            "frozen<> is only allowed on collections, tuples, and user-defined types");
    *out = cql_type_freeze(inner, p->a);
    return 0;
}

static int parse_type(struct tparse *p, int depth, bool in_frozen, const struct cql_type **out)
{
    if (depth > CQL_TYPE_DEPTH_MAX)
        return errmsg_set(p->em, ERR_INVALID, "type nesting deeper than %d", CQL_TYPE_DEPTH_MAX);
    skip_ws(p);
    size_t start = p->pos;
    if (p->pos < p->len && p->s[p->pos] == '\'') return parse_custom(p, out);
    char word[NAME_MAX_BYTES];
    bool quoted;
    int rc = read_ident(p, word, &quoted);
    if (rc) return rc;
    if (!quoted) {
        for (size_t i = 0; i < sizeof native_names / sizeof native_names[0]; i++) {
            if (strcmp(word, native_names[i].name) == 0) {
                *out = cql_type_native(native_names[i].id);
                return 0;
            }
        }
        if (strcmp(word, "frozen") == 0 && peek_char(p, '<')) return parse_frozen(p, depth, out);
        if (strcmp(word, "list") == 0 && peek_char(p, '<'))
            return parse_collection(p, CQL_LIST, start, depth, in_frozen, out);
        if (strcmp(word, "set") == 0 && peek_char(p, '<'))
            return parse_collection(p, CQL_SET, start, depth, in_frozen, out);
        if (strcmp(word, "map") == 0 && peek_char(p, '<'))
            return parse_collection(p, CQL_MAP, start, depth, in_frozen, out);
        if (strcmp(word, "tuple") == 0 && peek_char(p, '<')) return parse_tuple(p, depth, out);
    }
    return parse_udt(p, word, quoted, out);
}

int cql_type_parse(const char *s, size_t len, const char *keyspace, cql_udt_lookup_cb lookup,
                   void *lookup_ctx, struct arena *a, const struct cql_type **out,
                   struct errmsg *em)
{
    struct tparse p = {.s = s,
                       .len = len,
                       .keyspace = keyspace,
                       .lookup = lookup,
                       .lookup_ctx = lookup_ctx,
                       .a = a,
                       .em = em};
    const struct cql_type *t;
    int rc = parse_type(&p, 1, false, &t);
    if (rc) return rc;
    skip_ws(&p);
    if (p.pos != p.len)
        return errmsg_set(em, ERR_SYNTAX, "unexpected '%.*s' after type", (int)(p.len - p.pos),
                          s + p.pos);
    *out = t;
    return 0;
}

/* ---- binary codec -------------------------------------------------------------------- */

#define TYPE_STR_MAX 65535

static void put_str(struct buf *out, const char *s)
{
    buf_put_vbytes(out, s, strlen(s));
}

void cql_type_encode(const struct cql_type *t, struct buf *out)
{
    buf_put_be16(out, (uint16_t)t->id);
    buf_put_u8(out, t->frozen);
    buf_put_be16(out, t->nsub);
    for (uint16_t i = 0; i < t->nsub; i++)
        cql_type_encode(t->sub[i], out);
    if (t->id == CQL_UDT) {
        put_str(out, t->udt_keyspace ? t->udt_keyspace : "");
        put_str(out, t->udt_name);
        for (uint16_t i = 0; i < t->nsub; i++)
            put_str(out, t->field_names[i]);
    } else if (t->id == CQL_CUSTOM) {
        put_str(out, t->custom_class);
    }
}

static int get_str(struct rbuf *r, struct arena *a, const char **out)
{
    const uint8_t *p;
    size_t n;
    if (rbuf_vbytes(r, TYPE_STR_MAX, &p, &n) < 0 || memchr(p, 0, n)) return ERR_CORRUPT;
    *out = arena_strndup(a, (const char *)p, n);
    return 0;
}

static bool nsub_ok(enum cql_type_id id, uint16_t nsub)
{
    switch (id) {
    case CQL_LIST:
    case CQL_SET:
        return nsub == 1;
    case CQL_MAP:
        return nsub == 2;
    case CQL_TUPLE:
        return nsub >= 1 && nsub <= CQL_TYPE_FIELDS_MAX;
    case CQL_UDT:
        return nsub <= CQL_TYPE_FIELDS_MAX;
    default:
        return nsub == 0;
    }
}

static int decode_rec(struct rbuf *r, struct arena *a, int depth, const struct cql_type **out)
{
    uint16_t id, nsub;
    uint8_t frozen;
    if (depth > CQL_TYPE_DEPTH_MAX) return ERR_CORRUPT;
    if (rbuf_be16(r, &id) < 0 || rbuf_u8(r, &frozen) < 0 || rbuf_be16(r, &nsub) < 0 || frozen > 1)
        return ERR_CORRUPT;
    const struct cql_type *native = cql_type_native((enum cql_type_id)id);
    if (native) {
        if (nsub || frozen) return ERR_CORRUPT;
        *out = native;
        return 0;
    }
    if ((id != CQL_CUSTOM && id != CQL_LIST && id != CQL_MAP && id != CQL_SET && id != CQL_UDT &&
         id != CQL_TUPLE) ||
        !nsub_ok((enum cql_type_id)id, nsub) || rbuf_left(r) < (size_t)nsub * 5)
        return ERR_CORRUPT;
    struct cql_type *t = arena_zalloc(a, sizeof *t);
    t->id = (enum cql_type_id)id;
    t->frozen = frozen || id == CQL_TUPLE;
    t->nsub = nsub;
    const struct cql_type **sub = nsub ? arena_alloc(a, nsub * sizeof *sub) : NULL;
    for (uint16_t i = 0; i < nsub; i++) {
        int rc = decode_rec(r, a, depth + 1, &sub[i]);
        if (rc) return rc;
    }
    t->sub = sub;
    if (id == CQL_UDT) {
        const char **names = arena_alloc(a, (nsub ? nsub : 1) * sizeof *names);
        if (get_str(r, a, &t->udt_keyspace) || get_str(r, a, &t->udt_name) || !t->udt_name[0])
            return ERR_CORRUPT;
        for (uint16_t i = 0; i < nsub; i++)
            if (get_str(r, a, &names[i])) return ERR_CORRUPT;
        t->field_names = names;
    } else if (id == CQL_CUSTOM) {
        if (get_str(r, a, &t->custom_class) || !t->custom_class[0]) return ERR_CORRUPT;
    }
    *out = t;
    return 0;
}

int cql_type_decode(struct rbuf *r, struct arena *a, const struct cql_type **out)
{
    return decode_rec(r, a, 1, out);
}

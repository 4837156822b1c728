/* cqlopt: column types as protocol [option]s. See cqlopt.h. */
#include "node/cqlproto/cqlopt.h"

#include <string.h>

#include "node/base/assert.h"
#include "node/base/err.h"
#include "node/cqlproto/cqlwire.h"

#define MARSHAL "org.apache.cassandra.db.marshal."

/* Native types that older protocol versions know only as custom classes. */
static const struct {
    enum cql_type_id id;
    int since_version; /* first protocol version with the native id */
    const char *cls;
} customs[] = {
    {CQL_DATE, 4, MARSHAL "SimpleDateType"},  {CQL_TIME, 4, MARSHAL "TimeType"},
    {CQL_SMALLINT, 4, MARSHAL "ShortType"},   {CQL_TINYINT, 4, MARSHAL "ByteType"},
    {CQL_DURATION, 5, MARSHAL "DurationType"},
};

/* A native type's shared singleton (storage/types.c), or NULL for other ids. */
static const struct cql_type *native(uint16_t id)
{
    if (id == CQL_CUSTOM || id > CQL_DURATION) return NULL;
    return cql_type_native((enum cql_type_id)id);
}

static const char *custom_class_for(enum cql_type_id id, int version)
{
    for (size_t i = 0; i < sizeof customs / sizeof customs[0]; i++)
        if (customs[i].id == id && version < customs[i].since_version) return customs[i].cls;
    return NULL;
}

static void put_depth(struct buf *b, const struct cql_type *t, int version, int depth)
{
    ASSERT(depth <= CQL_TYPE_DEPTH_MAX);
    const char *cls = custom_class_for(t->id, version);
    if (cls) {
        cqlwire_put_short(b, CQL_CUSTOM);
        cqlwire_put_cstring(b, cls);
        return;
    }
    cqlwire_put_short(b, (uint16_t)t->id);
    switch (t->id) {
    case CQL_CUSTOM:
        cqlwire_put_cstring(b, t->custom_class);
        return;
    case CQL_LIST:
    case CQL_SET:
        ASSERT(t->nsub == 1);
        put_depth(b, t->sub[0], version, depth + 1);
        return;
    case CQL_MAP:
        ASSERT(t->nsub == 2);
        put_depth(b, t->sub[0], version, depth + 1);
        put_depth(b, t->sub[1], version, depth + 1);
        return;
    case CQL_UDT:
        cqlwire_put_cstring(b, t->udt_keyspace);
        cqlwire_put_cstring(b, t->udt_name);
        cqlwire_put_short(b, t->nsub);
        for (uint16_t i = 0; i < t->nsub; i++) {
            cqlwire_put_cstring(b, t->field_names[i]);
            put_depth(b, t->sub[i], version, depth + 1);
        }
        return;
    case CQL_TUPLE:
        cqlwire_put_short(b, t->nsub);
        for (uint16_t i = 0; i < t->nsub; i++) put_depth(b, t->sub[i], version, depth + 1);
        return;
    default:
        ASSERT(native(t->id) != NULL);
        return;
    }
}

void cqlopt_put(struct buf *b, const struct cql_type *t, int version)
{
    put_depth(b, t, version, 0);
}

static int get_depth(struct rbuf *r, struct arena *a, int depth, const struct cql_type **out);

/* Reads n sub-types (and field names for a UDT) into t. */
static int get_subs(struct rbuf *r, struct arena *a, int depth, struct cql_type *t, bool named)
{
    /* Each sub-type needs at least its [short] id; a UDT field also a [short] name length. */
    if (t->nsub > CQL_TYPE_FIELDS_MAX || (size_t)t->nsub * (named ? 4 : 2) > rbuf_left(r))
        return ERR_PROTOCOL;
    const struct cql_type **sub = arena_zalloc(a, (t->nsub ? t->nsub : 1) * sizeof *sub);
    const char **names = named ? arena_zalloc(a, (t->nsub ? t->nsub : 1) * sizeof *names) : NULL;
    for (uint16_t i = 0; i < t->nsub; i++) {
        if (named) {
            struct cqlwire_str s;
            if (cqlwire_get_string(r, &s) < 0) return ERR_PROTOCOL;
            names[i] = cqlwire_str_dup(s, a);
        }
        if (get_depth(r, a, depth + 1, &sub[i]) < 0) return ERR_PROTOCOL;
    }
    t->sub = sub;
    t->field_names = names;
    return 0;
}

static int get_custom(struct rbuf *r, struct arena *a, const struct cql_type **out)
{
    struct cqlwire_str s;
    if (cqlwire_get_string(r, &s) < 0) return ERR_PROTOCOL;
    for (size_t i = 0; i < sizeof customs / sizeof customs[0]; i++) {
        if (cqlwire_str_eq(s, customs[i].cls)) {
            *out = native((uint16_t)customs[i].id);
            return 0;
        }
    }
    struct cql_type *t = arena_zalloc(a, sizeof *t);
    t->id = CQL_CUSTOM;
    t->custom_class = cqlwire_str_dup(s, a);
    *out = t;
    return 0;
}

static int get_depth(struct rbuf *r, struct arena *a, int depth, const struct cql_type **out)
{
    uint16_t id;
    if (depth > CQL_TYPE_DEPTH_MAX || cqlwire_get_short(r, &id) < 0) return ERR_PROTOCOL;
    if (id == CQL_CUSTOM) return get_custom(r, a, out);
    const struct cql_type *n = native(id);
    if (n) {
        *out = n;
        return 0;
    }
    struct cql_type *t = arena_zalloc(a, sizeof *t);
    t->id = (enum cql_type_id)id;
    t->frozen = depth > 0 || id == CQL_TUPLE;
    int rc = ERR_PROTOCOL;
    if (id == CQL_LIST || id == CQL_SET) {
        t->nsub = 1;
        rc = get_subs(r, a, depth, t, false);
    } else if (id == CQL_MAP) {
        t->nsub = 2;
        rc = get_subs(r, a, depth, t, false);
    } else if (id == CQL_UDT) {
        struct cqlwire_str ks, name;
        if (cqlwire_get_string(r, &ks) < 0 || cqlwire_get_string(r, &name) < 0 ||
            cqlwire_get_short(r, &t->nsub) < 0)
            return ERR_PROTOCOL;
        t->udt_keyspace = cqlwire_str_dup(ks, a);
        t->udt_name = cqlwire_str_dup(name, a);
        rc = get_subs(r, a, depth, t, true);
    } else if (id == CQL_TUPLE) {
        if (cqlwire_get_short(r, &t->nsub) < 0) return ERR_PROTOCOL;
        rc = get_subs(r, a, depth, t, false);
    }
    if (rc < 0) return rc;
    *out = t;
    return 0;
}

int cqlopt_get(struct rbuf *r, struct arena *a, const struct cql_type **out)
{
    size_t save = r->pos;
    int rc = get_depth(r, a, 0, out);
    if (rc < 0) r->pos = save;
    return rc;
}

/* cqlevent: EVENT bodies and schema changes. See cqlevent.h. */
#include "node/cqlproto/cqlevent.h"

#include <string.h>

#include "node/base/assert.h"
#include "node/base/err.h"

static const char *const type_names[CQLEVENT_TYPES] = {
    [CQLEVENT_TOPOLOGY_CHANGE] = "TOPOLOGY_CHANGE",
    [CQLEVENT_STATUS_CHANGE] = "STATUS_CHANGE",
    [CQLEVENT_SCHEMA_CHANGE] = "SCHEMA_CHANGE",
};

const char *cqlevent_type_name(enum cqlevent_type t)
{
    ASSERT((unsigned)t < CQLEVENT_TYPES);
    return type_names[t];
}

int cqlevent_type_parse(struct cqlwire_str s, enum cqlevent_type *out)
{
    for (int i = 0; i < CQLEVENT_TYPES; i++) {
        if (cqlwire_str_eq(s, type_names[i])) {
            *out = (enum cqlevent_type)i;
            return 0;
        }
    }
    return ERR_PROTOCOL;
}

static bool is_function(struct cqlwire_str target)
{
    return cqlwire_str_eq(target, "FUNCTION") || cqlwire_str_eq(target, "AGGREGATE");
}

void cqlevent_schema_put(struct buf *b, const struct cqlevent_schema *sc, int version)
{
    bool fn = is_function(sc->target);
    if (fn && version < 4) {
        /* v3 clients know no functions: Cassandra sends a keyspace update instead. */
        cqlwire_put_cstring(b, "UPDATED");
        cqlwire_put_cstring(b, "KEYSPACE");
        cqlwire_put_str(b, sc->keyspace);
        return;
    }
    cqlwire_put_str(b, sc->change);
    cqlwire_put_str(b, sc->target);
    cqlwire_put_str(b, sc->keyspace);
    if (cqlwire_str_eq(sc->target, "KEYSPACE")) return;
    ASSERT(fn || cqlwire_str_eq(sc->target, "TABLE") || cqlwire_str_eq(sc->target, "TYPE"));
    cqlwire_put_str(b, sc->name);
    if (fn) cqlwire_put_string_list(b, sc->args, sc->nargs);
}

static int schema_get(struct rbuf *r, struct arena *a, struct cqlevent_schema *sc)
{
    memset(sc, 0, sizeof *sc);
    if (cqlwire_get_string(r, &sc->change) < 0 || cqlwire_get_string(r, &sc->target) < 0 ||
        cqlwire_get_string(r, &sc->keyspace) < 0)
        return ERR_PROTOCOL;
    if (cqlwire_str_eq(sc->target, "KEYSPACE")) return 0;
    bool fn = is_function(sc->target);
    if (!fn && !cqlwire_str_eq(sc->target, "TABLE") && !cqlwire_str_eq(sc->target, "TYPE"))
        return ERR_PROTOCOL;
    if (cqlwire_get_string(r, &sc->name) < 0) return ERR_PROTOCOL;
    if (fn) return cqlwire_get_string_list(r, a, &sc->args, &sc->nargs);
    return 0;
}

int cqlevent_schema_get(struct rbuf *r, struct arena *a, struct cqlevent_schema *out)
{
    size_t save = r->pos;
    struct cqlevent_schema sc;
    if (schema_get(r, a, &sc) < 0) {
        r->pos = save;
        return ERR_PROTOCOL;
    }
    *out = sc;
    return 0;
}

void cqlevent_put(struct buf *b, const struct cqlevent *ev, int version)
{
    cqlwire_put_cstring(b, cqlevent_type_name(ev->type));
    if (ev->type == CQLEVENT_SCHEMA_CHANGE) {
        cqlevent_schema_put(b, &ev->schema, version);
        return;
    }
    cqlwire_put_str(b, ev->change);
    cqlwire_put_inet(b, &ev->addr);
}

int cqlevent_get(struct rbuf *r, struct arena *a, struct cqlevent *out)
{
    size_t save = r->pos;
    struct cqlevent ev;
    memset(&ev, 0, sizeof ev);
    struct cqlwire_str type;
    int rc = cqlwire_get_string(r, &type);
    if (rc == 0) rc = cqlevent_type_parse(type, &ev.type);
    if (rc == 0 && ev.type == CQLEVENT_SCHEMA_CHANGE)
        rc = cqlevent_schema_get(r, a, &ev.schema);
    else if (rc == 0)
        rc = cqlwire_get_string(r, &ev.change) < 0 || cqlwire_get_inet(r, &ev.addr) < 0
                 ? ERR_PROTOCOL
                 : 0;
    if (rc < 0) {
        r->pos = save;
        return ERR_PROTOCOL;
    }
    *out = ev;
    return 0;
}

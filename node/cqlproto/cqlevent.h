/*
 * cqlevent: EVENT bodies (v4 §4.2.6) and the schema-change description that the SCHEMA_CHANGE
 * event and the Schema_change RESULT (§4.2.5.5) share:
 *   TOPOLOGY_CHANGE  <type string><change string: NEW_NODE|REMOVED_NODE|MOVED_NODE><inet>
 *   STATUS_CHANGE    <type string><change string: UP|DOWN><inet>
 *   SCHEMA_CHANGE    <type string><change: CREATED|UPDATED|DROPPED><target string>
 *                    KEYSPACE: <keyspace>; TABLE, TYPE: <keyspace><name>;
 *                    FUNCTION, AGGREGATE: <keyspace><name><arg types string list>
 * Protocol v3 has no FUNCTION/AGGREGATE targets: those changes go out as "UPDATED KEYSPACE ks",
 * as Cassandra does. Events always travel on stream -1.
 * Pure. Thread rule: none.
 */
#ifndef RINGDB_CQLPROTO_CQLEVENT_H
#define RINGDB_CQLPROTO_CQLEVENT_H

#include <stdint.h>

#include "node/base/arena.h"
#include "node/base/buf.h"
#include "node/cqlproto/cqlwire.h"

#define CQLEVENT_STREAM (-1)

enum cqlevent_type {
    CQLEVENT_TOPOLOGY_CHANGE = 0,
    CQLEVENT_STATUS_CHANGE = 1,
    CQLEVENT_SCHEMA_CHANGE = 2,
};
#define CQLEVENT_TYPES 3

struct cqlevent_schema {
    struct cqlwire_str change;   /* "CREATED", "UPDATED", "DROPPED" */
    struct cqlwire_str target;   /* "KEYSPACE", "TABLE", "TYPE", "FUNCTION", "AGGREGATE" */
    struct cqlwire_str keyspace;
    struct cqlwire_str name;     /* every target but KEYSPACE */
    struct cqlwire_str *args;    /* FUNCTION, AGGREGATE: argument types as CQL type strings */
    uint16_t nargs;
};

struct cqlevent {
    enum cqlevent_type type;
    struct cqlwire_str change; /* TOPOLOGY: NEW_NODE, REMOVED_NODE, MOVED_NODE; STATUS: UP, DOWN */
    struct cqlwire_inet addr;  /* TOPOLOGY, STATUS: the node's native address and port */
    struct cqlevent_schema schema; /* SCHEMA_CHANGE */
};

/* "TOPOLOGY_CHANGE" ... */
const char *cqlevent_type_name(enum cqlevent_type t);
/* Exact (case-sensitive, like Cassandra's Event.Type.valueOf) name to type: 0 or ERR_PROTOCOL. */
int cqlevent_type_parse(struct cqlwire_str s, enum cqlevent_type *out);

void cqlevent_schema_put(struct buf *b, const struct cqlevent_schema *sc, int version);
int cqlevent_schema_get(struct rbuf *r, struct arena *a, struct cqlevent_schema *out);
void cqlevent_put(struct buf *b, const struct cqlevent *ev, int version);
int cqlevent_get(struct rbuf *r, struct arena *a, struct cqlevent *out);

#endif

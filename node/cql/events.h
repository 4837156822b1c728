/*
 * events: pushes EVENT messages (SCHEMA_CHANGE, TOPOLOGY_CHANGE, STATUS_CHANGE) to every client
 * connection that REGISTERed for them, on whichever loop each connection lives. Implemented by
 * the protocol server (server.c); publishers (schema_mgr, later gossip) only see this.
 */
#ifndef RINGDB_CQL_EVENTS_H
#define RINGDB_CQL_EVENTS_H

#include "node/cqlproto/cqlevent.h"

struct cql_events;

/* Any thread. The event is copied; delivery is asynchronous, in publication order per loop. */
void cql_events_publish(struct cql_events *ev, const struct cqlevent *e);

#endif

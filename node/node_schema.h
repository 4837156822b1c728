/*
 * node_schema: the node phase between opening the store and replaying its commit log (node.h):
 * loads this node's identity (node/local.h: host id, tokens, data center and rack) and the
 * schema catalog (node/cql/schema_mgr.h), registering every stored table with the store so
 * replay finds them. A corrupt catalog or identity file stops the start with a message naming
 * the file. Thread rule: main thread only.
 */
#ifndef RINGDB_NODE_NODE_SCHEMA_H
#define RINGDB_NODE_NODE_SCHEMA_H

#include "node/base/err.h"

struct node;

int node_schema_start(struct node *n, struct errmsg *em);
/* After the loop has ended (and before the store closes). Safe when start failed. */
void node_schema_close(struct node *n);

#endif

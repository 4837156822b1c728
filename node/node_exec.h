/*
 * node_exec: the node phase that creates the coordinator (replication/coordinator.h) and the
 * CQL executor (node/cql/exec.h), after the commit log is replayed and before the CQL server
 * starts. The coordinator's ring is this node alone (its tokens from node/local.h) until
 * gossip builds a bigger one. Thread rule: main thread only.
 */
#ifndef RINGDB_NODE_NODE_EXEC_H
#define RINGDB_NODE_NODE_EXEC_H

#include "node/base/err.h"

struct node;

int node_exec_start(struct node *n, struct errmsg *em);
/* After the loop has ended (the CQL server is closed before). Safe when start failed. */
void node_exec_close(struct node *n);

#endif

/*
 * node_store: the node's first phase (see node.h): opens the local store (storage/store.h) with
 * the settings of the config, replays the commit log, and closes it (flushing every memtable)
 * after the event loop has ended. Thread rule: main thread only.
 */
#ifndef RINGDB_NODE_NODE_STORE_H
#define RINGDB_NODE_NODE_STORE_H

#include "node/base/err.h"

struct node;

int node_store_start(struct node *n, struct errmsg *em);
/* Blocking: flushes memtables and syncs the commit log. Safe when start failed or never ran. */
void node_store_close(struct node *n);

#endif

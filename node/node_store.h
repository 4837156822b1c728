/*
 * node_store: the store phases of a node (see node.h). "store" opens the local store
 * (storage/store.h) with the config's settings and, after the event loop has ended, closes it
 * (flushing every memtable, syncing the commit log). "replay" replays the commit log into the
 * tables registered by then: the schema phase (node/cql/schema_mgr.h) registers them between
 * the two, as in Cassandra, where the schema is loaded before the commit log is replayed.
 * "store" also picks the node's file layer (node->vfs): when the RINGDB_FAULTS environment
 * variable holds a fault spec (storage/vfs_fault.h) every file goes through a fault layer
 * configured from it, and one warning line says so; a bad spec stops the start (ERR_CONFIG).
 * Thread rule: main thread only.
 */
#ifndef RINGDB_NODE_NODE_STORE_H
#define RINGDB_NODE_NODE_STORE_H

#include "node/base/err.h"

struct node;

int node_store_open(struct node *n, struct errmsg *em);
int node_store_replay(struct node *n, struct errmsg *em);
/* Blocking: flushes memtables and syncs the commit log. Safe when open failed or never ran. */
void node_store_close(struct node *n);

#endif

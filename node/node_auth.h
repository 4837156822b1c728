/*
 * node_auth: the authentication phase of a node (see node.h), after the store, the schema and
 * the commit-log replay, before the executor and the CQL server:
 *
 *   start  creates the auth manager (node/cql/auth_mgr.h) over the system_auth tables, with
 *          the config's authenticator and authorizer, and queues the default role's setup on
 *          libuv's thread pool: it creates the superuser cassandra/cassandra when no role
 *          exists (one Argon2id hash, ~20-60 ms and 19 MiB, once per data directory), with
 *          either authenticator, as Cassandra's CassandraRoleManager does. It runs while the
 *          rest of the node starts and the CQL port opens, not in front of them; a login or
 *          role statement that arrives first waits for it (auth_mgr_wait_setup). n->auth_mgr
 *          is what the executor uses for role statements and n->auth (NULL for
 *          AllowAllAuthenticator) what the protocol server authenticates with
 *   close  (after the loop ended: no verification, statement or setup is in flight) frees it
 *
 * The schema phase registers the system_auth tables with the store before the replay, so the
 * roles written before a crash are there when this phase reads them. GRANT ... ON a keyspace
 * or table checks that it exists in the schema manager's current catalog.
 * Thread rule: main thread only (the setup job: the pool, then the node's loop, which is the
 * main thread).
 */
#ifndef RINGDB_NODE_NODE_AUTH_H
#define RINGDB_NODE_NODE_AUTH_H

#include "node/base/err.h"

struct node;

int node_auth_start(struct node *n, struct errmsg *em);
void node_auth_close(struct node *n);

#endif

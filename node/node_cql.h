/*
 * node_cql: the node phase of the CQL native protocol server (node/cql/server.h), after the
 * store and the executor: maps the config (rpc_address, native_transport_port,
 * native_transport_max_threads, native_transport_max_frame_size, authenticator) to the server,
 * hands statements to the executor (n->exec), and gives the executor and the schema manager
 * the event publisher (taken back at close, before the server is freed; publishing after the
 * stop is a no-op, and DDL completions that publish are in-flight requests the stop waits for).
 *
 *   start  creates the server: loop 0 is the node's loop, loops 1..N-1 get threads; listens
 *   stop   (on the loop) stops listening, closes connections; in-flight requests still finish
 *   close  (after the loop ended) joins the other loops and frees the server
 *
 * Authentication: AllowAllAuthenticator gives the server no authenticator (READY after
 * STARTUP); PasswordAuthenticator needs node->auth, made by the authenticator's phase.
 *
 * Build: the phase is in node.c's table when the executor exists (RINGDB_HAVE_EXEC, set by
 * CMake when node/cql/exec.c is there) or when RINGDB_CQL_NO_EXEC is on: that option is for
 * protocol tests before the executor lands, and then every statement is refused with a
 * Server error that says so (no statement is ever executed by a stand-in).
 * Thread rule: start/stop on the node's loop thread, close after it ended.
 */
#ifndef RINGDB_NODE_NODE_CQL_H
#define RINGDB_NODE_NODE_CQL_H

#include "node/base/err.h"

struct node;

int node_cql_start(struct node *n, struct errmsg *em);
void node_cql_stop(struct node *n);
void node_cql_close(struct node *n);

#endif

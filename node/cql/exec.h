/*
 * exec: the CQL executor's façade, between the protocol server (node/cql/server*.c, which owns
 * connections and frames) and everything that runs a statement: parser, prepared cache, binder,
 * schema (DDL), system tables, DESCRIBE, auth statements, and the coordinator in replication/.
 *
 * The server decodes a QUERY / PREPARE / EXECUTE / BATCH frame (node/cqlproto/cqlreq.h) into a
 * struct cql_request and calls exec_submit() on the connection's loop thread. The executor
 * answers exactly once through done_cb, on the same loop thread (possibly before exec_submit
 * returns): on success `body` holds the RESULT message body (kind int + payload, v4 §4.2.5) and
 * the server frames it; on failure `err`/`em` describe the ERROR (code from em.code via
 * err_cql_code, plus the extra fields in err for Unavailable/timeouts/AlreadyExists/Unprepared).
 *
 * Threads: statement work that blocks (SSTable reads, durability waits, schema writes with
 * fsync, password hashing) runs on libuv's thread pool or the store's threads; completions come
 * back with evloop_post (node/net/evloop.h). The executor never blocks the loop.
 *
 * Mirrors Cassandra's QueryProcessor + QueryHandler + the cql3.statements package.
 */
#ifndef RINGDB_CQL_EXEC_H
#define RINGDB_CQL_EXEC_H

#include <stdbool.h>
#include <stdint.h>

#include "node/base/arena.h"
#include "node/base/buf.h"
#include "node/base/err.h"
#include "node/cql/session.h"
#include "node/cqlproto/cqlerr.h"
#include "node/cqlproto/cqlreq.h"
#include "node/net/evloop.h"

struct exec;
struct cql_request;

typedef void (*cql_request_done_cb)(struct cql_request *r, int status);

#define CQL_WARNINGS_MAX 8

struct cql_request {
    /* Set by the server before exec_submit. */
    struct evloop *loop;          /* the connection's loop: done_cb runs on it */
    struct cql_session *session;  /* borrowed; loop thread only */
    const struct cqlreq *req;     /* decoded QUERY/PREPARE/EXECUTE/BATCH; valid until done */
    struct arena *arena;          /* per-request arena, freed by the server after done */
    cql_request_done_cb done_cb;
    void *user;                   /* the server's */
    /* Filled by the executor. */
    struct buf body;              /* RESULT body on success (initialised by the server) */
    struct cqlerr err;            /* extra error fields (message comes from em) */
    struct errmsg em;
    uint32_t nwarnings;           /* sent with frame flag 0x08 */
    const char *warnings[CQL_WARNINGS_MAX];
};

struct config;
struct store;
struct schema_mgr;
struct local_node;
struct coordinator;
struct auth;
struct auth_mgr;
struct cql_events;

/* Everything the executor needs from the node; borrowed, all outlive the executor. */
struct exec_env {
    const struct config *cfg;
    struct store *store;
    struct schema_mgr *schema;   /* node/cql/schema_mgr.h */
    struct local_node *local;    /* node/local.h */
    struct coordinator *coord;   /* replication/coordinator.h */
    struct auth *auth;           /* node/cql/auth.h; NULL = AllowAllAuthenticator */
    struct auth_mgr *auth_mgr;   /* node/cql/auth_mgr.h: role and permission statements go to
                                    auth_stmt_execute (node/cql/auth_stmt.h); NULL when the
                                    node has no auth phase */
    struct cql_events *events;   /* node/cql/events.h; may be set later (exec_set_events) */
};

int exec_create(const struct exec_env *env, struct exec **out, struct errmsg *em);
void exec_destroy(struct exec *x);
void exec_set_events(struct exec *x, struct cql_events *ev);

/* Runs r (kind given by r->req->opcode). done_cb is called exactly once, on r->loop. */
void exec_submit(struct exec *x, struct cql_request *r);

#endif

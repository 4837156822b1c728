/*
 * node: the lifecycle of one ringdb process (Cassandra's CassandraDaemon + the start-up half of
 * StorageService): open the store and replay the commit log, start the services that live on
 * the event loop, run until told to stop, then stop everything in reverse order.
 *
 * Shape: a node is a libuv loop plus an ordered table of phases (node.c). Each phase has
 *   start(node)       runs in order before the loop runs; may add handles to node->loop;
 *   stop(node)        runs on the loop thread when a stop is requested, in reverse order; it
 *                     closes the phase's handles so the loop can end (asynchronous, no waiting);
 *   close(node)       runs after the loop has ended, in reverse order; may block (flushing
 *                     memtables, fsync).
 * The phases: "store" (open), the schema (registers the tables), "replay" (commit log), then
 * the CQL server, gossip and the admin API; they stop in reverse, so the store closes last.
 *
 * States: STARTING -> NORMAL -> STOPPING -> STOPPED, one log line each ("node started" is the
 * ready line deploy/launch.sh waits for). A failed start stops the phases already started and
 * ends in STOPPED.
 *
 * Thread rule: every function runs on the loop's thread (the main thread). SIGTERM and SIGINT
 * arrive as uv_signal callbacks on that thread; a second signal while stopping is ignored.
 */
#ifndef RINGDB_NODE_NODE_H
#define RINGDB_NODE_NODE_H

#include <stdint.h>
#include <uv.h>

#include "node/base/err.h"
#include "node/config.h"
#include "storage/store.h"

enum node_state {
    NODE_STARTING = 0,
    NODE_NORMAL = 1,
    NODE_STOPPING = 2,
    NODE_STOPPED = 3,
};

struct exec;
struct auth;
struct coordinator;
struct cql_server;
struct local_node;
struct schema_mgr;
struct auth_mgr;
struct vfs;
struct vfs_fault;

/* Embedded by its owner (main.c); fields are read by the phases. */
struct node {
    uv_loop_t loop;
    const struct config *cfg; /* borrowed: outlives the node */
    const char *config_path;  /* for the start-up log line */
    struct store *store;      /* set by the store phase */
    struct vfs *vfs;          /* set by the store phase: the file layer every phase uses (the
                                 fault layer from RINGDB_FAULTS, else the real file system) */
    struct vfs_fault *faults; /* set by the store phase when RINGDB_FAULTS is set; else NULL */
    struct local_node *local; /* set by the schema phase (node/local.h) */
    struct schema_mgr *schema; /* set by the schema phase (node/cql/schema_mgr.h) */
    struct auth_mgr *auth_mgr; /* set by the auth phase (node_auth.h): roles, role statements */
    struct coordinator *coord; /* set by the executor's phase (replication/coordinator.h) */
    struct exec *exec;        /* set by the executor's phase (node/cql/exec.h) */
    struct auth *auth;        /* set by the auth phase (node_auth.h): the authenticator the
                                 server uses; NULL for AllowAllAuthenticator */
    struct cql_server *cql;   /* set by the cql phase (node_cql.h) */
    enum node_state state;
    int64_t created_ns; /* clock_mono_ns at node_init: start-up time is measured from it */
    int64_t stop_ns;    /* when the stop was requested */
    uv_signal_t sig_term;
    uv_signal_t sig_int;
    int signals_open;      /* how many of sig_term, sig_int are initialised */
    size_t phases_started; /* phases[0, phases_started) have started */
    int exit_code;         /* what node_run returns: 0 after a clean stop */
};

/* Initialises the loop. cfg must have passed config_finish. */
int node_init(struct node *n, const struct config *cfg, const char *config_path, struct errmsg *em);
/* Installs the signal handlers and runs every phase's start. On failure the started phases are
   stopped and closed again and the node is STOPPED. */
int node_start(struct node *n, struct errmsg *em);
/* Runs the loop until a stop completes; then closes the phases. Returns n->exit_code. */
int node_run(struct node *n);
/* Begins an orderly stop (idempotent): the phases' stop hooks run, the loop winds down and
   node_run returns. reason is logged ("SIGTERM"). */
void node_request_stop(struct node *n, const char *reason);
/* Closes the loop. Call after node_run (or after a failed node_start). Accepts NULL. */
void node_deinit(struct node *n);

const char *node_state_name(enum node_state s);

#endif

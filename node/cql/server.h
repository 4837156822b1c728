/*
 * server: the CQL native protocol server (Cassandra's transport.Server + its Netty pipeline):
 * N event loops, one acceptor, connections that decode frames (node/cqlproto), run the
 * handshake (OPTIONS/STARTUP/AUTHENTICATE/REGISTER) themselves and hand QUERY, PREPARE,
 * EXECUTE and BATCH to the executor through a submit function, answering out of order by
 * stream id. Also the publisher of client events (node/cql/events.h).
 *
 * Threads: loop 0 is either the caller's loop (the daemon's main loop, attached) or a loop of
 * the server's own; loops 1..n-1 each run on their own thread (node/net/evloop.h). Each
 * connection lives on one loop for its whole life and is touched only by that loop's thread.
 * The executor is called on that thread and must answer on it (struct cql_request.loop).
 *
 * Accepting: one listening socket on loop 0 accepts and hands the fds round robin to the loops
 * (a task posted to the loop, which opens a uv_tcp_t on the fd). Why not SO_REUSEPORT
 * listeners per loop: the kernel hashes connections over the listeners, so 50 connections on 2
 * loops are often split 30/20, and a second daemon started by the same user on the same port
 * would silently share it instead of failing with "address in use". Measured in
 * docs/architecture.md ("Protocol server"); mode CQL_SERVER_ACCEPT_REUSEPORT stays for that
 * comparison.
 *
 * Limits (all per connection unless noted; see struct cql_server_config): connections per
 * server, frame body size, requests in flight and their bytes, queued output bytes, queued
 * events. Hitting the
 * in-flight or output limit stops reading from that socket (backpressure) until it drains.
 *
 * Lifecycle: create (listens; loops run) -> stop (any thread; asynchronous: stops accepting,
 * closes every connection, waits for in-flight requests, then closes each loop's handles) ->
 * destroy (blocking: joins the loop threads; for an attached loop 0, after that loop has ended).
 */
#ifndef RINGDB_CQL_SERVER_H
#define RINGDB_CQL_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "node/base/err.h"
#include "node/cql/auth.h"
#include "node/cql/events.h"
#include "node/cql/exec.h"

/* What the server offers in SUPPORTED and accepts in STARTUP. */
#define CQL_SERVER_CQL_VERSION "3.4.6"
#define CQL_SERVER_CQL_VERSION_MIN "3.0.0"

#define CQL_SERVER_LOOPS_MAX EVLOOP_MAX
#define CQL_SERVER_CONNECTIONS_DEFAULT 2048u
#define CQL_SERVER_INFLIGHT_DEFAULT 1024u           /* requests per connection */
#define CQL_SERVER_INFLIGHT_BYTES_DEFAULT (64u << 20) /* their frames, per connection */
#define CQL_SERVER_OUT_BYTES_DEFAULT (4u << 20)     /* queued output per connection */
#define CQL_SERVER_EVENTS_DEFAULT 256u              /* events queued per connection */
#define CQL_SERVER_AUTH_FAIL_DELAY_MS_DEFAULT 200u  /* before ERROR 0x0100 */
#define CQL_SERVER_CLOSE_LINGER_MS 5000u            /* max wait to flush a final error */

enum cql_server_accept {
    CQL_SERVER_ACCEPT_ONE = 0,      /* one listener on loop 0, fds handed round robin */
    CQL_SERVER_ACCEPT_REUSEPORT = 1 /* a SO_REUSEPORT listener per loop */
};

/* Runs r on the executor (exec_submit in the daemon, a fake in tests): r->done_cb exactly
   once, on r->loop's thread. */
typedef void (*cql_server_submit_fn)(void *ctx, struct cql_request *r);

struct cql_server_config {
    const char *address;      /* rpc_address: an IP or a host name (resolved at create) */
    uint16_t port;            /* 0: an ephemeral port (see cql_server_port) */
    uint32_t loops;           /* 1 .. CQL_SERVER_LOOPS_MAX */
    enum cql_server_accept accept;
    uint32_t connections_max; /* for the whole server */
    uint32_t frame_body_max;  /* native_transport_max_frame_size */
    uint32_t inflight_max;    /* per connection; more stops reading */
    size_t inflight_bytes_max; /* frame bytes of those requests; more stops reading */
    size_t out_bytes_max;     /* queued output per connection; more stops reading */
    uint32_t events_max;      /* queued EVENT frames per connection; more are dropped */
    uint32_t auth_fail_delay_ms;
    struct auth *auth;        /* borrowed; NULL = AllowAllAuthenticator */
    cql_server_submit_fn submit;
    void *submit_ctx;
};

struct cql_server;

/* Fills c with the defaults above (address 127.0.0.1, port 9042, loops = cores). */
void cql_server_config_default(struct cql_server_config *c);

/*
 * Creates the loops, listens, and starts the loop threads. main_loop non-NULL: loop 0 is
 * attached to it (the caller runs it; call from its thread); NULL: loop 0 gets a thread too.
 * Logs "cql server listening address=... port=... loops=N". Errors (address in use, cannot
 * resolve) are returned with em filled; nothing is left running then.
 */
int cql_server_create(const struct cql_server_config *c, uv_loop_t *main_loop,
                      struct cql_server **out, struct errmsg *em);
/* Begins the orderly stop (idempotent, any thread). Events published afterwards are dropped. */
void cql_server_stop(struct cql_server *s);
/* True once every loop has finished its part of the stop. Any thread. */
bool cql_server_is_stopped(const struct cql_server *s);
/* Stops if needed, waits for the loop threads and frees everything. For an attached loop 0,
   its loop must have ended first (node_run returned). Accepts NULL. */
void cql_server_destroy(struct cql_server *s);

/* The port actually listened on. */
uint16_t cql_server_port(const struct cql_server *s);
uint32_t cql_server_loops(const struct cql_server *s);
/* Open connections now (all loops). Any thread. */
uint32_t cql_server_connections(const struct cql_server *s);
/* The publisher handed to the schema manager and gossip; valid until destroy. */
struct cql_events *cql_server_events(struct cql_server *s);

#endif

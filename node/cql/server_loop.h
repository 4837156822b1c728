/*
 * server_loop: the server's state and one event loop's share of it: its listening socket (all
 * of them in REUSEPORT mode, loop 0 only otherwise), its connections, the per-iteration flush of
 * connection output, and its part of the orderly stop. Private to node/cql/server*.c, conn*.c
 * and events.c.
 *
 * Accepting: a raw non-blocking listening socket watched by a uv_poll_t, so accepted fds can
 * be handed to any loop (uv_tcp_open there); loop 0 picks loops round robin.
 *
 * Flushing: responses are appended to a connection's output and the connection is put on the
 * loop's dirty list; a uv_check handle (it runs right after the loop's I/O callbacks) writes
 * every dirty connection once per iteration, so pipelined requests and a burst of completions
 * go out in one write, as Redis's beforeSleep does.
 *
 * Stop, per loop (the stop task): stop accepting, close every connection; once the listener is
 * closed and the last connection is freed (that waits for its in-flight requests), close the
 * check handle and the loop's wake handle (evloop_close) so the loop can end.
 *
 * Thread rule: a struct server_loop and everything reachable from it belongs to its loop
 * thread; struct cql_server fields are immutable after create except those marked atomic or
 * guarded by mu.
 */
#ifndef RINGDB_CQL_SERVER_LOOP_H
#define RINGDB_CQL_SERVER_LOOP_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <uv.h>

#include "node/cql/events.h"
#include "node/cql/server.h"
#include "node/net/evloop.h"

struct cql_conn;
struct conn_req;

/* Accepts taken per poll callback before yielding to the loop's other work. */
#define SERVER_LOOP_ACCEPTS_PER_WAKE 64

struct server_loop {
    struct evloop ev;
    struct cql_server *srv;
    int listen_fd;          /* -1 when this loop does not listen */
    uv_poll_t listen_poll;
    bool listen_open;       /* listen_poll initialised and not yet closed */
    uv_check_t flush_check;
    uv_idle_t flush_idle;    /* started while dirty: the next poll must not block */
    bool check_open;         /* flush_check and flush_idle initialised, not closed */
    bool inited;
    struct cql_conn *conns;  /* all connections of this loop (conn->next/prev) */
    uint32_t nconns;
    struct cql_conn *dirty;  /* connections with output to write (conn->dirty_next/prev) */
    uint32_t next_loop;      /* round robin for handed-off fds (loop 0) */
    struct evloop_task stop_task;
    bool started;            /* its thread runs (or it is the attached loop) */
    bool stopping;
    atomic_bool done;        /* its part of the stop is over */
    uint64_t events_dropped;
    struct conn_req *req_cache; /* answered requests kept for reuse (node/cql/conn_msg.c) */
    uint32_t nreq_cache;
};

struct cql_events {
    struct cql_server *srv;
};

struct cql_server {
    struct cql_server_config cfg;
    struct cql_events events;
    struct server_loop *loops;
    uint32_t nloops;
    bool attached; /* loop 0 runs on the caller's uv loop */
    struct sockaddr_storage addr;
    socklen_t addr_len;
    char addr_text[64];
    uint16_t port;
    atomic_uint nconns;
    pthread_mutex_t mu; /* guards stopping against posts to loops (events, handed-off fds) */
    bool stopping;
};

/* Sets up loop i (its evloop, check handle and, if listen_fd >= 0, its listener) without
   running it. main_loop non-NULL: attach loop 0 to it. */
int server_loop_init(struct cql_server *s, uint32_t i, uv_loop_t *main_loop, int listen_fd,
                     struct errmsg *em);
/* Starts the thread of an owned loop (no-op for an attached one). */
int server_loop_start(struct server_loop *l);
/* Posts the stop task (the caller holds s->mu and has set s->stopping). */
void server_loop_post_stop(struct server_loop *l);
/* Undoes server_loop_init of an attached loop that never ran (a failed create). */
void server_loop_abort_attached(struct server_loop *l);
/* Joins the thread (if any) and releases the loop. The loop must be done or never started. */
void server_loop_deinit(struct server_loop *l);

/* Connection bookkeeping, loop thread only. */
void server_loop_add_conn(struct server_loop *l, struct cql_conn *c);
void server_loop_remove_conn(struct server_loop *l, struct cql_conn *c);
/* After a connection of l was freed: finishes l's stop once nothing is left. */
void server_loop_conn_gone(struct server_loop *l);
void server_loop_mark_dirty(struct server_loop *l, struct cql_conn *c);
void server_loop_unmark_dirty(struct server_loop *l, struct cql_conn *c);

/* A listening socket for addr (SO_REUSEADDR, and SO_REUSEPORT if asked), non-blocking. */
int server_loop_listen_socket(const struct sockaddr *addr, socklen_t len, bool reuseport,
                              int *fd_out, struct errmsg *em);

#endif

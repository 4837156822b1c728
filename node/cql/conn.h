/*
 * conn: one client connection of the CQL server: socket reads into the streaming frame decoder,
 * the frame loop, the output queue and its writes, the limits, and closing.
 *
 * Frame loop: every complete frame is handed to conn_msg_dispatch (conn_msg.c) in arrival
 * order; requests then run concurrently and answer out of order by stream id. The loop pauses
 * (and reading stops, so the kernel's buffers push back on the client) while
 *   - inflight >= inflight_max (requests handed to the executor and not yet answered), or
 *     their frames hold inflight_bytes_max bytes or more,
 *   - queued output >= out_bytes_max (a slow reader),
 *   - an authentication check or its failure delay is pending (the handshake is serial),
 *   - the connection is closing;
 * it resumes when the condition clears, first with the frames already buffered.
 *
 * Faults: an unsupported protocol version is answered with ERROR 0x000A in a v4 header on the
 * frame's stream; any malformed or oversized frame (or body) with ERROR 0x000A on its stream;
 * then the connection closes once that answer is written (at most CQL_SERVER_CLOSE_LINGER_MS).
 *
 * Lifetime: freed when its handles are closed and no request or auth check is in flight (their
 * completions hold it). Output of a closing connection is dropped.
 * Thread rule: everything on the connection's loop thread.
 */
#ifndef RINGDB_CQL_CONN_H
#define RINGDB_CQL_CONN_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "node/base/arena.h"
#include "node/base/buf.h"
#include "node/cql/auth.h"
#include "node/cql/session.h"
#include "node/cqlproto/cqlframe.h"
#include "node/cqlproto/cqlresp.h"

struct server_loop;

enum conn_state {
    CONN_NEW = 0,        /* before STARTUP: OPTIONS and STARTUP only */
    CONN_AUTHENTICATING, /* AUTHENTICATE sent: AUTH_RESPONSE (and OPTIONS) only */
    CONN_READY,          /* READY or AUTH_SUCCESS sent */
};

struct cql_conn {
    uv_tcp_t tcp;
    uv_timer_t timer; /* auth failure delay, close linger */
    struct server_loop *loop;
    struct cql_conn *prev, *next;             /* the loop's connections */
    struct cql_conn *dirty_prev, *dirty_next; /* the loop's dirty list */
    bool dirty;
    struct cqlframe_decoder dec;
    struct arena scratch; /* handshake messages; reset after each */
    struct cql_session session;
    enum conn_state state;
    bool lz4;
    bool throw_on_overload; /* STARTUP THROW_ON_OVERLOAD=true: Overloaded instead of waiting */
    uint8_t event_mask;     /* 1 << enum cqlevent_type, from REGISTER */
    uint32_t inflight;      /* requests + auth checks not yet answered */
    size_t inflight_bytes;  /* frame bytes of the requests in flight */
    struct buf out;         /* queued frames, not yet handed to the socket */
    struct buf wbuf;        /* bytes owned by wreq while writing */
    uv_write_t wreq;
    bool writing;
    uint32_t events_queued; /* EVENT frames in out/wbuf */
    bool reading;
    bool processing;        /* inside the frame loop (no re-entry) */
    bool closing;           /* uv_close called */
    bool close_after_flush; /* a fatal error was answered: close once it is written */
    bool auth_pending;      /* auth check or failure delay running */
    int handles_open;       /* tcp, timer */
    struct auth_check *check;
    int16_t auth_stream;
    uint8_t auth_version;
    char peer[64];
};

/* Takes ownership of fd (an accepted socket): closes it on failure. */
int conn_open(struct server_loop *l, int fd);
/* Closes now (idempotent); queued output is dropped. why is logged at debug. */
void conn_close(struct cql_conn *c, const char *why);
/* Queues an ERROR 0x000A on stream and closes once it is written. */
void conn_fail(struct cql_conn *c, uint8_t version, int16_t stream, const char *msg);
/* Marks the connection dirty: its output goes out at the end of this loop iteration. */
void conn_output_added(struct cql_conn *c);
/* Queues a response (compressed when negotiated and compress is set). */
void conn_send_resp(struct cql_conn *c, const struct cqlresp *r, bool compress);
/* Queues an ERROR built from em (compressed when negotiated). */
void conn_send_error(struct cql_conn *c, uint8_t version, int16_t stream,
                     const struct cqlerr *e);
/* Writes as much queued output as the socket takes (the loop's flush step). */
void conn_flush(struct cql_conn *c);
/* Continues the frame loop after a pause condition may have cleared. */
void conn_resume(struct cql_conn *c);
/* Queued output: bytes not yet accepted by the socket. */
size_t conn_out_bytes(const struct cql_conn *c);
/* A request or auth check finished: drops the hold; may free c (then returns true). */
bool conn_release(struct cql_conn *c);

#endif

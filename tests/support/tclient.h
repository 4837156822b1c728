/*
 * tclient: a blocking CQL test client over a real socket (127.0.0.1), built on node/cqlproto,
 * with a deadline on every wait; used by tests/unit/server and tests/progs/cql_badframes.
 * Frames it receives are decoded into an arena that is reset by the next receive, so a response
 * is valid until then. Thread rule: one client per thread.
 */
#ifndef RINGDB_TESTS_SUPPORT_TCLIENT_H
#define RINGDB_TESTS_SUPPORT_TCLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "node/base/arena.h"
#include "node/cqlproto/cqlframe.h"
#include "node/cqlproto/cqlreq.h"
#include "node/cqlproto/cqlresp.h"

#define TCLIENT_TIMEOUT_MS 5000

struct tclient {
    int fd;
    struct cqlframe_decoder dec;
    struct arena arena;
    uint8_t version;
    bool lz4;
    struct cqlframe_header last; /* header of the last frame received */
};

/* 0, or -errno. */
int tclient_connect(struct tclient *t, uint16_t port);
void tclient_close(struct tclient *t);
/* Sends n bytes (blocking, with the default deadline): 0 or -1. */
int tclient_send_raw(struct tclient *t, const void *p, size_t n);
/* Non-blocking: bytes sent now (maybe 0), or -1 on error. */
long tclient_send_some(struct tclient *t, const void *p, size_t n);
/* Encodes req (version and stream as given) and sends it, lz4 when t->lz4. */
int tclient_send(struct tclient *t, const struct cqlreq *req);
/* The next response: 1 (decoded in *out, header in t->last), 0 at EOF, -1 on timeout or a
   frame that does not decode. */
int tclient_recv(struct tclient *t, struct cqlresp *out, int timeout_ms);
/* True when the server closes the connection within timeout_ms (frames before are dropped). */
bool tclient_wait_closed(struct tclient *t, int timeout_ms);

/* Frame helpers for requests. */
int tclient_options(struct tclient *t, int16_t stream);
int tclient_startup(struct tclient *t, int16_t stream, const char *cql_version,
                    const char *compression);
int tclient_query(struct tclient *t, int16_t stream, const char *query);
int tclient_register(struct tclient *t, int16_t stream, const char *const *events, int n);
/* STARTUP (lz4 or not) and READY; sets t->lz4. 0 or -1. */
int tclient_handshake(struct tclient *t, uint8_t version, bool lz4);
/* The text of cell (0,0) of a Rows result as a C string in the arena, or NULL. */
const char *tclient_cell0(struct tclient *t, const struct cqlresp *r);
/* Milliseconds on the monotonic clock. */
int64_t tclient_now_ms(void);

#endif

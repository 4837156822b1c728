/*
 * conn_msg: what a connection does with each complete frame (Cassandra's ServerConnection
 * state checks + the Message.Request handlers of the handshake):
 *
 *   state           accepts                      answers
 *   NEW             OPTIONS                      SUPPORTED (CQL_VERSION, COMPRESSION,
 *                                                PROTOCOL_VERSIONS)
 *                   STARTUP                      READY, or AUTHENTICATE <class> when auth is
 *                                                on; lz4 is on from the next frame both ways
 *   AUTHENTICATING  AUTH_RESPONSE (SASL PLAIN)   AUTH_SUCCESS, or ERROR 0x0100 after a delay
 *                   OPTIONS                      SUPPORTED
 *   READY           OPTIONS                      SUPPORTED (drivers' heartbeat)
 *                   REGISTER                     READY; the connection gets those events
 *                   QUERY PREPARE EXECUTE BATCH  handed to the executor; RESULT or ERROR when
 *                                                it answers, on the request's stream
 * Any other message in a state is answered with a Protocol error in Cassandra's words and the
 * connection goes on; a body that does not decode is a Protocol error that closes it.
 *
 * Thread rule: the connection's loop thread.
 */
#ifndef RINGDB_CQL_CONN_MSG_H
#define RINGDB_CQL_CONN_MSG_H

#include "node/cql/conn.h"
#include "node/cqlproto/cqlframe.h"

/* Handles one frame from the decoder (its body is valid only during the call). */
void conn_msg_dispatch(struct cql_conn *c, const struct cqlframe *f);
/* Frees the loop's cache of answered requests (server_loop_deinit, after the loop ended). */
void conn_msg_free_cache(struct server_loop *l);

#endif

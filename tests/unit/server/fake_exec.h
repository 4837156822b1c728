/*
 * fake_exec: a test executor for the protocol server (the real one lives in node/cql/exec*.c).
 * It reads the QUERY text:
 *   "void"       RESULT Void at once           "rows"     Rows, one text cell "hello"
 *   "echo X"     Rows with the cell "echo X"   "error"    ERROR Invalid "fake error"
 *   "warn"       Void with one warning          "big N"    Rows, one cell of N bytes
 *   "sleep N"    Rows with the cell "sleep N", answered after N ms from another thread
 *   "hold..."    Void, answered when fake_exec_release() is called (from another thread)
 * PREPARE answers a Prepared with id "fakeid"; EXECUTE and BATCH answer Void.
 * Thread rule: submit runs on the server's loops; the worker thread posts completions back.
 */
#ifndef RINGDB_TESTS_SERVER_FAKE_EXEC_H
#define RINGDB_TESTS_SERVER_FAKE_EXEC_H

#include <stdatomic.h>

#include "node/cql/exec.h"
#include "node/cql/server.h"

extern atomic_uint fake_exec_submitted;
extern atomic_uint fake_exec_done;

/* Starts the worker thread. */
void fake_exec_start(void);
/* Answers every held request (from the worker thread). */
void fake_exec_release(void);
/* Stops the worker once nothing is pending. */
void fake_exec_stop(void);
void fake_exec_submit(void *ctx, struct cql_request *r);

/* A server on 127.0.0.1, an ephemeral port and 2 loops, with the fake executor; tweak(c) may
   change the config first (NULL: none). Asserts it started. */
struct cql_server *fake_server_start(void (*tweak)(struct cql_server_config *c));
/* Stops and destroys the server, then the fake executor; asserts no connection is left. */
void fake_server_stop(struct cql_server *s);

#endif

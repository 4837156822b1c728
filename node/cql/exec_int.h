/*
 * exec_int: the executor object as the statement files (stmt, select, dml, batch) see it.
 * Not for use outside node/cql/exec*.c and the statement files.
 */
#ifndef RINGDB_CQL_EXEC_INT_H
#define RINGDB_CQL_EXEC_INT_H

#include <stdatomic.h>
#include <stdint.h>

#include "node/cql/exec.h"

struct prepared_cache;

struct exec {
    struct exec_env env;
    struct prepared_cache *prepared;
    _Atomic(struct cql_events *) events;
    _Atomic int64_t last_ts_us; /* the last server-side write timestamp handed out */
};

struct catalog;
struct prepared;
struct stmt;
struct stmt_run;
struct ast_stmt;

/* One request being executed (in its arena); loop thread only. */
struct exec_req {
    struct exec *x;
    struct cql_request *r;
    struct catalog *catalog; /* the current catalog, referenced until done */
    struct stmt *owned;      /* analysed for this request only (released at the end) */
    uint32_t nrefs;          /* prepared entries referenced */
    struct prepared **refs;
    struct stmt_run *run;
};

/* Finishes the request: drops what it holds and calls r->done_cb. */
void exec_finish(struct exec_req *q, int status);
/* The request's options as a run (consistency, paging, timestamps, values). */
int exec_run_init(struct exec_req *q, const struct stmt *st, const struct cqlreq_params *params,
                  struct stmt_run **out);
/* Runs an analysed statement for q. */
void exec_run(struct exec_req *q, struct stmt_run *run);
/* QUERY / EXECUTE of a statement that is not prepared (USE, DDL, DESCRIBE ...). */
void exec_other(struct exec_req *q, const struct ast_stmt *ast);
/* PREPARE, EXECUTE and BATCH messages (exec_prepared.c). */
void exec_prepare_msg(struct exec_req *q);
void exec_execute_msg(struct exec_req *q);
void exec_batch_msg(struct exec_req *q);

/* A write timestamp in microseconds from the node's clock, strictly increasing across calls
   (Cassandra's ClientState.getTimestamp). Any thread. */
int64_t exec_timestamp_us(struct exec *x);

#endif

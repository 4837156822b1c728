/*
 * stmt: an analysed statement (Cassandra's CQLStatement as prepared) and one execution of it.
 *
 * stmt_prepare checks a parsed statement against a catalog snapshot (tables, columns, types,
 * restrictions) and records what PREPARED answers: the bind variables (names and types as
 * Cassandra gives them), pk_indexes and the result metadata. The same analysis serves a QUERY
 * (prepared in the request's arena, then executed once) and the prepared cache (its own
 * arena, executed many times). A stmt references its table schema (released by
 * stmt_release), never the catalog: the executor checks on each use that the catalog still
 * has the same table object.
 *
 * stmt_run is one execution: the request, its options (consistency, paging, timestamps) and
 * the bound values; stmt_execute answers through run->done exactly once on the request's
 * loop, the RESULT body written to run->r->body or the error to run->r->em / run->r->err.
 *
 * Thread rule: a prepared stmt is immutable and shared by every loop; a run belongs to one
 * request on one loop (its blocking parts run on the thread pool through the coordinator).
 */
#ifndef RINGDB_CQL_STMT_H
#define RINGDB_CQL_STMT_H

#include <stdbool.h>
#include <stdint.h>

#include "node/base/arena.h"
#include "node/base/err.h"
#include "node/cql/ast.h"
#include "node/cql/bind.h"
#include "node/cql/catalog.h"
#include "node/cql/exec_int.h"
#include "node/cqlproto/cqlrows.h"
#include "replication/coordinator.h"

struct vtable;
struct select_plan;
struct dml_plan;

struct stmt {
    enum ast_stmt_kind kind;
    const struct ast_stmt *ast;
    const char *keyspace;       /* the keyspace of the statement's table */
    struct table_schema *table; /* referenced; NULL for a batch */
    const struct vtable *vt;    /* a virtual table (SELECT only) */
    uint32_t nmarkers;
    struct bind_recv *markers; /* receivers of the bind markers, in marker order */
    uint32_t npk;              /* pk_indexes: 0 unless every pk column is a marker */
    uint16_t *pk_indexes;
    const struct cqlrows_meta *result; /* SELECT (or a conditional statement): columns */
    struct select_plan *select;
    struct dml_plan *dml;
    uint32_t nchildren; /* BATCH */
    struct stmt **children;
    uint8_t batch_type;              /* BATCH: enum ast_batch_type */
    const struct ast_term *batch_ts; /* BATCH ... USING TIMESTAMP */
    struct bind_recv batch_ts_recv;
};

/*
 * Analyses ast (SELECT, INSERT, UPDATE, DELETE or BATCH) against catalog c. keyspace is the
 * session's ("" or NULL when none). Everything is allocated in a.
 */
int stmt_prepare(const struct catalog *c, const char *keyspace, const struct ast_stmt *ast,
                 struct arena *a, struct stmt **out, struct errmsg *em);
/* Drops the table references (the arena is the caller's). Accepts NULL. */
void stmt_release(struct stmt *s);
/* True while catalog c still has the table objects s was analysed with. */
bool stmt_is_current(const struct stmt *s, const struct catalog *c);

/* Shared by the statement kinds: the keyspace and table a name designates. */
int stmt_resolve_table(const struct catalog *c, const char *session_ks, const struct ast_qname *q,
                       const char **ks, struct table_schema **table, const struct vtable **vt,
                       struct errmsg *em);
/* The prepare-mode bind environment of a statement analysis. */
void stmt_prepare_env(struct bind_env *env, struct arena *a, const struct catalog *c,
                      const char *keyspace, struct bind_recv *specs, uint32_t nspecs);

struct stmt_run;
typedef void (*stmt_run_done_cb)(struct stmt_run *run, int status);

struct stmt_run {
    struct exec *x;
    struct cql_request *r;
    struct catalog *catalog; /* referenced by the caller for the whole run */
    const struct stmt *st;
    uint16_t cl;
    uint16_t serial_cl;
    int32_t page_size;                        /* <= 0: no paging */
    const struct cqlwire_value *paging_state; /* NULL: first page */
    bool skip_metadata;
    int64_t timestamp_us;               /* the request's default timestamp, or INT64_MIN */
    const struct cqlwire_value *values; /* by marker index */
    uint32_t nvalues;
    int64_t now_ms; /* statement time */
    int32_t now_s;
    uint8_t batch_type; /* BATCH: enum ast_batch_type */
    /* BATCH message: per child values (NULL: the children share `values`). */
    const struct cqlwire_value *const *child_values;
    const uint32_t *child_nvalues;
    stmt_run_done_cb done;
    void *user;
    /* Scratch for the statement kinds. */
    struct coordinator_write cw;
    struct coordinator_read cr;
    void *state;
};

/* Runs the statement; run->done is called exactly once on run->r->loop. */
void stmt_execute(struct stmt_run *run);

/* An execute-mode bind environment for run (values of the statement or of batch child i). */
void stmt_run_env(const struct stmt_run *run, struct bind_env *env, const struct stmt *st,
                  const struct cqlwire_value *values, uint32_t nvalues);
/* Copies a coordinator error into the request's error fields and finishes the run. */
void stmt_run_fail_coord(struct stmt_run *run, const struct coordinator_error *e, int status);
/* The keyspace's replication strategy (LocalStrategy for unknown/virtual ones). */
const struct strategy *stmt_strategy(const struct stmt_run *run, const char *keyspace);

#endif

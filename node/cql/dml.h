/*
 * dml: INSERT, UPDATE and DELETE (Cassandra's ModificationStatement, UpdateStatement,
 * DeleteStatement and the Operation classes): analysis with Cassandra's messages, binding,
 * and turning a bound statement into cells, deletions and row markers in a dml_build, then
 * writing them through the coordinator.
 *
 * Semantics kept from Cassandra:
 *  - INSERT writes a row marker (primary-key liveness) with the statement's TTL; UPDATE does
 *    not. Setting a non-frozen collection or UDT deletes the old elements first (a complex
 *    deletion at ts - 1) then adds the new ones at ts; null deletes them; unset leaves them.
 *  - Write timestamps: USING TIMESTAMP, else the request's default timestamp, else the node's
 *    clock (µs, strictly increasing); TTL: USING TTL, else the table's default_time_to_live.
 *  - List element paths are 16-byte time-ordered ids; prepends use decreasing ids below every
 *    append (Cassandra's PrecisionTime trick). Setting or deleting a list element by index,
 *    and removing list elements by value, read the current list first (read-before-write).
 *  - Conditional statements (IF NOT EXISTS / IF EXISTS / IF conditions) run as a
 *    read-compare-write under a per-partition lock on this node and answer the [applied]
 *    row; see dml_cond.c for what that guarantees.
 *
 * Thread rule: analysis on any thread; execution on the request's loop, reads on the thread
 * pool through the coordinator.
 */
#ifndef RINGDB_CQL_DML_H
#define RINGDB_CQL_DML_H

#include <stdbool.h>
#include <stdint.h>

#include "node/cql/dml_build.h"
#include "node/cql/restrict.h"
#include "node/cql/stmt.h"

#define DML_TTL_MAX_S 630720000 /* Cassandra's MAX_TTL: 20 years */

enum dml_op_kind {
    DML_SET,         /* c = v */
    DML_ADD,         /* c = c + v (list append, set add, map put) */
    DML_SUB,         /* c = c - v (list/set remove, map key remove) */
    DML_PREPEND,     /* c = v + c */
    DML_SET_ELEMENT, /* c[k] = v */
    DML_SET_FIELD,   /* c.f = v */
    DML_DEL_COLUMN,  /* DELETE c */
    DML_DEL_ELEMENT, /* DELETE c[k] */
    DML_DEL_FIELD,   /* DELETE c.f */
};

struct dml_op {
    enum dml_op_kind kind;
    uint16_t col;
    uint16_t field;
    const struct ast_term *key;
    const struct ast_term *value;
    struct bind_recv key_recv;
    struct bind_recv value_recv;
    bool needs_read; /* list element by index, list removal by value */
};

struct dml_plan {
    enum ast_stmt_kind kind;
    struct restrict_plan *where; /* UPDATE, DELETE */
    uint32_t nvalues;            /* INSERT: columns with values */
    uint16_t *cols;
    const struct ast_term **values;
    struct bind_recv *recvs;
    bool json; /* INSERT JSON */
    const struct ast_term *json_value;
    struct bind_recv json_recv;
    bool default_unset;
    uint32_t nops;
    struct dml_op *ops;
    const struct ast_term *ts, *ttl;
    struct bind_recv ts_recv, ttl_recv;
    bool static_only; /* only static columns are written: no clustering needed */
    bool needs_read;
    /* Conditions */
    bool conditional;
    bool if_not_exists, if_exists;
    uint32_t nconds;
    const struct ast_relation *conds;
    struct bind_recv *cond_recvs;
    struct bind_recv *cond_key_recvs;
};

int dml_prepare(struct bind_env *env, const struct catalog *c, const char *keyspace,
                const struct ast_stmt *ast, struct stmt *st, struct errmsg *em);
/* Runs one INSERT/UPDATE/DELETE. */
void dml_execute(struct stmt_run *run);

/* ---- shared with batch ---- */

/* One bound statement: keys, clusterings, op values, timestamp and TTL. */
struct dml_bound {
    const struct stmt *st;
    struct restrict_bound where;
    struct bind_value *values; /* INSERT values / JSON-derived values (by plan order) */
    uint16_t *value_cols;      /* INSERT JSON: the column of each value */
    uint32_t nvalues;
    struct bind_value *op_keys, *op_values; /* per op */
    int64_t ts_us;
    int32_t ttl_s;
    int32_t now_s;
    int64_t now_ms;
    bool static_only; /* writes only static columns (no clustering) */
};

/* Binds st (from values) for timestamp ts_us (INT64_MIN: the statement's own or default_ts). */
int dml_bind(const struct stmt_run *run, const struct stmt *st, const struct cqlwire_value *values,
             uint32_t nvalues, int64_t default_ts_us, struct dml_bound *out, struct errmsg *em);

/* The current list cells read before a write (read-before-write). */
struct dml_prefetch;
/* Reads what the bound statements need (lists by index/value) and calls done on the loop;
   on failure the request's error fields are filled and done gets the status (the caller
   finishes the run). bs must stay valid until done. */
typedef void (*dml_prefetch_cb)(struct stmt_run *run, struct dml_prefetch *pf, int status);
void dml_prefetch(struct stmt_run *run, struct dml_bound *const *bs, uint32_t n,
                  dml_prefetch_cb done);

/* Adds the writes of a bound statement to b. */
int dml_apply(const struct dml_bound *bs, const struct dml_prefetch *pf, struct dml_build *b,
              struct errmsg *em);
/* Writes the built mutations at run->cl and answers VOID. */
void dml_write(struct stmt_run *run, struct dml_build *b, const char *write_type,
               const char *keyspace);

#endif

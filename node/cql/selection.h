/*
 * selection: the SELECT clause (Cassandra's Selection + Selectors): `*`, columns and aliases,
 * WRITETIME/TTL, native functions and CAST over selectors, u.field, m[key], aggregates
 * (COUNT(*), count/min/max/sum/avg) and SELECT JSON; the result metadata (column names as
 * Cassandra prints them: "count", "writetime(v)", "system.totimestamp(t)"); and the values of
 * one row, read straight from the storage row given to the read visitor (no row copies):
 * simple cells as they are, multi-cell collections and UDTs assembled from their element cells
 * in the element type's order.
 *
 * Shape: selection_prepare compiles the AST once (prepare); a struct selection_exec holds what
 * one execution needs (bound terms, aggregate states, scratch memory).
 * Thread rule: a selection is immutable after prepare; an exec belongs to one request.
 */
#ifndef RINGDB_CQL_SELECTION_H
#define RINGDB_CQL_SELECTION_H

#include <stdbool.h>
#include <stdint.h>

#include "node/base/arena.h"
#include "node/base/buf.h"
#include "node/base/err.h"
#include "node/cql/ast.h"
#include "node/cql/bind.h"
#include "node/cql/functions.h"
#include "node/cqlproto/cqlrows.h"
#include "storage/row.h"
#include "storage/schema.h"

enum selection_kind {
    SEL_COLUMN,
    SEL_WRITETIME,
    SEL_TTL,
    SEL_FUNCTION,
    SEL_AGGREGATE,
    SEL_COUNT_ROWS,
    SEL_FIELD,
    SEL_ELEMENT,
    SEL_TERM,
};

struct selection_node {
    enum selection_kind kind;
    uint16_t col;                    /* COLUMN, WRITETIME, TTL */
    const struct functions_inst *fn; /* FUNCTION, AGGREGATE, CAST (as FUNCTION) */
    uint32_t nargs;
    struct selection_node **args; /* FUNCTION/AGGREGATE args; FIELD/ELEMENT: args[0] */
    uint16_t field;               /* FIELD */
    const struct ast_term *term;  /* TERM; ELEMENT: the key */
    struct bind_recv recv;        /* TERM / ELEMENT key receiver */
    uint32_t slot;                /* TERM/ELEMENT: bound value index; AGGREGATE: state */
    const struct cql_type *type;  /* result type */
};

struct selection {
    const struct table_schema *t;
    uint32_t n; /* selectors (result columns before JSON folding) */
    struct selection_node **nodes;
    const char **names;       /* result column names */
    struct cqlrows_meta meta; /* the result metadata (JSON: one "[json]" column) */
    bool json;
    bool wildcard;
    bool aggregate;   /* aggregates: one result row */
    bool static_only; /* only partition key and static columns, at least one static */
    bool pk_only;     /* only partition key columns */
    bool has_regular; /* a clustering or regular column is selected */
    bool has_static;  /* a static column is selected (or `*`) */
    uint32_t nslots;  /* bound terms */
    uint32_t naggs;   /* aggregate states */
};

/* Compiles the selectors of s (a SELECT) for table t; env records markers in selectors. */
int selection_prepare(struct bind_env *env, const struct table_schema *t,
                      const struct ast_select *s, struct selection **out, struct errmsg *em);

/* The current row as selectors and filters see it. */
struct selection_row {
    const struct table_schema *t;
    int32_t now_s;
    const struct bind_value *pk;  /* npk components of the partition key */
    const struct bind_value *ck;  /* nck components (nulls for a partition's static-only row) */
    const struct row *row;        /* NULL for a static-only row */
    const struct row *static_row; /* NULL if none */
    struct arena *scratch;        /* assembled values; reset per row by the caller */
};

/* The value of column col (schema index) in r; collections assembled in r->scratch. */
int selection_get(const struct selection_row *r, uint16_t col, struct bind_value *out);

struct selection_exec {
    const struct selection *s;
    struct arena *arena; /* the request's: bound terms, the aggregate row */
    int64_t now_ms;
    struct bind_value *slots; /* nslots */
    struct functions_agg *aggs;
    struct bind_value *first; /* aggregate query: non-aggregate selector values of row 1 */
    bool has_first;
    uint64_t rows_seen;
    struct buf json;
};

/* Binds the selection's terms for one execution. */
int selection_exec_init(struct selection_exec *x, const struct selection *s, struct bind_env *env,
                        struct errmsg *em);
void selection_exec_deinit(struct selection_exec *x);
/* Starts a new aggregation (GROUP BY: the next group). */
void selection_exec_reset(struct selection_exec *x);
/* Appends the row's result cells (one complete row) to w. */
int selection_exec_write_row(struct selection_exec *x, const struct selection_row *r,
                             struct cqlrows_writer *w, struct errmsg *em);
/* Aggregate queries: feed a row; then write the single result row. */
int selection_exec_add_row(struct selection_exec *x, const struct selection_row *r,
                           struct errmsg *em);
int selection_exec_write_aggregate(struct selection_exec *x, struct cqlrows_writer *w,
                                   struct errmsg *em);

#endif

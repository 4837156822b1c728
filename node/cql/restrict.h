/*
 * restrict: the WHERE clause of SELECT, UPDATE and DELETE (Cassandra's StatementRestrictions):
 * relations are classified against the table once (prepare), then bound per execution into
 * what a read or a write needs: the partition keys (EQ/IN cartesian product, sorted and
 * unique as Cassandra's MultiCBuilder gives them), or a token range (token(pk) relations), the
 * clustering slices (EQ/IN prefixes followed by at most one slice, in clustering order), and
 * the filters evaluated on every row (non-key columns, CONTAINS, m[k] = v, key columns
 * restricted out of order, multi-column slices beyond their first column).
 *
 * Validation follows Cassandra 4.1 with its messages (ALLOW FILTERING refusal, "Partition key
 * parts: ... must be restricted as other parts are", "PRIMARY KEY column \"c\" cannot be
 * restricted as preceding column \"b\" is not restricted" ...). Statement-specific rules (what
 * UPDATE or DELETE allow) are checked by their callers on the plan.
 *
 * Memory: plans and bound results live in the caller's arena. Thread rule: none.
 */
#ifndef RINGDB_CQL_RESTRICT_H
#define RINGDB_CQL_RESTRICT_H

#include <stdbool.h>
#include <stdint.h>

#include "node/base/arena.h"
#include "node/base/err.h"
#include "node/cql/ast.h"
#include "node/cql/bind.h"
#include "storage/iter.h"
#include "storage/row.h"
#include "storage/schema.h"

#define RESTRICT_KEYS_MAX 65536   /* partitions one IN cartesian product may name */
#define RESTRICT_SLICES_MAX 65536 /* clustering prefixes one IN product may name */

enum restrict_filter_kind {
    RESTRICT_F_COLUMN,  /* col op value (op: = < <= > >= IN CONTAINS CONTAINS KEY) */
    RESTRICT_F_ELEMENT, /* col[key] op value */
    RESTRICT_F_MULTI,   /* (ck_i, ..., ck_j) op tuple: value semantics per component */
};

struct restrict_filter {
    enum restrict_filter_kind kind;
    const struct ast_relation *rel;
    uint16_t col;              /* column index (first of a multi-column relation) */
    uint16_t ncols;            /* MULTI */
    struct bind_recv recv;     /* the value (IN: each element) */
    struct bind_recv key_recv; /* ELEMENT */
};

struct restrict_plan {
    const struct table_schema *t;
    uint32_t nrels;
    /* Partition key: per pk column its EQ or IN relation (NULL if none). */
    const struct ast_relation **pk;
    bool pk_complete; /* every partition key column has EQ or IN */
    bool pk_any;      /* some partition key column is restricted (EQ/IN/slice) */
    bool pk_in;       /* an IN on the partition key */
    /* token(pk) relations */
    const struct ast_relation *tok_lo, *tok_hi;
    /* Clustering: per ck column a single-column EQ or IN (NULL if none) ... */
    const struct ast_relation **ck;
    /* ... or a multi-column EQ/IN on columns [0, multi_n). */
    const struct ast_relation *ck_multi;
    uint16_t multi_n;
    uint16_t nprefix; /* leading clustering columns fixed by EQ/IN */
    /* A slice on column nprefix: single-column bounds, or a multi-column slice */
    const struct ast_relation *ck_lo, *ck_hi;
    bool ck_slice_multi;
    bool ck_any; /* some clustering column is restricted */
    bool ck_in;  /* an IN on clustering columns */
    uint32_t nfilters;
    struct restrict_filter *filters;
    bool has_regular_filters;   /* a filter on a static or regular column */
    bool needs_allow_filtering; /* some filter is there only because ALLOW FILTERING allows it */
};

enum restrict_mode {
    RESTRICT_SELECT,
    RESTRICT_MODIFY, /* UPDATE / DELETE: no filtering, no token() */
};

/*
 * Classifies rels against t. Markers get their receivers through env (prepare mode records
 * them). allow_filtering: restrictions needing a row filter are accepted (SELECT only).
 */
int restrict_prepare(struct bind_env *env, const struct table_schema *t,
                     const struct ast_relation *rels, uint32_t n, enum restrict_mode mode,
                     bool allow_filtering, struct restrict_plan **out, struct errmsg *em);

/* A serialized partition key and its token. */
struct restrict_key {
    const uint8_t *key;
    uint32_t len;
    int64_t token;
};

/* A bound filter value. */
struct restrict_fvalue {
    struct bind_value v;   /* the value (IN: unused) */
    struct bind_value key; /* ELEMENT */
    uint32_t nin;          /* IN */
    struct bind_value *in;
};

struct restrict_bound {
    bool empty;     /* nothing can match (IN (), an empty slice, start > end token) */
    uint32_t nkeys; /* pk_complete: the partitions, sorted by pk value order, unique */
    struct restrict_key *keys;
    struct token_range range;         /* otherwise: the token range to scan */
    uint32_t nslices;                 /* 0: the whole partition */
    struct slice *slices;             /* sorted in clustering order, disjoint */
    uint32_t nclusterings;            /* full clusterings when every ck column has EQ/IN */
    struct restrict_key *clusterings; /* (key = encoded clustering; token unused) */
    struct restrict_fvalue *fvalues;  /* nfilters */
};

/* Binds a plan's values for one execution (env in execute mode). */
int restrict_bind(struct bind_env *env, const struct restrict_plan *p, struct restrict_bound *out,
                  struct errmsg *em);

/* The value of column `col` (schema index) of the current row, for filters. */
typedef int (*restrict_get_fn)(void *arg, uint16_t col, struct bind_value *out);
/* Whether the current row passes every filter. */
bool restrict_filter_match(const struct restrict_plan *p, const struct restrict_bound *b,
                           restrict_get_fn get, void *arg);

/* Serialized partition key from per-column values (composite when npk > 1). */
void restrict_compose_key(const struct table_schema *t, const struct bind_value *vals,
                          struct buf *out);

/* The receiver of a value for column col (schema index): the column itself. */
struct bind_recv restrict_col_recv(const struct table_schema *t, uint16_t col);

/* Column names joined by ", " (messages). */
const char *restrict_join_names(struct arena *a, const struct column_def *const *cols, uint32_t n);

#endif

/*
 * restrict_int: what the files of the restrict module share. Not for use outside restrict*.c.
 */
#ifndef RINGDB_CQL_RESTRICT_INT_H
#define RINGDB_CQL_RESTRICT_INT_H

#include "node/cql/restrict.h"

/* The bound values of one relation. */
struct restrict_relvals {
    struct bind_value value; /* every op but IN */
    struct bind_value key;   /* ELEMENT relations: the key */
    uint32_t nin;            /* IN: the elements (a marker's list decoded) */
    struct bind_value *in;
};

/* Binds the terms of rel (col: its first column; TOKEN: unused). Multi-column values are
   serialized tuples. In prepare mode only receivers are recorded. */
int restrict_bind_rel(struct bind_env *env, const struct table_schema *t,
                      const struct ast_relation *rel, uint16_t col, struct restrict_relvals *out,
                      struct errmsg *em);

const struct cql_type *restrict_tuple_type(struct arena *a, const struct table_schema *t,
                                           uint16_t first, uint16_t n);
const struct cql_type *restrict_list_of(struct arena *a, const struct cql_type *elem);
const char *restrict_rel_text(struct arena *a, const struct ast_relation *rel);
const char *restrict_allow_filtering_msg(void);

/* Sorted unique cartesian product of per-column value lists over clustering columns
   [first, first + n) (restrict_bind.c). */
int restrict_bind_product(struct arena *a, const struct table_schema *t, uint16_t first, uint16_t n,
                          struct bind_value **lists, const uint32_t *counts,
                          struct bind_value ***out, uint32_t *nout, struct errmsg *em);
/* The values an EQ (one) or IN (its list) relation gives column col; nulls refused. */
int restrict_bind_column_values(struct bind_env *env, const struct table_schema *t,
                                const struct ast_relation *rel, uint16_t col,
                                struct bind_value **vals, uint32_t *n, struct errmsg *em);
/* Clustering prefixes, slices and full clusterings (restrict_slice.c). */
/* Whether the clustering slice's bounds are exact: single-column, or a multi-column slice over
   columns of one clustering order. */
bool restrict_slice_is_exact(const struct restrict_plan *p);
int restrict_slice_bind(struct bind_env *env, const struct restrict_plan *p,
                        struct restrict_bound *o, struct errmsg *em);

#endif

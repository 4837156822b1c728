/*
 * dml_int: what the files of the dml module share. Not for use outside dml*.c and batch.c.
 */
#ifndef RINGDB_CQL_DML_INT_H
#define RINGDB_CQL_DML_INT_H

#include "node/cql/dml.h"

/* set<elem> allocated in a (the receiver of `m = m - {keys}`). */
const struct cql_type *dml_set_of(struct arena *a, const struct cql_type *elem);
/* The index of UDT field `name` of column `col` (ERR_INVALID if none). */
int dml_udt_field(const struct cql_type *udt, const char *name, const char *col, uint16_t *out,
                  struct errmsg *em);

/* INSERT JSON: the values and their columns from the JSON document (dml_json.c). */
int dml_json_bind(struct bind_env *env, const struct stmt *st, struct dml_bound *o,
                  struct errmsg *em);

/* Conditions (dml_cond.c). */
int dml_cond_prepare(struct bind_env *env, const struct table_schema *t, const struct ast_stmt *ast,
                     struct dml_plan *p, struct errmsg *em);
/* Binds a condition's values (restrict_bind_rel, plus u.f conditions). */
struct restrict_relvals;
int dml_cond_bind_rel(struct bind_env *env, const struct table_schema *t,
                      const struct ast_relation *rel, uint16_t col, struct restrict_relvals *out,
                      struct errmsg *em);
/* Whether condition rel holds on the current row r (Cassandra's null rules). */
struct selection_row;
bool dml_cond_holds(const struct table_schema *t, const struct ast_relation *rel,
                    const struct restrict_relvals *rv, const struct selection_row *r);
/* Runs a conditional statement: lock, read, compare, maybe write, answer [applied]
   (dml_cond_run.c). */
void dml_cond_execute(struct stmt_run *run, struct dml_bound *b);

/* Operations on one row (dml_ops.c). */
struct dml_target {
    const struct dml_bound *bs;
    const struct dml_prefetch *pf;
    struct dml_build *b;
    struct dml_part *part;
    struct dml_row *row;        /* the regular row (NULL for static-only statements) */
    struct dml_row *static_row; /* created on demand */
    const uint8_t *ck;          /* the row's clustering */
    uint32_t ck_len;
};
/* Writes column col = v (a whole value) into its row. */
int dml_ops_set(struct dml_target *tg, uint16_t col, const struct bind_value *v, struct errmsg *em);
/* Applies operation i of the statement. */
int dml_ops_apply(struct dml_target *tg, uint32_t i, struct errmsg *em);

/* Prefetched list cells of (partition key, clustering, column), or none. */
struct dml_list {
    uint32_t n;
    const uint8_t *const *paths; /* 16 bytes each, in list order */
    const uint8_t *const *values;
    const uint32_t *lens;
};
bool dml_prefetch_list(const struct dml_prefetch *pf, const struct dml_part *part,
                       const uint8_t *ck, uint32_t ck_len, uint16_t col_id, struct dml_list *out);

#endif

/*
 * restrict: classification of WHERE relations (see restrict.h). Binding is in
 * restrict_bind.c, row filters in restrict_filter.c.
 */
#include "node/cql/restrict.h"

#include <string.h>

#include "node/base/assert.h"
#include "node/cql/ast_print.h"
#include "node/cql/restrict_int.h"

#define FILTERING_MSG                                                                              \
    "Cannot execute this query as it might involve data filtering and thus may have "              \
    "unpredictable performance. If you want to execute this query despite the performance "        \
    "unpredictability, use ALLOW FILTERING"

const char *restrict_allow_filtering_msg(void)
{
    return FILTERING_MSG;
}

const char *restrict_join_names(struct arena *a, const struct column_def *const *cols, uint32_t n)
{
    struct buf b;
    buf_init(&b);
    for (uint32_t i = 0; i < n; i++) {
        if (i) buf_append(&b, ", ", 2);
        ast_print_ident(cols[i]->name, &b);
    }
    char *s = arena_strndup(a, b.data ? (const char *)b.data : "", b.len);
    buf_deinit(&b);
    return s;
}

const char *restrict_rel_text(struct arena *a, const struct ast_relation *rel)
{
    struct buf b;
    buf_init(&b);
    ast_print_relation(rel, &b);
    char *s = arena_strndup(a, b.data ? (const char *)b.data : "", b.len);
    buf_deinit(&b);
    return s;
}

/* A frozen tuple of the types of columns [first, first + n). */
const struct cql_type *restrict_tuple_type(struct arena *a, const struct table_schema *t,
                                           uint16_t first, uint16_t n)
{
    struct cql_type *tt = arena_zalloc(a, sizeof *tt);
    const struct cql_type **sub = arena_zalloc(a, n * sizeof *sub);
    for (uint16_t i = 0; i < n; i++)
        sub[i] = t->columns[first + i].type;
    tt->id = CQL_TUPLE;
    tt->frozen = true;
    tt->nsub = n;
    tt->sub = sub;
    return tt;
}

const struct cql_type *restrict_list_of(struct arena *a, const struct cql_type *elem)
{
    struct cql_type *lt = arena_zalloc(a, sizeof *lt);
    const struct cql_type **sub = arena_zalloc(a, sizeof *sub);
    sub[0] = cql_type_freeze(elem, a);
    lt->id = CQL_LIST;
    lt->frozen = false;
    lt->nsub = 1;
    lt->sub = sub;
    return lt;
}

struct bind_recv restrict_col_recv(const struct table_schema *t, uint16_t col)
{
    return (struct bind_recv){.keyspace = t->keyspace,
                              .table = t->name,
                              .name = t->columns[col].name,
                              .type = t->columns[col].type,
                              .column = &t->columns[col]};
}

/* Binds (prepare mode) every term of rel so its markers get receivers. */
static int prepare_terms(struct bind_env *env, const struct table_schema *t,
                         const struct ast_relation *rel, uint16_t col, struct errmsg *em)
{
    struct restrict_relvals rv;
    return restrict_bind_rel(env, t, rel, col, &rv, em);
}

static int add_filter(struct restrict_plan *p, enum restrict_filter_kind kind,
                      const struct ast_relation *rel, uint16_t col, uint16_t ncols)
{
    struct restrict_filter *f = &p->filters[p->nfilters++];
    *f = (struct restrict_filter){.kind = kind, .rel = rel, .col = col, .ncols = ncols};
    if (col >= p->t->npk + p->t->nck) p->has_regular_filters = true;
    if (kind != RESTRICT_F_MULTI) p->needs_allow_filtering = true;
    return 0;
}

static const char *col_name(const struct table_schema *t, uint16_t col)
{
    return t->columns[col].name;
}

static int dup_error(const struct table_schema *t, uint16_t col, const struct ast_relation *old,
                     struct errmsg *em)
{
    if (old && old->op == AST_OP_IN)
        return errmsg_set(em, ERR_INVALID,
                          "%s cannot be restricted by more than one relation if it includes a IN",
                          col_name(t, col));
    return errmsg_set(em, ERR_INVALID,
                      "%s cannot be restricted by more than one relation if it includes an Equal",
                      col_name(t, col));
}

static bool is_slice(enum ast_rel_op op)
{
    return op == AST_OP_LT || op == AST_OP_LTE || op == AST_OP_GT || op == AST_OP_GTE;
}

static bool is_lower(enum ast_rel_op op)
{
    return op == AST_OP_GT || op == AST_OP_GTE;
}

/* Slice bounds per clustering column, collected before the prefix is known. */
struct ck_bounds {
    const struct ast_relation **lo, **hi;
};

static int set_bound(const struct table_schema *t, const struct ast_relation **slot,
                     const struct ast_relation *rel, uint16_t col, struct errmsg *em)
{
    if (*slot)
        return errmsg_set(em, ERR_INVALID,
                          "More than one restriction was found for the %s bound on %s",
                          is_lower(rel->op) ? "start" : "end", col_name(t, col));
    *slot = rel;
    return 0;
}

static int classify_token(struct restrict_plan *p, const struct ast_relation *rel,
                          enum restrict_mode mode, struct arena *a, struct errmsg *em)
{
    const struct table_schema *t = p->t;
    if (mode == RESTRICT_MODIFY)
        return errmsg_set(em, ERR_INVALID,
                          "The token function cannot be used in WHERE clauses for UPDATE and "
                          "DELETE statements: %s",
                          restrict_rel_text(a, rel));
    bool in_order = rel->ncolumns == t->npk;
    for (uint32_t i = 0; in_order && i < rel->ncolumns; i++)
        in_order = strcmp(rel->columns[i].name, t->columns[i].name) == 0;
    if (!in_order) {
        for (uint32_t i = 0; i < rel->ncolumns; i++) {
            const struct column_def *c = table_schema_column(t, rel->columns[i].name);
            if (!c)
                return errmsg_set(em, ERR_INVALID, "Undefined column name %s",
                                  rel->columns[i].name);
            if (c->kind != COLUMN_PARTITION_KEY)
                return errmsg_set(em, ERR_INVALID,
                                  "The token function can only be applied to partition key "
                                  "columns (%s is not one)",
                                  c->name);
        }
        const struct column_def **pks = arena_zalloc(a, t->npk * sizeof *pks);
        for (uint32_t i = 0; i < t->npk; i++)
            pks[i] = &t->columns[i];
        if (rel->ncolumns != t->npk)
            return errmsg_set(em, ERR_INVALID,
                              "The token() function must be applied to all partition key "
                              "components or none of them");
        return errmsg_set(em, ERR_INVALID,
                          "The token function arguments must be in the partition key order: %s",
                          restrict_join_names(a, pks, t->npk));
    }
    int rc = 0;
    if (rel->op == AST_OP_EQ) {
        if (p->tok_lo || p->tok_hi)
            return errmsg_set(em, ERR_INVALID,
                              "Columns \"%s\" cannot be restricted by both an equality and an "
                              "inequality relation",
                              "token");
        p->tok_lo = p->tok_hi = rel;
    } else if (is_slice(rel->op)) {
        rc = is_lower(rel->op) ? set_bound(t, &p->tok_lo, rel, 0, em)
                               : set_bound(t, &p->tok_hi, rel, 0, em);
    } else {
        rc = errmsg_set(em, ERR_INVALID, "%s is not a valid partition key token restriction",
                        restrict_rel_text(a, rel));
    }
    return rc;
}

static int classify_multi(struct restrict_plan *p, const struct ast_relation *rel,
                          struct ck_bounds *cb, struct arena *a, struct errmsg *em)
{
    const struct table_schema *t = p->t;
    uint16_t first = 0;
    for (uint32_t i = 0; i < rel->ncolumns; i++) {
        const struct column_def *c = table_schema_column(t, rel->columns[i].name);
        if (!c)
            return errmsg_set(em, ERR_INVALID, "Undefined column name %s", rel->columns[i].name);
        if (c->kind != COLUMN_CLUSTERING)
            return errmsg_set(em, ERR_INVALID,
                              "Multi-column relations can only be applied to clustering columns "
                              "but was applied to: %s",
                              c->name);
        uint16_t idx = (uint16_t)(t->npk + c->position);
        if (i == 0)
            first = idx;
        else if (idx != first + i)
            return errmsg_set(em, ERR_INVALID,
                              "Clustering columns must appear in the PRIMARY KEY order in "
                              "multi-column relations: %s",
                              restrict_rel_text(a, rel));
    }
    uint16_t pos = (uint16_t)(first - t->npk);
    for (uint16_t k = 0; k < t->nck; k++)
        if (p->ck[k] || cb->lo[k] || cb->hi[k])
            return errmsg_set(em, ERR_INVALID,
                              "Mixing single column relations and multi column relations on "
                              "clustering columns is not allowed");
    p->ck_any = true;
    if (rel->op == AST_OP_EQ || rel->op == AST_OP_IN) {
        if (p->ck_multi) return dup_error(t, first, p->ck_multi, em);
        if (pos != 0)
            return errmsg_set(em, ERR_INVALID,
                              "PRIMARY KEY column \"%s\" cannot be restricted as preceding column "
                              "\"%s\" is not restricted",
                              col_name(t, first), col_name(t, t->npk));
        p->ck_multi = rel;
        p->multi_n = (uint16_t)rel->ncolumns;
        p->ck_in = rel->op == AST_OP_IN;
        return 0;
    }
    if (!is_slice(rel->op))
        return errmsg_set(em, ERR_INVALID, "Unsupported \"%s\" relation: %s",
                          ast_rel_op_name(rel->op), restrict_rel_text(a, rel));
    p->ck_slice_multi = true;
    int rc = is_lower(rel->op) ? set_bound(t, &p->ck_lo, rel, first, em)
                               : set_bound(t, &p->ck_hi, rel, first, em);
    if (rc == 0) add_filter(p, RESTRICT_F_MULTI, rel, first, (uint16_t)rel->ncolumns);
    return rc;
}

static int classify_key(struct restrict_plan *p, const struct ast_relation *rel, uint16_t col,
                        struct ck_bounds *cb, struct errmsg *em)
{
    const struct table_schema *t = p->t;
    const struct column_def *c = &t->columns[col];
    const struct ast_relation **slot =
        c->kind == COLUMN_PARTITION_KEY ? &p->pk[c->position] : &p->ck[c->position];
    if (c->kind == COLUMN_CLUSTERING) {
        if (p->ck_multi || p->ck_slice_multi)
            return errmsg_set(em, ERR_INVALID,
                              "Mixing single column relations and multi column relations on "
                              "clustering columns is not allowed");
        p->ck_any = true;
    } else {
        p->pk_any = true;
    }
    if (rel->op == AST_OP_EQ || rel->op == AST_OP_IN) {
        if (*slot) return dup_error(t, col, *slot, em);
        if (c->kind == COLUMN_CLUSTERING && (cb->lo[c->position] || cb->hi[c->position]))
            return dup_error(t, col, rel, em);
        *slot = rel;
        if (rel->op == AST_OP_IN) {
            if (c->kind == COLUMN_PARTITION_KEY)
                p->pk_in = true;
            else
                p->ck_in = true;
        }
        return 0;
    }
    if (*slot) return dup_error(t, col, *slot, em);
    if (c->kind == COLUMN_PARTITION_KEY) return add_filter(p, RESTRICT_F_COLUMN, rel, col, 1);
    if (c->type->id == CQL_DURATION)
        return errmsg_set(em, ERR_INVALID,
                          "Slice restrictions are not supported on duration columns");
    return is_lower(rel->op) ? set_bound(t, &cb->lo[c->position], rel, col, em)
                             : set_bound(t, &cb->hi[c->position], rel, col, em);
}

static int classify_column(struct restrict_plan *p, const struct ast_relation *rel,
                           struct ck_bounds *cb, struct arena *a, struct errmsg *em)
{
    const struct table_schema *t = p->t;
    const struct column_def *c = table_schema_column(t, rel->columns[0].name);
    if (!c) return errmsg_set(em, ERR_INVALID, "Undefined column name %s", rel->columns[0].name);
    uint16_t col = (uint16_t)(c - t->columns);
    switch (rel->op) {
    case AST_OP_NEQ:
        return errmsg_set(em, ERR_INVALID, "Unsupported \"!=\" relation: %s",
                          restrict_rel_text(a, rel));
    case AST_OP_IS_NOT_NULL:
        return errmsg_set(em, ERR_INVALID, "Unsupported restriction: %s",
                          restrict_rel_text(a, rel));
    case AST_OP_LIKE:
        return errmsg_set(em, ERR_INVALID,
                          "LIKE restriction is only supported on properly indexed columns. %s is "
                          "not valid.",
                          restrict_rel_text(a, rel));
    case AST_OP_CONTAINS:
    case AST_OP_CONTAINS_KEY:
        if (!cql_type_is_collection(c->type))
            return errmsg_set(em, ERR_INVALID, "Cannot use %s on non-collection column %s",
                              rel->op == AST_OP_CONTAINS ? "CONTAINS" : "CONTAINS KEY", c->name);
        if (rel->op == AST_OP_CONTAINS_KEY && c->type->id != CQL_MAP)
            return errmsg_set(em, ERR_INVALID, "Cannot use CONTAINS KEY on non-map column %s",
                              c->name);
        if (c->kind == COLUMN_CLUSTERING) p->ck_any = true;
        return add_filter(p, RESTRICT_F_COLUMN, rel, col, 1);
    default:
        break;
    }
    if (rel->kind == AST_REL_ELEMENT) {
        if (c->type->id != CQL_MAP && c->type->id != CQL_LIST)
            return errmsg_set(em, ERR_INVALID,
                              "Invalid element access syntax for non-collection column %s",
                              c->name);
        return add_filter(p, RESTRICT_F_ELEMENT, rel, col, 1);
    }
    if (c->kind == COLUMN_PARTITION_KEY || c->kind == COLUMN_CLUSTERING)
        return classify_key(p, rel, col, cb, em);
    if (c->type->id == CQL_DURATION && is_slice(rel->op))
        return errmsg_set(em, ERR_INVALID,
                          "Slice restrictions are not supported on duration columns");
    return add_filter(p, RESTRICT_F_COLUMN, rel, col, 1);
}

static int classify(struct bind_env *env, struct restrict_plan *p, const struct ast_relation *rel,
                    enum restrict_mode mode, struct ck_bounds *cb, struct errmsg *em)
{
    struct arena *a = env->arena;
    int rc;
    switch (rel->kind) {
    case AST_REL_TOKEN:
        if ((rc = classify_token(p, rel, mode, a, em))) return rc;
        return prepare_terms(env, p->t, rel, 0, em);
    case AST_REL_MULTI:
        if ((rc = classify_multi(p, rel, cb, a, em))) return rc;
        break;
    case AST_REL_FIELD:
        return errmsg_set(em, ERR_INVALID, "Invalid relation: %s", restrict_rel_text(a, rel));
    default:
        if ((rc = classify_column(p, rel, cb, a, em))) return rc;
        break;
    }
    const struct column_def *c = table_schema_column(p->t, rel->columns[0].name);
    return prepare_terms(env, p->t, rel, (uint16_t)(c - p->t->columns), em);
}

static const char *missing_pk(struct restrict_plan *p, struct arena *a)
{
    const struct table_schema *t = p->t;
    const struct column_def **cols = arena_zalloc(a, t->npk * sizeof *cols);
    uint32_t n = 0;
    for (uint16_t i = 0; i < t->npk; i++)
        if (!p->pk[i]) cols[n++] = &t->columns[i];
    return restrict_join_names(a, cols, n);
}

static int finish_pk(struct restrict_plan *p, enum restrict_mode mode, bool allow_filtering,
                     struct arena *a, struct errmsg *em)
{
    const struct table_schema *t = p->t;
    bool any = false, all = true, pk_filter = false;
    for (uint16_t i = 0; i < t->npk; i++) {
        any |= p->pk[i] != NULL;
        all &= p->pk[i] != NULL;
    }
    for (uint32_t i = 0; i < p->nfilters; i++)
        pk_filter |= p->filters[i].col < t->npk;
    if ((p->tok_lo || p->tok_hi) && any)
        return errmsg_set(em, ERR_INVALID,
                          "Columns \"%s\" cannot be restricted by both a normal relation and a "
                          "token relation",
                          restrict_join_names(a, (const struct column_def *[]){&t->columns[0]}, 1));
    if (pk_filter && (mode == RESTRICT_MODIFY || !allow_filtering))
        return errmsg_set(em, ERR_INVALID,
                          mode == RESTRICT_MODIFY
                              ? "Only EQ and IN relation are supported on the partition key "
                                "(unless you use the token() function)"
                              : "Only EQ and IN relation are supported on the partition key "
                                "(unless you use the token() function or allow filtering)");
    if (mode == RESTRICT_MODIFY && !all)
        return errmsg_set(em, ERR_INVALID, "Some partition key parts are missing: %s",
                          missing_pk(p, a));
    if (any && !all) {
        if (!allow_filtering)
            return errmsg_set(em, ERR_INVALID,
                              "Partition key parts: %s must be restricted as other parts are",
                              missing_pk(p, a));
        for (uint16_t i = 0; i < t->npk; i++)
            if (p->pk[i]) {
                add_filter(p, RESTRICT_F_COLUMN, p->pk[i], i, 1);
                p->pk[i] = NULL;
            }
        p->pk_in = false;
    }
    p->pk_complete = all;
    return 0;
}

/* A multi-column slice starts right after the EQ/IN prefix; in UPDATE/DELETE its bounds must be
   exact (restrict_slice_is_exact: Cassandra splits a mixed-order one into several slices,
   ringdb does that only by filtering rows, which a range deletion cannot). */
static int check_multi_slice(const struct restrict_plan *p, enum restrict_mode mode,
                             struct errmsg *em)
{
    const struct table_schema *t = p->t;
    const struct ast_relation *rel = p->ck_lo ? p->ck_lo : p->ck_hi;
    const struct column_def *c = table_schema_column(t, rel->columns[0].name);
    ASSERT(c && c->kind == COLUMN_CLUSTERING); /* classify_multi checked */
    if (c->position != p->nprefix)
        return errmsg_set(em, ERR_INVALID,
                          "PRIMARY KEY column \"%s\" cannot be restricted as preceding column "
                          "\"%s\" is not restricted",
                          c->name, col_name(t, (uint16_t)(t->npk + p->nprefix)));
    if (mode == RESTRICT_MODIFY && !restrict_slice_is_exact(p))
        return errmsg_set(em, ERR_INVALID,
                          "Multi-column slice restrictions over clustering columns of mixed "
                          "order are not supported in modification statements by ringdb");
    return 0;
}

static int finish_ck(struct restrict_plan *p, const struct ck_bounds *cb, enum restrict_mode mode,
                     bool allow_filtering, struct errmsg *em)
{
    const struct table_schema *t = p->t;
    uint16_t np = 0;
    if (p->ck_multi)
        np = p->multi_n;
    else
        while (np < t->nck && p->ck[np])
            np++;
    p->nprefix = np;
    if (!p->ck_slice_multi && np < t->nck) {
        p->ck_lo = cb->lo[np];
        p->ck_hi = cb->hi[np];
    }
    bool sliced = p->ck_lo || p->ck_hi;
    for (uint16_t k = 0; k < t->nck; k++) {
        bool eq = !p->ck_multi && k > np && p->ck[k];
        bool sl = !p->ck_slice_multi && k != np && (cb->lo[k] || cb->hi[k]);
        if (!eq && !sl) continue;
        uint16_t col = (uint16_t)(t->npk + k);
        if (mode == RESTRICT_MODIFY || !allow_filtering) {
            if (sliced && k > np)
                return errmsg_set(em, ERR_INVALID,
                                  "Clustering column \"%s\" cannot be restricted (preceding column "
                                  "\"%s\" is restricted by a non-EQ relation)",
                                  col_name(t, col), col_name(t, (uint16_t)(t->npk + np)));
            return errmsg_set(em, ERR_INVALID,
                              "PRIMARY KEY column \"%s\" cannot be restricted as preceding column "
                              "\"%s\" is not restricted",
                              col_name(t, col), col_name(t, (uint16_t)(t->npk + np)));
        }
        if (eq) add_filter(p, RESTRICT_F_COLUMN, p->ck[k], col, 1);
        if (eq) p->ck[k] = NULL;
        if (sl && cb->lo[k]) add_filter(p, RESTRICT_F_COLUMN, cb->lo[k], col, 1);
        if (sl && cb->hi[k]) add_filter(p, RESTRICT_F_COLUMN, cb->hi[k], col, 1);
    }
    if (p->ck_slice_multi) return check_multi_slice(p, mode, em);
    return 0;
}

static int restrict_finish(struct restrict_plan *p, const struct ck_bounds *cb,
                           enum restrict_mode mode, bool allow_filtering, struct arena *a,
                           struct errmsg *em)
{
    int rc = finish_pk(p, mode, allow_filtering, a, em);
    if (rc == 0) rc = finish_ck(p, cb, mode, allow_filtering, em);
    if (rc) return rc;
    if (p->has_regular_filters && mode == RESTRICT_MODIFY) {
        const struct column_def **cols = arena_zalloc(a, p->nfilters * sizeof *cols);
        uint32_t n = 0;
        for (uint32_t i = 0; i < p->nfilters; i++)
            if (p->filters[i].col >= p->t->npk + p->t->nck)
                cols[n++] = &p->t->columns[p->filters[i].col];
        return errmsg_set(em, ERR_INVALID, "Non PRIMARY KEY columns found in where clause: %s",
                          restrict_join_names(a, cols, n));
    }
    if (mode == RESTRICT_SELECT && !allow_filtering &&
        (p->needs_allow_filtering || (!p->pk_complete && p->ck_any)))
        return errmsg_set(em, ERR_INVALID, FILTERING_MSG);
    return 0;
}

int restrict_prepare(struct bind_env *env, const struct table_schema *t,
                     const struct ast_relation *rels, uint32_t n, enum restrict_mode mode,
                     bool allow_filtering, struct restrict_plan **out, struct errmsg *em)
{
    struct arena *a = env->arena;
    struct restrict_plan *p = arena_zalloc(a, sizeof *p);
    p->t = t;
    p->nrels = n;
    p->pk = arena_zalloc(a, (t->npk + 1) * sizeof *p->pk);
    p->ck = arena_zalloc(a, (t->nck + 1) * sizeof *p->ck);
    p->filters = arena_zalloc(a, (2 * n + t->npk + t->nck + 1) * sizeof *p->filters);
    struct ck_bounds cb = {arena_zalloc(a, (t->nck + 1) * sizeof *cb.lo),
                           arena_zalloc(a, (t->nck + 1) * sizeof *cb.hi)};
    for (uint32_t i = 0; i < n; i++) {
        int rc = classify(env, p, &rels[i], mode, &cb, em);
        if (rc) return rc;
    }
    int rc = restrict_finish(p, &cb, mode, allow_filtering, a, em);
    if (rc == 0) *out = p;
    return rc;
}

/*
 * dml_cond: conditional INSERT / UPDATE / DELETE (IF NOT EXISTS, IF EXISTS, IF conditions;
 * Cassandra's ColumnCondition and CAS result sets) on top of coordinator_cas: the row is read
 * under a per-partition lock, the conditions are evaluated in the read visitor, the writes are
 * built only when they hold, and the answer is a Rows result with `[applied]` (false: plus the
 * current values of the row for IF NOT EXISTS, or of the columns the conditions name).
 *
 * Limits (Cassandra's own): one partition and one row (no IN), no USING TIMESTAMP; ringdb
 * also refuses list operations that need a read-before-write inside a conditional statement.
 * The lock makes conditional statements linearizable on one node; several replicas would need
 * Paxos, which ringdb does not implement yet.
 */
#include <string.h>

#include "node/base/be.h"
#include "node/cql/dml_int.h"
#include "node/cql/restrict_int.h"
#include "node/cql/selection.h"

static int prepare_cond(struct bind_env *env, const struct table_schema *t,
                        const struct ast_relation *rel, struct errmsg *em)
{
    const struct column_def *d = table_schema_column(t, rel->columns[0].name);
    if (!d) return errmsg_set(em, ERR_INVALID, "Undefined column name %s", rel->columns[0].name);
    if (d->kind == COLUMN_PARTITION_KEY || d->kind == COLUMN_CLUSTERING)
        return errmsg_set(em, ERR_INVALID, "PRIMARY KEY column '%s' cannot have IF conditions",
                          d->name);
    if (rel->kind == AST_REL_ELEMENT && d->type->id != CQL_MAP && d->type->id != CQL_LIST)
        return errmsg_set(em, ERR_INVALID,
                          "Invalid element access syntax for non-collection column %s", d->name);
    if (rel->kind == AST_REL_FIELD && d->type->id != CQL_UDT)
        return errmsg_set(em, ERR_INVALID, "Invalid field access syntax for non-UDT column %s",
                          d->name);
    if (rel->op == AST_OP_LIKE || rel->op == AST_OP_IS_NOT_NULL)
        return errmsg_set(em, ERR_INVALID, "Unsupported operator %s in a condition",
                          ast_rel_op_name(rel->op));
    struct restrict_relvals rv;
    return dml_cond_bind_rel(env, t, rel, (uint16_t)(d - t->columns), &rv, em);
}

int dml_cond_prepare(struct bind_env *env, const struct table_schema *t, const struct ast_stmt *ast,
                     struct dml_plan *p, struct errmsg *em)
{
    if (ast->kind == AST_INSERT) p->if_not_exists = ast->u.insert.if_not_exists;
    if (ast->kind == AST_UPDATE) {
        p->if_exists = ast->u.update.if_exists;
        p->nconds = ast->u.update.nconds;
        p->conds = ast->u.update.conds;
    }
    if (ast->kind == AST_DELETE) {
        p->if_exists = ast->u.del.if_exists;
        p->nconds = ast->u.del.nconds;
        p->conds = ast->u.del.conds;
    }
    p->conditional = p->if_not_exists || p->if_exists || p->nconds > 0;
    if (!p->conditional) return 0;
    if (p->ts)
        return errmsg_set(em, ERR_INVALID,
                          "Cannot provide custom timestamp for conditional updates");
    if (p->needs_read)
        return errmsg_set(em, ERR_INVALID,
                          "List operations by index or value are not supported in conditional "
                          "statements by ringdb yet");
    if (p->kind == AST_DELETE && p->nops == 0 && p->where->nprefix < t->nck)
        return errmsg_set(em, ERR_INVALID,
                          "DELETE statements must restrict all PRIMARY KEY columns with equality "
                          "relations in order to use IF conditions");
    for (uint32_t i = 0; i < p->nconds; i++) {
        int rc = prepare_cond(env, t, &p->conds[i], em);
        if (rc) return rc;
    }
    return 0;
}

/* ---- evaluation ---- */

static bool holds(enum ast_rel_op op, int c)
{
    switch (op) {
    case AST_OP_EQ:
        return c == 0;
    case AST_OP_NEQ:
        return c != 0;
    case AST_OP_LT:
        return c < 0;
    case AST_OP_LTE:
        return c <= 0;
    case AST_OP_GT:
        return c > 0;
    default:
        return c >= 0;
    }
}

/* cur op v, with Cassandra's null rules (= null, != null allowed; ordering with null false). */
static bool compare(const struct cql_type *t, const struct bind_value *cur, enum ast_rel_op op,
                    const struct bind_value *v)
{
    bool cn = cur->kind != BIND_VALUE, vn = v->kind != BIND_VALUE;
    if (cn || vn) {
        if (op == AST_OP_EQ) return cn && vn;
        if (op == AST_OP_NEQ) return cn != vn;
        return false;
    }
    return holds(op, cql_value_compare(t, cur->p, cur->len, v->p, v->len));
}

static bool in_list(const struct cql_type *t, const struct bind_value *cur,
                    const struct restrict_relvals *rv)
{
    for (uint32_t i = 0; i < rv->nin; i++)
        if (compare(t, cur, AST_OP_EQ, &rv->in[i])) return true;
    return false;
}

static bool collection_has(const struct cql_type *t, const struct bind_value *cur,
                           const struct bind_value *v, bool keys)
{
    if (cur->kind != BIND_VALUE || v->kind != BIND_VALUE || cur->len < 4) return false;
    uint32_t n = be32_load(cur->p);
    size_t pos = 4;
    bool map = t->id == CQL_MAP;
    const struct cql_type *et = map && !keys ? t->sub[1] : t->sub[0];
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *k, *e;
        size_t kl, el;
        if (cql_value_next_elem(cur->p, cur->len, &pos, &k, &kl) < 0) return false;
        e = k;
        el = kl;
        if (map && cql_value_next_elem(cur->p, cur->len, &pos, &e, &el) < 0) return false;
        if (keys ? (k && !cql_value_compare(et, k, kl, v->p, v->len))
                 : (e && !cql_value_compare(et, e, el, v->p, v->len)))
            return true;
    }
    return false;
}

/* The element c[key] or field c.f of a current value (null when absent). */
static void sub_value(const struct cql_type *t, const struct ast_relation *rel,
                      const struct restrict_relvals *rv, const struct bind_value *cur,
                      struct bind_value *out, const struct cql_type **et)
{
    *out = (struct bind_value){.kind = BIND_NULL};
    size_t pos = 0;
    if (rel->kind == AST_REL_FIELD) {
        uint16_t f = 0;
        while (f < t->nsub && strcmp(t->field_names[f], rel->field.name) != 0)
            f++;
        *et = f < t->nsub ? t->sub[f] : t;
        for (uint16_t i = 0; cur->kind == BIND_VALUE && i <= f && i < t->nsub; i++) {
            const uint8_t *e;
            size_t el;
            int k = cql_value_next_elem(cur->p, cur->len, &pos, &e, &el);
            if (k < 0) return;
            if (i == f && k > 0) *out = (struct bind_value){BIND_VALUE, (uint32_t)el, e};
        }
        return;
    }
    *et = t->id == CQL_MAP ? t->sub[1] : t->sub[0];
    if (cur->kind != BIND_VALUE || rv->key.kind != BIND_VALUE || cur->len < 4) return;
    uint32_t n = be32_load(cur->p);
    int32_t idx = t->id == CQL_LIST && rv->key.len == 4 ? (int32_t)be32_load(rv->key.p) : -1;
    pos = 4;
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *k, *e;
        size_t kl, el;
        if (cql_value_next_elem(cur->p, cur->len, &pos, &k, &kl) < 0) return;
        if (t->id == CQL_LIST) {
            if ((int32_t)i == idx && k) *out = (struct bind_value){BIND_VALUE, (uint32_t)kl, k};
            continue;
        }
        if (cql_value_next_elem(cur->p, cur->len, &pos, &e, &el) < 0) return;
        if (k && e && !cql_value_compare(t->sub[0], k, kl, rv->key.p, rv->key.len))
            *out = (struct bind_value){BIND_VALUE, (uint32_t)el, e};
    }
}

static bool cond_holds(const struct table_schema *t, const struct ast_relation *rel,
                       const struct restrict_relvals *rv, const struct selection_row *r)
{
    const struct column_def *d = table_schema_column(t, rel->columns[0].name);
    struct bind_value cur;
    selection_get(r, (uint16_t)(d - t->columns), &cur);
    const struct cql_type *ct = d->type;
    if (rel->kind != AST_REL_COLUMN) {
        struct bind_value sub;
        sub_value(ct, rel, rv, &cur, &sub, &ct);
        cur = sub;
    }
    switch (rel->op) {
    case AST_OP_IN:
        return in_list(ct, &cur, rv);
    case AST_OP_CONTAINS:
        return collection_has(ct, &cur, &rv->value, false);
    case AST_OP_CONTAINS_KEY:
        return collection_has(ct, &cur, &rv->value, true);
    default:
        return compare(ct, &cur, rel->op, &rv->value);
    }
}

bool dml_cond_holds(const struct table_schema *t, const struct ast_relation *rel,
                    const struct restrict_relvals *rv, const struct selection_row *r)
{
    return cond_holds(t, rel, rv, r);
}

int dml_cond_bind_rel(struct bind_env *env, const struct table_schema *t,
                      const struct ast_relation *rel, uint16_t col, struct restrict_relvals *out,
                      struct errmsg *em)
{
    if (rel->kind != AST_REL_FIELD) return restrict_bind_rel(env, t, rel, col, out, em);
    memset(out, 0, sizeof *out);
    const struct cql_type *ct = t->columns[col].type;
    uint16_t f;
    int rc = dml_udt_field(ct, rel->field.name, t->columns[col].name, &f, em);
    if (rc) return rc;
    struct bind_recv r = restrict_col_recv(t, col);
    struct bind_recv fr = bind_recv_sub(env->arena, &r, "", ct->sub[f]);
    fr.name = arena_printf(env->arena, "%s.%s", t->columns[col].name, rel->field.name);
    if (rel->op != AST_OP_IN) return bind_term(env, rel->value, &fr, &out->value, em);
    out->nin = rel->in_values.n;
    out->in = arena_zalloc(env->arena, (out->nin + 1) * sizeof *out->in);
    for (uint32_t i = 0; i < out->nin; i++)
        if ((rc = bind_term(env, rel->in_values.items[i], &fr, &out->in[i], em))) return rc;
    return 0;
}

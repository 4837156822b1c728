/*
 * select: SELECT analysis (see select.h); execution is in select_exec.c.
 */
#include "node/cql/select.h"

#include <string.h>

#include "node/cql/vtable.h"

static int check_distinct(const struct select_plan *p, const struct table_schema *t,
                          struct arena *a, struct errmsg *em)
{
    const struct selection *sel = p->sel;
    bool *seen = arena_zalloc(a, t->npk + 1);
    for (uint32_t i = 0; i < sel->n; i++) {
        const struct selection_node *n = sel->nodes[i];
        if (n->kind != SEL_COLUMN) continue;
        const struct column_def *c = &t->columns[n->col];
        if (c->kind == COLUMN_PARTITION_KEY)
            seen[c->position] = true;
        else if (c->kind != COLUMN_STATIC)
            return errmsg_set(em, ERR_INVALID,
                              "SELECT DISTINCT queries must only request partition key columns "
                              "and/or static columns (not %s)",
                              c->name);
    }
    for (uint16_t k = 0; k < t->npk; k++)
        if (!seen[k])
            return errmsg_set(em, ERR_INVALID,
                              "SELECT DISTINCT queries must request all the partition key columns "
                              "(missing %s)",
                              t->columns[k].name);
    if (p->where->ck_any)
        return errmsg_set(
            em, ERR_INVALID,
            "SELECT DISTINCT with WHERE clause only supports restriction by partition "
            "key and/or static columns.");
    if (p->ast->per_partition_limit)
        return errmsg_set(em, ERR_INVALID,
                          "PER PARTITION LIMIT is not allowed with SELECT DISTINCT queries");
    return 0;
}

static bool restricted_by_eq(const struct restrict_plan *w, uint16_t pos)
{
    if (w->ck_multi) return pos < w->multi_n && w->ck_multi->op == AST_OP_EQ;
    return w->ck[pos] && w->ck[pos]->op == AST_OP_EQ;
}

static int check_order(struct select_plan *p, const struct table_schema *t, struct errmsg *em)
{
    const struct ast_select *s = p->ast;
    if (s->norder == 0) return 0;
    uint16_t next = 0;
    int dir = -1;
    for (uint32_t i = 0; i < s->norder; i++) {
        const struct column_def *c = table_schema_column(t, s->order[i].column.name);
        if (!c)
            return errmsg_set(em, ERR_INVALID, "Undefined column name %s", s->order[i].column.name);
        if (c->kind != COLUMN_CLUSTERING)
            return errmsg_set(em, ERR_INVALID,
                              "Order by is currently only supported on the clustered columns of "
                              "the PRIMARY KEY, got %s",
                              c->name);
        while (next < c->position && restricted_by_eq(p->where, next))
            next++;
        if (c->position != next)
            return errmsg_set(em, ERR_INVALID,
                              "Order by currently only supports the ordering of columns following "
                              "their declared order in the PRIMARY KEY");
        next++;
        int d = s->order[i].desc != c->reversed;
        if (dir >= 0 && d != dir)
            return errmsg_set(em, ERR_INVALID, "Unsupported order by relation");
        dir = d;
    }
    if (!p->where->pk_complete)
        return errmsg_set(em, ERR_INVALID,
                          "ORDER BY is only supported when the partition key is restricted by an "
                          "EQ or an IN.");
    p->reversed = dir == 1;
    p->post_order = p->where->pk_in;
    return 0;
}

/* A relation on an indexed column without ALLOW FILTERING: the index would be used. */
static int check_indexes(const struct catalog *c, const struct table_schema *t,
                         const struct ast_select *s, struct errmsg *em)
{
    const struct catalog_keyspace *ks = catalog_keyspace(c, t->keyspace);
    if (!ks || s->allow_filtering) return 0;
    for (uint32_t i = 0; i < s->nwhere; i++) {
        const struct ast_relation *r = &s->where[i];
        if (r->kind != AST_REL_COLUMN && r->kind != AST_REL_ELEMENT) continue;
        const struct column_def *col = table_schema_column(t, r->columns[0].name);
        if (!col || col->kind == COLUMN_PARTITION_KEY) continue;
        for (uint32_t k = 0; k < ks->nindexes; k++) {
            const struct catalog_index *ix = &ks->indexes[k];
            const char *target = str_map_get(&ix->options, "target");
            if (strcmp(ix->table, t->name) != 0 || !target) continue;
            if (strstr(target, col->name))
                return errmsg_set(em, ERR_INVALID,
                                  "Queries using secondary index %s are not supported by ringdb "
                                  "yet; add ALLOW FILTERING to filter instead",
                                  ix->name);
        }
    }
    return 0;
}

/* GROUP BY: a prefix of the primary key, in order, covering the partition key (a clustering
   column fixed by EQ may be left out, as Cassandra allows). */
static int check_group_by(struct select_plan *p, const struct table_schema *t, struct errmsg *em)
{
    const struct ast_term_list *g = &p->ast->group_by;
    uint16_t next = 0;
    for (uint32_t i = 0; i < g->n; i++) {
        const struct ast_term *term = g->items[i];
        const struct column_def *c =
            term->kind == AST_T_COLUMN ? table_schema_column(t, term->u.column.name) : NULL;
        if (term->kind == AST_T_COLUMN && !c)
            return errmsg_set(em, ERR_INVALID, "Undefined column name %s", term->u.column.name);
        if (!c || (c->kind != COLUMN_PARTITION_KEY && c->kind != COLUMN_CLUSTERING))
            return errmsg_set(em, ERR_INVALID,
                              "Group by is currently only supported on the columns of the PRIMARY "
                              "KEY, got %s",
                              c ? c->name : "an expression");
        uint16_t idx = (uint16_t)(c - t->columns);
        while (next < idx && next >= t->npk &&
               restricted_by_eq(p->where, (uint16_t)(next - t->npk)))
            next++;
        if (idx != next)
            return errmsg_set(em, ERR_INVALID,
                              "Group by currently only support groups of columns following their "
                              "declared order in the PRIMARY KEY");
        next++;
    }
    if (next < t->npk)
        return errmsg_set(em, ERR_INVALID,
                          "Group by currently only support groups of columns following their "
                          "declared order in the PRIMARY KEY");
    if (p->ast->distinct)
        return errmsg_set(em, ERR_INVALID,
                          "Grouping on DISTINCT queries is not currently supported");
    if (p->ast->per_partition_limit)
        return errmsg_set(em, ERR_INVALID,
                          "PER PARTITION LIMIT with GROUP BY is not supported by ringdb yet");
    p->ngroup = next;
    return 0;
}

static int prepare_limits(struct bind_env *env, struct select_plan *p, const struct stmt *st,
                          struct errmsg *em)
{
    struct bind_value v;
    int rc = 0;
    p->limit_recv = bind_recv_native("[limit]", CQL_INT);
    p->pp_limit_recv = bind_recv_native("[per_partition_limit]", CQL_INT);
    p->limit_recv.keyspace = p->pp_limit_recv.keyspace = st->keyspace;
    p->limit_recv.table = p->pp_limit_recv.table = st->table->name;
    if (p->ast->limit) rc = bind_term(env, p->ast->limit, &p->limit_recv, &v, em);
    if (rc == 0 && p->ast->per_partition_limit)
        rc = bind_term(env, p->ast->per_partition_limit, &p->pp_limit_recv, &v, em);
    return rc;
}

int select_prepare(struct bind_env *env, const struct catalog *c, const char *keyspace,
                   const struct ast_stmt *ast, struct stmt *st, struct errmsg *em)
{
    const struct ast_select *s = &ast->u.select;
    int rc = stmt_resolve_table(c, keyspace, &s->table, &st->keyspace, &st->table, &st->vt, em);
    if (rc) return rc;
    const struct table_schema *t = st->table;
    struct select_plan *p = arena_zalloc(env->arena, sizeof *p);
    p->ast = s;
    env->table = t;
    if ((rc = selection_prepare(env, t, s, &p->sel, em))) return rc;
    if ((rc = check_indexes(c, t, s, em))) return rc;
    if ((rc = restrict_prepare(env, t, s->where, s->nwhere, RESTRICT_SELECT, s->allow_filtering,
                               &p->where, em)))
        return rc;
    if (p->sel->static_only && p->where->ck_any)
        return errmsg_set(em, ERR_INVALID,
                          "Cannot restrict clustering columns when selecting only static columns");
    if (s->distinct && (rc = check_distinct(p, t, env->arena, em))) return rc;
    if ((rc = check_order(p, t, em))) return rc;
    if (s->group_by.n && (rc = check_group_by(p, t, em))) return rc;
    if ((rc = prepare_limits(env, p, st, em))) return rc;
    p->static_read = s->distinct;
    /* A partition with only static content is a row when a static column is selected and the
       query restricts no clustering or regular column (CASSANDRA-16686). */
    p->full_partitions = !p->where->ck_any && !p->where->has_regular_filters && p->sel->has_static;
    st->select = p;
    st->result = &p->sel->meta;
    return 0;
}

/*
 * dml: analysis of INSERT, UPDATE and DELETE (see dml.h). Binding and applying are in
 * dml_exec.c and dml_ops.c, read-before-write in dml_prefetch.c, conditions in dml_cond.c.
 */
#include "node/cql/dml.h"

#include <string.h>

#include "node/cql/ast_print.h"
#include "node/cql/dml_int.h"
#include "node/cql/vtable.h"

static const char *op_text(struct arena *a, const struct ast_update_op *op)
{
    struct buf b;
    buf_init(&b);
    ast_print_ident(op->column.name, &b);
    switch (op->kind) {
    case AST_UPD_ADD:
        buf_printf(&b, " = %s + ", op->column.name);
        break;
    case AST_UPD_SUB:
        buf_printf(&b, " = %s - ", op->column.name);
        break;
    case AST_UPD_PREPEND:
        buf_append(&b, " = ", 3);
        break;
    case AST_UPD_SET_ELEMENT:
        buf_put_u8(&b, '[');
        ast_print_term(op->key, &b);
        buf_append(&b, "] = ", 4);
        break;
    case AST_UPD_SET_FIELD:
        buf_printf(&b, ".%s = ", op->field.name);
        break;
    default:
        buf_append(&b, " = ", 3);
    }
    ast_print_term(op->value, &b);
    if (op->kind == AST_UPD_PREPEND) buf_printf(&b, " + %s", op->column.name);
    char *s = arena_strndup(a, (const char *)b.data, b.len);
    buf_deinit(&b);
    return s;
}

const struct cql_type *dml_set_of(struct arena *a, const struct cql_type *elem)
{
    struct cql_type *st = arena_zalloc(a, sizeof *st);
    const struct cql_type **sub = arena_zalloc(a, sizeof *sub);
    sub[0] = elem;
    st->id = CQL_SET;
    st->nsub = 1;
    st->sub = sub;
    return st;
}

int dml_udt_field(const struct cql_type *udt, const char *name, const char *col, uint16_t *out,
                  struct errmsg *em)
{
    for (uint16_t f = 0; f < udt->nsub; f++)
        if (strcmp(udt->field_names[f], name) == 0) {
            *out = f;
            return 0;
        }
    return errmsg_set(em, ERR_INVALID, "UDT column %s does not have a field named %s", col, name);
}

static int find_column(const struct table_schema *t, const char *name, uint16_t *col,
                       struct errmsg *em)
{
    const struct column_def *d = table_schema_column(t, name);
    if (!d) return errmsg_set(em, ERR_INVALID, "Undefined column name %s", name);
    *col = (uint16_t)(d - t->columns);
    return 0;
}

static const char *missing(struct arena *a, const struct table_schema *t, const bool *given,
                           uint16_t first, uint16_t n)
{
    const struct column_def **cols = arena_zalloc(a, (n + 1) * sizeof *cols);
    uint32_t k = 0;
    for (uint16_t i = first; i < first + n; i++)
        if (!given[i]) cols[k++] = &t->columns[i];
    return k ? restrict_join_names(a, cols, k) : NULL;
}

static int prepare_insert(struct bind_env *env, const struct table_schema *t,
                          const struct ast_insert *ins, struct dml_plan *p, struct errmsg *em)
{
    struct arena *a = env->arena;
    struct bind_value v;
    if (ins->json) {
        p->json = true;
        p->default_unset = ins->default_unset;
        p->json_value = ins->json_value;
        p->json_recv =
            (struct bind_recv){t->keyspace, t->name, "[json]", cql_type_native(CQL_VARCHAR), NULL};
        return bind_term(env, ins->json_value, &p->json_recv, &v, em);
    }
    bool *given = arena_zalloc(a, t->ncolumns + 1);
    p->nvalues = ins->ncolumns;
    p->cols = arena_zalloc(a, (ins->ncolumns + 1) * sizeof *p->cols);
    p->values = arena_zalloc(a, (ins->ncolumns + 1) * sizeof *p->values);
    p->recvs = arena_zalloc(a, (ins->ncolumns + 1) * sizeof *p->recvs);
    bool any_regular = false;
    for (uint32_t i = 0; i < ins->ncolumns; i++) {
        uint16_t col = 0;
        int rc = find_column(t, ins->columns[i].name, &col, em);
        if (rc) return rc;
        if (given[col])
            return errmsg_set(em, ERR_INVALID, "Multiple definitions found for column %s",
                              t->columns[col].name);
        given[col] = true;
        any_regular |= t->columns[col].kind == COLUMN_REGULAR;
        p->cols[i] = col;
        p->values[i] = ins->values[i];
        p->recvs[i] = restrict_col_recv(t, col);
        if ((rc = bind_term(env, ins->values[i], &p->recvs[i], &v, em))) return rc;
    }
    const char *m = missing(a, t, given, 0, t->npk);
    if (m) return errmsg_set(em, ERR_INVALID, "Some partition key parts are missing: %s", m);
    m = missing(a, t, given, t->npk, t->nck);
    bool any_static = false;
    for (uint16_t i = t->npk + t->nck; i < t->ncolumns; i++)
        any_static |= given[i] && t->columns[i].kind == COLUMN_STATIC;
    if (m && (any_regular || !any_static))
        return errmsg_set(em, ERR_INVALID, "Some clustering keys are missing: %s", m);
    p->static_only = m != NULL;
    return 0;
}

static int prepare_update_op(struct bind_env *env, const struct table_schema *t,
                             const struct ast_update_op *op, struct dml_op *o, struct errmsg *em)
{
    struct arena *a = env->arena;
    int rc = find_column(t, op->column.name, &o->col, em);
    if (rc) return rc;
    const struct column_def *d = &t->columns[o->col];
    const struct cql_type *ct = d->type;
    if (d->kind == COLUMN_PARTITION_KEY || d->kind == COLUMN_CLUSTERING)
        return errmsg_set(em, ERR_INVALID, "PRIMARY KEY part %s found in SET part", d->name);
    struct bind_recv r = restrict_col_recv(t, o->col);
    o->value = op->value;
    o->value_recv = r;
    bool coll = cql_type_is_collection(ct), multi = cql_type_is_multicell(ct);
    switch (op->kind) {
    case AST_UPD_SET:
        o->kind = DML_SET;
        break;
    case AST_UPD_ADD:
    case AST_UPD_SUB:
    case AST_UPD_PREPEND:
        o->kind = op->kind == AST_UPD_ADD   ? DML_ADD
                  : op->kind == AST_UPD_SUB ? DML_SUB
                                            : DML_PREPEND;
        if (!coll)
            return errmsg_set(em, ERR_INVALID, "Invalid operation (%s) for non counter column %s",
                              op_text(a, op), d->name);
        if (!multi)
            return errmsg_set(em, ERR_INVALID,
                              "Invalid operation (%s) for frozen collection column %s",
                              op_text(a, op), d->name);
        if (o->kind == DML_PREPEND && ct->id != CQL_LIST)
            return errmsg_set(em, ERR_INVALID, "Invalid operation (%s) for non list column %s",
                              op_text(a, op), d->name);
        if (o->kind == DML_SUB && ct->id == CQL_MAP) o->value_recv.type = dml_set_of(a, ct->sub[0]);
        o->needs_read = o->kind == DML_SUB && ct->id == CQL_LIST;
        break;
    case AST_UPD_SET_ELEMENT:
        o->kind = DML_SET_ELEMENT;
        o->key = op->key;
        if (!coll || ct->id == CQL_SET)
            return errmsg_set(em, ERR_INVALID, "Invalid operation (%s) for non %s column %s",
                              op_text(a, op), ct->id == CQL_SET ? "list/map" : "collection",
                              d->name);
        if (!multi)
            return errmsg_set(em, ERR_INVALID,
                              "Invalid operation (%s) for frozen collection column %s",
                              op_text(a, op), d->name);
        if (ct->id == CQL_MAP) {
            o->key_recv = bind_recv_sub(a, &r, "key(%s)", ct->sub[0]);
            o->value_recv = bind_recv_sub(a, &r, "value(%s)", ct->sub[1]);
        } else {
            o->key_recv = bind_recv_sub(a, &r, "idx(%s)", cql_type_native(CQL_INT));
            o->value_recv = bind_recv_sub(a, &r, "value(%s)", ct->sub[0]);
            o->needs_read = true;
        }
        break;
    case AST_UPD_SET_FIELD:
        o->kind = DML_SET_FIELD;
        if (ct->id != CQL_UDT)
            return errmsg_set(em, ERR_INVALID, "Invalid operation (%s) for non-UDT column %s",
                              op_text(a, op), d->name);
        if (!multi)
            return errmsg_set(em, ERR_INVALID, "Invalid operation (%s) for frozen UDT column %s",
                              op_text(a, op), d->name);
        if ((rc = dml_udt_field(ct, op->field.name, d->name, &o->field, em))) return rc;
        o->value_recv = bind_recv_sub(a, &r, "", ct->sub[o->field]);
        o->value_recv.name = arena_printf(a, "%s.%s", d->name, op->field.name);
        break;
    }
    struct bind_value v;
    if (o->key && (rc = bind_term(env, o->key, &o->key_recv, &v, em))) return rc;
    return bind_term(env, o->value, &o->value_recv, &v, em);
}

static int prepare_delete_op(struct bind_env *env, const struct table_schema *t,
                             const struct ast_delete_op *op, struct dml_op *o, struct errmsg *em)
{
    struct arena *a = env->arena;
    int rc = find_column(t, op->column.name, &o->col, em);
    if (rc) return rc;
    const struct column_def *d = &t->columns[o->col];
    const struct cql_type *ct = d->type;
    if (d->kind == COLUMN_PARTITION_KEY || d->kind == COLUMN_CLUSTERING)
        return errmsg_set(em, ERR_INVALID,
                          "Invalid identifier %s for deletion (should not be a PRIMARY KEY part)",
                          d->name);
    struct bind_recv r = restrict_col_recv(t, o->col);
    if (op->kind == AST_DEL_COLUMN) {
        o->kind = DML_DEL_COLUMN;
        return 0;
    }
    if (op->kind == AST_DEL_FIELD) {
        o->kind = DML_DEL_FIELD;
        if (ct->id != CQL_UDT || !cql_type_is_multicell(ct))
            return errmsg_set(em, ERR_INVALID, "Invalid deletion operation for %s column %s",
                              ct->id == CQL_UDT ? "frozen UDT" : "non-UDT", d->name);
        return dml_udt_field(ct, op->field.name, d->name, &o->field, em);
    }
    o->kind = DML_DEL_ELEMENT;
    o->key = op->key;
    if (!cql_type_is_collection(ct))
        return errmsg_set(em, ERR_INVALID,
                          "Invalid deletion operation for non collection column %s", d->name);
    if (!cql_type_is_multicell(ct))
        return errmsg_set(em, ERR_INVALID,
                          "Invalid deletion operation for frozen collection column %s", d->name);
    if (ct->id == CQL_LIST) {
        o->key_recv = bind_recv_sub(a, &r, "idx(%s)", cql_type_native(CQL_INT));
        o->needs_read = true;
    } else {
        o->key_recv = bind_recv_sub(a, &r, "key(%s)", ct->sub[0]);
    }
    struct bind_value v;
    return bind_term(env, o->key, &o->key_recv, &v, em);
}

/* Clustering rules for UPDATE/DELETE once the operations are known. */
static int check_clustering(const struct table_schema *t, struct dml_plan *p, bool has_ops,
                            struct arena *a, struct errmsg *em)
{
    const struct restrict_plan *w = p->where;
    const char *what = p->kind == AST_UPDATE ? "UPDATE" : "DELETE";
    if (p->static_only) {
        if (w->ck_any)
            return errmsg_set(em, ERR_INVALID,
                              "Invalid restrictions on clustering columns since the %s statement "
                              "modifies only static columns",
                              what);
        return 0;
    }
    bool full = w->nprefix == t->nck && !w->ck_lo && !w->ck_hi;
    if (full) return 0;
    if (p->kind == AST_DELETE && !has_ops) return 0; /* range deletion */
    if (p->kind == AST_DELETE)
        return errmsg_set(em, ERR_INVALID,
                          "Range deletions are not supported for specific columns");
    if (w->ck_lo || w->ck_hi)
        return errmsg_set(em, ERR_INVALID,
                          "Slice restrictions are not supported on the clustering columns in "
                          "UPDATE statements");
    bool *given = arena_zalloc(a, t->ncolumns + 1);
    for (uint16_t i = 0; i < w->nprefix; i++)
        given[t->npk + i] = true;
    return errmsg_set(em, ERR_INVALID, "Some clustering keys are missing: %s",
                      missing(a, t, given, t->npk, t->nck));
}

static int prepare_ops(struct bind_env *env, const struct table_schema *t,
                       const struct ast_stmt *ast, struct dml_plan *p, struct errmsg *em)
{
    bool upd = ast->kind == AST_UPDATE;
    p->nops = upd ? ast->u.update.nops : ast->u.del.nops;
    p->ops = arena_zalloc(env->arena, (p->nops + 1) * sizeof *p->ops);
    bool any_static = false, any_regular = false;
    for (uint32_t i = 0; i < p->nops; i++) {
        int rc = upd ? prepare_update_op(env, t, &ast->u.update.ops[i], &p->ops[i], em)
                     : prepare_delete_op(env, t, &ast->u.del.ops[i], &p->ops[i], em);
        if (rc) return rc;
        bool st = t->columns[p->ops[i].col].kind == COLUMN_STATIC;
        any_static |= st;
        any_regular |= !st;
        p->needs_read |= p->ops[i].needs_read;
    }
    p->static_only = any_static && !any_regular;
    const struct ast_relation *where = upd ? ast->u.update.where : ast->u.del.where;
    uint32_t nwhere = upd ? ast->u.update.nwhere : ast->u.del.nwhere;
    int rc = restrict_prepare(env, t, where, nwhere, RESTRICT_MODIFY, false, &p->where, em);
    if (rc == 0) rc = check_clustering(t, p, p->nops > 0, env->arena, em);
    return rc;
}

static int prepare_attrs(struct bind_env *env, const struct stmt *st, const struct ast_attrs *at,
                         struct dml_plan *p, struct errmsg *em)
{
    struct bind_value v;
    int rc = 0;
    p->ts = at->timestamp;
    p->ttl = at->ttl;
    p->ts_recv = bind_recv_native("[timestamp]", CQL_BIGINT);
    p->ttl_recv = bind_recv_native("[ttl]", CQL_INT);
    p->ts_recv.keyspace = p->ttl_recv.keyspace = st->keyspace;
    p->ts_recv.table = p->ttl_recv.table = st->table->name;
    if (p->ttl && p->kind == AST_DELETE)
        return errmsg_set(em, ERR_INVALID, "TTL attribute is not allowed for deletes");
    if (p->ts) rc = bind_term(env, p->ts, &p->ts_recv, &v, em);
    if (rc == 0 && p->ttl) rc = bind_term(env, p->ttl, &p->ttl_recv, &v, em);
    return rc;
}

static int check_table(const struct stmt *st, struct errmsg *em)
{
    const struct table_schema *t = st->table;
    if (catalog_is_local_system_keyspace(st->keyspace))
        return errmsg_set(em, ERR_UNAUTHORIZED, "%s keyspace is not user-modifiable.",
                          st->keyspace);
    if (st->vt)
        return errmsg_set(em, ERR_INVALID, "Modification is not supported by table %s.%s",
                          st->keyspace, t->name);
    for (uint16_t i = 0; i < t->ncolumns; i++)
        if (t->columns[i].type->id == CQL_COUNTER)
            return errmsg_set(em, ERR_INVALID,
                              "Counter tables are not supported by ringdb yet (table %s.%s)",
                              st->keyspace, t->name);
    return 0;
}

int dml_prepare(struct bind_env *env, const struct catalog *c, const char *keyspace,
                const struct ast_stmt *ast, struct stmt *st, struct errmsg *em)
{
    const struct ast_qname *q = ast->kind == AST_INSERT   ? &ast->u.insert.table
                                : ast->kind == AST_UPDATE ? &ast->u.update.table
                                                          : &ast->u.del.table;
    int rc = stmt_resolve_table(c, keyspace, q, &st->keyspace, &st->table, &st->vt, em);
    if (rc == 0) rc = check_table(st, em);
    if (rc) return rc;
    const struct table_schema *t = st->table;
    env->table = t;
    struct dml_plan *p = arena_zalloc(env->arena, sizeof *p);
    p->kind = ast->kind;
    const struct ast_attrs *at = ast->kind == AST_INSERT   ? &ast->u.insert.attrs
                                 : ast->kind == AST_UPDATE ? &ast->u.update.attrs
                                                           : &ast->u.del.attrs;
    if (ast->kind == AST_INSERT)
        rc = prepare_insert(env, t, &ast->u.insert, p, em);
    else
        rc = prepare_ops(env, t, ast, p, em);
    if (rc == 0) rc = prepare_attrs(env, st, at, p, em);
    if (rc == 0) rc = dml_cond_prepare(env, t, ast, p, em);
    if (rc) return rc;
    st->dml = p;
    return 0;
}

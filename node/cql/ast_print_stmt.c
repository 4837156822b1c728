/*
 * ast_print_stmt: see ast_print_stmt.h. One printer per statement family, in the order of
 * the grammar summaries in parser_*.c. Optional clauses are printed only when present, and
 * always in one order (USING TTL before TIMESTAMP, CLUSTERING ORDER before other properties).
 */
#include "node/cql/ast_print_stmt.h"

#include <string.h>

#include "node/base/assert.h"
#include "node/cql/ast_print.h"

static void put(struct buf *out, const char *s)
{
    buf_append(out, s, strlen(s));
}

static void put_idents(const struct ast_ident *ids, uint32_t n, struct buf *out)
{
    for (uint32_t i = 0; i < n; i++) {
        if (i) put(out, ", ");
        ast_print_ident(ids[i].name, out);
    }
}

static void put_str(const char *s, struct buf *out)
{
    ast_print_string(s, (uint32_t)strlen(s), out);
}

static void print_attrs(const struct ast_attrs *a, struct buf *out)
{
    if (!a->ttl && !a->timestamp) return;
    put(out, " USING ");
    if (a->ttl) {
        put(out, "TTL ");
        ast_print_term(a->ttl, out);
        if (a->timestamp) put(out, " AND ");
    }
    if (a->timestamp) {
        put(out, "TIMESTAMP ");
        ast_print_term(a->timestamp, out);
    }
}

static void print_if(bool if_exists, const struct ast_relation *conds, uint32_t n, struct buf *out)
{
    if (if_exists) put(out, " IF EXISTS");
    for (uint32_t i = 0; i < n; i++) {
        put(out, i ? " AND " : " IF ");
        ast_print_relation(&conds[i], out);
    }
}

/* ---- DML ---- */

static void print_select(const struct ast_select *s, struct buf *out)
{
    put(out, "SELECT ");
    if (s->json) put(out, "JSON ");
    if (s->distinct) put(out, "DISTINCT ");
    if (s->nsel == 0) put(out, "*");
    for (uint32_t i = 0; i < s->nsel; i++) {
        if (i) put(out, ", ");
        ast_print_term(s->sel[i].expr, out);
        if (s->sel[i].alias) {
            put(out, " AS ");
            ast_print_ident(s->sel[i].alias, out);
        }
    }
    put(out, " FROM ");
    ast_print_qname(&s->table, out);
    ast_print_where(s->where, s->nwhere, out);
    for (uint32_t i = 0; i < s->group_by.n; i++) {
        put(out, i ? ", " : " GROUP BY ");
        ast_print_term(s->group_by.items[i], out);
    }
    for (uint32_t i = 0; i < s->norder; i++) {
        put(out, i ? ", " : " ORDER BY ");
        ast_print_ident(s->order[i].column.name, out);
        put(out, s->order[i].desc ? " DESC" : " ASC");
    }
    if (s->per_partition_limit) {
        put(out, " PER PARTITION LIMIT ");
        ast_print_term(s->per_partition_limit, out);
    }
    if (s->limit) {
        put(out, " LIMIT ");
        ast_print_term(s->limit, out);
    }
    if (s->allow_filtering) put(out, " ALLOW FILTERING");
}

static void print_insert(const struct ast_insert *s, struct buf *out)
{
    put(out, "INSERT INTO ");
    ast_print_qname(&s->table, out);
    if (s->json) {
        put(out, " JSON ");
        ast_print_term(s->json_value, out);
        if (s->default_unset) put(out, " DEFAULT UNSET");
    } else {
        put(out, " (");
        put_idents(s->columns, s->ncolumns, out);
        put(out, ") VALUES (");
        for (uint32_t i = 0; i < s->ncolumns; i++) {
            if (i) put(out, ", ");
            ast_print_term(s->values[i], out);
        }
        put(out, ")");
    }
    if (s->if_not_exists) put(out, " IF NOT EXISTS");
    print_attrs(&s->attrs, out);
}

static void print_update_op(const struct ast_update_op *op, struct buf *out)
{
    ast_print_ident(op->column.name, out);
    if (op->kind == AST_UPD_SET_ELEMENT) {
        put(out, "[");
        ast_print_term(op->key, out);
        put(out, "]");
    } else if (op->kind == AST_UPD_SET_FIELD) {
        put(out, ".");
        ast_print_ident(op->field.name, out);
    }
    put(out, " = ");
    if (op->kind == AST_UPD_ADD || op->kind == AST_UPD_SUB) {
        ast_print_ident(op->column.name, out);
        put(out, op->kind == AST_UPD_ADD ? " + " : " - ");
    }
    ast_print_term(op->value, out);
    if (op->kind == AST_UPD_PREPEND) {
        put(out, " + ");
        ast_print_ident(op->column.name, out);
    }
}

static void print_update(const struct ast_update *s, struct buf *out)
{
    put(out, "UPDATE ");
    ast_print_qname(&s->table, out);
    print_attrs(&s->attrs, out);
    for (uint32_t i = 0; i < s->nops; i++) {
        put(out, i ? ", " : " SET ");
        print_update_op(&s->ops[i], out);
    }
    ast_print_where(s->where, s->nwhere, out);
    print_if(s->if_exists, s->conds, s->nconds, out);
}

static void print_delete(const struct ast_delete *s, struct buf *out)
{
    put(out, "DELETE");
    for (uint32_t i = 0; i < s->nops; i++) {
        const struct ast_delete_op *op = &s->ops[i];
        put(out, i ? ", " : " ");
        ast_print_ident(op->column.name, out);
        if (op->kind == AST_DEL_ELEMENT) {
            put(out, "[");
            ast_print_term(op->key, out);
            put(out, "]");
        } else if (op->kind == AST_DEL_FIELD) {
            put(out, ".");
            ast_print_ident(op->field.name, out);
        }
    }
    put(out, " FROM ");
    ast_print_qname(&s->table, out);
    print_attrs(&s->attrs, out);
    ast_print_where(s->where, s->nwhere, out);
    print_if(s->if_exists, s->conds, s->nconds, out);
}

static void print_batch(const struct ast_batch *b, struct buf *out)
{
    static const char *const types[] = {[AST_BATCH_LOGGED] = "BEGIN BATCH",
                                        [AST_BATCH_UNLOGGED] = "BEGIN UNLOGGED BATCH",
                                        [AST_BATCH_COUNTER] = "BEGIN COUNTER BATCH"};
    put(out, types[b->type]);
    print_attrs(&b->attrs, out);
    for (uint32_t i = 0; i < b->n; i++) {
        put(out, " ");
        ast_print_stmt(b->stmts[i], out);
        put(out, ";");
    }
    put(out, " APPLY BATCH");
}

/* ---- DDL ---- */

static void print_keyspace(const struct ast_stmt *s, struct buf *out)
{
    const struct ast_keyspace_stmt *k = &s->u.keyspace;
    put(out, s->kind == AST_CREATE_KEYSPACE  ? "CREATE KEYSPACE "
             : s->kind == AST_ALTER_KEYSPACE ? "ALTER KEYSPACE "
                                             : "DROP KEYSPACE ");
    if (k->if_cond) put(out, s->kind == AST_CREATE_KEYSPACE ? "IF NOT EXISTS " : "IF EXISTS ");
    ast_print_ident(k->keyspace.name, out);
    if (k->props.n) {
        put(out, " WITH ");
        ast_print_props(&k->props, out);
    }
}

static void print_column_def(const struct ast_column_def *c, struct buf *out)
{
    ast_print_ident(c->name.name, out);
    put(out, " ");
    ast_print_type(c->type, out);
    if (c->is_static) put(out, " STATIC");
}

static void print_create_table(const struct ast_create_table *t, struct buf *out)
{
    put(out, t->if_not_exists ? "CREATE TABLE IF NOT EXISTS " : "CREATE TABLE ");
    ast_print_qname(&t->table, out);
    put(out, " (");
    for (uint32_t i = 0; i < t->ncolumns; i++) {
        print_column_def(&t->columns[i], out);
        put(out, ", ");
    }
    put(out, "PRIMARY KEY ((");
    put_idents(t->pk, t->npk, out);
    put(out, ")");
    for (uint32_t i = 0; i < t->nclustering; i++) {
        put(out, ", ");
        ast_print_ident(t->clustering[i].name, out);
    }
    put(out, "))");
    for (uint32_t i = 0; i < t->norder; i++) {
        put(out, i ? ", " : " WITH CLUSTERING ORDER BY (");
        ast_print_ident(t->order[i].column.name, out);
        put(out, t->order[i].desc ? " DESC" : " ASC");
    }
    if (t->norder) put(out, ")");
    if (t->props.n) {
        put(out, t->norder ? " AND " : " WITH ");
        ast_print_props(&t->props, out);
    }
}

static void print_alter_columns(const struct ast_alter *a, bool types, struct buf *out)
{
    if (a->ncolumns > 1) put(out, "(");
    for (uint32_t i = 0; i < a->ncolumns; i++) {
        if (i) put(out, ", ");
        if (types)
            print_column_def(&a->columns[i], out);
        else
            ast_print_ident(a->columns[i].name.name, out);
    }
    if (a->ncolumns > 1) put(out, ")");
}

static void print_alter(const struct ast_stmt *s, struct buf *out)
{
    const struct ast_alter *a = &s->u.alter;
    put(out, s->kind == AST_ALTER_TABLE ? "ALTER TABLE " : "ALTER TYPE ");
    if (a->if_exists) put(out, "IF EXISTS ");
    ast_print_qname(&a->name, out);
    switch (a->kind) {
    case AST_ALTER_TYPE_OF:
        put(out, " ALTER ");
        ast_print_ident(a->columns[0].name.name, out);
        put(out, " TYPE ");
        ast_print_type(a->columns[0].type, out);
        break;
    case AST_ALTER_ADD:
        put(out, a->column_cond ? " ADD IF NOT EXISTS " : " ADD ");
        print_alter_columns(a, true, out);
        break;
    case AST_ALTER_DROP:
        put(out, a->column_cond ? " DROP IF EXISTS " : " DROP ");
        print_alter_columns(a, false, out);
        if (a->drop_timestamp) {
            put(out, " USING TIMESTAMP ");
            ast_print_term(a->drop_timestamp, out);
        }
        break;
    case AST_ALTER_RENAME:
        put(out, a->column_cond ? " RENAME IF EXISTS " : " RENAME ");
        for (uint32_t i = 0; i < a->nrenames; i++) {
            if (i) put(out, " AND ");
            ast_print_ident(a->renames[i].from.name, out);
            put(out, " TO ");
            ast_print_ident(a->renames[i].to.name, out);
        }
        break;
    case AST_ALTER_WITH:
        put(out, " WITH ");
        ast_print_props(&a->props, out);
        break;
    }
}

static void print_create_type(const struct ast_create_type *t, struct buf *out)
{
    put(out, t->if_not_exists ? "CREATE TYPE IF NOT EXISTS " : "CREATE TYPE ");
    ast_print_qname(&t->name, out);
    put(out, " (");
    for (uint32_t i = 0; i < t->nfields; i++) {
        if (i) put(out, ", ");
        print_column_def(&t->fields[i], out);
    }
    put(out, ")");
}

static void print_create_index(const struct ast_create_index *ix, struct buf *out)
{
    static const char *const fns[] = {[AST_INDEX_SIMPLE] = "", [AST_INDEX_KEYS] = "KEYS(",
                                      [AST_INDEX_VALUES] = "VALUES(",
                                      [AST_INDEX_ENTRIES] = "ENTRIES(", [AST_INDEX_FULL] = "FULL("};
    put(out, ix->custom ? "CREATE CUSTOM INDEX " : "CREATE INDEX ");
    if (ix->if_not_exists) put(out, "IF NOT EXISTS ");
    if (ix->name) {
        ast_print_ident(ix->name, out);
        put(out, " ");
    }
    put(out, "ON ");
    ast_print_qname(&ix->table, out);
    put(out, " (");
    for (uint32_t i = 0; i < ix->ntargets; i++) {
        if (i) put(out, ", ");
        put(out, fns[ix->targets[i].kind]);
        ast_print_ident(ix->targets[i].column.name, out);
        if (ix->targets[i].kind != AST_INDEX_SIMPLE) put(out, ")");
    }
    put(out, ")");
    if (ix->using_class) {
        put(out, " USING ");
        put_str(ix->using_class, out);
    }
    if (ix->props.n) {
        put(out, " WITH ");
        ast_print_props(&ix->props, out);
    }
}

static void print_drop(const struct ast_stmt *s, struct buf *out)
{
    put(out, s->kind == AST_DROP_TABLE ? "DROP TABLE " : s->kind == AST_DROP_TYPE ? "DROP TYPE "
                                                                                  : "DROP INDEX ");
    if (s->u.drop.if_exists) put(out, "IF EXISTS ");
    ast_print_qname(&s->u.drop.name, out);
}

/* ---- auth ---- */

static void print_role_opts(const struct ast_role_opts *o, struct buf *out)
{
    const char *sep = " WITH ";
    if (o->password) {
        put(out, sep);
        put(out, "PASSWORD = ");
        put_str(o->password, out);
        sep = " AND ";
    }
    if (o->hashed_password) {
        put(out, sep);
        put(out, "HASHED PASSWORD = ");
        put_str(o->hashed_password, out);
        sep = " AND ";
    }
    if (o->login != AST_UNSET) {
        put(out, sep);
        put(out, o->login == AST_TRUE ? "LOGIN = true" : "LOGIN = false");
        sep = " AND ";
    }
    if (o->superuser != AST_UNSET) {
        put(out, sep);
        put(out, o->superuser == AST_TRUE ? "SUPERUSER = true" : "SUPERUSER = false");
        sep = " AND ";
    }
    if (o->options) {
        put(out, sep);
        put(out, "OPTIONS = ");
        ast_print_term(o->options, out);
        sep = " AND ";
    }
    if (o->has_dcs) {
        put(out, sep);
        put(out, o->dcs_all ? "ACCESS TO ALL DATACENTERS" : "ACCESS TO DATACENTERS {");
        for (uint32_t i = 0; !o->dcs_all && i < o->ndcs; i++) {
            if (i) put(out, ", ");
            put_str(o->dcs[i], out);
        }
        if (!o->dcs_all) put(out, "}");
    }
}

static void print_user_opts(const struct ast_role_opts *o, struct buf *out)
{
    if (o->password || o->hashed_password) {
        put(out, o->password ? " WITH PASSWORD " : " WITH HASHED PASSWORD ");
        put_str(o->password ? o->password : o->hashed_password, out);
    }
    if (o->superuser != AST_UNSET) put(out, o->superuser == AST_TRUE ? " SUPERUSER" : " NOSUPERUSER");
}

static void print_role(const struct ast_stmt *s, struct buf *out)
{
    static const char *const verbs[] = {
        [AST_CREATE_ROLE] = "CREATE ROLE ", [AST_ALTER_ROLE] = "ALTER ROLE ",
        [AST_DROP_ROLE] = "DROP ROLE ",     [AST_CREATE_USER] = "CREATE USER ",
        [AST_ALTER_USER] = "ALTER USER ",   [AST_DROP_USER] = "DROP USER "};
    const struct ast_role_stmt *r = &s->u.role;
    bool user = s->kind == AST_CREATE_USER || s->kind == AST_ALTER_USER || s->kind == AST_DROP_USER;
    put(out, verbs[s->kind]);
    if (r->if_cond)
        put(out, s->kind == AST_CREATE_ROLE || s->kind == AST_CREATE_USER ? "IF NOT EXISTS "
                                                                          : "IF EXISTS ");
    if (user)
        put_str(r->name, out); /* a string keeps the case a user name keeps */
    else
        ast_print_ident(r->name, out);
    if (user)
        print_user_opts(&r->opts, out);
    else
        print_role_opts(&r->opts, out);
}

static void print_resource(const struct ast_resource *r, struct buf *out)
{
    switch (r->kind) {
    case AST_RES_ALL_KEYSPACES: put(out, "ALL KEYSPACES"); break;
    case AST_RES_KEYSPACE:
        put(out, "KEYSPACE ");
        ast_print_ident(r->name.name, out);
        break;
    case AST_RES_TABLE:
        put(out, "TABLE ");
        ast_print_qname(&r->name, out);
        break;
    case AST_RES_ALL_ROLES: put(out, "ALL ROLES"); break;
    case AST_RES_ROLE:
        put(out, "ROLE ");
        ast_print_ident(r->name.name, out);
        break;
    case AST_RES_ALL_FUNCTIONS: put(out, "ALL FUNCTIONS"); break;
    case AST_RES_ALL_FUNCTIONS_IN_KEYSPACE:
        put(out, "ALL FUNCTIONS IN KEYSPACE ");
        ast_print_ident(r->name.name, out);
        break;
    case AST_RES_FUNCTION:
        put(out, "FUNCTION ");
        ast_print_qname(&r->name, out);
        put(out, "(");
        for (uint32_t i = 0; i < r->nargs; i++) {
            if (i) put(out, ", ");
            ast_print_type(r->args[i], out);
        }
        put(out, ")");
        break;
    case AST_RES_ALL_MBEANS: put(out, "ALL MBEANS"); break;
    case AST_RES_MBEAN:
    case AST_RES_MBEANS:
        put(out, r->kind == AST_RES_MBEAN ? "MBEAN " : "MBEANS ");
        put_str(r->name.name, out);
        break;
    }
}

static void print_permissions(const struct ast_stmt *s, struct buf *out)
{
    static const char *const names[] = {"CREATE", "ALTER",     "DROP",     "SELECT",
                                        "MODIFY", "AUTHORIZE", "DESCRIBE", "EXECUTE"};
    const struct ast_permissions *pm = &s->u.perms;
    put(out, s->kind == AST_GRANT_PERMISSIONS    ? "GRANT "
             : s->kind == AST_REVOKE_PERMISSIONS ? "REVOKE "
                                                 : "LIST ");
    if (pm->all) {
        put(out, "ALL PERMISSIONS");
    } else {
        const char *sep = "";
        for (uint32_t i = 0; i < 8; i++) {
            if (!(pm->perms & (1u << i))) continue;
            put(out, sep);
            put(out, names[i]);
            sep = ", ";
        }
    }
    if (pm->has_resource) {
        put(out, " ON ");
        print_resource(&pm->resource, out);
    }
    if (s->kind == AST_LIST_PERMISSIONS) {
        if (pm->role) {
            put(out, " OF ");
            ast_print_ident(pm->role, out);
        }
        if (pm->norecursive) put(out, " NORECURSIVE");
        return;
    }
    put(out, s->kind == AST_GRANT_PERMISSIONS ? " TO " : " FROM ");
    ast_print_ident(pm->role, out);
}

/* ---- misc ---- */

static void print_describe(const struct ast_describe *d, struct buf *out)
{
    static const char *const kinds[] = {
        [AST_DESC_CLUSTER] = "CLUSTER",     [AST_DESC_SCHEMA] = "SCHEMA",
        [AST_DESC_KEYSPACES] = "KEYSPACES", [AST_DESC_KEYSPACE] = "KEYSPACE",
        [AST_DESC_TABLES] = "TABLES",       [AST_DESC_TABLE] = "TABLE",
        [AST_DESC_INDEX] = "INDEX",         [AST_DESC_VIEW] = "MATERIALIZED VIEW",
        [AST_DESC_TYPES] = "TYPES",         [AST_DESC_TYPE] = "TYPE",
        [AST_DESC_FUNCTIONS] = "FUNCTIONS", [AST_DESC_FUNCTION] = "FUNCTION",
        [AST_DESC_AGGREGATES] = "AGGREGATES", [AST_DESC_AGGREGATE] = "AGGREGATE",
        [AST_DESC_GENERIC] = ""};
    put(out, "DESCRIBE ");
    if (d->full) put(out, "FULL ");
    if (d->only) put(out, "ONLY ");
    put(out, kinds[d->kind]);
    if (d->has_name && d->kind == AST_DESC_GENERIC) ast_print_qname_strict(&d->name, out);
    if (d->has_name && d->kind != AST_DESC_GENERIC) {
        put(out, " ");
        ast_print_qname(&d->name, out);
    }
    if (d->with_internals) put(out, " WITH INTERNALS");
}

void ast_print_stmt(const struct ast_stmt *s, struct buf *out)
{
    switch (s->kind) {
    case AST_SELECT: print_select(&s->u.select, out); break;
    case AST_INSERT: print_insert(&s->u.insert, out); break;
    case AST_UPDATE: print_update(&s->u.update, out); break;
    case AST_DELETE: print_delete(&s->u.del, out); break;
    case AST_BATCH: print_batch(&s->u.batch, out); break;
    case AST_USE:
        put(out, "USE ");
        ast_print_ident(s->u.use.name, out);
        break;
    case AST_TRUNCATE:
        put(out, "TRUNCATE ");
        ast_print_qname(&s->u.truncate, out);
        break;
    case AST_CREATE_KEYSPACE:
    case AST_ALTER_KEYSPACE:
    case AST_DROP_KEYSPACE: print_keyspace(s, out); break;
    case AST_CREATE_TABLE: print_create_table(&s->u.create_table, out); break;
    case AST_ALTER_TABLE:
    case AST_ALTER_TYPE: print_alter(s, out); break;
    case AST_DROP_TABLE:
    case AST_DROP_TYPE:
    case AST_DROP_INDEX: print_drop(s, out); break;
    case AST_CREATE_TYPE: print_create_type(&s->u.create_type, out); break;
    case AST_CREATE_INDEX: print_create_index(&s->u.create_index, out); break;
    case AST_CREATE_ROLE:
    case AST_ALTER_ROLE:
    case AST_DROP_ROLE:
    case AST_CREATE_USER:
    case AST_ALTER_USER:
    case AST_DROP_USER: print_role(s, out); break;
    case AST_LIST_ROLES:
        put(out, "LIST ROLES");
        if (s->u.list_roles.of) {
            put(out, " OF ");
            ast_print_ident(s->u.list_roles.of, out);
        }
        if (s->u.list_roles.norecursive) put(out, " NORECURSIVE");
        break;
    case AST_LIST_USERS: put(out, "LIST USERS"); break;
    case AST_GRANT_ROLE:
    case AST_REVOKE_ROLE:
        put(out, s->kind == AST_GRANT_ROLE ? "GRANT " : "REVOKE ");
        ast_print_ident(s->u.grant_role.role, out);
        put(out, s->kind == AST_GRANT_ROLE ? " TO " : " FROM ");
        ast_print_ident(s->u.grant_role.grantee, out);
        break;
    case AST_GRANT_PERMISSIONS:
    case AST_REVOKE_PERMISSIONS:
    case AST_LIST_PERMISSIONS: print_permissions(s, out); break;
    case AST_DESCRIBE: print_describe(&s->u.describe, out); break;
    case AST_UNSUPPORTED: buf_append(out, s->u.unsupported.text, s->u.unsupported.text_len); break;
    case AST_STMT_KIND_COUNT: UNREACHABLE();
    }
}

char *ast_print_stmt_str(const struct ast_stmt *s, struct arena *a)
{
    struct buf b;
    buf_init(&b);
    ast_print_stmt(s, &b);
    char *out = arena_strndup(a, b.len ? (const char *)b.data : "", b.len);
    buf_deinit(&b);
    return out;
}

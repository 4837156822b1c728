/*
 * ast_equal: see ast_equal.h. One comparator per node type; positions are never compared.
 */
#include "node/cql/ast_equal.h"

#include <string.h>

#define EQ_ARRAY(a, na, b, nb, fn)                                                                 \
    do {                                                                                           \
        if ((na) != (nb)) return false;                                                            \
        for (uint32_t i_ = 0; i_ < (na); i_++)                                                     \
            if (!fn(&(a)[i_], &(b)[i_])) return false;                                             \
    } while (0)

static bool str_eq(const char *a, const char *b)
{
    if (!a || !b) return a == b;
    return strcmp(a, b) == 0;
}

static bool ident_eq(const struct ast_ident *a, const struct ast_ident *b)
{
    return str_eq(a->name, b->name);
}

static bool qname_eq(const struct ast_qname *a, const struct ast_qname *b)
{
    return str_eq(a->keyspace, b->keyspace) && str_eq(a->name, b->name);
}

static bool term_ptr_eq(struct ast_term *const *a, struct ast_term *const *b)
{
    return ast_equal_term(*a, *b);
}

static bool type_ptr_eq(struct ast_type *const *a, struct ast_type *const *b)
{
    return ast_equal_type(*a, *b);
}

static bool list_eq(const struct ast_term_list *a, const struct ast_term_list *b)
{
    EQ_ARRAY(a->items, a->n, b->items, b->n, term_ptr_eq);
    return true;
}

bool ast_equal_type(const struct ast_type *a, const struct ast_type *b)
{
    if (!a || !b) return a == b;
    if (a->kind != b->kind || a->frozen != b->frozen) return false;
    switch (a->kind) {
    case AST_TYPE_NATIVE: return a->native == b->native;
    case AST_TYPE_UDT: return qname_eq(&a->udt, &b->udt);
    case AST_TYPE_CUSTOM: return str_eq(a->custom_class, b->custom_class);
    default: EQ_ARRAY(a->sub, a->nsub, b->sub, b->nsub, type_ptr_eq); return true;
    }
}

static bool lit_eq(const struct ast_term *a, const struct ast_term *b)
{
    return a->u.lit.len == b->u.lit.len && a->u.lit.boolean == b->u.lit.boolean &&
           memcmp(a->u.lit.text, b->u.lit.text, a->u.lit.len) == 0;
}

static bool composite_eq(const struct ast_term *a, const struct ast_term *b)
{
    switch (a->kind) {
    case AST_T_MAP:
        EQ_ARRAY(a->u.map.keys, a->u.map.n, b->u.map.keys, b->u.map.n, term_ptr_eq);
        EQ_ARRAY(a->u.map.values, a->u.map.n, b->u.map.values, b->u.map.n, term_ptr_eq);
        return true;
    case AST_T_UDT:
        EQ_ARRAY(a->u.udt.fields, a->u.udt.n, b->u.udt.fields, b->u.udt.n, ident_eq);
        EQ_ARRAY(a->u.udt.values, a->u.udt.n, b->u.udt.values, b->u.udt.n, term_ptr_eq);
        return true;
    case AST_T_FUNCTION:
        return qname_eq(&a->u.func.name, &b->u.func.name) && list_eq(&a->u.func.args, &b->u.func.args);
    case AST_T_CAST:
    case AST_T_TYPE_HINT:
        return ast_equal_type(a->u.cast.type, b->u.cast.type) &&
               ast_equal_term(a->u.cast.arg, b->u.cast.arg);
    case AST_T_BINOP:
        return a->u.binop.op == b->u.binop.op && ast_equal_term(a->u.binop.left, b->u.binop.left) &&
               ast_equal_term(a->u.binop.right, b->u.binop.right);
    default: return list_eq(&a->u.list, &b->u.list); /* LIST, SET, TUPLE */
    }
}

bool ast_equal_term(const struct ast_term *a, const struct ast_term *b)
{
    if (!a || !b) return a == b;
    if (a->kind != b->kind) return false;
    switch (a->kind) {
    case AST_T_NULL:
    case AST_T_EMPTY_BRACES:
    case AST_T_COUNT_ROWS: return true;
    case AST_T_MARKER:
        return a->u.marker.index == b->u.marker.index && str_eq(a->u.marker.name, b->u.marker.name);
    case AST_T_NEGATE: return ast_equal_term(a->u.negate, b->u.negate);
    case AST_T_COLUMN: return ident_eq(&a->u.column, &b->u.column);
    case AST_T_FIELD:
        return ast_equal_term(a->u.field.base, b->u.field.base) &&
               ident_eq(&a->u.field.field, &b->u.field.field);
    case AST_T_ELEMENT:
        return ast_equal_term(a->u.element.base, b->u.element.base) &&
               ast_equal_term(a->u.element.key, b->u.element.key);
    case AST_T_SLICE:
        return ast_equal_term(a->u.slice.base, b->u.slice.base) &&
               ast_equal_term(a->u.slice.from, b->u.slice.from) &&
               ast_equal_term(a->u.slice.to, b->u.slice.to);
    case AST_T_WRITETIME:
    case AST_T_MAXWRITETIME:
    case AST_T_TTL: return ast_equal_term(a->u.of, b->u.of);
    default:
        if (a->kind <= AST_T_HEX) return lit_eq(a, b);
        return composite_eq(a, b);
    }
}

static bool relation_eq(const struct ast_relation *a, const struct ast_relation *b)
{
    if (a->kind != b->kind || a->op != b->op) return false;
    EQ_ARRAY(a->columns, a->ncolumns, b->columns, b->ncolumns, ident_eq);
    return ast_equal_term(a->key, b->key) && str_eq(a->field.name, b->field.name) &&
           ast_equal_term(a->value, b->value) && list_eq(&a->in_values, &b->in_values);
}

static bool attrs_eq(const struct ast_attrs *a, const struct ast_attrs *b)
{
    return ast_equal_term(a->timestamp, b->timestamp) && ast_equal_term(a->ttl, b->ttl);
}

static bool property_eq(const struct ast_property *a, const struct ast_property *b)
{
    return ident_eq(&a->name, &b->name) && ast_equal_term(a->value, b->value);
}

static bool props_eq(const struct ast_props *a, const struct ast_props *b)
{
    EQ_ARRAY(a->items, a->n, b->items, b->n, property_eq);
    return true;
}

static bool selector_eq(const struct ast_selector *a, const struct ast_selector *b)
{
    return str_eq(a->alias, b->alias) && ast_equal_term(a->expr, b->expr);
}

static bool ordering_eq(const struct ast_ordering *a, const struct ast_ordering *b)
{
    return a->desc == b->desc && ident_eq(&a->column, &b->column);
}

static bool select_eq(const struct ast_select *a, const struct ast_select *b)
{
    if (!qname_eq(&a->table, &b->table) || a->json != b->json || a->distinct != b->distinct ||
        a->allow_filtering != b->allow_filtering)
        return false;
    EQ_ARRAY(a->sel, a->nsel, b->sel, b->nsel, selector_eq);
    EQ_ARRAY(a->where, a->nwhere, b->where, b->nwhere, relation_eq);
    EQ_ARRAY(a->order, a->norder, b->order, b->norder, ordering_eq);
    return list_eq(&a->group_by, &b->group_by) &&
           ast_equal_term(a->per_partition_limit, b->per_partition_limit) &&
           ast_equal_term(a->limit, b->limit);
}

static bool insert_eq(const struct ast_insert *a, const struct ast_insert *b)
{
    if (!qname_eq(&a->table, &b->table) || a->json != b->json ||
        a->default_unset != b->default_unset || a->if_not_exists != b->if_not_exists)
        return false;
    EQ_ARRAY(a->columns, a->ncolumns, b->columns, b->ncolumns, ident_eq);
    EQ_ARRAY(a->values, a->ncolumns, b->values, b->ncolumns, term_ptr_eq);
    return ast_equal_term(a->json_value, b->json_value) && attrs_eq(&a->attrs, &b->attrs);
}

static bool update_op_eq(const struct ast_update_op *a, const struct ast_update_op *b)
{
    return a->kind == b->kind && ident_eq(&a->column, &b->column) &&
           ast_equal_term(a->key, b->key) && str_eq(a->field.name, b->field.name) &&
           ast_equal_term(a->value, b->value);
}

static bool update_eq(const struct ast_update *a, const struct ast_update *b)
{
    if (!qname_eq(&a->table, &b->table) || !attrs_eq(&a->attrs, &b->attrs) ||
        a->if_exists != b->if_exists)
        return false;
    EQ_ARRAY(a->ops, a->nops, b->ops, b->nops, update_op_eq);
    EQ_ARRAY(a->where, a->nwhere, b->where, b->nwhere, relation_eq);
    EQ_ARRAY(a->conds, a->nconds, b->conds, b->nconds, relation_eq);
    return true;
}

static bool delete_op_eq(const struct ast_delete_op *a, const struct ast_delete_op *b)
{
    return a->kind == b->kind && ident_eq(&a->column, &b->column) &&
           ast_equal_term(a->key, b->key) && str_eq(a->field.name, b->field.name);
}

static bool delete_eq(const struct ast_delete *a, const struct ast_delete *b)
{
    if (!qname_eq(&a->table, &b->table) || !attrs_eq(&a->attrs, &b->attrs) ||
        a->if_exists != b->if_exists)
        return false;
    EQ_ARRAY(a->ops, a->nops, b->ops, b->nops, delete_op_eq);
    EQ_ARRAY(a->where, a->nwhere, b->where, b->nwhere, relation_eq);
    EQ_ARRAY(a->conds, a->nconds, b->conds, b->nconds, relation_eq);
    return true;
}

static bool stmt_ptr_eq(struct ast_stmt *const *a, struct ast_stmt *const *b)
{
    return ast_equal_stmt(*a, *b);
}

static bool batch_eq(const struct ast_batch *a, const struct ast_batch *b)
{
    if (a->type != b->type || !attrs_eq(&a->attrs, &b->attrs)) return false;
    EQ_ARRAY(a->stmts, a->n, b->stmts, b->n, stmt_ptr_eq);
    return true;
}

static bool column_def_eq(const struct ast_column_def *a, const struct ast_column_def *b)
{
    return ident_eq(&a->name, &b->name) && a->is_static == b->is_static &&
           ast_equal_type(a->type, b->type);
}

static bool clustering_eq(const struct ast_clustering_order *a,
                          const struct ast_clustering_order *b)
{
    return a->desc == b->desc && ident_eq(&a->column, &b->column);
}

static bool create_table_eq(const struct ast_create_table *a, const struct ast_create_table *b)
{
    if (!qname_eq(&a->table, &b->table) || a->if_not_exists != b->if_not_exists) return false;
    EQ_ARRAY(a->columns, a->ncolumns, b->columns, b->ncolumns, column_def_eq);
    EQ_ARRAY(a->pk, a->npk, b->pk, b->npk, ident_eq);
    EQ_ARRAY(a->clustering, a->nclustering, b->clustering, b->nclustering, ident_eq);
    EQ_ARRAY(a->order, a->norder, b->order, b->norder, clustering_eq);
    return props_eq(&a->props, &b->props);
}

static bool rename_eq(const struct ast_rename *a, const struct ast_rename *b)
{
    return ident_eq(&a->from, &b->from) && ident_eq(&a->to, &b->to);
}

static bool alter_eq(const struct ast_alter *a, const struct ast_alter *b)
{
    if (!qname_eq(&a->name, &b->name) || a->if_exists != b->if_exists || a->kind != b->kind ||
        a->column_cond != b->column_cond)
        return false;
    EQ_ARRAY(a->columns, a->ncolumns, b->columns, b->ncolumns, column_def_eq);
    EQ_ARRAY(a->renames, a->nrenames, b->renames, b->nrenames, rename_eq);
    return ast_equal_term(a->drop_timestamp, b->drop_timestamp) && props_eq(&a->props, &b->props);
}

static bool index_target_eq(const struct ast_index_target *a, const struct ast_index_target *b)
{
    return a->kind == b->kind && ident_eq(&a->column, &b->column);
}

static bool create_index_eq(const struct ast_create_index *a, const struct ast_create_index *b)
{
    if (!qname_eq(&a->table, &b->table) || !str_eq(a->name, b->name) || a->custom != b->custom ||
        a->if_not_exists != b->if_not_exists || !str_eq(a->using_class, b->using_class))
        return false;
    EQ_ARRAY(a->targets, a->ntargets, b->targets, b->ntargets, index_target_eq);
    return props_eq(&a->props, &b->props);
}

static bool cstr_eq(const char *const *a, const char *const *b)
{
    return str_eq(*a, *b);
}

static bool role_eq(const struct ast_role_stmt *a, const struct ast_role_stmt *b)
{
    const struct ast_role_opts *x = &a->opts, *y = &b->opts;
    if (!str_eq(a->name, b->name) || a->if_cond != b->if_cond) return false;
    if (!str_eq(x->password, y->password) || !str_eq(x->hashed_password, y->hashed_password) ||
        x->login != y->login || x->superuser != y->superuser || x->has_dcs != y->has_dcs ||
        x->dcs_all != y->dcs_all || !ast_equal_term(x->options, y->options))
        return false;
    EQ_ARRAY(x->dcs, x->ndcs, y->dcs, y->ndcs, cstr_eq);
    return true;
}

static bool permissions_eq(const struct ast_permissions *a, const struct ast_permissions *b)
{
    if (a->perms != b->perms || a->all != b->all || a->has_resource != b->has_resource ||
        !str_eq(a->role, b->role) || a->norecursive != b->norecursive)
        return false;
    if (!a->has_resource) return true;
    const struct ast_resource *x = &a->resource, *y = &b->resource;
    if (x->kind != y->kind || !qname_eq(&x->name, &y->name)) return false;
    EQ_ARRAY(x->args, x->nargs, y->args, y->nargs, type_ptr_eq);
    return true;
}

static bool describe_eq(const struct ast_describe *a, const struct ast_describe *b)
{
    return a->kind == b->kind && a->has_name == b->has_name && qname_eq(&a->name, &b->name) &&
           a->full == b->full && a->only == b->only && a->with_internals == b->with_internals;
}

static bool marker_eq(const struct ast_marker *a, const struct ast_marker *b)
{
    return str_eq(a->name, b->name);
}

static bool body_eq(const struct ast_stmt *a, const struct ast_stmt *b)
{
    switch (a->kind) {
    case AST_SELECT: return select_eq(&a->u.select, &b->u.select);
    case AST_INSERT: return insert_eq(&a->u.insert, &b->u.insert);
    case AST_UPDATE: return update_eq(&a->u.update, &b->u.update);
    case AST_DELETE: return delete_eq(&a->u.del, &b->u.del);
    case AST_BATCH: return batch_eq(&a->u.batch, &b->u.batch);
    case AST_USE: return ident_eq(&a->u.use, &b->u.use);
    case AST_TRUNCATE: return qname_eq(&a->u.truncate, &b->u.truncate);
    case AST_CREATE_KEYSPACE:
    case AST_ALTER_KEYSPACE:
    case AST_DROP_KEYSPACE:
        return ident_eq(&a->u.keyspace.keyspace, &b->u.keyspace.keyspace) &&
               a->u.keyspace.if_cond == b->u.keyspace.if_cond &&
               props_eq(&a->u.keyspace.props, &b->u.keyspace.props);
    case AST_CREATE_TABLE: return create_table_eq(&a->u.create_table, &b->u.create_table);
    case AST_ALTER_TABLE:
    case AST_ALTER_TYPE: return alter_eq(&a->u.alter, &b->u.alter);
    case AST_DROP_TABLE:
    case AST_DROP_TYPE:
    case AST_DROP_INDEX:
        return qname_eq(&a->u.drop.name, &b->u.drop.name) &&
               a->u.drop.if_exists == b->u.drop.if_exists;
    case AST_CREATE_TYPE:
        if (!qname_eq(&a->u.create_type.name, &b->u.create_type.name) ||
            a->u.create_type.if_not_exists != b->u.create_type.if_not_exists)
            return false;
        EQ_ARRAY(a->u.create_type.fields, a->u.create_type.nfields, b->u.create_type.fields,
                 b->u.create_type.nfields, column_def_eq);
        return true;
    case AST_CREATE_INDEX: return create_index_eq(&a->u.create_index, &b->u.create_index);
    case AST_CREATE_ROLE:
    case AST_ALTER_ROLE:
    case AST_DROP_ROLE:
    case AST_CREATE_USER:
    case AST_ALTER_USER:
    case AST_DROP_USER: return role_eq(&a->u.role, &b->u.role);
    case AST_LIST_ROLES:
        return str_eq(a->u.list_roles.of, b->u.list_roles.of) &&
               a->u.list_roles.norecursive == b->u.list_roles.norecursive;
    case AST_LIST_USERS: return true;
    case AST_GRANT_ROLE:
    case AST_REVOKE_ROLE:
        return str_eq(a->u.grant_role.role, b->u.grant_role.role) &&
               str_eq(a->u.grant_role.grantee, b->u.grant_role.grantee);
    case AST_GRANT_PERMISSIONS:
    case AST_REVOKE_PERMISSIONS:
    case AST_LIST_PERMISSIONS: return permissions_eq(&a->u.perms, &b->u.perms);
    case AST_DESCRIBE: return describe_eq(&a->u.describe, &b->u.describe);
    case AST_UNSUPPORTED:
        return a->u.unsupported.kind == b->u.unsupported.kind &&
               qname_eq(&a->u.unsupported.name, &b->u.unsupported.name) &&
               a->u.unsupported.text_len == b->u.unsupported.text_len &&
               memcmp(a->u.unsupported.text, b->u.unsupported.text, a->u.unsupported.text_len) == 0;
    case AST_STMT_KIND_COUNT: break;
    }
    return false;
}

bool ast_equal_stmt(const struct ast_stmt *a, const struct ast_stmt *b)
{
    if (!a || !b) return a == b;
    if (a->kind != b->kind) return false;
    EQ_ARRAY(a->markers, a->nmarkers, b->markers, b->nmarkers, marker_eq);
    return body_eq(a, b);
}

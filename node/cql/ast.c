/*
 * ast: see ast.h. Constructors, names, what a statement touches, and deep equality (positions
 * ignored) for the parse -> print -> parse fixed-point tests and the fuzzer.
 */
#include "node/cql/ast.h"

#include <stdio.h>
#include <string.h>

#include "node/base/assert.h"
#include "node/base/buf.h"
#include "node/cql/ast_print.h"

struct ast_term *ast_term_new(struct arena *a, enum ast_term_kind kind, struct ast_pos pos)
{
    struct ast_term *t = arena_zalloc(a, sizeof *t);
    t->kind = kind;
    t->pos = pos;
    return t;
}

struct ast_type *ast_type_new(struct arena *a, enum ast_type_kind kind, struct ast_pos pos)
{
    struct ast_type *t = arena_zalloc(a, sizeof *t);
    t->kind = kind;
    t->pos = pos;
    return t;
}

struct ast_stmt *ast_stmt_new(struct arena *a, enum ast_stmt_kind kind, struct ast_pos pos)
{
    struct ast_stmt *s = arena_zalloc(a, sizeof *s);
    s->kind = kind;
    s->pos = pos;
    return s;
}

const char *ast_stmt_kind_name(enum ast_stmt_kind kind)
{
    static const char *const names[AST_STMT_KIND_COUNT] = {
        [AST_SELECT] = "SELECT",
        [AST_INSERT] = "INSERT",
        [AST_UPDATE] = "UPDATE",
        [AST_DELETE] = "DELETE",
        [AST_BATCH] = "BATCH",
        [AST_USE] = "USE",
        [AST_TRUNCATE] = "TRUNCATE",
        [AST_CREATE_KEYSPACE] = "CREATE KEYSPACE",
        [AST_ALTER_KEYSPACE] = "ALTER KEYSPACE",
        [AST_DROP_KEYSPACE] = "DROP KEYSPACE",
        [AST_CREATE_TABLE] = "CREATE TABLE",
        [AST_ALTER_TABLE] = "ALTER TABLE",
        [AST_DROP_TABLE] = "DROP TABLE",
        [AST_CREATE_TYPE] = "CREATE TYPE",
        [AST_ALTER_TYPE] = "ALTER TYPE",
        [AST_DROP_TYPE] = "DROP TYPE",
        [AST_CREATE_INDEX] = "CREATE INDEX",
        [AST_DROP_INDEX] = "DROP INDEX",
        [AST_CREATE_ROLE] = "CREATE ROLE",
        [AST_ALTER_ROLE] = "ALTER ROLE",
        [AST_DROP_ROLE] = "DROP ROLE",
        [AST_CREATE_USER] = "CREATE USER",
        [AST_ALTER_USER] = "ALTER USER",
        [AST_DROP_USER] = "DROP USER",
        [AST_LIST_ROLES] = "LIST ROLES",
        [AST_LIST_USERS] = "LIST USERS",
        [AST_GRANT_ROLE] = "GRANT ROLE",
        [AST_REVOKE_ROLE] = "REVOKE ROLE",
        [AST_GRANT_PERMISSIONS] = "GRANT PERMISSIONS",
        [AST_REVOKE_PERMISSIONS] = "REVOKE PERMISSIONS",
        [AST_LIST_PERMISSIONS] = "LIST PERMISSIONS",
        [AST_DESCRIBE] = "DESCRIBE",
        [AST_UNSUPPORTED] = "UNSUPPORTED",
    };
    if ((unsigned)kind >= AST_STMT_KIND_COUNT || !names[kind]) return "?";
    return names[kind];
}

const char *ast_rel_op_name(enum ast_rel_op op)
{
    static const char *const names[AST_OP_COUNT] = {
        [AST_OP_EQ] = "=",
        [AST_OP_LT] = "<",
        [AST_OP_LTE] = "<=",
        [AST_OP_GT] = ">",
        [AST_OP_GTE] = ">=",
        [AST_OP_NEQ] = "!=",
        [AST_OP_IN] = "IN",
        [AST_OP_CONTAINS] = "CONTAINS",
        [AST_OP_CONTAINS_KEY] = "CONTAINS KEY",
        [AST_OP_LIKE] = "LIKE",
        [AST_OP_IS_NOT_NULL] = "IS NOT",
    };
    if ((unsigned)op >= AST_OP_COUNT) return "?";
    return names[op];
}

uint32_t ast_resource_perms(enum ast_resource_kind kind)
{
    /* Cassandra's DataResource/RoleResource/FunctionResource/JMXResource applicablePermissions */
    const uint32_t ddl = AST_PERM_CREATE | AST_PERM_ALTER | AST_PERM_DROP;
    switch (kind) {
    case AST_RES_ALL_KEYSPACES:
    case AST_RES_KEYSPACE: return ddl | AST_PERM_SELECT | AST_PERM_MODIFY | AST_PERM_AUTHORIZE;
    case AST_RES_TABLE:
        return AST_PERM_ALTER | AST_PERM_DROP | AST_PERM_SELECT | AST_PERM_MODIFY |
               AST_PERM_AUTHORIZE;
    case AST_RES_ALL_ROLES: return ddl | AST_PERM_AUTHORIZE | AST_PERM_DESCRIBE;
    case AST_RES_ROLE: return AST_PERM_ALTER | AST_PERM_DROP | AST_PERM_AUTHORIZE;
    case AST_RES_ALL_FUNCTIONS:
    case AST_RES_ALL_FUNCTIONS_IN_KEYSPACE: return ddl | AST_PERM_AUTHORIZE | AST_PERM_EXECUTE;
    case AST_RES_FUNCTION:
        return AST_PERM_ALTER | AST_PERM_DROP | AST_PERM_AUTHORIZE | AST_PERM_EXECUTE;
    case AST_RES_ALL_MBEANS:
    case AST_RES_MBEAN:
    case AST_RES_MBEANS:
        return AST_PERM_AUTHORIZE | AST_PERM_DESCRIBE | AST_PERM_EXECUTE | AST_PERM_SELECT |
               AST_PERM_MODIFY;
    }
    return 0;
}

const struct ast_qname *ast_stmt_table(const struct ast_stmt *s)
{
    switch (s->kind) {
    case AST_SELECT: return &s->u.select.table;
    case AST_INSERT: return &s->u.insert.table;
    case AST_UPDATE: return &s->u.update.table;
    case AST_DELETE: return &s->u.del.table;
    case AST_TRUNCATE: return &s->u.truncate;
    case AST_CREATE_TABLE: return &s->u.create_table.table;
    case AST_ALTER_TABLE:
    case AST_ALTER_TYPE: return &s->u.alter.name;
    case AST_DROP_TABLE:
    case AST_DROP_TYPE:
    case AST_DROP_INDEX: return &s->u.drop.name;
    case AST_CREATE_TYPE: return &s->u.create_type.name;
    case AST_CREATE_INDEX: return &s->u.create_index.table;
    default: return NULL;
    }
}

const char *ast_stmt_keyspace(const struct ast_stmt *s)
{
    switch (s->kind) {
    case AST_USE: return s->u.use.name;
    case AST_CREATE_KEYSPACE:
    case AST_ALTER_KEYSPACE:
    case AST_DROP_KEYSPACE: return s->u.keyspace.keyspace.name;
    default: break;
    }
    const struct ast_qname *q = ast_stmt_table(s);
    return q ? q->keyspace : NULL;
}

const char *ast_qname_text(const struct ast_qname *q, char *buf, size_t size)
{
    ASSERT(size > 0);
    if (q->keyspace)
        snprintf(buf, size, "%s.%s", q->keyspace, q->name);
    else
        snprintf(buf, size, "%s", q->name);
    return buf;
}

bool ast_stmt_is_schema_change(const struct ast_stmt *s)
{
    switch (s->kind) {
    case AST_CREATE_KEYSPACE:
    case AST_ALTER_KEYSPACE:
    case AST_DROP_KEYSPACE:
    case AST_CREATE_TABLE:
    case AST_ALTER_TABLE:
    case AST_DROP_TABLE:
    case AST_CREATE_TYPE:
    case AST_ALTER_TYPE:
    case AST_DROP_TYPE:
    case AST_CREATE_INDEX:
    case AST_DROP_INDEX: return true;
    default: return false;
    }
}

bool ast_stmt_is_modification(const struct ast_stmt *s)
{
    return s->kind == AST_INSERT || s->kind == AST_UPDATE || s->kind == AST_DELETE ||
           s->kind == AST_BATCH;
}

bool ast_term_is_constant(const struct ast_term *t)
{
    return t && t->kind <= AST_T_NULL;
}

const char *ast_native_type_name(enum cql_type_id id)
{
    switch (id) {
    case CQL_ASCII: return "ascii";
    case CQL_BIGINT: return "bigint";
    case CQL_BLOB: return "blob";
    case CQL_BOOLEAN: return "boolean";
    case CQL_COUNTER: return "counter";
    case CQL_DECIMAL: return "decimal";
    case CQL_DOUBLE: return "double";
    case CQL_FLOAT: return "float";
    case CQL_INT: return "int";
    case CQL_TIMESTAMP: return "timestamp";
    case CQL_UUID: return "uuid";
    case CQL_VARCHAR: return "text";
    case CQL_VARINT: return "varint";
    case CQL_TIMEUUID: return "timeuuid";
    case CQL_INET: return "inet";
    case CQL_DATE: return "date";
    case CQL_TIME: return "time";
    case CQL_SMALLINT: return "smallint";
    case CQL_TINYINT: return "tinyint";
    case CQL_DURATION: return "duration";
    default: return "?";
    }
}

int ast_type_resolve(const struct ast_type *t, const char *keyspace, cql_udt_lookup_cb lookup,
                     void *lookup_ctx, struct arena *a, const struct cql_type **out,
                     struct errmsg *em)
{
    struct buf b;
    buf_init(&b);
    ast_print_type(t, &b);
    int rc = cql_type_parse((const char *)b.data, b.len, keyspace, lookup, lookup_ctx, a, out, em);
    buf_deinit(&b);
    return rc;
}

/*
 * ast: the syntax tree of one CQL statement, as the parser (node/cql/parser.h) builds it and the
 * executor binds it. It mirrors the Raw classes of Cassandra's cql3 package: names are resolved
 * (unquoted identifiers case-folded to lower case, quoted ones kept), literals keep their text
 * (integers of any size stay text, so varint loses nothing), and nothing is typed yet: a term is
 * bound to a column type only by the executor.
 *
 * Shape:
 *  - struct ast_stmt: kind + a union of per-kind structs + the bind markers of the statement
 *    (top-level statement only: a batch holds every marker of its children, in text order).
 *  - struct ast_term: one node type for values *and* selectors (a selector is a term that may
 *    also name columns: AST_T_COLUMN, .field, [element], COUNT(*), WRITETIME ...).
 *  - struct ast_relation: WHERE relations and IF conditions.
 *  - struct ast_type: a type as written (native, collection, tuple, UDT name, custom class).
 *  - every node carries the ast_pos where it starts, for error messages.
 *
 * Ownership: every node, array and string lives in the arena given to the parser; nothing is
 * freed on its own. Strings are NUL-terminated; literal text also has its length (a string
 * literal may contain NUL bytes). Arrays are (n, pointer) pairs; pointer is NULL when n == 0.
 * Thread rule: immutable once parsed; may be shared read-only.
 */
#ifndef RINGDB_CQL_AST_H
#define RINGDB_CQL_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "node/base/arena.h"
#include "storage/types.h"

struct ast_pos {
    uint32_t line;   /* 1-based */
    uint32_t col;    /* 0-based byte column */
    uint32_t offset; /* byte offset in the statement text */
};

struct ast_ident {
    const char *name; /* case-folded unless it was quoted; "" only for cident's "" */
    struct ast_pos pos;
};

/* [keyspace.]name */
struct ast_qname {
    const char *keyspace; /* NULL when not written */
    const char *name;
    struct ast_pos pos;
};

/* ---- types ---- */

enum ast_type_kind {
    AST_TYPE_NATIVE,
    AST_TYPE_LIST,
    AST_TYPE_SET,
    AST_TYPE_MAP,
    AST_TYPE_TUPLE,
    AST_TYPE_UDT,
    AST_TYPE_CUSTOM,
};

struct ast_type {
    enum ast_type_kind kind;
    enum cql_type_id native; /* AST_TYPE_NATIVE: CQL_INT ... (varchar is CQL_VARCHAR = text) */
    bool frozen;             /* written as frozen<...> */
    uint32_t nsub;           /* list/set 1, map 2, tuple n */
    struct ast_type **sub;
    struct ast_qname udt;     /* AST_TYPE_UDT */
    const char *custom_class; /* AST_TYPE_CUSTOM: the string literal */
    struct ast_pos pos;
};

/* ---- terms and selectors ---- */

enum ast_term_kind {
    /* constants: lit.text as written (strings unescaped) */
    AST_T_STRING,
    AST_T_INTEGER,  /* "-123", any size */
    AST_T_FLOAT,    /* "1.5e3", "NaN", "Infinity", "-Infinity" */
    AST_T_BOOLEAN,  /* lit.boolean; lit.text as written ("True") */
    AST_T_DURATION, /* "1h30m", "-P1DT2H" */
    AST_T_UUID,
    AST_T_HEX, /* "0x01ff" */
    AST_T_NULL,
    AST_T_MARKER, /* ? or :name */
    /* literals with parts */
    AST_T_LIST,         /* [a, b] */
    AST_T_SET,          /* {a, b} */
    AST_T_MAP,          /* {k: v} */
    AST_T_EMPTY_BRACES, /* {}: an empty set or map, decided by the receiver's type */
    AST_T_TUPLE,        /* (a, b); in term position also (a) */
    AST_T_UDT,          /* {field: v} */
    /* computed */
    AST_T_FUNCTION,  /* [ks.]f(args) */
    AST_T_CAST,      /* CAST(arg AS native type) */
    AST_T_TYPE_HINT, /* (type) arg */
    AST_T_BINOP,     /* left op right, op one of + - * / % */
    AST_T_NEGATE,    /* - arg (a '-' before a numeric literal is folded into the literal) */
    /* selectors only */
    AST_T_COLUMN,     /* a column name */
    AST_T_FIELD,      /* base.field */
    AST_T_ELEMENT,    /* base[key] */
    AST_T_SLICE,      /* base[from..to], either bound may be NULL */
    AST_T_COUNT_ROWS, /* COUNT(*) */
    AST_T_WRITETIME,  /* WRITETIME(column[.f|[k]]) */
    AST_T_MAXWRITETIME,
    AST_T_TTL, /* TTL(column) */
    AST_T_KIND_COUNT
};

struct ast_term;

struct ast_term_list {
    uint32_t n;
    struct ast_term **items;
};

struct ast_term {
    enum ast_term_kind kind;
    struct ast_pos pos;
    union {
        struct {
            const char *text;
            uint32_t len;
            bool boolean;
        } lit;
        struct {
            uint32_t index;   /* 0-based, order of appearance in the whole statement */
            const char *name; /* :name, case-folded unless quoted; NULL for ? */
        } marker;
        struct ast_term_list list; /* LIST, SET, TUPLE */
        struct {
            uint32_t n;
            struct ast_term **keys;
            struct ast_term **values;
        } map;
        struct {
            uint32_t n;
            struct ast_ident *fields;
            struct ast_term **values;
        } udt;
        struct {
            struct ast_qname name; /* lower-cased unless quoted; "token", "count", "now" ... */
            struct ast_term_list args;
        } func;
        struct {
            struct ast_type *type;
            struct ast_term *arg;
        } cast; /* CAST and TYPE_HINT */
        struct {
            char op;
            struct ast_term *left;
            struct ast_term *right;
        } binop;
        struct ast_term *negate;
        struct ast_ident column;
        struct {
            struct ast_term *base;
            struct ast_ident field;
        } field;
        struct {
            struct ast_term *base;
            struct ast_term *key;
        } element;
        struct {
            struct ast_term *base;
            struct ast_term *from; /* NULL: open */
            struct ast_term *to;   /* NULL: open */
        } slice;
        struct ast_term *of; /* WRITETIME / MAXWRITETIME / TTL: a COLUMN, FIELD or ELEMENT */
    } u;
};

/* ---- WHERE relations and IF conditions ---- */

enum ast_rel_op {
    AST_OP_EQ,
    AST_OP_LT,
    AST_OP_LTE,
    AST_OP_GT,
    AST_OP_GTE,
    AST_OP_NEQ,
    AST_OP_IN,
    AST_OP_CONTAINS,
    AST_OP_CONTAINS_KEY,
    AST_OP_LIKE,
    AST_OP_IS_NOT_NULL,
    AST_OP_COUNT
};

enum ast_rel_kind {
    AST_REL_COLUMN,  /* c op v */
    AST_REL_ELEMENT, /* c[key] op v */
    AST_REL_FIELD,   /* c.field op v (IF conditions only) */
    AST_REL_TOKEN,   /* token(a, b) op v */
    AST_REL_MULTI,   /* (a, b) op (1, 2) | (a, b) IN ((1, 2), ...) */
};

struct ast_relation {
    enum ast_rel_kind kind;
    enum ast_rel_op op;
    struct ast_pos pos;
    uint32_t ncolumns; /* 1 unless TOKEN or MULTI */
    struct ast_ident *columns;
    struct ast_term *key;   /* ELEMENT */
    struct ast_ident field; /* FIELD */
    /* The right side: value for every op but IN and IS NOT NULL; for IN, value is the marker
     * of "IN ?" or NULL with the list in in_values ("IN ()" is an empty list). */
    struct ast_term *value;
    struct ast_term_list in_values;
};

/* ---- statements ---- */

enum ast_stmt_kind {
    AST_SELECT,
    AST_INSERT,
    AST_UPDATE,
    AST_DELETE,
    AST_BATCH,
    AST_USE,
    AST_TRUNCATE,
    AST_CREATE_KEYSPACE,
    AST_ALTER_KEYSPACE,
    AST_DROP_KEYSPACE,
    AST_CREATE_TABLE,
    AST_ALTER_TABLE,
    AST_DROP_TABLE,
    AST_CREATE_TYPE,
    AST_ALTER_TYPE,
    AST_DROP_TYPE,
    AST_CREATE_INDEX,
    AST_DROP_INDEX,
    AST_CREATE_ROLE,
    AST_ALTER_ROLE,
    AST_DROP_ROLE,
    AST_CREATE_USER,
    AST_ALTER_USER,
    AST_DROP_USER,
    AST_LIST_ROLES,
    AST_LIST_USERS,
    AST_GRANT_ROLE,
    AST_REVOKE_ROLE,
    AST_GRANT_PERMISSIONS,
    AST_REVOKE_PERMISSIONS,
    AST_LIST_PERMISSIONS,
    AST_DESCRIBE,
    AST_UNSUPPORTED, /* parsed only far enough to name it; the executor answers Invalid */
    AST_STMT_KIND_COUNT
};

struct ast_selector {
    struct ast_term *expr;
    const char *alias; /* AS alias, NULL when none */
};

struct ast_ordering {
    struct ast_ident column;
    bool desc;
};

/* USING TIMESTAMP / TTL: each an AST_T_INTEGER or AST_T_MARKER, NULL when absent. */
struct ast_attrs {
    struct ast_term *timestamp;
    struct ast_term *ttl;
};

struct ast_select {
    struct ast_qname table;
    bool json;
    bool distinct;
    bool allow_filtering;
    uint32_t nsel; /* 0 means SELECT * */
    struct ast_selector *sel;
    uint32_t nwhere;
    struct ast_relation *where;
    struct ast_term_list group_by;
    uint32_t norder;
    struct ast_ordering *order;
    struct ast_term *per_partition_limit; /* INTEGER or MARKER, NULL when absent */
    struct ast_term *limit;
};

struct ast_insert {
    struct ast_qname table;
    bool json;          /* INSERT ... JSON: json_value set, no columns */
    bool default_unset; /* JSON ... DEFAULT UNSET (DEFAULT NULL is the default) */
    bool if_not_exists;
    uint32_t ncolumns;
    struct ast_ident *columns;
    struct ast_term **values; /* ncolumns of them */
    struct ast_term *json_value; /* STRING or MARKER */
    struct ast_attrs attrs;
};

enum ast_update_kind {
    AST_UPD_SET,         /* c = v */
    AST_UPD_ADD,         /* c = c + v, c += v */
    AST_UPD_SUB,         /* c = c - v, c -= v */
    AST_UPD_PREPEND,     /* c = v + c */
    AST_UPD_SET_ELEMENT, /* c[key] = v */
    AST_UPD_SET_FIELD,   /* c.field = v */
};

struct ast_update_op {
    enum ast_update_kind kind;
    struct ast_ident column;
    struct ast_term *key;   /* SET_ELEMENT */
    struct ast_ident field; /* SET_FIELD */
    struct ast_term *value;
};

struct ast_update {
    struct ast_qname table;
    struct ast_attrs attrs;
    uint32_t nops;
    struct ast_update_op *ops;
    uint32_t nwhere;
    struct ast_relation *where;
    bool if_exists;
    uint32_t nconds; /* IF c = v AND ... */
    struct ast_relation *conds;
};

enum ast_delete_kind { AST_DEL_COLUMN, AST_DEL_ELEMENT, AST_DEL_FIELD };

struct ast_delete_op {
    enum ast_delete_kind kind;
    struct ast_ident column;
    struct ast_term *key;   /* ELEMENT */
    struct ast_ident field; /* FIELD */
};

struct ast_delete {
    struct ast_qname table;
    struct ast_attrs attrs; /* timestamp only */
    uint32_t nops;          /* 0: the whole row(s) */
    struct ast_delete_op *ops;
    uint32_t nwhere;
    struct ast_relation *where;
    bool if_exists;
    uint32_t nconds;
    struct ast_relation *conds;
};

enum ast_batch_type { AST_BATCH_LOGGED, AST_BATCH_UNLOGGED, AST_BATCH_COUNTER };

struct ast_stmt;

struct ast_batch {
    enum ast_batch_type type;
    struct ast_attrs attrs;
    uint32_t n;
    struct ast_stmt **stmts; /* INSERT, UPDATE or DELETE */
};

/* WITH name = value: value is a constant (unreserved keywords become AST_T_STRING) or an
 * AST_T_MAP whose keys and values are constants. Names are unique within a statement. */
struct ast_property {
    struct ast_ident name;
    struct ast_term *value;
};

struct ast_props {
    uint32_t n;
    struct ast_property *items;
};

struct ast_keyspace_stmt { /* CREATE / ALTER / DROP KEYSPACE */
    struct ast_ident keyspace;
    bool if_cond; /* IF NOT EXISTS (CREATE) or IF EXISTS (ALTER, DROP) */
    struct ast_props props;
};

struct ast_column_def {
    struct ast_ident name;
    struct ast_type *type;
    bool is_static;
};

struct ast_clustering_order {
    struct ast_ident column;
    bool desc;
};

struct ast_create_table {
    struct ast_qname table;
    bool if_not_exists;
    uint32_t ncolumns;
    struct ast_column_def *columns;
    uint32_t npk; /* partition key, in order (an inline PRIMARY KEY is normalised to this) */
    struct ast_ident *pk;
    uint32_t nclustering;
    struct ast_ident *clustering;
    uint32_t norder; /* WITH CLUSTERING ORDER BY (...) */
    struct ast_clustering_order *order;
    struct ast_props props;
};

enum ast_alter_kind {
    AST_ALTER_TYPE_OF, /* ALTER c TYPE t (Cassandra 4 refuses it; parsed for a clear error) */
    AST_ALTER_ADD,     /* ADD c t [STATIC] | ADD (c t, ...) */
    AST_ALTER_DROP,    /* DROP c | DROP (c, ...) [USING TIMESTAMP n] */
    AST_ALTER_RENAME,  /* RENAME a TO b [AND c TO d] */
    AST_ALTER_WITH,    /* WITH props (tables only) */
};

struct ast_rename {
    struct ast_ident from;
    struct ast_ident to;
};

struct ast_alter { /* ALTER TABLE and ALTER TYPE */
    struct ast_qname name;
    bool if_exists;
    enum ast_alter_kind kind;
    bool column_cond; /* ADD IF NOT EXISTS / DROP IF EXISTS / RENAME IF EXISTS */
    uint32_t ncolumns; /* ALTER_TYPE_OF (1), ADD, DROP (names only: type NULL) */
    struct ast_column_def *columns;
    struct ast_term *drop_timestamp; /* AST_T_INTEGER or NULL */
    uint32_t nrenames;
    struct ast_rename *renames;
    struct ast_props props;
};

struct ast_drop { /* DROP TABLE / TYPE / INDEX */
    struct ast_qname name;
    bool if_exists;
};

struct ast_create_type {
    struct ast_qname name;
    bool if_not_exists;
    uint32_t nfields;
    struct ast_column_def *fields;
};

enum ast_index_target_kind {
    AST_INDEX_SIMPLE, /* (c) */
    AST_INDEX_KEYS,
    AST_INDEX_VALUES,
    AST_INDEX_ENTRIES,
    AST_INDEX_FULL,
};

struct ast_index_target {
    enum ast_index_target_kind kind;
    struct ast_ident column;
};

struct ast_create_index {
    struct ast_qname table;
    const char *name; /* NULL when not written */
    bool custom;
    bool if_not_exists;
    uint32_t ntargets;
    struct ast_index_target *targets;
    const char *using_class; /* USING '...', NULL when absent */
    struct ast_props props;  /* WITH OPTIONS = {...} */
};

/* ---- auth ---- */

enum ast_tristate { AST_UNSET = -1, AST_FALSE = 0, AST_TRUE = 1 };

struct ast_role_opts {
    const char *password; /* NULL when not given */
    const char *hashed_password;
    int8_t login;     /* enum ast_tristate */
    int8_t superuser; /* enum ast_tristate */
    struct ast_term *options; /* OPTIONS = {...}: AST_T_MAP of constants, NULL when absent */
    bool has_dcs;             /* ACCESS TO ... DATACENTERS given */
    bool dcs_all;             /* ACCESS TO ALL DATACENTERS */
    uint32_t ndcs;
    const char **dcs;
};

struct ast_role_stmt { /* CREATE / ALTER / DROP ROLE and USER */
    const char *name; /* role: folded unless quoted or a string; user: kept as written */
    bool if_cond;
    struct ast_role_opts opts;
};

struct ast_list_roles {
    const char *of; /* NULL: all roles */
    bool norecursive;
};

struct ast_grant_role {
    const char *role;
    const char *grantee;
};

enum ast_perm {
    AST_PERM_CREATE = 1u << 0,
    AST_PERM_ALTER = 1u << 1,
    AST_PERM_DROP = 1u << 2,
    AST_PERM_SELECT = 1u << 3,
    AST_PERM_MODIFY = 1u << 4,
    AST_PERM_AUTHORIZE = 1u << 5,
    AST_PERM_DESCRIBE = 1u << 6,
    AST_PERM_EXECUTE = 1u << 7,
    AST_PERM_ALL_BITS = (1u << 8) - 1,
};

enum ast_resource_kind {
    AST_RES_ALL_KEYSPACES,
    AST_RES_KEYSPACE,
    AST_RES_TABLE,
    AST_RES_ALL_ROLES,
    AST_RES_ROLE,
    AST_RES_ALL_FUNCTIONS,
    AST_RES_ALL_FUNCTIONS_IN_KEYSPACE,
    AST_RES_FUNCTION,
    AST_RES_ALL_MBEANS,
    AST_RES_MBEAN,
    AST_RES_MBEANS,
};

struct ast_resource {
    enum ast_resource_kind kind;
    struct ast_qname name; /* keyspace (in name), table, role, function, or mbean pattern */
    uint32_t nargs;        /* FUNCTION f(types) */
    struct ast_type **args;
};

struct ast_permissions { /* GRANT / REVOKE / LIST permissions */
    uint32_t perms;      /* enum ast_perm bits, already filtered to what the resource supports */
    bool all;            /* written ALL [PERMISSIONS] */
    bool has_resource;   /* LIST may omit ON ... */
    struct ast_resource resource;
    const char *role; /* TO / FROM / OF role; NULL for LIST without OF */
    bool norecursive;
};

/* Which permissions a resource supports (Cassandra's applicablePermissions). */
uint32_t ast_resource_perms(enum ast_resource_kind kind);

/* ---- DESCRIBE ---- */

enum ast_describe_kind {
    AST_DESC_CLUSTER,
    AST_DESC_SCHEMA, /* [FULL] SCHEMA */
    AST_DESC_KEYSPACES,
    AST_DESC_KEYSPACE, /* [ONLY] KEYSPACE [k] */
    AST_DESC_TABLES,
    AST_DESC_TABLE,
    AST_DESC_INDEX,
    AST_DESC_VIEW,
    AST_DESC_TYPES,
    AST_DESC_TYPE,
    AST_DESC_FUNCTIONS,
    AST_DESC_FUNCTION,
    AST_DESC_AGGREGATES,
    AST_DESC_AGGREGATE,
    AST_DESC_GENERIC, /* DESCRIBE [ks.]name */
};

struct ast_describe {
    enum ast_describe_kind kind;
    bool has_name;
    struct ast_qname name; /* KEYSPACE: name.name is the keyspace */
    bool full;             /* FULL SCHEMA */
    bool only;             /* ONLY KEYSPACE */
    bool with_internals;
};

/* ---- unsupported statements ---- */

enum ast_unsupported_kind {
    AST_UNSUP_CREATE_FUNCTION,
    AST_UNSUP_DROP_FUNCTION,
    AST_UNSUP_CREATE_AGGREGATE,
    AST_UNSUP_DROP_AGGREGATE,
    AST_UNSUP_CREATE_VIEW,
    AST_UNSUP_ALTER_VIEW,
    AST_UNSUP_DROP_VIEW,
    AST_UNSUP_CREATE_TRIGGER,
    AST_UNSUP_DROP_TRIGGER,
};

struct ast_unsupported {
    enum ast_unsupported_kind kind;
    struct ast_qname name; /* the object named, when one could be read */
    const char *text;      /* the statement as written, up to its end (may hold NUL bytes) */
    uint32_t text_len;
};

/* ---- the statement ---- */

struct ast_marker {
    const char *name; /* NULL for ? */
    struct ast_pos pos;
};

struct ast_stmt {
    enum ast_stmt_kind kind;
    struct ast_pos pos;
    uint32_t nmarkers; /* bind markers, in order; only on the top-level statement */
    struct ast_marker *markers;
    union {
        struct ast_select select;
        struct ast_insert insert;
        struct ast_update update;
        struct ast_delete del;
        struct ast_batch batch;
        struct ast_ident use; /* USE keyspace */
        struct ast_qname truncate;
        struct ast_keyspace_stmt keyspace; /* CREATE/ALTER/DROP KEYSPACE */
        struct ast_create_table create_table;
        struct ast_alter alter; /* ALTER TABLE / ALTER TYPE */
        struct ast_drop drop;   /* DROP TABLE / TYPE / INDEX */
        struct ast_create_type create_type;
        struct ast_create_index create_index;
        struct ast_role_stmt role; /* CREATE/ALTER/DROP ROLE/USER */
        struct ast_list_roles list_roles;
        struct ast_grant_role grant_role; /* GRANT/REVOKE role */
        struct ast_permissions perms;     /* GRANT/REVOKE/LIST permissions */
        struct ast_describe describe;
        struct ast_unsupported unsupported;
    } u;
};

/* "SELECT", "CREATE TABLE", ... */
const char *ast_stmt_kind_name(enum ast_stmt_kind kind);
const char *ast_rel_op_name(enum ast_rel_op op); /* "=", "IN", "CONTAINS KEY", ... */

/* The table (or type, index) the statement names, or NULL (batch, keyspace, auth, USE ...). */
const struct ast_qname *ast_stmt_table(const struct ast_stmt *s);
/* The keyspace the statement names explicitly (a keyspace statement's keyspace, USE's, or a
 * table name's qualifier), or NULL: then the session keyspace applies. */
const char *ast_stmt_keyspace(const struct ast_stmt *s);
/* The name as Cassandra's QualifiedName.toString prints it in messages: "ks.t" when the
 * keyspace was written, else "t" (internal names, no quotes). Truncated to fit; returns buf.
 * AST_QNAME_TEXT_MAX holds two names of the longest Cassandra allows (222) and the dot. */
#define AST_QNAME_TEXT_MAX 448
const char *ast_qname_text(const struct ast_qname *q, char *buf, size_t size);
/* DDL: changes schema (keyspaces, tables, types, indexes). */
bool ast_stmt_is_schema_change(const struct ast_stmt *s);
/* INSERT, UPDATE, DELETE, BATCH. */
bool ast_stmt_is_modification(const struct ast_stmt *s);

/* Node constructors (zeroed, in arena a). */
struct ast_term *ast_term_new(struct arena *a, enum ast_term_kind kind, struct ast_pos pos);
struct ast_type *ast_type_new(struct arena *a, enum ast_type_kind kind, struct ast_pos pos);
struct ast_stmt *ast_stmt_new(struct arena *a, enum ast_stmt_kind kind, struct ast_pos pos);

/* CQL name of a native type as Cassandra prints it: "int", "text" (for varchar too) ... */
const char *ast_native_type_name(enum cql_type_id id);

/*
 * The storage type an ast_type names: the type is printed (ast_print_type) and parsed by
 * storage's cql_type_parse, so both sides agree on one grammar. keyspace resolves unqualified
 * UDT names through lookup. Allocated in a. 0, or ERR_INVALID / ERR_SYNTAX with a message
 * (an unknown UDT, a non-frozen collection inside a collection ...).
 */
int ast_type_resolve(const struct ast_type *t, const char *keyspace, cql_udt_lookup_cb lookup,
                     void *lookup_ctx, struct arena *a, const struct cql_type **out,
                     struct errmsg *em);

/* A constant term (STRING ... NULL) that a property value may be. */
bool ast_term_is_constant(const struct ast_term *t);

#endif

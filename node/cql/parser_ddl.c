/*
 * parser_ddl: see parser_ddl.h. Parser.g's keyspace, table, type and index statements:
 *
 *   CREATE KEYSPACE [IF NOT EXISTS] ks WITH props        (SCHEMA is a synonym of KEYSPACE)
 *   ALTER KEYSPACE [IF EXISTS] ks WITH props | DROP KEYSPACE [IF EXISTS] ks
 *   CREATE TABLE [IF NOT EXISTS] t (c type [STATIC] [PRIMARY KEY], ..., [PRIMARY KEY (pk, ck...)])
 *     [WITH prop AND CLUSTERING ORDER BY (c ASC|DESC, ...) AND ...]   (TABLE = COLUMNFAMILY)
 *   ALTER TABLE [IF EXISTS] t ALTER c TYPE type | ADD [IF NOT EXISTS] c type [STATIC] | ADD (...)
 *     | DROP [IF EXISTS] c | DROP (c, ...) [USING TIMESTAMP n] | RENAME [IF EXISTS] a TO b [AND ...]
 *     | WITH props
 *   DROP TABLE [IF EXISTS] t
 *   CREATE TYPE [IF NOT EXISTS] ut (f type, ...) | ALTER TYPE [IF EXISTS] ut ALTER f TYPE t
 *     | ADD [IF NOT EXISTS] f t | RENAME [IF EXISTS] f TO g [AND ...] | DROP TYPE [IF EXISTS] ut
 *   CREATE [CUSTOM] INDEX [IF NOT EXISTS] [name] ON t (c | KEYS(c) | VALUES(c) | ENTRIES(c)
 *     | FULL(c), ...) [USING 'class'] [WITH OPTIONS = {...}] | DROP INDEX [IF EXISTS] [ks.]name
 *
 * A CREATE TABLE's primary key is normalised (inline or separate, the AST has pk + clustering),
 * which is where Cassandra's "exactly one PRIMARY KEY" checks happen, so they are made here.
 * COMPACT STORAGE is refused with Cassandra 4's message.
 */
#include "node/cql/parser_ddl.h"

#include "node/cql/parser_term.h"

#define COMPACT_REFUSED "Compact tables are not allowed in Cassandra starting with 4.0 version."

static bool if_exists(struct parser *p, bool *out)
{
    if (!parser_core_accept_kw(p, KW_IF)) return true;
    *out = true;
    return parser_core_expect_kw(p, KW_EXISTS);
}

static bool if_not_exists(struct parser *p, bool *out)
{
    if (!parser_core_accept_kw(p, KW_IF)) return true;
    *out = true;
    return parser_core_expect_kw(p, KW_NOT) && parser_core_expect_kw(p, KW_EXISTS);
}

static bool keyspace_name(struct parser *p, struct ast_ident *out)
{
    if (parser_core_is(p, 0, LEX_QMARK))
        return parser_core_fail_msg(p, ERR_SYNTAX,
                                    "Bind variables cannot be used for keyspace names");
    return parser_core_ident(p, out);
}

static bool is_keyspace_kw(const struct parser *p)
{
    return parser_core_is_kw(p, 0, KW_KEYSPACE) || parser_core_is_kw(p, 0, KW_SCHEMA);
}

/* ---- keyspaces ---- */

static struct ast_stmt *keyspace_stmt(struct parser *p, struct ast_pos pos, enum ast_stmt_kind k)
{
    struct ast_stmt *st = ast_stmt_new(p->arena, k, pos);
    struct ast_keyspace_stmt *ks = &st->u.keyspace;
    parser_core_advance(p);
    bool ok = k == AST_CREATE_KEYSPACE ? if_not_exists(p, &ks->if_cond) : if_exists(p, &ks->if_cond);
    if (!ok || !keyspace_name(p, &ks->keyspace)) return NULL;
    if (k == AST_DROP_KEYSPACE) return st;
    if (!parser_core_expect_kw(p, KW_WITH) || !parser_term_properties(p, &ks->props)) return NULL;
    return st;
}

/* ---- CREATE TABLE ---- */

struct table_build {
    uint32_t col_cap, pk_cap, ck_cap, order_cap, prop_cap;
    uint32_t primary_keys; /* PRIMARY KEY declarations seen */
};

static bool push_ident(struct parser *p, struct ast_ident **arr, uint32_t *n, uint32_t *cap)
{
    struct ast_ident *id = parser_core_push(p, arr, n, cap, sizeof *id);
    return id && parser_core_ident(p, id);
}

/* PRIMARY KEY '(' (pk | '(' pk, ... ')') (',' ck)* ')' */
static bool primary_key_clause(struct parser *p, struct ast_create_table *t, struct table_build *b)
{
    b->primary_keys++;
    if (!parser_core_expect(p, LEX_LPAREN)) return false;
    if (parser_core_accept(p, LEX_LPAREN)) {
        do {
            if (!push_ident(p, &t->pk, &t->npk, &b->pk_cap)) return false;
        } while (parser_core_accept(p, LEX_COMMA));
        if (!parser_core_expect(p, LEX_RPAREN)) return false;
    } else if (!push_ident(p, &t->pk, &t->npk, &b->pk_cap)) {
        return false;
    }
    while (parser_core_accept(p, LEX_COMMA))
        if (!push_ident(p, &t->clustering, &t->nclustering, &b->ck_cap)) return false;
    return parser_core_expect(p, LEX_RPAREN);
}

/* tableColumns: ident type [STATIC] [PRIMARY KEY] | PRIMARY KEY (...) */
static bool table_column(struct parser *p, struct ast_create_table *t, struct table_build *b)
{
    if (parser_core_accept_kw(p, KW_PRIMARY))
        return parser_core_expect_kw(p, KW_KEY) && primary_key_clause(p, t, b);
    struct ast_column_def *c = parser_core_push(p, &t->columns, &t->ncolumns, &b->col_cap,
                                                sizeof *c);
    if (!c || !parser_core_ident(p, &c->name) || !(c->type = parser_core_type(p))) return false;
    c->is_static = parser_core_accept_kw(p, KW_STATIC);
    if (parser_core_accept_kw(p, KW_PRIMARY)) {
        if (!parser_core_expect_kw(p, KW_KEY)) return false;
        b->primary_keys++;
        struct ast_ident *pk = parser_core_push(p, &t->pk, &t->npk, &b->pk_cap, sizeof *pk);
        if (!pk) return false;
        *pk = c->name;
    }
    return true;
}

/* CLUSTERING ORDER BY '(' ident (ASC | DESC) (',' ...)* ')' after CLUSTERING */
static bool clustering_order(struct parser *p, struct ast_create_table *t, struct table_build *b)
{
    if (!parser_core_expect_kw(p, KW_ORDER) || !parser_core_expect_kw(p, KW_BY) ||
        !parser_core_expect(p, LEX_LPAREN))
        return false;
    do {
        struct ast_clustering_order *o = parser_core_push(p, &t->order, &t->norder, &b->order_cap,
                                                          sizeof *o);
        if (!o || !parser_core_ident(p, &o->column)) return false;
        if (parser_core_accept_kw(p, KW_DESC))
            o->desc = true;
        else if (!parser_core_accept_kw(p, KW_ASC))
            return parser_core_fail_noviable(p);
    } while (parser_core_accept(p, LEX_COMMA));
    return parser_core_expect(p, LEX_RPAREN);
}

static bool table_properties(struct parser *p, struct ast_create_table *t, struct table_build *b)
{
    do {
        if (parser_core_is_kw(p, 0, KW_COMPACT) && parser_core_is_kw(p, 1, KW_STORAGE))
            return parser_core_fail_msg(p, ERR_INVALID, COMPACT_REFUSED);
        if (parser_core_is_kw(p, 0, KW_CLUSTERING) && parser_core_is_kw(p, 1, KW_ORDER)) {
            parser_core_advance(p);
            if (!clustering_order(p, t, b)) return false;
        } else if (!parser_term_property(p, &t->props, &b->prop_cap)) {
            return false;
        }
    } while (parser_core_accept_kw(p, KW_AND));
    return true;
}

static struct ast_stmt *create_table(struct parser *p, struct ast_pos pos)
{
    struct ast_stmt *st = ast_stmt_new(p->arena, AST_CREATE_TABLE, pos);
    struct ast_create_table *t = &st->u.create_table;
    struct table_build b = {0};
    parser_core_advance(p);
    if (!if_not_exists(p, &t->if_not_exists) || !parser_core_qname(p, &t->table)) return NULL;
    if (!parser_core_expect(p, LEX_LPAREN) || !table_column(p, t, &b)) return NULL;
    while (parser_core_accept(p, LEX_COMMA))
        if (!parser_core_is(p, 0, LEX_COMMA) && !parser_core_is(p, 0, LEX_RPAREN) &&
            !table_column(p, t, &b))
            return NULL;
    if (!parser_core_expect(p, LEX_RPAREN)) return NULL;
    if (parser_core_accept_kw(p, KW_WITH) && !table_properties(p, t, &b)) return NULL;
    /* CreateTableStatement.Raw names the table as written (QualifiedName). */
    char name[AST_QNAME_TEXT_MAX];
    if (b.primary_keys != 1) {
        parser_core_fail_msg(p, ERR_INVALID,
                             b.primary_keys
                                 ? "Multiple PRIMARY KEY specified for table '%s' (exactly one "
                                   "required)"
                                 : "No PRIMARY KEY specifed for table '%s' (exactly one required)",
                             ast_qname_text(&t->table, name, sizeof name));
        return NULL;
    }
    return st;
}

/* ---- ALTER TABLE / ALTER TYPE ---- */

struct alter_build {
    uint32_t col_cap, ren_cap, prop_cap;
};

static bool add_column(struct parser *p, struct ast_alter *a, struct alter_build *b, bool table)
{
    struct ast_column_def *c = parser_core_push(p, &a->columns, &a->ncolumns, &b->col_cap,
                                                sizeof *c);
    if (!c || !parser_core_ident(p, &c->name) || !(c->type = parser_core_type(p))) return false;
    if (table) c->is_static = parser_core_accept_kw(p, KW_STATIC);
    return true;
}

/* ADD [IF NOT EXISTS] c type [STATIC] | ADD [IF NOT EXISTS] (c type [STATIC], ...) */
static bool alter_add(struct parser *p, struct ast_alter *a, struct alter_build *b, bool table)
{
    a->kind = AST_ALTER_ADD;
    if (!if_not_exists(p, &a->column_cond)) return false;
    if (!table || !parser_core_accept(p, LEX_LPAREN)) return add_column(p, a, b, table);
    do {
        if (!add_column(p, a, b, true)) return false;
    } while (parser_core_accept(p, LEX_COMMA));
    return parser_core_expect(p, LEX_RPAREN);
}

static bool drop_column(struct parser *p, struct ast_alter *a, struct alter_build *b)
{
    struct ast_column_def *c = parser_core_push(p, &a->columns, &a->ncolumns, &b->col_cap,
                                                sizeof *c);
    return c && parser_core_ident(p, &c->name);
}

/* DROP [IF EXISTS] c | (c, ...) [USING TIMESTAMP n] */
static bool alter_drop(struct parser *p, struct ast_alter *a, struct alter_build *b)
{
    a->kind = AST_ALTER_DROP;
    if (parser_core_is_kw(p, 0, KW_COMPACT) && parser_core_is_kw(p, 1, KW_STORAGE))
        return parser_core_fail_msg(p, ERR_INVALID, COMPACT_REFUSED);
    if (!if_exists(p, &a->column_cond)) return false;
    if (parser_core_accept(p, LEX_LPAREN)) {
        do {
            if (!drop_column(p, a, b)) return false;
        } while (parser_core_accept(p, LEX_COMMA));
        if (!parser_core_expect(p, LEX_RPAREN)) return false;
    } else if (!drop_column(p, a, b)) {
        return false;
    }
    if (!parser_core_accept_kw(p, KW_USING)) return true;
    if (!parser_core_expect_kw(p, KW_TIMESTAMP)) return false;
    if (!parser_core_is(p, 0, LEX_INTEGER) &&
        !(parser_core_is(p, 0, LEX_MINUS) && parser_core_is(p, 1, LEX_INTEGER)))
        return parser_core_fail_mismatch(p, "INTEGER");
    return (a->drop_timestamp = parser_term_int_value(p)) != NULL;
}

/* RENAME [IF EXISTS] a TO b (AND a TO b)* */
static bool alter_rename(struct parser *p, struct ast_alter *a, struct alter_build *b)
{
    a->kind = AST_ALTER_RENAME;
    if (!if_exists(p, &a->column_cond)) return false;
    do {
        struct ast_rename *r = parser_core_push(p, &a->renames, &a->nrenames, &b->ren_cap,
                                                sizeof *r);
        if (!r || !parser_core_ident(p, &r->from) || !parser_core_expect_kw(p, KW_TO) ||
            !parser_core_ident(p, &r->to))
            return false;
    } while (parser_core_accept_kw(p, KW_AND));
    return true;
}

static bool alter_body(struct parser *p, struct ast_alter *a, bool table)
{
    struct alter_build b = {0};
    if (parser_core_accept_kw(p, KW_ALTER)) {
        a->kind = AST_ALTER_TYPE_OF;
        struct ast_column_def *c = parser_core_push(p, &a->columns, &a->ncolumns, &b.col_cap,
                                                    sizeof *c);
        if (!c || !parser_core_cident(p, &c->name) || !parser_core_expect_kw(p, KW_TYPE))
            return false;
        return (c->type = parser_core_type(p)) != NULL;
    }
    if (parser_core_accept_kw(p, KW_ADD)) return alter_add(p, a, &b, table);
    if (table && parser_core_accept_kw(p, KW_DROP)) return alter_drop(p, a, &b);
    if (parser_core_accept_kw(p, KW_RENAME)) return alter_rename(p, a, &b);
    if (table && parser_core_accept_kw(p, KW_WITH)) {
        a->kind = AST_ALTER_WITH;
        return parser_term_properties(p, &a->props);
    }
    return parser_core_fail_noviable(p);
}

static struct ast_stmt *alter_object(struct parser *p, struct ast_pos pos, bool table)
{
    struct ast_stmt *st = ast_stmt_new(p->arena, table ? AST_ALTER_TABLE : AST_ALTER_TYPE, pos);
    struct ast_alter *a = &st->u.alter;
    parser_core_advance(p);
    if (!if_exists(p, &a->if_exists)) return NULL;
    bool named = table ? parser_core_qname(p, &a->name) : parser_core_udt_name(p, &a->name);
    return named && alter_body(p, a, table) ? st : NULL;
}

/* ---- types ---- */

static struct ast_stmt *create_type(struct parser *p, struct ast_pos pos)
{
    struct ast_stmt *st = ast_stmt_new(p->arena, AST_CREATE_TYPE, pos);
    struct ast_create_type *t = &st->u.create_type;
    uint32_t cap = 0;
    parser_core_advance(p);
    if (!if_not_exists(p, &t->if_not_exists) || !parser_core_udt_name(p, &t->name)) return NULL;
    if (!parser_core_expect(p, LEX_LPAREN)) return NULL;
    do {
        if (t->nfields && (parser_core_is(p, 0, LEX_COMMA) || parser_core_is(p, 0, LEX_RPAREN)))
            continue; /* typeColumns? : an empty item between commas */
        struct ast_column_def *f = parser_core_push(p, &t->fields, &t->nfields, &cap, sizeof *f);
        if (!f || !parser_core_ident(p, &f->name) || !(f->type = parser_core_type(p)))
            return NULL;
    } while (parser_core_accept(p, LEX_COMMA));
    return parser_core_expect(p, LEX_RPAREN) ? st : NULL;
}

/* ---- indexes ---- */

static bool index_target(struct parser *p, struct ast_index_target *t)
{
    static const struct {
        enum lexer_kw kw;
        enum ast_index_target_kind kind;
    } fns[] = {{KW_KEYS, AST_INDEX_KEYS},
               {KW_VALUES, AST_INDEX_VALUES},
               {KW_ENTRIES, AST_INDEX_ENTRIES},
               {KW_FULL, AST_INDEX_FULL}};
    t->kind = AST_INDEX_SIMPLE;
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
        if (parser_core_is_kw(p, 0, fns[i].kw) && parser_core_is(p, 1, LEX_LPAREN)) {
            t->kind = fns[i].kind;
            parser_core_advance(p);
            parser_core_advance(p);
            return parser_core_cident(p, &t->column) && parser_core_expect(p, LEX_RPAREN);
        }
    }
    return parser_core_cident(p, &t->column);
}

static bool index_targets(struct parser *p, struct ast_create_index *ix)
{
    uint32_t cap = 0;
    if (!parser_core_expect(p, LEX_LPAREN)) return false;
    if (parser_core_accept(p, LEX_RPAREN)) return true;
    do {
        struct ast_index_target *t = parser_core_push(p, &ix->targets, &ix->ntargets, &cap,
                                                      sizeof *t);
        if (!t || !index_target(p, t)) return false;
    } while (parser_core_accept(p, LEX_COMMA));
    return parser_core_expect(p, LEX_RPAREN);
}

static struct ast_stmt *create_index(struct parser *p, struct ast_pos pos, bool custom)
{
    struct ast_stmt *st = ast_stmt_new(p->arena, AST_CREATE_INDEX, pos);
    struct ast_create_index *ix = &st->u.create_index;
    ix->custom = custom;
    parser_core_advance(p);
    if (!if_not_exists(p, &ix->if_not_exists)) return NULL;
    if (parser_core_is(p, 0, LEX_QMARK)) {
        parser_core_fail_msg(p, ERR_SYNTAX, "Bind variables cannot be used for index names");
        return NULL;
    }
    if (!parser_core_is_kw(p, 0, KW_ON)) {
        struct ast_ident name;
        if (!parser_core_ident(p, &name)) return NULL;
        ix->name = name.name;
    }
    if (!parser_core_expect_kw(p, KW_ON) || !parser_core_qname(p, &ix->table)) return NULL;
    if (!index_targets(p, ix)) return NULL;
    if (parser_core_accept_kw(p, KW_USING) && !parser_core_string(p, &ix->using_class, NULL))
        return NULL;
    if (parser_core_accept_kw(p, KW_WITH) && !parser_term_properties(p, &ix->props)) return NULL;
    return st;
}

/* ---- DROP TABLE / TYPE / INDEX ---- */

static struct ast_stmt *drop_object(struct parser *p, struct ast_pos pos, enum ast_stmt_kind k)
{
    struct ast_stmt *st = ast_stmt_new(p->arena, k, pos);
    parser_core_advance(p);
    if (!if_exists(p, &st->u.drop.if_exists)) return NULL;
    bool ok = k == AST_DROP_TYPE ? parser_core_udt_name(p, &st->u.drop.name)
                                 : parser_core_qname(p, &st->u.drop.name);
    return ok ? st : NULL;
}

/* ---- entry points ---- */

struct ast_stmt *parser_ddl_create(struct parser *p, struct ast_pos pos, bool *handled)
{
    *handled = true;
    if (is_keyspace_kw(p)) return keyspace_stmt(p, pos, AST_CREATE_KEYSPACE);
    if (parser_core_is_kw(p, 0, KW_TABLE)) return create_table(p, pos);
    if (parser_core_is_kw(p, 0, KW_TYPE)) return create_type(p, pos);
    if (parser_core_is_kw(p, 0, KW_INDEX)) return create_index(p, pos, false);
    if (parser_core_is_kw(p, 0, KW_CUSTOM) && parser_core_is_kw(p, 1, KW_INDEX)) {
        parser_core_advance(p);
        return create_index(p, pos, true);
    }
    *handled = false;
    return NULL;
}

struct ast_stmt *parser_ddl_alter(struct parser *p, struct ast_pos pos, bool *handled)
{
    *handled = true;
    if (is_keyspace_kw(p)) return keyspace_stmt(p, pos, AST_ALTER_KEYSPACE);
    if (parser_core_is_kw(p, 0, KW_TABLE)) return alter_object(p, pos, true);
    if (parser_core_is_kw(p, 0, KW_TYPE)) return alter_object(p, pos, false);
    *handled = false;
    return NULL;
}

struct ast_stmt *parser_ddl_drop(struct parser *p, struct ast_pos pos, bool *handled)
{
    *handled = true;
    if (is_keyspace_kw(p)) return keyspace_stmt(p, pos, AST_DROP_KEYSPACE);
    if (parser_core_is_kw(p, 0, KW_TABLE)) return drop_object(p, pos, AST_DROP_TABLE);
    if (parser_core_is_kw(p, 0, KW_TYPE)) return drop_object(p, pos, AST_DROP_TYPE);
    if (parser_core_is_kw(p, 0, KW_INDEX)) return drop_object(p, pos, AST_DROP_INDEX);
    *handled = false;
    return NULL;
}

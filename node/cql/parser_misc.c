/*
 * parser_misc: see parser_misc.h.
 *
 *   USE ks   TRUNCATE [TABLE] t
 *   DESCRIBE | DESC: CLUSTER | [FULL] SCHEMA | KEYSPACES | [ONLY] KEYSPACE [k] | TABLES
 *     | TABLE t | INDEX i | MATERIALIZED VIEW v | TYPES | TYPE t | FUNCTIONS | FUNCTION f
 *     | AGGREGATES | AGGREGATE a | [ks.]name   then [WITH INTERNALS]
 *
 * DESCRIBE follows Parser.g's predicates: CLUSTER, KEYSPACES, TABLES, TYPES, FUNCTIONS and
 * AGGREGATES always mean the listing; TYPE, FUNCTION and AGGREGATE (unreserved) mean the element
 * only when a name follows, else they are the generic form's name ("DESC type").
 */
#include "node/cql/parser_misc.h"

#include <string.h>

#include "node/cql/parser_term.h"

struct ast_stmt *parser_misc_use(struct parser *p)
{
    struct ast_stmt *st = ast_stmt_new(p->arena, AST_USE, parser_core_pos(p));
    parser_core_advance(p);
    if (parser_core_is(p, 0, LEX_QMARK)) {
        parser_core_fail_msg(p, ERR_SYNTAX, "Bind variables cannot be used for keyspace names");
        return NULL;
    }
    return parser_core_ident(p, &st->u.use) ? st : NULL;
}

struct ast_stmt *parser_misc_truncate(struct parser *p)
{
    struct ast_stmt *st = ast_stmt_new(p->arena, AST_TRUNCATE, parser_core_pos(p));
    parser_core_advance(p);
    parser_core_accept_kw(p, KW_TABLE);
    return parser_core_qname(p, &st->u.truncate) ? st : NULL;
}

/* ---- DESCRIBE ---- */

static const struct {
    enum lexer_kw kw;
    enum ast_describe_kind kind;
} listings[] = {{KW_CLUSTER, AST_DESC_CLUSTER},       {KW_KEYSPACES, AST_DESC_KEYSPACES},
                {KW_TABLES, AST_DESC_TABLES},         {KW_TYPES, AST_DESC_TYPES},
                {KW_FUNCTIONS, AST_DESC_FUNCTIONS},   {KW_AGGREGATES, AST_DESC_AGGREGATES}};

static bool describe_keyspace(struct parser *p, struct ast_describe *d)
{
    d->kind = AST_DESC_KEYSPACE;
    d->only = parser_core_accept_kw(p, KW_ONLY);
    parser_core_advance(p); /* KEYSPACE */
    if (parser_core_is(p, 0, LEX_QMARK))
        return parser_core_fail_msg(p, ERR_SYNTAX,
                                    "Bind variables cannot be used for keyspace names");
    if (!parser_core_is_ident(p, 0)) return true;
    struct ast_ident ks;
    if (!parser_core_ident(p, &ks)) return false;
    d->has_name = true;
    d->name.name = ks.name;
    d->name.pos = ks.pos;
    return true;
}

/* The element forms: TABLE, INDEX, MATERIALIZED VIEW, TYPE, FUNCTION, AGGREGATE + name. */
static bool describe_element(struct parser *p, struct ast_describe *d, bool *matched)
{
    *matched = true;
    d->has_name = true;
    if (parser_core_accept_kw(p, KW_TABLE)) {
        d->kind = AST_DESC_TABLE;
        return parser_core_qname(p, &d->name);
    }
    if (parser_core_accept_kw(p, KW_INDEX)) {
        d->kind = AST_DESC_INDEX;
        return parser_core_qname(p, &d->name);
    }
    if (parser_core_accept_kw(p, KW_MATERIALIZED)) {
        d->kind = AST_DESC_VIEW;
        return parser_core_expect_kw(p, KW_VIEW) && parser_core_qname(p, &d->name);
    }
    bool named = parser_core_is_ident(p, 1);
    if (named && parser_core_accept_kw(p, KW_TYPE)) {
        d->kind = AST_DESC_TYPE;
        return parser_core_udt_name(p, &d->name);
    }
    if (named && (parser_core_is_kw(p, 0, KW_FUNCTION) || parser_core_is_kw(p, 0, KW_AGGREGATE))) {
        d->kind = parser_core_is_kw(p, 0, KW_FUNCTION) ? AST_DESC_FUNCTION : AST_DESC_AGGREGATE;
        parser_core_advance(p);
        return parser_core_qname(p, &d->name);
    }
    *matched = false;
    d->has_name = false;
    return true;
}

static bool describe_body(struct parser *p, struct ast_describe *d)
{
    for (size_t i = 0; i < sizeof listings / sizeof listings[0]; i++) {
        if (parser_core_accept_kw(p, listings[i].kw)) {
            d->kind = listings[i].kind;
            return true;
        }
    }
    if (parser_core_is_kw(p, 0, KW_FULL) || parser_core_is_kw(p, 0, KW_SCHEMA)) {
        d->kind = AST_DESC_SCHEMA;
        d->full = parser_core_accept_kw(p, KW_FULL);
        return parser_core_expect_kw(p, KW_SCHEMA);
    }
    if (parser_core_is_kw(p, 0, KW_KEYSPACE) ||
        (parser_core_is_kw(p, 0, KW_ONLY) && parser_core_is_kw(p, 1, KW_KEYSPACE)))
        return describe_keyspace(p, d);
    bool matched;
    if (!describe_element(p, d, &matched)) return false;
    if (matched) return true;
    d->kind = AST_DESC_GENERIC;
    d->has_name = true;
    return parser_core_qname(p, &d->name);
}

struct ast_stmt *parser_misc_describe(struct parser *p)
{
    struct ast_stmt *st = ast_stmt_new(p->arena, AST_DESCRIBE, parser_core_pos(p));
    struct ast_describe *d = &st->u.describe;
    parser_core_advance(p);
    if (!describe_body(p, d)) return NULL;
    if (parser_core_accept_kw(p, KW_WITH)) {
        if (!parser_core_expect_kw(p, KW_INTERNALS)) return NULL;
        d->with_internals = true;
    }
    return st;
}

/* ---- statements ringdb refuses ---- */

static bool unsupported_kind(struct parser *p, enum lexer_kw verb, enum ast_unsupported_kind *k)
{
    if (verb == KW_CREATE && parser_core_is_kw(p, 0, KW_OR) && parser_core_is_kw(p, 1, KW_REPLACE)) {
        parser_core_advance(p);
        parser_core_advance(p);
        if (!parser_core_is_kw(p, 0, KW_FUNCTION) && !parser_core_is_kw(p, 0, KW_AGGREGATE))
            return parser_core_fail_noviable(p);
    }
    bool create = verb == KW_CREATE, drop = verb == KW_DROP;
    if (parser_core_is_kw(p, 0, KW_MATERIALIZED)) {
        parser_core_advance(p);
        if (!parser_core_is_kw(p, 0, KW_VIEW)) return parser_core_expect_kw(p, KW_VIEW);
        *k = create ? AST_UNSUP_CREATE_VIEW : drop ? AST_UNSUP_DROP_VIEW : AST_UNSUP_ALTER_VIEW;
    } else if (!drop && !create) {
        return false;
    } else if (parser_core_is_kw(p, 0, KW_FUNCTION)) {
        *k = create ? AST_UNSUP_CREATE_FUNCTION : AST_UNSUP_DROP_FUNCTION;
    } else if (parser_core_is_kw(p, 0, KW_AGGREGATE)) {
        *k = create ? AST_UNSUP_CREATE_AGGREGATE : AST_UNSUP_DROP_AGGREGATE;
    } else if (parser_core_is_kw(p, 0, KW_TRIGGER)) {
        *k = create ? AST_UNSUP_CREATE_TRIGGER : AST_UNSUP_DROP_TRIGGER;
    } else {
        return false;
    }
    parser_core_advance(p);
    return true;
}

struct ast_stmt *parser_misc_unsupported(struct parser *p, enum lexer_kw verb, struct ast_pos pos,
                                         bool *handled)
{
    enum ast_unsupported_kind kind = AST_UNSUP_CREATE_FUNCTION;
    *handled = false;
    if (!unsupported_kind(p, verb, &kind)) {
        *handled = p->err != 0;
        return NULL;
    }
    *handled = true;
    struct ast_stmt *st = ast_stmt_new(p->arena, AST_UNSUPPORTED, pos);
    st->u.unsupported.kind = kind;
    if (parser_core_accept_kw(p, KW_IF)) {
        parser_core_accept_kw(p, KW_NOT);
        parser_core_accept_kw(p, KW_EXISTS);
    }
    struct parser_mark m = parser_core_mark(p);
    if (!parser_core_qname(p, &st->u.unsupported.name) && !parser_core_reset(p, m)) return NULL;
    /* the rest of the statement, up to a ';' outside brackets */
    uint32_t depth = 0;
    while (!parser_core_is(p, 0, LEX_EOF) && (depth > 0 || !parser_core_is(p, 0, LEX_SEMI))) {
        enum lexer_type t = (enum lexer_type)parser_core_peek(p, 0)->type;
        if (t == LEX_LPAREN || t == LEX_LBRACKET || t == LEX_LBRACE) depth++;
        if ((t == LEX_RPAREN || t == LEX_RBRACKET || t == LEX_RBRACE) && depth > 0) depth--;
        parser_core_advance(p);
    }
    const struct lexer_token *last = &p->toks[p->pos - 1]; /* the verb at least was read */
    uint32_t n = last->offset + last->len - pos.offset;
    char *text = arena_alloc(p->arena, (size_t)n + 1);
    memcpy(text, p->text + pos.offset, n);
    text[n] = '\0';
    st->u.unsupported.text = text;
    st->u.unsupported.text_len = n;
    return st;
}

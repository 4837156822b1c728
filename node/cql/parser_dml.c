/*
 * parser_dml: see parser_dml.h. Parser.g's insertStatement, updateStatement, deleteStatement,
 * batchStatement:
 *
 *   INSERT INTO t (c, ...) VALUES (v, ...) [IF NOT EXISTS] [USING ...]
 *   INSERT INTO t JSON 'json' | ? [DEFAULT NULL | DEFAULT UNSET] [IF NOT EXISTS] [USING ...]
 *   UPDATE t [USING ...] SET op, ... WHERE ... [IF EXISTS | IF cond AND ...]
 *   DELETE [c | c[k] | c.f, ...] FROM t [USING TIMESTAMP n] WHERE ... [IF EXISTS | IF ...]
 *   BEGIN [UNLOGGED | COUNTER] BATCH [USING ...] (insert | update | delete [';'])* APPLY BATCH
 *   USING TTL n | TIMESTAMP n [AND ...]
 *
 * The checks Parser.g makes while parsing are made here with its messages ("Multiple
 * incompatible setting of column c", "Only expressions of the form X = X +<value> are supported.");
 * the column/value count check ("Unmatched column names/values") is Cassandra's first check
 * after parsing and is made here too.
 */
#include "node/cql/parser_dml.h"

#include <string.h>

#include "node/cql/parser.h"
#include "node/cql/parser_select.h"
#include "node/cql/parser_term.h"

/* usingClause; timestamp_only for DELETE's usingClauseDelete. */
static bool using_clause(struct parser *p, struct ast_attrs *a, bool timestamp_only)
{
    if (!parser_core_accept_kw(p, KW_USING)) return true;
    do {
        if (parser_core_accept_kw(p, KW_TIMESTAMP)) {
            if (!(a->timestamp = parser_term_int_value(p))) return false;
        } else if (!timestamp_only && parser_core_accept_kw(p, KW_TTL)) {
            if (!(a->ttl = parser_term_int_value(p))) return false;
        } else {
            return timestamp_only ? parser_core_expect_kw(p, KW_TIMESTAMP)
                                  : parser_core_fail_noviable(p);
        }
    } while (!timestamp_only && parser_core_accept_kw(p, KW_AND));
    return true;
}

static bool if_not_exists(struct parser *p, bool *out)
{
    if (!parser_core_accept_kw(p, KW_IF)) return true;
    *out = true;
    return parser_core_expect_kw(p, KW_NOT) && parser_core_expect_kw(p, KW_EXISTS);
}

/* ---- INSERT ---- */

static bool insert_values(struct parser *p, struct ast_insert *ins)
{
    uint32_t cap = 0, vcap = 0, nv = 0;
    if (!parser_core_expect(p, LEX_LPAREN)) return false;
    do {
        struct ast_ident *c = parser_core_push(p, &ins->columns, &ins->ncolumns, &cap, sizeof *c);
        if (!c || !parser_core_cident(p, c)) return false;
    } while (parser_core_accept(p, LEX_COMMA));
    if (!parser_core_expect(p, LEX_RPAREN) || !parser_core_expect_kw(p, KW_VALUES)) return false;
    if (!parser_core_expect(p, LEX_LPAREN)) return false;
    do {
        struct ast_term **v = parser_core_push(p, &ins->values, &nv, &vcap, sizeof *v);
        if (!v || !(*v = parser_term(p))) return false;
    } while (parser_core_accept(p, LEX_COMMA));
    if (!parser_core_expect(p, LEX_RPAREN)) return false;
    if (nv != ins->ncolumns)
        return parser_core_fail_msg(p, ERR_INVALID, "Unmatched column names/values");
    return true;
}

static bool insert_json(struct parser *p, struct ast_insert *ins)
{
    ins->json = true;
    if (parser_core_is(p, 0, LEX_STRING)) {
        struct ast_term *s = ast_term_new(p->arena, AST_T_STRING, parser_core_pos(p));
        if (!parser_core_string(p, &s->u.lit.text, &s->u.lit.len)) return false;
        ins->json_value = s;
    } else if (parser_core_is(p, 0, LEX_QMARK) || parser_core_is(p, 0, LEX_COLON)) {
        if (!(ins->json_value = parser_term_marker(p))) return false;
    } else {
        return parser_core_fail_noviable(p);
    }
    if (parser_core_accept_kw(p, KW_DEFAULT)) {
        if (parser_core_accept_kw(p, KW_UNSET))
            ins->default_unset = true;
        else if (!parser_core_expect_kw(p, KW_NULL))
            return false;
    }
    return true;
}

struct ast_stmt *parser_dml_insert(struct parser *p)
{
    struct ast_stmt *st = ast_stmt_new(p->arena, AST_INSERT, parser_core_pos(p));
    struct ast_insert *ins = &st->u.insert;
    parser_core_advance(p);
    if (!parser_core_expect_kw(p, KW_INTO) || !parser_core_qname(p, &ins->table)) return NULL;
    bool ok = parser_core_accept_kw(p, KW_JSON) ? insert_json(p, ins) : insert_values(p, ins);
    if (!ok || !if_not_exists(p, &ins->if_not_exists)) return NULL;
    return using_clause(p, &ins->attrs, false) ? st : NULL;
}

/* ---- UPDATE ---- */

static bool compatible(const struct ast_update_op *a, const struct ast_update_op *b)
{
    if (a->kind == AST_UPD_SET || b->kind == AST_UPD_SET) return false;
    if (a->kind == AST_UPD_SET_FIELD && b->kind == AST_UPD_SET_FIELD)
        return strcmp(a->field.name, b->field.name) != 0;
    return true;
}

/* '=' then: c (+|-) v | v + c | v  (Parser.g's normalColumnOperation) */
static bool assignment(struct parser *p, struct ast_update_op *op)
{
    bool self = parser_core_is_ident(p, 0) &&
                (parser_core_is(p, 1, LEX_PLUS) || parser_core_is(p, 1, LEX_MINUS));
    if (self) {
        struct ast_ident c;
        if (!parser_core_ident(p, &c)) return false;
        bool plus = parser_core_is(p, 0, LEX_PLUS);
        parser_core_advance(p);
        if (strcmp(c.name, op->column.name) != 0)
            return parser_core_fail_msg(p, ERR_SYNTAX,
                                        "Only expressions of the form X = X %s<value> are "
                                        "supported.",
                                        plus ? "+" : "-");
        op->kind = plus ? AST_UPD_ADD : AST_UPD_SUB;
        return (op->value = parser_term(p)) != NULL;
    }
    if (!(op->value = parser_term(p))) return false;
    op->kind = AST_UPD_SET;
    if (!parser_core_accept(p, LEX_PLUS)) return true;
    struct ast_ident c;
    if (!parser_core_cident(p, &c)) return false;
    if (strcmp(c.name, op->column.name) != 0)
        return parser_core_fail_msg(p, ERR_SYNTAX,
                                    "Only expressions of the form X = <value> + X are supported.");
    op->kind = AST_UPD_PREPEND;
    return true;
}

static bool column_operation(struct parser *p, struct ast_update_op *op)
{
    if (!parser_core_cident(p, &op->column)) return false;
    if (parser_core_accept(p, LEX_EQ)) return assignment(p, op);
    if (parser_core_is(p, 0, LEX_PLUS_EQ) || parser_core_is(p, 0, LEX_MINUS_EQ)) {
        op->kind = parser_core_is(p, 0, LEX_PLUS_EQ) ? AST_UPD_ADD : AST_UPD_SUB;
        parser_core_advance(p);
        return (op->value = parser_term(p)) != NULL;
    }
    if (parser_core_accept(p, LEX_LBRACKET)) {
        op->kind = AST_UPD_SET_ELEMENT;
        if (!(op->key = parser_term(p)) || !parser_core_expect(p, LEX_RBRACKET)) return false;
    } else if (parser_core_accept(p, LEX_DOT)) {
        op->kind = AST_UPD_SET_FIELD;
        if (!parser_core_ident(p, &op->field)) return false;
    } else {
        return parser_core_fail_noviable(p);
    }
    return parser_core_expect(p, LEX_EQ) && (op->value = parser_term(p)) != NULL;
}

static bool set_clause(struct parser *p, struct ast_update *u)
{
    uint32_t cap = 0;
    do {
        struct ast_update_op *op = parser_core_push(p, &u->ops, &u->nops, &cap, sizeof *op);
        if (!op || !column_operation(p, op)) return false;
        for (uint32_t i = 0; i + 1 < u->nops; i++)
            if (strcmp(u->ops[i].column.name, op->column.name) == 0 && !compatible(&u->ops[i], op))
                return parser_core_fail_msg(p, ERR_SYNTAX,
                                            "Multiple incompatible setting of column %s",
                                            op->column.name);
    } while (parser_core_accept(p, LEX_COMMA));
    return true;
}

/* IN (terms) | IN marker, after IN */
static bool in_values(struct parser *p, struct ast_relation *r)
{
    r->op = AST_OP_IN;
    if (parser_core_is(p, 0, LEX_QMARK) || parser_core_is(p, 0, LEX_COLON))
        return (r->value = parser_term_marker(p)) != NULL;
    return parser_term_tuple_values(p, &r->in_values);
}

static bool condition(struct parser *p, struct ast_relation *r)
{
    uint32_t cap = 0;
    r->pos = parser_core_pos(p);
    r->kind = AST_REL_COLUMN;
    struct ast_ident *c = parser_core_push(p, &r->columns, &r->ncolumns, &cap, sizeof *c);
    if (!c || !parser_core_cident(p, c)) return false;
    if (parser_core_accept(p, LEX_LBRACKET)) {
        r->kind = AST_REL_ELEMENT;
        if (!(r->key = parser_term(p)) || !parser_core_expect(p, LEX_RBRACKET)) return false;
    } else if (parser_core_accept(p, LEX_DOT)) {
        r->kind = AST_REL_FIELD;
        if (!parser_core_ident(p, &r->field)) return false;
    }
    if (parser_select_relop(p, &r->op)) return (r->value = parser_term(p)) != NULL;
    if (parser_core_accept_kw(p, KW_IN)) return in_values(p, r);
    if (r->kind == AST_REL_COLUMN && parser_core_accept_kw(p, KW_CONTAINS)) {
        r->op = parser_core_accept_kw(p, KW_KEY) ? AST_OP_CONTAINS_KEY : AST_OP_CONTAINS;
        return (r->value = parser_term(p)) != NULL;
    }
    return parser_core_fail_noviable(p);
}

/* [IF EXISTS | IF cond (AND cond)*] */
static bool if_clause(struct parser *p, bool *if_exists, struct ast_relation **conds, uint32_t *n)
{
    if (!parser_core_accept_kw(p, KW_IF)) return true;
    if (parser_core_accept_kw(p, KW_EXISTS)) {
        *if_exists = true;
        return true;
    }
    uint32_t cap = 0;
    do {
        struct ast_relation *r = parser_core_push(p, conds, n, &cap, sizeof *r);
        if (!r || !condition(p, r)) return false;
    } while (parser_core_accept_kw(p, KW_AND));
    return true;
}

struct ast_stmt *parser_dml_update(struct parser *p)
{
    struct ast_stmt *st = ast_stmt_new(p->arena, AST_UPDATE, parser_core_pos(p));
    struct ast_update *u = &st->u.update;
    parser_core_advance(p);
    if (!parser_core_qname(p, &u->table) || !using_clause(p, &u->attrs, false)) return NULL;
    if (!parser_core_expect_kw(p, KW_SET) || !set_clause(p, u)) return NULL;
    if (!parser_core_expect_kw(p, KW_WHERE) || !parser_select_where(p, &u->where, &u->nwhere))
        return NULL;
    return if_clause(p, &u->if_exists, &u->conds, &u->nconds) ? st : NULL;
}

/* ---- DELETE ---- */

static bool delete_op(struct parser *p, struct ast_delete_op *op)
{
    if (!parser_core_cident(p, &op->column)) return false;
    op->kind = AST_DEL_COLUMN;
    if (parser_core_accept(p, LEX_LBRACKET)) {
        op->kind = AST_DEL_ELEMENT;
        return (op->key = parser_term(p)) != NULL && parser_core_expect(p, LEX_RBRACKET);
    }
    if (parser_core_accept(p, LEX_DOT)) {
        op->kind = AST_DEL_FIELD;
        return parser_core_ident(p, &op->field);
    }
    return true;
}

struct ast_stmt *parser_dml_delete(struct parser *p)
{
    struct ast_stmt *st = ast_stmt_new(p->arena, AST_DELETE, parser_core_pos(p));
    struct ast_delete *d = &st->u.del;
    uint32_t cap = 0;
    parser_core_advance(p);
    while (!parser_core_is_kw(p, 0, KW_FROM)) {
        struct ast_delete_op *op = parser_core_push(p, &d->ops, &d->nops, &cap, sizeof *op);
        if (!op || !delete_op(p, op)) return NULL;
        if (!parser_core_accept(p, LEX_COMMA)) break;
    }
    if (!parser_core_expect_kw(p, KW_FROM) || !parser_core_qname(p, &d->table)) return NULL;
    if (!using_clause(p, &d->attrs, true)) return NULL;
    if (!parser_core_expect_kw(p, KW_WHERE) || !parser_select_where(p, &d->where, &d->nwhere))
        return NULL;
    return if_clause(p, &d->if_exists, &d->conds, &d->nconds) ? st : NULL;
}

/* ---- BATCH ---- */

static bool batch_statements(struct parser *p, struct ast_batch *b)
{
    uint32_t cap = 0;
    while (!parser_core_is_kw(p, 0, KW_APPLY)) {
        struct ast_stmt *s;
        if (parser_core_is_kw(p, 0, KW_INSERT))
            s = parser_dml_insert(p);
        else if (parser_core_is_kw(p, 0, KW_UPDATE))
            s = parser_dml_update(p);
        else if (parser_core_is_kw(p, 0, KW_DELETE))
            s = parser_dml_delete(p);
        else
            return parser_core_fail_mismatch(p, "K_APPLY");
        if (!s) return false;
        if (b->n >= PARSER_BATCH_MAX)
            return parser_core_fail_limit(p, "more than %u statements in a BATCH",
                                          PARSER_BATCH_MAX);
        struct ast_stmt **slot = parser_core_push(p, &b->stmts, &b->n, &cap, sizeof *slot);
        if (!slot) return false;
        *slot = s;
        parser_core_accept(p, LEX_SEMI);
    }
    return true;
}

struct ast_stmt *parser_dml_batch(struct parser *p)
{
    struct ast_stmt *st = ast_stmt_new(p->arena, AST_BATCH, parser_core_pos(p));
    struct ast_batch *b = &st->u.batch;
    parser_core_advance(p);
    if (parser_core_accept_kw(p, KW_UNLOGGED))
        b->type = AST_BATCH_UNLOGGED;
    else if (parser_core_accept_kw(p, KW_COUNTER))
        b->type = AST_BATCH_COUNTER;
    if (!parser_core_expect_kw(p, KW_BATCH) || !using_clause(p, &b->attrs, false)) return NULL;
    if (!batch_statements(p, b)) return NULL;
    if (!parser_core_expect_kw(p, KW_APPLY) || !parser_core_expect_kw(p, KW_BATCH)) return NULL;
    return st;
}

/*
 * parser_select: see parser_select.h. Parser.g's selectStatement:
 *
 *   SELECT [JSON] [DISTINCT] ('*' | selector [AS alias] (',' ...)*) FROM [ks.]table
 *     [WHERE relation (AND relation)*] [GROUP BY selector, ...] [ORDER BY c [ASC|DESC], ...]
 *     [PER PARTITION LIMIT n] [LIMIT n] [ALLOW FILTERING]
 *
 * JSON and DISTINCT are also valid column names: as in Parser.g ((K_JSON selectClause)=>), the
 * keyword reading is tried first and dropped if what follows is not a selector list.
 */
#include "node/cql/parser_select.h"

#include "node/cql/parser.h"
#include "node/cql/parser_term.h"

bool parser_select_relop(struct parser *p, enum ast_rel_op *op)
{
    switch (parser_core_peek(p, 0)->type) {
    case LEX_EQ: *op = AST_OP_EQ; break;
    case LEX_LT: *op = AST_OP_LT; break;
    case LEX_LTE: *op = AST_OP_LTE; break;
    case LEX_GT: *op = AST_OP_GT; break;
    case LEX_GTE: *op = AST_OP_GTE; break;
    case LEX_NEQ: *op = AST_OP_NEQ; break;
    default: return false;
    }
    parser_core_advance(p);
    return true;
}

/* ---- relations ---- */

static bool push_column(struct parser *p, struct ast_relation *r, uint32_t *cap)
{
    struct ast_ident *c = parser_core_push(p, &r->columns, &r->ncolumns, cap, sizeof *c);
    return c && parser_core_cident(p, c);
}

/* tupleOfIdentifiers: '(' cident (',' cident)* ')' */
static bool column_tuple(struct parser *p, struct ast_relation *r)
{
    uint32_t cap = 0;
    if (!parser_core_expect(p, LEX_LPAREN)) return false;
    do {
        if (!push_column(p, r, &cap)) return false;
    } while (parser_core_accept(p, LEX_COMMA));
    return parser_core_expect(p, LEX_RPAREN);
}

/* Whether '(' cident (',' cident)* ')' followed by an operator or IN starts at the cursor. */
static bool is_multi_column(const struct parser *p)
{
    uint32_t k = 1;
    for (;;) {
        if (!parser_core_is_ident(p, k) && !parser_core_is(p, k, LEX_EMPTY_QUOTED_NAME))
            return false;
        k++;
        if (parser_core_is(p, k, LEX_RPAREN)) break;
        if (!parser_core_is(p, k, LEX_COMMA)) return false;
        k++;
        if (k > PARSER_ELEMS_MAX) return false;
    }
    enum lexer_type t = (enum lexer_type)parser_core_peek(p, k + 1)->type;
    return parser_core_is_kw(p, k + 1, KW_IN) || t == LEX_EQ || t == LEX_LT || t == LEX_LTE ||
           t == LEX_GT || t == LEX_GTE || t == LEX_NEQ;
}

static bool is_marker_start(const struct parser *p)
{
    return parser_core_is(p, 0, LEX_QMARK) || parser_core_is(p, 0, LEX_COLON);
}

/* A multi-column right side: a tuple literal or a marker. */
static bool tuple_or_marker(struct parser *p, struct ast_term **out)
{
    if (is_marker_start(p)) return (*out = parser_term_marker(p)) != NULL;
    if (!parser_core_is(p, 0, LEX_LPAREN)) return parser_core_fail_noviable(p);
    struct ast_pos pos = parser_core_pos(p);
    struct ast_term *t = ast_term_new(p->arena, AST_T_TUPLE, pos);
    if (!parser_term_tuple_values(p, &t->u.list)) return false;
    *out = t;
    return true;
}

static bool multi_relation(struct parser *p, struct ast_relation *r)
{
    r->kind = AST_REL_MULTI;
    if (!column_tuple(p, r)) return false;
    if (parser_select_relop(p, &r->op)) return tuple_or_marker(p, &r->value);
    if (!parser_core_expect_kw(p, KW_IN)) return false;
    r->op = AST_OP_IN;
    if (is_marker_start(p)) return (r->value = parser_term_marker(p)) != NULL;
    if (!parser_core_expect(p, LEX_LPAREN)) return false;
    uint32_t cap = 0;
    if (parser_core_accept(p, LEX_RPAREN)) return true;
    do {
        struct ast_term *t;
        if (!tuple_or_marker(p, &t) || !parser_term_list_push(p, &r->in_values, &cap, t))
            return false;
    } while (parser_core_accept(p, LEX_COMMA));
    return parser_core_expect(p, LEX_RPAREN);
}

static bool token_relation(struct parser *p, struct ast_relation *r)
{
    r->kind = AST_REL_TOKEN;
    parser_core_advance(p);
    if (!column_tuple(p, r)) return false;
    if (!parser_select_relop(p, &r->op)) return parser_core_fail_noviable(p);
    return (r->value = parser_term(p)) != NULL;
}

/* The operator and right side of a single-column relation (after the column and [key]). */
static bool single_right(struct parser *p, struct ast_relation *r)
{
    if (parser_select_relop(p, &r->op)) return (r->value = parser_term(p)) != NULL;
    if (r->kind == AST_REL_ELEMENT) return parser_core_fail_noviable(p);
    if (parser_core_accept_kw(p, KW_IN)) {
        r->op = AST_OP_IN;
        if (is_marker_start(p)) return (r->value = parser_term_marker(p)) != NULL;
        return parser_term_tuple_values(p, &r->in_values);
    }
    if (parser_core_accept_kw(p, KW_CONTAINS)) {
        r->op = parser_core_accept_kw(p, KW_KEY) ? AST_OP_CONTAINS_KEY : AST_OP_CONTAINS;
        return (r->value = parser_term(p)) != NULL;
    }
    if (parser_core_accept_kw(p, KW_LIKE)) {
        r->op = AST_OP_LIKE;
        return (r->value = parser_term(p)) != NULL;
    }
    if (parser_core_accept_kw(p, KW_IS)) {
        r->op = AST_OP_IS_NOT_NULL;
        return parser_core_expect_kw(p, KW_NOT) && parser_core_expect_kw(p, KW_NULL);
    }
    return parser_core_fail_noviable(p);
}

static bool relation(struct parser *p, struct ast_relation **rels, uint32_t *n, uint32_t *cap);

/* '(' relation ')': the parentheses add nothing, the relation joins the list. */
static bool nested_relation(struct parser *p, struct ast_relation **rels, uint32_t *n,
                            uint32_t *cap)
{
    if (!parser_core_enter(p)) return false;
    parser_core_advance(p);
    bool ok = relation(p, rels, n, cap) && parser_core_expect(p, LEX_RPAREN);
    parser_core_leave(p);
    return ok;
}

static bool relation(struct parser *p, struct ast_relation **rels, uint32_t *n, uint32_t *cap)
{
    if (parser_core_is(p, 0, LEX_LPAREN) && !is_multi_column(p))
        return nested_relation(p, rels, n, cap);
    struct ast_relation *r = parser_core_push(p, rels, n, cap, sizeof *r);
    if (!r) return false;
    r->pos = parser_core_pos(p);
    if (parser_core_is_kw(p, 0, KW_TOKEN)) return token_relation(p, r);
    if (parser_core_is(p, 0, LEX_LPAREN)) return multi_relation(p, r);
    uint32_t ccap = 0;
    r->kind = AST_REL_COLUMN;
    if (!push_column(p, r, &ccap)) return false;
    if (parser_core_accept(p, LEX_LBRACKET)) {
        r->kind = AST_REL_ELEMENT;
        if (!(r->key = parser_term(p)) || !parser_core_expect(p, LEX_RBRACKET)) return false;
    }
    return single_right(p, r);
}

bool parser_select_where(struct parser *p, struct ast_relation **rels, uint32_t *n)
{
    uint32_t cap = 0;
    *rels = NULL;
    *n = 0;
    do {
        if (!relation(p, rels, n, &cap)) return false;
    } while (parser_core_accept_kw(p, KW_AND));
    return true;
}

/* ---- selectors ---- */

static bool selectors(struct parser *p, struct ast_select *s)
{
    uint32_t cap = 0;
    if (parser_core_accept(p, LEX_STAR)) return true;
    do {
        struct ast_selector *sel = parser_core_push(p, &s->sel, &s->nsel, &cap, sizeof *sel);
        if (!sel || !(sel->expr = parser_term_selector(p))) return false;
        if (parser_core_accept_kw(p, KW_AS)) {
            struct ast_ident alias;
            if (!parser_core_ident(p, &alias)) return false;
            sel->alias = alias.name;
        }
    } while (parser_core_accept(p, LEX_COMMA));
    return true;
}

/* selectClause: (DISTINCT selectors)=> DISTINCT selectors | selectors */
static bool select_clause(struct parser *p, struct ast_select *s)
{
    if (parser_core_is_kw(p, 0, KW_DISTINCT)) {
        struct parser_mark m = parser_core_mark(p);
        parser_core_advance(p);
        if (selectors(p, s)) {
            s->distinct = true;
            return true;
        }
        if (!parser_core_reset(p, m)) return false;
        s->nsel = 0;
        s->sel = NULL;
    }
    return selectors(p, s);
}

static bool json_and_selectors(struct parser *p, struct ast_select *s)
{
    if (parser_core_is_kw(p, 0, KW_JSON)) {
        struct parser_mark m = parser_core_mark(p);
        parser_core_advance(p);
        if (select_clause(p, s)) {
            s->json = true;
            return true;
        }
        if (!parser_core_reset(p, m)) return false;
        *s = (struct ast_select){0};
    }
    return select_clause(p, s);
}

static bool group_by(struct parser *p, struct ast_select *s)
{
    uint32_t cap = 0;
    do {
        struct ast_term *t = parser_term_selector(p);
        if (!t || !parser_term_list_push(p, &s->group_by, &cap, t)) return false;
    } while (parser_core_accept(p, LEX_COMMA));
    return true;
}

static bool order_by(struct parser *p, struct ast_select *s)
{
    uint32_t cap = 0;
    do {
        struct ast_ordering *o = parser_core_push(p, &s->order, &s->norder, &cap, sizeof *o);
        if (!o || !parser_core_cident(p, &o->column)) return false;
        if (!parser_core_accept_kw(p, KW_ASC)) o->desc = parser_core_accept_kw(p, KW_DESC);
    } while (parser_core_accept(p, LEX_COMMA));
    return true;
}

/* WHERE, GROUP BY, ORDER BY, PER PARTITION LIMIT, LIMIT, ALLOW FILTERING: each optional. */
static bool select_tail(struct parser *p, struct ast_select *s)
{
    if (parser_core_accept_kw(p, KW_WHERE) && !parser_select_where(p, &s->where, &s->nwhere))
        return false;
    if (parser_core_accept_kw(p, KW_GROUP))
        if (!parser_core_expect_kw(p, KW_BY) || !group_by(p, s)) return false;
    if (parser_core_accept_kw(p, KW_ORDER))
        if (!parser_core_expect_kw(p, KW_BY) || !order_by(p, s)) return false;
    if (parser_core_accept_kw(p, KW_PER)) {
        if (!parser_core_expect_kw(p, KW_PARTITION) || !parser_core_expect_kw(p, KW_LIMIT))
            return false;
        if (!(s->per_partition_limit = parser_term_int_value(p))) return false;
    }
    if (parser_core_accept_kw(p, KW_LIMIT) && !(s->limit = parser_term_int_value(p)))
        return false;
    if (parser_core_accept_kw(p, KW_ALLOW)) {
        if (!parser_core_expect_kw(p, KW_FILTERING)) return false;
        s->allow_filtering = true;
    }
    return true;
}

struct ast_stmt *parser_select(struct parser *p)
{
    struct ast_stmt *st = ast_stmt_new(p->arena, AST_SELECT, parser_core_pos(p));
    struct ast_select *s = &st->u.select;
    parser_core_advance(p);
    if (!json_and_selectors(p, s)) return NULL;
    if (!parser_core_expect_kw(p, KW_FROM) || !parser_core_qname(p, &s->table)) return NULL;
    return select_tail(p, s) ? st : NULL;
}

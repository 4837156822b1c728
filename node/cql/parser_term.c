/*
 * parser_term: see parser_term.h. Grammar, with sel = selector mode:
 *
 *   expr     := mul (('+' | '-') mul)*          the loop stops where no operand can start, so
 *   mul      := group (('*' | '/' | '%') group)*  "SET l = [1] + l" leaves "+ l" to the caller
 *   group    := '-' group (sel) | '-' primary (term) | primary modifier* (modifiers: sel only)
 *   primary  := constant | '-' numeric constant | NULL | marker | list | braces | paren
 *             | CAST '(' x AS native ')' | [ks '.'] fname '(' args ')'
 *             | sel: COUNT '(' '*' ')' | WRITETIME|MAXWRITETIME|TTL '(' column modifier* ')'
 *             | sel: column
 *   paren    := '(' type ')' primary            a type hint, tried first (backtracking)
 *             | '(' expr (',' expr)* ')'        term: tuple; sel: tuple, or grouping if one
 *   braces   := '{' '}' | term: '{' fident ':' ... '}' (UDT) | '{' k ':' v, ... '}' | '{' v, ... '}'
 *
 * Folding '-' into a following numeric literal mirrors Lexer.g, where "-5" is one INTEGER token.
 */
#include "node/cql/parser_term.h"

#include <stdio.h>
#include <string.h>

#include "node/base/assert.h"
#include "node/base/buf.h"
#include "node/cql/ast_print.h"

static struct ast_term *expr(struct parser *p, bool sel);
static struct ast_term *primary(struct parser *p, bool sel);

bool parser_term_list_push(struct parser *p, struct ast_term_list *list, uint32_t *cap,
                           struct ast_term *t)
{
    struct ast_term **slot = parser_core_push(p, &list->items, &list->n, cap, sizeof *slot);
    if (!slot) return false;
    *slot = t;
    return true;
}

/* ---- lookahead predicates ---- */

static bool is_numeric(const struct parser *p, uint32_t k)
{
    const struct lexer_token *t = parser_core_peek(p, k);
    return t->type == LEX_INTEGER || t->type == LEX_FLOAT || t->type == LEX_DURATION ||
           (t->type == LEX_IDENT && (t->kw == KW_NAN || t->kw == KW_INFINITY));
}

/* allowedFunctionName: IDENT, QUOTED_NAME, unreserved function keywords, TOKEN, COUNT. */
static bool is_fname(const struct parser *p, uint32_t k)
{
    const struct lexer_token *t = parser_core_peek(p, k);
    if (t->type == LEX_QUOTED_NAME) return true;
    if (t->type != LEX_IDENT) return false;
    enum lexer_kw kw = (enum lexer_kw)t->kw;
    if (kw == KW_TOKEN || kw == KW_COUNT) return true;
    if (lexer_kw_reserved(kw)) return false;
    return kw != KW_TTL && kw != KW_WRITETIME && kw != KW_MAXWRITETIME && kw != KW_KEY &&
           kw != KW_CAST && kw != KW_JSON && kw != KW_DISTINCT;
}

/* fname '(' or ks '.' fname '(' at k. */
static bool is_function_start(const struct parser *p, uint32_t k)
{
    if (is_fname(p, k) && parser_core_is(p, k + 1, LEX_LPAREN)) return true;
    return parser_core_is_ident(p, k) && parser_core_is(p, k + 1, LEX_DOT) && is_fname(p, k + 2) &&
           parser_core_is(p, k + 3, LEX_LPAREN);
}

/* STRING INTEGER FLOAT BOOLEAN DURATION UUID HEXNUMBER: a constant by itself */
static bool is_constant_token(enum lexer_type t)
{
    return t == LEX_STRING || t == LEX_INTEGER || t == LEX_FLOAT || t == LEX_BOOLEAN ||
           t == LEX_DURATION || t == LEX_UUID || t == LEX_HEX;
}

static bool starts(const struct parser *p, uint32_t k, bool sel)
{
    const struct lexer_token *t = parser_core_peek(p, k);
    if (is_constant_token((enum lexer_type)t->type)) return true;
    switch (t->type) {
    case LEX_QMARK:
    case LEX_COLON:
    case LEX_LBRACKET:
    case LEX_LBRACE:
    case LEX_LPAREN:
    case LEX_MINUS: return true;
    case LEX_IDENT:
        if (t->kw == KW_NULL || t->kw == KW_NAN || t->kw == KW_INFINITY) return true;
        if (t->kw == KW_CAST && parser_core_is(p, k + 1, LEX_LPAREN)) return true;
        return sel ? (parser_core_is_ident(p, k) || is_function_start(p, k))
                   : is_function_start(p, k);
    case LEX_QUOTED_NAME: return sel || is_function_start(p, k);
    default: return false;
    }
}

bool parser_term_starts(const struct parser *p, uint32_t k)
{
    return starts(p, k, false);
}

/* ---- constants and markers ---- */

static struct ast_term *constant(struct parser *p, bool negative)
{
    const struct lexer_token *t = parser_core_peek(p, 0);
    struct ast_pos pos = parser_core_pos(p);
    enum ast_term_kind kind;
    switch (t->type) {
    case LEX_STRING: kind = AST_T_STRING; break;
    case LEX_INTEGER: kind = AST_T_INTEGER; break;
    case LEX_FLOAT: kind = AST_T_FLOAT; break;
    case LEX_BOOLEAN: kind = AST_T_BOOLEAN; break;
    case LEX_DURATION: kind = AST_T_DURATION; break;
    case LEX_UUID: kind = AST_T_UUID; break;
    case LEX_HEX: kind = AST_T_HEX; break;
    case LEX_IDENT:
        if (t->kw == KW_NAN || t->kw == KW_INFINITY) {
            kind = AST_T_FLOAT;
            break;
        }
        /* fallthrough */
    default: parser_core_fail_noviable(p); return NULL;
    }
    struct ast_term *c = ast_term_new(p->arena, kind, pos);
    if (kind == AST_T_STRING) {
        c->u.lit.text = parser_core_tok_text(p, t, &c->u.lit.len);
    } else if (t->type == LEX_IDENT) {
        /* Cassandra's NaN / -NaN / Infinity / -Infinity literals */
        c->u.lit.text = t->kw == KW_NAN ? "NaN" : negative ? "-Infinity" : "Infinity";
    } else {
        char *text = arena_alloc(p->arena, (size_t)t->len + 2);
        size_t o = 0;
        if (negative) text[o++] = '-';
        memcpy(text + o, p->text + t->offset, t->len);
        text[o + t->len] = '\0';
        c->u.lit.text = text;
        c->u.lit.boolean = kind == AST_T_BOOLEAN && (p->text[t->offset] | 32) == 't';
    }
    if (kind != AST_T_STRING) c->u.lit.len = (uint32_t)strlen(c->u.lit.text);
    parser_core_advance(p);
    return c;
}

/* '-' numeric: the literal with the sign folded in. */
static struct ast_term *negative_constant(struct parser *p)
{
    struct ast_pos pos = parser_core_pos(p);
    parser_core_advance(p);
    struct ast_term *c = constant(p, true);
    if (c) c->pos = pos;
    return c;
}

struct ast_term *parser_term_marker(struct parser *p)
{
    struct ast_pos pos = parser_core_pos(p);
    if (parser_core_accept(p, LEX_QMARK)) return parser_core_marker(p, NULL, pos);
    if (!parser_core_expect(p, LEX_COLON)) return NULL;
    struct ast_ident name;
    if (!parser_core_ident(p, &name)) return NULL;
    return parser_core_marker(p, name.name, pos);
}

struct ast_term *parser_term_int_value(struct parser *p)
{
    if (parser_core_is(p, 0, LEX_QMARK) || parser_core_is(p, 0, LEX_COLON))
        return parser_term_marker(p);
    bool neg = parser_core_is(p, 0, LEX_MINUS) && parser_core_is(p, 1, LEX_INTEGER);
    if (!neg && !parser_core_is(p, 0, LEX_INTEGER)) {
        parser_core_fail_noviable(p);
        return NULL;
    }
    return neg ? negative_constant(p) : constant(p, false);
}

/* ---- collections ---- */

/* elements separated by ',' up to the closer (already past the opener). */
static bool elements(struct parser *p, bool sel, enum lexer_type closer, struct ast_term_list *l)
{
    uint32_t cap = 0;
    if (parser_core_accept(p, closer)) return true;
    do {
        struct ast_term *t = expr(p, sel);
        if (!t || !parser_term_list_push(p, l, &cap, t)) return false;
    } while (parser_core_accept(p, LEX_COMMA));
    return parser_core_expect(p, closer);
}

static struct ast_term *list_literal(struct parser *p, bool sel)
{
    struct ast_term *t = ast_term_new(p->arena, AST_T_LIST, parser_core_pos(p));
    parser_core_advance(p);
    return elements(p, sel, LEX_RBRACKET, &t->u.list) ? t : NULL;
}

static struct ast_term *udt_literal(struct parser *p, struct ast_term *t)
{
    uint32_t cap_f = 0, cap_v = 0, nv = 0;
    t->kind = AST_T_UDT;
    do {
        struct ast_ident *f = parser_core_push(p, &t->u.udt.fields, &t->u.udt.n, &cap_f, sizeof *f);
        if (!f || !parser_core_ident(p, f) || !parser_core_expect(p, LEX_COLON)) return NULL;
        struct ast_term **v = parser_core_push(p, &t->u.udt.values, &nv, &cap_v, sizeof *v);
        if (!v || !(*v = expr(p, false))) return NULL;
    } while (parser_core_accept(p, LEX_COMMA));
    return parser_core_expect(p, LEX_RBRACE) ? t : NULL;
}

static struct ast_term *map_literal(struct parser *p, struct ast_term *t, struct ast_term *k1,
                                    bool sel)
{
    uint32_t cap_k = 0, cap_v = 0, nv = 0;
    struct ast_term *k = k1;
    t->kind = AST_T_MAP;
    for (;;) {
        struct ast_term **ks = parser_core_push(p, &t->u.map.keys, &t->u.map.n, &cap_k, sizeof *ks);
        struct ast_term **vs = ks ? parser_core_push(p, &t->u.map.values, &nv, &cap_v, sizeof *vs)
                                  : NULL;
        if (!vs || !parser_core_expect(p, LEX_COLON)) return NULL;
        *ks = k;
        if (!(*vs = expr(p, sel))) return NULL;
        if (!parser_core_accept(p, LEX_COMMA)) break;
        if (!(k = expr(p, sel))) return NULL;
    }
    return parser_core_expect(p, LEX_RBRACE) ? t : NULL;
}

static struct ast_term *braces(struct parser *p, bool sel)
{
    struct ast_term *t = ast_term_new(p->arena, AST_T_EMPTY_BRACES, parser_core_pos(p));
    parser_core_advance(p);
    if (parser_core_accept(p, LEX_RBRACE)) return t;
    if (!sel && parser_core_is_ident(p, 0) && parser_core_is(p, 1, LEX_COLON))
        return udt_literal(p, t);
    struct ast_term *first = expr(p, sel);
    if (!first) return NULL;
    if (parser_core_is(p, 0, LEX_COLON)) return map_literal(p, t, first, sel);
    uint32_t cap = 0;
    t->kind = AST_T_SET;
    if (!parser_term_list_push(p, &t->u.list, &cap, first)) return NULL;
    while (parser_core_accept(p, LEX_COMMA)) {
        struct ast_term *e = expr(p, sel);
        if (!e || !parser_term_list_push(p, &t->u.list, &cap, e)) return NULL;
    }
    return parser_core_expect(p, LEX_RBRACE) ? t : NULL;
}

/* ---- parentheses: type hints, tuples, grouping ---- */

static struct ast_term *type_hint(struct parser *p, bool sel)
{
    struct ast_pos pos = parser_core_pos(p);
    parser_core_advance(p);
    struct ast_type *type = parser_core_type(p);
    if (!type || !parser_core_expect(p, LEX_RPAREN)) return NULL;
    if (!starts(p, 0, sel) || parser_core_is(p, 0, LEX_MINUS)) {
        if (!is_numeric(p, 1) || !parser_core_is(p, 0, LEX_MINUS)) {
            parser_core_fail_noviable(p);
            return NULL;
        }
    }
    struct ast_term *arg = primary(p, sel);
    if (!arg) return NULL;
    struct ast_term *t = ast_term_new(p->arena, AST_T_TYPE_HINT, pos);
    t->u.cast.type = type;
    t->u.cast.arg = arg;
    return t;
}

static struct ast_term *paren(struct parser *p, bool sel)
{
    const struct lexer_token *next = parser_core_peek(p, 1);
    if (next->type == LEX_IDENT || next->type == LEX_QUOTED_NAME || next->type == LEX_STRING) {
        struct parser_mark m = parser_core_mark(p);
        struct ast_term *hint = type_hint(p, sel);
        if (hint) return hint;
        if (!parser_core_reset(p, m)) return NULL;
    }
    struct ast_term *t = ast_term_new(p->arena, AST_T_TUPLE, parser_core_pos(p));
    parser_core_advance(p);
    if (!elements(p, sel, LEX_RPAREN, &t->u.list)) return NULL;
    if (t->u.list.n == 0) {
        p->pos--; /* report at the ')' */
        parser_core_fail_noviable(p);
        return NULL;
    }
    if (sel && t->u.list.n == 1) return t->u.list.items[0]; /* (a + b): grouping */
    return t;
}

/* ---- functions and selector specials ---- */

static bool function_name(struct parser *p, struct ast_qname *out)
{
    out->pos = parser_core_pos(p);
    out->keyspace = NULL;
    if (parser_core_is(p, 1, LEX_DOT)) {
        struct ast_ident ks;
        if (!parser_core_ident(p, &ks)) return false;
        out->keyspace = ks.name;
        parser_core_advance(p);
    }
    const struct lexer_token *t = parser_core_peek(p, 0);
    if (!is_fname(p, 0)) return parser_core_fail_noviable(p);
    if (t->type == LEX_QUOTED_NAME) {
        out->name = parser_core_tok_text(p, t, NULL);
    } else {
        char *s = arena_strndup(p->arena, p->text + t->offset, t->len);
        for (char *c = s; *c; c++)
            if (*c >= 'A' && *c <= 'Z') *c = (char)(*c + 32);
        out->name = s;
    }
    parser_core_advance(p);
    return true;
}

static struct ast_term *function_call(struct parser *p, bool sel)
{
    struct ast_term *t = ast_term_new(p->arena, AST_T_FUNCTION, parser_core_pos(p));
    if (!function_name(p, &t->u.func.name) || !parser_core_expect(p, LEX_LPAREN)) return NULL;
    return elements(p, sel, LEX_RPAREN, &t->u.func.args) ? t : NULL;
}

/* CAST '(' x AS native_type ')' */
static struct ast_term *cast(struct parser *p, bool sel)
{
    struct ast_term *t = ast_term_new(p->arena, AST_T_CAST, parser_core_pos(p));
    parser_core_advance(p);
    parser_core_advance(p);
    if (!(t->u.cast.arg = sel ? expr(p, true) : primary(p, false))) return NULL;
    if (!parser_core_expect_kw(p, KW_AS)) return NULL;
    const struct lexer_token *tk = parser_core_peek(p, 0);
    if (tk->type != LEX_IDENT || !parser_core_native_kw((enum lexer_kw)tk->kw, NULL)) {
        parser_core_fail_noviable(p);
        return NULL;
    }
    t->u.cast.type = parser_core_type(p);
    return t->u.cast.type && parser_core_expect(p, LEX_RPAREN) ? t : NULL;
}

static struct ast_term *modifiers(struct parser *p, struct ast_term *base);

/* WRITETIME / MAXWRITETIME / TTL '(' column modifier* ')' */
static struct ast_term *writetime(struct parser *p, enum ast_term_kind kind)
{
    struct ast_term *t = ast_term_new(p->arena, kind, parser_core_pos(p));
    parser_core_advance(p);
    parser_core_advance(p);
    struct ast_term *col = ast_term_new(p->arena, AST_T_COLUMN, parser_core_pos(p));
    if (!parser_core_ident(p, &col->u.column)) return NULL;
    if (!(t->u.of = modifiers(p, col))) return NULL;
    return parser_core_expect(p, LEX_RPAREN) ? t : NULL;
}

static struct ast_term *ident_primary(struct parser *p, bool sel)
{
    const struct lexer_token *t = parser_core_peek(p, 0);
    bool call = parser_core_is(p, 1, LEX_LPAREN);
    enum lexer_kw kw = t->type == LEX_IDENT ? (enum lexer_kw)t->kw : KW_NONE;
    if (kw == KW_NULL) {
        struct ast_term *n = ast_term_new(p->arena, AST_T_NULL, parser_core_pos(p));
        parser_core_advance(p);
        return n;
    }
    if (kw == KW_NAN || kw == KW_INFINITY) return constant(p, false);
    if (kw == KW_CAST && call) return cast(p, sel);
    if (sel && call && kw == KW_COUNT && parser_core_is(p, 2, LEX_STAR) &&
        parser_core_is(p, 3, LEX_RPAREN)) {
        struct ast_term *c = ast_term_new(p->arena, AST_T_COUNT_ROWS, parser_core_pos(p));
        for (int i = 0; i < 4; i++) parser_core_advance(p);
        return c;
    }
    if (sel && call && kw == KW_WRITETIME) return writetime(p, AST_T_WRITETIME);
    if (sel && call && kw == KW_MAXWRITETIME) return writetime(p, AST_T_MAXWRITETIME);
    if (sel && call && kw == KW_TTL) return writetime(p, AST_T_TTL);
    if (is_function_start(p, 0)) return function_call(p, sel);
    if (sel && parser_core_is_ident(p, 0)) {
        struct ast_term *c = ast_term_new(p->arena, AST_T_COLUMN, parser_core_pos(p));
        return parser_core_ident(p, &c->u.column) ? c : NULL;
    }
    parser_core_fail_noviable(p);
    return NULL;
}

static struct ast_term *primary_inner(struct parser *p, bool sel)
{
    enum lexer_type type = (enum lexer_type)parser_core_peek(p, 0)->type;
    if (is_constant_token(type)) return constant(p, false);
    switch (type) {
    case LEX_MINUS:
        if (is_numeric(p, 1)) return negative_constant(p);
        break;
    case LEX_QMARK:
    case LEX_COLON: return parser_term_marker(p);
    case LEX_LBRACKET: return list_literal(p, sel);
    case LEX_LBRACE: return braces(p, sel);
    case LEX_LPAREN: return paren(p, sel);
    case LEX_IDENT:
    case LEX_QUOTED_NAME: return ident_primary(p, sel);
    default: break;
    }
    parser_core_fail_noviable(p);
    return NULL;
}

/* Every recursion (casts, type hints, collections, calls) passes here: the depth guard. */
static struct ast_term *primary(struct parser *p, bool sel)
{
    if (!parser_core_enter(p)) return NULL;
    struct ast_term *t = primary_inner(p, sel);
    parser_core_leave(p);
    return t;
}

/* ---- selector modifiers: .field, [key], [from..to] ---- */

static struct ast_term *subscript(struct parser *p, struct ast_term *base)
{
    struct ast_term *t = ast_term_new(p->arena, AST_T_ELEMENT, parser_core_pos(p));
    parser_core_advance(p);
    struct ast_term *from = NULL;
    if (!parser_core_is(p, 0, LEX_RANGE) && !(from = expr(p, false))) return NULL;
    if (parser_core_accept(p, LEX_RANGE)) {
        t->kind = AST_T_SLICE;
        t->u.slice.base = base;
        t->u.slice.from = from;
        if (!parser_core_is(p, 0, LEX_RBRACKET) && !(t->u.slice.to = expr(p, false))) return NULL;
        if (!from && !t->u.slice.to) {
            parser_core_fail_noviable(p);
            return NULL;
        }
    } else {
        t->u.element.base = base;
        t->u.element.key = from;
    }
    return parser_core_expect(p, LEX_RBRACKET) ? t : NULL;
}

static struct ast_term *modifiers(struct parser *p, struct ast_term *base)
{
    uint32_t levels = 0;
    struct ast_term *t = base;
    while (t && (parser_core_is(p, 0, LEX_DOT) || parser_core_is(p, 0, LEX_LBRACKET))) {
        if (!parser_core_enter(p)) {
            t = NULL;
            levels++;
            break;
        }
        levels++;
        if (parser_core_is(p, 0, LEX_DOT)) {
            struct ast_term *f = ast_term_new(p->arena, AST_T_FIELD, parser_core_pos(p));
            parser_core_advance(p);
            f->u.field.base = t;
            t = parser_core_ident(p, &f->u.field.field) ? f : NULL;
        } else {
            t = subscript(p, t);
        }
    }
    while (levels--) parser_core_leave(p);
    return t;
}

/* ---- arithmetic ---- */

static struct ast_term *group(struct parser *p, bool sel)
{
    if (parser_core_is(p, 0, LEX_MINUS) && !is_numeric(p, 1)) {
        struct ast_term *t = ast_term_new(p->arena, AST_T_NEGATE, parser_core_pos(p));
        parser_core_advance(p);
        if (!parser_core_enter(p)) return NULL;
        t->u.negate = sel ? group(p, true) : primary(p, false);
        parser_core_leave(p);
        return t->u.negate ? t : NULL;
    }
    struct ast_term *t = primary(p, sel);
    return sel ? modifiers(p, t) : t;
}

static bool is_op(const struct parser *p, bool mul_level)
{
    enum lexer_type t = (enum lexer_type)parser_core_peek(p, 0)->type;
    if (mul_level) return t == LEX_STAR || t == LEX_SLASH || t == LEX_PERCENT;
    return t == LEX_PLUS || t == LEX_MINUS;
}

static struct ast_term *chain(struct parser *p, bool sel, bool mul_level)
{
    struct ast_term *left = mul_level ? group(p, sel) : chain(p, sel, true);
    uint32_t levels = 0;
    while (left && is_op(p, mul_level) && starts(p, 1, sel)) {
        levels++;
        if (!parser_core_enter(p)) {
            left = NULL;
            break;
        }
        struct ast_term *t = ast_term_new(p->arena, AST_T_BINOP, parser_core_pos(p));
        static const char ops[] = {[LEX_PLUS] = '+', [LEX_MINUS] = '-', [LEX_STAR] = '*',
                                   [LEX_SLASH] = '/', [LEX_PERCENT] = '%'};
        t->u.binop.op = ops[parser_core_peek(p, 0)->type];
        parser_core_advance(p);
        t->u.binop.left = left;
        t->u.binop.right = mul_level ? group(p, sel) : chain(p, sel, true);
        left = t->u.binop.right ? t : NULL;
    }
    while (levels--) parser_core_leave(p);
    return left;
}

static struct ast_term *expr(struct parser *p, bool sel)
{
    return chain(p, sel, false); /* depth: counted by primary and by each operator */
}

struct ast_term *parser_term(struct parser *p)
{
    return expr(p, false);
}

struct ast_term *parser_term_selector(struct parser *p)
{
    return expr(p, true);
}

bool parser_term_tuple_values(struct parser *p, struct ast_term_list *out)
{
    return parser_core_expect(p, LEX_LPAREN) && elements(p, false, LEX_RPAREN, out);
}

/* ---- properties ---- */

static void term_text(const struct ast_term *t, char *out, size_t cap)
{
    struct buf b;
    buf_init(&b);
    ast_print_term(t, &b);
    snprintf(out, cap, "%.*s", (int)b.len, (const char *)b.data);
    buf_deinit(&b);
}

/* convertPropertyMap's checks: constant keys and values, no repeated key. */
static bool check_const_map(struct parser *p, const struct ast_term *m, const char *property)
{
    char shown[128], key[128];
    for (uint32_t i = 0; i < m->u.map.n; i++) {
        const struct ast_term *k = m->u.map.keys[i], *v = m->u.map.values[i];
        const char *bind = " (bind variables are not supported in DDL queries)";
        term_text(k, key, sizeof key);
        if (!ast_term_is_constant(k) || k->kind == AST_T_NULL)
            return parser_core_fail_msg(p, ERR_SYNTAX, "Invalid property name: %s%s", key,
                                        k->kind == AST_T_MARKER ? bind : "");
        if (!ast_term_is_constant(v) || v->kind == AST_T_NULL) {
            term_text(v, shown, sizeof shown);
            return parser_core_fail_msg(p, ERR_SYNTAX,
                                        "Invalid property value: %s for property: %s%s", shown, key,
                                        v->kind == AST_T_MARKER ? bind : "");
        }
        for (uint32_t j = 0; j < i; j++)
            if (m->u.map.keys[j]->u.lit.len == k->u.lit.len &&
                memcmp(m->u.map.keys[j]->u.lit.text, k->u.lit.text, k->u.lit.len) == 0)
                return parser_core_fail_msg(p, ERR_SYNTAX, "Multiple definition for property %s",
                                            k->u.lit.text);
    }
    (void)property;
    return true;
}

struct ast_term *parser_term_const_map(struct parser *p, const char *property)
{
    if (!parser_core_is(p, 0, LEX_LBRACE)) {
        parser_core_fail_mismatch(p, "'{'");
        return NULL;
    }
    struct ast_term *t = ast_term_new(p->arena, AST_T_MAP, parser_core_pos(p));
    parser_core_advance(p);
    if (!parser_core_accept(p, LEX_RBRACE)) {
        struct ast_term *k = expr(p, false);
        if (!k || !map_literal(p, t, k, false)) return NULL;
    }
    return check_const_map(p, t, property) ? t : NULL;
}

/* propertyValue: constant | unreserved_keyword (as a string) */
static struct ast_term *property_value(struct parser *p)
{
    const struct lexer_token *t = parser_core_peek(p, 0);
    if (t->type == LEX_MINUS && is_numeric(p, 1)) return negative_constant(p);
    if (t->type == LEX_IDENT && t->kw != KW_NONE && !lexer_kw_reserved((enum lexer_kw)t->kw)) {
        struct ast_term *s = ast_term_new(p->arena, AST_T_STRING, parser_core_pos(p));
        s->u.lit.text = arena_strndup(p->arena, p->text + t->offset, t->len);
        s->u.lit.len = t->len;
        parser_core_advance(p);
        return s;
    }
    return constant(p, false);
}

bool parser_term_property(struct parser *p, struct ast_props *props, uint32_t *cap)
{
    struct ast_ident name;
    if (!parser_core_ident(p, &name) || !parser_core_expect(p, LEX_EQ)) return false;
    for (uint32_t i = 0; i < props->n; i++)
        if (strcmp(props->items[i].name.name, name.name) == 0)
            return parser_core_fail_msg(p, ERR_SYNTAX, "Multiple definition for property %s",
                                        name.name);
    struct ast_property *prop = parser_core_push(p, &props->items, &props->n, cap, sizeof *prop);
    if (!prop) return false;
    prop->name = name;
    prop->value = parser_core_is(p, 0, LEX_LBRACE) ? parser_term_const_map(p, name.name)
                                                   : property_value(p);
    return prop->value != NULL;
}

bool parser_term_properties(struct parser *p, struct ast_props *props)
{
    uint32_t cap = props->n;
    do {
        if (!parser_term_property(p, props, &cap)) return false;
    } while (parser_core_accept_kw(p, KW_AND));
    return true;
}

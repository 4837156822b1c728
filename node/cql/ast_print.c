/*
 * ast_print: see ast_print.h. Every parenthesis rule below exists because the parser would
 * otherwise read the text back as a different tree; each one names the case.
 */
#include "node/cql/ast_print.h"

#include <string.h>

#include "node/base/assert.h"
#include "node/cql/lexer.h"

static void put(struct buf *out, const char *s)
{
    buf_append(out, s, strlen(s));
}

static void print_quoted(const char *name, struct buf *out)
{
    buf_put_u8(out, '"');
    for (const char *c = name; *c; c++) {
        if (*c == '"') buf_put_u8(out, '"');
        buf_put_u8(out, (uint8_t)*c);
    }
    buf_put_u8(out, '"');
}

/* [a-z][a-z0-9_]* */
static bool is_lower_word(const char *name, size_t n)
{
    if (n == 0 || !(name[0] >= 'a' && name[0] <= 'z')) return false;
    for (size_t i = 1; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
    }
    return true;
}

bool ast_print_ident_is_plain(const char *name)
{
    /* Cassandra's ColumnIdentifier.maybeQuote, plus the BOOLEAN words it forgets */
    size_t n = strlen(name);
    if (!is_lower_word(name, n)) return false;
    return !lexer_kw_reserved(lexer_keyword(name, n)) && strcmp(name, "true") != 0 &&
           strcmp(name, "false") != 0;
}

/* A name in a position where any keyword would be read as one (DESCRIBE's generic form). */
static void print_strict_ident(const char *name, struct buf *out)
{
    size_t n = strlen(name);
    if (ast_print_ident_is_plain(name) && lexer_keyword(name, n) == KW_NONE)
        buf_append(out, name, n);
    else
        print_quoted(name, out);
}

void ast_print_qname_strict(const struct ast_qname *q, struct buf *out)
{
    if (q->keyspace) {
        print_strict_ident(q->keyspace, out);
        buf_put_u8(out, '.');
    }
    print_strict_ident(q->name, out);
}

/* A selector column: JSON and DISTINCT first in a SELECT would be read as the keywords. */
static void print_column(const char *name, struct buf *out)
{
    if (strcmp(name, "json") == 0 || strcmp(name, "distinct") == 0)
        print_strict_ident(name, out);
    else
        ast_print_ident(name, out);
}

/* A user type's own name cannot be a native type or one of the special keywords. */
static void print_udt_name(const struct ast_qname *q, struct buf *out)
{
    if (q->keyspace) {
        ast_print_ident(q->keyspace, out);
        buf_put_u8(out, '.');
    }
    if (lexer_kw_names_udt(lexer_keyword(q->name, strlen(q->name))))
        ast_print_ident(q->name, out);
    else
        print_strict_ident(q->name, out);
}

void ast_print_ident(const char *name, struct buf *out)
{
    if (ast_print_ident_is_plain(name))
        put(out, name);
    else
        print_quoted(name, out);
}

void ast_print_qname(const struct ast_qname *q, struct buf *out)
{
    if (q->keyspace) {
        ast_print_ident(q->keyspace, out);
        buf_put_u8(out, '.');
    }
    ast_print_ident(q->name, out);
}

/* Function names may also be TOKEN, COUNT and the unreserved function keywords unquoted. */
static void print_function_name(const struct ast_qname *q, struct buf *out)
{
    if (q->keyspace) {
        ast_print_ident(q->keyspace, out);
        buf_put_u8(out, '.');
    }
    size_t n = strlen(q->name);
    enum lexer_kw kw = lexer_keyword(q->name, n);
    bool lower = n > 0;
    for (size_t i = 0; i < n; i++) {
        char c = q->name[i];
        lower = lower && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9' && i) || c == '_');
    }
    bool plain = lower && (kw == KW_NONE || kw == KW_TOKEN || kw == KW_COUNT ||
                           (!lexer_kw_reserved(kw) && kw != KW_TTL && kw != KW_WRITETIME &&
                            kw != KW_MAXWRITETIME && kw != KW_KEY && kw != KW_CAST &&
                            kw != KW_JSON && kw != KW_DISTINCT));
    plain = plain && strcmp(q->name, "true") != 0 && strcmp(q->name, "false") != 0;
    if (plain)
        put(out, q->name);
    else
        ast_print_ident(q->name, out);
}

void ast_print_string(const char *s, uint32_t len, struct buf *out)
{
    buf_put_u8(out, '\'');
    for (uint32_t i = 0; i < len; i++) {
        if (s[i] == '\'') buf_put_u8(out, '\'');
        buf_put_u8(out, (uint8_t)s[i]);
    }
    buf_put_u8(out, '\'');
}

void ast_print_type(const struct ast_type *t, struct buf *out)
{
    if (t->frozen) put(out, "frozen<");
    switch (t->kind) {
    case AST_TYPE_NATIVE: put(out, ast_native_type_name(t->native)); break;
    case AST_TYPE_CUSTOM:
        ast_print_string(t->custom_class, (uint32_t)strlen(t->custom_class), out);
        break;
    case AST_TYPE_UDT: print_udt_name(&t->udt, out); break;
    case AST_TYPE_LIST:
    case AST_TYPE_SET:
    case AST_TYPE_MAP:
    case AST_TYPE_TUPLE: {
        static const char *const names[] = {[AST_TYPE_LIST] = "list<", [AST_TYPE_SET] = "set<",
                                            [AST_TYPE_MAP] = "map<", [AST_TYPE_TUPLE] = "tuple<"};
        put(out, names[t->kind]);
        for (uint32_t i = 0; i < t->nsub; i++) {
            if (i) put(out, ", ");
            ast_print_type(t->sub[i], out);
        }
        buf_put_u8(out, '>');
        break;
    }
    }
    if (t->frozen) buf_put_u8(out, '>');
}

static void print_list(const struct ast_term_list *l, struct buf *out)
{
    for (uint32_t i = 0; i < l->n; i++) {
        if (i) put(out, ", ");
        ast_print_term(l->items[i], out);
    }
}

static int precedence(const struct ast_term *t)
{
    if (t->kind != AST_T_BINOP) return 3;
    return (t->u.binop.op == '+' || t->u.binop.op == '-') ? 1 : 2;
}

static void print_wrapped(const struct ast_term *t, bool wrap, struct buf *out)
{
    if (wrap) buf_put_u8(out, '(');
    ast_print_term(t, out);
    if (wrap) buf_put_u8(out, ')');
}

/* A selector modifier's base: anything that is not itself a column-ish selector is wrapped,
 * as "-a.b" would read as -(a.b) and "5.x" would lex as the float "5.". */
static bool base_needs_parens(const struct ast_term *t)
{
    switch (t->kind) {
    case AST_T_COLUMN:
    case AST_T_FIELD:
    case AST_T_ELEMENT:
    case AST_T_SLICE:
    case AST_T_FUNCTION:
    case AST_T_COUNT_ROWS:
    case AST_T_WRITETIME:
    case AST_T_MAXWRITETIME:
    case AST_T_TTL: return false;
    default: return true;
    }
}

static bool is_number(const struct ast_term *t)
{
    return t->kind == AST_T_INTEGER || t->kind == AST_T_FLOAT || t->kind == AST_T_DURATION;
}

static void print_negate(const struct ast_term *arg, struct buf *out)
{
    buf_put_u8(out, '-');
    if (is_number(arg) && arg->u.lit.text[0] == '-') {
        buf_put_u8(out, ' '); /* "- -5": "--" would start a comment */
        ast_print_term(arg, out);
        return;
    }
    if (arg->kind == AST_T_NEGATE) buf_put_u8(out, ' ');
    /* -(5) stays a negation (not the literal -5); -(a + b) keeps its grouping */
    print_wrapped(arg, is_number(arg) || arg->kind == AST_T_BINOP, out);
}

static void print_binop(const struct ast_term *t, struct buf *out)
{
    int prec = precedence(t);
    print_wrapped(t->u.binop.left, precedence(t->u.binop.left) < prec, out);
    buf_put_u8(out, ' ');
    buf_put_u8(out, (uint8_t)t->u.binop.op);
    buf_put_u8(out, ' ');
    print_wrapped(t->u.binop.right, precedence(t->u.binop.right) <= prec, out);
}

static void print_braces(const struct ast_term *t, struct buf *out)
{
    buf_put_u8(out, '{');
    if (t->kind == AST_T_SET) print_list(&t->u.list, out);
    for (uint32_t i = 0; t->kind == AST_T_MAP && i < t->u.map.n; i++) {
        if (i) put(out, ", ");
        ast_print_term(t->u.map.keys[i], out);
        put(out, ": ");
        ast_print_term(t->u.map.values[i], out);
    }
    for (uint32_t i = 0; t->kind == AST_T_UDT && i < t->u.udt.n; i++) {
        if (i) put(out, ", ");
        ast_print_ident(t->u.udt.fields[i].name, out);
        put(out, ": ");
        ast_print_term(t->u.udt.values[i], out);
    }
    buf_put_u8(out, '}');
}

static void print_marker(const struct ast_term *t, struct buf *out)
{
    if (!t->u.marker.name) {
        buf_put_u8(out, '?');
        return;
    }
    buf_put_u8(out, ':');
    ast_print_ident(t->u.marker.name, out);
}

static void print_selector_term(const struct ast_term *t, struct buf *out)
{
    switch (t->kind) {
    case AST_T_COLUMN: print_column(t->u.column.name, out); break;
    case AST_T_FIELD:
        print_wrapped(t->u.field.base, base_needs_parens(t->u.field.base), out);
        buf_put_u8(out, '.');
        ast_print_ident(t->u.field.field.name, out);
        break;
    case AST_T_ELEMENT:
        print_wrapped(t->u.element.base, base_needs_parens(t->u.element.base), out);
        buf_put_u8(out, '[');
        ast_print_term(t->u.element.key, out);
        buf_put_u8(out, ']');
        break;
    case AST_T_SLICE:
        print_wrapped(t->u.slice.base, base_needs_parens(t->u.slice.base), out);
        buf_put_u8(out, '[');
        if (t->u.slice.from) ast_print_term(t->u.slice.from, out);
        put(out, "..");
        if (t->u.slice.to) ast_print_term(t->u.slice.to, out);
        buf_put_u8(out, ']');
        break;
    case AST_T_COUNT_ROWS: put(out, "COUNT(*)"); break;
    case AST_T_WRITETIME:
    case AST_T_MAXWRITETIME:
    case AST_T_TTL:
        put(out, t->kind == AST_T_TTL         ? "TTL("
                 : t->kind == AST_T_WRITETIME ? "WRITETIME("
                                              : "MAXWRITETIME(");
        ast_print_term(t->u.of, out);
        buf_put_u8(out, ')');
        break;
    default: UNREACHABLE();
    }
}

void ast_print_term(const struct ast_term *t, struct buf *out)
{
    switch (t->kind) {
    case AST_T_STRING: ast_print_string(t->u.lit.text, t->u.lit.len, out); break;
    case AST_T_INTEGER:
    case AST_T_FLOAT:
    case AST_T_BOOLEAN:
    case AST_T_DURATION:
    case AST_T_UUID:
    case AST_T_HEX: buf_append(out, t->u.lit.text, t->u.lit.len); break;
    case AST_T_NULL: put(out, "NULL"); break;
    case AST_T_MARKER: print_marker(t, out); break;
    case AST_T_LIST:
        buf_put_u8(out, '[');
        print_list(&t->u.list, out);
        buf_put_u8(out, ']');
        break;
    case AST_T_SET:
    case AST_T_MAP:
    case AST_T_UDT:
    case AST_T_EMPTY_BRACES: print_braces(t, out); break;
    case AST_T_TUPLE:
        buf_put_u8(out, '(');
        print_list(&t->u.list, out);
        buf_put_u8(out, ')');
        break;
    case AST_T_FUNCTION:
        print_function_name(&t->u.func.name, out);
        buf_put_u8(out, '(');
        print_list(&t->u.func.args, out);
        buf_put_u8(out, ')');
        break;
    case AST_T_CAST:
        put(out, "CAST(");
        ast_print_term(t->u.cast.arg, out);
        put(out, " AS ");
        ast_print_type(t->u.cast.type, out);
        buf_put_u8(out, ')');
        break;
    case AST_T_TYPE_HINT: {
        enum ast_term_kind k = t->u.cast.arg->kind;
        buf_put_u8(out, '(');
        ast_print_type(t->u.cast.type, out);
        put(out, ") ");
        /* a hint applies to one primary: (int) (a + b), (udt) (a.b) keep their parentheses */
        print_wrapped(t->u.cast.arg,
                      k == AST_T_BINOP || k == AST_T_NEGATE || k == AST_T_FIELD ||
                          k == AST_T_ELEMENT || k == AST_T_SLICE,
                      out);
        break;
    }
    case AST_T_BINOP: print_binop(t, out); break;
    case AST_T_NEGATE: print_negate(t->u.negate, out); break;
    default: print_selector_term(t, out); break;
    }
}

static void print_columns(const struct ast_relation *r, struct buf *out)
{
    if (r->kind == AST_REL_TOKEN) put(out, "token");
    buf_put_u8(out, '(');
    for (uint32_t i = 0; i < r->ncolumns; i++) {
        if (i) put(out, ", ");
        ast_print_ident(r->columns[i].name, out);
    }
    buf_put_u8(out, ')');
}

void ast_print_relation(const struct ast_relation *r, struct buf *out)
{
    switch (r->kind) {
    case AST_REL_TOKEN:
    case AST_REL_MULTI: print_columns(r, out); break;
    case AST_REL_COLUMN: ast_print_ident(r->columns[0].name, out); break;
    case AST_REL_ELEMENT:
        ast_print_ident(r->columns[0].name, out);
        buf_put_u8(out, '[');
        ast_print_term(r->key, out);
        buf_put_u8(out, ']');
        break;
    case AST_REL_FIELD:
        ast_print_ident(r->columns[0].name, out);
        buf_put_u8(out, '.');
        ast_print_ident(r->field.name, out);
        break;
    }
    buf_put_u8(out, ' ');
    put(out, ast_rel_op_name(r->op));
    if (r->op == AST_OP_IS_NOT_NULL) {
        put(out, " NULL");
        return;
    }
    buf_put_u8(out, ' ');
    if (r->op == AST_OP_IN && !r->value) {
        buf_put_u8(out, '(');
        print_list(&r->in_values, out);
        buf_put_u8(out, ')');
        return;
    }
    ast_print_term(r->value, out);
}

void ast_print_where(const struct ast_relation *rels, uint32_t n, struct buf *out)
{
    for (uint32_t i = 0; i < n; i++) {
        put(out, i ? " AND " : " WHERE ");
        ast_print_relation(&rels[i], out);
    }
}

void ast_print_props(const struct ast_props *props, struct buf *out)
{
    for (uint32_t i = 0; i < props->n; i++) {
        if (i) put(out, " AND ");
        ast_print_ident(props->items[i].name.name, out);
        put(out, " = ");
        ast_print_term(props->items[i].value, out);
    }
}

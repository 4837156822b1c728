/*
 * parser_core: see parser_core.h. Error messages follow Cassandra's ErrorCollector: a header
 * "line L:C", ANTLR's message, then a snippet of the query from 10 raw tokens (whitespace and
 * comments count) before the offending one to 2 after it, the offending token in brackets. The
 * snippet needs the hidden tokens, so it is rebuilt by lexing the text again: only on errors.
 */
#include "node/cql/parser_core.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "node/base/assert.h"
#include "node/cql/parser.h"

const struct lexer_token *parser_core_peek(const struct parser *p, uint32_t k)
{
    uint64_t i = (uint64_t)p->pos + k;
    if (i >= p->ntoks) i = p->ntoks - 1;
    return &p->toks[i];
}

bool parser_core_is(const struct parser *p, uint32_t k, enum lexer_type type)
{
    return parser_core_peek(p, k)->type == type;
}

bool parser_core_is_kw(const struct parser *p, uint32_t k, enum lexer_kw kw)
{
    const struct lexer_token *t = parser_core_peek(p, k);
    return t->type == LEX_IDENT && t->kw == kw;
}

struct ast_pos parser_core_tok_pos(const struct lexer_token *t)
{
    return (struct ast_pos){.line = t->line, .col = t->col, .offset = t->offset};
}

struct ast_pos parser_core_pos(const struct parser *p)
{
    return parser_core_tok_pos(parser_core_peek(p, 0));
}

void parser_core_advance(struct parser *p)
{
    if (p->pos + 1 < p->ntoks) p->pos++;
    p->work++;
}

bool parser_core_accept(struct parser *p, enum lexer_type type)
{
    if (!parser_core_is(p, 0, type)) return false;
    parser_core_advance(p);
    return true;
}

bool parser_core_accept_kw(struct parser *p, enum lexer_kw kw)
{
    if (!parser_core_is_kw(p, 0, kw)) return false;
    parser_core_advance(p);
    return true;
}

bool parser_core_expect(struct parser *p, enum lexer_type type)
{
    if (parser_core_accept(p, type)) return true;
    return parser_core_fail_mismatch(p, lexer_type_name(type));
}

bool parser_core_expect_kw(struct parser *p, enum lexer_kw kw)
{
    if (parser_core_accept_kw(p, kw)) return true;
    char name[32];
    snprintf(name, sizeof name, "K_%s", kw == KW_TABLE ? "COLUMNFAMILY" : lexer_kw_name(kw));
    return parser_core_fail_mismatch(p, name);
}

/* ---- error messages ---- */

/* ANTLR's getTokenErrorDisplay: the token text in quotes, control characters escaped. */
static void token_display(struct parser *p, const struct lexer_token *t, char *out, size_t cap)
{
    if (t->type == LEX_EOF) {
        snprintf(out, cap, "'<EOF>'");
        return;
    }
    uint32_t len;
    const char *s = parser_core_tok_text(p, t, &len);
    size_t o = 0;
    out[o++] = '\'';
    for (uint32_t i = 0; i < len && o + 4 < cap; i++) {
        char c = s[i];
        const char *esc = c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t" : NULL;
        if (esc) {
            out[o++] = esc[0];
            out[o++] = esc[1];
        } else {
            out[o++] = c;
        }
    }
    out[o++] = '\'';
    out[o] = '\0';
}

struct raw_tok {
    uint32_t offset, len, line, col;
};

/* Raw tokens (hidden ones included) around the offending token: from, to, offending. */
static bool snippet_tokens(const struct parser *p, const struct lexer_token *off,
                           struct raw_tok *from, struct raw_tok *to, struct raw_tok *hit)
{
    struct raw_tok ring[11];
    struct lexer lx;
    struct lexer_token t;
    lexer_init(&lx, p->text, p->len);
    uint32_t idx = 0, after = 0;
    bool found = false;
    for (uint32_t guard = 0; guard <= p->len + 1; guard++) {
        if (lexer_next(&lx, &t, NULL) != 0 || t.type == LEX_EOF) return false; /* to is EOF */
        struct raw_tok r = {t.offset, t.len, t.line, t.col};
        if (!found) {
            ring[idx % 11] = r;
            if (t.offset == off->offset) {
                found = true;
                *hit = r;
                *from = idx >= 10 ? ring[(idx - 10) % 11] : ring[0];
            }
            idx++;
        }
        if (found && after++ == 2) {
            *to = r;
            return true;
        }
    }
    return false;
}

struct line_span {
    size_t start, len;
};

static struct line_span line_of(const struct parser *p, uint32_t line)
{
    size_t start = 0;
    for (uint32_t l = 1; l < line && start < p->len; start++)
        if (p->text[start] == '\n') l++;
    size_t end = start;
    while (end < p->len && p->text[end] != '\n') end++;
    return (struct line_span){start, end - start};
}

/* Lines of the text as Java's split("\n") counts them (trailing empty lines dropped). */
static uint32_t java_line_count(const struct parser *p)
{
    size_t end = p->len;
    while (end > 0 && p->text[end - 1] == '\n') end--;
    uint32_t n = 1;
    for (size_t i = 0; i < end; i++)
        if (p->text[i] == '\n') n++;
    return n;
}

static void snippet_put(char *out, size_t cap, size_t *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n && *o + 1 < cap; i++) out[(*o)++] = s[i];
    out[*o] = '\0';
}

/* Appends " (SELECT * [FORM] t...)" for the offending token, or nothing (ErrorCollector). */
static void append_snippet(const struct parser *p, const struct lexer_token *off, char *out,
                           size_t cap)
{
    struct raw_tok from, to, hit;
    size_t o = 0;
    out[0] = '\0';
    if (off->type == LEX_EOF || !snippet_tokens(p, off, &from, &to, &hit)) return;
    uint32_t nlines = java_line_count(p);
    struct line_span last = line_of(p, nlines);
    bool start = from.line == 1 && from.col == 0;
    bool end = to.line == nlines && to.col + to.len == last.len;
    snippet_put(out, cap, &o, " (", 2);
    if (!start) snippet_put(out, cap, &o, "...", 3);
    for (uint32_t l = from.line; l <= to.line; l++) {
        struct line_span ls = line_of(p, l);
        size_t b = l == from.line ? from.col : 0;
        size_t e = l == to.line && to.col + to.len < ls.len ? to.col + to.len : ls.len;
        for (size_t c = b; c < e; c++) {
            if (l == hit.line && c == hit.col) snippet_put(out, cap, &o, "[", 1);
            if (l == hit.line && c == hit.col + hit.len) snippet_put(out, cap, &o, "]", 1);
            snippet_put(out, cap, &o, p->text + ls.start + c, 1);
        }
        if (l == hit.line && e == hit.col + hit.len) snippet_put(out, cap, &o, "]", 1);
    }
    if (!end) snippet_put(out, cap, &o, "...", 3);
    snippet_put(out, cap, &o, ")", 1);
}

/* "line L:C <what> 'tok'[ expecting X] (snippet)"; at EOF "line 0:-1 ..." with no snippet. */
static bool fail_at_token(struct parser *p, const char *what, const char *expecting)
{
    if (p->err) return false;
    const struct lexer_token *t = parser_core_peek(p, 0);
    char shown[128], snippet[ERRMSG_MAX], exp[96] = "";
    token_display(p, t, shown, sizeof shown);
    append_snippet(p, t, snippet, sizeof snippet);
    if (expecting) snprintf(exp, sizeof exp, " expecting %s", expecting);
    if (t->type == LEX_EOF)
        errmsg_set(p->em, ERR_SYNTAX, "line 0:-1 %s%s%s", what, shown, exp);
    else
        errmsg_set(p->em, ERR_SYNTAX, "line %u:%u %s%s%s%s", t->line, t->col, what, shown, exp,
                   snippet);
    p->err = ERR_SYNTAX;
    return false;
}

bool parser_core_fail_mismatch(struct parser *p, const char *expecting)
{
    return fail_at_token(p, "mismatched input ", expecting);
}

bool parser_core_fail_noviable(struct parser *p)
{
    return fail_at_token(p, "no viable alternative at input ", NULL);
}

static void set_error(struct parser *p, int code, const char *fmt, va_list ap)
{
    if (p->em) {
        p->em->code = code;
        vsnprintf(p->em->text, sizeof p->em->text, fmt, ap);
    }
    p->err = code;
}

bool parser_core_fail_msg(struct parser *p, int code, const char *fmt, ...)
{
    if (p->err) return false;
    va_list ap;
    va_start(ap, fmt);
    set_error(p, code, fmt, ap);
    va_end(ap);
    return false;
}

bool parser_core_fail_limit(struct parser *p, const char *fmt, ...)
{
    if (p->fatal) return false;
    va_list ap;
    va_start(ap, fmt);
    set_error(p, ERR_LIMIT, fmt, ap); /* replaces a syntax error of an abandoned attempt */
    va_end(ap);
    p->fatal = true;
    return false;
}

struct parser_mark parser_core_mark(const struct parser *p)
{
    return (struct parser_mark){.pos = p->pos, .nmarkers = p->nmarkers, .depth = p->depth};
}

bool parser_core_reset(struct parser *p, struct parser_mark m)
{
    if (p->fatal) return false;
    if (p->work > p->work_max) {
        parser_core_fail_limit(p, "statement too complex to parse (more than %u token reads per "
                                  "token)",
                               PARSER_WORK_PER_TOKEN_MAX);
        return false;
    }
    p->pos = m.pos;
    p->nmarkers = m.nmarkers;
    p->depth = m.depth;
    p->err = 0;
    errmsg_clear(p->em);
    return true;
}

bool parser_core_enter(struct parser *p)
{
    p->depth++;
    if (p->depth > PARSER_DEPTH_MAX)
        return parser_core_fail_limit(p, "line %u:%u statement nested deeper than %u levels",
                                      parser_core_peek(p, 0)->line, parser_core_peek(p, 0)->col,
                                      PARSER_DEPTH_MAX);
    return true;
}

void parser_core_leave(struct parser *p)
{
    ASSERT(p->depth > 0);
    p->depth--;
}

void *parser_core_push(struct parser *p, void *items, uint32_t *n, uint32_t *cap, size_t elem_size)
{
    void **arr = items;
    if (*n >= PARSER_ELEMS_MAX) {
        parser_core_fail_limit(p, "line %u:%u more than %u elements in a list",
                               parser_core_peek(p, 0)->line, parser_core_peek(p, 0)->col,
                               PARSER_ELEMS_MAX);
        return NULL;
    }
    if (*n == *cap) {
        uint32_t ncap = *cap ? *cap * 2 : 4;
        void *grown = arena_alloc(p->arena, (size_t)ncap * elem_size);
        if (*n) memcpy(grown, *arr, (size_t)*n * elem_size);
        *arr = grown;
        *cap = ncap;
    }
    void *slot = (char *)*arr + (size_t)*n * elem_size;
    memset(slot, 0, elem_size);
    (*n)++;
    return slot;
}

struct ast_term *parser_core_marker(struct parser *p, const char *name, struct ast_pos pos)
{
    if (p->nmarkers >= PARSER_MARKERS_MAX) {
        parser_core_fail_limit(p, "line %u:%u more than %u bind markers", pos.line, pos.col,
                               PARSER_MARKERS_MAX);
        return NULL;
    }
    uint32_t n = p->nmarkers;
    struct ast_marker *m = parser_core_push(p, &p->markers, &n, &p->markers_cap, sizeof *m);
    ASSERT(m != NULL);
    m->name = name;
    m->pos = pos;
    struct ast_term *t = ast_term_new(p->arena, AST_T_MARKER, pos);
    t->u.marker.index = p->nmarkers;
    t->u.marker.name = name;
    p->nmarkers = n;
    return t;
}

char *parser_core_tok_text(struct parser *p, const struct lexer_token *t, uint32_t *len)
{
    const char *s = p->text + t->offset;
    uint32_t n = t->len;
    char q = 0;
    if (t->type == LEX_QUOTED_NAME || t->type == LEX_EMPTY_QUOTED_NAME) q = '"';
    if (t->type == LEX_STRING) {
        if (n >= 4 && s[0] == '$') {
            s += 2;
            n -= 4;
        } else {
            q = '\'';
        }
    }
    if (q) {
        s++;
        n -= 2;
    }
    char *out = arena_alloc(p->arena, (size_t)n + 1);
    uint32_t o = 0;
    for (uint32_t i = 0; i < n; i++) {
        out[o++] = s[i];
        if (q && s[i] == q) i++; /* a doubled quote stands for one */
    }
    out[o] = '\0';
    if (len) *len = o;
    return out;
}

/* ---- names ---- */

bool parser_core_is_ident(const struct parser *p, uint32_t k)
{
    const struct lexer_token *t = parser_core_peek(p, k);
    if (t->type == LEX_QUOTED_NAME) return true;
    return t->type == LEX_IDENT && !lexer_kw_reserved((enum lexer_kw)t->kw);
}

static char *lower_copy(struct parser *p, const struct lexer_token *t)
{
    char *s = arena_strndup(p->arena, p->text + t->offset, t->len);
    for (char *c = s; *c; c++)
        if (*c >= 'A' && *c <= 'Z') *c = (char)(*c + 32);
    return s;
}

static bool bind_in_name(struct parser *p, const char *what)
{
    return parser_core_fail_msg(p, ERR_SYNTAX, "Bind variables cannot be used for %s names", what);
}

bool parser_core_ident(struct parser *p, struct ast_ident *out)
{
    const struct lexer_token *t = parser_core_peek(p, 0);
    if (!parser_core_is_ident(p, 0)) return parser_core_fail_noviable(p);
    out->pos = parser_core_tok_pos(t);
    out->name = t->type == LEX_IDENT ? lower_copy(p, t) : parser_core_tok_text(p, t, NULL);
    parser_core_advance(p);
    return true;
}

bool parser_core_cident(struct parser *p, struct ast_ident *out)
{
    if (parser_core_is(p, 0, LEX_EMPTY_QUOTED_NAME)) {
        out->pos = parser_core_pos(p);
        out->name = "";
        parser_core_advance(p);
        return true;
    }
    return parser_core_ident(p, out);
}

bool parser_core_qname(struct parser *p, struct ast_qname *out)
{
    struct ast_ident a, b;
    if (parser_core_is(p, 0, LEX_QMARK)) return bind_in_name(p, "table");
    if (!parser_core_ident(p, &a)) return false;
    out->pos = a.pos;
    out->keyspace = NULL;
    out->name = a.name;
    if (!parser_core_is(p, 0, LEX_DOT)) return true;
    parser_core_advance(p);
    if (parser_core_is(p, 0, LEX_QMARK)) return bind_in_name(p, "table");
    if (!parser_core_ident(p, &b)) return false;
    out->keyspace = a.name;
    out->name = b.name;
    return true;
}

bool parser_core_string(struct parser *p, const char **out, uint32_t *len)
{
    const struct lexer_token *t = parser_core_peek(p, 0);
    if (t->type != LEX_STRING) return parser_core_fail_mismatch(p, "STRING_LITERAL");
    uint32_t n;
    const char *s = parser_core_tok_text(p, t, &n);
    if (!len && memchr(s, '\0', n)) /* used as a C string: a name, password, class ... */
        return parser_core_fail_msg(p, ERR_SYNTAX, "line %u:%u NUL character in a string used "
                                    "as a name", t->line, t->col);
    *out = s;
    if (len) *len = n;
    parser_core_advance(p);
    return true;
}

bool parser_core_role_name(struct parser *p, const char **out)
{
    const struct lexer_token *t = parser_core_peek(p, 0);
    if (t->type == LEX_QMARK) return bind_in_name(p, "role");
    if (t->type == LEX_STRING) return parser_core_string(p, out, NULL);
    struct ast_ident id;
    if (!parser_core_ident(p, &id)) return false;
    *out = id.name;
    return true;
}

/* ---- types ---- */

static const struct {
    enum lexer_kw kw;
    enum cql_type_id id;
} native_types[] = {
    {KW_ASCII, CQL_ASCII},       {KW_BIGINT, CQL_BIGINT},     {KW_BLOB, CQL_BLOB},
    {KW_BOOLEAN, CQL_BOOLEAN},   {KW_COUNTER, CQL_COUNTER},   {KW_DECIMAL, CQL_DECIMAL},
    {KW_DOUBLE, CQL_DOUBLE},     {KW_DURATION, CQL_DURATION}, {KW_FLOAT, CQL_FLOAT},
    {KW_INET, CQL_INET},         {KW_INT, CQL_INT},           {KW_SMALLINT, CQL_SMALLINT},
    {KW_TEXT, CQL_VARCHAR},      {KW_TIMESTAMP, CQL_TIMESTAMP}, {KW_TINYINT, CQL_TINYINT},
    {KW_UUID, CQL_UUID},         {KW_VARCHAR, CQL_VARCHAR},   {KW_VARINT, CQL_VARINT},
    {KW_TIMEUUID, CQL_TIMEUUID}, {KW_DATE, CQL_DATE},         {KW_TIME, CQL_TIME},
};

bool parser_core_native_kw(enum lexer_kw kw, enum cql_type_id *id)
{
    for (size_t i = 0; i < sizeof native_types / sizeof native_types[0]; i++) {
        if (native_types[i].kw == kw) {
            if (id) *id = native_types[i].id;
            return true;
        }
    }
    return false;
}

bool parser_core_udt_name(struct parser *p, struct ast_qname *out)
{
    static const char *const reserved_type_names[] = {"byte",     "complex", "enum", "date",
                                                      "interval", "macaddr", "bitstring"};
    out->pos = parser_core_pos(p);
    out->keyspace = NULL;
    if (parser_core_is(p, 1, LEX_DOT)) {
        struct ast_ident ks;
        if (!parser_core_ident(p, &ks)) return false;
        parser_core_advance(p);
        out->keyspace = ks.name;
    }
    const struct lexer_token *tok = parser_core_peek(p, 0);
    if (tok->type == LEX_IDENT && !lexer_kw_names_udt((enum lexer_kw)tok->kw))
        return parser_core_fail_noviable(p);
    struct ast_ident name;
    if (!parser_core_ident(p, &name)) return false;
    for (size_t i = 0; tok->type == LEX_IDENT && i < 7; i++)
        if (strcmp(name.name, reserved_type_names[i]) == 0)
            return parser_core_fail_msg(p, ERR_SYNTAX, "Invalid (reserved) user type name %s",
                                        name.name);
    out->name = name.name;
    return true;
}

static struct ast_type *udt_type(struct parser *p)
{
    struct ast_type *t = ast_type_new(p->arena, AST_TYPE_UDT, parser_core_pos(p));
    return parser_core_udt_name(p, &t->udt) ? t : NULL;
}

/* MAP<k, v>, LIST<t>, SET<t>, TUPLE<t, ...> after the keyword. */
static struct ast_type *param_type(struct parser *p, enum ast_type_kind kind)
{
    struct ast_type *t = ast_type_new(p->arena, kind, parser_core_pos(p));
    uint32_t cap = 0;
    parser_core_advance(p);
    if (!parser_core_expect(p, LEX_LT)) return NULL;
    do {
        struct ast_type **slot = parser_core_push(p, &t->sub, &t->nsub, &cap, sizeof *slot);
        if (!slot || !(*slot = parser_core_type(p))) return NULL;
        if (kind == AST_TYPE_MAP && t->nsub == 1 && !parser_core_expect(p, LEX_COMMA)) return NULL;
    } while ((kind == AST_TYPE_MAP && t->nsub < 2) ||
             (kind == AST_TYPE_TUPLE && parser_core_accept(p, LEX_COMMA)));
    if (!parser_core_expect(p, LEX_GT)) return NULL;
    return t;
}

static struct ast_type *frozen_type(struct parser *p)
{
    struct ast_pos pos = parser_core_pos(p);
    parser_core_advance(p);
    if (!parser_core_expect(p, LEX_LT)) return NULL;
    struct ast_type *t = parser_core_type(p);
    if (!t || !parser_core_expect(p, LEX_GT)) return NULL;
    if (t->kind == AST_TYPE_NATIVE || t->kind == AST_TYPE_CUSTOM) {
        parser_core_fail_msg(p, ERR_SYNTAX,
                             "frozen<> is only allowed on collections, tuples, and "
                             "user-defined types (got %s)",
                             t->kind == AST_TYPE_NATIVE ? ast_native_type_name(t->native)
                                                        : t->custom_class);
        return NULL;
    }
    t->frozen = true;
    t->pos = pos;
    return t;
}

static struct ast_type *type_inner(struct parser *p)
{
    const struct lexer_token *tok = parser_core_peek(p, 0);
    enum cql_type_id id;
    bool generic = parser_core_is(p, 1, LEX_LT);
    if (tok->type == LEX_STRING) {
        struct ast_type *t = ast_type_new(p->arena, AST_TYPE_CUSTOM, parser_core_pos(p));
        parser_core_string(p, &t->custom_class, NULL);
        return t;
    }
    if (tok->type != LEX_IDENT || parser_core_is(p, 1, LEX_DOT)) return udt_type(p);
    if (parser_core_native_kw((enum lexer_kw)tok->kw, &id)) {
        struct ast_type *t = ast_type_new(p->arena, AST_TYPE_NATIVE, parser_core_pos(p));
        t->native = id;
        parser_core_advance(p);
        return t;
    }
    if (generic && tok->kw == KW_MAP) return param_type(p, AST_TYPE_MAP);
    if (generic && tok->kw == KW_LIST) return param_type(p, AST_TYPE_LIST);
    if (generic && tok->kw == KW_SET) return param_type(p, AST_TYPE_SET);
    if (generic && tok->kw == KW_TUPLE) return param_type(p, AST_TYPE_TUPLE);
    if (generic && tok->kw == KW_FROZEN) return frozen_type(p);
    return udt_type(p);
}

struct ast_type *parser_core_type(struct parser *p)
{
    if (!parser_core_enter(p)) return NULL;
    struct ast_type *t = type_inner(p);
    parser_core_leave(p);
    return t;
}

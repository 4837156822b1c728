/*
 * parser_core: what every statement family of the recursive-descent CQL parser shares: the
 * token cursor, ANTLR-style error messages, backtracking marks, the depth/work/size limits,
 * bind-marker numbering, and the small productions used everywhere (identifiers, qualified
 * names, string literals, role names, types, WITH properties).
 *
 * Conventions for every parser_*.c: a production returns a node pointer or true on success and
 * NULL/false on failure, after recording the first error in the parser (later errors are
 * ignored, as Cassandra reports its first). Limit errors are "fatal": backtracking cannot undo
 * them. Nodes are allocated in p->arena.
 * Thread rule: a struct parser is used by one thread for one statement.
 */
#ifndef RINGDB_CQL_PARSER_CORE_H
#define RINGDB_CQL_PARSER_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "node/base/arena.h"
#include "node/base/err.h"
#include "node/cql/ast.h"
#include "node/cql/lexer.h"

struct parser {
    const char *text;
    size_t len;
    const struct lexer_token *toks; /* significant tokens; the last is LEX_EOF */
    uint32_t ntoks;
    uint32_t pos;
    struct arena *arena;
    struct errmsg *em;
    int err;    /* first error code, 0 while none */
    bool fatal; /* a limit error: backtracking must not clear it */
    uint32_t depth;
    uint64_t work; /* tokens consumed, re-consumption after backtracking included */
    uint64_t work_max;
    struct ast_marker *markers;
    uint32_t nmarkers;
    uint32_t markers_cap;
};

struct parser_mark {
    uint32_t pos;
    uint32_t nmarkers;
    uint32_t depth;
};

/* Token k places ahead of the current one (0 = current); EOF past the end. */
const struct lexer_token *parser_core_peek(const struct parser *p, uint32_t k);
bool parser_core_is(const struct parser *p, uint32_t k, enum lexer_type type);
bool parser_core_is_kw(const struct parser *p, uint32_t k, enum lexer_kw kw);
struct ast_pos parser_core_pos(const struct parser *p);
struct ast_pos parser_core_tok_pos(const struct lexer_token *t);
void parser_core_advance(struct parser *p);
bool parser_core_accept(struct parser *p, enum lexer_type type);
bool parser_core_accept_kw(struct parser *p, enum lexer_kw kw);
/* Consume the token or fail with "mismatched input 'x' expecting ')'" / "expecting K_FROM". */
bool parser_core_expect(struct parser *p, enum lexer_type type);
bool parser_core_expect_kw(struct parser *p, enum lexer_kw kw);

/* Error recording; all return false so a production can `return parser_core_fail_...`. */
bool parser_core_fail_mismatch(struct parser *p, const char *expecting);
bool parser_core_fail_noviable(struct parser *p);
/* A message without position (Cassandra's addRecognitionError), code ERR_SYNTAX or ERR_INVALID. */
bool parser_core_fail_msg(struct parser *p, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A limit was exceeded: ERR_LIMIT, fatal. */
bool parser_core_fail_limit(struct parser *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

struct parser_mark parser_core_mark(const struct parser *p);
/* Back to m, clearing the error of the failed attempt; false if the error was fatal. */
bool parser_core_reset(struct parser *p, struct parser_mark m);

/* Recursion guard (PARSER_DEPTH_MAX): enter fails with a limit error; leave always pairs. */
bool parser_core_enter(struct parser *p);
void parser_core_leave(struct parser *p);

/*
 * Appends one zeroed element of elem_size to the array (*items, *n) with capacity *cap, growing
 * it in the arena; NULL with a limit error past PARSER_ELEMS_MAX elements.
 */
void *parser_core_push(struct parser *p, void *items, uint32_t *n, uint32_t *cap, size_t elem_size);

/* A new bind marker term (? when name is NULL), numbered in order of appearance. */
struct ast_term *parser_core_marker(struct parser *p, const char *name, struct ast_pos pos);

/* The decoded text of a token: strings and quoted names unescaped; len may be NULL. */
char *parser_core_tok_text(struct parser *p, const struct lexer_token *t, uint32_t *len);

/* Whether token k can be an identifier: IDENT that is not a reserved keyword, or QUOTED_NAME. */
bool parser_core_is_ident(const struct parser *p, uint32_t k);
/* ident: IDENT (lower-cased) | QUOTED_NAME | unreserved keyword. */
bool parser_core_ident(struct parser *p, struct ast_ident *out);
/* cident: ident | "" (the empty name of legacy tables). */
bool parser_core_cident(struct parser *p, struct ast_ident *out);
/* [ks.]name, e.g. a table, index or function name. */
bool parser_core_qname(struct parser *p, struct ast_qname *out);
/* A STRING_LITERAL, decoded. */
bool parser_core_string(struct parser *p, const char **out, uint32_t *len);
/* roleName: IDENT (lower-cased) | STRING | QUOTED_NAME | unreserved keyword. */
bool parser_core_role_name(struct parser *p, const char **out);

/* A native type keyword (INT, TEXT, ...): its type id in *id (id may be NULL). */
bool parser_core_native_kw(enum lexer_kw kw, enum cql_type_id *id);

/* userTypeName: [ks.]name where name is not a native type keyword. */
bool parser_core_udt_name(struct parser *p, struct ast_qname *out);
/* comparatorType: native, collections, tuple, frozen<>, UDT name, 'custom.Class'. */
struct ast_type *parser_core_type(struct parser *p);

#endif

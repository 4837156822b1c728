/*
 * ast_print: AST -> canonical CQL text for the pieces of a statement (names, types, terms,
 * relations, properties); whole statements are in ast_print_stmt.h.
 *
 * Canonical form: upper-case keywords, single spaces, ", " between list items, no trailing ';'.
 * Names are quoted as Cassandra's ColumnIdentifier.maybeQuote does (unless [a-z][a-z0-9_]* and
 * not a reserved keyword; true/false too), and more where a position would read an unreserved
 * keyword as the keyword (a first selector named json, DESCRIBE's generic name, a user type
 * named like a native type). Strings use '' escaping. The output re-parses to an
 * equal AST (the parse -> print -> parse tests check it); parentheses are added only where
 * the tree could not be re-read otherwise ((a + b) * c in a selector).
 * Pure; appends to a caller's struct buf.
 */
#ifndef RINGDB_CQL_AST_PRINT_H
#define RINGDB_CQL_AST_PRINT_H

#include <stdbool.h>
#include <stdint.h>

#include "node/base/buf.h"
#include "node/cql/ast.h"

/* A name, quoted ("Name", with "" escapes) when it has to be. */
void ast_print_ident(const char *name, struct buf *out);
/* Whether ast_print_ident would print the name without quotes. */
bool ast_print_ident_is_plain(const char *name);
void ast_print_qname(const struct ast_qname *q, struct buf *out);
/* As ast_print_qname, but quoting every keyword (for DESCRIBE's generic [ks.]name). */
void ast_print_qname_strict(const struct ast_qname *q, struct buf *out);
/* 'text' with '' escapes; len bytes (NUL bytes allowed). */
void ast_print_string(const char *s, uint32_t len, struct buf *out);
/* A type as Cassandra writes it in system_schema ("map<text, frozen<list<int>>>"). */
void ast_print_type(const struct ast_type *t, struct buf *out);
void ast_print_term(const struct ast_term *t, struct buf *out);
void ast_print_relation(const struct ast_relation *r, struct buf *out);
/* " WHERE a = 1 AND b > 2" (nothing when n == 0). */
void ast_print_where(const struct ast_relation *rels, uint32_t n, struct buf *out);
/* "name = value AND ..." */
void ast_print_props(const struct ast_props *props, struct buf *out);

#endif

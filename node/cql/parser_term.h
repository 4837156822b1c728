/*
 * parser_term: terms (values) and selectors, which Parser.g writes as two grammars of the same
 * shape (term/termAddition/simpleTerm and selector/selectionAddition/selectionGroup). Here they
 * are one expression parser with a mode: in selector mode identifiers name columns and may be
 * followed by .field / [element] / [from..to], and COUNT(*), WRITETIME(c), TTL(c) exist; in term
 * mode an identifier can only start a function call and parentheses always make a tuple.
 * Also: constants, bind markers, intValue (LIMIT, TTL ...) and WITH properties.
 * Depends on parser_core. Thread rule: as parser_core.
 */
#ifndef RINGDB_CQL_PARSER_TERM_H
#define RINGDB_CQL_PARSER_TERM_H

#include <stdbool.h>

#include "node/cql/ast.h"
#include "node/cql/parser_core.h"

/* term: a value, function call, cast, type hint or arithmetic on them. */
struct ast_term *parser_term(struct parser *p);
/* unaliasedSelector: as term, plus columns and their modifiers, COUNT(*), WRITETIME ... */
struct ast_term *parser_term_selector(struct parser *p);
/* Whether token k can start a term (for optional terms and loops). */
bool parser_term_starts(const struct parser *p, uint32_t k);
/* intValue: INTEGER (a '-' before it folded in) or a bind marker. */
struct ast_term *parser_term_int_value(struct parser *p);
/* marker: ? or :name; the current token must be '?' or ':'. */
struct ast_term *parser_term_marker(struct parser *p);
/* '(' [term (',' term)*] ')' into out (IN lists, INSERT values). */
bool parser_term_tuple_values(struct parser *p, struct ast_term_list *out);
/* Appends t to list (cap tracks the capacity); false on a limit error. */
bool parser_term_list_push(struct parser *p, struct ast_term_list *list, uint32_t *cap,
                           struct ast_term *t);

/* fullMapLiteral of constants: '{' [const ':' const (',' ...)*] '}' (role OPTIONS, properties). */
struct ast_term *parser_term_const_map(struct parser *p, const char *property);
/*
 * properties: name = value (AND name = value)*, appended to props. A value is a constant, an
 * unreserved keyword (kept as a string) or a map of constants. A repeated name is an error.
 */
bool parser_term_properties(struct parser *p, struct ast_props *props);
/* One property (for lists mixing properties with other items, as CREATE TABLE's WITH). */
bool parser_term_property(struct parser *p, struct ast_props *props, uint32_t *cap);

#endif

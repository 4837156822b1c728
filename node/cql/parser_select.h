/*
 * parser_select: SELECT and the WHERE clause (whose relations UPDATE and DELETE share).
 * Depends on parser_core and parser_term. Thread rule: as parser_core.
 */
#ifndef RINGDB_CQL_PARSER_SELECT_H
#define RINGDB_CQL_PARSER_SELECT_H

#include <stdbool.h>
#include <stdint.h>

#include "node/cql/ast.h"
#include "node/cql/parser_core.h"

/* selectStatement; the current token is SELECT. */
struct ast_stmt *parser_select(struct parser *p);
/* whereClause after WHERE: relation (AND relation)*. */
bool parser_select_where(struct parser *p, struct ast_relation **rels, uint32_t *n);
/* relationType (= < <= > >= !=) at the current token: consumes it and sets *op, or false. */
bool parser_select_relop(struct parser *p, enum ast_rel_op *op);

#endif

/*
 * ast_equal: deep structural equality of ASTs, source positions ignored. The parse -> print
 * -> parse tests and the fuzzer use it to prove the printer loses nothing.
 * Pure. NULL equals only NULL.
 */
#ifndef RINGDB_CQL_AST_EQUAL_H
#define RINGDB_CQL_AST_EQUAL_H

#include <stdbool.h>

#include "node/cql/ast.h"

bool ast_equal_stmt(const struct ast_stmt *a, const struct ast_stmt *b);
bool ast_equal_term(const struct ast_term *a, const struct ast_term *b);
bool ast_equal_type(const struct ast_type *a, const struct ast_type *b);

#endif

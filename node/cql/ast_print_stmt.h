/*
 * ast_print_stmt: a whole statement -> canonical CQL (the rules are in ast_print.h). Used by
 * the parser tests and fuzzer (print must re-parse to an equal AST), by logs, and wherever a
 * statement has to be shown back to a user.
 * Pure; appends to a caller's struct buf.
 */
#ifndef RINGDB_CQL_AST_PRINT_STMT_H
#define RINGDB_CQL_AST_PRINT_STMT_H

#include "node/base/arena.h"
#include "node/base/buf.h"
#include "node/cql/ast.h"

void ast_print_stmt(const struct ast_stmt *s, struct buf *out);
/* The statement as a NUL-terminated string allocated in a (cut at a NUL byte a string literal
 * may hold: for logs and tests, use ast_print_stmt for the exact text). */
char *ast_print_stmt_str(const struct ast_stmt *s, struct arena *a);

#endif

/*
 * parser_dml: INSERT (values and JSON), UPDATE, DELETE and BATCH, with their USING clauses and
 * IF conditions. Depends on parser_core, parser_term, parser_select. Thread rule: as parser_core.
 */
#ifndef RINGDB_CQL_PARSER_DML_H
#define RINGDB_CQL_PARSER_DML_H

#include "node/cql/ast.h"
#include "node/cql/parser_core.h"

/* Each starts at its first keyword (INSERT, UPDATE, DELETE, BEGIN). */
struct ast_stmt *parser_dml_insert(struct parser *p);
struct ast_stmt *parser_dml_update(struct parser *p);
struct ast_stmt *parser_dml_delete(struct parser *p);
struct ast_stmt *parser_dml_batch(struct parser *p);

#endif

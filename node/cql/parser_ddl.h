/*
 * parser_ddl: schema statements: CREATE/ALTER/DROP KEYSPACE, TABLE, TYPE, CREATE/DROP INDEX.
 * Depends on parser_core and parser_term. Thread rule: as parser_core.
 */
#ifndef RINGDB_CQL_PARSER_DDL_H
#define RINGDB_CQL_PARSER_DDL_H

#include "node/cql/ast.h"
#include "node/cql/parser_core.h"

/*
 * After CREATE / ALTER / DROP (already consumed; pos is that keyword's position): the schema
 * statement that follows, or NULL with *handled false when the object keyword is not one of
 * ours (the caller tries roles, users, views ...).
 */
struct ast_stmt *parser_ddl_create(struct parser *p, struct ast_pos pos, bool *handled);
struct ast_stmt *parser_ddl_alter(struct parser *p, struct ast_pos pos, bool *handled);
struct ast_stmt *parser_ddl_drop(struct parser *p, struct ast_pos pos, bool *handled);

#endif

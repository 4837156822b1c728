/*
 * parser_auth: roles, users and permissions: CREATE/ALTER/DROP ROLE and USER, LIST ROLES/USERS,
 * GRANT/REVOKE role, GRANT/REVOKE/LIST permissions. Depends on parser_core and parser_term.
 * Thread rule: as parser_core.
 */
#ifndef RINGDB_CQL_PARSER_AUTH_H
#define RINGDB_CQL_PARSER_AUTH_H

#include <stdbool.h>

#include "node/cql/ast.h"
#include "node/cql/parser_core.h"

/* After CREATE / ALTER / DROP (consumed): a ROLE or USER statement, or *handled = false. */
struct ast_stmt *parser_auth_role(struct parser *p, enum ast_stmt_kind role_kind,
                                  struct ast_pos pos, bool *handled);
/* At GRANT / REVOKE / LIST. */
struct ast_stmt *parser_auth_grant(struct parser *p, bool revoke);
struct ast_stmt *parser_auth_list(struct parser *p);

#endif

/*
 * parser_misc: USE, TRUNCATE, DESCRIBE, and the statements ringdb parses only far enough to
 * refuse clearly (functions, aggregates, materialized views, triggers).
 * Depends on parser_core. Thread rule: as parser_core.
 */
#ifndef RINGDB_CQL_PARSER_MISC_H
#define RINGDB_CQL_PARSER_MISC_H

#include <stdbool.h>

#include "node/cql/ast.h"
#include "node/cql/parser_core.h"

/* At USE / TRUNCATE / DESCRIBE (or DESC). */
struct ast_stmt *parser_misc_use(struct parser *p);
struct ast_stmt *parser_misc_truncate(struct parser *p);
struct ast_stmt *parser_misc_describe(struct parser *p);
/*
 * After CREATE / ALTER / DROP (consumed; verb is KW_CREATE, KW_ALTER or KW_DROP, pos the
 * verb's position): FUNCTION, AGGREGATE, MATERIALIZED VIEW or TRIGGER into AST_UNSUPPORTED,
 * reading up to the end of the statement; *handled = false for anything else.
 */
struct ast_stmt *parser_misc_unsupported(struct parser *p, enum lexer_kw verb, struct ast_pos pos,
                                         bool *handled);

#endif

/*
 * parser: the CQL language front end. Text in, struct ast_stmt (node/cql/ast.h) out.
 *
 * A hand-written recursive-descent parser for the statements of Cassandra 4.1's Parser.g that
 * ringdb serves (README.md lists them), accepting what drivers, cqlsh and cqlengine send
 * verbatim: trailing ';', any keyword case, quoted names, interpolated literals. Statements
 * ringdb does not implement (functions, aggregates, views, triggers) parse into AST_UNSUPPORTED
 * so the executor can answer a clear Invalid error.
 *
 * The parser is split by statement family: parser_core (tokens, errors, names, types),
 * parser_term (literals, terms, selectors, properties), parser_select (SELECT, WHERE),
 * parser_dml (INSERT, UPDATE, DELETE, BATCH), parser_ddl (keyspaces, tables, types, indexes),
 * parser_auth (roles, users, permissions), parser_misc (USE, TRUNCATE, DESCRIBE, unsupported).
 *
 * Errors: ERR_SYNTAX with Cassandra's text ("line 1:9 mismatched input 'FORM' expecting K_FROM
 * (SELECT * [FORM] t...)"; at end of input "line 0:-1 mismatched input '<EOF>' expecting ..."),
 * ERR_INVALID for the few checks Cassandra makes while parsing (COMPACT STORAGE, PRIMARY KEY
 * count, column/value count), ERR_LIMIT when a *_MAX below is exceeded.
 *
 * Pure: no I/O, no globals. Thread rule: any thread; one call per statement.
 */
#ifndef RINGDB_CQL_PARSER_H
#define RINGDB_CQL_PARSER_H

#include <stddef.h>

#include "node/base/arena.h"
#include "node/base/err.h"
#include "node/cql/ast.h"
#include "node/cql/lexer.h"

#define PARSER_TEXT_MAX_BYTES LEXER_TEXT_MAX_BYTES
/* Significant tokens (comments and whitespace excluded) in one statement. */
#define PARSER_TOKENS_MAX (1u << 20)
/* Nesting of terms, types, selectors and parenthesised relations. */
#define PARSER_DEPTH_MAX 64
/* Elements of one literal, IN list, column list, property list, argument list ... */
#define PARSER_ELEMS_MAX 65536u
/* Statements in one BATCH (the protocol's BATCH message counts them in a [short]). */
#define PARSER_BATCH_MAX 65535u
/* Bind markers in one statement (EXECUTE counts values in a [short]). */
#define PARSER_MARKERS_MAX 65535u
/* Tokens consumed, re-reads after backtracking included, per token of input. */
#define PARSER_WORK_PER_TOKEN_MAX 16u

/*
 * Parses one statement (an optional run of ';' may follow it). On success *out is the
 * statement, allocated in a; on failure returns the error code and fills em.
 */
int parser_parse(const char *text, size_t len, struct arena *a, struct ast_stmt **out,
                 struct errmsg *em);

#endif

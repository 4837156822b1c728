/* Shared helpers of the cqlparse unit tests: parse into a test arena, print, compare. */
#ifndef RINGDB_TESTS_CQLPARSE_UTIL_H
#define RINGDB_TESTS_CQLPARSE_UTIL_H

#include <criterion/criterion.h>
#include <string.h>

#include "node/base/arena.h"
#include "node/base/buf.h"
#include "node/cql/ast.h"
#include "node/cql/ast_equal.h"
#include "node/cql/ast_print_stmt.h"
#include "node/cql/parser.h"

/* Parses s (must succeed) into a; fails the test with the parser's message otherwise. */
static inline struct ast_stmt *must_parse(struct arena *a, const char *s)
{
    struct ast_stmt *st = NULL;
    struct errmsg em;
    errmsg_clear(&em);
    int rc = parser_parse(s, strlen(s), a, &st, &em);
    cr_assert_eq(rc, 0, "parse failed: %s\n  input: %s", em.text, s);
    return st;
}

/* Parses s expecting failure; returns the code, em filled. */
static inline int must_fail(struct arena *a, const char *s, struct errmsg *em)
{
    struct ast_stmt *st = NULL;
    errmsg_clear(em);
    int rc = parser_parse(s, strlen(s), a, &st, em);
    cr_assert_neq(rc, 0, "expected an error for: %s", s);
    return rc;
}

static inline char *print_stmt(struct arena *a, const struct ast_stmt *st)
{
    return ast_print_stmt_str(st, a);
}

#endif

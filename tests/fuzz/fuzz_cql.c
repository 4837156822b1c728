/*
 * fuzz_cql: libFuzzer target for the CQL front end (node/cql/parser.h). Any bytes are a
 * statement text; the parser must return (never crash, hang or leak), and when it accepts
 * the text the canonical print must re-parse to an equal AST and print identically again
 * (ast_print is a fixed point). Seeds: tests/fuzz/corpus_cql/ (run with that directory).
 * Build: cmake -DRINGDB_FUZZ=ON -DCMAKE_C_COMPILER=clang; run: ./fuzz_cql -max_total_time=60.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/base/arena.h"
#include "node/base/buf.h"
#include "node/base/err.h"
#include "node/cql/ast_equal.h"
#include "node/cql/ast_print_stmt.h"
#include "node/cql/parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const uint8_t *in, size_t n, const struct buf *p1,
                 const char *detail)
{
    fprintf(stderr, "fuzz_cql: %s\ninput: %.*s\nprint: %.*s\n%s\n", what, (int)n,
            (const char *)in, (int)p1->len, (const char *)p1->data, detail ? detail : "");
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena a;
    struct errmsg em;
    struct ast_stmt *s1, *s2;
    arena_init(&a, 16 * 1024);
    errmsg_clear(&em);
    if (parser_parse((const char *)data, size, &a, &s1, &em) == 0) {
        struct buf p1, p2;
        buf_init(&p1);
        buf_init(&p2);
        ast_print_stmt(s1, &p1);
        if (parser_parse((const char *)p1.data, p1.len, &a, &s2, &em) != 0)
            fail("printed statement does not parse", data, size, &p1, em.text);
        if (!ast_equal_stmt(s1, s2)) fail("re-parsed AST differs", data, size, &p1, NULL);
        ast_print_stmt(s2, &p2);
        if (p1.len != p2.len || memcmp(p1.data, p2.data, p1.len) != 0)
            fail("print is not a fixed point", data, size, &p1, NULL);
        buf_deinit(&p1);
        buf_deinit(&p2);
    }
    arena_deinit(&a);
    return 0;
}

/*
 * parser: see parser.h. Lexes the whole statement first (the productions need lookahead and
 * a few backtracking points), then dispatches on the first keyword, as Parser.g's
 * cqlStatement does, and finally requires `';'* EOF` like its `query` rule.
 */
#include "node/cql/parser.h"

#include <stdlib.h>
#include <string.h>

#include "node/base/assert.h"
#include "node/base/mem.h"
#include "node/cql/parser_auth.h"
#include "node/cql/parser_core.h"
#include "node/cql/parser_ddl.h"
#include "node/cql/parser_dml.h"
#include "node/cql/parser_misc.h"
#include "node/cql/parser_select.h"

/* Significant tokens into a malloc'd array ending with LEX_EOF. */
static int tokenize(const char *text, size_t len, struct lexer_token **out, uint32_t *n,
                    struct errmsg *em)
{
    struct lexer lx;
    struct lexer_token *toks = NULL;
    size_t cap = 0, count = 0;
    lexer_init(&lx, text, len);
    for (;;) {
        struct lexer_token t;
        int rc = lexer_next(&lx, &t, em);
        if (rc != 0) {
            free(toks);
            return rc;
        }
        if (t.type == LEX_WS || t.type == LEX_COMMENT) continue;
        if (count >= PARSER_TOKENS_MAX) {
            free(toks);
            return errmsg_set(em, ERR_LIMIT, "statement has more than %u tokens",
                              PARSER_TOKENS_MAX);
        }
        xgrow((void **)&toks, &cap, count + 1, sizeof *toks);
        toks[count++] = t;
        if (t.type == LEX_EOF) break;
    }
    *out = toks;
    *n = (uint32_t)count;
    return 0;
}

/* CREATE / ALTER / DROP: schema objects, then roles and users, then what we refuse. */
static struct ast_stmt *schema_statement(struct parser *p)
{
    struct ast_pos pos = parser_core_pos(p);
    enum lexer_kw verb = (enum lexer_kw)parser_core_peek(p, 0)->kw;
    enum ast_stmt_kind role_kind = verb == KW_CREATE  ? AST_CREATE_ROLE
                                   : verb == KW_ALTER ? AST_ALTER_ROLE
                                                      : AST_DROP_ROLE;
    bool handled;
    struct ast_stmt *st;
    parser_core_advance(p);
    if (verb == KW_CREATE)
        st = parser_ddl_create(p, pos, &handled);
    else if (verb == KW_ALTER)
        st = parser_ddl_alter(p, pos, &handled);
    else
        st = parser_ddl_drop(p, pos, &handled);
    if (handled) return st;
    st = parser_auth_role(p, role_kind, pos, &handled);
    if (handled) return st;
    st = parser_misc_unsupported(p, verb, pos, &handled);
    if (handled) return st;
    parser_core_fail_noviable(p);
    return NULL;
}

static struct ast_stmt *statement(struct parser *p)
{
    const struct lexer_token *t = parser_core_peek(p, 0);
    switch (t->type == LEX_IDENT ? (enum lexer_kw)t->kw : KW_NONE) {
    case KW_SELECT: return parser_select(p);
    case KW_INSERT: return parser_dml_insert(p);
    case KW_UPDATE: return parser_dml_update(p);
    case KW_DELETE: return parser_dml_delete(p);
    case KW_BEGIN: return parser_dml_batch(p);
    case KW_USE: return parser_misc_use(p);
    case KW_TRUNCATE: return parser_misc_truncate(p);
    case KW_CREATE:
    case KW_ALTER:
    case KW_DROP: return schema_statement(p);
    case KW_GRANT: return parser_auth_grant(p, false);
    case KW_REVOKE: return parser_auth_grant(p, true);
    case KW_LIST: return parser_auth_list(p);
    case KW_DESCRIBE:
    case KW_DESC: return parser_misc_describe(p);
    default: parser_core_fail_noviable(p); return NULL;
    }
}

int parser_parse(const char *text, size_t len, struct arena *a, struct ast_stmt **out,
                 struct errmsg *em)
{
    struct lexer_token *toks = NULL;
    uint32_t ntoks = 0;
    int rc = tokenize(text, len, &toks, &ntoks, em);
    if (rc != 0) return rc;
    struct parser p = {
        .text = text,
        .len = len,
        .toks = toks,
        .ntoks = ntoks,
        .arena = a,
        .em = em,
        .work_max = (uint64_t)ntoks * PARSER_WORK_PER_TOKEN_MAX + 1024,
    };
    struct ast_stmt *st = statement(&p);
    if (st) {
        while (parser_core_accept(&p, LEX_SEMI)) {
        }
        if (!parser_core_is(&p, 0, LEX_EOF)) {
            parser_core_fail_mismatch(&p, "EOF");
            st = NULL;
        }
    }
    free(toks);
    if (!st) {
        ASSERT(p.err != 0);
        return p.err;
    }
    ASSERT(p.depth == 0);
    st->nmarkers = p.nmarkers;
    st->markers = p.nmarkers ? p.markers : NULL;
    *out = st;
    return 0;
}

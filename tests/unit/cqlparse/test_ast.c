/* The shape of the AST the executor binds: names, literals, markers, keys, operations, limits. */
#include <stdlib.h>

#include "cqlparse_util.h"

static struct arena A;

static void setup(void)
{
    arena_init(&A, 0);
}

static void teardown(void)
{
    arena_deinit(&A);
}

TestSuite(ast, .init = setup, .fini = teardown);

Test(ast, markers_numbered_in_order_with_names)
{
    struct ast_stmt *s = must_parse(&A, "SELECT * FROM t WHERE a = ? AND b = :Bx AND c IN ? AND "
                                        "d = :\"Q\" LIMIT ?");
    cr_assert_eq(s->nmarkers, 5);
    cr_assert_null(s->markers[0].name);
    cr_assert_str_eq(s->markers[1].name, "bx");
    cr_assert_null(s->markers[2].name);
    cr_assert_str_eq(s->markers[3].name, "Q");
    const struct ast_select *sel = &s->u.select;
    cr_assert_eq(sel->where[0].value->kind, AST_T_MARKER);
    cr_assert_eq(sel->where[0].value->u.marker.index, 0);
    cr_assert_eq(sel->where[2].op, AST_OP_IN);
    cr_assert_eq(sel->where[2].value->u.marker.index, 2);
    cr_assert_eq(sel->limit->u.marker.index, 4);
    cr_assert_eq(s->markers[1].pos.col, 36);
}

Test(ast, markers_span_a_batch_and_survive_backtracking)
{
    struct ast_stmt *s = must_parse(&A, "BEGIN BATCH INSERT INTO t (a) VALUES (?); UPDATE t SET "
                                        "b = :v WHERE k = ? APPLY BATCH");
    cr_assert_eq(s->nmarkers, 3);
    cr_assert_eq(s->u.batch.n, 2);
    cr_assert_eq(s->u.batch.stmts[1]->u.update.where[0].value->u.marker.index, 2);
    cr_assert_eq(s->u.batch.stmts[1]->nmarkers, 0);
    /* JSON and type-hint attempts that fail must not leave markers behind */
    s = must_parse(&A, "SELECT json, ? FROM t");
    cr_assert_eq(s->nmarkers, 1);
    cr_assert_eq(s->u.select.sel[1].expr->u.marker.index, 0);
    s = must_parse(&A, "SELECT (a, ?) FROM t WHERE b = ?");
    cr_assert_eq(s->nmarkers, 2);
    cr_assert_eq(s->u.select.where[0].value->u.marker.index, 1);
}

Test(ast, names_fold_unless_quoted)
{
    struct ast_stmt *s = must_parse(&A, "SELECT \"MiXed\", MiXed, \"with \"\"q\"\"\" FROM Ks.\"Tb\"");
    const struct ast_select *sel = &s->u.select;
    cr_assert_str_eq(sel->table.keyspace, "ks");
    cr_assert_str_eq(sel->table.name, "Tb");
    cr_assert_str_eq(sel->sel[0].expr->u.column.name, "MiXed");
    cr_assert_str_eq(sel->sel[1].expr->u.column.name, "mixed");
    cr_assert_str_eq(sel->sel[2].expr->u.column.name, "with \"q\"");
    cr_assert_str_eq(ast_stmt_keyspace(s), "ks");
    cr_assert_eq(ast_stmt_table(s), &sel->table);
    s = must_parse(&A, "CREATE USER Bob");
    cr_assert_str_eq(s->u.role.name, "Bob", "user names keep their case");
    s = must_parse(&A, "CREATE ROLE Bob");
    cr_assert_str_eq(s->u.role.name, "bob");
    s = must_parse(&A, "CREATE ROLE 'Bob'");
    cr_assert_str_eq(s->u.role.name, "Bob");
}

Test(ast, literals_keep_their_text)
{
    struct ast_stmt *s = must_parse(
        &A, "INSERT INTO t (a, b, c, d, e, f, g, h, i, j) VALUES ('it''s', $$x'y$$, "
            "-123456789012345678901234567890, - 1.5e3, True, 0xCAFE, -P1D, -NaN, -Infinity, {})");
    struct ast_term **v = s->u.insert.values;
    cr_assert_eq(v[0]->kind, AST_T_STRING);
    cr_assert_str_eq(v[0]->u.lit.text, "it's");
    cr_assert_eq(v[0]->u.lit.len, 4);
    cr_assert_str_eq(v[1]->u.lit.text, "x'y");
    cr_assert_eq(v[2]->kind, AST_T_INTEGER);
    cr_assert_str_eq(v[2]->u.lit.text, "-123456789012345678901234567890");
    cr_assert_eq(v[3]->kind, AST_T_FLOAT);
    cr_assert_str_eq(v[3]->u.lit.text, "-1.5e3");
    cr_assert_eq(v[4]->kind, AST_T_BOOLEAN);
    cr_assert(v[4]->u.lit.boolean);
    cr_assert_eq(v[5]->kind, AST_T_HEX);
    cr_assert_eq(v[6]->kind, AST_T_DURATION);
    cr_assert_str_eq(v[6]->u.lit.text, "-P1D");
    cr_assert_str_eq(v[7]->u.lit.text, "NaN");
    cr_assert_str_eq(v[8]->u.lit.text, "-Infinity");
    cr_assert_eq(v[9]->kind, AST_T_EMPTY_BRACES);
    cr_assert_eq(v[3]->pos.col, 104, "a folded literal starts at its '-'");
}

Test(ast, collections_tuples_udts_and_hints)
{
    struct ast_stmt *s = must_parse(&A, "INSERT INTO t (a, b, c, d, e, f) VALUES ([1, 2], {3}, "
                                        "{'k': 1}, (1, 'x'), {f: 1, \"G\": 2}, (bigint) ?)");
    struct ast_term **v = s->u.insert.values;
    cr_assert_eq(v[0]->kind, AST_T_LIST);
    cr_assert_eq(v[0]->u.list.n, 2);
    cr_assert_eq(v[1]->kind, AST_T_SET);
    cr_assert_eq(v[2]->kind, AST_T_MAP);
    cr_assert_str_eq(v[2]->u.map.keys[0]->u.lit.text, "k");
    cr_assert_eq(v[3]->kind, AST_T_TUPLE);
    cr_assert_eq(v[4]->kind, AST_T_UDT);
    cr_assert_str_eq(v[4]->u.udt.fields[1].name, "G");
    cr_assert_eq(v[5]->kind, AST_T_TYPE_HINT);
    cr_assert_eq(v[5]->u.cast.type->native, CQL_BIGINT);
    cr_assert_eq(v[5]->u.cast.arg->kind, AST_T_MARKER);
}

Test(ast, create_table_normalises_the_primary_key)
{
    struct ast_stmt *s = must_parse(&A, "CREATE TABLE ks.t (k text PRIMARY KEY, s int static, m "
                                        "frozen<map<text, list<int>>>) WITH comment = 'c' AND "
                                        "gc_grace_seconds = 5 AND compaction = {'class': 'X'}");
    const struct ast_create_table *t = &s->u.create_table;
    cr_assert_eq(t->npk, 1);
    cr_assert_str_eq(t->pk[0].name, "k");
    cr_assert_eq(t->nclustering, 0);
    cr_assert(t->columns[1].is_static);
    const struct ast_type *m = t->columns[2].type;
    cr_assert_eq(m->kind, AST_TYPE_MAP);
    cr_assert(m->frozen);
    cr_assert_eq(m->sub[1]->kind, AST_TYPE_LIST);
    cr_assert_eq(m->sub[1]->sub[0]->native, CQL_INT);
    cr_assert_eq(t->props.n, 3);
    cr_assert_eq(t->props.items[1].value->kind, AST_T_INTEGER);
    cr_assert_eq(t->props.items[2].value->kind, AST_T_MAP);
    cr_assert(ast_stmt_is_schema_change(s));
    s = must_parse(&A, "CREATE TABLE t (a int, b int, c int, d int, PRIMARY KEY ((a, b), c, d)) "
                       "WITH CLUSTERING ORDER BY (c DESC, d ASC)");
    t = &s->u.create_table;
    cr_assert_eq(t->npk, 2);
    cr_assert_eq(t->nclustering, 2);
    cr_assert_str_eq(t->clustering[1].name, "d");
    cr_assert(t->order[0].desc);
    cr_assert_not(t->order[1].desc);
}

Test(ast, update_operations)
{
    struct ast_stmt *s = must_parse(&A, "UPDATE t SET a = 1, c = c + 1, d = d - ?, l = [0] + l, "
                                        "m['k'] = 'v', u.f = 2, e += 3 WHERE k = 1 IF a = 2");
    const struct ast_update *u = &s->u.update;
    static const enum ast_update_kind kinds[] = {AST_UPD_SET,         AST_UPD_ADD,
                                                 AST_UPD_SUB,         AST_UPD_PREPEND,
                                                 AST_UPD_SET_ELEMENT, AST_UPD_SET_FIELD,
                                                 AST_UPD_ADD};
    cr_assert_eq(u->nops, 7);
    for (int i = 0; i < 7; i++) cr_assert_eq(u->ops[i].kind, kinds[i], "op %d", i);
    cr_assert_str_eq(u->ops[4].key->u.lit.text, "k");
    cr_assert_str_eq(u->ops[5].field.name, "f");
    cr_assert_eq(u->nconds, 1);
    cr_assert(ast_stmt_is_modification(s));
}

Test(ast, relations)
{
    struct ast_stmt *s = must_parse(&A, "SELECT * FROM t WHERE token(a, b) > 5 AND (c, d) >= (1, "
                                        "2) AND m['k'] = 1 AND s CONTAINS KEY 'x' AND e IN () AND "
                                        "(f, g) IN ((1, 2))");
    const struct ast_relation *r = s->u.select.where;
    cr_assert_eq(s->u.select.nwhere, 6);
    cr_assert_eq(r[0].kind, AST_REL_TOKEN);
    cr_assert_eq(r[0].ncolumns, 2);
    cr_assert_eq(r[0].op, AST_OP_GT);
    cr_assert_eq(r[1].kind, AST_REL_MULTI);
    cr_assert_eq(r[1].value->kind, AST_T_TUPLE);
    cr_assert_eq(r[2].kind, AST_REL_ELEMENT);
    cr_assert_eq(r[3].op, AST_OP_CONTAINS_KEY);
    cr_assert_eq(r[4].op, AST_OP_IN);
    cr_assert_null(r[4].value);
    cr_assert_eq(r[4].in_values.n, 0);
    cr_assert_eq(r[5].in_values.n, 1);
}

Test(ast, selectors)
{
    struct ast_stmt *s = must_parse(&A, "SELECT COUNT(*), writetime(a), CAST(b AS text) AS x, "
                                        "ks.f(c), m['k'], a.b FROM t");
    const struct ast_selector *sel = s->u.select.sel;
    cr_assert_eq(sel[0].expr->kind, AST_T_COUNT_ROWS);
    cr_assert_eq(sel[1].expr->kind, AST_T_WRITETIME);
    cr_assert_eq(sel[1].expr->u.of->kind, AST_T_COLUMN);
    cr_assert_eq(sel[2].expr->kind, AST_T_CAST);
    cr_assert_str_eq(sel[2].alias, "x");
    cr_assert_str_eq(sel[3].expr->u.func.name.keyspace, "ks");
    cr_assert_eq(sel[4].expr->kind, AST_T_ELEMENT);
    cr_assert_eq(sel[5].expr->kind, AST_T_FIELD);
}

Test(ast, unsupported_statements_keep_their_text)
{
    struct ast_stmt *s = must_parse(&A, "CREATE MATERIALIZED VIEW ks.v AS SELECT * FROM t WHERE "
                                        "a IS NOT NULL PRIMARY KEY (a);");
    cr_assert_eq(s->kind, AST_UNSUPPORTED);
    cr_assert_eq(s->u.unsupported.kind, AST_UNSUP_CREATE_VIEW);
    cr_assert_str_eq(s->u.unsupported.name.keyspace, "ks");
    cr_assert_str_eq(s->u.unsupported.name.name, "v");
    cr_assert_str_eq(s->u.unsupported.text, "CREATE MATERIALIZED VIEW ks.v AS SELECT * FROM t "
                                            "WHERE a IS NOT NULL PRIMARY KEY (a)");
}

static const struct cql_type *addr_lookup(void *ctx, const char *keyspace, const char *name)
{
    static const struct cql_type *sub[1];
    static const char *fields[1] = {"street"};
    static struct cql_type addr = {.id = CQL_UDT, .nsub = 1, .sub = sub, .field_names = fields};
    sub[0] = cql_type_native(CQL_VARCHAR);
    addr.udt_keyspace = "ks";
    addr.udt_name = "Addr";
    (void)ctx;
    return keyspace && strcmp(keyspace, "ks") == 0 && strcmp(name, "Addr") == 0 ? &addr : NULL;
}

Test(ast, types_resolve_through_storage)
{
    struct ast_stmt *s = must_parse(&A, "CREATE TABLE t (k int PRIMARY KEY, a map<text, "
                                        "frozen<list<int>>>, b tuple<int, text>, c frozen<\"Addr\">, "
                                        "d varchar, e set<frozen<ks.\"Addr\">>)");
    const struct cql_type *t;
    struct errmsg em;
    const struct ast_column_def *c = s->u.create_table.columns;
    cr_assert_eq(ast_type_resolve(c[1].type, "ks", addr_lookup, NULL, &A, &t, &em), 0, "%s",
                 em.text);
    cr_assert_eq(t->id, CQL_MAP);
    cr_assert_eq(t->sub[1]->id, CQL_LIST);
    cr_assert(t->sub[1]->frozen);
    cr_assert_eq(ast_type_resolve(c[2].type, "ks", addr_lookup, NULL, &A, &t, &em), 0, "%s",
                 em.text);
    cr_assert_eq(t->id, CQL_TUPLE);
    cr_assert_eq(ast_type_resolve(c[3].type, "ks", addr_lookup, NULL, &A, &t, &em), 0, "%s",
                 em.text);
    cr_assert_eq(t->id, CQL_UDT);
    cr_assert(t->frozen);
    cr_assert_eq(ast_type_resolve(c[4].type, "ks", addr_lookup, NULL, &A, &t, &em), 0, "%s",
                 em.text);
    cr_assert_eq(t->id, CQL_VARCHAR);
    cr_assert_eq(ast_type_resolve(c[5].type, "other", addr_lookup, NULL, &A, &t, &em), 0, "%s",
                 em.text);
    cr_assert_eq(t->sub[0]->id, CQL_UDT);
    cr_assert_neq(ast_type_resolve(c[3].type, "other", addr_lookup, NULL, &A, &t, &em), 0,
                  "an unknown type is refused");
}

/* ---- limits ---- */

static char *repeat(const char *head, const char *unit, size_t n, const char *tail)
{
    size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
    char *s = malloc(hl + ul * n + tl + 1);
    memcpy(s, head, hl);
    for (size_t i = 0; i < n; i++) memcpy(s + hl + i * ul, unit, ul);
    memcpy(s + hl + ul * n, tail, tl + 1);
    return s;
}

static void expect_limit(const char *s, const char *what)
{
    struct errmsg em;
    int rc = must_fail(&A, s, &em);
    cr_assert_eq(rc, ERR_LIMIT, "%s: %s", what, em.text);
}

Test(ast, nesting_depth_is_bounded)
{
    char *ok = repeat("SELECT * FROM t WHERE a = ", "[", 40, "1");
    char *deep = repeat("SELECT * FROM t WHERE a = ", "[", PARSER_DEPTH_MAX + 1, "1");
    char *neg = repeat("SELECT ", "-", PARSER_DEPTH_MAX * 2, "a FROM t");
    for (size_t i = 1; i < strlen(neg) - 9; i += 2) neg[i + 6] = ' '; /* "- - - a": no comments */
    char *chain = repeat("SELECT * FROM t WHERE a = 1", " + 1", PARSER_DEPTH_MAX + 1, "");
    /* recursion through casts and type hints only: 200 000 levels must not reach the stack */
    char *hints = repeat("INSERT INTO t (a) VALUES (", "(int) ", 200000, "1)");
    char *casts = repeat("SELECT ", "CAST(", 200000, "");
    char *groups = repeat("SELECT ", "(a)", 200000, " FROM t");
    expect_limit(hints, "type hints");
    expect_limit(casts, "casts");
    expect_limit(groups, "grouped type hints");
    free(hints);
    free(casts);
    free(groups);
    struct errmsg em;
    cr_assert_neq(must_fail(&A, ok, &em), ERR_LIMIT, "40 levels is fine (fails on syntax only)");
    expect_limit(deep, "nested lists");
    expect_limit(neg, "nested negations");
    expect_limit(chain, "an operator chain is a deep tree too");
    free(ok);
    free(deep);
    free(neg);
    free(chain);
}

Test(ast, element_batch_marker_and_token_counts_are_bounded)
{
    char *elems = repeat("INSERT INTO t (a) VALUES ([0", ",1", PARSER_ELEMS_MAX, "])");
    char *markers = repeat("SELECT * FROM t WHERE a IN (?", ",?", PARSER_MARKERS_MAX, ")");
    char *batch = repeat("BEGIN BATCH ", "DELETE FROM t WHERE k=1;", PARSER_BATCH_MAX + 1,
                         "APPLY BATCH");
    char *tokens = repeat("SELECT ", "(", PARSER_TOKENS_MAX + 1, "");
    expect_limit(elems, "list elements");
    expect_limit(markers, "bind markers");
    expect_limit(batch, "batch statements");
    expect_limit(tokens, "tokens");
    free(elems);
    free(markers);
    free(batch);
    free(tokens);
    char *fits = repeat("SELECT * FROM t WHERE a IN (?", ",?", PARSER_MARKERS_MAX - 1, ")");
    struct ast_stmt *s = must_parse(&A, fits);
    cr_assert_eq(s->nmarkers, PARSER_MARKERS_MAX);
    free(fits);
}

Test(ast, text_length_is_bounded)
{
    struct ast_stmt *s;
    struct errmsg em;
    /* the length is checked before any byte is read */
    int rc = parser_parse("SELECT", (size_t)PARSER_TEXT_MAX_BYTES + 1, &A, &s, &em);
    cr_assert_eq(rc, ERR_LIMIT, "%s", em.text);
}

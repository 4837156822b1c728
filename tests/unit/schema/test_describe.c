/* DESCRIBE: result shape, Cassandra's texts, paging, errors, and replaying the output. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "ddl_fixture.h"
#include "node/base/be.h"
#include "node/cql/describe.h"
#include "node/cql/parser.h"
#include "node/cqlproto/cqlrows.h"

#define ROWS_MAX 512

struct desc_out {
    int status;
    char message[ERRMSG_MAX];
    int32_t ncols;
    char colnames[4][32];
    int32_t nrows;
    char *cells[ROWS_MAX][4];
    int32_t lens[ROWS_MAX][4];
    uint8_t paging[64];
    int32_t paging_len;
};

static void free_out(struct desc_out *o)
{
    for (int32_t r = 0; r < o->nrows; r++)
        for (int32_t c = 0; c < o->ncols; c++)
            free(o->cells[r][c]);
    o->nrows = 0;
}

static void describe(const struct catalog *c, const char *cql, const char *use, int32_t page,
                     const uint8_t *state, size_t state_len, struct desc_out *o)
{
    memset(o, 0, sizeof *o);
    struct arena a;
    arena_init(&a, 4096);
    struct ast_stmt *s;
    struct errmsg em;
    cr_assert_eq(parser_parse(cql, strlen(cql), &a, &s, &em), 0, "%s", em.text);
    cr_assert_eq(s->kind, AST_DESCRIBE);
    int64_t tokens[2] = {-100, 100};
    struct local_node local = {.cluster_name = "Test Cluster", .broadcast_address = "127.0.0.1",
                               .storage_port = 7000, .ntokens = 2, .tokens = tokens,
                               .snitch = "org.apache.cassandra.locator.SimpleSnitch"};
    struct describe_req q = {.d = &s->u.describe, .session_keyspace = use, .version = 4,
                             .page_size = page, .paging_state = state,
                             .paging_state_len = state_len, .local = &local};
    struct buf b;
    buf_init(&b);
    o->status = describe_execute(c, &q, &b, &em);
    if (o->status) {
        snprintf(o->message, sizeof o->message, "%s", em.text);
    } else {
        struct rbuf r;
        rbuf_init(&r, b.data, b.len);
        uint32_t kind;
        cr_assert_eq(rbuf_be32(&r, &kind), 0);
        cr_assert_eq(kind, 2);
        struct cqlrows rows;
        cr_assert_eq(cqlrows_get(&r, &a, 4, &rows), 0);
        cr_assert_eq(rbuf_left(&r), 0);
        o->ncols = rows.meta.ncols;
        for (int32_t i = 0; i < o->ncols; i++) {
            snprintf(o->colnames[i], 32, "%.*s", (int)rows.meta.cols[i].name.len,
                     rows.meta.cols[i].name.p);
            cr_expect_eq(rows.meta.cols[i].table.len, 8); /* system.describe */
        }
        cr_assert(rows.nrows <= ROWS_MAX);
        o->nrows = rows.nrows;
        for (int32_t i = 0; i < rows.nrows; i++)
            for (int32_t k = 0; k < o->ncols; k++) {
                const struct cqlwire_value *v = cqlrows_at(&rows, i, k);
                o->cells[i][k] = calloc(1, (size_t)v->len + 1);
                memcpy(o->cells[i][k], v->p, (size_t)v->len);
                o->lens[i][k] = v->len;
            }
        if (rows.meta.flags & CQLROWS_HAS_MORE_PAGES) {
            o->paging_len = rows.meta.paging_state.len;
            memcpy(o->paging, rows.meta.paging_state.p, (size_t)o->paging_len);
        }
    }
    buf_deinit(&b);
    arena_deinit(&a);
}

static const char *const sample[] = {
    "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}",
    "CREATE TYPE ks.t1 (a int)",
    "CREATE TYPE ks.t2 (x text, y text)",
    "CREATE TYPE ks.t3 (a text, b frozen<t2>)",
    "ALTER TYPE ks.t1 ADD b frozen<t3>",
    "CREATE TABLE ks.users (userid text PRIMARY KEY, firstname text, lastname text, age int)",
    "CREATE INDEX myindex ON ks.users (age)",
    "CREATE TABLE ks.\"Test\" (id int, col int, val text, PRIMARY KEY (id, col))",
    "CREATE INDEX ON ks.\"Test\" (col)",
    "CREATE TABLE ks.ev (a int, b text, c timestamp, s int static, m map<text, int>, "
    "l frozen<list<t1>>, PRIMARY KEY ((a, b), c)) WITH CLUSTERING ORDER BY (c DESC) AND "
    "comment = 'it''s' AND gc_grace_seconds = 3600 AND default_time_to_live = 60",
    "CREATE INDEX ON ks.ev (keys(m))",
    "CREATE CUSTOM INDEX cu ON ks.ev (b) USING 'org.apache.cassandra.index.sasi.SASIIndex' WITH "
    "OPTIONS = {'is_literal': 'false'}",
    "ALTER TABLE ks.users DROP lastname USING TIMESTAMP 1589286942065000",
    "CREATE KEYSPACE other WITH replication = {'class': 'NetworkTopologyStrategy', "
    "'datacenter1': 2} AND durable_writes = false",
};

static void load_sample(struct ddl_env *e)
{
    for (size_t i = 0; i < sizeof sample / sizeof sample[0]; i++) {
        struct ddl_answer a;
        ddl_run(e, sample[i], &a);
        cr_assert_eq(a.status, 0, "%s: %s", sample[i], a.message);
    }
}

Test(describe, keyspace_elements_as_cassandra_prints_them)
{
    struct ddl_env e;
    ddl_env_open(&e, false);
    load_sample(&e);
    struct catalog *c = schema_mgr_current(e.m);
    struct desc_out o;
    describe(c, "DESCRIBE KEYSPACE ks", NULL, 0, NULL, 0, &o);
    cr_assert_eq(o.status, 0, "%s", o.message);
    cr_assert_eq(o.ncols, 4);
    cr_expect_str_eq(o.colnames[3], "create_statement");
    static const char *const want[][3] = {
        {"ks", "keyspace", "ks"},       {"ks", "type", "t2"},        {"ks", "type", "t3"},
        {"ks", "type", "t1"},           {"ks", "table", "\"Test\""}, {"ks", "index", "\"Test_col_idx\""},
        {"ks", "table", "ev"},          {"ks", "index", "cu"},       {"ks", "index", "ev_m_idx"},
        {"ks", "table", "users"},       {"ks", "index", "myindex"},
    };
    cr_assert_eq(o.nrows, 11);
    for (int i = 0; i < 11; i++)
        for (int k = 0; k < 3; k++)
            cr_expect_str_eq(o.cells[i][k], want[i][k], "row %d col %d", i, k);
    cr_expect_str_eq(o.cells[0][3], "CREATE KEYSPACE ks WITH replication = {'class': "
                                    "'SimpleStrategy', 'replication_factor': '3'}  AND "
                                    "durable_writes = true;");
    cr_expect_str_eq(o.cells[1][3], "CREATE TYPE ks.t2 (\n    x text,\n    y text\n);");
    cr_expect_str_eq(o.cells[3][3], "CREATE TYPE ks.t1 (\n    a int,\n    b frozen<t3>\n);");
    cr_expect_str_eq(o.cells[5][3], "CREATE INDEX \"Test_col_idx\" ON ks.\"Test\" (col);");
    cr_expect_str_eq(o.cells[7][3],
                     "CREATE CUSTOM INDEX cu ON ks.ev (b) USING "
                     "'org.apache.cassandra.index.sasi.SASIIndex' WITH OPTIONS = {'is_literal': "
                     "'false'};");
    cr_expect_str_eq(o.cells[8][3], "CREATE INDEX ev_m_idx ON ks.ev (keys(m));");
    cr_expect_str_eq(o.cells[10][3], "CREATE INDEX myindex ON ks.users (age);");
    cr_expect(strncmp(o.cells[9][3],
                      "CREATE TABLE ks.users (\n    userid text PRIMARY KEY,\n    age int,\n"
                      "    firstname text\n) WITH additional_write_policy = '99p'",
                      110) == 0,
              "%s", o.cells[9][3]);
    free_out(&o);
    describe(c, "DESCRIBE KEYSPACE other", NULL, 0, NULL, 0, &o);
    cr_expect_str_eq(o.cells[0][3], "CREATE KEYSPACE other WITH replication = {'class': "
                                    "'NetworkTopologyStrategy', 'datacenter1': '2'}  AND "
                                    "durable_writes = false;");
    free_out(&o);
    describe(c, "DESCRIBE TABLE ks.users WITH INTERNALS", NULL, 0, NULL, 0, &o);
    cr_assert_eq(o.nrows, 2);
    char id[UUID_STR_LEN + 1], head[256];
    uuid_format(&catalog_table(c, "ks", "users")->id, id);
    cr_expect(strstr(o.cells[0][3], "    lastname text\n) WITH ID") != NULL, "%s", o.cells[0][3]);
    snprintf(head, sizeof head, ") WITH ID = %s\n    AND additional_write_policy", id);
    cr_expect(strstr(o.cells[0][3], head) != NULL, "%s", o.cells[0][3]);
    cr_expect(strstr(o.cells[0][3], "'99p';\nALTER TABLE ks.users DROP lastname USING TIMESTAMP "
                                    "1589286942065000;") != NULL,
              "%s", o.cells[0][3]);
    free_out(&o);
    catalog_unref(c);
    ddl_env_destroy(&e);
}

Test(describe, virtual_keyspaces_and_tables)
{
    struct ddl_env e;
    ddl_env_open(&e, false);
    struct catalog *c = schema_mgr_current(e.m);
    struct desc_out o;
    describe(c, "DESCRIBE ONLY KEYSPACE system_virtual_schema;", NULL, 0, NULL, 0, &o);
    cr_assert_eq(o.nrows, 1);
    cr_expect_str_eq(o.cells[0][3], "/*\nWarning: Keyspace system_virtual_schema is a virtual "
                                    "keyspace and cannot be recreated with CQL.\nStructure, for "
                                    "reference:\nVIRTUAL KEYSPACE system_virtual_schema;\n*/");
    free_out(&o);
    describe(c, "DESCRIBE TABLE system_virtual_schema.columns;", NULL, 0, NULL, 0, &o);
    cr_assert_eq(o.nrows, 1);
    cr_expect_str_eq(o.cells[0][3],
                     "/*\nWarning: Table system_virtual_schema.columns is a virtual table and "
                     "cannot be recreated with CQL.\nStructure, for reference:\nVIRTUAL TABLE "
                     "system_virtual_schema.columns (\n    keyspace_name text,\n    table_name "
                     "text,\n    column_name text,\n    clustering_order text,\n    "
                     "column_name_bytes blob,\n    kind text,\n    position int,\n    type text,\n"
                     "    PRIMARY KEY (keyspace_name, table_name, column_name)\n) WITH CLUSTERING "
                     "ORDER BY (table_name ASC, column_name ASC)\n    AND comment = 'virtual "
                     "column definitions';\n*/");
    free_out(&o);
    catalog_unref(c);
    ddl_env_destroy(&e);
}

Test(describe, listings_and_errors)
{
    struct ddl_env e;
    ddl_env_open(&e, false);
    load_sample(&e);
    struct catalog *c = schema_mgr_current(e.m);
    struct desc_out o;
    describe(c, "DESC KEYSPACES", NULL, 0, NULL, 0, &o);
    cr_assert_eq(o.ncols, 3);
    static const char *const ks[] = {"ks", "other", "system", "system_auth", "system_distributed",
                                     "system_schema", "system_traces", "system_views",
                                     "system_virtual_schema"};
    cr_assert_eq(o.nrows, 9);
    for (int i = 0; i < 9; i++)
        cr_expect_str_eq(o.cells[i][2], ks[i]);
    free_out(&o);
    describe(c, "describe tables", "ks", 0, NULL, 0, &o);
    cr_assert_eq(o.nrows, 3);
    cr_expect_str_eq(o.cells[0][2], "\"Test\"");
    cr_expect_str_eq(o.cells[0][1], "table");
    free_out(&o);
    describe(c, "DESCRIBE TYPES", "ks", 0, NULL, 0, &o);
    cr_expect_eq(o.nrows, 3);
    free_out(&o);
    describe(c, "DESCRIBE FUNCTIONS", "ks", 0, NULL, 0, &o);
    cr_expect_eq(o.status, 0);
    cr_expect_eq(o.nrows, 0);
    free_out(&o);
    describe(c, "DESCRIBE SCHEMA", NULL, 0, NULL, 0, &o);
    cr_expect_eq(o.nrows, 12); /* ks (11 rows) + other; no system keyspace */
    free_out(&o);
    describe(c, "DESCRIBE FULL SCHEMA", NULL, 0, NULL, 0, &o);
    cr_expect_gt(o.nrows, 60);
    free_out(&o);
    describe(c, "DESCRIBE ks", NULL, 0, NULL, 0, &o); /* generic: a keyspace */
    cr_expect_eq(o.nrows, 11);
    free_out(&o);
    describe(c, "DESCRIBE users", "ks", 0, NULL, 0, &o); /* generic: a table */
    cr_expect_eq(o.nrows, 2);
    free_out(&o);
    describe(c, "DESCRIBE myindex", "ks", 0, NULL, 0, &o); /* generic: an index */
    cr_expect_eq(o.nrows, 1);
    cr_expect_str_eq(o.cells[0][1], "index");
    free_out(&o);
    static const struct {
        const char *cql, *use, *msg;
    } errs[] = {
        {"DESCRIBE nope", NULL, "'nope' not found in keyspaces"},
        {"DESCRIBE ks.nope", NULL, "'nope' not found in keyspace 'ks'"},
        {"DESCRIBE users2", "ks", "'users2' not found in keyspace 'ks'"},
        {"DESCRIBE TABLE foop", NULL, "No keyspace specified and no current keyspace"},
        {"DESCRIBE TYPE foop", NULL, "No keyspace specified and no current keyspace"},
        {"DESCRIBE TABLE ks.nope", NULL, "Table 'nope' not found in keyspace 'ks'"},
        {"DESCRIBE TYPE ks.nope", NULL, "User defined type 'nope' not found in 'ks'"},
        {"DESCRIBE FUNCTION ks.f", NULL, "User defined function 'f' not found in 'ks'"},
        {"DESCRIBE AGGREGATE ks.f", NULL, "User defined aggregate 'f' not found in 'ks'"},
        {"DESCRIBE KEYSPACE nope", NULL, "'nope' not found in keyspaces"},
    };
    for (size_t i = 0; i < sizeof errs / sizeof errs[0]; i++) {
        describe(c, errs[i].cql, errs[i].use, 0, NULL, 0, &o);
        cr_expect_eq(o.status, ERR_INVALID, "%s", errs[i].cql);
        cr_expect_str_eq(o.message, errs[i].msg, "%s", errs[i].cql);
    }
    catalog_unref(c);
    ddl_env_destroy(&e);
}

Test(describe, paging_and_schema_change_between_pages)
{
    struct ddl_env e;
    ddl_env_open(&e, false);
    load_sample(&e);
    struct catalog *c = schema_mgr_current(e.m);
    struct desc_out all, page;
    describe(c, "DESCRIBE KEYSPACES", NULL, 0, NULL, 0, &all);
    uint8_t state[64];
    int32_t state_len = 0;
    int32_t seen = 0;
    for (int i = 0; i < 20; i++) {
        describe(c, "DESCRIBE KEYSPACES", NULL, 4, state_len ? state : NULL, (size_t)state_len,
                 &page);
        cr_assert_eq(page.status, 0, "%s", page.message);
        for (int32_t r = 0; r < page.nrows; r++)
            cr_expect_str_eq(page.cells[r][2], all.cells[seen + r][2]);
        seen += page.nrows;
        state_len = page.paging_len;
        memcpy(state, page.paging, (size_t)state_len);
        free_out(&page);
        if (!state_len) break;
    }
    cr_expect_eq(seen, all.nrows);
    describe(c, "DESCRIBE KEYSPACES", NULL, 4, NULL, 0, &page);
    cr_assert_gt(page.paging_len, 0);
    struct ddl_answer a;
    ddl_run(&e, "CREATE KEYSPACE k9 WITH replication = {'class': 'SimpleStrategy', "
                "'replication_factor': 1}",
            &a);
    struct catalog *c2 = schema_mgr_current(e.m);
    struct desc_out again;
    describe(c2, "DESCRIBE KEYSPACES", NULL, 4, page.paging, (size_t)page.paging_len, &again);
    cr_expect_eq(again.status, ERR_INVALID);
    cr_expect_str_eq(again.message, "The schema has changed since the previous page of the "
                                    "DESCRIBE statement result. Please retry the DESCRIBE "
                                    "statement.");
    free_out(&page);
    free_out(&all);
    catalog_unref(c);
    catalog_unref(c2);
    ddl_env_destroy(&e);
}

Test(describe, cluster)
{
    struct ddl_env e;
    ddl_env_open(&e, false);
    load_sample(&e);
    struct catalog *c = schema_mgr_current(e.m);
    struct desc_out o;
    describe(c, "DESCRIBE CLUSTER", NULL, 0, NULL, 0, &o);
    cr_assert_eq(o.ncols, 3);
    cr_expect_str_eq(o.colnames[0], "cluster");
    cr_expect_str_eq(o.cells[0][0], "Test Cluster");
    cr_expect_str_eq(o.cells[0][1], "Murmur3Partitioner");
    cr_expect_str_eq(o.cells[0][2], "SimpleSnitch");
    free_out(&o);
    describe(c, "DESCRIBE CLUSTER", "system", 0, NULL, 0, &o);
    cr_expect_eq(o.ncols, 3);
    free_out(&o);
    describe(c, "DESCRIBE CLUSTER", "ks", 0, NULL, 0, &o);
    cr_assert_eq(o.ncols, 4);
    cr_expect_str_eq(o.colnames[3], "range_ownership");
    /* map<text, list<text>> with one entry per token: {'-100': ['/127.0.0.1:7000'], '100': ...} */
    const uint8_t *m = (const uint8_t *)o.cells[0][3];
    cr_expect_eq(be32_load(m), 2);
    cr_expect_eq(be32_load(m + 4), 4);
    cr_expect_eq(memcmp(m + 8, "-100", 4), 0);
    free_out(&o);
    catalog_unref(c);
    ddl_env_destroy(&e);
}

/* Replaying DESCRIBE's statements on an empty node rebuilds the same schema. */
Test(describe, output_replays_into_an_equal_catalog)
{
    struct ddl_env e1, e2;
    ddl_env_open(&e1, false);
    load_sample(&e1);
    struct catalog *c1 = schema_mgr_current(e1.m);
    struct desc_out o;
    describe(c1, "DESCRIBE SCHEMA", NULL, 0, NULL, 0, &o);
    cr_assert_eq(o.status, 0);
    ddl_env_destroy(&e1); /* one event loop per thread: the replay runs on a fresh node */
    ddl_env_open(&e2, false);
    for (int32_t i = 0; i < o.nrows; i++) {
        struct ddl_answer a;
        ddl_run(&e2, o.cells[i][3], &a);
        cr_assert_eq(a.status, 0, "%s: %s", o.cells[i][3], a.message);
    }
    struct catalog *c2 = schema_mgr_current(e2.m);
    struct desc_out o2;
    describe(c2, "DESCRIBE SCHEMA", NULL, 0, NULL, 0, &o2);
    cr_assert_eq(o2.nrows, o.nrows);
    for (int32_t i = 0; i < o.nrows; i++)
        for (int k = 0; k < 4; k++)
            cr_expect_str_eq(o2.cells[i][k], o.cells[i][k], "row %d col %d", i, k);
    /* the catalogs agree: same keyspaces, types, indexes, and tables up to their ids */
    static const char *const kss[] = {"ks", "other"};
    for (int i = 0; i < 2; i++) {
        const struct catalog_keyspace *k1 = catalog_keyspace(c1, kss[i]);
        const struct catalog_keyspace *k2 = catalog_keyspace(c2, kss[i]);
        cr_assert_not_null(k2);
        cr_expect_eq(k1->durable_writes, k2->durable_writes);
        cr_expect_eq(k1->ntables, k2->ntables);
        cr_expect_eq(k1->ntypes, k2->ntypes);
        cr_expect_eq(k1->nindexes, k2->nindexes);
        for (uint32_t t = 0; t < k1->ntypes; t++)
            cr_expect(cql_type_equal(k1->types[t], k2->types[t]));
        for (uint32_t t = 0; t < k1->ntables; t++) {
            struct buf b1, b2;
            buf_init(&b1);
            buf_init(&b2);
            table_schema_format_cql(k1->tables[t], &b1);
            table_schema_format_cql(k2->tables[t], &b2);
            cr_expect(b1.len == b2.len && memcmp(b1.data, b2.data, b1.len) == 0);
            buf_deinit(&b1);
            buf_deinit(&b2);
        }
    }
    free_out(&o);
    free_out(&o2);
    catalog_unref(c1);
    catalog_unref(c2);
    ddl_env_destroy(&e2);
}

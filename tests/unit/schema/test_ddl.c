/* DDL through the schema manager: answers (Cassandra 4.1 codes and messages) and catalog effects. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "ddl_fixture.h"
#include "node/cql/catalog.h"
#include "storage/store.h"

#define KS_SIMPLE "WITH replication = {'class': 'SimpleStrategy', 'replication_factor': '1'}"

/* Statement -> expected answer text (ddl_answer_text), run in order on one node. */
static const struct {
    const char *cql;
    const char *want;
} steps[] = {
    {"CREATE KEYSPACE ks " KS_SIMPLE "  AND durable_writes = true", "CREATED KEYSPACE ks"},
    {"CREATE KEYSPACE ks " KS_SIMPLE, "ERR 2400 Cannot add existing keyspace \"ks\""},
    {"CREATE KEYSPACE IF NOT EXISTS ks " KS_SIMPLE, "VOID"},
    {"CREATE KEYSPACE k2 WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': '3'}",
     "ERR 2300 Unrecognized strategy option {dc1} passed to NetworkTopologyStrategy for keyspace "
     "k2"},
    {"CREATE KEYSPACE k2 WITH replication = {'class': 'NetworkTopologyStrategy', "
     "'datacenter1': 1}",
     "CREATED KEYSPACE k2"},
    {"CREATE KEYSPACE k3 WITH durable_writes = false",
     "ERR 2200 Missing mandatory option 'replication'"},
    {"CREATE KEYSPACE k3 WITH replication = {'class': 'SimpleStrategy'}",
     "ERR 2300 SimpleStrategy requires a replication_factor strategy option."},
    {"CREATE KEYSPACE k3 WITH replication = {'class': 'LocalStrategy'}",
     "ERR 2200 Unable to use given strategy class: LocalStrategy is reserved for internal use."},
    {"CREATE KEYSPACE k3 WITH replication = {'replication_factor': 1}",
     "ERR 2300 Missing replication strategy class"},
    {"CREATE KEYSPACE k3 " KS_SIMPLE " AND foo = 1", "ERR 2000 Unknown property 'foo'"},
    {"CREATE KEYSPACE system " KS_SIMPLE,
     "ERR 2200 System keyspace 'system' is not user-modifiable"},
    {"CREATE TABLE ks.t (k int PRIMARY KEY, v text)", "CREATED TABLE ks t"},
    {"CREATE TABLE ks.t (k int PRIMARY KEY, v text)",
     "ERR 2400 Cannot add already existing table \"t\" to keyspace \"ks\""},
    {"CREATE TABLE IF NOT EXISTS ks.t (k int PRIMARY KEY)", "VOID"},
    {"CREATE TABLE nope.t (k int PRIMARY KEY)", "ERR 2200 Keyspace 'nope' doesn't exist"},
    {"CREATE TABLE t2 (k int PRIMARY KEY)",
     "ERR 2200 No keyspace has been specified. USE a keyspace, or explicitly specify "
     "keyspace.tablename"},
    {"CREATE TABLE ks.u (k int, c int, v text, PRIMARY KEY (k, x))",
     "ERR 2200 Unknown column 'x' referenced in PRIMARY KEY for table 'u'"},
    {"CREATE TABLE ks.u (k list<int> PRIMARY KEY)",
     "ERR 2200 Invalid non-frozen collection type list<int> for PRIMARY KEY column 'k'"},
    {"CREATE TABLE ks.u (k int PRIMARY KEY, s int static)",
     "ERR 2200 Static columns are only useful (and thus allowed) if the table has at least one "
     "clustering column"},
    {"CREATE TABLE ks.u (k int, c int, c2 int, PRIMARY KEY (k, c, c2)) WITH CLUSTERING ORDER BY "
     "(c2 DESC, c ASC)",
     "ERR 2200 The order of columns in the CLUSTERING ORDER directive must match that of the "
     "clustering columns (c must appear before c2)"},
    {"CREATE TABLE ks.u (k int, c int, c2 int, PRIMARY KEY (k, c, c2)) WITH CLUSTERING ORDER BY "
     "(c DESC)",
     "CREATED TABLE ks u"},
    {"CREATE TABLE ks.u2 (k int PRIMARY KEY, v foo)", "ERR 2200 Unknown type ks.foo"},
    {"CREATE TABLE ks.u2 (k int PRIMARY KEY, c counter, v int)",
     "ERR 2200 Cannot mix counter and non counter columns in the same table"},
    {"CREATE TABLE ks.u2 (k int PRIMARY KEY, c counter) WITH default_time_to_live = 5",
     "ERR 2200 Cannot set default_time_to_live on a table with counters"},
    {"CREATE TABLE ks.u2 (k int PRIMARY KEY) WITH bogus = 1", "ERR 2000 Unknown property 'bogus'"},
    {"CREATE TABLE ks.u2 (k duration PRIMARY KEY)",
     "ERR 2200 duration type is not supported for PRIMARY KEY column 'k'"},
    {"CREATE TABLE ks.u2 (k int, c int, PRIMARY KEY (k, c, k))",
     "ERR 2200 Duplicate column 'k' in PRIMARY KEY clause for table 'u2'"},
    {"CREATE TABLE ks.u2 (k int PRIMARY KEY, k text)",
     "ERR 2200 Duplicate column 'k' declaration for table 'ks.u2'"},
    {"CREATE TABLE system.x (k int PRIMARY KEY)",
     "ERR 2100 system keyspace is not user-modifiable."},
    {"CREATE TABLE system_auth.x (k int PRIMARY KEY)",
     "ERR 2100 Cannot CREATE <keyspace system_auth>"},
    {"CREATE TABLE system_views.x (k int PRIMARY KEY)",
     "ERR 2200 Virtual keyspace 'system_views' is not user-modifiable"},
    {"CREATE TABLE ks.ev (a int, b text, c timestamp, s int static, m map<text, int>, "
     "PRIMARY KEY ((a, b), c)) WITH CLUSTERING ORDER BY (c DESC) AND comment = 'events' AND "
     "gc_grace_seconds = 3600 AND compaction = {'class': 'SizeTieredCompactionStrategy', "
     "'min_threshold': 6}",
     "CREATED TABLE ks ev"},
    {"ALTER TABLE ks.t ADD w int", "UPDATED TABLE ks t"},
    {"ALTER TABLE ks.t ADD w int", "ERR 2200 Column with name 'w' already exists"},
    {"ALTER TABLE ks.t ADD IF NOT EXISTS w int", "VOID"},
    {"ALTER TABLE ks.t DROP w", "UPDATED TABLE ks t"},
    {"ALTER TABLE ks.t ADD w text",
     "ERR 2200 Cannot re-add previously dropped column 'w' of type text, incompatible with "
     "previous type int"},
    {"ALTER TABLE ks.t ADD w int", "UPDATED TABLE ks t"},
    {"ALTER TABLE ks.t DROP k", "ERR 2200 Cannot drop PRIMARY KEY column k"},
    {"ALTER TABLE ks.t DROP zz", "ERR 2200 Column zz was not found in table 'ks.t'"},
    {"ALTER TABLE ks.t RENAME v TO v2", "ERR 2200 Cannot rename non PRIMARY KEY column v"},
    {"ALTER TABLE ks.t RENAME k TO v",
     "ERR 2200 Cannot rename column k to v in table 'ks.t'; another column with that name "
     "already exists"},
    {"ALTER TABLE ks.t RENAME k TO id", "UPDATED TABLE ks t"},
    {"ALTER TABLE ks.t ALTER v TYPE blob", "ERR 2200 Altering column types is no longer supported"},
    {"ALTER TABLE ks.t WITH gc_grace_seconds = 100 AND comment = 'hello'", "UPDATED TABLE ks t"},
    {"ALTER TABLE ks.t WITH gc_grace_seconds = 100", "VOID"},
    {"ALTER TABLE ks.t WITH id = 5a1c395e-b41f-11e5-9f22-ba0be0483c18",
     "ERR 2300 Cannot alter table id."},
    {"ALTER TABLE ks.nope ADD x int", "ERR 2200 Table 'ks.nope' doesn't exist"},
    {"ALTER TABLE IF EXISTS ks.nope ADD x int", "VOID"},
    {"ALTER TABLE system_auth.roles ADD x int", "ERR 2100 Cannot ALTER <table system_auth.roles>"},
    {"CREATE TYPE ks.addr (street text, zip int)", "CREATED TYPE ks addr"},
    {"CREATE TYPE ks.addr (a int)", "ERR 2200 A user type with name 'addr' already exists"},
    {"CREATE TYPE IF NOT EXISTS ks.addr (a int)", "VOID"},
    {"CREATE TYPE ks.bad (c counter)", "ERR 2200 A user type cannot contain counters"},
    {"CREATE TYPE ks.bad (a int, a text)", "ERR 2200 Duplicate field name 'a' in type 'bad'"},
    {"CREATE TYPE ks.bad (a addr)", "ERR 2200 A user type cannot contain non-frozen UDTs"},
    {"CREATE TYPE ks.outer (a frozen<addr>)", "CREATED TYPE ks outer"},
    {"CREATE TABLE ks.people (id int PRIMARY KEY, home frozen<addr>, tags set<text>)",
     "CREATED TABLE ks people"},
    {"ALTER TYPE ks.addr ADD country text", "UPDATED TYPE ks addr"},
    {"ALTER TYPE ks.addr ADD country text",
     "ERR 2200 Cannot add field country to type ks.addr: a field with name country already exists"},
    {"ALTER TYPE ks.addr RENAME zip TO postcode", "UPDATED TYPE ks addr"},
    {"ALTER TYPE ks.addr RENAME nope TO x", "ERR 2200 Unkown field nope in user type ks.addr"},
    {"ALTER TYPE ks.nope ADD a int", "ERR 2200 Type ks.nope doesn't exist"},
    {"DROP TYPE ks.addr",
     "ERR 2200 Cannot drop user type 'ks.addr' as it is still used by user types outer"},
    {"DROP TYPE ks.outer", "DROPPED TYPE ks outer"},
    {"DROP TYPE ks.addr",
     "ERR 2200 Cannot drop user type 'ks.addr' as it is still used by tables people"},
    {"DROP TYPE ks.nope", "ERR 2200 Type 'ks.nope' doesn't exist"},
    {"DROP TYPE IF EXISTS ks.nope", "VOID"},
    {"CREATE INDEX ON ks.t (v)", "UPDATED TABLE ks t"},
    {"CREATE INDEX ON ks.t (v)", "ERR 2200 Index t_v_idx_1 is a duplicate of existing index t_v_idx"},
    {"CREATE INDEX t_v_idx ON ks.t (w)", "ERR 2200 Index 't_v_idx' already exists"},
    {"CREATE INDEX IF NOT EXISTS t_v_idx ON ks.t (w)", "VOID"},
    {"CREATE INDEX ON ks.t (id)",
     "ERR 2200 Cannot create secondary index on the only partition key column id"},
    {"CREATE INDEX ON ks.t (nope)", "ERR 2200 Column 'nope' doesn't exist"},
    {"CREATE INDEX ON ks.t (keys(v))",
     "ERR 2200 Cannot create keys() index on v. Non-collection columns only support simple "
     "indexes"},
    {"CREATE INDEX ON ks.people (tags)", "UPDATED TABLE ks people"},
    {"CREATE INDEX ON ks.ev (keys(m))", "UPDATED TABLE ks ev"},
    {"CREATE INDEX byb ON ks.ev (b)", "UPDATED TABLE ks ev"},
    {"ALTER TABLE ks.t DROP v",
     "ERR 2200 Cannot drop column v because it has dependent secondary indexes (t_v_idx)"},
    {"DROP INDEX ks.t_v_idx", "UPDATED TABLE ks t"},
    {"DROP INDEX ks.t_v_idx", "ERR 2200 Index 'ks.t_v_idx' doesn't exist"},
    {"DROP INDEX IF EXISTS ks.t_v_idx", "VOID"},
    {"TRUNCATE ks.t", "VOID"},
    {"TRUNCATE ks.nope", "ERR 2200 table nope does not exist"},
    {"TRUNCATE nope.t", "ERR 2200 keyspace nope does not exist"},
    {"TRUNCATE system.local", "ERR 2200 Truncation is not supported by table system.local"},
    {"DROP TABLE ks.u", "DROPPED TABLE ks u"},
    {"DROP TABLE ks.u", "ERR 2200 Table 'ks.u' doesn't exist"},
    {"DROP TABLE IF EXISTS ks.u", "VOID"},
    {"DROP TABLE system_auth.roles", "ERR 2100 Cannot DROP <table system_auth.roles>"},
    {"ALTER KEYSPACE system WITH durable_writes = false",
     "ERR 2100 system keyspace is not user-modifiable."},
    {"DROP KEYSPACE system_auth", "ERR 2100 Cannot DROP <keyspace system_auth>"},
    {"ALTER KEYSPACE ks WITH durable_writes = true", "VOID"},
    {"ALTER KEYSPACE ks WITH durable_writes = false", "UPDATED KEYSPACE ks"},
    {"ALTER KEYSPACE nope WITH durable_writes = false", "ERR 2200 Keyspace 'nope' doesn't exist"},
    {"CREATE FUNCTION ks.f (a int) CALLED ON NULL INPUT RETURNS int LANGUAGE java AS 'return a;'",
     "ERR 2200 CREATE FUNCTION (user-defined functions) is not supported by this server"},
    {"CREATE MATERIALIZED VIEW ks.mv AS SELECT * FROM ks.t WHERE id IS NOT NULL PRIMARY KEY (id)",
     "ERR 2200 CREATE MATERIALIZED VIEW (materialized views) is not supported by this server"},
};

Test(ddl, statements_answer_as_cassandra)
{
    struct ddl_env e;
    ddl_env_open(&e, false);
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        struct ddl_answer a;
        char got[1024];
        ddl_run(&e, steps[i].cql, &a);
        cr_expect_str_eq(ddl_answer_text(&a, got, sizeof got), steps[i].want, "step %zu: %s", i,
                         steps[i].cql);
    }
    /* the catalog shows the effects */
    struct catalog *c = schema_mgr_current(e.m);
    const struct catalog_keyspace *ks = catalog_keyspace(c, "ks");
    cr_assert_not_null(ks);
    cr_expect(!ks->durable_writes);
    struct table_schema *t = catalog_table(c, "ks", "t");
    cr_assert_not_null(t);
    cr_expect_str_eq(t->columns[0].name, "id");
    cr_expect_eq(t->opts.gc_grace_seconds, 100);
    cr_expect_str_eq(t->opts.comment, "hello");
    cr_expect_eq(t->ndropped, 1);
    cr_expect_null(catalog_table(c, "ks", "u"));
    struct table_schema *ev = catalog_table(c, "ks", "ev");
    cr_assert_not_null(ev);
    cr_expect_eq(ev->npk, 2);
    cr_expect_eq(ev->nck, 1);
    cr_expect(ev->columns[2].reversed);
    cr_expect_eq(table_schema_column(ev, "s")->kind, COLUMN_STATIC);
    cr_expect_str_eq(str_map_get(&ev->opts.compaction, "min_threshold"), "6");
    const struct cql_type *addr = catalog_type(c, "ks", "addr");
    cr_assert_not_null(addr);
    cr_expect_eq(addr->nsub, 3);
    cr_expect_str_eq(addr->field_names[1], "postcode");
    /* tables embed the altered type */
    const struct column_def *home = table_schema_column(catalog_table(c, "ks", "people"), "home");
    cr_expect_eq(home->type->nsub, 3);
    cr_expect_str_eq(home->type->field_names[1], "postcode");
    cr_expect(home->type->frozen);
    const struct catalog_index *tix = catalog_ks_index(ks, "people_tags_idx");
    cr_assert_not_null(tix);
    cr_expect_str_eq(str_map_get(&tix->options, "target"), "values(tags)");
    cr_expect_str_eq(tix->kind, "COMPOSITES");
    cr_expect_str_eq(str_map_get(&catalog_ks_index(ks, "ev_m_idx")->options, "target"), "keys(m)");
    cr_expect_str_eq(str_map_get(&catalog_ks_index(ks, "byb")->options, "target"), "b");
    cr_expect_null(catalog_ks_index(ks, "t_v_idx"));
    catalog_unref(c);
    ddl_env_destroy(&e);
}

Test(ddl, warnings_and_replicated_system_keyspaces)
{
    struct ddl_env e;
    ddl_env_open(&e, false);
    struct ddl_answer a;
    char got[1024];
    ddl_run(&e, "ALTER KEYSPACE system_auth WITH replication = {'class': 'SimpleStrategy', "
                "'replication_factor': 2}",
            &a);
    cr_expect_str_eq(ddl_answer_text(&a, got, sizeof got), "UPDATED KEYSPACE system_auth");
    cr_expect_str_eq(a.warning,
                     "Your replication factor 2 for keyspace system_auth is higher than the "
                     "number of nodes 1");
    const char *dcs[] = {"datacenter1"};
    schema_mgr_set_topology(e.m, dcs, 1, 3);
    ddl_run(&e, "ALTER KEYSPACE system_auth WITH replication = {'class': 'SimpleStrategy', "
                "'replication_factor': 3}",
            &a);
    cr_expect_str_eq(a.warning,
                     "When increasing replication factor you need to run a full (-full) repair "
                     "to distribute the data.");
    ddl_run(&e, "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', "
                "'replication_factor': 1}",
            &a);
    ddl_run(&e, "CREATE TABLE ks.t (k int PRIMARY KEY)", &a);
    cr_expect_str_eq(ddl_answer_text(&a, got, sizeof got), "CREATED TABLE ks t");
    ddl_run(&e, "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', "
                "'replication_factor': 1}",
            &a);
    cr_expect_eq(a.status, ERR_ALREADY_EXISTS);
    cr_expect_str_eq(a.ae_keyspace, "ks");
    cr_expect_str_eq(a.ae_table, "");
    ddl_run(&e, "CREATE TABLE ks.t (k int PRIMARY KEY)", &a);
    cr_expect_str_eq(a.ae_keyspace, "ks");
    cr_expect_str_eq(a.ae_table, "t");
    /* USE keyspace: unqualified names resolve in the session keyspace */
    snprintf(e.session.keyspace, sizeof e.session.keyspace, "ks");
    ddl_run(&e, "CREATE TABLE t2 (k int PRIMARY KEY)", &a);
    cr_expect_str_eq(ddl_answer_text(&a, got, sizeof got), "CREATED TABLE ks t2");
    ddl_env_destroy(&e);
}

/* The schema survives a restart, byte for byte; the version does not change. */
Test(ddl, schema_persists_across_restart)
{
    struct ddl_env e;
    ddl_env_open(&e, true);
    struct ddl_answer a;
    ddl_run(&e, "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', "
                "'replication_factor': 1}",
            &a);
    ddl_run(&e, "CREATE TYPE ks.u (a int, b text)", &a);
    ddl_run(&e, "CREATE TABLE ks.t (k int, c text, v frozen<u>, PRIMARY KEY (k, c))", &a);
    cr_assert_eq(a.status, 0, "%s", a.message);
    ddl_run(&e, "CREATE INDEX ON ks.t (v)", &a);
    ddl_run(&e, "ALTER KEYSPACE system_traces WITH replication = {'class': 'SimpleStrategy', "
                "'replication_factor': 1}",
            &a);
    struct catalog *before = schema_mgr_current(e.m);
    struct uuid id = catalog_table(before, "ks", "t")->id;
    struct table_stats ts;
    cr_expect_eq(store_table_stats(e.st, &id, &ts), 0); /* registered with the store */
    ddl_env_close(&e);
    ddl_env_reopen(&e, true);
    struct catalog *after = schema_mgr_current(e.m);
    cr_expect_eq(memcmp(before->version.b, after->version.b, 16), 0);
    cr_expect_not_null(catalog_table(after, "ks", "t"));
    cr_expect_eq(store_table_stats(e.st, &id, &ts), 0);
    cr_expect_str_eq(str_map_get(&catalog_keyspace(after, "system_traces")->replication,
                                 "replication_factor"),
                     "1");
    catalog_unref(before);
    catalog_unref(after);
    /* a dropped table leaves the store */
    ddl_run(&e, "DROP TABLE ks.t", &a);
    cr_expect_eq(a.status, 0, "%s", a.message);
    cr_expect_neq(store_table_stats(e.st, &id, &ts), 0);
    ddl_env_destroy(&e);
}

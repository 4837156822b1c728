/* exec: end-to-end statements on one node (create, insert, select, use, errors). */
#include <criterion/criterion.h>
#include <string.h>

#include "tests/unit/exec/fixture.h"

static struct xf F;

static void setup(void)
{
    xf_open(&F);
    xf_ok(&F, "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', "
              "'replication_factor': 1}");
}

static void teardown(void)
{
    xf_close(&F);
}

TestSuite(exec_basic, .init = setup, .fini = teardown);

Test(exec_basic, insert_then_select_round_trip)
{
    xf_ok(&F, "CREATE TABLE ks.t (k int PRIMARY KEY, v text)");
    xf_ok(&F, "INSERT INTO ks.t (k, v) VALUES (1, 'one')");
    xf_ok(&F, "INSERT INTO ks.t (k, v) VALUES (2, 'it''s')");
    xf_ok(&F, "SELECT k, v FROM ks.t WHERE k = 2");
    cr_assert_str_eq(xf_rows_text(&F), "2|it's");
    xf_ok(&F, "SELECT * FROM ks.t");
    cr_assert_eq(xf_nrows(&F), 2);
}

Test(exec_basic, use_sets_the_session_keyspace)
{
    xf_ok(&F, "USE \"ks\"");
    cr_assert_eq(F.resp.kind, CQLRESP_KIND_SET_KEYSPACE);
    cr_assert_str_eq(F.session.keyspace, "ks");
    cr_assert_neq(xf_query(&F, "USE nope"), 0);
    cr_assert_str_eq(F.em.text, "Keyspace 'nope' does not exist");
    xf_ok(&F, "CREATE TABLE t2 (k int PRIMARY KEY, v int)");
    xf_ok(&F, "INSERT INTO t2 (k, v) VALUES (5, 6)");
    xf_ok(&F, "SELECT v FROM t2 WHERE k = 5");
    cr_assert_str_eq(xf_rows_text(&F), "6");
}

Test(exec_basic, system_tables_and_describe)
{
    xf_ok(&F, "SELECT cluster_name, release_version FROM system.local WHERE key='local';");
    cr_assert_eq(xf_nrows(&F), 1);
    cr_assert(cqlwire_str_eq(F.resp.rows.meta.cols[0].name, "cluster_name"));
    xf_ok(&F, "SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = 'ks'");
    cr_assert_str_eq(xf_rows_text(&F), "ks");
    xf_ok(&F, "DESCRIBE KEYSPACES");
    cr_assert_eq(F.resp.kind, CQLRESP_KIND_ROWS);
    cr_assert_neq(xf_query(&F, "INSERT INTO system.local (key) VALUES ('x')"), 0);
}

Test(exec_basic, auth_and_unsupported_statements_are_invalid)
{
    cr_assert_eq(xf_query(&F, "CREATE ROLE alice"), ERR_INVALID);
    cr_assert_eq(xf_query(&F, "CREATE FUNCTION ks.f (a int) RETURNS NULL ON NULL INPUT RETURNS int "
                              "LANGUAGE java AS 'return a;'"),
                 ERR_INVALID);
    cr_assert_str_eq(F.em.text, "CREATE FUNCTION is not supported by ringdb");
}

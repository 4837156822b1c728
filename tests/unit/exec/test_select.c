/* exec: SELECT restriction forms, ordering, limits, static rows, aggregates, and Cassandra's
   error messages, table-driven: statement -> rows (as cqlsh prints them) or error. */
#include <criterion/criterion.h>
#include <string.h>

#include "tests/unit/exec/fixture.h"

static struct xf F;

static void setup(void)
{
    xf_open_ks(&F);
    xf_ok(&F, "CREATE TABLE r (k int, c1 int, c2 text, v int, s int static, m map<text, int>, "
              "PRIMARY KEY (k, c1, c2))");
    xf_ok(&F, "INSERT INTO r (k, c1, c2, v, s) VALUES (1, 1, 'a', 10, 100)");
    xf_ok(&F, "INSERT INTO r (k, c1, c2, v, m) VALUES (1, 1, 'b', 11, {'x': 1})");
    xf_ok(&F, "INSERT INTO r (k, c1, c2, v) VALUES (1, 2, 'a', 12)");
    xf_ok(&F, "INSERT INTO r (k, c1, c2, v) VALUES (1, 3, 'c', 13)");
    xf_ok(&F, "INSERT INTO r (k, c1, c2, v) VALUES (2, 1, 'a', 20)");
    xf_ok(&F, "INSERT INTO r (k, s) VALUES (3, 300)");
    xf_ok(&F, "CREATE TABLE d (k int, c int, v int, PRIMARY KEY (k, c)) WITH CLUSTERING ORDER BY "
              "(c DESC)");
    for (int c = 1; c <= 5; c++) {
        char q[128];
        snprintf(q, sizeof q, "INSERT INTO d (k, c, v) VALUES (1, %d, %d)", c, c * 10);
        xf_ok(&F, q);
    }
}

static void teardown(void)
{
    xf_close(&F);
}

TestSuite(exec_select, .init = setup, .fini = teardown);

struct sel_case {
    const char *q;
    const char *rows; /* NULL: an error is expected */
    const char *err;
};

static void run_cases(const struct sel_case *cs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int rc = xf_query(&F, cs[i].q);
        if (cs[i].rows) {
            cr_assert_eq(rc, 0, "%s\n  -> %s", cs[i].q, F.em.text);
            const char *got = xf_rows_text(&F);
            cr_expect_str_eq(got, cs[i].rows, "%s\n  got [%s]", cs[i].q, got);
        } else {
            cr_assert_eq(rc, ERR_INVALID, "%s: expected an error, got %d", cs[i].q, rc);
            cr_expect_str_eq(F.em.text, cs[i].err, "%s\n  got [%s]", cs[i].q, F.em.text);
        }
    }
}

Test(exec_select, clustering_restrictions)
{
    static const struct sel_case cs[] = {
        {"SELECT c1, c2, v FROM r WHERE k = 1", "1|a|10\n1|b|11\n2|a|12\n3|c|13", NULL},
        {"SELECT c1, c2, v FROM r WHERE k = 1 AND c1 = 1", "1|a|10\n1|b|11", NULL},
        {"SELECT c1, c2, v FROM r WHERE k = 1 AND c1 = 1 AND c2 = 'b'", "1|b|11", NULL},
        {"SELECT c1, c2, v FROM r WHERE k = 1 AND c1 IN (3, 1, 3)", "1|a|10\n1|b|11\n3|c|13", NULL},
        {"SELECT c1, c2, v FROM r WHERE k = 1 AND c1 > 1", "2|a|12\n3|c|13", NULL},
        {"SELECT c1, c2, v FROM r WHERE k = 1 AND c1 >= 2 AND c1 < 3", "2|a|12", NULL},
        {"SELECT c1, c2, v FROM r WHERE k = 1 AND c1 = 1 AND c2 > 'a'", "1|b|11", NULL},
        {"SELECT c1, c2, v FROM r WHERE k = 1 AND c1 IN (1, 2) AND c2 <= 'a'", "1|a|10\n2|a|12",
         NULL},
        {"SELECT c1, c2 FROM r WHERE k = 1 AND (c1, c2) > (1, 'a')", "1|b\n2|a\n3|c", NULL},
        {"SELECT c1, c2 FROM r WHERE k = 1 AND (c1, c2) >= (1, 'b') AND (c1, c2) < (3, 'c')",
         "1|b\n2|a", NULL},
        {"SELECT c1, c2 FROM r WHERE k = 1 AND (c1, c2) IN ((3, 'c'), (1, 'b'))", "1|b\n3|c", NULL},
        {"SELECT c1, c2 FROM r WHERE k = 1 AND (c1, c2) = (2, 'a')", "2|a", NULL},
        {"SELECT c1, c2 FROM r WHERE k = 1 AND c1 > 5", "", NULL},
        {"SELECT c1, c2 FROM r WHERE k = 1 AND c1 > 2 AND c1 < 2", "", NULL},
        {"SELECT c1 FROM r WHERE k = 1 AND c1 IN ()", "", NULL},
    };
    run_cases(cs, sizeof cs / sizeof cs[0]);
}

Test(exec_select, partition_restrictions_and_order)
{
    static const struct sel_case cs[] = {
        {"SELECT k, c1, c2, v FROM r WHERE k IN (2, 1) AND c1 = 1", "1|1|a|10\n1|1|b|11\n2|1|a|20",
         NULL},
        {"SELECT c1, c2 FROM r WHERE k = 1 ORDER BY c1 DESC", "3|c\n2|a\n1|b\n1|a", NULL},
        {"SELECT c1, c2 FROM r WHERE k = 1 ORDER BY c1 DESC, c2 DESC", "3|c\n2|a\n1|b\n1|a", NULL},
        {"SELECT c1, c2 FROM r WHERE k = 1 AND c1 = 1 ORDER BY c2 DESC", "1|b\n1|a", NULL},
        {"SELECT c FROM d WHERE k = 1", "5\n4\n3\n2\n1", NULL},
        {"SELECT c FROM d WHERE k = 1 AND c > 2", "5\n4\n3", NULL},
        {"SELECT c FROM d WHERE k = 1 ORDER BY c ASC", "1\n2\n3\n4\n5", NULL},
        {"SELECT c FROM d WHERE k = 1 AND c >= 2 AND c < 4 ORDER BY c ASC", "2\n3", NULL},
        {"SELECT c FROM d WHERE k = 1 AND c IN (2, 4, 3)", "4\n3\n2", NULL},
        {"SELECT c FROM d WHERE k = 1 LIMIT 2", "5\n4", NULL},
        {"SELECT c FROM d WHERE k = 1 ORDER BY c ASC LIMIT 2", "1\n2", NULL},
        {"SELECT k, c1, s FROM r WHERE k = 3", "3|null|300", NULL},
        {"SELECT k, c1, c2 FROM r WHERE k = 2 AND c1 = 1", "2|1|a", NULL},
        {"SELECT c1, s FROM r WHERE k = 1 AND c1 = 2", "2|100", NULL},
        {"SELECT s FROM r WHERE k = 1", "100\n100\n100\n100", NULL},
        {"SELECT k, c1 FROM r WHERE k = 3", "", NULL},
        {"SELECT * FROM r WHERE k = 3", "3|null|null|300|null|null", NULL},
        {"SELECT count(*) FROM r WHERE token(k) > -9223372036854775808", "5", NULL},
        {"SELECT count(*) FROM r WHERE token(k) <= -9223372036854775808", "0", NULL},
        {"SELECT k FROM r WHERE k = 1 PER PARTITION LIMIT 1", "1", NULL},
        {"SELECT k, c1, c2 FROM r WHERE k IN (2, 1) ORDER BY c1 DESC",
         "1|3|c\n1|2|a\n1|1|b\n1|1|a\n2|1|a", NULL},
        {"SELECT k, c1, c2 FROM r WHERE k IN (2, 1) ORDER BY c1 DESC LIMIT 2", "1|3|c\n1|2|a",
         NULL},
        {"SELECT k, c1, c2 FROM r WHERE k IN (2, 1) ORDER BY c1 ASC",
         "1|1|a\n2|1|a\n1|1|b\n1|2|a\n1|3|c", NULL},
    };
    run_cases(cs, sizeof cs / sizeof cs[0]);
}

Test(exec_select, functions_aggregates_and_json)
{
    static const struct sel_case cs[] = {
        {"SELECT count(*) FROM r WHERE k = 1", "4", NULL},
        {"SELECT COUNT(1) FROM r", "5", NULL},
        {"SELECT count(v), min(v), max(v), sum(v), avg(v) FROM r WHERE k = 1", "4|10|13|46|11",
         NULL},
        {"SELECT count(m) FROM r WHERE k = 1", "1", NULL},
        {"SELECT intAsBlob(v) FROM r WHERE k = 2", "0x00000014", NULL},
        {"SELECT blobAsInt(intAsBlob(v)) FROM r WHERE k = 2", "20", NULL},
        {"SELECT CAST(v AS text), CAST(v AS double) FROM r WHERE k = 2", "20|20", NULL},
        {"SELECT JSON c1, c2 FROM r WHERE k = 2", "{\"c1\": 1, \"c2\": \"a\"}", NULL},
        {"SELECT JSON c1, m FROM r WHERE k = 1 AND c1 = 1 AND c2 = 'b'",
         "{\"c1\": 1, \"m\": {\"x\": 1}}", NULL},
        {"SELECT m['x'] FROM r WHERE k = 1 AND c1 = 1 AND c2 = 'b'", "1", NULL},
        {"SELECT toJson(m) FROM r WHERE k = 1 AND c1 = 1 AND c2 = 'b'", "{\"x\": 1}", NULL},
        {"SELECT token(k) FROM r WHERE k = 2", "-3248873570005575792", NULL},
        {"SELECT k, count(*) FROM r WHERE k IN (1, 2) GROUP BY k", "1|4\n2|1", NULL},
        {"SELECT k, c1, count(*), max(v) FROM r WHERE k = 1 GROUP BY k, c1",
         "1|1|2|11\n1|2|1|12\n1|3|1|13", NULL},
        {"SELECT c1, c2 FROM r WHERE k = 1 GROUP BY k, c1", "1|a\n2|a\n3|c", NULL},
        {"SELECT c1, count(*) FROM r WHERE k = 1 GROUP BY k, c1 LIMIT 2", "1|2\n2|1", NULL},
        {"SELECT c1, c2, count(*) FROM r WHERE k = 1 AND c1 = 1 GROUP BY k, c2", "1|a|1\n1|b|1",
         NULL},
    };
    run_cases(cs, sizeof cs / sizeof cs[0]);
    xf_ok(&F, "SELECT v AS x, writetime(v), ttl(v), count(*) FROM r WHERE k = 2");
    cr_assert(cqlwire_str_eq(F.resp.rows.meta.cols[0].name, "x"));
    cr_assert(cqlwire_str_eq(F.resp.rows.meta.cols[1].name, "writetime(v)"));
    cr_assert(cqlwire_str_eq(F.resp.rows.meta.cols[2].name, "ttl(v)"));
    cr_assert(cqlwire_str_eq(F.resp.rows.meta.cols[3].name, "count"));
    xf_ok(&F, "SELECT toTimestamp(now()), blobAsInt(0x00000001) FROM r WHERE k = 2");
    cr_assert(cqlwire_str_eq(F.resp.rows.meta.cols[0].name, "system.totimestamp(system.now())"),
              "%.*s", (int)F.resp.rows.meta.cols[0].name.len, F.resp.rows.meta.cols[0].name.p);
    cr_assert_eq(F.resp.rows.meta.cols[0].type->id, CQL_TIMESTAMP);
}

Test(exec_select, filtering)
{
    static const struct sel_case cs[] = {
        {"SELECT c1 FROM r WHERE k = 1 AND v = 12 ALLOW FILTERING", "2", NULL},
        {"SELECT k, c1 FROM r WHERE v > 12 ALLOW FILTERING", NULL, NULL},
        {"SELECT c1, c2 FROM r WHERE k = 1 AND c2 = 'a' ALLOW FILTERING", "1|a\n2|a", NULL},
        {"SELECT c1 FROM r WHERE k = 1 AND m CONTAINS 1 ALLOW FILTERING", "1", NULL},
        {"SELECT c1 FROM r WHERE k = 1 AND m CONTAINS KEY 'x' ALLOW FILTERING", "1", NULL},
        {"SELECT c1 FROM r WHERE k = 1 AND m['x'] = 1 ALLOW FILTERING", "1", NULL},
        {"SELECT c1 FROM r WHERE k = 1 AND v IN (10, 13) ALLOW FILTERING", "1\n3", NULL},
        {"SELECT c1 FROM r WHERE k = 1 AND s = 100 ALLOW FILTERING", "1\n1\n2\n3", NULL},
    };
    for (size_t i = 0; i < sizeof cs / sizeof cs[0]; i++) {
        if (!cs[i].rows) continue;
        run_cases(&cs[i], 1);
    }
    xf_ok(&F, cs[1].q);
    cr_assert_eq(xf_nrows(&F), 2);
}

Test(exec_select, errors_use_cassandra_messages)
{
    static const struct sel_case cs[] = {
        {"SELECT c1 FROM r WHERE v = 12", NULL,
         "Cannot execute this query as it might involve data filtering and thus may have "
         "unpredictable performance. If you want to execute this query despite the performance "
         "unpredictability, use ALLOW FILTERING"},
        {"SELECT c1 FROM r WHERE c1 = 1", NULL,
         "Cannot execute this query as it might involve data filtering and thus may have "
         "unpredictable performance. If you want to execute this query despite the performance "
         "unpredictability, use ALLOW FILTERING"},
        {"SELECT c1 FROM r WHERE k > 1", NULL,
         "Only EQ and IN relation are supported on the partition key (unless you use the "
         "token() function or allow filtering)"},
        {"SELECT c1 FROM r WHERE k = 1 AND c2 = 'a'", NULL,
         "PRIMARY KEY column \"c2\" cannot be restricted as preceding column \"c1\" is not "
         "restricted"},
        {"SELECT c1 FROM r WHERE k = 1 AND c1 > 1 AND c2 = 'a'", NULL,
         "Clustering column \"c2\" cannot be restricted (preceding column \"c1\" is restricted "
         "by a non-EQ relation)"},
        {"SELECT x FROM r", NULL, "Undefined column name x"},
        {"SELECT c1 FROM r WHERE x = 1", NULL, "Undefined column name x"},
        {"SELECT c1 FROM r WHERE k = 1 AND v != 1", NULL, "Unsupported \"!=\" relation: v != 1"},
        {"SELECT c1 FROM r WHERE k = 1 AND k = 2", NULL,
         "k cannot be restricted by more than one relation if it includes an Equal"},
        {"SELECT c1 FROM r ORDER BY c1 DESC", NULL,
         "ORDER BY is only supported when the partition key is restricted by an EQ or an IN."},
        {"SELECT c1 FROM r WHERE k = 1 ORDER BY v", NULL,
         "Order by is currently only supported on the clustered columns of the PRIMARY KEY, got v"},
        {"SELECT c1 FROM r WHERE k = 1 ORDER BY c2", NULL,
         "Order by currently only supports the ordering of columns following their declared "
         "order in the PRIMARY KEY"},
        {"SELECT DISTINCT c1 FROM r", NULL,
         "SELECT DISTINCT queries must only request partition key columns and/or static columns "
         "(not c1)"},
        {"SELECT c1 FROM r WHERE k = 'x'", NULL,
         "Invalid STRING constant (x) for \"k\" of type int"},
        {"SELECT c1 FROM r WHERE k = 1 LIMIT 0", NULL, "LIMIT must be strictly positive"},
        {"SELECT c1 FROM nope", NULL, "table nope does not exist"},
        {"SELECT c1 FROM nope.r", NULL, "keyspace nope does not exist"},
        {"SELECT count(*) FROM r GROUP BY c1", NULL,
         "Group by currently only support groups of columns following their declared order in "
         "the PRIMARY KEY"},
        {"SELECT count(*) FROM r GROUP BY k, v", NULL,
         "Group by is currently only supported on the columns of the PRIMARY KEY, got v"},
        {"SELECT s FROM r WHERE k = 1 AND c1 = 1", NULL,
         "Cannot restrict clustering columns when selecting only static columns"},
    };
    run_cases(cs, sizeof cs / sizeof cs[0]);
}

Test(exec_select, order_by_with_in_is_not_paged)
{
    const char *q = "SELECT k, c1 FROM r WHERE k IN (1, 2) ORDER BY c1 DESC";
    cr_assert_eq(xf_query_paged(&F, q, 100, NULL, -1), ERR_INVALID);
    cr_assert_str_eq(F.em.text,
                     "Cannot page queries with both ORDER BY and a IN restriction on the "
                     "partition key; you must either remove the ORDER BY or the IN and "
                     "sort client side, or disable paging for this query");
    cr_assert_eq(xf_query_paged(&F,
                                "SELECT k, c1 FROM r WHERE k IN (1, 2) ORDER BY c1 DESC LIMIT 3",
                                100, NULL, -1),
                 0, "%s", F.em.text);
    cr_assert_str_eq(xf_rows_text(&F), "1|3\n1|2\n1|1");
}

Test(exec_select, distinct_and_static_rows)
{
    xf_ok(&F, "SELECT DISTINCT k FROM r");
    cr_assert_eq(xf_nrows(&F), 3);
    xf_ok(&F, "SELECT DISTINCT k, s FROM r WHERE k IN (1, 3)");
    cr_assert_str_eq(xf_rows_text(&F), "1|100\n3|300");
    xf_ok(&F, "SELECT k, s FROM r");
    cr_assert_eq(xf_nrows(&F), 6, "every CQL row, plus the static-only partition: %s",
                 xf_rows_text(&F));
    xf_ok(&F, "SELECT k, c1 FROM r WHERE k = 3 AND c1 = 1");
    cr_assert_eq(xf_nrows(&F), 0, "clustering restricted: no static-only row");
}

Test(exec_select, aggregates_without_partition_key_warn)
{
    struct cqlreq req;
    memset(&req, 0, sizeof req);
    req.opcode = CQLFRAME_OP_QUERY;
    req.query = cqlwire_str_c("SELECT count(*) FROM r");
    req.params.cl = 1;
    cr_assert_eq(xf_submit(&F, &req), 0);
    cr_assert_eq(F.nwarnings, 1);
    cr_assert_str_eq(F.warnings[0], "Aggregation query used without partition key");
}

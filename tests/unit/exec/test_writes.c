/* exec: collection operations, TTL and writetime, deletes and range tombstones, batches,
   conditional statements. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "node/base/be.h"
#include "tests/unit/exec/fixture.h"

static struct xf F;

static void setup(void)
{
    xf_open_ks(&F);
    xf_ok(&F, "CREATE TYPE pt (x int, y int)");
    xf_ok(&F, "CREATE TABLE c (k int PRIMARY KEY, l list<int>, s set<text>, m map<text, int>, "
              "u pt, v int)");
    xf_ok(&F, "CREATE TABLE w (k int, c int, v int, s int static, PRIMARY KEY (k, c))");
}

static void teardown(void)
{
    xf_close(&F);
}

TestSuite(exec_writes, .init = setup, .fini = teardown);

static void expect(const char *q, const char *rows)
{
    xf_ok(&F, q);
    const char *got = xf_rows_text(&F);
    cr_assert_str_eq(got, rows, "%s\n  got [%s]", q, got);
}

static void fails(const char *q, const char *msg)
{
    cr_assert_neq(xf_query(&F, q), 0, "%s: expected an error", q);
    cr_assert_str_eq(F.em.text, msg, "%s\n  got [%s]", q, F.em.text);
}

/* Cassandra 4.1's Schema.validateTable wording for every modification statement. */
Test(exec_writes, missing_table_or_keyspace_messages)
{
    fails("INSERT INTO nope (k) VALUES (1)", "table nope does not exist");
    fails("UPDATE nope SET v = 1 WHERE k = 1", "table nope does not exist");
    fails("DELETE FROM nope WHERE k = 1", "table nope does not exist");
    fails("INSERT INTO nope.c (k) VALUES (1)", "keyspace nope does not exist");
    fails("UPDATE nope.c SET v = 1 WHERE k = 1", "keyspace nope does not exist");
    fails("DELETE FROM nope.c WHERE k = 1", "keyspace nope does not exist");
    fails("TRUNCATE nope", "table nope does not exist");
    fails("TRUNCATE nope.c", "keyspace nope does not exist");
}

/* Fills table tbl (k, a, b, c) with k = 1 and a, b in 1..3, c in 1..2. */
static void fill_grid(const char *tbl)
{
    for (int a = 1; a <= 3; a++)
        for (int b = 1; b <= 3; b++)
            for (int c = 1; c <= 2; c++) {
                char q[160];
                snprintf(q, sizeof q, "INSERT INTO %s (k, a, b, c) VALUES (1, %d, %d, %d)", tbl, a,
                         b, c);
                xf_ok(&F, q);
            }
}

/* Cassandra deletes the exact tuple range: (a, b) > (1, 2) excludes every row starting 1, 2
   and (a, b) <= (2, 1) includes every row starting 2, 1. */
Test(exec_writes, multi_column_slice_delete_is_a_range_deletion)
{
    xf_ok(&F, "CREATE TABLE g (k int, a int, b int, c int, PRIMARY KEY (k, a, b, c))");
    fill_grid("g");
    xf_ok(&F, "DELETE FROM g WHERE k = 1 AND (a, b) > (1, 2) AND (a, b) <= (2, 1)");
    expect("SELECT a, b FROM g WHERE k = 1 AND a <= 2 AND c = 1 ALLOW FILTERING",
           "1|1\n1|2\n2|2\n2|3");
    xf_ok(&F, "DELETE FROM g WHERE k = 1 AND (a, b, c) >= (3, 2, 2)");
    expect("SELECT b, c FROM g WHERE k = 1 AND a = 3", "1|1\n1|2\n2|1");
    xf_ok(&F, "DELETE FROM g WHERE k = 1 AND (a) < (2)");
    expect("SELECT count(*) FROM g WHERE k = 1 AND a = 1", "0");
    expect("SELECT count(*) FROM g WHERE k = 1", "7");
}

Test(exec_writes, multi_column_slice_delete_on_descending_columns)
{
    xf_ok(&F, "CREATE TABLE gd (k int, a int, b int, c int, PRIMARY KEY (k, a, b, c)) WITH "
              "CLUSTERING ORDER BY (a DESC, b DESC, c ASC)");
    fill_grid("gd");
    xf_ok(&F, "DELETE FROM gd WHERE k = 1 AND (a, b) >= (2, 2) AND (a, b) < (3, 2)");
    expect("SELECT a, b FROM gd WHERE k = 1 AND c = 1 ALLOW FILTERING",
           "3|3\n3|2\n2|1\n1|3\n1|2\n1|1");
    expect("SELECT a, b, c FROM gd WHERE k = 1 AND (a, b) > (2, 1) AND (a, b) <= (3, 2)",
           "3|2|1\n3|2|2");
    /* Mixed orders in one tuple: SELECT filters rows, a deletion cannot. */
    expect("SELECT a, b, c FROM gd WHERE k = 1 AND (a, b, c) > (3, 2, 1)", "3|3|1\n3|3|2\n3|2|2");
    fails("DELETE FROM gd WHERE k = 1 AND (a, b, c) > (1, 1, 1)",
          "Multi-column slice restrictions over clustering columns of mixed order are not "
          "supported in modification statements by ringdb");
    fails("DELETE FROM gd WHERE k = 1 AND (b, c) > (1, 1)",
          "PRIMARY KEY column \"b\" cannot be restricted as preceding column \"a\" is not "
          "restricted");
}

Test(exec_writes, list_operations)
{
    xf_ok(&F, "INSERT INTO c (k, l) VALUES (1, [1, 2, 3])");
    xf_ok(&F, "UPDATE c SET l = l + [4, 5] WHERE k = 1");
    xf_ok(&F, "UPDATE c SET l = [0] + l WHERE k = 1");
    xf_ok(&F, "UPDATE c SET l = [-2, -1] + l WHERE k = 1");
    expect("SELECT l FROM c WHERE k = 1", "[-2, -1, 0, 1, 2, 3, 4, 5]");
    xf_ok(&F, "UPDATE c SET l[2] = 100 WHERE k = 1");
    expect("SELECT l FROM c WHERE k = 1", "[-2, -1, 100, 1, 2, 3, 4, 5]");
    xf_ok(&F, "DELETE l[0] FROM c WHERE k = 1");
    xf_ok(&F, "UPDATE c SET l = l - [2, 4, 99] WHERE k = 1");
    expect("SELECT l FROM c WHERE k = 1", "[-1, 100, 1, 3, 5]");
    fails("UPDATE c SET l[9] = 1 WHERE k = 1", "List index 9 out of bound, list has size 5");
    fails("UPDATE c SET l[0] = 1 WHERE k = 2",
          "Attempted to set an element on a list which is null");
    xf_ok(&F, "UPDATE c SET l = [7] WHERE k = 1");
    expect("SELECT l FROM c WHERE k = 1", "[7]");
    xf_ok(&F, "UPDATE c SET l = null WHERE k = 1");
    expect("SELECT l FROM c WHERE k = 1", "null");
}

Test(exec_writes, set_map_and_udt_operations)
{
    xf_ok(&F, "INSERT INTO c (k, s, m, u) VALUES (1, {'b'}, {'a': 1}, {x: 1, y: 2})");
    xf_ok(&F, "UPDATE c SET s = s + {'a', 'c'}, m = m + {'b': 2}, m['c'] = 3 WHERE k = 1");
    expect("SELECT s, m FROM c WHERE k = 1", "{'a', 'b', 'c'}|{'a': 1, 'b': 2, 'c': 3}");
    xf_ok(&F, "UPDATE c SET s = s - {'b'}, m = m - {'a'} WHERE k = 1");
    xf_ok(&F, "DELETE m['c'], s['c'] FROM c WHERE k = 1");
    expect("SELECT s, m FROM c WHERE k = 1", "{'a'}|{'b': 2}");
    xf_ok(&F, "UPDATE c SET u.y = 20 WHERE k = 1");
    expect("SELECT u, u.x, u.y FROM c WHERE k = 1", "{x: 1, y: 20}|1|20");
    xf_ok(&F, "DELETE u.x FROM c WHERE k = 1");
    expect("SELECT u FROM c WHERE k = 1", "{x: null, y: 20}");
    xf_ok(&F, "UPDATE c SET m = {} WHERE k = 1");
    expect("SELECT m FROM c WHERE k = 1", "null");
    fails("UPDATE c SET v = v + 1 WHERE k = 1",
          "Invalid operation (v = v + 1) for non counter column v");
    fails("UPDATE c SET s[0] = 'x' WHERE k = 1",
          "Invalid operation (s[0] = 'x') for non list/map column s");
}

static int64_t cell_i64(void)
{
    const struct cqlwire_value *v = xf_cell(&F, 0, 0);
    cr_assert_eq(v->len, 8);
    return (int64_t)be64_load(v->p);
}

Test(exec_writes, ttl_and_writetime)
{
    xf_ok(&F, "INSERT INTO w (k, c, v) VALUES (1, 1, 10) USING TIMESTAMP 1234 AND TTL 1000");
    xf_ok(&F, "SELECT writetime(v) FROM w WHERE k = 1 AND c = 1");
    cr_assert_eq(cell_i64(), 1234);
    xf_ok(&F, "SELECT ttl(v) FROM w WHERE k = 1 AND c = 1");
    int32_t ttl = (int32_t)be32_load(xf_cell(&F, 0, 0)->p);
    cr_assert(ttl > 990 && ttl <= 1000, "ttl %d", ttl);
    /* An older write loses; a newer one wins. */
    xf_ok(&F, "UPDATE w USING TIMESTAMP 1000 SET v = 11 WHERE k = 1 AND c = 1");
    expect("SELECT v FROM w WHERE k = 1 AND c = 1", "10");
    xf_ok(&F, "UPDATE w USING TIMESTAMP 2000 SET v = 12 WHERE k = 1 AND c = 1");
    expect("SELECT v, ttl(v) FROM w WHERE k = 1 AND c = 1", "12|null");
    fails("INSERT INTO w (k, c, v) VALUES (1, 1, 1) USING TTL -1",
          "A TTL must be greater or equal to 0, but was -1");
    fails("INSERT INTO w (k, c, v) VALUES (1, 1, 1) USING TTL 630720001",
          "ttl is too large. requested (630720001) maximum (630720000)");
    xf_ok(&F, "CREATE TABLE dt (k int PRIMARY KEY, v int) WITH default_time_to_live = 500");
    xf_ok(&F, "INSERT INTO dt (k, v) VALUES (1, 1)");
    xf_ok(&F, "SELECT ttl(v) FROM dt WHERE k = 1");
    ttl = (int32_t)be32_load(xf_cell(&F, 0, 0)->p);
    cr_assert(ttl > 490 && ttl <= 500, "ttl %d", ttl);
    xf_ok(&F, "INSERT INTO dt (k, v) VALUES (2, 2) USING TTL 0");
    expect("SELECT ttl(v) FROM dt WHERE k = 2", "null");
}

Test(exec_writes, deletes_and_range_tombstones)
{
    for (int c = 0; c < 10; c++) {
        char q[128];
        snprintf(q, sizeof q, "INSERT INTO w (k, c, v, s) VALUES (1, %d, %d, 5)", c, c);
        xf_ok(&F, q);
    }
    xf_ok(&F, "DELETE FROM w WHERE k = 1 AND c = 0");
    xf_ok(&F, "DELETE FROM w WHERE k = 1 AND c > 2 AND c <= 5");
    xf_ok(&F, "DELETE FROM w WHERE k = 1 AND c >= 8");
    xf_ok(&F, "DELETE v FROM w WHERE k = 1 AND c = 1");
    expect("SELECT c, v FROM w WHERE k = 1", "1|null\n2|2\n6|6\n7|7");
    xf_ok(&F, "DELETE s FROM w WHERE k = 1");
    expect("SELECT c, s FROM w WHERE k = 1 AND c = 2", "2|null");
    xf_ok(&F, "DELETE FROM w WHERE k = 1");
    expect("SELECT c FROM w WHERE k = 1", "");
    xf_ok(&F, "INSERT INTO w (k, c, v) VALUES (1, 3, 3)");
    expect("SELECT c FROM w WHERE k = 1", "3");
    fails("DELETE v FROM w WHERE k = 1 AND c > 1",
          "Range deletions are not supported for specific columns");
    fails("DELETE FROM w WHERE c = 1", "Some partition key parts are missing: k");
    fails("UPDATE w SET v = 1 WHERE k = 1", "Some clustering keys are missing: c");
    fails("UPDATE w SET k = 1 WHERE k = 1 AND c = 1", "PRIMARY KEY part k found in SET part");
    fails("UPDATE w SET v = 1 WHERE k = 1 AND c = 1 AND v = 2",
          "Non PRIMARY KEY columns found in where clause: v");
    fails("DELETE c FROM w WHERE k = 1",
          "Invalid identifier c for deletion (should not be a PRIMARY KEY part)");
}

Test(exec_writes, static_columns)
{
    xf_ok(&F, "UPDATE w SET s = 9 WHERE k = 4");
    expect("SELECT k, c, s FROM w WHERE k = 4", "4|null|9");
    xf_ok(&F, "INSERT INTO w (k, c, v) VALUES (4, 1, 1)");
    expect("SELECT k, c, s FROM w WHERE k = 4", "4|1|9");
    fails("UPDATE w SET s = 1 WHERE k = 4 AND c = 1",
          "Invalid restrictions on clustering columns since the UPDATE statement modifies only "
          "static columns");
}

Test(exec_writes, batches)
{
    xf_ok(&F, "BEGIN BATCH INSERT INTO w (k, c, v) VALUES (1, 1, 1); "
              "INSERT INTO w (k, c, v) VALUES (2, 1, 2); UPDATE w SET v = 3 WHERE k = 1 AND c = 2; "
              "INSERT INTO c (k, v) VALUES (9, 9) APPLY BATCH");
    cr_assert_eq(F.resp.kind, CQLRESP_KIND_VOID);
    expect("SELECT k, c, v FROM w WHERE k IN (1, 2)", "1|1|1\n1|2|3\n2|1|2");
    expect("SELECT v FROM c WHERE k = 9", "9");
    xf_ok(&F, "BEGIN UNLOGGED BATCH USING TIMESTAMP 77 INSERT INTO w (k, c, v) VALUES (3, 1, 1); "
              "DELETE FROM w WHERE k = 1 APPLY BATCH");
    xf_ok(&F, "SELECT writetime(v) FROM w WHERE k = 3 AND c = 1");
    cr_assert_eq(cell_i64(), 77);
    expect("SELECT c FROM w WHERE k = 1", "1\n2"); /* the deletion at 77 is older */
    /* The BATCH message with a prepared child and a text child. */
    uint8_t id[16], k[4], cv[4], v[4];
    cr_assert_eq(xf_prepare(&F, "INSERT INTO w (k, c, v) VALUES (?, ?, ?)", id), 0);
    be32_store(k, 5);
    be32_store(cv, 6);
    be32_store(v, 7);
    struct cqlwire_value vals[3] = {xf_val(k, 4), xf_val(cv, 4), xf_val(v, 4)};
    struct cqlreq_batch_stmt bs[2] = {
        {.kind = 1, .id = {id, 16}, .nvalues = 3, .values = vals},
        {.kind = 0, .query = cqlwire_str_c("UPDATE w SET v = 8 WHERE k = 5 AND c = 7")},
    };
    struct cqlreq req;
    memset(&req, 0, sizeof req);
    req.opcode = CQLFRAME_OP_BATCH;
    req.batch = (struct cqlreq_batch){.type = 1, .nstmts = 2, .stmts = bs, .cl = 1};
    cr_assert_eq(xf_submit(&F, &req), 0, "%s", F.em.text);
    expect("SELECT c, v FROM w WHERE k = 5", "6|7\n7|8");
}

Test(exec_writes, conditional_statements)
{
    expect("INSERT INTO w (k, c, v) VALUES (1, 1, 1) IF NOT EXISTS", "True");
    cr_assert(cqlwire_str_eq(F.resp.rows.meta.cols[0].name, "[applied]"));
    expect("INSERT INTO w (k, c, v) VALUES (1, 1, 2) IF NOT EXISTS", "False|1|1|null|1");
    expect("SELECT v FROM w WHERE k = 1 AND c = 1", "1");
    expect("UPDATE w SET v = 5 WHERE k = 1 AND c = 1 IF v = 2", "False|1");
    expect("UPDATE w SET v = 5 WHERE k = 1 AND c = 1 IF v = 1", "True");
    expect("UPDATE w SET v = 6 WHERE k = 1 AND c = 1 IF v > 4 AND v < 10", "True");
    expect("UPDATE w SET v = 7 WHERE k = 1 AND c = 2 IF EXISTS", "False");
    expect("UPDATE w SET v = 7 WHERE k = 1 AND c = 2 IF v = null", "True");
    expect("DELETE FROM w WHERE k = 1 AND c = 1 IF EXISTS", "True");
    expect("SELECT c, v FROM w WHERE k = 1", "2|7");
    fails("UPDATE w USING TIMESTAMP 5 SET v = 1 WHERE k = 1 AND c = 1 IF EXISTS",
          "Cannot provide custom timestamp for conditional updates");
    fails("UPDATE w SET v = 1 WHERE k IN (1, 2) AND c = 1 IF EXISTS",
          "IN on the partition key is not supported with conditional updates");
}

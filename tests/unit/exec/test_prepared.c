/* exec: PREPARE / EXECUTE: deterministic ids, bind metadata, pk_indexes, UNPREPARED. */
#include <criterion/criterion.h>
#include <string.h>

#include "node/base/be.h"
#include "node/cql/prepared.h"
#include "tests/unit/exec/fixture.h"

static struct xf F;

static void setup(void)
{
    xf_open(&F);
    xf_ok(&F, "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', "
              "'replication_factor': 1}");
    xf_ok(&F, "CREATE TABLE ks.t (k int PRIMARY KEY, v text)");
    xf_ok(&F, "CREATE TABLE ks.c (a int, b text, c int, x int, PRIMARY KEY ((b, a), c))");
}

static void teardown(void)
{
    xf_close(&F);
}

TestSuite(exec_prepared, .init = setup, .fini = teardown);

static void hex(const uint8_t *p, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", p[i]);
}

Test(exec_prepared, ids_are_md5_of_keyspace_and_text)
{
    uint8_t id[16];
    char h[33];
    prepared_id(NULL, "SELECT * FROM ks.t", 18, id);
    hex(id, 16, h);
    cr_assert_str_eq(h, "b9623a6c99961d7b406f9c1ef308cd26");
    prepared_id("ks", "SELECT * FROM t", 15, id);
    hex(id, 16, h);
    cr_assert_str_eq(h, "125e492ea51717990eba4738bbb59bdb");
    cr_assert_eq(xf_prepare(&F, "SELECT * FROM ks.t", id), 0, "%s", F.em.text);
    hex(id, 16, h);
    cr_assert_str_eq(h, "b9623a6c99961d7b406f9c1ef308cd26");
    xf_ok(&F, "USE ks");
    cr_assert_eq(xf_prepare(&F, "SELECT * FROM t", id), 0, "%s", F.em.text);
    hex(id, 16, h);
    cr_assert_str_eq(h, "125e492ea51717990eba4738bbb59bdb");
}

static void assert_var(int i, const char *name, enum cql_type_id type)
{
    const struct cqlrows_meta *m = &F.resp.prepared.bind;
    cr_assert(i < m->ncols, "only %d bind variables", m->ncols);
    cr_assert(cqlwire_str_eq(m->cols[i].name, name), "variable %d is %.*s, not %s", i,
              (int)m->cols[i].name.len, m->cols[i].name.p, name);
    cr_assert_eq(m->cols[i].type->id, type, "variable %d type", i);
}

Test(exec_prepared, variables_are_named_as_cassandra_names_them)
{
    uint8_t id[16];
    cr_assert_eq(xf_prepare(&F, "SELECT v FROM ks.t WHERE k IN ? LIMIT ?", id), 0, "%s", F.em.text);
    assert_var(0, "in(k)", CQL_LIST);
    assert_var(1, "[limit]", CQL_INT);
    cr_assert_eq(F.resp.prepared.result.ncols, 1);
    cr_assert(cqlwire_str_eq(F.resp.prepared.result.cols[0].name, "v"));
    cr_assert_eq(xf_prepare(&F, "SELECT k FROM ks.t WHERE token(k) > ? AND token(k) <= ?", id), 0,
                 "%s", F.em.text);
    assert_var(0, "partition key token", CQL_BIGINT);
    assert_var(1, "partition key token", CQL_BIGINT);
    cr_assert_eq(
        xf_prepare(&F, "INSERT INTO ks.t (k, v) VALUES (?, ?) USING TTL ? AND TIMESTAMP ?", id), 0,
        "%s", F.em.text);
    assert_var(0, "k", CQL_INT);
    assert_var(1, "v", CQL_VARCHAR);
    assert_var(2, "[ttl]", CQL_INT);
    assert_var(3, "[timestamp]", CQL_BIGINT);
    cr_assert_eq(F.resp.prepared.result.flags & CQLROWS_NO_METADATA, CQLROWS_NO_METADATA);
    cr_assert_eq(F.resp.prepared.result.ncols, 0);
}

Test(exec_prepared, pk_indexes_follow_partition_key_order)
{
    uint8_t id[16];
    cr_assert_eq(xf_prepare(&F, "INSERT INTO ks.c (a, b, c, x) VALUES (?, ?, ?, ?)", id), 0, "%s",
                 F.em.text);
    cr_assert_eq(F.resp.prepared.bind.npk, 2);
    cr_assert_eq(F.resp.prepared.bind.pk_indexes[0], 1); /* b */
    cr_assert_eq(F.resp.prepared.bind.pk_indexes[1], 0); /* a */
    cr_assert_eq(xf_prepare(&F, "SELECT * FROM ks.c WHERE b = ? AND a = 3", id), 0, "%s",
                 F.em.text);
    cr_assert_eq(F.resp.prepared.bind.npk, 0, "not every partition key column is bound");
    cr_assert_eq(xf_prepare(&F, "UPDATE ks.c SET x = ? WHERE a = ? AND b = ? AND c = ?", id), 0,
                 "%s", F.em.text);
    cr_assert_eq(F.resp.prepared.bind.npk, 2);
    cr_assert_eq(F.resp.prepared.bind.pk_indexes[0], 2);
    cr_assert_eq(F.resp.prepared.bind.pk_indexes[1], 1);
}

Test(exec_prepared, execute_binds_values_and_skips_metadata)
{
    uint8_t ins[16], sel[16], k[4], v[] = "hello";
    cr_assert_eq(xf_prepare(&F, "INSERT INTO ks.t (k, v) VALUES (?, ?)", ins), 0);
    be32_store(k, 42);
    struct cqlwire_value vals[2] = {xf_val(k, 4), xf_val(v, 5)};
    cr_assert_eq(xf_execute(&F, ins, 16, vals, 2, 0, false), 0, "%s", F.em.text);
    cr_assert_eq(F.resp.kind, CQLRESP_KIND_VOID);
    cr_assert_eq(xf_prepare(&F, "SELECT v FROM ks.t WHERE k = ?", sel), 0);
    cr_assert_eq(xf_execute(&F, sel, 16, vals, 1, 100, true), 0, "%s", F.em.text);
    cr_assert_eq(F.resp.rows.meta.flags & CQLROWS_NO_METADATA, CQLROWS_NO_METADATA);
    cr_assert_eq(F.resp.rows.nrows, 1);
    cr_assert_eq(xf_cell(&F, 0, 0)->len, 5);
    cr_assert_eq(memcmp(xf_cell(&F, 0, 0)->p, "hello", 5), 0);
    cr_assert_eq(xf_execute(&F, sel, 16, vals, 1, 100, false), 0);
    cr_assert_eq(F.resp.rows.meta.flags & CQLROWS_NO_METADATA, 0);
    cr_assert_str_eq(xf_rows_text(&F), "hello");
}

Test(exec_prepared, wrong_values_are_invalid)
{
    uint8_t sel[16], bad[3] = {1, 2, 3};
    cr_assert_eq(xf_prepare(&F, "SELECT v FROM ks.t WHERE k = ?", sel), 0);
    struct cqlwire_value vals[1] = {xf_val(bad, 3)};
    cr_assert_eq(xf_execute(&F, sel, 16, vals, 1, 0, false), ERR_INVALID);
    cr_assert_str_eq(F.em.text, "Expected 4 or 0 byte int (3)");
    cr_assert_eq(xf_execute(&F, sel, 16, vals, 0, 0, false), ERR_INVALID);
    cr_assert_str_eq(F.em.text, "There were 1 markers(?) in CQL but 0 bound variables");
}

Test(exec_prepared, unknown_id_is_unprepared_with_the_id)
{
    uint8_t id[16];
    memset(id, 0xAB, sizeof id);
    cr_assert_eq(xf_execute(&F, id, 16, NULL, 0, 0, false), ERR_UNPREPARED);
    cr_assert_eq(F.err.id.len, 16);
    cr_assert_eq(memcmp(F.err.id.p, id, 16), 0);
    cr_assert(strstr(F.em.text, "abababab") != NULL, "%s", F.em.text);
}

Test(exec_prepared, altered_table_makes_statement_unprepared)
{
    uint8_t sel[16], again[16];
    cr_assert_eq(xf_prepare(&F, "SELECT * FROM ks.t", sel), 0);
    cr_assert_eq(F.resp.prepared.result.ncols, 2);
    xf_ok(&F, "ALTER TABLE ks.t ADD w int");
    cr_assert_eq(xf_execute(&F, sel, 16, NULL, 0, 0, true), ERR_UNPREPARED);
    cr_assert_eq(xf_prepare(&F, "SELECT * FROM ks.t", again), 0);
    cr_assert_eq(memcmp(sel, again, 16), 0, "same id after re-prepare");
    cr_assert_eq(F.resp.prepared.result.ncols, 3);
    cr_assert_eq(xf_execute(&F, again, 16, NULL, 0, 0, true), 0, "%s", F.em.text);
}

Test(exec_prepared, in_marker_and_named_values)
{
    xf_ok(&F, "INSERT INTO ks.t (k, v) VALUES (1, 'a')");
    xf_ok(&F, "INSERT INTO ks.t (k, v) VALUES (2, 'b')");
    xf_ok(&F, "INSERT INTO ks.t (k, v) VALUES (3, 'c')");
    uint8_t id[16];
    cr_assert_eq(xf_prepare(&F, "SELECT v FROM ks.t WHERE k IN ?", id), 0, "%s", F.em.text);
    uint8_t list[4 + 3 * 8];
    be32_store(list, 3);
    int keys[3] = {3, 1, 9};
    for (int i = 0; i < 3; i++) {
        be32_store(list + 4 + 8 * i, 4);
        be32_store(list + 8 + 8 * i, (uint32_t)keys[i]);
    }
    struct cqlwire_value vals[1] = {xf_val(list, sizeof list)};
    cr_assert_eq(xf_execute(&F, id, 16, vals, 1, 0, false), 0, "%s", F.em.text);
    cr_assert_str_eq(xf_rows_text(&F), "a\nc");
    /* Named values, given out of order. */
    cr_assert_eq(xf_prepare(&F, "UPDATE ks.t SET v = :val WHERE k = :key", id), 0, "%s", F.em.text);
    uint8_t k[4];
    be32_store(k, 2);
    struct cqlwire_value nv[2] = {xf_val("zz", 2), xf_val(k, 4)};
    struct cqlwire_str names[2] = {cqlwire_str_c("val"), cqlwire_str_c("key")};
    struct cqlreq req;
    memset(&req, 0, sizeof req);
    req.opcode = CQLFRAME_OP_EXECUTE;
    req.id = (struct cqlwire_value){id, 16};
    req.params.cl = 1;
    req.params.flags = CQLREQ_FLAG_VALUES | CQLREQ_FLAG_NAMES;
    req.params.nvalues = 2;
    req.params.values = nv;
    req.params.names = names;
    cr_assert_eq(xf_submit(&F, &req), 0, "%s", F.em.text);
    xf_ok(&F, "SELECT v FROM ks.t WHERE k = 2");
    cr_assert_str_eq(xf_rows_text(&F), "zz");
    /* An unset value leaves the column alone. */
    struct cqlwire_value uv[2] = {xf_val(NULL, CQLWIRE_UNSET), xf_val(k, 4)};
    req.params.flags = CQLREQ_FLAG_VALUES;
    req.params.values = uv;
    req.params.names = NULL;
    cr_assert_eq(xf_submit(&F, &req), 0, "%s", F.em.text);
    xf_ok(&F, "SELECT v FROM ks.t WHERE k = 2");
    cr_assert_str_eq(xf_rows_text(&F), "zz");
}

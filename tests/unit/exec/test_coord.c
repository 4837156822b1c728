/* exec + coordinator: consistency levels against the keyspace's replication on one node
   (Unavailable with Cassandra's required/alive counts), invalid levels, client timestamps. */
#include <criterion/criterion.h>
#include <string.h>

#include "node/base/be.h"
#include "replication/consistency.h"
#include "tests/unit/exec/fixture.h"

static struct xf F;

static void setup(void)
{
    xf_open_ks(&F);
    xf_ok(&F, "CREATE KEYSPACE rf3 WITH replication = {'class': 'SimpleStrategy', "
              "'replication_factor': 3}");
    xf_ok(&F, "CREATE TABLE rf3.t (k int PRIMARY KEY, v int)");
    xf_ok(&F, "CREATE TABLE ks.t (k int PRIMARY KEY, v int)");
}

static void teardown(void)
{
    xf_close(&F);
}

TestSuite(exec_coord, .init = setup, .fini = teardown);

static int query_cl(const char *q, uint16_t cl)
{
    struct cqlreq req;
    memset(&req, 0, sizeof req);
    req.opcode = CQLFRAME_OP_QUERY;
    req.query = cqlwire_str_c(q);
    req.params.cl = cl;
    return xf_submit(&F, &req);
}

Test(exec_coord, quorum_on_rf3_with_one_node_is_unavailable)
{
    cr_assert_eq(query_cl("INSERT INTO rf3.t (k, v) VALUES (1, 1)", CL_QUORUM), ERR_UNAVAILABLE);
    cr_assert_eq(F.err.cl, CL_QUORUM);
    cr_assert_eq(F.err.required, 2);
    cr_assert_eq(F.err.alive, 1);
    cr_assert_str_eq(F.em.text, "Cannot achieve consistency level QUORUM");
    cr_assert_eq(query_cl("SELECT * FROM rf3.t WHERE k = 1", CL_ALL), ERR_UNAVAILABLE);
    cr_assert_eq(F.err.required, 3);
    cr_assert_eq(query_cl("SELECT * FROM rf3.t", CL_TWO), ERR_UNAVAILABLE);
    cr_assert_eq(query_cl("INSERT INTO rf3.t (k, v) VALUES (1, 1)", CL_ONE), 0, "%s", F.em.text);
    cr_assert_eq(query_cl("INSERT INTO rf3.t (k, v) VALUES (2, 1)", CL_ANY), 0, "%s", F.em.text);
    cr_assert_eq(query_cl("SELECT * FROM rf3.t WHERE k = 1", CL_LOCAL_ONE), 0, "%s", F.em.text);
    cr_assert_eq(query_cl("INSERT INTO ks.t (k, v) VALUES (1, 1)", CL_ALL), 0, "%s", F.em.text);
    cr_assert_eq(query_cl("SELECT * FROM ks.t", CL_QUORUM), 0, "%s", F.em.text);
}

Test(exec_coord, levels_the_operation_cannot_use_are_invalid)
{
    cr_assert_eq(query_cl("SELECT * FROM ks.t WHERE k = 1", CL_ANY), ERR_INVALID);
    cr_assert_str_eq(F.em.text, "ANY ConsistencyLevel is only supported for writes");
    cr_assert_eq(query_cl("INSERT INTO ks.t (k, v) VALUES (1, 1)", CL_SERIAL), ERR_INVALID);
    cr_assert_str_eq(F.em.text, "You must use conditional updates for serializable writes");
    cr_assert_eq(query_cl("INSERT INTO ks.t (k, v) VALUES (1, 1)", 0x77), ERR_PROTOCOL);
}

Test(exec_coord, client_timestamps_are_write_timestamps)
{
    struct cqlreq req;
    memset(&req, 0, sizeof req);
    req.opcode = CQLFRAME_OP_QUERY;
    req.query = cqlwire_str_c("INSERT INTO ks.t (k, v) VALUES (5, 5)");
    req.params.cl = CL_ONE;
    req.params.flags = CQLREQ_FLAG_TIMESTAMP;
    req.params.timestamp_us = 123456;
    cr_assert_eq(xf_submit(&F, &req), 0, "%s", F.em.text);
    xf_ok(&F, "SELECT writetime(v) FROM ks.t WHERE k = 5");
    cr_assert_eq((int64_t)be64_load(xf_cell(&F, 0, 0)->p), 123456);
    xf_ok(&F, "INSERT INTO ks.t (k, v) VALUES (6, 6)");
    xf_ok(&F, "SELECT writetime(v) FROM ks.t WHERE k = 6");
    int64_t server_ts = (int64_t)be64_load(xf_cell(&F, 0, 0)->p);
    cr_assert_gt(server_ts, 1700000000000000LL, "server timestamps are microseconds");
}

Test(exec_coord, reads_past_their_deadline_time_out)
{
    char q[64 + 1000 * 48];
    for (int b = 0; b < 30; b++) {
        size_t n = (size_t)snprintf(q, sizeof q, "BEGIN UNLOGGED BATCH ");
        for (int i = 0; i < 1000; i++)
            n += (size_t)snprintf(q + n, sizeof q - n, "INSERT INTO ks.t (k, v) VALUES (%d, 1); ",
                                  b * 1000 + i);
        snprintf(q + n, sizeof q - n, "APPLY BATCH");
        xf_ok(&F, q);
    }
    /* An executor whose coordinator gives reads 1 ms. */
    exec_destroy(F.x);
    coordinator_destroy(F.coord);
    struct coordinator_config cc = {.store = F.store,
                                    .ring = F.ring,
                                    .local_host_id = F.local.host_id,
                                    .read_timeout_ms = 1,
                                    .range_timeout_ms = 1};
    struct errmsg em;
    cr_assert_eq(coordinator_create(&cc, &F.coord, &em), 0, "%s", em.text);
    struct exec_env env = {
        .store = F.store, .schema = F.schema, .coord = F.coord, .local = &F.local};
    cr_assert_eq(exec_create(&env, &F.x, &em), 0, "%s", em.text);
    cr_assert_eq(query_cl("SELECT * FROM ks.t", CL_ONE), ERR_READ_TIMEOUT);
    cr_assert_eq(F.err.received, 0);
    cr_assert_eq(F.err.blockfor, 1);
    cr_assert_str_eq(F.em.text, "Operation timed out - received only 0 responses.");
}

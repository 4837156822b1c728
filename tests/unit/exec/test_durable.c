/* exec + coordinator: writes acknowledged only once durable (batch and group commit-log
   modes), and WriteTimeout when durability takes longer than write_request_timeout. */
#include <criterion/criterion.h>
#include <string.h>

#include "tests/unit/exec/fixture.h"

Test(exec_durable, batch_mode_writes_are_acknowledged_when_synced)
{
    struct xf f;
    xf_open_cfg(&f, COMMITLOG_SYNC_BATCH, 0, 5000);
    xf_ok(&f, "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', "
              "'replication_factor': 1}");
    xf_ok(&f, "CREATE TABLE ks.t (k int PRIMARY KEY, v int)");
    for (int i = 0; i < 20; i++) {
        char q[96];
        snprintf(q, sizeof q, "INSERT INTO ks.t (k, v) VALUES (%d, %d)", i, i);
        xf_ok(&f, q);
        cr_assert_eq(f.resp.kind, CQLRESP_KIND_VOID);
    }
    xf_ok(&f, "SELECT count(*) FROM ks.t");
    cr_assert_str_eq(xf_rows_text(&f), "20");
    xf_close(&f);
}

Test(exec_durable, slow_durability_is_a_write_timeout)
{
    struct xf f;
    xf_open_cfg(&f, COMMITLOG_SYNC_GROUP, 3000, 50);
    xf_ok(&f, "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', "
              "'replication_factor': 1}");
    xf_ok(&f, "CREATE TABLE ks.t (k int PRIMARY KEY, v int)");
    /* At most one sync starts per window: the first write may be synced at once, the next one
       waits for the window and times out first. */
    int rc = xf_query(&f, "INSERT INTO ks.t (k, v) VALUES (1, 1)");
    if (rc == 0) rc = xf_query(&f, "INSERT INTO ks.t (k, v) VALUES (1, 1)");
    cr_assert_eq(rc, ERR_WRITE_TIMEOUT, "%s", f.em.text);
    cr_assert_eq(f.err.received, 0);
    cr_assert_eq(f.err.blockfor, 1);
    cr_assert(cqlwire_str_eq(f.err.write_type, "SIMPLE"));
    cr_assert_eq(xf_query(&f, "BEGIN BATCH INSERT INTO ks.t (k, v) VALUES (2, 2); "
                              "INSERT INTO ks.t (k, v) VALUES (3, 3) APPLY BATCH"),
                 ERR_WRITE_TIMEOUT);
    cr_assert(cqlwire_str_eq(f.err.write_type, "BATCH"));
    /* The late durability callbacks arrive on the loop and free their state; a read after the
       group window has passed waits behind them. */
    xf_ok(&f, "SELECT count(*) FROM ks.t");
    xf_close(&f);
}

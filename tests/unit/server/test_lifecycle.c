/* Protocol server: start-up errors, the orderly stop with requests in flight, and the daemon's
 * shape (loop 0 attached to a uv loop the caller runs). */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "tests/unit/server/fake_exec.h"
#include "tests/support/tclient.h"

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

/* Stop closes connections at once but completes only after their in-flight requests. */
Test(server_lifecycle, stop_waits_for_inflight_requests)
{
    struct cql_server *s = fake_server_start(NULL);
    struct tclient t;
    cr_assert_eq(tclient_connect(&t, cql_server_port(s)), 0);
    cr_assert_eq(tclient_handshake(&t, 4, false), 0);
    for (int i = 0; i < 3; i++) cr_assert_eq(tclient_query(&t, (int16_t)i, "hold"), 0);
    int64_t deadline = tclient_now_ms() + TCLIENT_TIMEOUT_MS;
    while (atomic_load(&fake_exec_submitted) < 3 && tclient_now_ms() < deadline) sleep_ms(2);
    cr_assert_eq(atomic_load(&fake_exec_submitted), 3);
    cql_server_stop(s);
    cr_assert(tclient_wait_closed(&t, TCLIENT_TIMEOUT_MS), "connections close at stop");
    tclient_close(&t);
    sleep_ms(50);
    cr_assert(!cql_server_is_stopped(s), "still waiting for 3 requests");
    fake_exec_release();
    deadline = tclient_now_ms() + TCLIENT_TIMEOUT_MS;
    while (!cql_server_is_stopped(s) && tclient_now_ms() < deadline) sleep_ms(2);
    cr_assert(cql_server_is_stopped(s));
    cr_assert_eq(atomic_load(&fake_exec_done), 3);
    cql_server_destroy(s);
    fake_exec_stop();
}

Test(server_lifecycle, address_in_use_is_an_error_and_leaves_nothing_running)
{
    struct cql_server *s = fake_server_start(NULL);
    struct cql_server_config c;
    cql_server_config_default(&c);
    c.port = cql_server_port(s);
    c.loops = 3;
    c.submit = fake_exec_submit;
    struct cql_server *s2 = NULL;
    struct errmsg em;
    errmsg_clear(&em);
    cr_assert_neq(cql_server_create(&c, NULL, &s2, &em), 0);
    cr_assert(strstr(em.text, "cannot listen on 127.0.0.1:") != NULL, "%s", em.text);
    cr_assert(strstr(em.text, "in use") != NULL, "%s", em.text);
    /* REUSEPORT mode must not silently share a port either: the first listener has no
       SO_REUSEPORT, so the bind fails. */
    c.accept = CQL_SERVER_ACCEPT_REUSEPORT;
    cr_assert_neq(cql_server_create(&c, NULL, &s2, &em), 0);
    fake_server_stop(s);
}

static void reuseport(struct cql_server_config *c)
{
    c->accept = CQL_SERVER_ACCEPT_REUSEPORT;
    c->loops = 3;
}

Test(server_lifecycle, reuseport_mode_serves_on_every_loop)
{
    struct cql_server *s = fake_server_start(reuseport);
    struct tclient t[6];
    for (int i = 0; i < 6; i++) {
        cr_assert_eq(tclient_connect(&t[i], cql_server_port(s)), 0);
        cr_assert_eq(tclient_handshake(&t[i], 4, false), 0);
        cr_assert_eq(tclient_query(&t[i], 1, "sleep 5"), 0);
    }
    for (int i = 0; i < 6; i++) {
        struct cqlresp r;
        cr_assert_eq(tclient_recv(&t[i], &r, TCLIENT_TIMEOUT_MS), 1);
        cr_assert_str_eq(tclient_cell0(&t[i], &r), "sleep 5");
        tclient_close(&t[i]);
    }
    fake_server_stop(s);
}

/* The daemon's shape: loop 0 is a uv loop the caller runs; stop lets that loop end with no
 * handle left (uv_loop_close succeeds). */
static atomic_uintptr_t attached_srv;
static atomic_int loop_close_rc = 1;

static void *daemon_thread(void *arg)
{
    (void)arg;
    uv_loop_t loop;
    cr_assert_eq(uv_loop_init(&loop), 0);
    struct cql_server_config c;
    cql_server_config_default(&c);
    c.port = 0;
    c.loops = 2;
    c.submit = fake_exec_submit;
    struct cql_server *s = NULL;
    struct errmsg em;
    cr_assert_eq(cql_server_create(&c, &loop, &s, &em), 0, "%s", em.text);
    atomic_store(&attached_srv, (uintptr_t)s);
    uv_run(&loop, UV_RUN_DEFAULT); /* ends once loop 0's part of the stop is over */
    cql_server_destroy(s);           /* joins the other loops */
    atomic_store(&loop_close_rc, uv_loop_close(&loop));
    return NULL;
}

Test(server_lifecycle, attached_loop_ends_cleanly_after_stop)
{
    fake_exec_start();
    pthread_t th;
    pthread_create(&th, NULL, daemon_thread, NULL);
    int64_t deadline = tclient_now_ms() + TCLIENT_TIMEOUT_MS;
    while (!atomic_load(&attached_srv) && tclient_now_ms() < deadline) sleep_ms(1);
    struct cql_server *s = (struct cql_server *)atomic_load(&attached_srv);
    cr_assert_not_null(s);
    struct tclient t[4];
    for (int i = 0; i < 4; i++) { /* round robin: two on each loop */
        cr_assert_eq(tclient_connect(&t[i], cql_server_port(s)), 0);
        cr_assert_eq(tclient_handshake(&t[i], 4, true), 0);
        cr_assert_eq(tclient_query(&t[i], 7, "sleep 10"), 0);
    }
    for (int i = 0; i < 4; i++) {
        struct cqlresp r;
        cr_assert_eq(tclient_recv(&t[i], &r, TCLIENT_TIMEOUT_MS), 1);
        cr_assert_str_eq(tclient_cell0(&t[i], &r), "sleep 10");
    }
    cql_server_stop(s);
    pthread_join(th, NULL);
    cr_assert_eq(atomic_load(&loop_close_rc), 0, "no handle left on the caller's loop");
    for (int i = 0; i < 4; i++) {
        cr_assert(tclient_wait_closed(&t[i], TCLIENT_TIMEOUT_MS));
        tclient_close(&t[i]);
    }
    fake_exec_stop();
}

/* Protocol server: the AUTHENTICATE / AUTH_RESPONSE flow with a fake authenticator that
 * answers from another thread (as a real one hashing passwords on the thread pool would). */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/server/fake_exec.h"
#include "tests/support/tclient.h"

#define FAIL_DELAY_MS 150

struct verify_job {
    struct evloop_task task;
    struct auth_check *check;
};

static void verify_done_fn(struct evloop_task *t)
{
    struct verify_job *j = (struct verify_job *)t;
    struct auth_check *c = j->check;
    free(j);
    cr_assert_eq(evloop_current(), c->loop);
    c->done_cb(c);
}

static void *verify_thread(void *arg)
{
    struct verify_job *j = arg;
    struct auth_check *c = j->check;
    static const char good[] = "\0cassandra\0cassandra";
    if (c->token_len == sizeof good - 1 && memcmp(c->token, good, sizeof good - 1) == 0) {
        c->status = 0;
        snprintf(c->role, sizeof c->role, "cassandra");
        c->is_superuser = true;
    } else {
        c->status = errmsg_set(&c->em, ERR_AUTH,
                               "Provided username cassandra and/or password are incorrect");
    }
    evloop_post(c->loop, &j->task);
    return NULL;
}

static void fake_verify(struct auth *a, struct auth_check *c)
{
    (void)a;
    struct verify_job *j = calloc(1, sizeof *j);
    j->task.fn = verify_done_fn;
    j->check = c;
    pthread_t th;
    pthread_create(&th, NULL, verify_thread, j);
    pthread_detach(th);
}

static bool always(const struct auth *a)
{
    (void)a;
    return true;
}

static const struct auth_ops fake_ops = {AUTH_PASSWORD_AUTHENTICATOR, always, fake_verify};
static struct auth fake_auth = {&fake_ops};

static void with_auth(struct cql_server_config *c)
{
    c->auth = &fake_auth;
    c->auth_fail_delay_ms = FAIL_DELAY_MS;
}

static int auth_response(struct tclient *t, int16_t stream, const char *tok, size_t len)
{
    struct cqlreq q;
    memset(&q, 0, sizeof q);
    q.version = t->version;
    q.stream = stream;
    q.opcode = CQLFRAME_OP_AUTH_RESPONSE;
    q.token.p = (const uint8_t *)tok;
    q.token.len = (int32_t)len;
    return tclient_send(t, &q);
}

/* STARTUP with lz4 -> AUTHENTICATE; the driver's AUTH_RESPONSE is already compressed. */
static void start_auth(struct tclient *t, uint16_t port)
{
    cr_assert_eq(tclient_connect(t, port), 0);
    cr_assert_eq(tclient_startup(t, 0, "3.4.6", "lz4"), 0);
    struct cqlresp r;
    cr_assert_eq(tclient_recv(t, &r, TCLIENT_TIMEOUT_MS), 1);
    cr_assert_eq(r.opcode, CQLFRAME_OP_AUTHENTICATE);
    cr_assert(cqlwire_str_eq(r.authenticator, AUTH_PASSWORD_AUTHENTICATOR));
    t->lz4 = true;
}

Test(server_auth, good_credentials_get_auth_success_then_queries_work)
{
    struct cql_server *s = fake_server_start(with_auth);
    struct tclient t;
    start_auth(&t, cql_server_port(s));
    cr_assert_eq(tclient_query(&t, 1, "rows"), 0);
    struct cqlresp r;
    cr_assert_eq(tclient_recv(&t, &r, TCLIENT_TIMEOUT_MS), 1);
    cr_assert_eq(r.opcode, CQLFRAME_OP_ERROR);
    cr_assert(cqlwire_str_eq(r.error.message, "Unexpected message QUERY, expecting SASL_RESPONSE"));
    static const char tok[] = "\0cassandra\0cassandra";
    cr_assert_eq(auth_response(&t, 2, tok, sizeof tok - 1), 0);
    cr_assert_eq(tclient_recv(&t, &r, TCLIENT_TIMEOUT_MS), 1);
    cr_assert_eq(r.opcode, CQLFRAME_OP_AUTH_SUCCESS);
    cr_assert_eq(t.last.stream, 2);
    cr_assert_eq(tclient_query(&t, 3, "rows"), 0);
    cr_assert_eq(tclient_recv(&t, &r, TCLIENT_TIMEOUT_MS), 1);
    cr_assert_str_eq(tclient_cell0(&t, &r), "hello");
    tclient_close(&t);
    fake_server_stop(s);
}

Test(server_auth, bad_credentials_get_0x0100_after_the_delay)
{
    struct cql_server *s = fake_server_start(with_auth);
    struct tclient t;
    start_auth(&t, cql_server_port(s));
    static const char tok[] = "\0cassandra\0wrong";
    int64_t t0 = tclient_now_ms();
    cr_assert_eq(auth_response(&t, 4, tok, sizeof tok - 1), 0);
    struct cqlresp r;
    cr_assert_eq(tclient_recv(&t, &r, TCLIENT_TIMEOUT_MS), 1);
    int64_t took = tclient_now_ms() - t0;
    cr_assert_eq(r.opcode, CQLFRAME_OP_ERROR);
    cr_assert_eq(r.error.code, CQLERR_AUTH);
    cr_assert_eq(t.last.stream, 4);
    cr_assert(cqlwire_str_eq(r.error.message,
                             "Provided username cassandra and/or password are incorrect"));
    cr_assert_geq(took, FAIL_DELAY_MS - 5, "answered after %lld ms", (long long)took);
    /* The client may try again on the same connection. */
    static const char good[] = "\0cassandra\0cassandra";
    cr_assert_eq(auth_response(&t, 5, good, sizeof good - 1), 0);
    cr_assert_eq(tclient_recv(&t, &r, TCLIENT_TIMEOUT_MS), 1);
    cr_assert_eq(r.opcode, CQLFRAME_OP_AUTH_SUCCESS);
    tclient_close(&t);
    fake_server_stop(s);
}

/* A client that disconnects while its check runs does not crash the server. */
Test(server_auth, disconnect_during_check_is_harmless)
{
    struct cql_server *s = fake_server_start(with_auth);
    for (int i = 0; i < 20; i++) {
        struct tclient t;
        start_auth(&t, cql_server_port(s));
        static const char tok[] = "\0cassandra\0nope";
        cr_assert_eq(auth_response(&t, 1, tok, sizeof tok - 1), 0);
        tclient_close(&t);
    }
    int64_t deadline = tclient_now_ms() + TCLIENT_TIMEOUT_MS;
    while (cql_server_connections(s) > 0 && tclient_now_ms() < deadline) {
        struct timespec ts = {0, 2000000};
        nanosleep(&ts, NULL);
    }
    cr_assert_eq(cql_server_connections(s), 0);
    fake_server_stop(s);
}

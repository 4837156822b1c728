/* The authenticator's asynchronous path: verify() hashes on the thread pool and answers on the
   connection's loop, exactly once, with the session's role and superuser status. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "auth_fixture.h"
#include "node/base/clock.h"

static struct evloop loop;
static atomic_int done_count;
static atomic_bool done_on_loop = true;

static void on_done(struct auth_check *c)
{
    if (evloop_current() != c->loop) atomic_store(&done_on_loop, false);
    atomic_fetch_add(&done_count, 1);
}

static void close_fn(struct evloop_task *t)
{
    (void)t;
    evloop_close(&loop);
}

static void wait_done(int n)
{
    int64_t deadline = clock_mono_ms() + 10000;
    while (atomic_load(&done_count) < n && clock_mono_ms() < deadline) {
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    cr_assert_eq(atomic_load(&done_count), n);
}

Test(auth_verify, answers_on_the_loop_from_the_thread_pool)
{
    struct afx f;
    afx_open(&f, CONFIG_AUTH_PASSWORD, CONFIG_AUTHZ_ALLOW_ALL);
    afx_ok(&f, "cassandra", "CREATE ROLE bob WITH PASSWORD = 'pw' AND LOGIN = true");
    struct auth *a = auth_mgr_authenticator(f.m);
    cr_assert_not_null(a);
    cr_assert(auth_is_required(a));
    cr_assert_str_eq(a->ops->authenticator, AUTH_PASSWORD_AUTHENTICATOR);
    cr_assert_eq(evloop_create(&loop, 1), 0);
    cr_assert_eq(evloop_start(&loop), 0);
    static const char good[] = "\0cassandra\0cassandra", bob[] = "\0bob\0pw",
                      bad[] = "\0bob\0nope", junk[] = "a\0b\0c\0d";
    const char *toks[] = {good, bob, bad, junk};
    size_t lens[] = {sizeof good - 1, sizeof bob - 1, sizeof bad - 1, sizeof junk - 1};
    struct auth_check checks[4];
    for (int i = 0; i < 4; i++) {
        checks[i] = (struct auth_check){.loop = &loop,
                                        .token = (const uint8_t *)toks[i],
                                        .token_len = lens[i],
                                        .done_cb = on_done};
        a->ops->verify(a, &checks[i]);
    }
    wait_done(4);
    cr_assert(atomic_load(&done_on_loop), "done_cb ran on the connection's loop");
    cr_assert_eq(checks[0].status, 0, "%s", checks[0].em.text);
    cr_assert_str_eq(checks[0].role, "cassandra");
    cr_assert(checks[0].is_superuser);
    cr_assert_eq(checks[1].status, 0, "%s", checks[1].em.text);
    cr_assert_str_eq(checks[1].role, "bob");
    cr_assert_not(checks[1].is_superuser);
    cr_assert_eq(checks[2].status, ERR_AUTH);
    cr_assert_str_eq(checks[2].em.text, "Provided username bob and/or password are incorrect");
    cr_assert_eq(checks[3].status, ERR_AUTH);
    struct evloop_task t = {.fn = close_fn};
    evloop_post(&loop, &t);
    evloop_join(&loop);
    afx_close(&f);
}

Test(auth_verify, allow_all_gives_the_server_no_authenticator)
{
    struct afx f;
    afx_open(&f, CONFIG_AUTH_ALLOW_ALL, CONFIG_AUTHZ_ALLOW_ALL);
    cr_assert_null(auth_mgr_authenticator(f.m));
    cr_assert_not(auth_is_required(NULL));
    afx_close(&f);
}

Test(auth_verify, allow_all_authenticator_refuses_cassandra_authorizer)
{
    struct auth_mgr_config c;
    auth_mgr_config_defaults(&c);
    c.authorizer = CONFIG_AUTHZ_CASSANDRA;
    struct auth_mgr *m = NULL;
    struct errmsg em = {0};
    cr_assert_eq(auth_mgr_create(&c, NULL, &m, &em), ERR_CONFIG);
    cr_assert_str_eq(em.text, "AllowAllAuthenticator can't be used with CassandraAuthorizer");
}

/* The default role's setup run after start-up (the node queues it on the thread pool once the
   rest is up): while it is pending, logins and role statements wait for it and then see the
   default superuser, instead of failing or racing it. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <string.h>

#include "auth_fixture.h"
#include "node/cqlproto/cqlrows.h"

struct login_arg {
    struct afx *f;
    const char *password;
    int status;
    bool is_super;
    struct errmsg em;
};

static void *login_thread(void *p)
{
    struct login_arg *a = p;
    a->status = afx_login(a->f, "cassandra", a->password, &a->is_super, &a->em);
    return NULL;
}

static void run_setup(struct afx *f, bool want_created)
{
    bool created = !want_created;
    struct errmsg em = {0};
    cr_assert_eq(auth_mgr_setup(f->m, &created, &em), 0, "%s", em.text);
    cr_assert_eq(created, want_created);
}

Test(auth_setup, wait_is_immediate_without_a_pending_setup)
{
    struct afx f;
    afx_open(&f, CONFIG_AUTH_PASSWORD, CONFIG_AUTHZ_ALLOW_ALL);
    cr_assert(auth_mgr_wait_setup(f.m, 0));
    afx_close(&f);
}

Test(auth_setup, wait_times_out_while_pending_and_ends_with_the_setup)
{
    struct afx f;
    afx_open_deferred(&f, CONFIG_AUTH_ALLOW_ALL, CONFIG_AUTHZ_ALLOW_ALL);
    cr_assert_not(auth_mgr_wait_setup(f.m, 0));
    cr_assert_not(auth_mgr_wait_setup(f.m, 20), "a pending setup times the wait out");
    run_setup(&f, true);
    cr_assert(auth_mgr_wait_setup(f.m, 0));
    afx_close(&f);
}

Test(auth_setup, logins_before_the_setup_wait_and_succeed)
{
    struct afx f;
    afx_open_deferred(&f, CONFIG_AUTH_PASSWORD, CONFIG_AUTHZ_ALLOW_ALL);
    struct login_arg good = {.f = &f, .password = "cassandra"};
    struct login_arg bad = {.f = &f, .password = "wrong"};
    pthread_t tg, tb;
    cr_assert_eq(pthread_create(&tg, NULL, login_thread, &good), 0);
    cr_assert_eq(pthread_create(&tb, NULL, login_thread, &bad), 0);
    run_setup(&f, true);
    pthread_join(tg, NULL);
    pthread_join(tb, NULL);
    cr_assert_eq(good.status, 0, "the default superuser logs in: %s", good.em.text);
    cr_assert(good.is_super);
    cr_assert_eq(bad.status, ERR_AUTH);
    cr_assert_str_eq(bad.em.text, "Provided username cassandra and/or password are incorrect");
    afx_close(&f);
}

struct stmt_arg {
    struct afx *f;
    int status;
};

static void *create_role_thread(void *p)
{
    struct stmt_arg *a = p;
    a->status = afx_exec(a->f, "cassandra", "CREATE ROLE early WITH LOGIN = false");
    return NULL;
}

/* A role statement sent before the setup ran waits for it: it runs as the default superuser,
   and, run first, it would keep that role from being created (the setup creates it only when
   no role exists). */
Test(auth_setup, role_statements_run_after_the_setup)
{
    struct afx f;
    afx_open_deferred(&f, CONFIG_AUTH_PASSWORD, CONFIG_AUTHZ_ALLOW_ALL);
    struct stmt_arg a = {.f = &f};
    pthread_t t;
    cr_assert_eq(pthread_create(&t, NULL, create_role_thread, &a), 0);
    run_setup(&f, true);
    pthread_join(t, NULL);
    cr_assert_eq(a.status, 0, "%s", f.r.em.text);
    afx_ok(&f, "cassandra", "LIST ROLES");
    struct cqlrows rows;
    afx_rows(&f, &rows);
    cr_assert_eq(rows.nrows, 2);
    cr_assert_str_eq(afx_cell(&f, &rows, 0, 0), "cassandra");
    cr_assert_str_eq(afx_cell(&f, &rows, 1, 0), "early");
    afx_close(&f);
}

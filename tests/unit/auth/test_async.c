/* auth_stmt_execute's thread-pool round trip: the statement runs off the loop, done_cb is
   called once on the request's loop with the result in r->body. */
#include <criterion/criterion.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "auth_fixture.h"
#include "node/base/be.h"
#include "node/base/clock.h"
#include "node/cql/parser.h"

static struct evloop loop;
static atomic_int ndone;
static atomic_int status;
static atomic_bool on_loop = true;

static void request_done(struct cql_request *r, int st)
{
    if (evloop_current() != r->loop) atomic_store(&on_loop, false);
    atomic_store(&status, st);
    atomic_fetch_add(&ndone, 1);
}

static void close_fn(struct evloop_task *t)
{
    (void)t;
    evloop_close(&loop);
}

static int run_async(struct afx *f, struct cql_session *sess, const char *cql)
{
    struct ast_stmt *s;
    struct errmsg em = {0};
    arena_reset(&f->a);
    cr_assert_eq(parser_parse(cql, strlen(cql), &f->a, &s, &em), 0, "%s", em.text);
    memset(&f->r, 0, sizeof f->r);
    buf_reset(&f->body);
    f->r.body = f->body;
    f->r.arena = &f->a;
    f->r.loop = &loop;
    f->r.session = sess;
    f->r.done_cb = request_done;
    int before = atomic_load(&ndone);
    auth_stmt_execute(f->m, &f->r, s);
    int64_t deadline = clock_mono_ms() + 10000;
    while (atomic_load(&ndone) == before && clock_mono_ms() < deadline) {
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    cr_assert_eq(atomic_load(&ndone), before + 1, "answered once");
    f->body = f->r.body;
    return atomic_load(&status);
}

Test(auth_async, statements_answer_on_the_loop)
{
    struct afx f;
    afx_open(&f, CONFIG_AUTH_PASSWORD, CONFIG_AUTHZ_ALLOW_ALL);
    cr_assert_eq(evloop_create(&loop, 1), 0);
    cr_assert_eq(evloop_start(&loop), 0);
    struct cql_session sess = {.version = 4, .role = "cassandra", .authenticated = true};
    cr_assert_eq(run_async(&f, &sess, "CREATE ROLE r1 WITH LOGIN = true"), 0, "%s",
                 f.r.em.text);
    cr_assert(afx_is_void(&f));
    cr_assert_eq(run_async(&f, &sess, "LIST ROLES OF r1"), 0, "%s", f.r.em.text);
    struct cqlrows rows;
    afx_rows(&f, &rows);
    cr_assert_eq(rows.nrows, 1);
    cr_assert_str_eq(afx_cell(&f, &rows, 0, 0), "r1");
    cr_assert_eq(run_async(&f, &sess, "CREATE ROLE r1"), ERR_INVALID);
    cr_assert_str_eq(f.r.em.text, "r1 already exists");
    struct cql_session anon = {.version = 4};
    cr_assert_eq(run_async(&f, &anon, "DROP ROLE r1"), ERR_UNAUTHORIZED);
    cr_assert(atomic_load(&on_loop), "done_cb ran on the request's loop");
    struct evloop_task t = {.fn = close_fn};
    evloop_post(&loop, &t);
    evloop_join(&loop);
    afx_close(&f);
}

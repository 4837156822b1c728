/* ddl_fixture: see ddl_fixture.h. */
#include "ddl_fixture.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "node/base/buf.h"
#include "node/base/log.h"
#include "node/cql/parser.h"
#include "node/cqlproto/cqlevent.h"
#include "node/cqlproto/cqlwire.h"
#include "schema_fixture.h"

static void open_mgr(struct ddl_env *e, bool with_store)
{
    struct errmsg em;
    e->st = NULL;
    if (with_store) {
        struct store_config sc;
        store_config_defaults(&sc);
        char data[600], cl[600];
        snprintf(data, sizeof data, "%s/data", e->dir);
        snprintf(cl, sizeof cl, "%s/commitlog", e->dir);
        sc.data_dir = data;
        sc.commitlog_dir = cl;
        cr_assert_eq(store_open(&sc, &e->st, &em), 0, "%s", em.text);
    }
    char data[600];
    snprintf(data, sizeof data, "%s/data", e->dir);
    cr_assert_eq(schema_mgr_open(NULL, data, e->st, &e->m, &em), 0, "%s", em.text);
    if (e->st) cr_assert_eq(store_replay(e->st, &em), 0, "%s", em.text);
    schema_mgr_set_local(e->m, &e->local);
}

void ddl_env_open(struct ddl_env *e, bool with_store)
{
    memset(e, 0, sizeof *e);
    snprintf(e->dir, sizeof e->dir, "%s", sfx_tmpdir());
    cr_assert_eq(uv_loop_init(&e->uv), 0);
    cr_assert_eq(evloop_attach(&e->loop, &e->uv, 0), 0);
    log_set_level(LOG_WARN);
    e->session.version = 4;
    snprintf(e->local.dc, sizeof e->local.dc, "datacenter1");
    snprintf(e->local.rack, sizeof e->local.rack, "rack1");
    e->local.cluster_name = "Test Cluster";
    open_mgr(e, with_store);
}

void ddl_env_close(struct ddl_env *e)
{
    schema_mgr_close(e->m);
    e->m = NULL;
    store_close(e->st);
    e->st = NULL;
}

void ddl_env_reopen(struct ddl_env *e, bool with_store)
{
    open_mgr(e, with_store);
}

void ddl_env_destroy(struct ddl_env *e)
{
    ddl_env_close(e);
    evloop_close(&e->loop);
    while (uv_run(&e->uv, UV_RUN_NOWAIT) != 0) {
    }
    cr_expect_eq(uv_loop_close(&e->uv), 0);
    sfx_rmdir(e->dir);
}

struct pending {
    bool done;
    int status;
};

static void on_done(struct cql_request *r, int status)
{
    struct pending *p = r->user;
    p->done = true;
    p->status = status;
}

static void copy_str(char *dst, size_t cap, struct cqlwire_str s)
{
    snprintf(dst, cap, "%.*s", (int)s.len, s.p ? s.p : "");
}

static void decode_result(const struct cql_request *r, struct ddl_answer *a)
{
    struct rbuf rb;
    rbuf_init(&rb, r->body.data, r->body.len);
    uint32_t kind = 0;
    cr_assert_eq(rbuf_be32(&rb, &kind), 0);
    if (kind == 1) {
        a->is_void = true;
        cr_assert_eq(rbuf_left(&rb), 0);
        return;
    }
    cr_assert_eq(kind, 5, "result kind %u", kind);
    struct arena ar;
    arena_init(&ar, 1024);
    struct cqlevent_schema sc;
    cr_assert_eq(cqlevent_schema_get(&rb, &ar, &sc), 0);
    copy_str(a->change, sizeof a->change, sc.change);
    copy_str(a->target, sizeof a->target, sc.target);
    copy_str(a->keyspace, sizeof a->keyspace, sc.keyspace);
    copy_str(a->name, sizeof a->name, sc.name);
    arena_deinit(&ar);
}

void ddl_run(struct ddl_env *e, const char *cql, struct ddl_answer *a)
{
    memset(a, 0, sizeof *a);
    struct arena ar;
    arena_init(&ar, 4096);
    struct ast_stmt *s = NULL;
    struct errmsg em;
    cr_assert_eq(parser_parse(cql, strlen(cql), &ar, &s, &em), 0, "%s: %s", cql, em.text);
    struct pending p = {0};
    struct cql_request r = {.loop = &e->loop, .session = &e->session, .arena = &ar,
                            .done_cb = on_done, .user = &p};
    buf_init(&r.body);
    schema_mgr_execute(e->m, &r, s);
    for (int i = 0; !p.done && i < 100000; i++)
        uv_run(&e->uv, UV_RUN_ONCE);
    cr_assert(p.done, "no answer for %s", cql);
    a->status = p.status;
    if (p.status != 0) {
        snprintf(a->message, sizeof a->message, "%s", r.em.text);
        copy_str(a->ae_keyspace, sizeof a->ae_keyspace, r.err.keyspace);
        copy_str(a->ae_table, sizeof a->ae_table, r.err.table);
    } else {
        decode_result(&r, a);
        if (r.nwarnings) snprintf(a->warning, sizeof a->warning, "%s", r.warnings[0]);
    }
    buf_deinit(&r.body);
    arena_deinit(&ar);
}

const char *ddl_answer_text(const struct ddl_answer *a, char *out, size_t cap)
{
    if (a->status != 0)
        snprintf(out, cap, "ERR %04x %s", err_cql_code(a->status), a->message);
    else if (a->is_void)
        snprintf(out, cap, "VOID");
    else if (a->name[0])
        snprintf(out, cap, "%s %s %s %s", a->change, a->target, a->keyspace, a->name);
    else
        snprintf(out, cap, "%s %s %s", a->change, a->target, a->keyspace);
    return out;
}

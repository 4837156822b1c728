/*
 * exec: the executor's dispatch (see exec.h). A request takes a reference on the current
 * catalog, is parsed (QUERY) or looked up (EXECUTE, exec_prepared.c), and goes by statement
 * kind to: the statement engine (stmt.h: SELECT, INSERT, UPDATE, DELETE, BATCH), USE (here),
 * the schema manager (DDL, TRUNCATE), the role manager (role and permission statements,
 * auth_stmt.h), DESCRIBE (describe.h), or an Invalid answer (functions, views, triggers).
 *
 * Every path ends in exec_finish, which drops the catalog, the statement analysed for this
 * request and the prepared entries it used, then answers through r->done_cb. Requests handed
 * to the schema or role manager drop everything first: those answer r->done_cb themselves.
 * Thread rule: the connection's loop thread (see exec.h).
 */
#include "node/cql/exec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/base/clock.h"
#include "node/base/mem.h"
#include "node/cql/auth_stmt.h"
#include "node/cql/catalog.h"
#include "node/cql/describe.h"
#include "node/cql/exec_int.h"
#include "node/cql/parser.h"
#include "node/cql/prepared.h"
#include "node/cql/schema_mgr.h"
#include "node/cql/stmt.h"
#include "node/cqlproto/cqlresp.h"

int exec_create(const struct exec_env *env, struct exec **out, struct errmsg *em)
{
    if (!env->store || !env->schema || !env->coord)
        return errmsg_set(em, ERR_CONFIG, "executor: store, schema and coordinator are required");
    struct exec *x = xcalloc(1, sizeof *x);
    x->env = *env;
    atomic_init(&x->events, env->events);
    atomic_init(&x->last_ts_us, 0);
    prepared_cache_create(PREPARED_CACHE_BYTES_DEFAULT, PREPARED_CACHE_COUNT_DEFAULT, &x->prepared);
    *out = x;
    return 0;
}

void exec_destroy(struct exec *x)
{
    if (!x) return;
    prepared_cache_destroy(x->prepared);
    free(x);
}

void exec_set_events(struct exec *x, struct cql_events *ev)
{
    atomic_store(&x->events, ev);
    schema_mgr_set_events(x->env.schema, ev);
}

int64_t exec_timestamp_us(struct exec *x)
{
    int64_t now = clock_real_us(), last = atomic_load(&x->last_ts_us), next;
    do {
        next = now > last ? now : last + 1;
    } while (!atomic_compare_exchange_weak(&x->last_ts_us, &last, next));
    return next;
}

void exec_finish(struct exec_req *q, int status)
{
    struct cql_request *r = q->r;
    stmt_release(q->owned);
    q->owned = NULL;
    for (uint32_t i = 0; i < q->nrefs; i++)
        prepared_unref(q->refs[i]);
    q->nrefs = 0;
    catalog_unref(q->catalog);
    q->catalog = NULL;
    if (status != 0 && r->em.code == 0) r->em.code = status;
    r->done_cb(r, status);
}

static void run_done(struct stmt_run *run, int status)
{
    exec_finish(run->user, status);
}

void exec_run(struct exec_req *q, struct stmt_run *run)
{
    run->done = run_done;
    run->user = q;
    stmt_execute(run);
}

/* Values in marker order: positional, or matched by name (flag 0x40). */
static int order_values(struct exec_req *q, const struct stmt *st, const struct cqlreq_params *p,
                        const struct cqlwire_value **out, struct errmsg *em)
{
    uint32_t n = (p->flags & CQLREQ_FLAG_VALUES) ? p->nvalues : 0;
    if (n != st->nmarkers)
        return errmsg_set(em, ERR_INVALID, "There were %u markers(?) in CQL but %u bound variables",
                          st->nmarkers, n);
    *out = p->values;
    if (!(p->flags & CQLREQ_FLAG_NAMES) || n == 0) return 0;
    struct cqlwire_value *v = arena_zalloc(q->r->arena, n * sizeof *v);
    for (uint32_t i = 0; i < n; i++) {
        const char *want = st->markers[i].name;
        uint32_t k = 0;
        while (k < n && !cqlwire_str_eq_nocase(p->names[k], want))
            k++;
        if (k == n)
            return errmsg_set(em, ERR_INVALID, "No value given for bound variable %s", want);
        v[i] = p->values[k];
    }
    *out = v;
    return 0;
}

int exec_run_init(struct exec_req *q, const struct stmt *st, const struct cqlreq_params *params,
                  struct stmt_run **out)
{
    struct cql_request *r = q->r;
    struct stmt_run *run = arena_zalloc(r->arena, sizeof *run);
    run->x = q->x;
    run->r = r;
    run->catalog = q->catalog;
    run->st = st;
    run->batch_type = st->batch_type;
    run->cl = params->cl;
    run->serial_cl = (params->flags & CQLREQ_FLAG_SERIAL_CL) ? params->serial_cl : CL_SERIAL;
    run->page_size = (params->flags & CQLREQ_FLAG_PAGE_SIZE) ? params->page_size : 0;
    if ((params->flags & CQLREQ_FLAG_PAGING_STATE) && params->paging_state.len > 0)
        run->paging_state = &params->paging_state;
    run->skip_metadata = (params->flags & CQLREQ_FLAG_SKIP_METADATA) != 0;
    run->timestamp_us = INT64_MIN;
    if (params->flags & CQLREQ_FLAG_TIMESTAMP) {
        if (params->timestamp_us == INT64_MIN)
            return errmsg_set(&r->em, ERR_PROTOCOL,
                              "Out of bound timestamp, must be in [%lld, %lld]",
                              (long long)INT64_MIN + 1, (long long)INT64_MAX);
        run->timestamp_us = params->timestamp_us;
    }
    run->now_ms = clock_real_ms();
    run->now_s = (int32_t)(run->now_ms / 1000);
    int rc = order_values(q, st, params, &run->values, &r->em);
    if (rc) return rc;
    run->nvalues = st->nmarkers;
    q->run = run;
    *out = run;
    return 0;
}

static void do_use(struct exec_req *q, const char *name)
{
    struct cql_request *r = q->r;
    const struct catalog_keyspace *ks = catalog_keyspace(q->catalog, name);
    if (!ks) {
        exec_finish(q, errmsg_set(&r->em, ERR_INVALID, "Keyspace '%s' does not exist", name));
        return;
    }
    snprintf(r->session->keyspace, sizeof r->session->keyspace, "%s", ks->name);
    cqlresp_put_set_keyspace(&r->body, cqlwire_str_c(ks->name));
    exec_finish(q, 0);
}

static const char *unsupported_name(enum ast_unsupported_kind k)
{
    switch (k) {
    case AST_UNSUP_CREATE_FUNCTION:
        return "CREATE FUNCTION";
    case AST_UNSUP_DROP_FUNCTION:
        return "DROP FUNCTION";
    case AST_UNSUP_CREATE_AGGREGATE:
        return "CREATE AGGREGATE";
    case AST_UNSUP_DROP_AGGREGATE:
        return "DROP AGGREGATE";
    case AST_UNSUP_CREATE_VIEW:
        return "CREATE MATERIALIZED VIEW";
    case AST_UNSUP_ALTER_VIEW:
        return "ALTER MATERIALIZED VIEW";
    case AST_UNSUP_DROP_VIEW:
        return "DROP MATERIALIZED VIEW";
    case AST_UNSUP_CREATE_TRIGGER:
        return "CREATE TRIGGER";
    case AST_UNSUP_DROP_TRIGGER:
        return "DROP TRIGGER";
    }
    return "This statement";
}

void exec_other(struct exec_req *q, const struct ast_stmt *ast)
{
    struct cql_request *r = q->r;
    if (ast->kind == AST_USE) {
        do_use(q, ast->u.use.name);
        return;
    }
    if (ast_stmt_is_schema_change(ast) || ast->kind == AST_TRUNCATE) {
        struct exec *x = q->x;
        stmt_release(q->owned);
        q->owned = NULL;
        catalog_unref(q->catalog);
        q->catalog = NULL;
        schema_mgr_execute(x->env.schema, r, ast); /* answers r->done_cb itself */
        return;
    }
    if (auth_stmt_handles(ast->kind) && q->x->env.auth_mgr) {
        struct exec *x = q->x;
        stmt_release(q->owned);
        q->owned = NULL;
        catalog_unref(q->catalog);
        q->catalog = NULL;
        auth_stmt_execute(x->env.auth_mgr, r, ast); /* answers r->done_cb itself */
        return;
    }
    if (ast->kind == AST_DESCRIBE) {
        const struct cqlreq_params *p = &r->req->params;
        struct describe_req d = {.d = &ast->u.describe,
                                 .session_keyspace = r->session->keyspace,
                                 .version = r->req->version,
                                 .local = q->x->env.local};
        if (p->flags & CQLREQ_FLAG_PAGE_SIZE) d.page_size = p->page_size;
        if ((p->flags & CQLREQ_FLAG_PAGING_STATE) && p->paging_state.len > 0) {
            d.paging_state = p->paging_state.p;
            d.paging_state_len = (size_t)p->paging_state.len;
        }
        exec_finish(q, describe_execute(q->catalog, &d, &r->body, &r->em));
        return;
    }
    if (ast->kind == AST_UNSUPPORTED) {
        exec_finish(q, errmsg_set(&r->em, ERR_INVALID, "%s is not supported by ringdb",
                                  unsupported_name(ast->u.unsupported.kind)));
        return;
    }
    exec_finish(q, errmsg_set(&r->em, ERR_INVALID,
                              "%s is not supported yet: ringdb runs with AllowAllAuthenticator "
                              "(roles and permissions come with PasswordAuthenticator)",
                              ast_stmt_kind_name(ast->kind)));
}

static bool is_engine_stmt(enum ast_stmt_kind k)
{
    return k == AST_SELECT || k == AST_INSERT || k == AST_UPDATE || k == AST_DELETE ||
           k == AST_BATCH;
}

static void do_query(struct exec_req *q)
{
    struct cql_request *r = q->r;
    struct ast_stmt *ast;
    int rc = parser_parse(r->req->query.p, r->req->query.len, r->arena, &ast, &r->em);
    if (rc) {
        exec_finish(q, rc);
        return;
    }
    if (!is_engine_stmt(ast->kind)) {
        exec_other(q, ast);
        return;
    }
    struct stmt *st;
    struct stmt_run *run;
    if ((rc = stmt_prepare(q->catalog, r->session->keyspace, ast, r->arena, &st, &r->em))) {
        exec_finish(q, rc);
        return;
    }
    q->owned = st;
    if ((rc = exec_run_init(q, st, &r->req->params, &run))) {
        exec_finish(q, rc);
        return;
    }
    exec_run(q, run);
}

void exec_submit(struct exec *x, struct cql_request *r)
{
    struct exec_req *q = arena_zalloc(r->arena, sizeof *q);
    q->x = x;
    q->r = r;
    q->catalog = schema_mgr_current(x->env.schema);
    switch (r->req->opcode) {
    case CQLFRAME_OP_QUERY:
        do_query(q);
        return;
    case CQLFRAME_OP_PREPARE:
        exec_prepare_msg(q);
        return;
    case CQLFRAME_OP_EXECUTE:
        exec_execute_msg(q);
        return;
    case CQLFRAME_OP_BATCH:
        exec_batch_msg(q);
        return;
    default:
        exec_finish(q, errmsg_set(&r->em, ERR_PROTOCOL, "Unexpected message opcode 0x%02x",
                                  r->req->opcode));
    }
}

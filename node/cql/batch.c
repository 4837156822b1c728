/* batch: see batch.h. */
#include "node/cql/batch.h"

#include <string.h>

#include "node/cql/dml.h"
#include "node/cql/dml_int.h"

int batch_check_child(const struct stmt *child, uint8_t batch_type, struct errmsg *em)
{
    if (child->kind != AST_INSERT && child->kind != AST_UPDATE && child->kind != AST_DELETE)
        return errmsg_set(em, ERR_INVALID,
                          "Invalid statement in batch: only UPDATE, INSERT and DELETE statements "
                          "are allowed.");
    if (batch_type == AST_BATCH_COUNTER)
        return errmsg_set(em, ERR_INVALID, "Counter batches are not supported by ringdb yet");
    if (child->dml->conditional)
        return errmsg_set(em, ERR_INVALID,
                          "Conditional statements in BATCH are not supported by ringdb yet");
    return 0;
}

int batch_prepare(struct bind_env *env, const struct catalog *c, const char *keyspace,
                  const struct ast_stmt *ast, struct stmt *st, struct errmsg *em)
{
    const struct ast_batch *b = &ast->u.batch;
    st->batch_type = (uint8_t)b->type;
    st->nchildren = 0;
    st->children = arena_zalloc(env->arena, (b->n + 1) * sizeof *st->children);
    for (uint32_t i = 0; i < b->n; i++) {
        struct stmt *ch = arena_zalloc(env->arena, sizeof *ch);
        ch->kind = b->stmts[i]->kind;
        ch->ast = b->stmts[i];
        st->children[st->nchildren++] = ch;
        int rc = dml_prepare(env, c, keyspace, b->stmts[i], ch, em);
        if (rc == 0) rc = batch_check_child(ch, st->batch_type, em);
        if (rc == 0 && b->attrs.timestamp && ch->dml->ts)
            rc = errmsg_set(em, ERR_INVALID,
                            "Timestamp must be set either on BATCH or individual statements");
        if (rc) return rc;
    }
    if (b->attrs.ttl)
        return errmsg_set(em, ERR_INVALID, "Global TTL on the BATCH statement is not supported.");
    st->batch_ts = b->attrs.timestamp;
    st->batch_ts_recv = bind_recv_native("[timestamp]", CQL_BIGINT);
    struct bind_value v;
    return st->batch_ts ? bind_term(env, st->batch_ts, &st->batch_ts_recv, &v, em) : 0;
}

struct batch_run {
    uint32_t n;
    struct dml_bound **bs;
};

static void after_prefetch(struct stmt_run *run, struct dml_prefetch *pf, int status)
{
    struct batch_run *br = run->state;
    if (status != 0) {
        run->done(run, status);
        return;
    }
    struct dml_build b;
    dml_build_init(&b, run->r->arena);
    for (uint32_t i = 0; i < br->n; i++) {
        int rc = dml_apply(br->bs[i], pf, &b, &run->r->em);
        if (rc) {
            run->done(run, rc);
            return;
        }
    }
    const char *wt =
        run->batch_type == AST_BATCH_UNLOGGED ? COORD_WRITE_UNLOGGED_BATCH : COORD_WRITE_BATCH;
    dml_write(run, &b, wt, NULL);
}

static int batch_timestamp(struct stmt_run *run, int64_t *ts, struct errmsg *em)
{
    const struct stmt *st = run->st;
    *ts = run->timestamp_us != INT64_MIN ? run->timestamp_us : exec_timestamp_us(run->x);
    if (!st->batch_ts) return 0;
    struct bind_env env;
    stmt_run_env(run, &env, st, run->values, run->nvalues);
    struct bind_value v;
    int rc = bind_term(&env, st->batch_ts, &st->batch_ts_recv, &v, em);
    if (rc) return rc;
    if (v.kind == BIND_NULL) return errmsg_set(em, ERR_INVALID, "Invalid null value of timestamp");
    if (v.kind == BIND_VALUE && !bind_value_int64(&v, ts))
        return errmsg_set(em, ERR_INVALID, "Invalid timestamp value");
    return 0;
}

void batch_execute(struct stmt_run *run)
{
    const struct stmt *st = run->st;
    struct arena *a = run->r->arena;
    struct batch_run *br = arena_zalloc(a, sizeof *br);
    br->n = st->nchildren;
    br->bs = arena_zalloc(a, (br->n + 1) * sizeof *br->bs);
    run->state = br;
    int64_t ts;
    int rc = batch_timestamp(run, &ts, &run->r->em);
    bool needs_read = false;
    for (uint32_t i = 0; rc == 0 && i < br->n; i++) {
        const struct cqlwire_value *vals = run->child_values ? run->child_values[i] : run->values;
        uint32_t nv = run->child_values ? run->child_nvalues[i] : run->nvalues;
        br->bs[i] = arena_zalloc(a, sizeof *br->bs[i]);
        rc = dml_bind(run, st->children[i], vals, nv, ts, br->bs[i], &run->r->em);
        needs_read |= st->children[i]->dml->needs_read;
    }
    if (rc) {
        run->done(run, rc);
        return;
    }
    if (needs_read)
        dml_prefetch(run, br->bs, br->n, after_prefetch);
    else
        after_prefetch(run, NULL, 0);
}

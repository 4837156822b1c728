/*
 * dml_exec: binding a modification statement, turning it into writes (dml_build) and
 * writing them through the coordinator (see dml.h).
 */
#include <string.h>

#include "node/cql/dml.h"
#include "node/cql/dml_int.h"
#include "node/cqlproto/cqlresp.h"
#include "ring/partitioner.h"

static int bind_attrs(struct bind_env *env, const struct stmt_run *run, const struct dml_plan *p,
                      const struct table_schema *t, int64_t default_ts, struct dml_bound *o,
                      struct errmsg *em)
{
    struct bind_value v;
    int rc;
    o->ts_us = default_ts != INT64_MIN          ? default_ts
               : run->timestamp_us != INT64_MIN ? run->timestamp_us
                                                : exec_timestamp_us(run->x);
    if (p->ts) {
        if ((rc = bind_term(env, p->ts, &p->ts_recv, &v, em))) return rc;
        if (v.kind == BIND_NULL)
            return errmsg_set(em, ERR_INVALID, "Invalid null value of timestamp");
        if (v.kind == BIND_VALUE && !bind_value_int64(&v, &o->ts_us))
            return errmsg_set(em, ERR_INVALID, "Invalid timestamp value");
        if (o->ts_us == INT64_MIN) return errmsg_set(em, ERR_INVALID, "Invalid timestamp value");
    }
    o->ttl_s = t->opts.default_time_to_live;
    if (p->ttl) {
        if ((rc = bind_term(env, p->ttl, &p->ttl_recv, &v, em))) return rc;
        if (v.kind == BIND_NULL) return errmsg_set(em, ERR_INVALID, "Invalid null value of TTL");
        int32_t ttl = 0;
        if (v.kind == BIND_VALUE) {
            if (!bind_value_int32(&v, &ttl))
                return errmsg_set(em, ERR_INVALID, "Invalid TTL value");
            if (ttl < 0)
                return errmsg_set(em, ERR_INVALID,
                                  "A TTL must be greater or equal to 0, but was %d", ttl);
            if (ttl > DML_TTL_MAX_S)
                return errmsg_set(em, ERR_INVALID, "ttl is too large. requested (%d) maximum (%d)",
                                  ttl, DML_TTL_MAX_S);
            o->ttl_s = ttl;
        }
    }
    return 0;
}

/* INSERT: the key and clustering come from the values. */
static int insert_keys(struct bind_env *env, const struct table_schema *t, struct dml_bound *o,
                       bool static_only, struct errmsg *em)
{
    struct arena *a = env->arena;
    struct bind_value *kv = arena_zalloc(a, (t->npk + t->nck + 1) * sizeof *kv);
    bool *have = arena_zalloc(a, t->npk + t->nck + 1);
    for (uint32_t i = 0; i < o->nvalues; i++) {
        uint16_t col = o->value_cols[i];
        if (col >= t->npk + t->nck) continue;
        const struct bind_value *v = &o->values[i];
        if (v->kind == BIND_NULL)
            return errmsg_set(em, ERR_INVALID, "Invalid null value in condition for column %s",
                              t->columns[col].name);
        if (v->kind == BIND_UNSET)
            return errmsg_set(em, ERR_INVALID, "Invalid unset value for column %s",
                              t->columns[col].name);
        kv[col] = *v;
        have[col] = true;
    }
    for (uint16_t i = 0; i < t->npk + (static_only ? 0 : t->nck); i++)
        if (!have[i])
            return errmsg_set(em, ERR_INVALID, "Some %s are missing: %s",
                              i < t->npk ? "partition key parts" : "clustering keys",
                              t->columns[i].name);
    struct buf b;
    buf_init(&b);
    restrict_compose_key(t, kv, &b);
    int rc = 0;
    if (b.len == 0)
        rc = errmsg_set(em, ERR_INVALID, "Key may not be empty");
    else if (b.len > MUTATION_KEY_MAX)
        rc = errmsg_set(em, ERR_INVALID, "Key length of %zu is longer than maximum of %u", b.len,
                        MUTATION_KEY_MAX);
    o->where.keys = arena_zalloc(a, sizeof *o->where.keys);
    o->where.nkeys = 1;
    o->where.keys[0] = (struct restrict_key){arena_dup(a, b.data, b.len ? b.len : 1),
                                             (uint32_t)b.len, partitioner_token(b.data, b.len)};
    buf_reset(&b);
    for (uint16_t i = 0; rc == 0 && !static_only && i < t->nck; i++) {
        if (kv[t->npk + i].len > CLUSTERING_COMPONENT_MAX)
            rc = errmsg_set(em, ERR_INVALID, "Clustering value of %u bytes is too long",
                            kv[t->npk + i].len);
        else
            clustering_append(&b, kv[t->npk + i].p, kv[t->npk + i].len);
    }
    if (rc == 0 && !static_only) {
        o->where.clusterings = arena_zalloc(a, sizeof *o->where.clusterings);
        o->where.nclusterings = 1;
        o->where.clusterings[0] =
            (struct restrict_key){b.len ? arena_dup(a, b.data, b.len) : NULL, (uint32_t)b.len, 0};
    }
    buf_deinit(&b);
    return rc;
}

static int bind_insert(struct bind_env *env, const struct stmt *st, struct dml_bound *o,
                       struct errmsg *em)
{
    const struct dml_plan *p = st->dml;
    int rc;
    if (p->json) {
        rc = dml_json_bind(env, st, o, em);
    } else {
        o->nvalues = p->nvalues;
        o->values = arena_zalloc(env->arena, (p->nvalues + 1) * sizeof *o->values);
        o->value_cols = p->cols;
        rc = 0;
        for (uint32_t i = 0; rc == 0 && i < p->nvalues; i++)
            rc = bind_term(env, p->values[i], &p->recvs[i], &o->values[i], em);
    }
    if (rc == 0) rc = insert_keys(env, st->table, o, o->static_only, em);
    return rc;
}

int dml_bind(const struct stmt_run *run, const struct stmt *st, const struct cqlwire_value *values,
             uint32_t nvalues, int64_t default_ts_us, struct dml_bound *out, struct errmsg *em)
{
    const struct dml_plan *p = st->dml;
    struct bind_env env;
    stmt_run_env(run, &env, st, values, nvalues);
    memset(out, 0, sizeof *out);
    out->st = st;
    out->now_s = run->now_s;
    out->now_ms = run->now_ms;
    out->static_only = p->static_only;
    int rc = bind_attrs(&env, run, p, st->table, default_ts_us, out, em);
    if (rc) return rc;
    if (p->kind == AST_INSERT) return bind_insert(&env, st, out, em);
    if ((rc = restrict_bind(&env, p->where, &out->where, em))) return rc;
    out->op_keys = arena_zalloc(env.arena, (p->nops + 1) * sizeof *out->op_keys);
    out->op_values = arena_zalloc(env.arena, (p->nops + 1) * sizeof *out->op_values);
    for (uint32_t i = 0; i < p->nops && rc == 0; i++) {
        const struct dml_op *op = &p->ops[i];
        if (op->key) rc = bind_term(&env, op->key, &op->key_recv, &out->op_keys[i], em);
        if (rc == 0 && op->value)
            rc = bind_term(&env, op->value, &op->value_recv, &out->op_values[i], em);
    }
    return rc;
}

static int apply_row(struct dml_target *tg, const struct dml_bound *bs, struct errmsg *em)
{
    const struct dml_plan *p = bs->st->dml;
    const struct table_schema *t = bs->st->table;
    int rc = 0;
    if (p->kind == AST_INSERT) {
        if (tg->row) {
            struct liveness l = {bs->ts_us, bs->ttl_s,
                                 bs->ttl_s ? bs->now_s + bs->ttl_s : LDT_NONE};
            dml_build_liveness(tg->row, l);
        }
        for (uint32_t i = 0; rc == 0 && i < bs->nvalues; i++)
            if (bs->value_cols[i] >= t->npk + t->nck)
                rc = dml_ops_set(tg, bs->value_cols[i], &bs->values[i], em);
        return rc;
    }
    if (p->kind == AST_DELETE && p->nops == 0) {
        dml_build_row_del(tg->row, (struct deletion){bs->ts_us, bs->now_s});
        return 0;
    }
    for (uint32_t i = 0; rc == 0 && i < p->nops; i++)
        rc = dml_ops_apply(tg, i, em);
    return rc;
}

static int apply_partition(const struct dml_bound *bs, const struct dml_prefetch *pf,
                           struct dml_build *b, struct dml_part *part, struct errmsg *em)
{
    const struct dml_plan *p = bs->st->dml;
    const struct table_schema *t = bs->st->table;
    const struct restrict_bound *w = &bs->where;
    struct dml_target tg = {.bs = bs, .pf = pf, .b = b, .part = part};
    struct deletion del = {bs->ts_us, bs->now_s};
    if (p->kind == AST_DELETE && p->nops == 0 && w->nclusterings == 0 && t->nck > 0) {
        if (w->nslices == 0) dml_build_partition_del(part, del);
        for (uint32_t i = 0; i < w->nslices; i++)
            dml_build_range_del(b, part, &w->slices[i], del);
        return 0;
    }
    if (bs->static_only) return apply_row(&tg, bs, em);
    uint32_t n = t->nck == 0 ? 1 : w->nclusterings;
    for (uint32_t i = 0; i < n; i++) {
        tg.ck = t->nck ? w->clusterings[i].key : NULL;
        tg.ck_len = t->nck ? w->clusterings[i].len : 0;
        tg.row = dml_build_row(b, part, tg.ck, tg.ck_len);
        if (!tg.row)
            return errmsg_set(em, ERR_LIMIT, "a statement or batch may write at most %u rows",
                              DML_BUILD_ROWS_MAX);
        int rc = apply_row(&tg, bs, em);
        if (rc) return rc;
    }
    return 0;
}

int dml_apply(const struct dml_bound *bs, const struct dml_prefetch *pf, struct dml_build *b,
              struct errmsg *em)
{
    const struct restrict_bound *w = &bs->where;
    if (w->empty) return 0;
    for (uint32_t k = 0; k < w->nkeys; k++) {
        struct dml_part *part =
            dml_build_part(b, bs->st->table, w->keys[k].key, w->keys[k].len, w->keys[k].token);
        int rc = apply_partition(bs, pf, b, part, em);
        if (rc) return rc;
    }
    return 0;
}

static void write_done(struct coordinator_write *w, int status)
{
    struct stmt_run *run = w->user;
    if (status != 0) {
        stmt_run_fail_coord(run, &w->err, status);
        return;
    }
    cqlresp_put_void(&run->r->body);
    run->done(run, 0);
}

void dml_write(struct stmt_run *run, struct dml_build *b, const char *write_type,
               const char *keyspace)
{
    struct partition_update *muts;
    uint32_t n;
    int rc = dml_build_finish(b, &muts, &n, &run->r->em);
    if (rc) {
        run->done(run, rc);
        return;
    }
    const struct strategy **strategies = arena_zalloc(run->r->arena, (n + 1) * sizeof *strategies);
    for (uint32_t i = 0; i < n; i++)
        strategies[i] = stmt_strategy(run, keyspace ? keyspace : b->parts[i]->t->keyspace);
    struct coordinator_write *w = &run->cw;
    memset(w, 0, sizeof *w);
    w->loop = run->r->loop;
    w->muts = muts;
    w->nmuts = n;
    w->cl = (enum consistency)run->cl;
    w->strategy = strategies[0];
    w->strategies = strategies;
    w->write_type = write_type;
    w->done_cb = write_done;
    w->user = run;
    coordinator_write(run->x->env.coord, w);
}

static void after_prefetch(struct stmt_run *run, struct dml_prefetch *pf, int status)
{
    struct dml_bound *bs = run->state;
    if (status != 0) {
        run->done(run, status); /* dml_prefetch filled the error */
        return;
    }
    struct dml_build b;
    dml_build_init(&b, run->r->arena);
    int rc = dml_apply(bs, pf, &b, &run->r->em);
    if (rc) {
        run->done(run, rc);
        return;
    }
    dml_write(run, &b, COORD_WRITE_SIMPLE, bs->st->keyspace);
}

void dml_execute(struct stmt_run *run)
{
    const struct stmt *st = run->st;
    struct dml_bound *bs = arena_zalloc(run->r->arena, sizeof *bs);
    int rc = dml_bind(run, st, run->values, run->nvalues, INT64_MIN, bs, &run->r->em);
    if (rc) {
        run->done(run, rc);
        return;
    }
    run->state = bs;
    if (st->dml->conditional) {
        dml_cond_execute(run, bs);
        return;
    }
    if (st->dml->needs_read) {
        struct dml_bound **list = arena_alloc(run->r->arena, sizeof *list);
        list[0] = bs;
        dml_prefetch(run, list, 1, after_prefetch);
        return;
    }
    after_prefetch(run, NULL, 0);
}

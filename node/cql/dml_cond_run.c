/*
 * dml_cond_run: executing a conditional statement (see dml_cond.c): the CAS read visitor,
 * the decision, and the [applied] result.
 */
#include <string.h>

#include "node/cql/dml_int.h"
#include "node/cql/restrict_int.h"
#include "node/cql/selection.h"
#include "node/cqlproto/cqlrows.h"
#include "ring/partitioner.h"

struct cond_run {
    struct stmt_run *run;
    struct dml_bound *bs;
    struct coordinator_cas cas;
    struct read_visitor vis;
    struct restrict_relvals *vals; /* per condition */
    bool evaluated, ok;
    uint16_t *cols; /* result columns when not applied */
    uint32_t ncols;
    struct bind_value *current;
    bool have_current;
    struct bind_value *pk;
    const struct row *static_row;
    struct arena scratch;
};

static void evaluate(struct cond_run *cr, const struct row *row)
{
    const struct table_schema *t = cr->bs->st->table;
    const struct dml_plan *p = cr->bs->st->dml;
    struct arena *a = cr->run->r->arena;
    struct bind_value *ck = arena_zalloc(a, (t->nck + 1) * sizeof *ck);
    for (uint16_t i = 0; i < t->nck; i++)
        ck[i].kind = BIND_NULL;
    uint32_t pos = 0;
    for (uint16_t i = 0; row && i < t->nck; i++) {
        const uint8_t *v;
        uint32_t vl;
        if (clustering_next(row->ck, row->ck_len, &pos, &v, &vl) == 1)
            ck[i] = (struct bind_value){BIND_VALUE, vl, v};
    }
    struct bind_value *pk = cr->pk;
    if (!pk) {
        pk = arena_zalloc(a, (t->npk + 1) * sizeof *pk);
        for (uint16_t i = 0; i < t->npk; i++)
            pk[i].kind = BIND_NULL;
    }
    struct selection_row r = {t, cr->bs->now_s, pk, ck, row, cr->static_row, &cr->scratch};
    bool exists = p->static_only ? cr->static_row != NULL : row != NULL;
    bool ok = true;
    if (p->if_not_exists)
        ok = !exists;
    else if (p->if_exists)
        ok = exists;
    for (uint32_t i = 0; ok && i < p->nconds; i++)
        ok = dml_cond_holds(t, &p->conds[i], &cr->vals[i], &r);
    cr->ok = ok;
    cr->evaluated = true;
    if (ok || !exists) return;
    for (uint32_t i = 0; i < cr->ncols; i++) {
        struct bind_value v;
        selection_get(&r, cr->cols[i], &v);
        if (v.kind == BIND_VALUE)
            v.p = arena_dup(a, v.len ? v.p : (const uint8_t *)"", v.len ? v.len : 1);
        cr->current[i] = v;
    }
    cr->have_current = true;
}

static int on_start(void *arg, const struct pkey *key, const struct row *static_row)
{
    struct cond_run *cr = arg;
    const struct table_schema *t = cr->bs->st->table;
    struct arena *a = cr->run->r->arena;
    cr->pk = arena_zalloc(a, (t->npk + 1) * sizeof *cr->pk);
    const uint8_t *k = arena_dup(a, key->key, key->len);
    if (t->npk == 1) {
        cr->pk[0] = (struct bind_value){BIND_VALUE, key->len, k};
    } else {
        const uint8_t **vals = arena_zalloc(a, t->npk * sizeof *vals);
        uint32_t *lens = arena_zalloc(a, t->npk * sizeof *lens);
        if (partitioner_decompose(k, key->len, t->npk, vals, lens) != 0) return READ_STOP;
        for (uint16_t i = 0; i < t->npk; i++)
            cr->pk[i] = (struct bind_value){BIND_VALUE, lens[i], vals[i]};
    }
    cr->static_row = static_row;
    return READ_CONTINUE;
}

static int on_row(void *arg, const struct row *row)
{
    struct cond_run *cr = arg;
    if (!cr->evaluated) evaluate(cr, row);
    return READ_STOP;
}

static int on_end(void *arg)
{
    struct cond_run *cr = arg;
    if (!cr->evaluated) evaluate(cr, NULL);
    return READ_CONTINUE;
}

static int decide(void *arg, const struct partition_update **muts, uint32_t *n, struct errmsg *em)
{
    struct cond_run *cr = arg;
    if (!cr->evaluated) evaluate(cr, NULL);
    cr->static_row = NULL; /* the read is over: nothing of it may be used any more */
    *n = 0;
    if (!cr->ok) return 0;
    struct dml_build b;
    dml_build_init(&b, cr->run->r->arena);
    int rc = dml_apply(cr->bs, NULL, &b, em);
    struct partition_update *u = NULL;
    if (rc == 0) rc = dml_build_finish(&b, &u, n, em);
    *muts = u;
    return rc;
}

static void put_result(struct cond_run *cr)
{
    struct cql_request *r = cr->run->r;
    const struct table_schema *t = cr->bs->st->table;
    bool extra = !cr->ok && cr->have_current;
    uint32_t n = 1 + (extra ? cr->ncols : 0);
    struct cqlrows_col *cols = arena_zalloc(r->arena, n * sizeof *cols);
    for (uint32_t i = 0; i < n; i++) {
        cols[i].keyspace = cqlwire_str_c(t->keyspace);
        cols[i].table = cqlwire_str_c(t->name);
        cols[i].name = cqlwire_str_c(i == 0 ? "[applied]" : t->columns[cr->cols[i - 1]].name);
        cols[i].type = i == 0 ? cql_type_native(CQL_BOOLEAN) : t->columns[cr->cols[i - 1]].type;
    }
    struct cqlrows_meta meta = {.ncols = (int32_t)n, .cols = cols};
    struct cqlrows_writer w;
    cqlrows_begin(&w, &r->body, &meta, r->req->version);
    uint8_t applied = cr->ok;
    cqlrows_cell(&w, &applied, 1);
    for (uint32_t i = 1; i < n; i++) {
        const struct bind_value *v = &cr->current[i - 1];
        if (v->kind == BIND_VALUE)
            cqlrows_cell(&w, v->p, v->len);
        else
            cqlrows_cell_null(&w);
    }
    cqlrows_finish(&w, NULL, 0);
}

static void cas_done(struct coordinator_cas *op, int status)
{
    struct cond_run *cr = op->user;
    struct stmt_run *run = cr->run;
    arena_deinit(&cr->scratch);
    if (status != 0) {
        stmt_run_fail_coord(run, &op->err, status);
        return;
    }
    put_result(cr);
    run->done(run, 0);
}

/* Result columns when not applied: the whole row (IF NOT EXISTS) or the condition columns. */
static void result_columns(struct cond_run *cr, struct arena *a)
{
    const struct table_schema *t = cr->bs->st->table;
    const struct dml_plan *p = cr->bs->st->dml;
    cr->cols = arena_zalloc(a, (t->ncolumns + 1) * sizeof *cr->cols);
    cr->current = arena_zalloc(a, (t->ncolumns + 1) * sizeof *cr->current);
    for (uint16_t c = 0; c < t->ncolumns; c++) {
        bool want = p->if_not_exists;
        for (uint32_t i = 0; !want && i < p->nconds; i++)
            want = strcmp(p->conds[i].columns[0].name, t->columns[c].name) == 0;
        if (want) cr->cols[cr->ncols++] = c;
    }
}

void dml_cond_execute(struct stmt_run *run, struct dml_bound *bs)
{
    struct cql_request *r = run->r;
    const struct stmt *st = bs->st;
    const struct table_schema *t = st->table;
    const struct dml_plan *p = st->dml;
    if (bs->where.nkeys != 1 || bs->where.empty) {
        run->done(run, errmsg_set(&r->em, ERR_INVALID,
                                  "IN on the partition key is not supported "
                                  "with conditional updates"));
        return;
    }
    if (bs->where.nclusterings > 1) {
        run->done(run, errmsg_set(&r->em, ERR_INVALID,
                                  "IN on the clustering key columns is not "
                                  "supported with conditional updates"));
        return;
    }
    struct cond_run *cr = arena_zalloc(r->arena, sizeof *cr);
    cr->run = run;
    cr->bs = bs;
    cr->vals = arena_zalloc(r->arena, (p->nconds + 1) * sizeof *cr->vals);
    struct bind_env env;
    stmt_run_env(run, &env, st, run->values, run->nvalues);
    for (uint32_t i = 0; i < p->nconds; i++) {
        const struct column_def *d = table_schema_column(t, p->conds[i].columns[0].name);
        int rc = dml_cond_bind_rel(&env, t, &p->conds[i], (uint16_t)(d - t->columns), &cr->vals[i],
                                   &r->em);
        if (rc) {
            run->done(run, rc);
            return;
        }
    }
    result_columns(cr, r->arena);
    arena_init(&cr->scratch, 4096);
    struct coordinator_cas *op = &cr->cas;
    const struct restrict_key *k = &bs->where.keys[0];
    op->loop = r->loop;
    op->cmd.table_id = t->id;
    op->cmd.now_s = bs->now_s;
    op->cmd.single = true;
    op->cmd.key = (struct pkey){k->token, k->key, k->len};
    if (bs->static_only || t->nck == 0) {
        op->cmd.rows.static_only = bs->static_only && t->nck > 0;
    } else if (bs->where.nclusterings == 1) {
        struct slice *sl = arena_zalloc(r->arena, sizeof *sl);
        const struct restrict_key *c = &bs->where.clusterings[0];
        sl->start = (struct cbound){c->key, c->len, BOUND_INCL_START};
        sl->end = (struct cbound){c->key, c->len, BOUND_INCL_END};
        op->cmd.rows.nslices = 1;
        op->cmd.rows.slices = sl;
    }
    op->serial_cl = (enum consistency)run->serial_cl;
    op->cl = (enum consistency)run->cl;
    op->strategy = stmt_strategy(run, st->keyspace);
    cr->vis = (struct read_visitor){on_start, on_row, on_end, cr};
    op->visitor = &cr->vis;
    op->decide = decide;
    op->arg = cr;
    op->done_cb = cas_done;
    op->user = cr;
    coordinator_cas(run->x->env.coord, op);
}

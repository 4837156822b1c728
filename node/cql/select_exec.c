/*
 * select_exec: running a SELECT (see select.h). One read visitor for every source: it decodes
 * the partition key once per partition and the clustering per row, applies the row filters,
 * counts LIMIT / PER PARTITION LIMIT / page size, and writes result cells into the Rows body.
 *
 * Only SELECT DISTINCT reads partition headers alone (rows_spec.static_only); selecting only
 * static columns still gives one row per CQL row, as in Cassandra.
 *
 * Paging: a page holds page_size rows; the visitor stops at the first matching row beyond it
 * (so a paging state is sent only when another row exists) and remembers the last row
 * returned: its partition key and clustering, or "partition finished" after a static-only row,
 * a DISTINCT row or a reached PER PARTITION LIMIT.
 */
#include <stdlib.h>
#include <string.h>

#include "node/cql/paging.h"
#include "node/cql/select.h"
#include "node/cql/select_order.h"
#include "node/cql/vtable.h"
#include "node/local.h"
#include "ring/partitioner.h"

struct select_run {
    struct stmt_run *run;
    const struct select_plan *p;
    const struct table_schema *t;
    struct restrict_bound where;
    struct selection_exec sx;
    struct cqlrows_writer w;
    struct read_cmd *cmds;
    uint32_t ncmds;
    struct read_visitor vis;
    bool has_state;
    struct paging_state ps;
    int64_t limit, pp_limit, page_size, page_rows, pp_left;
    struct arena part_arena, row_arena;
    struct buf cur_key;
    struct bind_value *pk;
    struct bind_value *null_ck;
    const struct row *static_row;
    uint32_t part_rows;
    bool skip;
    struct buf last_key, last_ck;
    bool has_last, last_has_ck, last_done;
    bool stopped, has_more;
    int64_t user_limit; /* post-ordering: LIMIT applies after the merge */
    bool in_group;      /* GROUP BY: a group is being aggregated */
    struct buf group_key;
    struct select_order order;
    int error;
    struct errmsg em;
};

/* Scratch kept in the request's arena for the partition key and the current row. */
#define SELECT_PART_BUF 512
#define SELECT_ROW_BUF 2048

static int decode_pk(const struct table_schema *t, struct arena *a, const uint8_t *key,
                     uint32_t len, struct bind_value **out)
{
    struct bind_value *pk = arena_alloc(a, t->npk * sizeof *pk);
    if (t->npk == 1) {
        pk[0] = (struct bind_value){BIND_VALUE, len, key};
    } else {
        const uint8_t **vals = arena_alloc(a, t->npk * sizeof *vals);
        uint32_t *lens = arena_alloc(a, t->npk * sizeof *lens);
        if (partitioner_decompose(key, len, t->npk, vals, lens) != 0) return -1;
        for (uint16_t i = 0; i < t->npk; i++)
            pk[i] = (struct bind_value){BIND_VALUE, lens[i], vals[i]};
    }
    *out = pk;
    return 0;
}

static int fail(struct select_run *sr, int code)
{
    sr->error = code ? code : ERR_SERVER;
    sr->stopped = true;
    return READ_STOP;
}

static int get_col(void *arg, uint16_t col, struct bind_value *out)
{
    return selection_get(arg, col, out);
}

static void remember(struct select_run *sr, const struct row *row, bool done)
{
    buf_reset(&sr->last_key);
    buf_append(&sr->last_key, sr->cur_key.data, sr->cur_key.len);
    buf_reset(&sr->last_ck);
    sr->last_has_ck = row && row->ck_len > 0;
    if (sr->last_has_ck) buf_append(&sr->last_ck, row->ck, row->ck_len);
    sr->last_done = done;
    sr->has_last = true;
}

/* Bytes of the first n components of an encoded clustering. */
static uint32_t ck_prefix_len(const uint8_t *ck, uint32_t len, uint16_t n)
{
    uint32_t pos = 0;
    const uint8_t *v;
    uint32_t vl;
    for (uint16_t i = 0; i < n && clustering_next(ck, len, &pos, &v, &vl) == 1; i++) {
    }
    return pos;
}

/* GROUP BY: writes the group being aggregated as one row. */
static int close_group(struct select_run *sr)
{
    int rc = selection_exec_write_aggregate(&sr->sx, &sr->w, &sr->em);
    sr->in_group = false;
    if (rc) return fail(sr, rc);
    sr->page_rows++;
    sr->limit--;
    if (sr->p->ngroup == sr->t->npk) sr->last_done = true; /* the group was the partition */
    if (sr->limit == 0) {
        sr->stopped = true;
        return READ_STOP;
    }
    return READ_CONTINUE;
}

/* GROUP BY: adds a row to its group, closing the previous group when the row starts a new one
   (a page holds page_size groups; the paging state is the last row of the last group). */
static int group_row(struct select_run *sr, const struct selection_row *r, const struct row *row)
{
    uint16_t m = (uint16_t)(sr->p->ngroup - sr->t->npk);
    uint32_t plen = row && m ? ck_prefix_len(row->ck, row->ck_len, m) : 0;
    size_t klen = sr->cur_key.len;
    bool same = sr->in_group && sr->group_key.len == klen + plen &&
                memcmp(sr->group_key.data, sr->cur_key.data, klen) == 0 &&
                (plen == 0 || memcmp(sr->group_key.data + klen, row->ck, plen) == 0);
    if (!same) {
        if (sr->in_group && close_group(sr) == READ_STOP) return READ_STOP;
        if (sr->page_rows >= sr->page_size) {
            sr->has_more = true;
            sr->stopped = true;
            return READ_STOP;
        }
        buf_reset(&sr->group_key);
        buf_append(&sr->group_key, sr->cur_key.data, klen);
        if (plen) buf_append(&sr->group_key, row->ck, plen);
        sr->in_group = true;
        selection_exec_reset(&sr->sx);
    }
    sr->part_rows++;
    int rc = selection_exec_add_row(&sr->sx, r, &sr->em);
    if (rc) return fail(sr, rc);
    remember(sr, row, false);
    return READ_CONTINUE;
}

/* Emits one result row (row NULL: the partition's static-only row). */
static int emit_row(struct select_run *sr, const struct row *row)
{
    const struct table_schema *t = sr->t;
    arena_rewind(&sr->row_arena);
    struct bind_value *ck = sr->null_ck;
    if (row && t->nck) {
        ck = arena_alloc(&sr->row_arena, t->nck * sizeof *ck);
        uint32_t pos = 0;
        for (uint16_t i = 0; i < t->nck; i++) {
            const uint8_t *v;
            uint32_t vl;
            if (clustering_next(row->ck, row->ck_len, &pos, &v, &vl) != 1) {
                errmsg_set(&sr->em, ERR_CORRUPT, "malformed clustering in a read row");
                return fail(sr, ERR_CORRUPT);
            }
            ck[i] = (struct bind_value){BIND_VALUE, vl, vl ? v : (const uint8_t *)""};
        }
    }
    struct selection_row r = {t, sr->run->now_s, sr->pk, ck, row, sr->static_row, &sr->row_arena};
    if (sr->p->where->nfilters && !restrict_filter_match(sr->p->where, &sr->where, get_col, &r))
        return READ_CONTINUE;
    int rc;
    if (sr->p->ngroup) return group_row(sr, &r, row);
    if (sr->p->sel->aggregate) {
        sr->part_rows++;
        rc = selection_exec_add_row(&sr->sx, &r, &sr->em);
        return rc ? fail(sr, rc) : READ_CONTINUE;
    }
    bool paged = sr->page_size != INT64_MAX;
    if (sr->page_rows >= sr->page_size ||
        (paged && sr->page_rows > 0 && cqlrows_bytes(&sr->w) > SELECT_PAGE_BYTES_SOFT)) {
        sr->has_more = true;
        sr->stopped = true;
        return READ_STOP;
    }
    if (!paged && cqlrows_bytes(&sr->w) > SELECT_UNPAGED_BYTES_MAX) {
        errmsg_set(&sr->em, ERR_INVALID, "The result is too large for one response: use paging");
        return fail(sr, ERR_INVALID);
    }
    size_t before = sr->w.b->len;
    if ((rc = selection_exec_write_row(&sr->sx, &r, &sr->w, &sr->em))) {
        cqlrows_row_abort(&sr->w);
        return fail(sr, rc);
    }
    if (sr->p->post_order)
        select_order_note(&sr->order, before, sr->w.b->len - before, row ? row->ck : NULL,
                          row ? row->ck_len : 0);
    sr->page_rows++;
    sr->limit--;
    sr->pp_left--;
    sr->part_rows++;
    /* A partition is finished after its static-only row, its last row under PER PARTITION
       LIMIT, or its only row when the table has no clustering columns. */
    remember(sr, row, row == NULL || t->nck == 0 || sr->pp_left == 0);
    if (sr->limit == 0) {
        sr->stopped = true;
        return READ_STOP;
    }
    return sr->pp_left == 0 ? READ_NEXT_PARTITION : READ_CONTINUE;
}

static int on_partition_start(void *arg, const struct pkey *key, const struct row *static_row)
{
    struct select_run *sr = arg;
    if (sr->stopped) return READ_STOP;
    bool resumed =
        sr->has_state && key->len == sr->ps.key_len && memcmp(key->key, sr->ps.key, key->len) == 0;
    sr->skip = resumed && (sr->ps.flags & PAGING_PARTITION_DONE);
    if (sr->skip) return READ_NEXT_PARTITION;
    buf_reset(&sr->cur_key);
    buf_append(&sr->cur_key, key->key, key->len);
    arena_rewind(&sr->part_arena);
    if (decode_pk(sr->t, &sr->part_arena, sr->cur_key.data, key->len, &sr->pk) != 0) {
        errmsg_set(&sr->em, ERR_CORRUPT, "malformed partition key in a read partition");
        return fail(sr, ERR_CORRUPT);
    }
    sr->static_row = static_row;
    sr->part_rows = 0;
    sr->pp_left = resumed && (sr->ps.flags & PAGING_HAS_PP_REMAINING) ? (int64_t)sr->ps.pp_remaining
                                                                      : sr->pp_limit;
    if (!sr->p->static_read) return READ_CONTINUE;
    sr->skip = true; /* partition_end has nothing more to do */
    if (!sr->p->ast->distinct && !static_row) return READ_NEXT_PARTITION;
    int rc = emit_row(sr, NULL);
    return rc == READ_STOP ? READ_STOP : READ_NEXT_PARTITION;
}

static int on_row(void *arg, const struct row *row)
{
    struct select_run *sr = arg;
    if (sr->skip) return READ_NEXT_PARTITION;
    return emit_row(sr, row);
}

static int on_partition_end(void *arg)
{
    struct select_run *sr = arg;
    if (sr->skip) {
        sr->skip = false;
        return sr->stopped ? READ_STOP : READ_CONTINUE;
    }
    if (sr->part_rows == 0 && sr->static_row && sr->p->full_partitions && !sr->stopped)
        return emit_row(sr, NULL) == READ_STOP ? READ_STOP : READ_CONTINUE;
    return sr->stopped ? READ_STOP : READ_CONTINUE;
}

static bool is_stopped(void *arg)
{
    return ((struct select_run *)arg)->stopped;
}

static void cleanup(struct select_run *sr)
{
    selection_exec_deinit(&sr->sx);
    arena_deinit(&sr->part_arena);
    arena_deinit(&sr->row_arena);
    buf_deinit(&sr->cur_key);
    buf_deinit(&sr->last_key);
    buf_deinit(&sr->last_ck);
    buf_deinit(&sr->group_key);
}

static void finish(struct select_run *sr)
{
    struct stmt_run *run = sr->run;
    int rc = sr->error;
    if (rc == 0 && sr->in_group && close_group(sr) == READ_STOP) rc = sr->error;
    if (rc == 0 && sr->p->sel->aggregate && !sr->p->ngroup)
        rc = selection_exec_write_aggregate(&sr->sx, &sr->w, &sr->em);
    if (rc == 0 && sr->p->post_order && !sr->p->sel->aggregate)
        select_order_apply(&sr->order, sr->t, sr->p->reversed, &sr->w, sr->user_limit);
    if (rc != 0) {
        run->r->em = sr->em;
        if (run->r->em.code == 0) run->r->em.code = rc;
        buf_reset(&run->r->body);
        cleanup(sr);
        run->done(run, rc);
        return;
    }
    struct buf st;
    buf_init(&st);
    if (sr->has_more && sr->has_last) {
        struct paging_state ps = {.key = sr->last_key.data, .key_len = (uint32_t)sr->last_key.len};
        if (sr->last_done)
            ps.flags |= PAGING_PARTITION_DONE;
        else if (sr->last_has_ck) {
            ps.flags |= PAGING_HAS_CK;
            ps.ck = sr->last_ck.data;
            ps.ck_len = (uint32_t)sr->last_ck.len;
        }
        if (sr->limit != INT64_MAX) {
            ps.flags |= PAGING_HAS_REMAINING;
            ps.remaining = (uint64_t)sr->limit;
        }
        if (sr->pp_limit != INT64_MAX && !sr->last_done) {
            ps.flags |= PAGING_HAS_PP_REMAINING;
            ps.pp_remaining = (uint64_t)sr->pp_left;
        }
        paging_encode(&ps, &st);
    }
    cqlrows_finish(&sr->w, st.len ? st.data : NULL, st.len);
    buf_deinit(&st);
    cleanup(sr);
    run->done(run, 0);
}

static void read_done(struct coordinator_read *rd, int status)
{
    struct stmt_run *run = rd->user;
    struct select_run *sr = run->state;
    if (status != 0 && sr->error == 0) {
        cleanup(sr);
        buf_reset(&run->r->body);
        stmt_run_fail_coord(run, &rd->err, status);
        return;
    }
    finish(sr);
}

/* ---- setup ---- */

static int bind_limit(struct bind_env *env, const struct ast_term *t, const struct bind_recv *r,
                      bool per_partition, int64_t *out, struct errmsg *em)
{
    *out = INT64_MAX;
    if (!t) return 0;
    struct bind_value v;
    int rc = bind_term(env, t, r, &v, em);
    if (rc) return rc;
    if (v.kind == BIND_UNSET) return 0;
    int32_t n;
    if (!bind_value_int32(&v, &n))
        return errmsg_set(em, ERR_INVALID, "Invalid null value of %s",
                          per_partition ? "per partition limit" : "limit");
    if (n <= 0)
        return errmsg_set(em, ERR_INVALID, "%s must be strictly positive",
                          per_partition ? "PER PARTITION LIMIT" : "LIMIT");
    *out = n;
    return 0;
}

static int bad_state(struct errmsg *em)
{
    return errmsg_set(em, ERR_PROTOCOL, "Invalid value for the paging state");
}

static int load_state(struct select_run *sr, struct errmsg *em)
{
    const struct cqlwire_value *v = sr->run->paging_state;
    if (!v || v->len <= 0) return 0;
    int rc = paging_decode(v->p, (size_t)v->len, &sr->ps, em);
    if (rc) return rc;
    struct bind_value *pk;
    if (decode_pk(sr->t, &sr->part_arena, sr->ps.key, sr->ps.key_len, &pk) != 0)
        return bad_state(em);
    struct errmsg tmp;
    if ((sr->ps.flags & PAGING_HAS_CK) &&
        clustering_validate(sr->t, sr->ps.ck, sr->ps.ck_len, false, &tmp) != 0)
        return bad_state(em);
    sr->has_state = true;
    if (sr->ps.flags & PAGING_HAS_REMAINING) {
        if (sr->ps.remaining > (uint64_t)sr->limit) return bad_state(em);
        sr->limit = (int64_t)sr->ps.remaining;
    }
    return 0;
}

static void resume(const struct select_run *sr, struct read_cmd *cmd)
{
    cmd->resume_key =
        (struct pkey){partitioner_token(sr->ps.key, sr->ps.key_len), sr->ps.key, sr->ps.key_len};
    if (sr->ps.flags & PAGING_HAS_CK) {
        cmd->resume_ck = sr->ps.ck;
        cmd->resume_ck_len = sr->ps.ck_len;
    }
    cmd->resume_static_done = true;
}

static int build_cmds(struct select_run *sr, struct arena *a, struct errmsg *em)
{
    const struct restrict_bound *w = &sr->where;
    struct read_cmd base;
    memset(&base, 0, sizeof base);
    base.table_id = sr->t->id;
    base.now_s = sr->run->now_s;
    base.rows = (struct rows_spec){.nslices = w->nslices,
                                   .slices = w->slices,
                                   .reversed = sr->p->reversed,
                                   .static_only = sr->p->static_read};
    if (w->empty) return 0;
    if (!sr->p->where->pk_complete) {
        sr->cmds = arena_alloc(a, sizeof *sr->cmds);
        sr->cmds[0] = base;
        sr->cmds[0].range = w->range;
        if (sr->has_state) resume(sr, &sr->cmds[0]);
        sr->ncmds = 1;
        return 0;
    }
    uint32_t start = 0;
    int64_t resume_at = -1;
    if (sr->has_state) {
        while (start < w->nkeys && !(w->keys[start].len == sr->ps.key_len &&
                                     memcmp(w->keys[start].key, sr->ps.key, sr->ps.key_len) == 0))
            start++;
        if (start == w->nkeys) return bad_state(em);
        if (sr->ps.flags & PAGING_PARTITION_DONE)
            start++;
        else
            resume_at = start;
    }
    sr->cmds = arena_alloc(a, (w->nkeys - start + 1) * sizeof *sr->cmds);
    for (uint32_t k = start; k < w->nkeys; k++) {
        struct read_cmd *c = &sr->cmds[sr->ncmds++];
        *c = base;
        c->single = true;
        c->key = (struct pkey){w->keys[k].token, w->keys[k].key, w->keys[k].len};
        if ((int64_t)k == resume_at) resume(sr, c);
    }
    return 0;
}

static int setup(struct select_run *sr, struct errmsg *em)
{
    struct stmt_run *run = sr->run;
    const struct select_plan *p = sr->p;
    struct bind_env env;
    stmt_run_env(run, &env, run->st, run->values, run->nvalues);
    int rc = selection_exec_init(&sr->sx, p->sel, &env, em);
    if (rc == 0) rc = restrict_bind(&env, p->where, &sr->where, em);
    if (rc == 0) rc = bind_limit(&env, p->ast->limit, &p->limit_recv, false, &sr->limit, em);
    if (rc == 0)
        rc = bind_limit(&env, p->ast->per_partition_limit, &p->pp_limit_recv, true, &sr->pp_limit,
                        em);
    bool one_row = p->sel->aggregate && !p->ngroup;
    if (one_row) sr->limit = INT64_MAX; /* LIMIT counts result rows: there is one */
    sr->page_size = run->page_size > 0 && !one_row ? run->page_size : INT64_MAX;
    if (rc == 0 && p->post_order && !p->sel->aggregate) {
        if (sr->page_size != INT64_MAX && sr->limit > sr->page_size)
            return errmsg_set(em, ERR_INVALID,
                              "Cannot page queries with both ORDER BY and a IN restriction on the "
                              "partition key; you must either remove the ORDER BY or the IN and "
                              "sort client side, or disable paging for this query");
        sr->page_size = INT64_MAX;
        sr->user_limit = sr->limit;
        sr->limit = INT64_MAX;
        select_order_init(&sr->order, run->r->arena);
    }
    if (rc == 0) rc = load_state(sr, em);
    if (rc == 0) rc = build_cmds(sr, run->r->arena, em);
    return rc;
}

static void run_vtable(struct select_run *sr)
{
    struct stmt_run *run = sr->run;
    struct vtable_ctx ctx = {
        .catalog = run->catalog, .local = run->x->env.local, .now_s = run->now_s};
    for (uint32_t i = 0; i < sr->ncmds && !sr->stopped; i++) {
        int rc = run->st->vt->read(run->st->vt, &ctx, &sr->cmds[i], &sr->vis, &sr->em);
        if (rc < 0) {
            sr->error = rc;
            break;
        }
    }
    finish(sr);
}

void select_execute(struct stmt_run *run)
{
    struct cql_request *r = run->r;
    const struct stmt *st = run->st;
    struct select_run *sr = arena_zalloc(r->arena, sizeof *sr);
    run->state = sr;
    sr->run = run;
    sr->p = st->select;
    sr->t = st->table;
    /* first blocks from the request arena: a point read mallocs nothing for them */
    arena_init_buf(&sr->part_arena, 4096, arena_alloc(r->arena, SELECT_PART_BUF), SELECT_PART_BUF);
    arena_init_buf(&sr->row_arena, 16384, arena_alloc(r->arena, SELECT_ROW_BUF), SELECT_ROW_BUF);
    buf_init(&sr->cur_key);
    buf_init(&sr->last_key);
    buf_init(&sr->last_ck);
    buf_init(&sr->group_key);
    sr->null_ck = arena_zalloc(r->arena, (sr->t->nck + 1) * sizeof *sr->null_ck);
    for (uint16_t i = 0; i < sr->t->nck; i++)
        sr->null_ck[i].kind = BIND_NULL;
    int rc = setup(sr, &sr->em);
    if (rc) {
        r->em = sr->em;
        cleanup(sr);
        run->done(run, rc);
        return;
    }
    const struct select_plan *p = st->select;
    if (p->sel->aggregate && r->nwarnings < CQL_WARNINGS_MAX) {
        if (!p->where->pk_complete) /* Cassandra's client warnings for aggregates */
            r->warnings[r->nwarnings++] = "Aggregation query used without partition key";
        else if (p->where->pk_in)
            r->warnings[r->nwarnings++] =
                "Aggregation query used on multiple partition keys (IN restriction)";
    }
    struct cqlrows_meta meta = *st->result;
    meta.flags = run->skip_metadata ? CQLROWS_NO_METADATA : 0;
    cqlrows_begin(&sr->w, &r->body, &meta, r->req->version);
    sr->vis = (struct read_visitor){on_partition_start, on_row, on_partition_end, sr};
    if (sr->limit == 0 || sr->ncmds == 0) {
        finish(sr);
        return;
    }
    if (st->vt) {
        run_vtable(sr);
        return;
    }
    struct coordinator_read *rd = &run->cr;
    memset(rd, 0, sizeof *rd);
    rd->loop = r->loop;
    rd->cmds = sr->cmds;
    rd->ncmds = sr->ncmds;
    rd->cl = (enum consistency)run->cl;
    rd->strategy = stmt_strategy(run, st->keyspace);
    rd->visitor = &sr->vis;
    rd->stopped = is_stopped;
    rd->done_cb = read_done;
    rd->user = run;
    coordinator_read(run->x->env.coord, rd);
}

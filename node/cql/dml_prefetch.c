/*
 * dml_prefetch: read-before-write for list operations that need the current list (set or
 * delete by index, remove by value), as Cassandra's UpdateParameters.getPrefetchedRow. The
 * partitions of each statement needing it are read (the rows it writes, or the static row)
 * at the statement's consistency level, and the live cells of the list columns concerned are
 * copied, in list order, into the request's arena. Statements are read one after another.
 */
#include <string.h>

#include "node/cql/dml_int.h"

#define PREFETCH_COLS_MAX 64

struct pf_entry {
    const struct table_schema *t;
    const uint8_t *key;
    uint32_t key_len;
    const uint8_t *ck;
    uint32_t ck_len;
    uint16_t col_id;
    struct dml_list list;
};

struct dml_prefetch {
    struct stmt_run *run;
    struct dml_bound *const *bs;
    uint32_t nbs, next;
    dml_prefetch_cb done;
    uint32_t n, cap;
    struct pf_entry *entries;
    /* the statement being read */
    const struct table_schema *t;
    uint16_t cols[PREFETCH_COLS_MAX];
    uint32_t ncols;
    const uint8_t *cur_key;
    uint32_t cur_key_len;
    struct read_cmd *cmds;
    struct read_visitor vis;
};

bool dml_prefetch_list(const struct dml_prefetch *pf, const struct dml_part *part,
                       const uint8_t *ck, uint32_t ck_len, uint16_t col_id, struct dml_list *out)
{
    if (!pf) return false;
    for (uint32_t i = 0; i < pf->n; i++) {
        const struct pf_entry *e = &pf->entries[i];
        if (e->t != part->t || e->col_id != col_id || e->key_len != part->u.key_len ||
            e->ck_len != ck_len || memcmp(e->key, part->u.key, e->key_len) != 0 ||
            (ck_len && memcmp(e->ck, ck, ck_len) != 0))
            continue;
        *out = e->list;
        return true;
    }
    return false;
}

static void capture(struct dml_prefetch *pf, const struct row *row)
{
    struct arena *a = pf->run->r->arena;
    for (uint32_t k = 0; k < pf->ncols; k++) {
        uint16_t id = pf->cols[k];
        uint32_t first = 0, n = 0;
        while (first < row->ncells && row->cells[first].col < id)
            first++;
        while (first + n < row->ncells && row->cells[first + n].col == id)
            n++;
        if (n == 0) continue;
        if (pf->n == pf->cap) {
            uint32_t cap = pf->cap ? pf->cap * 2 : 8;
            struct pf_entry *e = arena_zalloc(a, cap * sizeof *e);
            if (pf->n) memcpy(e, pf->entries, pf->n * sizeof *e);
            pf->entries = e;
            pf->cap = cap;
        }
        struct pf_entry *e = &pf->entries[pf->n++];
        e->t = pf->t;
        e->key = arena_dup(a, pf->cur_key, pf->cur_key_len);
        e->key_len = pf->cur_key_len;
        e->ck = row->ck_len ? arena_dup(a, row->ck, row->ck_len) : NULL;
        e->ck_len = row->ck_len;
        e->col_id = id;
        const uint8_t **paths = arena_zalloc(a, n * sizeof *paths);
        const uint8_t **values = arena_zalloc(a, n * sizeof *values);
        uint32_t *lens = arena_zalloc(a, n * sizeof *lens);
        uint32_t m = 0;
        for (uint32_t i = 0; i < n; i++) {
            const struct cell *c = &row->cells[first + i];
            if ((c->flags & CELL_TOMBSTONE) || c->path_len != 16) continue;
            paths[m] = arena_dup(a, c->path, 16);
            values[m] = c->value_len ? arena_dup(a, c->value, c->value_len) : (const uint8_t *)"";
            lens[m++] = c->value_len;
        }
        e->list = (struct dml_list){m, paths, values, lens};
    }
}

static int on_start(void *arg, const struct pkey *key, const struct row *static_row)
{
    struct dml_prefetch *pf = arg;
    pf->cur_key = key->key;
    pf->cur_key_len = key->len;
    if (static_row) capture(pf, static_row);
    return READ_CONTINUE;
}

static int on_row(void *arg, const struct row *row)
{
    capture(arg, row);
    return READ_CONTINUE;
}

static int on_end(void *arg)
{
    (void)arg;
    return READ_CONTINUE;
}

static void read_next(struct dml_prefetch *pf);

static void read_done(struct coordinator_read *rd, int status)
{
    struct dml_prefetch *pf = rd->user;
    if (status != 0) {
        struct stmt_run *run = pf->run;
        run->r->em = rd->err.em;
        run->r->err.cl = rd->err.cl;
        run->r->err.required = rd->err.required;
        run->r->err.alive = rd->err.alive;
        run->r->err.received = rd->err.received;
        run->r->err.blockfor = rd->err.blockfor;
        run->r->err.numfailures = rd->err.numfailures;
        pf->done(run, pf, status);
        return;
    }
    read_next(pf);
}

/* Starts the read of the next statement needing one, or finishes. */
static void read_next(struct dml_prefetch *pf)
{
    struct stmt_run *run = pf->run;
    while (pf->next < pf->nbs && !pf->bs[pf->next]->st->dml->needs_read)
        pf->next++;
    if (pf->next == pf->nbs) {
        pf->done(run, pf, 0);
        return;
    }
    const struct dml_bound *bs = pf->bs[pf->next++];
    const struct dml_plan *p = bs->st->dml;
    pf->t = bs->st->table;
    pf->ncols = 0;
    for (uint32_t i = 0; i < p->nops && pf->ncols < PREFETCH_COLS_MAX; i++)
        if (p->ops[i].needs_read) pf->cols[pf->ncols++] = pf->t->columns[p->ops[i].col].id;
    const struct restrict_bound *w = &bs->where;
    if (w->empty || w->nkeys == 0) {
        read_next(pf);
        return;
    }
    pf->cmds = arena_zalloc(run->r->arena, w->nkeys * sizeof *pf->cmds);
    for (uint32_t k = 0; k < w->nkeys; k++) {
        struct read_cmd *c = &pf->cmds[k];
        c->table_id = pf->t->id;
        c->now_s = bs->now_s;
        c->single = true;
        c->key = (struct pkey){w->keys[k].token, w->keys[k].key, w->keys[k].len};
        c->rows = (struct rows_spec){
            .nslices = w->nslices, .slices = w->slices, .static_only = p->static_only};
    }
    pf->vis = (struct read_visitor){on_start, on_row, on_end, pf};
    struct coordinator_read *rd = &run->cr;
    memset(rd, 0, sizeof *rd);
    rd->loop = run->r->loop;
    rd->cmds = pf->cmds;
    rd->ncmds = w->nkeys;
    rd->cl = run->cl == CL_ANY ? CL_ONE : (enum consistency)run->cl;
    rd->strategy = stmt_strategy(run, bs->st->keyspace);
    rd->visitor = &pf->vis;
    rd->done_cb = read_done;
    rd->user = pf;
    coordinator_read(run->x->env.coord, rd);
}

void dml_prefetch(struct stmt_run *run, struct dml_bound *const *bs, uint32_t n,
                  dml_prefetch_cb done)
{
    struct dml_prefetch *pf = arena_zalloc(run->r->arena, sizeof *pf);
    pf->run = run;
    pf->bs = bs;
    pf->nbs = n;
    pf->done = done;
    read_next(pf);
}

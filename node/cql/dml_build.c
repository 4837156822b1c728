/* dml_build: see dml_build.h. */
#include "node/cql/dml_build.h"

#include <stdlib.h>
#include <string.h>

#include "node/base/assert.h"

void dml_build_init(struct dml_build *b, struct arena *a)
{
    memset(b, 0, sizeof *b);
    b->arena = a;
}

/* Grows an arena array of elem bytes from cap to at least need (old content copied). */
static void *grow(struct arena *a, void *p, uint32_t *cap, uint32_t need, size_t elem)
{
    if (need <= *cap) return p;
    uint32_t n = *cap ? *cap * 2 : 4;
    while (n < need)
        n *= 2;
    void *q = arena_zalloc(a, n * elem);
    if (p && *cap) memcpy(q, p, *cap * elem);
    *cap = n;
    return q;
}

struct dml_part *dml_build_part(struct dml_build *b, const struct table_schema *t,
                                const uint8_t *key, uint32_t key_len, int64_t token)
{
    for (uint32_t i = 0; i < b->nparts; i++) {
        struct dml_part *p = b->parts[i];
        if (p->t == t && p->u.key_len == key_len && memcmp(p->u.key, key, key_len) == 0) return p;
    }
    b->parts = grow(b->arena, b->parts, &b->parts_cap, b->nparts + 1, sizeof *b->parts);
    struct dml_part *p = arena_zalloc(b->arena, sizeof *p);
    p->t = t;
    p->u.table_id = t->id;
    p->u.key = arena_dup(b->arena, key, key_len ? key_len : 1);
    p->u.key_len = key_len;
    p->u.token = token;
    p->u.partition_deletion = DELETION_LIVE;
    b->parts[b->nparts++] = p;
    return p;
}

static void row_init(struct dml_row *r)
{
    memset(r, 0, sizeof *r);
    r->r.liveness = LIVENESS_EMPTY;
    r->r.deletion = DELETION_LIVE;
}

struct dml_row *dml_build_row(struct dml_build *b, struct dml_part *p, const uint8_t *ck,
                              uint32_t ck_len)
{
    for (uint32_t i = 0; i < p->u.nrows; i++) {
        struct dml_row *r = &p->rows[i];
        if (r->r.ck_len == ck_len && (ck_len == 0 || memcmp(r->r.ck, ck, ck_len) == 0)) return r;
    }
    if (b->total_rows >= DML_BUILD_ROWS_MAX) return NULL;
    p->rows = grow(b->arena, p->rows, &p->rows_cap, p->u.nrows + 1, sizeof *p->rows);
    struct dml_row *r = &p->rows[p->u.nrows++];
    row_init(r);
    r->r.ck = ck_len ? arena_dup(b->arena, ck, ck_len) : NULL;
    r->r.ck_len = ck_len;
    b->total_rows++;
    return r;
}

struct dml_row *dml_build_static(struct dml_build *b, struct dml_part *p)
{
    if (!p->static_row) {
        p->static_row = arena_zalloc(b->arena, sizeof *p->static_row);
        row_init(p->static_row);
        p->static_row->r.flags = ROW_STATIC;
    }
    return p->static_row;
}

void dml_build_cell(struct dml_build *b, struct dml_row *r, const struct cell *c)
{
    for (uint32_t i = 0; i < r->r.ncells; i++) {
        struct cell *x = &r->r.cells[i];
        if (cell_cmp_position(x, c) != 0) continue;
        if (cell_reconcile(x, c) == c) {
            *x = *c;
            x->path = c->path_len ? arena_dup(b->arena, c->path, c->path_len) : NULL;
            x->value = c->value_len ? arena_dup(b->arena, c->value, c->value_len) : NULL;
        }
        return;
    }
    r->r.cells = grow(b->arena, r->r.cells, &r->cells_cap, r->r.ncells + 1, sizeof *r->r.cells);
    struct cell *x = &r->r.cells[r->r.ncells++];
    *x = *c;
    x->path = c->path_len ? arena_dup(b->arena, c->path, c->path_len) : NULL;
    x->value = c->value_len ? arena_dup(b->arena, c->value, c->value_len) : NULL;
}

void dml_build_complex_del(struct dml_build *b, struct dml_row *r, uint16_t col,
                           struct deletion del)
{
    for (uint16_t i = 0; i < r->r.ncomplex; i++)
        if (r->r.complex[i].col == col) {
            if (deletion_supersedes(del, r->r.complex[i].del)) r->r.complex[i].del = del;
            return;
        }
    uint32_t cap = r->complex_cap;
    r->r.complex = grow(b->arena, r->r.complex, &cap, r->r.ncomplex + 1u, sizeof *r->r.complex);
    r->complex_cap = (uint16_t)(cap > 0xFFFF ? 0xFFFF : cap);
    r->r.complex[r->r.ncomplex++] = (struct complex_del){col, del};
}

void dml_build_row_del(struct dml_row *r, struct deletion del)
{
    if (deletion_supersedes(del, r->r.deletion)) r->r.deletion = del;
}

void dml_build_liveness(struct dml_row *r, struct liveness l)
{
    if (liveness_is_empty(r->r.liveness) || liveness_supersedes(l, r->r.liveness))
        r->r.liveness = l;
}

void dml_build_partition_del(struct dml_part *p, struct deletion del)
{
    if (deletion_supersedes(del, p->u.partition_deletion)) p->u.partition_deletion = del;
}

void dml_build_range_del(struct dml_build *b, struct dml_part *p, const struct slice *s,
                         struct deletion del)
{
    p->u.rts = grow(b->arena, p->u.rts, &p->rts_cap, p->u.nrts + 1, sizeof *p->u.rts);
    p->u.rts[p->u.nrts++] = (struct range_tombstone){*s, del};
}

static int cell_cmp(const void *a, const void *b)
{
    return cell_cmp_position(a, b);
}

static int complex_cmp(const void *a, const void *b)
{
    const struct complex_del *x = a, *y = b;
    return (int)x->col - (int)y->col;
}

static int row_cmp(const void *a, const void *b, void *arg)
{
    const struct dml_row *x = a, *y = b;
    return clustering_cmp(arg, x->r.ck, x->r.ck_len, y->r.ck, y->r.ck_len);
}

static void sort_row(struct row *r)
{
    if (r->ncells > 1) qsort(r->cells, r->ncells, sizeof *r->cells, cell_cmp);
    if (r->ncomplex > 1) qsort(r->complex, r->ncomplex, sizeof *r->complex, complex_cmp);
}

int dml_build_finish(struct dml_build *b, struct partition_update **out, uint32_t *n,
                     struct errmsg *em)
{
    if (b->total_rows >= DML_BUILD_ROWS_MAX)
        return errmsg_set(em, ERR_LIMIT, "a statement or batch may write at most %u rows",
                          DML_BUILD_ROWS_MAX);
    struct partition_update *u = arena_zalloc(b->arena, (b->nparts + 1) * sizeof *u);
    for (uint32_t i = 0; i < b->nparts; i++) {
        struct dml_part *p = b->parts[i];
        if (p->u.nrows > 1) qsort_r(p->rows, p->u.nrows, sizeof *p->rows, row_cmp, (void *)p->t);
        p->u.rows = arena_zalloc(b->arena, (p->u.nrows + 1) * sizeof *p->u.rows);
        for (uint32_t k = 0; k < p->u.nrows; k++) {
            sort_row(&p->rows[k].r);
            p->u.rows[k] = p->rows[k].r;
        }
        if (p->static_row) {
            sort_row(&p->static_row->r);
            p->u.static_row = &p->static_row->r;
        }
        u[i] = p->u;
    }
    *out = u;
    *n = b->nparts;
    return 0;
}

/*
 * selection_get: a column's value in the row the read visitor hands over. Key columns come
 * from the decoded partition key and clustering; simple cells are returned as stored (no
 * copy); non-frozen collections and UDTs are assembled from their element cells in
 * r->scratch: list elements in cell-path order (list paths are byte-ordered time ids, see
 * dml_ops.c), set elements and map keys sorted by the element type's comparator (cells are
 * ordered by raw path bytes), UDT fields by their 2-byte field index path.
 */
#include <stdlib.h>
#include <string.h>

#include "node/base/be.h"
#include "node/cql/selection.h"
#include "node/cql/selection_int.h"

/* First cell of column id in row (cells sorted by column id), and how many there are. */
static const struct cell *find_cells(const struct row *row, uint16_t id, uint32_t *n)
{
    uint32_t lo = 0, hi = row->ncells;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (row->cells[mid].col < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    uint32_t end = lo;
    while (end < row->ncells && row->cells[end].col == id)
        end++;
    *n = end - lo;
    return *n ? &row->cells[lo] : NULL;
}

static const struct row *row_of(const struct selection_row *r, const struct column_def *d)
{
    return d->kind == COLUMN_STATIC ? r->static_row : r->row;
}

const struct cell *selection_get_cell(const struct selection_row *r, uint16_t col)
{
    const struct column_def *d = &r->t->columns[col];
    const struct row *row = row_of(r, d);
    if (!row) return NULL;
    uint32_t n;
    const struct cell *c = find_cells(row, d->id, &n);
    if (!c || (c->flags & CELL_TOMBSTONE) || !cell_is_live(c, r->now_s)) return NULL;
    return c;
}

struct elem {
    const uint8_t *k;
    uint32_t klen;
    const uint8_t *v;
    uint32_t vlen;
};

static int elem_cmp(const void *a, const void *b, void *arg)
{
    const struct cql_type *t = arg;
    const struct elem *x = a, *y = b;
    return cql_value_compare(t, x->k, x->klen, y->k, y->klen);
}

static int assemble_udt(const struct selection_row *r, const struct cql_type *t,
                        const struct cell *cells, uint32_t n, struct bind_value *out)
{
    struct buf b;
    buf_init(&b);
    uint32_t i = 0;
    bool any = false;
    for (uint16_t f = 0; f < t->nsub; f++) {
        while (i < n && (cells[i].path_len != 2 || be16_load(cells[i].path) < f))
            i++;
        const struct cell *c = i < n && be16_load(cells[i].path) == f ? &cells[i] : NULL;
        if (c && !(c->flags & CELL_TOMBSTONE) && cell_is_live(c, r->now_s)) {
            buf_put_be32(&b, c->value_len);
            buf_append(&b, c->value, c->value_len);
            any = true;
        } else {
            buf_put_be32(&b, 0xFFFFFFFFu);
        }
    }
    if (any) {
        out->kind = BIND_VALUE;
        out->len = (uint32_t)b.len;
        out->p = arena_dup(r->scratch, b.data, b.len);
    } else {
        *out = (struct bind_value){.kind = BIND_NULL};
    }
    buf_deinit(&b);
    return 0;
}

static int assemble(const struct selection_row *r, const struct cql_type *t,
                    const struct cell *cells, uint32_t n, struct bind_value *out)
{
    if (t->id == CQL_UDT) return assemble_udt(r, t, cells, n, out);
    struct elem *e = arena_alloc(r->scratch, (n ? n : 1) * sizeof *e);
    uint32_t m = 0;
    size_t bytes = 4;
    for (uint32_t i = 0; i < n; i++) {
        const struct cell *c = &cells[i];
        if ((c->flags & CELL_TOMBSTONE) || !cell_is_live(c, r->now_s)) continue;
        e[m++] = (struct elem){c->path, c->path_len, c->value, c->value_len};
        bytes += 8 + c->path_len + c->value_len;
    }
    if (m == 0) {
        *out = (struct bind_value){.kind = BIND_NULL};
        return 0;
    }
    if (t->id != CQL_LIST) qsort_r(e, m, sizeof *e, elem_cmp, (void *)t->sub[0]);
    uint8_t *p = arena_alloc(r->scratch, bytes);
    size_t pos = 4;
    be32_store(p, m);
    for (uint32_t i = 0; i < m; i++) {
        const uint8_t *x = t->id == CQL_LIST ? e[i].v : e[i].k;
        uint32_t xl = t->id == CQL_LIST ? e[i].vlen : e[i].klen;
        be32_store(p + pos, xl);
        if (xl) memcpy(p + pos + 4, x, xl);
        pos += 4 + xl;
        if (t->id == CQL_MAP) {
            be32_store(p + pos, e[i].vlen);
            if (e[i].vlen) memcpy(p + pos + 4, e[i].v, e[i].vlen);
            pos += 4 + e[i].vlen;
        }
    }
    *out = (struct bind_value){.kind = BIND_VALUE, .len = (uint32_t)pos, .p = p};
    return 0;
}

int selection_get(const struct selection_row *r, uint16_t col, struct bind_value *out)
{
    const struct column_def *d = &r->t->columns[col];
    *out = (struct bind_value){.kind = BIND_NULL};
    if (d->kind == COLUMN_PARTITION_KEY) {
        *out = r->pk[d->position];
        return 0;
    }
    if (d->kind == COLUMN_CLUSTERING) {
        if (r->ck) *out = r->ck[d->position];
        return 0;
    }
    const struct row *row = row_of(r, d);
    if (!row) return 0;
    uint32_t n;
    const struct cell *c = find_cells(row, d->id, &n);
    if (!c) return 0;
    if (cql_type_is_multicell(d->type)) return assemble(r, d->type, c, n, out);
    if ((c->flags & CELL_TOMBSTONE) || !cell_is_live(c, r->now_s)) return 0;
    *out = (struct bind_value){.kind = BIND_VALUE,
                               .len = c->value_len,
                               .p = c->value_len ? c->value : (const uint8_t *)""};
    return 0;
}

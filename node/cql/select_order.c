/* select_order: see select_order.h. */
#include "node/cql/select_order.h"

#include <stdlib.h>
#include <string.h>

#include "node/base/assert.h"
#include "node/base/mem.h"
#include "storage/row.h"

void select_order_init(struct select_order *o, struct arena *a)
{
    memset(o, 0, sizeof *o);
    o->arena = a;
}

void select_order_note(struct select_order *o, size_t off, size_t len, const uint8_t *ck,
                       uint32_t ck_len)
{
    if (o->n == o->cap) {
        uint32_t cap = o->cap ? o->cap * 2 : 64;
        struct select_order_row *r = arena_alloc(o->arena, cap * sizeof *r);
        if (o->n) memcpy(r, o->rows, o->n * sizeof *r);
        o->rows = r;
        o->cap = cap;
    }
    o->rows[o->n] = (struct select_order_row){
        off, len, ck_len ? arena_dup(o->arena, ck, ck_len) : NULL, ck_len, o->n};
    o->n++;
}

struct sort_arg {
    const struct table_schema *t;
    bool reversed;
};

static int row_cmp(const void *a, const void *b, void *arg)
{
    const struct sort_arg *s = arg;
    const struct select_order_row *x = a, *y = b;
    int c = clustering_cmp(s->t, x->ck, x->ck_len, y->ck, y->ck_len);
    if (s->reversed) c = -c;
    if (c == 0) c = x->seq < y->seq ? -1 : x->seq > y->seq;
    return c;
}

void select_order_apply(struct select_order *o, const struct table_schema *t, bool reversed,
                        struct cqlrows_writer *w, int64_t limit)
{
    ASSERT((int32_t)o->n == w->nrows);
    if (o->n == 0) return;
    struct sort_arg sa = {t, reversed};
    qsort_r(o->rows, o->n, sizeof *o->rows, row_cmp, &sa);
    size_t start = o->rows[0].off, end = start;
    for (uint32_t i = 0; i < o->n; i++) {
        if (o->rows[i].off < start) start = o->rows[i].off;
        if (o->rows[i].off + o->rows[i].len > end) end = o->rows[i].off + o->rows[i].len;
    }
    uint32_t keep = limit >= 0 && (uint64_t)limit < o->n ? (uint32_t)limit : o->n;
    uint8_t *copy = xmalloc(end - start);
    memcpy(copy, w->b->data + start, end - start);
    size_t pos = start;
    for (uint32_t i = 0; i < keep; i++) {
        memcpy(w->b->data + pos, copy + (o->rows[i].off - start), o->rows[i].len);
        pos += o->rows[i].len;
    }
    free(copy);
    w->b->len = pos;
    w->nrows = (int32_t)keep;
    w->row_pos = pos;
}

/* cqlrows: result metadata, Rows results, prepared metadata. See cqlrows.h. */
#include "node/cqlproto/cqlrows.h"

#include <string.h>

#include "node/base/assert.h"
#include "node/base/be.h"
#include "node/base/err.h"
#include "node/cqlproto/cqlopt.h"

static bool str_same(struct cqlwire_str a, struct cqlwire_str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

/* Cassandra's ResultMetadata.allInSameTable: one table spec for all columns. */
static bool same_table(const struct cqlrows_meta *m)
{
    if (m->ncols <= 0) return false;
    for (int32_t i = 1; i < m->ncols; i++) {
        if (!str_same(m->cols[i].keyspace, m->cols[0].keyspace) ||
            !str_same(m->cols[i].table, m->cols[0].table))
            return false;
    }
    return true;
}

/* Bind metadata of v4+ carries pk indexes and never a paging state. */
static bool has_pk(bool is_bind, int version)
{
    return is_bind && version >= 4;
}

void cqlrows_meta_put(struct buf *b, const struct cqlrows_meta *m, bool is_bind, int version)
{
    bool pk = has_pk(is_bind, version);
    bool no_meta = (m->flags & CQLROWS_NO_METADATA) != 0;
    bool paging = !pk && (m->flags & CQLROWS_HAS_MORE_PAGES) != 0;
    ASSERT(m->ncols >= 0 && m->ncols <= CQLROWS_COLUMNS_MAX);
    ASSERT(no_meta || m->ncols == 0 || m->cols != NULL);
    bool global = !no_meta && same_table(m);
    int32_t flags = (global ? CQLROWS_GLOBAL_TABLES_SPEC : 0) |
                    (paging ? CQLROWS_HAS_MORE_PAGES : 0) | (no_meta ? CQLROWS_NO_METADATA : 0);
    cqlwire_put_int(b, flags);
    cqlwire_put_int(b, m->ncols);
    if (pk) {
        ASSERT(m->npk >= 0 && m->npk <= CQLROWS_COLUMNS_MAX);
        cqlwire_put_int(b, m->npk);
        for (int32_t i = 0; i < m->npk; i++) cqlwire_put_short(b, m->pk_indexes[i]);
    }
    if (paging) {
        /* Drivers read it as a length-prefixed blob: null would desynchronise them. */
        ASSERT(m->paging_state.len >= 0);
        cqlwire_put_value(b, m->paging_state);
    }
    if (no_meta) return;
    if (global) {
        cqlwire_put_str(b, m->cols[0].keyspace);
        cqlwire_put_str(b, m->cols[0].table);
    }
    for (int32_t i = 0; i < m->ncols; i++) {
        const struct cqlrows_col *c = &m->cols[i];
        if (!global) {
            cqlwire_put_str(b, c->keyspace);
            cqlwire_put_str(b, c->table);
        }
        cqlwire_put_str(b, c->name);
        cqlopt_put(b, c->type, version);
    }
}

static int get_pk(struct rbuf *r, struct arena *a, struct cqlrows_meta *m)
{
    if (cqlwire_get_int(r, &m->npk) < 0 || m->npk < 0 || m->npk > CQLROWS_COLUMNS_MAX ||
        (size_t)m->npk * 2 > rbuf_left(r))
        return ERR_PROTOCOL;
    uint16_t *pk = m->npk ? arena_alloc(a, (size_t)m->npk * sizeof *pk) : NULL;
    for (int32_t i = 0; i < m->npk; i++)
        if (cqlwire_get_short(r, &pk[i]) < 0) return ERR_PROTOCOL;
    m->pk_indexes = pk;
    return 0;
}

static int get_cols(struct rbuf *r, struct arena *a, int version, struct cqlrows_meta *m)
{
    (void)version;
    struct cqlwire_str ks = {"", 0}, table = {"", 0};
    bool global = (m->flags & CQLROWS_GLOBAL_TABLES_SPEC) != 0;
    if (global && (cqlwire_get_string(r, &ks) < 0 || cqlwire_get_string(r, &table) < 0))
        return ERR_PROTOCOL;
    /* A column spec is at least a name length and a type id (plus two lengths if not global). */
    if ((size_t)m->ncols * (global ? 4 : 8) > rbuf_left(r)) return ERR_PROTOCOL;
    struct cqlrows_col *cols = m->ncols ? arena_zalloc(a, (size_t)m->ncols * sizeof *cols) : NULL;
    for (int32_t i = 0; i < m->ncols; i++) {
        struct cqlrows_col *c = &cols[i];
        c->keyspace = ks;
        c->table = table;
        if (!global && (cqlwire_get_string(r, &c->keyspace) < 0 ||
                        cqlwire_get_string(r, &c->table) < 0))
            return ERR_PROTOCOL;
        if (cqlwire_get_string(r, &c->name) < 0 || cqlopt_get(r, a, &c->type) < 0)
            return ERR_PROTOCOL;
    }
    m->cols = cols;
    return 0;
}

static int meta_get(struct rbuf *r, struct arena *a, bool is_bind, int version,
                    struct cqlrows_meta *m)
{
    memset(m, 0, sizeof *m);
    m->paging_state.len = CQLWIRE_NULL;
    if (cqlwire_get_int(r, &m->flags) < 0 || cqlwire_get_int(r, &m->ncols) < 0 ||
        m->ncols < 0 || m->ncols > CQLROWS_COLUMNS_MAX)
        return ERR_PROTOCOL;
    if (has_pk(is_bind, version)) {
        if (get_pk(r, a, m) < 0) return ERR_PROTOCOL;
        m->flags &= ~CQLROWS_HAS_MORE_PAGES;
    }
    /* A null paging state would make no sense to a driver (it reads a plain blob). */
    if ((m->flags & CQLROWS_HAS_MORE_PAGES) &&
        (cqlwire_get_bytes(r, &m->paging_state) < 0 || m->paging_state.len < 0))
        return ERR_PROTOCOL;
    if (m->flags & CQLROWS_NO_METADATA) return 0;
    return get_cols(r, a, version, m);
}

int cqlrows_meta_get(struct rbuf *r, struct arena *a, bool is_bind, int version,
                     struct cqlrows_meta *out)
{
    size_t save = r->pos;
    struct cqlrows_meta m;
    if (meta_get(r, a, is_bind, version, &m) < 0) {
        r->pos = save;
        return ERR_PROTOCOL;
    }
    *out = m;
    return 0;
}

/* ---- the Rows writer ---- */

void cqlrows_begin(struct cqlrows_writer *w, struct buf *b, const struct cqlrows_meta *m,
                   int version)
{
    memset(w, 0, sizeof *w);
    w->b = b;
    cqlwire_put_int(b, 0x0002); /* RESULT kind Rows */
    w->flags_pos = b->len;
    w->paging_pos = b->len + 8; /* after <flags><columns_count> */
    cqlrows_meta_put(b, m, false, version);
    w->has_paging = (m->flags & CQLROWS_HAS_MORE_PAGES) != 0;
    w->ncols = m->ncols;
    w->count_pos = b->len;
    cqlwire_put_int(b, 0);
    w->row_pos = b->len;
}

static void cell_done(struct cqlrows_writer *w)
{
    if (++w->cell < w->ncols) return;
    ASSERT(w->nrows < INT32_MAX);
    w->cell = 0;
    w->nrows++;
    w->row_pos = w->b->len;
}

void cqlrows_cell(struct cqlrows_writer *w, const void *p, size_t len)
{
    ASSERT(!w->finished && w->ncols > 0);
    cqlwire_put_bytes(w->b, p, len);
    cell_done(w);
}

void cqlrows_cell_null(struct cqlrows_writer *w)
{
    ASSERT(!w->finished && w->ncols > 0);
    cqlwire_put_null(w->b);
    cell_done(w);
}

void cqlrows_cell_value(struct cqlrows_writer *w, struct cqlwire_value v)
{
    if (v.len < 0)
        cqlrows_cell_null(w);
    else
        cqlrows_cell(w, v.p, (size_t)v.len);
}

void cqlrows_row_abort(struct cqlrows_writer *w)
{
    ASSERT(!w->finished);
    w->b->len = w->row_pos;
    w->cell = 0;
}

int32_t cqlrows_count(const struct cqlrows_writer *w)
{
    return w->nrows;
}

size_t cqlrows_bytes(const struct cqlrows_writer *w)
{
    return w->b->len - (w->flags_pos - 4);
}

void cqlrows_finish(struct cqlrows_writer *w, const uint8_t *paging_state, size_t len)
{
    ASSERT(!w->finished && w->cell == 0);
    struct buf *b = w->b;
    be32_store(b->data + w->count_pos, (uint32_t)w->nrows);
    w->finished = true;
    if (!paging_state || w->has_paging) return;
    ASSERT(len <= INT32_MAX);
    size_t shift = 4 + len;
    buf_reserve(b, shift);
    memmove(b->data + w->paging_pos + shift, b->data + w->paging_pos, b->len - w->paging_pos);
    be32_store(b->data + w->paging_pos, (uint32_t)len);
    if (len) memcpy(b->data + w->paging_pos + 4, paging_state, len);
    b->len += shift;
    uint32_t flags = be32_load(b->data + w->flags_pos) | CQLROWS_HAS_MORE_PAGES;
    be32_store(b->data + w->flags_pos, flags);
    w->has_paging = true;
}

/* ---- client side ---- */

static int rows_get(struct rbuf *r, struct arena *a, int version, struct cqlrows *out)
{
    if (cqlrows_meta_get(r, a, false, version, &out->meta) < 0) return ERR_PROTOCOL;
    if (cqlwire_get_int(r, &out->nrows) < 0 || out->nrows < 0) return ERR_PROTOCOL;
    size_t ncells = (size_t)out->nrows * (size_t)out->meta.ncols;
    /* Every cell is at least its 4-byte length: check before allocating. */
    if (out->meta.ncols && ncells / (size_t)out->meta.ncols != (size_t)out->nrows)
        return ERR_PROTOCOL;
    if (ncells > rbuf_left(r) / 4) return ERR_PROTOCOL;
    struct cqlwire_value *cells = ncells ? arena_alloc(a, ncells * sizeof *cells) : NULL;
    for (size_t i = 0; i < ncells; i++)
        if (cqlwire_get_bytes(r, &cells[i]) < 0) return ERR_PROTOCOL;
    out->cells = cells;
    return 0;
}

int cqlrows_get(struct rbuf *r, struct arena *a, int version, struct cqlrows *out)
{
    size_t save = r->pos;
    struct cqlrows rows;
    if (rows_get(r, a, version, &rows) < 0) {
        r->pos = save;
        return ERR_PROTOCOL;
    }
    *out = rows;
    return 0;
}

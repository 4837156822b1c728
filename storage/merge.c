/*
 * merge: reconciling rows and merging partitions from several sources (see merge.h).
 *
 * Shape: a merge keeps the current row of each source ("head"); next() advances the sources
 * whose rows it returned last time (their memory had to stay valid until now), picks the
 * smallest clustering in read order, reconciles every head at that clustering, applies the
 * deletions covering it (partition deletion, range tombstones) and filters (MERGE_LIVE) or
 * purges (MERGE_RAW). Range tombstones are swept: sorted by where the read meets them first
 * (start going forward, end going backward), added to an active set as rows pass their first
 * bound and dropped when rows pass their second, so a row costs O(active tombstones).
 * Sources are few (memtables + SSTables of one table), so the smallest head is found by a
 * linear scan rather than a heap.
 */
#include "storage/merge.h"

#include <stdlib.h>
#include <string.h>

#include "node/base/assert.h"
#include "node/base/mem.h"

void merge_scratch_init(struct merge_scratch *sc)
{
    memset(sc, 0, sizeof *sc);
}

void merge_scratch_deinit(struct merge_scratch *sc)
{
    if (!sc) return;
    free(sc->cells);
    free(sc->complex);
    free(sc->pos);
    memset(sc, 0, sizeof *sc);
}

static struct deletion del_max(struct deletion a, struct deletion b)
{
    return deletion_supersedes(b, a) ? b : a;
}

/* Merges the complex deletions of every version, keeping per column the newest one that is
   not already covered by the row deletion. */
static void merge_complex(const struct row *const *rows, size_t n, struct merge_scratch *sc,
                          struct row *out)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++) total += rows[i]->ncomplex;
    out->ncomplex = 0;
    out->complex = NULL;
    if (total == 0) return;
    xgrow((void **)&sc->complex, &sc->complex_cap, total, sizeof *sc->complex);
    uint16_t k = 0;
    for (size_t i = 0; i < n; i++) {
        for (uint16_t j = 0; j < rows[i]->ncomplex; j++) {
            struct complex_del cd = rows[i]->complex[j];
            uint16_t at = 0; /* insertion into the sorted prefix sc->complex[0..k) */
            while (at < k && sc->complex[at].col < cd.col) at++;
            if (at < k && sc->complex[at].col == cd.col) {
                sc->complex[at].del = del_max(sc->complex[at].del, cd.del);
                continue;
            }
            memmove(&sc->complex[at + 1], &sc->complex[at], (size_t)(k - at) * sizeof cd);
            sc->complex[at] = cd;
            k++;
        }
    }
    uint16_t kept = 0;
    for (uint16_t i = 0; i < k; i++)
        if (deletion_supersedes(sc->complex[i].del, out->deletion)) sc->complex[kept++] = sc->complex[i];
    out->ncomplex = kept;
    out->complex = kept ? sc->complex : NULL;
}

/* The complex deletion of col, walking cd forward (cells come in column order). */
static struct deletion complex_for(const struct row *r, uint16_t col, uint16_t *cursor)
{
    while (*cursor < r->ncomplex && r->complex[*cursor].col < col) (*cursor)++;
    if (*cursor < r->ncomplex && r->complex[*cursor].col == col) return r->complex[*cursor].del;
    return DELETION_LIVE;
}

static bool cell_shadowed(const struct row *r, const struct cell *c, uint16_t *cursor)
{
    if (deletion_deletes(r->deletion, c->ts_us)) return true;
    return r->ncomplex && deletion_deletes(complex_for(r, c->col, cursor), c->ts_us);
}

void merge_row_versions(const struct row *const *rows, size_t n, struct merge_scratch *sc,
                        struct row *out)
{
    ASSERT(n > 0);
    *out = *rows[0];
    for (size_t i = 1; i < n; i++) {
        if (liveness_supersedes(rows[i]->liveness, out->liveness)) out->liveness = rows[i]->liveness;
        out->deletion = del_max(out->deletion, rows[i]->deletion);
    }
    if (deletion_deletes(out->deletion, out->liveness.ts_us)) out->liveness = LIVENESS_EMPTY;
    if (n == 1 && deletion_is_live(out->deletion) && out->ncomplex == 0) return;
    merge_complex(rows, n, sc, out);

    size_t total = 0;
    for (size_t i = 0; i < n; i++) total += rows[i]->ncells;
    xgrow((void **)&sc->cells, &sc->cells_cap, total ? total : 1, sizeof *sc->cells);
    xgrow((void **)&sc->pos, &sc->pos_cap, n, sizeof *sc->pos);
    memset(sc->pos, 0, n * sizeof *sc->pos);
    uint32_t k = 0;
    uint16_t cursor = 0;
    for (;;) {
        const struct cell *best = NULL;
        for (size_t i = 0; i < n; i++) { /* smallest position among the heads */
            if (sc->pos[i] >= rows[i]->ncells) continue;
            const struct cell *c = &rows[i]->cells[sc->pos[i]];
            if (!best || cell_cmp_position(c, best) < 0) best = c;
        }
        if (!best) break;
        const struct cell *win = NULL;
        for (size_t i = 0; i < n; i++) { /* reconcile every version at that position */
            if (sc->pos[i] >= rows[i]->ncells) continue;
            const struct cell *c = &rows[i]->cells[sc->pos[i]];
            if (cell_cmp_position(c, best) != 0) continue;
            win = win ? cell_reconcile(win, c) : c;
            sc->pos[i]++;
        }
        if (!cell_shadowed(out, win, &cursor)) sc->cells[k++] = *win;
    }
    out->ncells = k;
    out->cells = sc->cells;
}

/* ---- partition merge ---- */

#define MERGE_INLINE_SOURCES 4
#define MERGE_RT_NORMALIZE_MAX 256

struct merge_src {
    struct part_iter *it;
    const struct row *head;
    bool advance; /* head was consumed: fetch the next row before looking again */
    bool done;
};

struct merge_iter {
    struct part_iter base;
    struct merge_opts o;
    int dir; /* 1 forward, -1 reversed */
    size_t n;
    struct merge_src *srcs;
    const struct row **eq;
    size_t *eq_src; /* the source of each eq[] row */
    struct deletion pdel; /* the merged partition deletion, before any purge */
    /* every range tombstone not shadowed by pdel, in sweep order */
    struct range_tombstone *rts;
    uint32_t nrts, rt_next, nactive;
    uint32_t *active;
    struct range_tombstone *out_rts; /* header copy (raw: unpurged ones), start order */
    struct merge_scratch sc, sc_static;
    struct cell *fcells, *fcells_static;
    size_t fcap, fcap_static;
    struct row row, static_row;
    /* storage for srcs/eq/eq_src when there are few sources (a read: no extra allocation) */
    struct merge_src srcs_inline[MERGE_INLINE_SOURCES];
    const struct row *eq_inline[MERGE_INLINE_SOURCES];
    size_t eq_src_inline[MERGE_INLINE_SOURCES];
};

static bool col_valid(const struct merge_opts *o, uint16_t col)
{
    if (!o->col_valid) return true;
    return col < o->col_valid_n && (o->col_valid[col >> 3] >> (col & 7)) & 1;
}

static bool purgeable(const struct merge_opts *o, int64_t ts_us, int32_t ldt_s)
{
    return o->purge && o->purge(o->purge_arg, ts_us, ldt_s);
}

/* Live view of r under the covering deletion d: live liveness and live cells only. Returns
   false when nothing is live. out may alias r. */
static bool filter_live(struct merge_iter *m, const struct row *r, struct deletion d,
                        struct cell **buf, size_t *cap, struct row *out)
{
    d = del_max(d, r->deletion);
    int32_t now = m->o.now_s;
    struct liveness l = r->liveness;
    if (!liveness_is_live(l, now) || deletion_deletes(d, l.ts_us)) l = LIVENESS_EMPTY;
    uint32_t i = 0;
    uint16_t cursor = 0;
    for (; i < r->ncells; i++) { /* fast path: every cell passes, keep the array */
        const struct cell *c = &r->cells[i];
        if (!cell_is_live(c, now) || deletion_deletes(d, c->ts_us) || !col_valid(&m->o, c->col) ||
            (r->ncomplex && deletion_deletes(complex_for(r, c->col, &cursor), c->ts_us)))
            break;
    }
    const struct cell *cells = r->cells;
    uint32_t k = i;
    if (i < r->ncells) {
        xgrow((void **)buf, cap, r->ncells, sizeof **buf);
        if (i) memcpy(*buf, r->cells, i * sizeof **buf);
        for (i++; i < r->ncells; i++) {
            const struct cell *c = &r->cells[i];
            if (!cell_is_live(c, now) || deletion_deletes(d, c->ts_us) ||
                !col_valid(&m->o, c->col) ||
                (r->ncomplex && deletion_deletes(complex_for(r, c->col, &cursor), c->ts_us)))
                continue;
            (*buf)[k++] = *c;
        }
        cells = *buf;
    }
    if (liveness_is_empty(l) && k == 0) return false;
    struct row o = *r;
    o.liveness = l;
    o.deletion = DELETION_LIVE;
    o.ncomplex = 0;
    o.complex = NULL;
    o.ncells = k;
    o.cells = (struct cell *)cells;
    *out = o;
    return true;
}

/* The cell as a raw output keeps it: NULL when shadowed, purged or filtered; an expired cell
   becomes a tombstone (BufferCell.purge). */
static bool purge_cell(const struct merge_opts *o, struct cell *c)
{
    if (!col_valid(o, c->col)) return false;
    if (cell_is_live(c, o->now_s)) return true;
    if (purgeable(o, c->ts_us, c->ldt_s)) return false;
    if (c->flags & CELL_EXPIRING) {
        c->ldt_s = c->ldt_s - c->ttl_s;
        c->flags = CELL_TOMBSTONE;
        c->ttl_s = 0;
        c->value = NULL;
        c->value_len = 0;
        if (purgeable(o, c->ts_us, c->ldt_s)) return false;
    }
    return true;
}

/* Raw view of r under the covering deletion d (Row.purge with the merge's shadowing rules).
   Returns false when nothing is left to write. */
static bool purge_row(struct merge_iter *m, const struct row *r, struct deletion d,
                      struct cell **buf, size_t *cap, struct row *out)
{
    const struct merge_opts *o = &m->o;
    struct row w = *r;
    if (!deletion_is_live(w.deletion)) {
        if (deletion_supersedes(d, w.deletion)) w.deletion = DELETION_LIVE;
        else d = w.deletion;
    }
    if (deletion_deletes(d, w.liveness.ts_us)) w.liveness = LIVENESS_EMPTY;
    if (!liveness_is_empty(w.liveness) && !liveness_is_live(w.liveness, o->now_s) &&
        purgeable(o, w.liveness.ts_us, w.liveness.ldt_s))
        w.liveness = LIVENESS_EMPTY;
    xgrow((void **)buf, cap, r->ncells ? r->ncells : 1, sizeof **buf);
    uint32_t k = 0;
    uint16_t cursor = 0;
    for (uint32_t i = 0; i < r->ncells; i++) {
        struct cell c = r->cells[i];
        struct deletion cd = r->ncomplex ? complex_for(r, c.col, &cursor) : DELETION_LIVE;
        if (deletion_deletes(d, c.ts_us) || deletion_deletes(cd, c.ts_us)) continue;
        if (purge_cell(o, &c)) (*buf)[k++] = c;
    }
    w.cells = *buf;
    w.ncells = k;
    /* complex deletions: drop the shadowed (by d) and purgeable ones; the array is the merge
       scratch's, so filtering in place is fine */
    uint16_t kept = 0;
    for (uint16_t i = 0; i < r->ncomplex; i++) {
        struct complex_del cd = r->complex[i];
        if (!deletion_supersedes(cd.del, d) || purgeable(o, cd.del.ts_us, cd.del.ldt_s)) continue;
        w.complex[kept++] = cd;
    }
    w.ncomplex = kept;
    if (!kept) w.complex = NULL;
    if (!deletion_is_live(w.deletion) && purgeable(o, w.deletion.ts_us, w.deletion.ldt_s))
        w.deletion = DELETION_LIVE;
    if (liveness_is_empty(w.liveness) && deletion_is_live(w.deletion) && !w.ncomplex && !w.ncells)
        return false;
    *out = w;
    return true;
}

static bool finish_row(struct merge_iter *m, const struct row *r, struct deletion d,
                       struct cell **buf, size_t *cap, struct row *out)
{
    if (m->o.mode == MERGE_LIVE) return filter_live(m, r, d, buf, cap, out);
    return purge_row(m, r, d, buf, cap, out);
}

/* ---- range tombstones ---- */

static int rt_cmp_start(const void *a, const void *b, void *ctx)
{
    const struct range_tombstone *x = a, *y = b;
    int c = bound_cmp(ctx, &x->range.start, &y->range.start);
    return c ? c : bound_cmp(ctx, &x->range.end, &y->range.end);
}

static int rt_cmp_end_desc(const void *a, const void *b, void *ctx)
{
    const struct range_tombstone *x = a, *y = b;
    int c = bound_cmp(ctx, &y->range.end, &x->range.end);
    return c ? c : bound_cmp(ctx, &y->range.start, &x->range.start);
}

/* True if a lies within b and b's deletion is at least as new: a changes nothing. */
static bool covered_by(const struct table_schema *s, const struct range_tombstone *a,
                       const struct range_tombstone *b)
{
    return !deletion_supersedes(a->del, b->del) &&
           bound_cmp(s, &b->range.start, &a->range.start) <= 0 &&
           bound_cmp(s, &a->range.end, &b->range.end) <= 0;
}

/*
 * Drops the tombstones another one covers (Cassandra normalises overlapping range tombstones;
 * dropping the covered ones is the part that keeps a repeated "DELETE ... WHERE c < x" from
 * piling up through compactions). Quadratic, so only for lists up to MERGE_RT_NORMALIZE_MAX.
 */
static uint32_t drop_covered(const struct table_schema *s, struct range_tombstone *rts,
                             uint32_t n)
{
    if (n < 2 || n > MERGE_RT_NORMALIZE_MAX) return n;
    bool drop[MERGE_RT_NORMALIZE_MAX] = {false};
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = 0; j < n && !drop[i]; j++)
            /* of two equivalent ones (each covers the other) the later goes */
            drop[i] = j != i && !drop[j] && covered_by(s, &rts[i], &rts[j]) &&
                      !(j > i && covered_by(s, &rts[j], &rts[i]));
    uint32_t w = 0;
    for (uint32_t i = 0; i < n; i++)
        if (!drop[i]) rts[w++] = rts[i];
    return w;
}

/* Gathers the sources' range tombstones that are not empty and not shadowed by pdel, sorted by
   start, identical ranges folded into the newest deletion. */
static void collect_rts(struct merge_iter *m)
{
    const struct table_schema *s = m->o.schema;
    size_t total = 0;
    for (size_t i = 0; i < m->n; i++) total += m->srcs[i].it->nrts;
    if (!total) return;
    m->rts = xmalloc(total * sizeof *m->rts);
    uint32_t k = 0;
    for (size_t i = 0; i < m->n; i++) {
        const struct part_iter *it = m->srcs[i].it;
        for (uint32_t j = 0; j < it->nrts; j++) {
            const struct range_tombstone *rt = &it->rts[j];
            if (!deletion_supersedes(rt->del, m->pdel)) continue;
            if (bound_cmp(s, &rt->range.start, &rt->range.end) > 0) continue;
            m->rts[k++] = *rt;
        }
    }
    qsort_r(m->rts, k, sizeof *m->rts, rt_cmp_start, (void *)s);
    uint32_t w = 0;
    for (uint32_t i = 0; i < k; i++) {
        if (w && rt_cmp_start(&m->rts[w - 1], &m->rts[i], (void *)s) == 0) {
            m->rts[w - 1].del = del_max(m->rts[w - 1].del, m->rts[i].del);
            continue;
        }
        m->rts[w++] = m->rts[i];
    }
    w = drop_covered(s, m->rts, w);
    m->nrts = w;
    m->active = xmalloc((w ? w : 1) * sizeof *m->active);
    /* the header copy, in start order: raw output leaves out what may be purged */
    m->out_rts = xmalloc((w ? w : 1) * sizeof *m->out_rts);
    uint32_t h = 0;
    for (uint32_t i = 0; i < w; i++) {
        const struct range_tombstone *rt = &m->rts[i];
        if (m->o.mode == MERGE_RAW && purgeable(&m->o, rt->del.ts_us, rt->del.ldt_s)) continue;
        m->out_rts[h++] = *rt;
    }
    m->base.rts = m->out_rts;
    m->base.nrts = h;
    if (m->dir < 0) qsort_r(m->rts, w, sizeof *m->rts, rt_cmp_end_desc, (void *)s);
}

/* The deletion covering ck: pdel and every range tombstone around it. Rows must come in read
   order: the sweep only moves forward. */
static struct deletion covering(struct merge_iter *m, const uint8_t *ck, uint32_t len)
{
    const struct table_schema *s = m->o.schema;
    bool fwd = m->dir > 0;
    while (m->rt_next < m->nrts) {
        const struct range_tombstone *rt = &m->rts[m->rt_next];
        int c = bound_cmp_clustering(s, fwd ? &rt->range.start : &rt->range.end, ck, len);
        if (fwd ? c < 0 : c > 0) break; /* the read has not reached it yet */
        m->active[m->nactive++] = m->rt_next++;
    }
    struct deletion d = m->pdel;
    for (uint32_t i = 0; i < m->nactive;) {
        const struct range_tombstone *rt = &m->rts[m->active[i]];
        int c = bound_cmp_clustering(s, fwd ? &rt->range.end : &rt->range.start, ck, len);
        if (fwd ? c > 0 : c < 0) { /* passed: it covers nothing further on */
            m->active[i] = m->active[--m->nactive];
            continue;
        }
        d = del_max(d, rt->del);
        i++;
    }
    return d;
}

/* ---- the merge iterator ---- */

static int merge_next(struct part_iter *it, const struct row **out)
{
    struct merge_iter *m = (struct merge_iter *)it;
    const struct table_schema *s = m->o.schema;
    for (;;) {
        size_t k = 0;
        const struct row *best = NULL;
        for (size_t i = 0; i < m->n; i++) {
            struct merge_src *src = &m->srcs[i];
            if (src->advance && !src->done) {
                int rc = part_iter_next(src->it, &src->head);
                if (rc < 0) return rc;
                src->done = src->head == NULL;
                src->advance = false;
            }
            if (src->done) continue;
            int c = best ? m->dir * clustering_cmp(s, src->head->ck, src->head->ck_len, best->ck,
                                                   best->ck_len)
                         : -1;
            if (c < 0) {
                best = src->head;
                k = 0;
            }
            if (c <= 0) {
                m->eq_src[k] = i;
                m->eq[k++] = src->head;
            }
        }
        if (!best) {
            *out = NULL;
            return 0;
        }
        for (size_t j = 0; j < k; j++) m->srcs[m->eq_src[j]].advance = true; /* consumed */
        struct row merged;
        merge_row_versions(m->eq, k, &m->sc, &merged);
        struct deletion d = covering(m, merged.ck, merged.ck_len);
        if (finish_row(m, &merged, d, &m->fcells, &m->fcap, &m->row)) {
            *out = &m->row;
            return 0;
        }
    }
}

static void merge_close(struct part_iter *it)
{
    struct merge_iter *m = (struct merge_iter *)it;
    for (size_t i = 0; i < m->n; i++) part_iter_close(m->srcs[i].it);
    merge_scratch_deinit(&m->sc);
    merge_scratch_deinit(&m->sc_static);
    free(m->fcells);
    free(m->fcells_static);
    free(m->rts);
    free(m->out_rts);
    free(m->active);
    if (m->srcs != m->srcs_inline) {
        free(m->srcs);
        free(m->eq);
        free(m->eq_src);
    }
    free(m);
}

static const struct part_iter_ops merge_ops = {.next = merge_next, .close = merge_close};

static void merge_static(struct merge_iter *m)
{
    size_t k = 0;
    for (size_t i = 0; i < m->n; i++)
        if (m->srcs[i].it->static_row) m->eq[k++] = m->srcs[i].it->static_row;
    if (!k) return;
    struct row merged;
    merge_row_versions(m->eq, k, &m->sc_static, &merged);
    if (finish_row(m, &merged, m->pdel, &m->fcells_static, &m->fcap_static, &m->static_row))
        m->base.static_row = &m->static_row;
}

int merge_open(const struct merge_opts *o, struct part_iter **srcs, size_t n,
               struct part_iter **out)
{
    ASSERT(n <= MERGE_SOURCES_MAX);
    struct merge_iter *m = xcalloc(1, sizeof *m);
    m->base.ops = &merge_ops;
    m->o = *o;
    m->dir = o->reversed ? -1 : 1;
    m->n = n;
    if (n <= MERGE_INLINE_SOURCES) {
        m->srcs = m->srcs_inline;
        m->eq = m->eq_inline;
        m->eq_src = m->eq_src_inline;
    } else {
        m->srcs = xcalloc(n, sizeof *m->srcs);
        m->eq = xcalloc(n, sizeof *m->eq);
        m->eq_src = xcalloc(n, sizeof *m->eq_src);
    }
    merge_scratch_init(&m->sc);
    merge_scratch_init(&m->sc_static);
    m->pdel = DELETION_LIVE;
    for (size_t i = 0; i < n; i++) {
        m->srcs[i].it = srcs[i];
        m->srcs[i].advance = true;
        m->pdel = del_max(m->pdel, srcs[i]->partition_deletion);
    }
    m->base.partition_deletion = m->pdel;
    if (o->mode == MERGE_RAW && !deletion_is_live(m->pdel) &&
        purgeable(o, m->pdel.ts_us, m->pdel.ldt_s))
        m->base.partition_deletion = DELETION_LIVE;
    collect_rts(m);
    merge_static(m);
    *out = &m->base;
    return 0;
}

/* ---- range merge ---- */

struct merge_range {
    size_t n;
    struct range_iter **srcs;
    struct pkey *heads; /* key == NULL: that source ended */
    bool *in_cur;       /* holds the partition last returned */
    bool started;
};

int merge_range_open(struct range_iter **srcs, size_t n, struct merge_range **out)
{
    ASSERT(n <= MERGE_SOURCES_MAX);
    struct merge_range *m = xcalloc(1, sizeof *m);
    m->n = n;
    m->srcs = xmemdup(srcs, (n ? n : 1) * sizeof *srcs);
    m->heads = xcalloc(n ? n : 1, sizeof *m->heads);
    m->in_cur = xcalloc(n ? n : 1, sizeof *m->in_cur);
    *out = m;
    return 0;
}

int merge_range_next(struct merge_range *m, struct pkey *out)
{
    const struct pkey *best = NULL;
    for (size_t i = 0; i < m->n; i++) {
        if (!m->started || m->in_cur[i]) {
            int rc = m->srcs[i]->ops->next(m->srcs[i], &m->heads[i]);
            if (rc < 0) return rc;
        }
        m->in_cur[i] = false;
        if (m->heads[i].key && (!best || pkey_cmp(&m->heads[i], best) < 0)) best = &m->heads[i];
    }
    m->started = true;
    if (!best) {
        memset(out, 0, sizeof *out);
        return 0;
    }
    for (size_t i = 0; i < m->n; i++)
        if (m->heads[i].key && pkey_cmp(&m->heads[i], best) == 0) m->in_cur[i] = true;
    *out = *best;
    return 0;
}

int merge_range_open_partition(struct merge_range *m, const struct merge_opts *o,
                               const struct rows_spec *spec, struct part_iter **out)
{
    struct part_iter **its = xcalloc(m->n ? m->n : 1, sizeof *its);
    size_t k = 0;
    for (size_t i = 0; i < m->n; i++) {
        if (!m->in_cur[i]) continue;
        struct part_iter *pi = NULL;
        int rc = m->srcs[i]->ops->open(m->srcs[i], spec, &pi);
        if (rc < 0) {
            for (size_t j = 0; j < k; j++) part_iter_close(its[j]);
            free(its);
            return rc;
        }
        if (pi) its[k++] = pi;
    }
    int rc = merge_open(o, its, k, out);
    free(its);
    return rc;
}

void merge_range_close(struct merge_range *m)
{
    if (!m) return;
    for (size_t i = 0; i < m->n; i++) m->srcs[i]->ops->close(m->srcs[i]);
    free(m->srcs);
    free(m->heads);
    free(m->in_cur);
    free(m);
}

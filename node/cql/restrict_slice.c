/*
 * restrict_slice: the clustering part of a bound restriction: the prefixes fixed by EQ/IN
 * (single-column cartesian product or multi-column tuples, sorted in clustering order with
 * DESC columns reversed, unique), then one slice per prefix from the bounds on the next
 * column. For a DESC column the lower value bound becomes the slice's end, as Cassandra's
 * ReversedType bounds do. A multi-column slice over columns of one clustering order gives
 * exact bounds (its tuples as prefixes, inclusive or exclusive as written: what DELETE's range
 * tombstones need); over mixed orders (Cassandra splits those into several slices) it gives
 * only its first component, inclusively, and restrict_filter applies the exact tuple semantics
 * per row (SELECT only: modification statements refuse it).
 */
#include <stdlib.h>
#include <string.h>

#include "node/cql/restrict_int.h"

struct sort_ctx {
    const struct table_schema *t;
    uint16_t first, n;
};

static int tuple_cmp(const void *a, const void *b, void *arg)
{
    const struct sort_ctx *s = arg;
    const struct bind_value *x = *(const struct bind_value *const *)a;
    const struct bind_value *y = *(const struct bind_value *const *)b;
    for (uint16_t i = 0; i < s->n; i++) {
        const struct column_def *c = &s->t->columns[s->first + i];
        int r = cql_value_compare(c->type, x[i].p, x[i].len, y[i].p, y[i].len);
        if (r) return c->reversed ? -r : r;
    }
    return 0;
}

/* Splits a serialized tuple of n components. */
static int split_tuple(struct arena *a, const struct table_schema *t, uint16_t first, uint16_t n,
                       const struct bind_value *v, struct bind_value **out, struct errmsg *em)
{
    struct bind_value *c = arena_zalloc(a, n * sizeof *c);
    size_t pos = 0;
    for (uint16_t i = 0; i < n; i++) {
        const uint8_t *e = NULL;
        size_t elen = 0;
        int k = v->kind == BIND_VALUE ? cql_value_next_elem(v->p, v->len, &pos, &e, &elen) : 0;
        if (k <= 0)
            return errmsg_set(em, ERR_INVALID, "Invalid null value in condition for column %s",
                              t->columns[first + i].name);
        c[i] = (struct bind_value){.kind = BIND_VALUE, .len = (uint32_t)elen, .p = e};
    }
    *out = c;
    return 0;
}

static int multi_prefixes(struct bind_env *env, const struct restrict_plan *p,
                          struct bind_value ***out, uint32_t *nout, struct errmsg *em)
{
    const struct table_schema *t = p->t;
    struct restrict_relvals rv;
    int rc = restrict_bind_rel(env, t, p->ck_multi, t->npk, &rv, em);
    if (rc) return rc;
    bool in = p->ck_multi->op == AST_OP_IN;
    uint32_t n = in ? rv.nin : 1;
    const struct bind_value *vals = in ? rv.in : &rv.value;
    struct bind_value **combos = arena_zalloc(env->arena, (n ? n : 1) * sizeof *combos);
    for (uint32_t i = 0; i < n; i++)
        if ((rc = split_tuple(env->arena, t, t->npk, p->multi_n, &vals[i], &combos[i], em)))
            return rc;
    struct sort_ctx sc = {t, t->npk, p->multi_n};
    qsort_r(combos, n, sizeof *combos, tuple_cmp, &sc);
    uint32_t m = 0;
    for (uint32_t i = 0; i < n; i++)
        if (m == 0 || tuple_cmp(&combos[m - 1], &combos[i], &sc) != 0) combos[m++] = combos[i];
    *out = combos;
    *nout = m;
    return 0;
}

static int prefixes(struct bind_env *env, const struct restrict_plan *p, struct bind_value ***out,
                    uint32_t *nout, struct errmsg *em)
{
    const struct table_schema *t = p->t;
    uint16_t np = p->nprefix;
    if (np == 0) {
        *out = arena_zalloc(env->arena, sizeof **out);
        *nout = 1;
        return 0;
    }
    if (p->ck_multi) return multi_prefixes(env, p, out, nout, em);
    struct bind_value **lists = arena_zalloc(env->arena, np * sizeof *lists);
    uint32_t *counts = arena_zalloc(env->arena, np * sizeof *counts);
    for (uint16_t i = 0; i < np; i++) {
        int rc = restrict_bind_column_values(env, t, p->ck[i], (uint16_t)(t->npk + i), &lists[i],
                                             &counts[i], em);
        if (rc) return rc;
        if (counts[i] == 0) {
            *nout = 0;
            return 0;
        }
    }
    return restrict_bind_product(env->arena, t, t->npk, np, lists, counts, out, nout, em);
}

bool restrict_slice_is_exact(const struct restrict_plan *p)
{
    if (!p->ck_slice_multi) return true;
    const struct table_schema *t = p->t;
    uint16_t first = (uint16_t)(t->npk + p->nprefix);
    const struct ast_relation *rels[2] = {p->ck_lo, p->ck_hi};
    for (int r = 0; r < 2; r++)
        for (uint32_t i = 0; rels[r] && i < rels[r]->ncolumns; i++)
            if (first + i >= t->ncolumns ||
                t->columns[first + i].reversed != t->columns[first].reversed)
                return false;
    return true;
}

/* The components of a slice bound starting at column col: a single-column bound's value, an
   exact multi-column bound's whole tuple, an inexact one's first component. */
static int bound_values(struct bind_env *env, const struct restrict_plan *p,
                        const struct ast_relation *rel, uint16_t col, bool exact,
                        struct bind_value **out, uint16_t *nout, struct errmsg *em)
{
    struct restrict_relvals rv;
    int rc = restrict_bind_rel(env, p->t, rel, col, &rv, em);
    if (rc) return rc;
    const char *name = p->t->columns[col].name;
    if (rv.value.kind == BIND_UNSET)
        return errmsg_set(em, ERR_INVALID, "Invalid unset value for column %s", name);
    if (!p->ck_slice_multi) {
        if (rv.value.kind == BIND_NULL)
            return errmsg_set(em, ERR_INVALID, "Invalid null value in condition for column %s",
                              name);
        *out = arena_dup(env->arena, &rv.value, sizeof rv.value);
        *nout = 1;
        return 0;
    }
    uint16_t n = exact ? (uint16_t)rel->ncolumns : 1;
    if ((rc = split_tuple(env->arena, p->t, col, n, &rv.value, out, em))) return rc;
    *nout = n;
    return 0;
}

static int check_component_len(const struct bind_value *v, struct errmsg *em)
{
    if (v->len > CLUSTERING_COMPONENT_MAX)
        return errmsg_set(em, ERR_INVALID, "Clustering value of %u bytes is too long", v->len);
    return 0;
}

/* A bound: the prefix, then the n components of v (a slice side; none for an open side). */
static void make_bound(struct arena *a, const struct buf *prefix, const struct bind_value *v,
                       uint16_t n, uint8_t kind, struct cbound *out)
{
    struct buf b;
    buf_init(&b);
    buf_append(&b, prefix->data ? prefix->data : (const uint8_t *)"", prefix->len);
    for (uint16_t i = 0; v && i < n; i++)
        clustering_append(&b, v[i].p, v[i].len);
    out->prefix = b.len ? arena_dup(a, b.data, b.len) : NULL;
    out->len = (uint32_t)b.len;
    out->kind = kind;
    buf_deinit(&b);
}

/* Bound kinds of the start and end of a slice on one column (or on a tuple of columns of one
   clustering order, exact: a prefix bound "(1, 1)" excludes or includes every clustering that
   starts with 1, 1, which is the tuple comparison). */
static void slice_kinds(const struct restrict_plan *p, bool reversed, bool exact,
                        uint8_t *start_kind, uint8_t *end_kind, bool *start_from_lo)
{
    enum ast_rel_op lo = p->ck_lo ? p->ck_lo->op : AST_OP_GTE;
    enum ast_rel_op hi = p->ck_hi ? p->ck_hi->op : AST_OP_LTE;
    if (!exact) lo = AST_OP_GTE, hi = AST_OP_LTE; /* exact check by the filter */
    if (!reversed) {
        *start_kind = lo == AST_OP_GT ? BOUND_EXCL_START : BOUND_INCL_START;
        *end_kind = hi == AST_OP_LT ? BOUND_EXCL_END : BOUND_INCL_END;
    } else {
        *start_kind = hi == AST_OP_LT ? BOUND_EXCL_START : BOUND_INCL_START;
        *end_kind = lo == AST_OP_GT ? BOUND_EXCL_END : BOUND_INCL_END;
    }
    *start_from_lo = !reversed;
}

int restrict_slice_bind(struct bind_env *env, const struct restrict_plan *p,
                        struct restrict_bound *o, struct errmsg *em)
{
    const struct table_schema *t = p->t;
    struct arena *a = env->arena;
    uint16_t np = p->nprefix;
    bool has_slice = p->ck_lo || p->ck_hi;
    if (np == 0 && !has_slice) return 0;
    struct bind_value **pre;
    uint32_t npre;
    int rc = prefixes(env, p, &pre, &npre, em);
    if (rc) return rc;
    if (npre == 0) {
        o->empty = true;
        return 0;
    }
    struct bind_value *lo = NULL, *hi = NULL;
    uint16_t nlo = 0, nhi = 0;
    uint16_t col = (uint16_t)(t->npk + np);
    bool exact = restrict_slice_is_exact(p);
    if (p->ck_lo && (rc = bound_values(env, p, p->ck_lo, col, exact, &lo, &nlo, em))) return rc;
    if (p->ck_hi && (rc = bound_values(env, p, p->ck_hi, col, exact, &hi, &nhi, em))) return rc;
    for (uint16_t i = 0; i < nlo; i++)
        if ((rc = check_component_len(&lo[i], em))) return rc;
    for (uint16_t i = 0; i < nhi; i++)
        if ((rc = check_component_len(&hi[i], em))) return rc;
    bool full = np == t->nck && !has_slice;
    o->slices = arena_zalloc(a, npre * sizeof *o->slices);
    if (full) o->clusterings = arena_zalloc(a, npre * sizeof *o->clusterings);
    uint8_t sk = BOUND_INCL_START, ek = BOUND_INCL_END;
    bool start_from_lo = true;
    if (has_slice) slice_kinds(p, t->columns[col].reversed, exact, &sk, &ek, &start_from_lo);
    const struct bind_value *sv = start_from_lo ? lo : hi, *ev = start_from_lo ? hi : lo;
    uint16_t nsv = start_from_lo ? nlo : nhi, nev = start_from_lo ? nhi : nlo;
    struct buf pb;
    buf_init(&pb);
    for (uint32_t i = 0; i < npre; i++) {
        buf_reset(&pb);
        for (uint16_t k = 0; k < np; k++) {
            if ((rc = check_component_len(&pre[i][k], em))) {
                buf_deinit(&pb);
                return rc;
            }
            clustering_append(&pb, pre[i][k].p, pre[i][k].len);
        }
        struct slice sl;
        make_bound(a, &pb, sv, nsv, sk, &sl.start);
        make_bound(a, &pb, ev, nev, ek, &sl.end);
        if (bound_cmp(t, &sl.start, &sl.end) > 0) continue;
        if (full)
            o->clusterings[o->nclusterings++] =
                (struct restrict_key){sl.start.prefix, sl.start.len, 0};
        o->slices[o->nslices++] = sl;
    }
    buf_deinit(&pb);
    if (o->nslices == 0) o->empty = true;
    return 0;
}

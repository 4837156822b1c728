/*
 * restrict_filter: evaluates the row filters of a restriction plan (ALLOW FILTERING predicates,
 * CONTAINS / CONTAINS KEY, m[k] op v, and the exact tuple semantics of multi-column slices,
 * which compare values component by component whatever the clustering order, as Cassandra does
 * since CASSANDRA-7281). A null or missing column value never matches.
 */
#include <string.h>

#include "node/base/be.h"
#include "node/cql/restrict_int.h"

static bool op_holds(enum ast_rel_op op, int c)
{
    switch (op) {
    case AST_OP_EQ:
        return c == 0;
    case AST_OP_LT:
        return c < 0;
    case AST_OP_LTE:
        return c <= 0;
    case AST_OP_GT:
        return c > 0;
    case AST_OP_GTE:
        return c >= 0;
    default:
        return false;
    }
}

static bool compare_op(const struct cql_type *t, const struct bind_value *v, enum ast_rel_op op,
                       const struct bind_value *w)
{
    if (v->kind != BIND_VALUE || w->kind != BIND_VALUE) return false;
    return op_holds(op, cql_value_compare(t, v->p, v->len, w->p, w->len));
}

/* Calls visit for each element of a collection value (maps: key and value). */
static bool contains(const struct cql_type *t, const struct bind_value *v, bool keys,
                     const struct bind_value *w)
{
    if (v->kind != BIND_VALUE || w->kind != BIND_VALUE || v->len < 4) return false;
    uint32_t n = be32_load(v->p);
    size_t pos = 4;
    bool is_map = t->id == CQL_MAP;
    const struct cql_type *et = is_map ? (keys ? t->sub[0] : t->sub[1]) : t->sub[0];
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *k, *e;
        size_t klen, elen;
        if (cql_value_next_elem(v->p, v->len, &pos, &k, &klen) < 0) return false;
        e = k;
        elen = klen;
        if (is_map && cql_value_next_elem(v->p, v->len, &pos, &e, &elen) < 0) return false;
        const uint8_t *x = is_map && keys ? k : e;
        size_t xlen = is_map && keys ? klen : elen;
        if (x && cql_value_compare(et, x, xlen, w->p, w->len) == 0) return true;
    }
    return false;
}

/* The value of m[key] (map) or l[index] (list) in a collection value. */
static bool element(const struct cql_type *t, const struct bind_value *v,
                    const struct bind_value *key, struct bind_value *out)
{
    if (v->kind != BIND_VALUE || key->kind != BIND_VALUE || v->len < 4) return false;
    uint32_t n = be32_load(v->p);
    size_t pos = 4;
    int32_t idx = -1;
    if (t->id == CQL_LIST) {
        if (key->len != 4) return false;
        idx = (int32_t)be32_load(key->p);
    }
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *k, *e;
        size_t klen, elen;
        if (cql_value_next_elem(v->p, v->len, &pos, &k, &klen) < 0) return false;
        if (t->id == CQL_LIST) {
            if ((int32_t)i != idx) continue;
            e = k;
            elen = klen;
        } else {
            if (cql_value_next_elem(v->p, v->len, &pos, &e, &elen) < 0) return false;
            if (!k || cql_value_compare(t->sub[0], k, klen, key->p, key->len) != 0) continue;
        }
        if (!e) return false;
        *out = (struct bind_value){.kind = BIND_VALUE, .len = (uint32_t)elen, .p = e};
        return true;
    }
    return false;
}

static bool match_multi(const struct restrict_plan *p, const struct restrict_filter *f,
                        const struct restrict_fvalue *fv, restrict_get_fn get, void *arg)
{
    if (fv->v.kind != BIND_VALUE) return false;
    size_t pos = 0;
    int c = 0;
    for (uint16_t i = 0; i < f->ncols && c == 0; i++) {
        const uint8_t *e;
        size_t elen;
        if (cql_value_next_elem(fv->v.p, fv->v.len, &pos, &e, &elen) <= 0) return false;
        struct bind_value v;
        if (get(arg, (uint16_t)(f->col + i), &v) != 0 || v.kind != BIND_VALUE) return false;
        c = cql_value_compare(p->t->columns[f->col + i].type, v.p, v.len, e, elen);
    }
    return op_holds(f->rel->op, c);
}

static bool match_one(const struct restrict_plan *p, const struct restrict_filter *f,
                      const struct restrict_fvalue *fv, restrict_get_fn get, void *arg)
{
    if (f->kind == RESTRICT_F_MULTI) return match_multi(p, f, fv, get, arg);
    const struct cql_type *t = p->t->columns[f->col].type;
    struct bind_value v;
    if (get(arg, f->col, &v) != 0) return false;
    if (f->kind == RESTRICT_F_ELEMENT) {
        struct bind_value e;
        if (!element(t, &v, &fv->key, &e)) return false;
        const struct cql_type *et = t->id == CQL_MAP ? t->sub[1] : t->sub[0];
        return compare_op(et, &e, f->rel->op, &fv->v);
    }
    switch (f->rel->op) {
    case AST_OP_IN:
        for (uint32_t i = 0; i < fv->nin; i++)
            if (compare_op(t, &v, AST_OP_EQ, &fv->in[i])) return true;
        return false;
    case AST_OP_CONTAINS:
        return contains(t, &v, false, &fv->v);
    case AST_OP_CONTAINS_KEY:
        return contains(t, &v, true, &fv->v);
    default:
        return compare_op(t, &v, f->rel->op, &fv->v);
    }
}

bool restrict_filter_match(const struct restrict_plan *p, const struct restrict_bound *b,
                           restrict_get_fn get, void *arg)
{
    for (uint32_t i = 0; i < p->nfilters; i++)
        if (!match_one(p, &p->filters[i], &b->fvalues[i], get, arg)) return false;
    return true;
}

/*
 * restrict_bind: binds a restriction plan's values for one execution: partition keys (the
 * EQ/IN cartesian product, sorted by key value order and deduplicated as Cassandra's
 * MultiCBuilder does), the token range, clustering prefixes and slices, and filter values.
 */
#include <stdlib.h>
#include <string.h>

#include "node/base/mem.h"
#include "node/cql/restrict_int.h"
#include "ring/partitioner.h"
#include "storage/mutation.h"

static const char *multi_name(struct arena *a, const struct table_schema *t, uint16_t col,
                              uint32_t n)
{
    struct buf b;
    buf_init(&b);
    buf_put_u8(&b, '(');
    for (uint32_t i = 0; i < n; i++) {
        if (i) buf_put_u8(&b, ',');
        buf_printf(&b, "%s", t->columns[col + i].name);
    }
    buf_put_u8(&b, ')');
    char *s = arena_strndup(a, (const char *)b.data, b.len);
    buf_deinit(&b);
    return s;
}

/* The receiver of a relation's value (not IN lists). */
static struct bind_recv value_recv(struct bind_env *env, const struct table_schema *t,
                                   const struct ast_relation *rel, uint16_t col,
                                   struct bind_recv *key)
{
    struct arena *a = env->arena;
    struct bind_recv r = restrict_col_recv(t, col);
    const struct cql_type *ct = t->columns[col].type;
    switch (rel->kind) {
    case AST_REL_TOKEN:
        r.name = "partition key token";
        r.type = cql_type_native(CQL_BIGINT);
        return r;
    case AST_REL_MULTI:
        r.name = multi_name(a, t, col, rel->ncolumns);
        r.type = restrict_tuple_type(a, t, col, (uint16_t)rel->ncolumns);
        return r;
    case AST_REL_ELEMENT:
        if (ct->id == CQL_MAP) {
            *key = bind_recv_sub(a, &r, "key(%s)", ct->sub[0]);
            return bind_recv_sub(a, &r, "value(%s)", ct->sub[1]);
        }
        *key = bind_recv_sub(a, &r, "idx(%s)", cql_type_native(CQL_INT));
        return bind_recv_sub(a, &r, "value(%s)", ct->sub[0]);
    default:
        break;
    }
    if (rel->op == AST_OP_CONTAINS)
        return bind_recv_sub(a, &r, "value(%s)", ct->sub[ct->id == CQL_MAP ? 1 : 0]);
    if (rel->op == AST_OP_CONTAINS_KEY) return bind_recv_sub(a, &r, "key(%s)", ct->sub[0]);
    return r;
}

/* A multi-column value written as a tuple literal: each component bound to its column. */
static int bind_tuple_literal(struct bind_env *env, const struct table_schema *t,
                              const struct ast_term *v, uint16_t col, uint32_t n,
                              struct bind_value *out, struct errmsg *em)
{
    if (v->u.list.n != n)
        return errmsg_set(em, ERR_INVALID, "Expected %u elements in value tuple, but got %u", n,
                          v->u.list.n);
    struct buf b;
    buf_init(&b);
    int rc = 0;
    bool unset = false;
    for (uint32_t i = 0; i < n && rc == 0; i++) {
        struct bind_recv r = restrict_col_recv(t, (uint16_t)(col + i));
        struct bind_value e;
        if ((rc = bind_term(env, v->u.list.items[i], &r, &e, em))) break;
        unset |= e.kind == BIND_UNSET;
        if (e.kind != BIND_VALUE) {
            buf_put_be32(&b, 0xFFFFFFFFu);
            continue;
        }
        buf_put_be32(&b, e.len);
        buf_append(&b, e.p, e.len);
    }
    if (rc == 0) {
        out->kind = unset ? BIND_UNSET : BIND_VALUE;
        out->len = (uint32_t)b.len;
        out->p = arena_dup(env->arena, b.data ? b.data : (const uint8_t *)"", b.len);
    }
    buf_deinit(&b);
    return rc;
}

static int bind_one(struct bind_env *env, const struct table_schema *t,
                    const struct ast_relation *rel, uint16_t col, const struct ast_term *v,
                    const struct bind_recv *r, struct bind_value *out, struct errmsg *em)
{
    if (rel->kind == AST_REL_MULTI && v->kind == AST_T_TUPLE)
        return bind_tuple_literal(env, t, v, col, rel->ncolumns, out, em);
    return bind_term(env, v, r, out, em);
}

/* Splits a bound list value into its elements. */
static int split_list(struct bind_env *env, const struct bind_value *lv,
                      struct restrict_relvals *out, const char *name, struct errmsg *em)
{
    if (lv->kind == BIND_NULL)
        return errmsg_set(em, ERR_INVALID, "Invalid null value for %s", name);
    if (lv->kind == BIND_UNSET)
        return errmsg_set(em, ERR_INVALID, "Invalid unset value for %s", name);
    if (lv->len < 4) return errmsg_set(em, ERR_INVALID, "Invalid list value for %s", name);
    uint32_t n = ((uint32_t)lv->p[0] << 24) | ((uint32_t)lv->p[1] << 16) |
                 ((uint32_t)lv->p[2] << 8) | lv->p[3];
    if (n > lv->len / 4) return errmsg_set(em, ERR_INVALID, "Invalid list value for %s", name);
    out->in = arena_zalloc(env->arena, (n ? n : 1) * sizeof *out->in);
    size_t pos = 4;
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *e;
        size_t elen;
        int k = cql_value_next_elem(lv->p, lv->len, &pos, &e, &elen);
        if (k < 0) return errmsg_set(em, ERR_INVALID, "Invalid list value for %s", name);
        out->in[i] = k == 0
                         ? (struct bind_value){.kind = BIND_NULL}
                         : (struct bind_value){.kind = BIND_VALUE, .len = (uint32_t)elen, .p = e};
    }
    out->nin = n;
    return 0;
}

int restrict_bind_rel(struct bind_env *env, const struct table_schema *t,
                      const struct ast_relation *rel, uint16_t col, struct restrict_relvals *out,
                      struct errmsg *em)
{
    memset(out, 0, sizeof *out);
    struct bind_recv key = {0};
    struct bind_recv r = value_recv(env, t, rel, col, &key);
    int rc;
    if (rel->kind == AST_REL_ELEMENT && (rc = bind_term(env, rel->key, &key, &out->key, em)))
        return rc;
    if (rel->op != AST_OP_IN)
        return rel->value ? bind_one(env, t, rel, col, rel->value, &r, &out->value, em) : 0;
    if (rel->value) { /* IN ? */
        struct bind_recv lr = r;
        lr.name = arena_printf(env->arena, "in(%s)", r.name);
        lr.type = restrict_list_of(env->arena, r.type);
        struct bind_value lv;
        if ((rc = bind_term(env, rel->value, &lr, &lv, em))) return rc;
        if (bind_is_prepare(env)) return 0;
        return split_list(env, &lv, out, r.name, em);
    }
    uint32_t n = rel->in_values.n;
    out->in = arena_zalloc(env->arena, (n ? n : 1) * sizeof *out->in);
    out->nin = n;
    for (uint32_t i = 0; i < n; i++)
        if ((rc = bind_one(env, t, rel, col, rel->in_values.items[i], &r, &out->in[i], em)))
            return rc;
    return 0;
}

/* The values one key/clustering column takes: EQ gives one, IN its list. */
static int column_values(struct bind_env *env, const struct table_schema *t,
                         const struct ast_relation *rel, uint16_t col, struct bind_value **vals,
                         uint32_t *n, struct errmsg *em)
{
    struct restrict_relvals rv;
    int rc = restrict_bind_rel(env, t, rel, col, &rv, em);
    if (rc) return rc;
    if (rel->op != AST_OP_IN) {
        *vals = arena_dup(env->arena, &rv.value, sizeof rv.value);
        *n = 1;
    } else {
        *vals = rv.in;
        *n = rv.nin;
    }
    for (uint32_t i = 0; i < *n; i++) {
        if ((*vals)[i].kind == BIND_NULL)
            return errmsg_set(em, ERR_INVALID, "Invalid null value in condition for column %s",
                              t->columns[col].name);
        if ((*vals)[i].kind == BIND_UNSET)
            return errmsg_set(em, ERR_INVALID, "Invalid unset value for column %s",
                              t->columns[col].name);
    }
    return 0;
}

void restrict_compose_key(const struct table_schema *t, const struct bind_value *vals,
                          struct buf *out)
{
    if (t->npk == 1) {
        buf_append(out, vals[0].p, vals[0].len);
        return;
    }
    const uint8_t *ps[64];
    uint32_t ls[64];
    const uint8_t **pp = t->npk <= 64 ? ps : xcalloc(t->npk, sizeof *pp);
    uint32_t *ll = t->npk <= 64 ? ls : xcalloc(t->npk, sizeof *ll);
    for (uint16_t i = 0; i < t->npk; i++) {
        pp[i] = vals[i].p;
        ll[i] = vals[i].len;
    }
    partitioner_compose(out, pp, ll, t->npk);
    if (pp != ps) free((void *)pp);
    if (ll != ls) free(ll);
}

/* Sorting combinations of component values: value order per column, as Cassandra's
   partition-key-as-clustering comparator. */
struct combo_sort {
    const struct table_schema *t;
    uint16_t first; /* column index of component 0 */
    uint16_t n;
    bool clustering; /* apply DESC orders */
};

static int combo_cmp(const void *a, const void *b, void *arg)
{
    const struct combo_sort *s = arg;
    const struct bind_value *x = *(const struct bind_value *const *)a;
    const struct bind_value *y = *(const struct bind_value *const *)b;
    for (uint16_t i = 0; i < s->n; i++) {
        const struct column_def *c = &s->t->columns[s->first + i];
        int r = cql_value_compare(c->type, x[i].p, x[i].len, y[i].p, y[i].len);
        if (r) return s->clustering && c->reversed ? -r : r;
    }
    return 0;
}

/* The cartesian product of per-column value lists, sorted and unique: *out[i] is an array of
   n values. */
static int product(struct arena *a, const struct combo_sort *cs, struct bind_value **lists,
                   const uint32_t *counts, struct bind_value ***out, uint32_t *nout, uint32_t max,
                   struct errmsg *em)
{
    uint64_t total = 1;
    for (uint16_t i = 0; i < cs->n; i++) {
        total *= counts[i];
        if (total > max)
            return errmsg_set(em, ERR_INVALID, "IN restrictions name more than %u combinations",
                              max);
    }
    struct bind_value **combos = arena_zalloc(a, (total ? total : 1) * sizeof *combos);
    for (uint64_t k = 0; k < total; k++) {
        struct bind_value *c = arena_zalloc(a, cs->n * sizeof *c);
        uint64_t rem = k;
        for (int i = cs->n - 1; i >= 0; i--) {
            c[i] = lists[i][rem % counts[i]];
            rem /= counts[i];
        }
        combos[k] = c;
    }
    qsort_r(combos, total, sizeof *combos, combo_cmp, (void *)cs);
    uint32_t m = 0;
    for (uint64_t k = 0; k < total; k++)
        if (m == 0 || combo_cmp(&combos[m - 1], &combos[k], (void *)cs) != 0)
            combos[m++] = combos[k];
    *out = combos;
    *nout = m;
    return 0;
}

static int bind_keys(struct bind_env *env, const struct restrict_plan *p, struct restrict_bound *o,
                     struct errmsg *em)
{
    const struct table_schema *t = p->t;
    struct arena *a = env->arena;
    struct bind_value **lists = arena_zalloc(a, t->npk * sizeof *lists);
    uint32_t *counts = arena_zalloc(a, t->npk * sizeof *counts);
    for (uint16_t i = 0; i < t->npk; i++) {
        int rc = column_values(env, t, p->pk[i], i, &lists[i], &counts[i], em);
        if (rc) return rc;
        if (counts[i] == 0) o->empty = true;
    }
    if (o->empty) return 0;
    struct combo_sort cs = {t, 0, t->npk, false};
    struct bind_value **combos;
    uint32_t n;
    int rc = product(a, &cs, lists, counts, &combos, &n, RESTRICT_KEYS_MAX, em);
    if (rc) return rc;
    o->keys = arena_zalloc(a, n * sizeof *o->keys);
    struct buf b;
    buf_init(&b);
    for (uint32_t k = 0; k < n && rc == 0; k++) {
        buf_reset(&b);
        restrict_compose_key(t, combos[k], &b);
        if (b.len == 0)
            rc = errmsg_set(em, ERR_INVALID, "Key may not be empty");
        else if (b.len > MUTATION_KEY_MAX)
            rc = errmsg_set(em, ERR_INVALID, "Key length of %zu is longer than maximum of %u",
                            b.len, MUTATION_KEY_MAX);
        else
            o->keys[k] = (struct restrict_key){arena_dup(a, b.data, b.len), (uint32_t)b.len,
                                               partitioner_token(b.data, b.len)};
    }
    buf_deinit(&b);
    o->nkeys = n;
    return rc;
}

static int bind_token(struct bind_env *env, const struct restrict_plan *p, struct restrict_bound *o,
                      struct errmsg *em)
{
    o->range = token_range_all();
    const struct ast_relation *rels[2] = {p->tok_lo, p->tok_hi};
    for (int i = 0; i < 2; i++) {
        if (!rels[i] || (i == 1 && rels[1] == rels[0])) continue;
        struct restrict_relvals rv;
        int64_t v;
        int rc = restrict_bind_rel(env, p->t, rels[i], 0, &rv, em);
        if (rc) return rc;
        if (!bind_value_int64(&rv.value, &v))
            return errmsg_set(em, ERR_INVALID, "Invalid null value for partition key token");
        enum ast_rel_op op = rels[i]->op;
        if (op == AST_OP_EQ || op == AST_OP_GT || op == AST_OP_GTE) {
            o->range.start = v;
            o->range.start_incl = op != AST_OP_GT;
        }
        if (op == AST_OP_EQ || op == AST_OP_LT || op == AST_OP_LTE) {
            o->range.end = v;
            o->range.end_incl = op != AST_OP_LT;
        }
    }
    struct token_range *r = &o->range;
    if (r->start > r->end || (r->start == r->end && !(r->start_incl && r->end_incl)))
        o->empty = true;
    return 0;
}

int restrict_bind(struct bind_env *env, const struct restrict_plan *p, struct restrict_bound *out,
                  struct errmsg *em)
{
    memset(out, 0, sizeof *out);
    int rc = p->pk_complete ? bind_keys(env, p, out, em) : bind_token(env, p, out, em);
    if (rc == 0 && !out->empty) rc = restrict_slice_bind(env, p, out, em);
    out->fvalues = arena_zalloc(env->arena, (p->nfilters + 1) * sizeof *out->fvalues);
    for (uint32_t i = 0; rc == 0 && !out->empty && i < p->nfilters; i++) {
        const struct restrict_filter *f = &p->filters[i];
        struct restrict_relvals rv;
        if ((rc = restrict_bind_rel(env, p->t, f->rel, f->col, &rv, em))) break;
        struct restrict_fvalue *fv = &out->fvalues[i];
        fv->v = rv.value;
        fv->key = rv.key;
        fv->nin = rv.nin;
        fv->in = rv.in;
        const char *name = p->t->columns[f->col].name;
        if (f->rel->op != AST_OP_IN && rv.value.kind == BIND_NULL)
            rc = errmsg_set(em, ERR_INVALID, "Unsupported null value for column %s", name);
        else if (f->rel->op != AST_OP_IN && rv.value.kind == BIND_UNSET)
            rc = errmsg_set(em, ERR_INVALID, "Unsupported unset value for column %s", name);
    }
    return rc;
}

/* ---- clustering ---- */

int restrict_bind_product(struct arena *a, const struct table_schema *t, uint16_t first, uint16_t n,
                          struct bind_value **lists, const uint32_t *counts,
                          struct bind_value ***out, uint32_t *nout, struct errmsg *em)
{
    struct combo_sort cs = {t, first, n, true};
    return product(a, &cs, lists, counts, out, nout, RESTRICT_SLICES_MAX, em);
}

int restrict_bind_column_values(struct bind_env *env, const struct table_schema *t,
                                const struct ast_relation *rel, uint16_t col,
                                struct bind_value **vals, uint32_t *n, struct errmsg *em)
{
    return column_values(env, t, rel, col, vals, n, em);
}

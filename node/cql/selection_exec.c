/*
 * selection_exec: evaluating selectors on rows and writing result cells (see selection.h).
 * Values are produced in the row's scratch arena and written straight into the Rows body;
 * SELECT JSON folds a row into one JSON object text. Aggregate queries keep one state per
 * aggregate and the first row's values of the other selectors (Cassandra keeps the first).
 */
#include <string.h>

#include "node/base/be.h"
#include "node/cql/selection.h"
#include "node/cql/selection_int.h"
#include "storage/value_json.h"

static int bind_terms(struct selection_exec *x, const struct selection_node *n,
                      struct bind_env *env, struct errmsg *em)
{
    int rc = 0;
    if (n->kind == SEL_TERM || n->kind == SEL_ELEMENT)
        rc = bind_term(env, n->term, &n->recv, &x->slots[n->slot], em);
    for (uint32_t i = 0; rc == 0 && i < n->nargs; i++)
        rc = bind_terms(x, n->args[i], env, em);
    return rc;
}

int selection_exec_init(struct selection_exec *x, const struct selection *s, struct bind_env *env,
                        struct errmsg *em)
{
    memset(x, 0, sizeof *x);
    x->s = s;
    x->arena = env->arena;
    x->now_ms = env->now_ms;
    x->slots = arena_zalloc(env->arena, (s->nslots + 1) * sizeof *x->slots);
    x->aggs = arena_zalloc(env->arena, (s->naggs + 1) * sizeof *x->aggs);
    x->first = arena_zalloc(env->arena, (s->n + 1) * sizeof *x->first);
    for (uint32_t i = 0; i < s->naggs; i++)
        functions_agg_init(&x->aggs[i]);
    buf_init(&x->json);
    for (uint32_t i = 0; i < s->n; i++) {
        int rc = bind_terms(x, s->nodes[i], env, em);
        if (rc) return rc;
    }
    return 0;
}

void selection_exec_deinit(struct selection_exec *x)
{
    if (!x->s) return;
    for (uint32_t i = 0; i < x->s->naggs; i++)
        functions_agg_deinit(&x->aggs[i]);
    buf_deinit(&x->json);
    x->s = NULL;
}

void selection_exec_reset(struct selection_exec *x)
{
    for (uint32_t i = 0; i < x->s->naggs; i++) {
        functions_agg_deinit(&x->aggs[i]);
        functions_agg_init(&x->aggs[i]);
    }
    x->has_first = false;
    x->rows_seen = 0;
}

static void out_i64(struct arena *a, int64_t v, struct bind_value *out)
{
    uint8_t *p = arena_alloc(a, 8);
    be64_store(p, (uint64_t)v);
    *out = (struct bind_value){.kind = BIND_VALUE, .len = 8, .p = p};
}

static void out_i32(struct arena *a, int32_t v, struct bind_value *out)
{
    uint8_t *p = arena_alloc(a, 4);
    be32_store(p, (uint32_t)v);
    *out = (struct bind_value){.kind = BIND_VALUE, .len = 4, .p = p};
}

/* u.field of a UDT value. */
static void get_field(const struct bind_value *v, uint16_t field, struct bind_value *out)
{
    *out = (struct bind_value){.kind = BIND_NULL};
    if (v->kind != BIND_VALUE) return;
    size_t pos = 0;
    for (uint16_t f = 0; f <= field; f++) {
        const uint8_t *e;
        size_t elen;
        int k = cql_value_next_elem(v->p, v->len, &pos, &e, &elen);
        if (k < 0) return;
        if (f == field && k > 0) *out = (struct bind_value){BIND_VALUE, (uint32_t)elen, e};
    }
}

/* m[key] of a map, or the element of a set if present. */
static void get_element(const struct cql_type *t, const struct bind_value *v,
                        const struct bind_value *key, struct bind_value *out)
{
    *out = (struct bind_value){.kind = BIND_NULL};
    if (v->kind != BIND_VALUE || key->kind != BIND_VALUE || v->len < 4) return;
    uint32_t n = be32_load(v->p);
    size_t pos = 4;
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *k, *e = NULL;
        size_t klen, elen = 0;
        if (cql_value_next_elem(v->p, v->len, &pos, &k, &klen) < 0) return;
        if (t->id == CQL_MAP && cql_value_next_elem(v->p, v->len, &pos, &e, &elen) < 0) return;
        if (!k || cql_value_compare(t->sub[0], k, klen, key->p, key->len) != 0) continue;
        if (t->id == CQL_SET)
            *out = (struct bind_value){BIND_VALUE, (uint32_t)klen, k};
        else if (e)
            *out = (struct bind_value){BIND_VALUE, (uint32_t)elen, e};
        return;
    }
}

static int eval(struct selection_exec *x, const struct selection_node *n,
                const struct selection_row *r, struct bind_value *out, struct errmsg *em)
{
    switch (n->kind) {
    case SEL_COLUMN:
        return selection_get(r, n->col, out);
    case SEL_WRITETIME:
    case SEL_TTL: {
        const struct cell *c = selection_get_cell(r, n->col);
        *out = (struct bind_value){.kind = BIND_NULL};
        if (c && n->kind == SEL_WRITETIME) out_i64(r->scratch, c->ts_us, out);
        if (c && n->kind == SEL_TTL && (c->flags & CELL_EXPIRING))
            out_i32(r->scratch, c->ldt_s - r->now_s > 0 ? c->ldt_s - r->now_s : 0, out);
        return 0;
    }
    case SEL_TERM:
        *out = x->slots[n->slot];
        return 0;
    case SEL_FIELD:
    case SEL_ELEMENT: {
        struct bind_value base;
        int rc = eval(x, n->args[0], r, &base, em);
        if (rc) return rc;
        if (n->kind == SEL_FIELD)
            get_field(&base, n->field, out);
        else
            get_element(n->args[0]->type, &base, &x->slots[n->slot], out);
        return 0;
    }
    case SEL_FUNCTION: {
        struct bind_value *args = arena_alloc(r->scratch, (n->nargs + 1) * sizeof *args);
        for (uint32_t i = 0; i < n->nargs; i++) {
            int rc = eval(x, n->args[i], r, &args[i], em);
            if (rc) return rc;
        }
        return functions_call(n->fn, r->scratch, x->now_ms, args, out, em);
    }
    default:
        return errmsg_set(em, ERR_INVALID, "aggregate functions are not allowed here");
    }
}

/* Writes one result row from its values. */
static int emit(struct selection_exec *x, const struct bind_value *vals, struct cqlrows_writer *w,
                struct errmsg *em)
{
    const struct selection *s = x->s;
    if (!s->json) {
        for (uint32_t i = 0; i < s->n; i++) {
            if (vals[i].kind == BIND_VALUE)
                cqlrows_cell(w, vals[i].p, vals[i].len);
            else
                cqlrows_cell_null(w);
        }
        return 0;
    }
    buf_reset(&x->json);
    buf_put_u8(&x->json, '{');
    for (uint32_t i = 0; i < s->n; i++) {
        if (i) buf_append(&x->json, ", ", 2);
        value_json_append_key(&x->json, s->names[i]);
        buf_append(&x->json, ": ", 2);
        if (vals[i].kind != BIND_VALUE) {
            buf_append(&x->json, "null", 4);
            continue;
        }
        int rc = value_json_format(s->nodes[i]->type, vals[i].p, vals[i].len, &x->json);
        if (rc) return errmsg_set(em, rc, "cannot format %s as JSON", s->names[i]);
    }
    buf_put_u8(&x->json, '}');
    cqlrows_cell(w, x->json.data, x->json.len);
    return 0;
}

int selection_exec_write_row(struct selection_exec *x, const struct selection_row *r,
                             struct cqlrows_writer *w, struct errmsg *em)
{
    const struct selection *s = x->s;
    struct bind_value *vals = arena_alloc(r->scratch, (s->n + 1) * sizeof *vals);
    for (uint32_t i = 0; i < s->n; i++) {
        int rc = eval(x, s->nodes[i], r, &vals[i], em);
        if (rc) return rc;
    }
    return emit(x, vals, w, em);
}

int selection_exec_add_row(struct selection_exec *x, const struct selection_row *r,
                           struct errmsg *em)
{
    const struct selection *s = x->s;
    static const uint8_t one[8] = {0, 0, 0, 0, 0, 0, 0, 1};
    for (uint32_t i = 0; i < s->n; i++) {
        const struct selection_node *n = s->nodes[i];
        struct bind_value v;
        int rc = 0;
        if (n->kind == SEL_COUNT_ROWS) {
            v = (struct bind_value){.kind = BIND_VALUE, .len = 8, .p = one};
            rc = functions_agg_add(n->fn, &x->aggs[n->slot], &v, em);
        } else if (n->kind == SEL_AGGREGATE) {
            if ((rc = eval(x, n->args[0], r, &v, em)) == 0)
                rc = functions_agg_add(n->fn, &x->aggs[n->slot], &v, em);
        } else if (!x->has_first && (rc = eval(x, n, r, &v, em)) == 0) {
            x->first[i] = v;
            if (v.kind == BIND_VALUE) x->first[i].p = arena_dup(x->arena, v.p, v.len ? v.len : 1);
        }
        if (rc) return rc;
    }
    x->has_first = true;
    x->rows_seen++;
    return 0;
}

int selection_exec_write_aggregate(struct selection_exec *x, struct cqlrows_writer *w,
                                   struct errmsg *em)
{
    const struct selection *s = x->s;
    struct bind_value *vals = arena_zalloc(x->arena, (s->n + 1) * sizeof *vals);
    for (uint32_t i = 0; i < s->n; i++) {
        const struct selection_node *n = s->nodes[i];
        if (n->kind == SEL_AGGREGATE || n->kind == SEL_COUNT_ROWS)
            functions_agg_result(n->fn, &x->aggs[n->slot], x->arena, &vals[i]);
        else
            vals[i] = x->has_first ? x->first[i] : (struct bind_value){.kind = BIND_NULL};
    }
    return emit(x, vals, w, em);
}

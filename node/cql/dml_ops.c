/*
 * dml_ops: the column operations of UPDATE / DELETE / INSERT as cells (Cassandra's
 * Operation subclasses: Constants.Setter, Lists.Appender/Prepender/Discarder/SetterByIndex,
 * Sets.Adder/Discarder, Maps.Putter/SetterByKey/DiscarderByKey, UserTypes.SetterByField ...).
 *
 * List cell paths: 16 bytes, a big-endian 64-bit time id then 8 bytes fixed per process, so
 * raw byte order (the storage order of cells) is list order. Appends take ids from the
 * statement's time in 100 ns units, strictly increasing in the process; prepends use
 * 2 * REF - id (REF = 2010-01-01), which is below every append and decreases as time goes on,
 * so later prepends land in front (Cassandra's Lists.PrecisionTime). Both carry 2^62 so they
 * stay positive for centuries.
 */
#include <stdatomic.h>
#include <string.h>

#include "node/base/be.h"
#include "node/base/uuid.h"
#include "node/cql/dml_int.h"

#define LIST_REF_100NS 12623040000000000ULL /* 2010-01-01T00:00:00Z */
#define LIST_BIAS (1ULL << 62)

static _Atomic uint64_t list_last;
static _Atomic uint64_t list_suffix;

/* Reserves n consecutive time ids at or after now. */
static uint64_t list_reserve(int64_t now_ms, uint32_t n)
{
    if (atomic_load(&list_suffix) == 0) {
        struct uuid u;
        uuid_random(&u);
        uint64_t s = be64_load(u.b) | 1;
        uint64_t zero = 0;
        atomic_compare_exchange_strong(&list_suffix, &zero, s);
    }
    uint64_t now = (uint64_t)(now_ms > 0 ? now_ms : 0) * 10000ULL, last, base;
    do {
        last = atomic_load(&list_last);
        base = last + 1 > now ? last + 1 : now;
    } while (!atomic_compare_exchange_weak(&list_last, &last, base + (n ? n - 1 : 0)));
    return base;
}

static void list_path(uint64_t base, bool prepend, uint32_t i, uint32_t n, uint8_t out[16])
{
    uint64_t t =
        prepend ? LIST_BIAS + 2 * LIST_REF_100NS - (base + (n - 1 - i)) : LIST_BIAS + base + i;
    be64_store(out, t);
    be64_store(out + 8, atomic_load(&list_suffix));
}

static struct dml_row *row_for(struct dml_target *tg, const struct column_def *d)
{
    if (d->kind != COLUMN_STATIC) return tg->row;
    if (!tg->static_row) tg->static_row = dml_build_static(tg->b, tg->part);
    return tg->static_row;
}

static struct cell base_cell(const struct dml_target *tg, const struct column_def *d, bool tomb)
{
    const struct dml_bound *bs = tg->bs;
    struct cell c = {.col = d->id, .ts_us = bs->ts_us, .ldt_s = LDT_NONE};
    if (tomb) {
        c.flags = CELL_TOMBSTONE;
        c.ldt_s = bs->now_s;
    } else if (bs->ttl_s > 0) {
        c.flags = CELL_EXPIRING;
        c.ttl_s = bs->ttl_s;
        c.ldt_s = bs->now_s + bs->ttl_s;
    }
    return c;
}

static void put(struct dml_target *tg, struct dml_row *r, const struct column_def *d,
                const uint8_t *path, uint32_t plen, const struct bind_value *v)
{
    struct cell c = base_cell(tg, d, v == NULL);
    c.path = path;
    c.path_len = plen;
    if (v) {
        c.value = v->p;
        c.value_len = v->len;
    }
    dml_build_cell(tg->b, r, &c);
}

/* Element cells of a collection value: append/add (or prepend for lists). */
static int add_elements(struct dml_target *tg, struct dml_row *r, const struct column_def *d,
                        const struct bind_value *v, bool prepend, struct errmsg *em)
{
    const struct cql_type *t = d->type;
    if (v->kind != BIND_VALUE || v->len < 4) return 0;
    uint32_t n = be32_load(v->p);
    size_t pos = 4;
    uint64_t base = t->id == CQL_LIST ? list_reserve(tg->bs->now_ms, n) : 0;
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *e, *mv;
        size_t elen, mvlen;
        if (cql_value_next_elem(v->p, v->len, &pos, &e, &elen) <= 0)
            return errmsg_set(em, ERR_INVALID, "null is not supported inside collections");
        struct bind_value ev = {BIND_VALUE, (uint32_t)elen, e};
        if (t->id == CQL_LIST) {
            uint8_t path[16];
            list_path(base, prepend, i, n, path);
            put(tg, r, d, path, 16, &ev);
        } else if (t->id == CQL_SET) {
            struct bind_value empty = {BIND_VALUE, 0, NULL};
            put(tg, r, d, e, (uint32_t)elen, &empty);
        } else {
            if (cql_value_next_elem(v->p, v->len, &pos, &mv, &mvlen) <= 0)
                return errmsg_set(em, ERR_INVALID, "null is not supported inside collections");
            struct bind_value vv = {BIND_VALUE, (uint32_t)mvlen, mv};
            put(tg, r, d, e, (uint32_t)elen, &vv);
        }
    }
    return 0;
}

static int set_udt(struct dml_target *tg, struct dml_row *r, const struct column_def *d,
                   const struct bind_value *v)
{
    size_t pos = 0;
    for (uint16_t f = 0; f < d->type->nsub; f++) {
        const uint8_t *e;
        size_t elen;
        int k = cql_value_next_elem(v->p, v->len, &pos, &e, &elen);
        if (k < 0) break;
        if (k == 0) continue;
        uint8_t path[2];
        be16_store(path, f);
        struct bind_value fv = {BIND_VALUE, (uint32_t)elen, e};
        put(tg, r, d, path, 2, &fv);
    }
    return 0;
}

int dml_ops_set(struct dml_target *tg, uint16_t col, const struct bind_value *v, struct errmsg *em)
{
    const struct column_def *d = &tg->bs->st->table->columns[col];
    struct dml_row *r = row_for(tg, d);
    if (v->kind == BIND_UNSET || !r) return 0; /* no row: a static-only write */
    if (!cql_type_is_multicell(d->type)) {
        put(tg, r, d, NULL, 0, v->kind == BIND_VALUE ? v : NULL);
        return 0;
    }
    dml_build_complex_del(tg->b, r, d->id, (struct deletion){tg->bs->ts_us - 1, tg->bs->now_s});
    if (v->kind != BIND_VALUE) return 0;
    if (d->type->id == CQL_UDT) return set_udt(tg, r, d, v);
    return add_elements(tg, r, d, v, false, em);
}

/* Tombstones for each element (set) or key (map, given as a set) of v. */
static int remove_keys(struct dml_target *tg, struct dml_row *r, const struct column_def *d,
                       const struct bind_value *v)
{
    if (v->kind != BIND_VALUE || v->len < 4) return 0;
    uint32_t n = be32_load(v->p);
    size_t pos = 4;
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *e;
        size_t elen;
        if (cql_value_next_elem(v->p, v->len, &pos, &e, &elen) <= 0) break;
        put(tg, r, d, e, (uint32_t)elen, NULL);
    }
    return 0;
}

static bool fetch_list(struct dml_target *tg, const struct column_def *d, struct dml_list *l)
{
    const uint8_t *ck = d->kind == COLUMN_STATIC ? NULL : tg->ck;
    uint32_t ck_len = d->kind == COLUMN_STATIC ? 0 : tg->ck_len;
    return dml_prefetch_list(tg->pf, tg->part, ck, ck_len, d->id, l) && l->n > 0;
}

/* l = l - [values]: tombstones for every current element equal to one of v's. */
static int list_discard(struct dml_target *tg, struct dml_row *r, const struct column_def *d,
                        const struct bind_value *v)
{
    struct dml_list l;
    if (v->kind != BIND_VALUE || v->len < 4 || !fetch_list(tg, d, &l)) return 0;
    uint32_t n = be32_load(v->p);
    for (uint32_t k = 0; k < l.n; k++) {
        size_t pos = 4;
        for (uint32_t i = 0; i < n; i++) {
            const uint8_t *e;
            size_t elen;
            if (cql_value_next_elem(v->p, v->len, &pos, &e, &elen) <= 0) break;
            if (cql_value_compare(d->type->sub[0], e, elen, l.values[k], l.lens[k]) == 0) {
                put(tg, r, d, l.paths[k], 16, NULL);
                break;
            }
        }
    }
    return 0;
}

static int list_index(struct dml_target *tg, const struct column_def *d,
                      const struct bind_value *key, bool is_set, const uint8_t **path,
                      struct errmsg *em)
{
    int32_t idx;
    if (!bind_value_int32(key, &idx))
        return errmsg_set(em, ERR_INVALID, "Invalid null value for list index");
    struct dml_list l;
    if (!fetch_list(tg, d, &l))
        return errmsg_set(em, ERR_INVALID,
                          is_set ? "Attempted to set an element on a list which is null"
                                 : "Attempted to delete an element from a list which is null");
    if (idx < 0 || (uint32_t)idx >= l.n)
        return errmsg_set(em, ERR_INVALID, "List index %d out of bound, list has size %u", idx,
                          l.n);
    *path = l.paths[idx];
    return 0;
}

static int set_element(struct dml_target *tg, struct dml_row *r, const struct column_def *d,
                       const struct bind_value *key, const struct bind_value *v, struct errmsg *em)
{
    if (v->kind == BIND_UNSET) return 0;
    const struct bind_value *val = v->kind == BIND_VALUE ? v : NULL;
    if (d->type->id == CQL_MAP) {
        if (key->kind != BIND_VALUE)
            return errmsg_set(em, ERR_INVALID, "Invalid %s map key",
                              key->kind == BIND_NULL ? "null" : "unset");
        put(tg, r, d, key->p, key->len, val);
        return 0;
    }
    const uint8_t *path;
    int rc = list_index(tg, d, key, true, &path, em);
    if (rc == 0) put(tg, r, d, path, 16, val);
    return rc;
}

int dml_ops_apply(struct dml_target *tg, uint32_t i, struct errmsg *em)
{
    const struct dml_op *op = &tg->bs->st->dml->ops[i];
    const struct column_def *d = &tg->bs->st->table->columns[op->col];
    const struct bind_value *key = &tg->bs->op_keys[i], *v = &tg->bs->op_values[i];
    struct dml_row *r = row_for(tg, d);
    const struct dml_bound *bs = tg->bs;
    if (!r) return 0;
    switch (op->kind) {
    case DML_SET:
        return dml_ops_set(tg, op->col, v, em);
    case DML_ADD:
        return add_elements(tg, r, d, v, false, em);
    case DML_PREPEND:
        return add_elements(tg, r, d, v, true, em);
    case DML_SUB:
        return d->type->id == CQL_LIST ? list_discard(tg, r, d, v) : remove_keys(tg, r, d, v);
    case DML_SET_ELEMENT:
        return set_element(tg, r, d, key, v, em);
    case DML_SET_FIELD:
    case DML_DEL_FIELD: {
        if (v->kind == BIND_UNSET) return 0;
        uint8_t path[2];
        be16_store(path, op->field);
        put(tg, r, d, path, 2, op->kind == DML_SET_FIELD && v->kind == BIND_VALUE ? v : NULL);
        return 0;
    }
    case DML_DEL_COLUMN:
        if (cql_type_is_multicell(d->type))
            dml_build_complex_del(tg->b, r, d->id, (struct deletion){bs->ts_us, bs->now_s});
        else
            put(tg, r, d, NULL, 0, NULL);
        return 0;
    case DML_DEL_ELEMENT: {
        if (key->kind == BIND_UNSET) return 0;
        if (key->kind != BIND_VALUE)
            return errmsg_set(em, ERR_INVALID, "Invalid null value for %s element",
                              d->type->id == CQL_LIST ? "list" : "collection");
        if (d->type->id != CQL_LIST) {
            put(tg, r, d, key->p, key->len, NULL);
            return 0;
        }
        const uint8_t *path;
        int rc = list_index(tg, d, key, false, &path, em);
        if (rc == 0) put(tg, r, d, path, 16, NULL);
        return rc;
    }
    }
    return 0;
}

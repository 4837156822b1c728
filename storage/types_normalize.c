/*
 * types_normalize: Cassandra's canonical form of collection values (cql_value_normalize,
 * declared in types.h).
 *
 * Cassandra never stores a set or map value as the client sent it: Sets.Value / Maps.Value
 * deserialize a bound value into a TreeSet / TreeMap ordered by the element (key) comparator and
 * serialize that, so elements come out sorted and unique (for maps the last of equal keys wins,
 * as LinkedHashMap.put then TreeMap do). Frozen collections are compared and hashed byte-wise
 * in places, so every value entering the store must be in this form. Lists, tuples and UDTs
 * keep their order; their nested collections are normalised too.
 *
 * Work: each level copies its elements once into a scratch buffer and sorts an index array,
 * O(n log n) comparisons per collection; recursion is bounded by CQL_TYPE_DEPTH_MAX.
 * Thread rule: pure.
 */
#include <stdlib.h>
#include <string.h>

#include "node/base/be.h"
#include "node/base/mem.h"
#include "storage/types.h"

#define NULL_LEN SIZE_MAX

struct items {
    struct buf data;
    size_t n, cap;
    size_t *off, *len; /* item i is data[off[i] .. off[i] + len[i]), or null when NULL_LEN */
};

static void items_push(struct items *it, size_t off, size_t len)
{
    if (it->n == it->cap) {
        size_t ncap = it->cap ? it->cap * 2 : 16;
        it->off = xrealloc(it->off, ncap * sizeof *it->off);
        it->len = xrealloc(it->len, ncap * sizeof *it->len);
        it->cap = ncap;
    }
    it->off[it->n] = off;
    it->len[it->n++] = len;
}

static void items_free(struct items *it)
{
    buf_deinit(&it->data);
    free(it->off);
    free(it->len);
}

static int norm_rec(const struct cql_type *t, const uint8_t *v, size_t len, struct buf *out,
                    int depth);

/* Reads the next element of v at *pos and appends its normal form to it. */
static int take(struct items *it, const struct cql_type *t, const uint8_t *v, size_t len,
                size_t *pos, bool null_ok, int depth)
{
    const uint8_t *e = NULL;
    size_t elen = 0;
    int r = cql_value_next_elem(v, len, pos, &e, &elen);
    if (r < 0 || (r == 0 && !null_ok)) return ERR_INVALID;
    if (r == 0) {
        items_push(it, 0, NULL_LEN);
        return 0;
    }
    size_t off = it->data.len;
    int rc = norm_rec(t, e, elen, &it->data, depth + 1);
    if (rc == 0) items_push(it, off, it->data.len - off);
    return rc;
}

struct order {
    const struct cql_type *t;
    const struct items *it;
    size_t stride; /* 1 for sets, 2 for maps: entries are (key, value) pairs */
};

static int cmp_keys(const struct order *o, size_t a, size_t b)
{
    size_t ka = a * o->stride, kb = b * o->stride;
    return cql_value_compare(o->t, o->it->data.data + o->it->off[ka], o->it->len[ka],
                             o->it->data.data + o->it->off[kb], o->it->len[kb]);
}

static int cmp_entries(const void *pa, const void *pb, void *arg)
{
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    int c = cmp_keys(arg, a, b);
    return c ? c : (a > b) - (a < b); /* ties keep their original order */
}

static void emit(struct buf *out, const struct items *it, size_t i)
{
    if (it->len[i] == NULL_LEN) {
        buf_put_be32(out, 0xFFFFFFFFu);
        return;
    }
    buf_put_be32(out, (uint32_t)it->len[i]);
    buf_append(out, it->data.data + it->off[i], it->len[i]);
}

static int norm_collection(const struct cql_type *t, const uint8_t *v, size_t len, struct buf *out,
                           int depth)
{
    if (len < 4) return ERR_INVALID;
    int32_t n = (int32_t)be32_load(v);
    size_t stride = t->id == CQL_MAP ? 2 : 1, pos = 4;
    if (n < 0 || n > CQL_COLLECTION_ELEMS_MAX || (size_t)n * stride * 4 > len - 4)
        return ERR_INVALID;
    struct items it = {0};
    buf_init(&it.data);
    int rc = 0;
    for (int32_t i = 0; rc == 0 && i < n; i++)
        for (size_t k = 0; rc == 0 && k < stride; k++)
            rc = take(&it, t->sub[k], v, len, &pos, false, depth);
    if (rc == 0 && pos != len) rc = ERR_INVALID;
    size_t count = (size_t)n, *idx = xmalloc((count ? count : 1) * sizeof *idx);
    for (size_t i = 0; i < count; i++)
        idx[i] = i;
    if (rc == 0 && t->id != CQL_LIST) {
        struct order o = {t->sub[0], &it, stride};
        qsort_r(idx, count, sizeof *idx, cmp_entries, &o);
        size_t w = 0;
        for (size_t i = 0; i < count; i++) /* of equal keys keep the last given */
            if (i + 1 == count || cmp_keys(&o, idx[i], idx[i + 1]) != 0) idx[w++] = idx[i];
        count = w;
    }
    if (rc == 0) {
        buf_put_be32(out, (uint32_t)count);
        for (size_t i = 0; i < count; i++)
            for (size_t k = 0; k < stride; k++)
                emit(out, &it, idx[i] * stride + k);
    }
    free(idx);
    items_free(&it);
    return rc;
}

static int norm_fields(const struct cql_type *t, const uint8_t *v, size_t len, struct buf *out,
                       int depth)
{
    struct items it = {0};
    buf_init(&it.data);
    size_t pos = 0;
    int rc = 0;
    for (uint16_t i = 0; rc == 0 && i < t->nsub && pos < len; i++)
        rc = take(&it, t->sub[i], v, len, &pos, true, depth);
    if (rc == 0 && pos != len) rc = ERR_INVALID;
    for (size_t i = 0; rc == 0 && i < it.n; i++)
        emit(out, &it, i);
    items_free(&it);
    return rc;
}

static bool has_collection(const struct cql_type *t)
{
    if (cql_type_is_collection(t)) return true;
    for (uint16_t i = 0; i < t->nsub; i++)
        if (has_collection(t->sub[i])) return true;
    return false;
}

static int norm_rec(const struct cql_type *t, const uint8_t *v, size_t len, struct buf *out,
                    int depth)
{
    if (depth > CQL_TYPE_DEPTH_MAX) return ERR_INVALID;
    if (len == 0 || !has_collection(t)) {
        buf_append(out, v, len);
        return 0;
    }
    if (cql_type_is_collection(t)) return norm_collection(t, v, len, out, depth);
    return norm_fields(t, v, len, out, depth);
}

int cql_value_normalize(const struct cql_type *t, const uint8_t *v, size_t len, struct buf *out,
                        struct errmsg *em)
{
    size_t start = out->len;
    int rc = norm_rec(t, v, len, out, 1);
    if (rc) {
        out->len = start;
        return errmsg_set(em, ERR_INVALID, "malformed collection value (validate it first)");
    }
    return 0;
}

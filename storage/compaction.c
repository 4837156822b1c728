/*
 * compaction: size-tiered selection (see compaction.h). The candidates are sorted by size into
 * an index array; buckets are formed in one pass (members join in ascending size order), then
 * each bucket with enough members is trimmed and scored. O(n * buckets) like Cassandra's.
 */
#include "storage/compaction.h"

#include <stdbool.h>
#include <stdlib.h>

#include "node/base/assert.h"
#include "node/base/mem.h"

struct stcs_options stcs_options_default(void)
{
    return (struct stcs_options){
        .bucket_low = 0.5,
        .bucket_high = 1.5,
        .min_sstable_bytes = 50ull << 20,
        .min_threshold = 4,
        .max_threshold = 32,
    };
}

struct stcs_options stcs_options_from_schema(const struct table_schema *s)
{
    struct stcs_options o = stcs_options_default();
    const struct table_options *t = &s->opts;
    if (t->stcs_bucket_low > 0) o.bucket_low = t->stcs_bucket_low;
    if (t->stcs_bucket_high > 0) o.bucket_high = t->stcs_bucket_high;
    if (t->stcs_min_sstable_bytes > 0) o.min_sstable_bytes = t->stcs_min_sstable_bytes;
    if (t->stcs_min_threshold > 0) o.min_threshold = t->stcs_min_threshold;
    if (t->stcs_max_threshold > 0) o.max_threshold = t->stcs_max_threshold;
    return o;
}

struct sort_ctx {
    const struct stcs_candidate *c;
    size_t i;
};

static int by_size(const void *a, const void *b)
{
    const struct sort_ctx *x = a, *y = b;
    if (x->c[x->i].size_bytes != y->c[y->i].size_bytes)
        return x->c[x->i].size_bytes < y->c[y->i].size_bytes ? -1 : 1;
    return x->i < y->i ? -1 : (x->i > y->i);
}

/* Sorted candidate order (ascending size, then index). Caller frees. */
static size_t *sorted_order(const struct stcs_candidate *c, size_t n)
{
    struct sort_ctx *tmp = xmalloc((n ? n : 1) * sizeof *tmp);
    for (size_t i = 0; i < n; i++) tmp[i] = (struct sort_ctx){c, i};
    qsort(tmp, n, sizeof *tmp, by_size);
    size_t *order = xmalloc((n ? n : 1) * sizeof *order);
    for (size_t i = 0; i < n; i++) order[i] = tmp[i].i;
    free(tmp);
    return order;
}

static bool similar(const struct stcs_options *o, uint64_t size, uint64_t avg)
{
    if ((double)size > (double)avg * o->bucket_low && (double)size < (double)avg * o->bucket_high)
        return true;
    return size < o->min_sstable_bytes && avg < o->min_sstable_bytes;
}

size_t compaction_stcs_buckets(const struct stcs_options *o, const struct stcs_candidate *c,
                               size_t n, size_t *bucket_of)
{
    ASSERT(n <= STCS_INPUTS_MAX);
    size_t *order = sorted_order(c, n);
    uint64_t *avg = xmalloc((n ? n : 1) * sizeof *avg);
    uint64_t *count = xmalloc((n ? n : 1) * sizeof *count);
    size_t nb = 0;
    for (size_t k = 0; k < n; k++) {
        size_t i = order[k];
        uint64_t size = c[i].size_bytes;
        size_t b = 0;
        while (b < nb && !similar(o, size, avg[b])) b++;
        if (b == nb) {
            avg[nb] = size;
            count[nb] = 1;
            nb++;
        } else {
            /* Cassandra: (bucket.size() * oldAverageSize + size) / (bucket.size() + 1) */
            avg[b] = (count[b] * avg[b] + size) / (count[b] + 1);
            count[b]++;
        }
        bucket_of[i] = b;
    }
    free(order);
    free(avg);
    free(count);
    return nb;
}

static int by_hotness_desc(const void *a, const void *b)
{
    const struct sort_ctx *x = a, *y = b;
    double hx = x->c[x->i].hotness, hy = y->c[y->i].hotness;
    if (hx != hy) return hx > hy ? -1 : 1;
    return by_size(a, b);
}

/* Trims bucket b to its max_threshold hottest members into out; returns the member count and
   sets the bucket's hotness and average size. */
static size_t trim_bucket(const struct stcs_options *o, const struct stcs_candidate *c,
                          const size_t *members, size_t m, size_t *out, double *hot,
                          uint64_t *avg)
{
    struct sort_ctx *tmp = xmalloc(m * sizeof *tmp);
    for (size_t k = 0; k < m; k++) tmp[k] = (struct sort_ctx){c, members[k]};
    qsort(tmp, m, sizeof *tmp, by_hotness_desc);
    size_t take = m < o->max_threshold ? m : o->max_threshold;
    double h = 0;
    uint64_t total = 0;
    for (size_t k = 0; k < take; k++) {
        out[k] = tmp[k].i;
        h += c[tmp[k].i].hotness;
        total += c[tmp[k].i].size_bytes;
    }
    free(tmp);
    *hot = h;
    *avg = take ? total / take : 0;
    return take;
}

size_t compaction_stcs_select(const struct stcs_options *o, const struct stcs_candidate *c,
                              size_t n, size_t *out)
{
    if (n == 0 || o->min_threshold == 0 || o->max_threshold < o->min_threshold) return 0;
    size_t *bucket_of = xmalloc(n * sizeof *bucket_of);
    size_t nb = compaction_stcs_buckets(o, c, n, bucket_of);
    size_t *order = sorted_order(c, n);
    size_t *members = xmalloc(n * sizeof *members);
    size_t *trimmed = xmalloc(n * sizeof *trimmed);
    size_t best_n = 0;
    double best_hot = 0;
    uint64_t best_avg = 0;
    for (size_t b = 0; b < nb; b++) {
        size_t m = 0;
        for (size_t k = 0; k < n; k++)
            if (bucket_of[order[k]] == b) members[m++] = order[k];
        if (m < o->min_threshold) continue;
        double hot;
        uint64_t avg;
        size_t t = trim_bucket(o, c, members, m, trimmed, &hot, &avg);
        if (best_n == 0 || hot > best_hot || (hot == best_hot && avg < best_avg)) {
            for (size_t k = 0; k < t; k++) out[k] = trimmed[k];
            best_n = t;
            best_hot = hot;
            best_avg = avg;
        }
    }
    free(bucket_of);
    free(order);
    free(members);
    free(trimmed);
    return best_n;
}

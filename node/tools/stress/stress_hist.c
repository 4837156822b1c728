/* stress_hist: see stress_hist.h. */
#include "node/tools/stress/stress_hist.h"

#include <string.h>

#define SUB_HALF (1u << (STRESS_HIST_SUB_BITS - 1))
#define VALUE_MAX ((1ull << STRESS_HIST_MAX_BITS) - 1)

void stress_hist_init(struct stress_hist *h)
{
    memset(h, 0, sizeof *h);
    h->min_ns = UINT64_MAX;
}

static unsigned index_of(uint64_t v)
{
    if (v < (1u << STRESS_HIST_SUB_BITS)) return (unsigned)v;
    unsigned e = (unsigned)(63 - __builtin_clzll(v)) - (STRESS_HIST_SUB_BITS - 1);
    return (e + 1) * SUB_HALF + (unsigned)((v >> e) - SUB_HALF);
}

/* The highest value that lands in bucket i. */
static uint64_t top_of(unsigned i)
{
    if (i < (1u << STRESS_HIST_SUB_BITS)) return i;
    unsigned e = i / SUB_HALF - 1;
    uint64_t sub = i % SUB_HALF + SUB_HALF;
    return ((sub + 1) << e) - 1;
}

void stress_hist_record(struct stress_hist *h, uint64_t v)
{
    if (v > VALUE_MAX) v = VALUE_MAX;
    h->counts[index_of(v)]++;
    h->total++;
    h->sum_ns += (double)v;
    if (v > h->max_ns) h->max_ns = v;
    if (v < h->min_ns) h->min_ns = v;
}

void stress_hist_merge(struct stress_hist *into, const struct stress_hist *from)
{
    for (unsigned i = 0; i < STRESS_HIST_BUCKETS; i++) into->counts[i] += from->counts[i];
    into->total += from->total;
    into->sum_ns += from->sum_ns;
    if (from->max_ns > into->max_ns) into->max_ns = from->max_ns;
    if (from->min_ns < into->min_ns) into->min_ns = from->min_ns;
}

uint64_t stress_hist_percentile(const struct stress_hist *h, double p)
{
    if (h->total == 0) return 0;
    if (p > 100) p = 100;
    uint64_t want = (uint64_t)((p / 100.0) * (double)h->total + 0.5);
    if (want < 1) want = 1;
    uint64_t seen = 0;
    for (unsigned i = 0; i < STRESS_HIST_BUCKETS; i++) {
        seen += h->counts[i];
        if (seen >= want) {
            uint64_t v = top_of(i);
            return v > h->max_ns ? h->max_ns : v;
        }
    }
    return h->max_ns;
}

double stress_hist_mean(const struct stress_hist *h)
{
    return h->total ? h->sum_ns / (double)h->total : 0;
}

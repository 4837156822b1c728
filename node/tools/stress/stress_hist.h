/*
 * stress_hist: an HDR-style latency histogram (Gil Tene's HdrHistogram layout, simplified):
 * values in nanoseconds, 128 sub-buckets per power of two (a recorded value is off by at most
 * 1/64 = 1.6%, i.e. two significant digits), from 1 ns to 2^44 ns (~4.9 hours); larger values
 * are clamped. Recording is O(1) with no allocation; the histograms of several threads are
 * merged at the end. The exact minimum, maximum and sum are kept beside the buckets.
 *
 * Index of value v: for v < 128, v itself; otherwise with e = msb(v) - 6 (so v >> e lies in
 * [64, 128)), index = (e + 1) * 64 + ((v >> e) - 64).
 * Thread rule: one owner; merge after the owners are done.
 */
#ifndef RINGDB_TOOLS_STRESS_HIST_H
#define RINGDB_TOOLS_STRESS_HIST_H

#include <stdint.h>

#define STRESS_HIST_SUB_BITS 7
#define STRESS_HIST_MAX_BITS 44
#define STRESS_HIST_BUCKETS \
    ((STRESS_HIST_MAX_BITS - STRESS_HIST_SUB_BITS + 2) << (STRESS_HIST_SUB_BITS - 1))

struct stress_hist {
    uint64_t counts[STRESS_HIST_BUCKETS];
    uint64_t total;
    uint64_t max_ns;
    uint64_t min_ns;
    double sum_ns;
};

void stress_hist_init(struct stress_hist *h);
void stress_hist_record(struct stress_hist *h, uint64_t v_ns);
void stress_hist_merge(struct stress_hist *into, const struct stress_hist *from);
/* The value at percentile p (0..100]: the highest value equivalent to the bucket reached
   (HdrHistogram's convention), never above the exact maximum; 0 when empty. */
uint64_t stress_hist_percentile(const struct stress_hist *h, double p);
double stress_hist_mean(const struct stress_hist *h);

#endif

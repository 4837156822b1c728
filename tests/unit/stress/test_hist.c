/* ringstress's HDR-style histogram: bucket precision, percentiles, merging. */
#include <criterion/criterion.h>

#include "node/tools/stress/stress_hist.h"

static struct stress_hist h, h2;

Test(stress_hist, percentiles_of_1_to_10000_us_are_within_two_percent)
{
    stress_hist_init(&h);
    for (uint64_t us = 1; us <= 10000; us++) stress_hist_record(&h, us * 1000);
    static const struct {
        double p;
        double want_ns;
    } cases[] = {{50, 5000e3}, {95, 9500e3}, {99, 9900e3}, {99.9, 9990e3}, {100, 10000e3}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double got = (double)stress_hist_percentile(&h, cases[i].p);
        cr_assert(got >= cases[i].want_ns * 0.99 && got <= cases[i].want_ns * 1.02,
                  "p%g: got %.0f want %.0f", cases[i].p, got, cases[i].want_ns);
    }
    cr_assert_eq(h.max_ns, 10000000);
    cr_assert_eq(h.min_ns, 1000);
    cr_assert_eq(h.total, 10000);
    cr_assert_float_eq(stress_hist_mean(&h), 5000.5e3, 1);
}

Test(stress_hist, small_values_are_exact_and_huge_ones_clamped)
{
    stress_hist_init(&h);
    for (uint64_t v = 0; v < 128; v++) stress_hist_record(&h, v);
    cr_assert_eq(stress_hist_percentile(&h, 50), 63);
    cr_assert_eq(stress_hist_percentile(&h, 100), 127);
    stress_hist_record(&h, UINT64_MAX);
    cr_assert_eq(h.max_ns, (1ull << STRESS_HIST_MAX_BITS) - 1);
    cr_assert_eq(stress_hist_percentile(&h, 100), h.max_ns);
}

Test(stress_hist, every_value_lands_in_a_bucket_whose_top_is_close_above)
{
    stress_hist_init(&h);
    for (uint64_t v = 1; v < (1ull << 40); v = v * 3 + 1) {
        stress_hist_init(&h);
        stress_hist_record(&h, v);
        h.max_ns = UINT64_MAX; /* compare the bucket top itself */
        uint64_t top = stress_hist_percentile(&h, 100);
        cr_assert(top >= v && (double)top <= (double)v * 1.016 + 1, "v=%llu top=%llu",
                  (unsigned long long)v, (unsigned long long)top);
    }
}

Test(stress_hist, merge_adds_counts_and_keeps_extremes)
{
    stress_hist_init(&h);
    stress_hist_init(&h2);
    for (int i = 0; i < 100; i++) stress_hist_record(&h, 1000);
    for (int i = 0; i < 100; i++) stress_hist_record(&h2, 3000000);
    stress_hist_merge(&h, &h2);
    cr_assert_eq(h.total, 200);
    cr_assert_eq(h.min_ns, 1000);
    cr_assert_eq(h.max_ns, 3000000);
    cr_assert_leq(stress_hist_percentile(&h, 50), 1016);
    cr_assert_geq(stress_hist_percentile(&h, 51), 3000000);
    cr_assert_eq(stress_hist_percentile(&h2, 0.001), stress_hist_percentile(&h2, 100));
}

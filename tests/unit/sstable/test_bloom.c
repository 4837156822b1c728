/* Unit tests for the bloom filter: no false negatives, false-positive rate near the configured
   chance, sizing, serialization and corruption detection. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "node/base/buf.h"
#include "storage/bloom.h"

static size_t key_of(uint64_t i, uint8_t *out)
{
    return (size_t)snprintf((char *)out, 32, "key-%016llx", (unsigned long long)i);
}

Test(bloom, no_false_negatives)
{
    struct bloom b;
    bloom_init(&b, 10000, 0.01);
    uint8_t k[32];
    for (uint64_t i = 0; i < 10000; i++) bloom_add(&b, k, key_of(i, k));
    for (uint64_t i = 0; i < 10000; i++) cr_assert(bloom_may_contain(&b, k, key_of(i, k)));
    bloom_deinit(&b);
}

static const struct {
    double p;
} fp_cases[] = {{0.1}, {0.01}, {0.001}};

Test(bloom, false_positive_rate_near_configured_chance)
{
    for (size_t c = 0; c < sizeof fp_cases / sizeof fp_cases[0]; c++) {
        double p = fp_cases[c].p;
        const uint64_t n = 20000, probes = 200000;
        struct bloom b;
        bloom_init(&b, n, p);
        uint8_t k[32];
        for (uint64_t i = 0; i < n; i++) bloom_add(&b, k, key_of(i, k));
        uint64_t fp = 0;
        for (uint64_t i = n; i < n + probes; i++) fp += bloom_may_contain(&b, k, key_of(i, k));
        double rate = (double)fp / (double)probes;
        cr_assert(rate < p * 1.5 && rate > p * 0.4, "p=%g measured=%g", p, rate);
        bloom_deinit(&b);
    }
}

Test(bloom, params_follow_chance)
{
    uint64_t bits;
    uint32_t k;
    bloom_params(1000, 0.01, &bits, &k);
    cr_assert(bits >= 9500 && bits <= 9700, "bits=%llu", (unsigned long long)bits);
    cr_assert_eq(k, 7);
    bloom_params(1000, 1.0, &bits, &k);
    cr_assert_eq(bits, 0);
    bloom_params(1000, 1e-12, &bits, &k);
    cr_assert(bits <= 1000 * BLOOM_BITS_PER_KEY_MAX + 64);
}

Test(bloom, always_present_when_chance_is_one)
{
    struct bloom b;
    bloom_init(&b, 100, 1.0);
    cr_assert(bloom_may_contain(&b, "x", 1));
    struct buf out;
    buf_init(&out);
    bloom_encode(&b, &out);
    struct bloom d;
    cr_assert_eq(bloom_decode(out.data, out.len, "f", &d, NULL), 0);
    cr_assert(bloom_may_contain(&d, "y", 1));
    bloom_deinit(&d);
    bloom_deinit(&b);
    buf_deinit(&out);
}

Test(bloom, encode_decode_round_trip_and_every_flip_detected)
{
    struct bloom b;
    bloom_init(&b, 50, 0.01);
    uint8_t k[32];
    for (uint64_t i = 0; i < 50; i++) bloom_add(&b, k, key_of(i, k));
    struct buf out;
    buf_init(&out);
    bloom_encode(&b, &out);
    struct bloom d;
    cr_assert_eq(bloom_decode(out.data, out.len, "f", &d, NULL), 0);
    cr_assert_eq(d.nbits, b.nbits);
    cr_assert_eq(d.k, b.k);
    cr_assert_eq(memcmp(d.words, b.words, b.nbits / 8), 0);
    bloom_deinit(&d);
    for (size_t i = 0; i < out.len; i++) {
        out.data[i] ^= 0x10;
        struct errmsg em;
        cr_assert_eq(bloom_decode(out.data, out.len, "Filter.db", &d, &em), ERR_CORRUPT, "i=%zu", i);
        cr_assert(strstr(em.text, "Filter.db") != NULL);
        out.data[i] ^= 0x10;
    }
    cr_assert_eq(bloom_decode(out.data, out.len - 1, "f", &d, NULL), ERR_CORRUPT);
    bloom_deinit(&b);
    buf_deinit(&out);
}

Test(bloom, probe_uses_java_signed_remainder)
{
    /* Two keys whose first hash half is negative must still land inside the filter. */
    struct bloom b;
    bloom_init(&b, 10, 0.01);
    uint8_t k[32];
    int negatives = 0;
    for (uint64_t i = 0; i < 64; i++) {
        uint64_t h[2];
        size_t n = key_of(i, k);
        bloom_hash(k, n, h);
        negatives += (int64_t)h[0] < 0;
        bloom_add_hash(&b, h);
        cr_assert(bloom_may_contain_hash(&b, h));
    }
    cr_assert(negatives > 0);
    bloom_deinit(&b);
}

/* bloom: see bloom.h. Bits live in 64-bit words; bit i is bit (i & 63) of word i >> 6. */
#include "storage/bloom.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "node/base/assert.h"
#include "node/base/be.h"
#include "node/base/crc32c.h"
#include "node/base/mem.h"
#include "node/base/murmur3.h"

#define BLOOM_HEADER_BYTES 20 /* magic 4, version 1, pad 3, k 4, nbits 8 */

void bloom_params(uint64_t n, double p, uint64_t *nbits, uint32_t *k)
{
    if (!(p < 1.0) || n == 0) {
        *nbits = 0;
        *k = 0;
        return;
    }
    double ln2 = log(2.0);
    double bpk = p > 0.0 ? -log(p) / (ln2 * ln2) : (double)BLOOM_BITS_PER_KEY_MAX;
    if (bpk > BLOOM_BITS_PER_KEY_MAX) bpk = BLOOM_BITS_PER_KEY_MAX;
    if (bpk < 1.0) bpk = 1.0;
    double kd = floor(bpk * ln2 + 0.5);
    if (kd < 1.0) kd = 1.0;
    if (kd > BLOOM_HASHES_MAX) kd = BLOOM_HASHES_MAX;
    double bits = ceil(bpk * (double)n);
    if (bits > (double)BLOOM_BITS_MAX) bits = (double)BLOOM_BITS_MAX;
    uint64_t m = ((uint64_t)bits + 63) & ~(uint64_t)63;
    *nbits = m < 64 ? 64 : m;
    *k = (uint32_t)kd;
}

void bloom_init(struct bloom *b, uint64_t n, double p)
{
    bloom_params(n, p, &b->nbits, &b->k);
    b->words = b->nbits ? xcalloc(b->nbits / 64, sizeof(uint64_t)) : NULL;
}

void bloom_deinit(struct bloom *b)
{
    if (!b) return;
    free(b->words);
    b->words = NULL;
    b->nbits = 0;
}

void bloom_hash(const void *key, size_t len, uint64_t h[2])
{
    murmur3_x64_128(key, len, 0, h);
}

/* Cassandra's FBUtilities.abs(base % max) on Java longs. */
static inline uint64_t probe(uint64_t base, uint64_t m)
{
    int64_t r = (int64_t)base % (int64_t)m;
    return (uint64_t)(r < 0 ? -r : r);
}

void bloom_add_hash(struct bloom *b, const uint64_t h[2])
{
    if (b->nbits == 0) return;
    uint64_t base = h[0];
    for (uint32_t i = 0; i < b->k; i++) {
        uint64_t bit = probe(base, b->nbits);
        b->words[bit >> 6] |= 1ull << (bit & 63);
        base += h[1];
    }
}

bool bloom_may_contain_hash(const struct bloom *b, const uint64_t h[2])
{
    if (b->nbits == 0) return true;
    uint64_t base = h[0];
    for (uint32_t i = 0; i < b->k; i++) {
        uint64_t bit = probe(base, b->nbits);
        if (!(b->words[bit >> 6] & (1ull << (bit & 63)))) return false;
        base += h[1];
    }
    return true;
}

void bloom_encode(const struct bloom *b, struct buf *out)
{
    size_t start = out->len;
    buf_put_be32(out, BLOOM_MAGIC);
    buf_put_u8(out, BLOOM_VERSION);
    buf_append(out, "\0\0\0", 3);
    buf_put_be32(out, b->k);
    buf_put_be64(out, b->nbits);
    uint64_t nwords = b->nbits / 64;
    uint8_t *p = buf_extend(out, (size_t)nwords * 8);
    for (uint64_t i = 0; i < nwords; i++) be64_store(p + i * 8, b->words[i]);
    buf_put_be32(out, crc32c(out->data + start, out->len - start));
}

int bloom_decode(const uint8_t *p, size_t len, const char *what, struct bloom *out,
                 struct errmsg *em)
{
    if (len < BLOOM_HEADER_BYTES + 4)
        return errmsg_set(em, ERR_CORRUPT, "%s: bloom filter truncated (%zu bytes)", what, len);
    uint32_t crc = be32_load(p + len - 4);
    if (crc32c(p, len - 4) != crc)
        return errmsg_set(em, ERR_CORRUPT, "%s: bloom filter checksum mismatch at offset 0", what);
    if (be32_load(p) != BLOOM_MAGIC || p[4] != BLOOM_VERSION)
        return errmsg_set(em, ERR_CORRUPT, "%s: bad bloom filter magic/version", what);
    uint32_t k = be32_load(p + 8);
    uint64_t nbits = be64_load(p + 12);
    uint64_t body = len - BLOOM_HEADER_BYTES - 4;
    if (nbits % 64 != 0 || nbits > BLOOM_BITS_MAX || nbits / 8 != body || k > BLOOM_HASHES_MAX ||
        (nbits > 0 && k == 0))
        return errmsg_set(em, ERR_CORRUPT, "%s: bad bloom filter size bits=%llu k=%u", what,
                          (unsigned long long)nbits, k);
    out->nbits = nbits;
    out->k = k;
    out->words = NULL;
    if (nbits) {
        out->words = xmalloc((size_t)(nbits / 8));
        const uint8_t *w = p + BLOOM_HEADER_BYTES;
        for (uint64_t i = 0; i < nbits / 64; i++) out->words[i] = be64_load(w + i * 8);
    }
    return 0;
}

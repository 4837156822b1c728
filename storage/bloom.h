/*
 * bloom: the per-SSTable bloom filter over partition keys (Cassandra's BloomFilter).
 *
 * Hashing is Cassandra's: murmur3_x64_128 of the serialized partition key with seed 0 (the
 * Cassandra variant in node/base/murmur3.h, which sign-extends tail bytes), then double hashing
 * over both 64-bit halves: probe i is |(h0 + i*h1) mod m| with Java's signed remainder
 * (BloomFilter.setIndexes). The number of probes k and bits per key come from the configured
 * false-positive chance (bloom_filter_fp_chance) by the textbook optimum, capped at
 * BLOOM_BITS_PER_KEY_MAX bits per key as Cassandra caps its buckets per element. A chance of
 * 1.0 or more means "no filter": every key may be present (Cassandra's AlwaysPresentFilter).
 *
 * Serialized form (Filter.db, docs/formats.md#filter-db): magic, version, k, bit count, the
 * bits as big-endian 64-bit words, CRC32C of everything before it.
 *
 * Thread rule: built by one thread; immutable afterwards and readable from any thread.
 */
#ifndef RINGDB_STORAGE_BLOOM_H
#define RINGDB_STORAGE_BLOOM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "node/base/buf.h"
#include "node/base/err.h"

#define BLOOM_BITS_PER_KEY_MAX 20
#define BLOOM_HASHES_MAX 32
/* Largest filter accepted from disk (2^36 bits = 8 GiB). */
#define BLOOM_BITS_MAX (1ull << 36)
#define BLOOM_MAGIC 0x52424246u /* "RBBF" */
#define BLOOM_VERSION 1

struct bloom {
    uint64_t nbits;  /* 0: the always-present filter */
    uint32_t k;      /* probes per key */
    uint64_t *words; /* nbits / 64 words, malloc'd */
};

/* Computes the size for n keys at fp chance p (nbits is a multiple of 64; 0 when p >= 1). */
void bloom_params(uint64_t n, double p, uint64_t *nbits, uint32_t *k);
/* An empty filter sized for n keys at chance p. */
void bloom_init(struct bloom *b, uint64_t n, double p);
void bloom_deinit(struct bloom *b);

/* The key's 128-bit hash, as Cassandra computes it for its filters. */
void bloom_hash(const void *key, size_t len, uint64_t h[2]);
void bloom_add_hash(struct bloom *b, const uint64_t h[2]);
bool bloom_may_contain_hash(const struct bloom *b, const uint64_t h[2]);
static inline void bloom_add(struct bloom *b, const void *key, size_t len)
{
    uint64_t h[2];
    bloom_hash(key, len, h);
    bloom_add_hash(b, h);
}
static inline bool bloom_may_contain(const struct bloom *b, const void *key, size_t len)
{
    uint64_t h[2];
    bloom_hash(key, len, h);
    return bloom_may_contain_hash(b, h);
}

void bloom_encode(const struct bloom *b, struct buf *out);
/* Decodes a serialized filter into *out (bits copied). ERR_CORRUPT when the bytes fail a
   check; what names the file in the message. */
int bloom_decode(const uint8_t *p, size_t len, const char *what, struct bloom *out,
                 struct errmsg *em);

#endif

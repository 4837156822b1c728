/*
 * murmur3: MurmurHash3_x64_128 exactly as Apache Cassandra computes it, and the
 * Murmur3Partitioner token derived from it.
 *
 * Cassandra quirk matched: the tail bytes (len % 16) are *sign-extended* (Java's signed byte),
 * so results differ from canonical MurmurHash3 whenever a tail byte is >= 0x80. The DataStax
 * drivers do the same, which is what makes token-aware routing agree with us.
 * The token is h1 as a signed long; Long.MIN_VALUE is normalised to Long.MAX_VALUE, and the
 * empty key maps to the minimum token.
 */
#ifndef RINGDB_BASE_MURMUR3_H
#define RINGDB_BASE_MURMUR3_H

#include <stddef.h>
#include <stdint.h>

#define TOKEN_MIN INT64_MIN

void murmur3_x64_128(const void *key, size_t len, uint64_t seed, uint64_t out[2]);
int64_t murmur3_token(const void *key, size_t len);

#endif

/*
 * partitioner: Cassandra's Murmur3Partitioner on top of node/base/murmur3: the token of a
 * partition key, composite partition keys (CompositeType encoding, what drivers hash for
 * token-aware routing), tokens as the decimal strings system.local.tokens carries, and random
 * token generation for new nodes. Pure: no I/O, randomness passed in.
 */
#ifndef RINGDB_RING_PARTITIONER_H
#define RINGDB_RING_PARTITIONER_H

#include <stddef.h>
#include <stdint.h>

#include "node/base/buf.h"

#define PARTITIONER_NAME "org.apache.cassandra.dht.Murmur3Partitioner"
#define TOKEN_STR_MAX 21 /* "-9223372036854775808" + NUL */

int64_t partitioner_token(const uint8_t *key, size_t len);

/*
 * Appends a composite partition key: per component <u16 BE length><bytes><0x00>, as Cassandra's
 * CompositeType (and the drivers' routing keys). A single-column key is its value alone: use the
 * value directly, not this function.
 */
void partitioner_compose(struct buf *out, const uint8_t *const *vals, const uint32_t *lens,
                         size_t n);
/* Splits a composite key into n components; returns 0, or -1 if malformed (wrong count,
   lengths past the end, missing 0x00 end-of-component bytes). */
int partitioner_decompose(const uint8_t *key, size_t len, size_t n, const uint8_t **vals,
                          uint32_t *lens);

void token_format(int64_t token, char out[TOKEN_STR_MAX]);
/* Parses a decimal token; returns 0, or -1 if not a valid signed 64-bit decimal. */
int token_parse(const char *s, size_t len, int64_t *out);

/* Fills tokens[0..n) with distinct random tokens, sorted, from the caller's random source
   (rand64_cb returns uniformly random 64-bit values). */
void token_generate(uint64_t (*rand64_cb)(void *ctx), void *ctx, int64_t *tokens, size_t n);

#endif

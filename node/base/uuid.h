/*
 * uuid: 16-byte UUIDs as CQL carries them (big-endian, RFC 4122 layout): parsing, formatting,
 * random (v4) and time-based (v1, "timeuuid") generation, and the v1 timestamp.
 * Type-specific ordering (Cassandra's UUIDType / TimeUUIDType comparators) lives with the CQL
 * types in storage/types.c, not here.
 */
#ifndef RINGDB_BASE_UUID_H
#define RINGDB_BASE_UUID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct uuid {
    uint8_t b[16];
};

#define UUID_STR_LEN 36 /* without the NUL */

/* Writes the canonical lowercase 8-4-4-4-12 form and a NUL (out holds UUID_STR_LEN + 1). */
void uuid_format(const struct uuid *u, char out[UUID_STR_LEN + 1]);
/* Parses the 8-4-4-4-12 form (any case); exactly len characters. Returns 0 or -1. */
int uuid_parse(const char *s, size_t len, struct uuid *out);
void uuid_random(struct uuid *out);
int uuid_version(const struct uuid *u);
bool uuid_is_nil(const struct uuid *u);
int uuid_cmp_bytes(const struct uuid *a, const struct uuid *b);

/* Offset between the Gregorian epoch (1582-10-15) and the Unix epoch, in 100 ns units. */
#define TIMEUUID_EPOCH_OFFSET 0x01B21DD213814000LL

/* A new v1 UUID for now, strictly increasing within the process (thread-safe). */
void timeuuid_now(struct uuid *out);
/* A v1 UUID with the given Unix time in ms; min/max variants as Cassandra's minTimeuuid/maxTimeuuid. */
void timeuuid_from_ms(int64_t unix_ms, bool max, struct uuid *out);
/* The v1 timestamp in 100 ns units since the Gregorian epoch. */
uint64_t timeuuid_ts100ns(const struct uuid *u);
/* The v1 timestamp as Unix milliseconds. */
int64_t timeuuid_unix_ms(const struct uuid *u);

#endif

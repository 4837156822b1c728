/*
 * md5: RFC 1321 MD5. Not for security: Cassandra uses it for prepared-statement ids
 * (MD5 of keyspace + query text) and for the schema_version digest, and we must produce the
 * same ids so every node agrees and drivers can re-prepare.
 */
#ifndef RINGDB_BASE_MD5_H
#define RINGDB_BASE_MD5_H

#include <stddef.h>
#include <stdint.h>

struct md5 {
    uint32_t state[4];
    uint64_t len_bytes;
    uint8_t block[64];
};

void md5_init(struct md5 *m);
void md5_update(struct md5 *m, const void *data, size_t len);
void md5_final(struct md5 *m, uint8_t digest[16]);
void md5(const void *data, size_t len, uint8_t digest[16]);

#endif

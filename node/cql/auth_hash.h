/*
 * auth_hash: password hashes as stored in system_auth.roles.salted_hash.
 *
 * Cassandra stores bcrypt strings ("$2a$10$..."); ringdb stores libsodium's Argon2id strings
 * ("$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>", crypto_pwhash_str), which carry their own
 * salt and cost parameters, so a hash written with other parameters still verifies. This is a
 * documented difference: a salted_hash copied from a Cassandra cluster does not verify here.
 *
 * Cost: AUTH_HASH_OPS_DEFAULT / AUTH_HASH_MEM_DEFAULT_BYTES (t=2 passes over 19 MiB, the OWASP
 * minimum for Argon2id) make one hash or verification take tens of milliseconds on one core;
 * tests may pass cheaper parameters. Every call here blocks for that long: call it from a
 * thread-pool thread, never from an event loop.
 *
 * Verification is crypto_pwhash_str_verify (the comparison inside is constant-time). For a
 * role that does not exist, auth_hash_verify_dummy burns the same time against a fixed hash,
 * so the answer time does not tell whether a role exists (Cassandra 4.1 does the same with a
 * dummy bcrypt hash).
 *
 * Passwords are passed as (pointer, length) and never copied here. Thread-safe.
 */
#ifndef RINGDB_CQL_AUTH_HASH_H
#define RINGDB_CQL_AUTH_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "node/base/err.h"

/* Room for a hash string and its NUL (crypto_pwhash_STRBYTES). */
#define AUTH_HASH_MAX 128
#define AUTH_HASH_OPS_DEFAULT 2u
#define AUTH_HASH_MEM_DEFAULT_BYTES (19u << 20)
/* A password longer than this is refused (hashing cost grows with it only a little, but a
   bound keeps a client from making the server hash megabytes). */
#define AUTH_PASSWORD_MAX 4096

struct auth_hash_params {
    uint32_t ops;       /* Argon2id passes (t) */
    uint32_t mem_bytes; /* Argon2id memory (m) */
};

/* Initialises libsodium once (any thread). Returns 0 or ERR_SERVER. */
int auth_hash_init(struct errmsg *em);

/* Hashes pw into out (NUL-terminated). ERR_INVALID for an over-long password, ERR_OVERLOADED
   when the memory for the hash cannot be had. */
int auth_hash_password(const struct auth_hash_params *p, const uint8_t *pw, size_t len,
                       char out[AUTH_HASH_MAX], struct errmsg *em);
/* True when pw matches the stored hash string; false for a mismatch or a malformed hash. */
bool auth_hash_verify(const char *hash, const uint8_t *pw, size_t len);
/* Spends about the time of a verification and returns nothing useful (unknown roles). */
void auth_hash_verify_dummy(const struct auth_hash_params *p, const uint8_t *pw, size_t len);
/* True for a well-formed Argon2id hash string whose cost is within what a node will compute
   (HASHED PASSWORD takes one: a huge m or t would make every login a denial of service). */
bool auth_hash_is_valid(const char *hash);

#endif

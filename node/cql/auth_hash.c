/* auth_hash: see auth_hash.h. */
#include "node/cql/auth_hash.h"

#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "node/base/assert.h"

static_assert(AUTH_HASH_MAX >= crypto_pwhash_STRBYTES, "room for a libsodium hash string");

/* The most a stored hash may ask of a verification: 256 MiB, 16 passes, 8 lanes. */
#define HASH_MEM_KIB_MAX (256u << 10)
#define HASH_OPS_MAX 16u
#define HASH_LANES_MAX 8u

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_rc;

static void init_sodium(void)
{
    init_rc = sodium_init() < 0 ? -1 : 0;
}

int auth_hash_init(struct errmsg *em)
{
    pthread_once(&init_once, init_sodium);
    if (init_rc != 0) return errmsg_set(em, ERR_SERVER, "libsodium failed to initialise");
    return 0;
}

int auth_hash_password(const struct auth_hash_params *p, const uint8_t *pw, size_t len,
                       char out[AUTH_HASH_MAX], struct errmsg *em)
{
    int rc = auth_hash_init(em);
    if (rc != 0) return rc;
    if (len > AUTH_PASSWORD_MAX)
        return errmsg_set(em, ERR_INVALID, "Password is too long (more than %d bytes)",
                          AUTH_PASSWORD_MAX);
    if (crypto_pwhash_str_alg(out, (const char *)pw, len, p->ops, p->mem_bytes,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        return errmsg_set(em, ERR_OVERLOADED, "not enough memory to hash a password");
    return 0;
}

bool auth_hash_verify(const char *hash, const uint8_t *pw, size_t len)
{
    if (auth_hash_init(NULL) != 0 || len > AUTH_PASSWORD_MAX || !auth_hash_is_valid(hash))
        return false;
    return crypto_pwhash_str_verify(hash, (const char *)pw, len) == 0;
}

void auth_hash_verify_dummy(const struct auth_hash_params *p, const uint8_t *pw, size_t len)
{
    /* Hashing with the default cost takes as long as verifying a default-cost hash. */
    char scratch[AUTH_HASH_MAX];
    if (len > AUTH_PASSWORD_MAX) len = AUTH_PASSWORD_MAX;
    if (auth_hash_password(p, pw, len, scratch, NULL) == 0) sodium_memzero(scratch, sizeof scratch);
}

/* Reads "<key>=<decimal>" at *s; advances past it. */
static bool param(const char **s, char key, unsigned long max, unsigned long *out)
{
    const char *p = *s;
    if (p[0] != key || p[1] != '=' || p[2] < '0' || p[2] > '9') return false;
    errno = 0;
    char *end;
    unsigned long v = strtoul(p + 2, &end, 10);
    if (errno != 0 || v > max) return false;
    *out = v;
    *s = end;
    return true;
}

bool auth_hash_is_valid(const char *hash)
{
    size_t n = strnlen(hash, AUTH_HASH_MAX);
    if (n == 0 || n >= AUTH_HASH_MAX) return false;
    static const char prefix[] = "$argon2id$v=19$";
    if (strncmp(hash, prefix, sizeof prefix - 1) != 0) return false;
    const char *s = hash + sizeof prefix - 1;
    unsigned long m, t, lanes;
    if (!param(&s, 'm', HASH_MEM_KIB_MAX, &m) || *s++ != ',') return false;
    if (!param(&s, 't', HASH_OPS_MAX, &t) || *s++ != ',') return false;
    if (!param(&s, 'p', HASH_LANES_MAX, &lanes) || *s != '$') return false;
    if (m == 0 || t == 0 || lanes == 0) return false;
    /* libsodium checks the salt and hash encodings: -1 means "not a hash string". */
    if (auth_hash_init(NULL) != 0) return false;
    return crypto_pwhash_str_needs_rehash(hash, AUTH_HASH_OPS_DEFAULT,
                                          AUTH_HASH_MEM_DEFAULT_BYTES) >= 0;
}

/* Argon2id hashes: round trip, mismatch, malformed and over-costly hash strings. */
#include <criterion/criterion.h>
#include <string.h>

#include "node/cql/auth_hash.h"

static const struct auth_hash_params cheap = {1, 64u << 10};

Test(auth_hash, hash_then_verify)
{
    char h[AUTH_HASH_MAX];
    struct errmsg em = {0};
    cr_assert_eq(auth_hash_password(&cheap, (const uint8_t *)"s3cret", 6, h, &em), 0, "%s",
                 em.text);
    cr_assert(strncmp(h, "$argon2id$v=19$m=64,t=1,p=1$", 28) == 0, "%s", h);
    cr_assert(auth_hash_is_valid(h));
    cr_assert(auth_hash_verify(h, (const uint8_t *)"s3cret", 6));
    cr_assert_not(auth_hash_verify(h, (const uint8_t *)"s3creT", 6));
    cr_assert_not(auth_hash_verify(h, (const uint8_t *)"s3cret", 5));
    cr_assert_not(auth_hash_verify(h, (const uint8_t *)"", 0));
    /* two hashes of one password differ (random salt) and both verify */
    char h2[AUTH_HASH_MAX];
    cr_assert_eq(auth_hash_password(&cheap, (const uint8_t *)"s3cret", 6, h2, &em), 0);
    cr_assert_str_neq(h, h2);
    cr_assert(auth_hash_verify(h2, (const uint8_t *)"s3cret", 6));
}

Test(auth_hash, default_cost_verifies_and_is_moderate)
{
    const struct auth_hash_params def = {AUTH_HASH_OPS_DEFAULT, AUTH_HASH_MEM_DEFAULT_BYTES};
    char h[AUTH_HASH_MAX];
    cr_assert_eq(auth_hash_password(&def, (const uint8_t *)"cassandra", 9, h, NULL), 0);
    cr_assert(strncmp(h, "$argon2id$v=19$m=19456,t=2,p=1$", 31) == 0, "%s", h);
    cr_assert(auth_hash_verify(h, (const uint8_t *)"cassandra", 9));
}

Test(auth_hash, malformed_or_costly_hashes_are_refused)
{
    static const char *const bad[] = {
        "",
        "cassandra",
        "$2a$10$1gMVYw/nJcUrAoPczxf2mOg3g4Ttv2dVgR0JXJ4/Y/F1QTRN8NNzm", /* bcrypt */
        "$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=64,t=1,p=1$",
        "$argon2id$v=19$m=64,t=1,p=1$!!!!$!!!!",
        "$argon2id$v=19$m=1048576,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$"
        "aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g", /* 1 GiB */
        "$argon2id$v=19$m=64,t=100,p=1$c2FsdHNhbHRzYWx0c2FsdA$"
        "aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g", /* 100 passes */
        "$argon2id$v=19$m=0,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$"
        "aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
        "$argon2id$v=19$m=-64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$"
        "aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_assert_not(auth_hash_is_valid(bad[i]), "case %zu: %s", i, bad[i]);
        cr_assert_not(auth_hash_verify(bad[i], (const uint8_t *)"x", 1), "case %zu", i);
    }
}

Test(auth_hash, over_long_passwords_are_refused)
{
    static uint8_t pw[AUTH_PASSWORD_MAX + 1];
    memset(pw, 'a', sizeof pw);
    char h[AUTH_HASH_MAX];
    struct errmsg em = {0};
    cr_assert_eq(auth_hash_password(&cheap, pw, sizeof pw, h, &em), ERR_INVALID);
    cr_assert_eq(auth_hash_password(&cheap, pw, AUTH_PASSWORD_MAX, h, &em), 0);
    cr_assert(auth_hash_verify(h, pw, AUTH_PASSWORD_MAX));
    cr_assert_not(auth_hash_verify(h, pw, sizeof pw));
}

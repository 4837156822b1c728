/* SASL PLAIN decoding as PasswordAuthenticator's decodeCredentials, and printable names. */
#include <criterion/criterion.h>
#include <string.h>

#include "node/cql/auth_sasl.h"

#define FORMAT_ERR                                                                                \
    "Credential format error: username or password is empty or contains NUL(\\0) character"

struct plain_case {
    const char *token;
    size_t len;
    const char *user; /* expected, or NULL for an error */
    const char *pass;
    const char *error;
};

#define T(s) s, sizeof s - 1

static const struct plain_case plain_cases[] = {
    {T("\0cassandra\0cassandra"), "cassandra", "cassandra", NULL},
    {T("admin\0alice\0secret"), "alice", "secret", NULL}, /* authzid ignored */
    {T("\0a\0p w d"), "a", "p w d", NULL},
    {T("\0\xc3\xa9l\xc3\xa8ve\0x"), "\xc3\xa9l\xc3\xa8ve", "x", NULL},
    {T(""), NULL, NULL, "Password must not be null"},
    {T("no-nul-at-all"), NULL, NULL, "Password must not be null"},
    {T("\0user\0"), NULL, NULL, "Password must not be null"},
    {T("user\0pass"), NULL, NULL, "Authentication ID must not be null"},
    {T("\0\0pass"), NULL, NULL, "Authentication ID must not be null"},
    {T("a\0b\0c\0d"), NULL, NULL, FORMAT_ERR},
    {T("\0u\0p\0"), NULL, NULL, FORMAT_ERR},
    {T("\0\0\0"), NULL, NULL, FORMAT_ERR},
};

Test(auth_sasl, plain_tokens_parse_as_cassandra_does)
{
    for (size_t i = 0; i < sizeof plain_cases / sizeof plain_cases[0]; i++) {
        const struct plain_case *c = &plain_cases[i];
        struct auth_sasl_plain out;
        struct errmsg em = {0};
        int rc = auth_sasl_plain_parse((const uint8_t *)c->token, c->len, &out, &em);
        if (c->error) {
            cr_assert_eq(rc, ERR_AUTH, "case %zu", i);
            cr_assert_str_eq(em.text, c->error, "case %zu", i);
            continue;
        }
        cr_assert_eq(rc, 0, "case %zu: %s", i, em.text);
        cr_assert_eq(out.user_len, strlen(c->user), "case %zu", i);
        cr_assert_eq(memcmp(out.user, c->user, out.user_len), 0, "case %zu", i);
        cr_assert_eq(out.pass_len, strlen(c->pass), "case %zu", i);
        cr_assert_eq(memcmp(out.pass, c->pass, out.pass_len), 0, "case %zu", i);
        /* no copy: the parts point into the token */
        cr_assert(out.pass >= (const uint8_t *)c->token &&
                  out.pass + out.pass_len <= (const uint8_t *)c->token + c->len);
    }
}

Test(auth_sasl, printable_replaces_control_and_invalid_bytes)
{
    char out[16];
    auth_sasl_printable((const uint8_t *)"bob", 3, out, sizeof out);
    cr_assert_str_eq(out, "bob");
    auth_sasl_printable((const uint8_t *)"a\nb\x7f", 4, out, sizeof out);
    cr_assert_str_eq(out, "a?b?");
    /* invalid UTF-8: every byte >= 0x80 becomes '?' */
    auth_sasl_printable((const uint8_t *)"x\xff\xc3y", 4, out, sizeof out);
    cr_assert_str_eq(out, "x??y");
    /* valid UTF-8 is kept, and never cut inside a character */
    auth_sasl_printable((const uint8_t *)"\xc3\xa9\xc3\xa9", 4, out, 4);
    cr_assert_str_eq(out, "\xc3\xa9");
    auth_sasl_printable((const uint8_t *)"abcdef", 6, out, 4);
    cr_assert_str_eq(out, "abc");
}

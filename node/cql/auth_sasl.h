/*
 * auth_sasl: the SASL PLAIN token a driver sends in AUTH_RESPONSE (RFC 4616), decoded as
 * Cassandra 4.1's PasswordAuthenticator.PlainTextSaslAuthenticator.decodeCredentials does:
 *
 *   [authzid] NUL authcid NUL passwd        (each part UTF-8, no NUL inside)
 *
 * The token is scanned from its end: the bytes after the last NUL are the password, the bytes
 * between the last two NULs the user; whatever precedes (the optional authzid) is ignored, as
 * Cassandra ignores it (a role cannot act for another with this authenticator). A third NUL
 * means a part contains a NUL and the token is refused.
 *
 * Errors (all ERR_AUTH, Cassandra's messages):
 *   three or more NULs   "Credential format error: username or password is empty or contains
 *                         NUL(\0) character"
 *   no NUL / empty pass  "Password must not be null"
 *   one NUL / empty user "Authentication ID must not be null"
 *
 * The result points into the token (no copy, so no password copy to wipe). Pure.
 */
#ifndef RINGDB_CQL_AUTH_SASL_H
#define RINGDB_CQL_AUTH_SASL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "node/base/err.h"

struct auth_sasl_plain {
    const uint8_t *user; /* authcid: the role name */
    size_t user_len;
    const uint8_t *pass;
    size_t pass_len;
};

int auth_sasl_plain_parse(const uint8_t *token, size_t len, struct auth_sasl_plain *out,
                          struct errmsg *em);

/*
 * Copies a client-supplied name into out (cap bytes, NUL-terminated) for an error message:
 * control characters and, when the name is not valid UTF-8, every non-ASCII byte become '?',
 * so a message never carries bytes a driver cannot decode. Truncates to cap - 1 bytes.
 */
void auth_sasl_printable(const uint8_t *p, size_t len, char *out, size_t cap);

#endif

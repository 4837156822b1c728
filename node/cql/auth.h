/*
 * auth: what the protocol server needs from an authenticator (Cassandra's IAuthenticator +
 * its SaslNegotiator, reduced to the one mechanism drivers use: SASL PLAIN).
 *
 * Shape: an ops table, not functions with one implementation, because the server must work
 * with no implementation linked at all (AllowAllAuthenticator: the server is handed a NULL
 * struct auth and answers STARTUP with READY), and unit tests plug in a fake. An
 * implementation (PasswordAuthenticator: roles in system_auth, Argon2id hashes) embeds
 * struct auth as its first member and fills `ops`.
 *
 * Flow (v4 §4.2.3, §4.1.2): STARTUP -> AUTHENTICATE <ops->authenticator> -> AUTH_RESPONSE with
 * the token "\0user\0password" -> the server calls ops->verify with a struct auth_check it
 * owns -> the implementation answers exactly once by calling check->done_cb on check->loop
 * (evloop_post from the thread that did the hashing; it may also call it before verify
 * returns). status 0 -> AUTH_SUCCESS and the session takes role/is_superuser; ERR_AUTH (or
 * any error) -> the server waits a short delay on a libuv timer and answers ERROR 0x0100
 * with em.text.
 *
 * Ownership: the check and its token belong to the server and stay valid until done_cb; the
 * implementation copies nothing it needs afterwards. Thread rule: verify is called on the
 * connection's loop thread; done_cb must run on check->loop's thread.
 */
#ifndef RINGDB_CQL_AUTH_H
#define RINGDB_CQL_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "node/base/err.h"
#include "node/cql/session.h"
#include "node/net/evloop.h"

/* The class name drivers expect in AUTHENTICATE (the Python driver tests for it). */
#define AUTH_PASSWORD_AUTHENTICATOR "org.apache.cassandra.auth.PasswordAuthenticator"
/* A SASL PLAIN token longer than this is refused without asking the authenticator. */
#define AUTH_TOKEN_MAX 4096

struct auth;
struct auth_check;

typedef void (*auth_check_done_cb)(struct auth_check *c);

struct auth_check {
    /* Set by the server. */
    struct evloop *loop;      /* done_cb runs on this loop's thread */
    const uint8_t *token;     /* SASL PLAIN "\0user\0password" (authzid may precede) */
    size_t token_len;         /* <= AUTH_TOKEN_MAX */
    auth_check_done_cb done_cb;
    void *user;               /* the server's */
    /* Filled by the authenticator before done_cb. */
    int status;               /* 0, ERR_AUTH (bad credentials), or another error */
    struct errmsg em;         /* on failure: "Provided username x and/or password are incorrect" */
    char role[SESSION_ROLE_MAX];
    bool is_superuser;
};

struct auth_ops {
    /* Sent in AUTHENTICATE, e.g. AUTH_PASSWORD_AUTHENTICATOR. */
    const char *authenticator;
    /* false: connections get READY after STARTUP, as with AllowAllAuthenticator. */
    bool (*is_required)(const struct auth *a);
    /* Checks c->token; answers through c->done_cb exactly once (see the file head). */
    void (*verify)(struct auth *a, struct auth_check *c);
};

struct auth {
    const struct auth_ops *ops;
};

/* NULL-safe: no authenticator means AllowAllAuthenticator. */
static inline bool auth_is_required(const struct auth *a)
{
    return a && a->ops && a->ops->is_required && a->ops->is_required(a);
}

#endif

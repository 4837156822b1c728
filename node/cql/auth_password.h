/*
 * auth_password: the PasswordAuthenticator (node/cql/auth.h's ops table, backed by the roles
 * in system_auth). verify() hands the check to libuv's thread pool (evloop_work) and answers on
 * the connection's loop:
 *
 *   SASL PLAIN token -> role row (cache or store) -> Argon2id verification -> can_login ->
 *   superuser status (the role or any role granted to it, as AuthenticatedUser.isSuper)
 *
 * Answers (ERR_AUTH; the server adds the failure delay and sends ERROR 0x0100):
 *   malformed token                  auth_sasl.h's messages
 *   unknown role, no password, wrong password
 *                                    "Provided username u and/or password are incorrect"
 *                                    (an unknown role still costs one hash: no timing oracle)
 *   can_login false                  "u is not permitted to log in"
 *   store failure / bad role row     "Unable to perform authentication: <reason>"
 *   default role setup still running after AUTH_SETUP_WAIT_MS (a check first waits for it)
 *                                    "Unable to perform authentication: ..."
 *   AUTH_PENDING_MAX checks queued   "Too many authentication requests in progress" (the pool
 *                                    is shared with statements; a login flood cannot queue
 *                                    without bound)
 *
 * The password is read in place from the server's token and never copied.
 * Thread rule: verify on any loop thread; the struct is immutable after init except `pending`.
 */
#ifndef RINGDB_CQL_AUTH_PASSWORD_H
#define RINGDB_CQL_AUTH_PASSWORD_H

#include <stdatomic.h>
#include <stdbool.h>

#include "node/cql/auth.h"
#include "node/cql/auth_hash.h"
#include "node/cql/auth_roles.h"

#define AUTH_PENDING_MAX 256

struct auth_password {
    struct auth base; /* first: the server sees a struct auth */
    struct auth_roles *roles;
    struct auth_hash_params hash;
    atomic_uint pending;
    /* Called first in every check (thread pool; may block): false when the roles are not ready
       in time (the default role's setup has not finished). NULL: always ready. */
    bool (*wait_ready_fn)(void *ctx);
    void *ready_ctx;
};

void auth_password_init(struct auth_password *p, struct auth_roles *roles,
                        const struct auth_hash_params *hash);
/* The check itself, blocking (the thread-pool half of verify; tests call it directly). Fills
   c->status, c->em, c->role and c->is_superuser. */
void auth_password_check(struct auth_password *p, struct auth_check *c);

#endif

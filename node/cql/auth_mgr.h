/*
 * auth_mgr: authentication and role management of one node, Cassandra 4.1's trio
 * IAuthenticator (PasswordAuthenticator or AllowAllAuthenticator) + IRoleManager
 * (CassandraRoleManager, always) + IAuthorizer (AllowAllAuthorizer or CassandraAuthorizer),
 * over the system_auth tables in the store.
 *
 *   auth_mgr_create      binds the system_auth tables (the schema must have registered them)
 *   auth_mgr_setup       creates the default superuser cassandra/cassandra when no role
 *                        exists at all (CassandraRoleManager.setupDefaultRole), once
 *   auth_mgr_setup_pending  says a setup will run later (the node runs it on the thread pool
 *                        after start-up, as Cassandra schedules setupDefaultRole after the
 *                        node is up): until auth_mgr_setup returns, logins and role
 *                        statements wait for it (auth_mgr_wait_setup) instead of failing or
 *                        racing it (a CREATE ROLE first would suppress the default role)
 *   auth_mgr_authenticator  what the protocol server gets: NULL for AllowAllAuthenticator
 *   auth_stmt_execute    (auth_stmt.h) role and permission statements
 *
 * Configuration rules from Cassandra's AuthConfig: AllowAllAuthenticator cannot be combined
 * with CassandraAuthorizer (ERR_CONFIG at create).
 *
 * Threads: create/destroy on the node's thread at start-up and shut-down; setup blocks (one
 * Argon2id hash and a durable write) and runs on any thread, once; the rest is used from loop
 * threads and libuv's thread pool as documented per function. Destroy only after every loop
 * has ended and the setup has returned (no verification, statement or setup in flight).
 */
#ifndef RINGDB_CQL_AUTH_MGR_H
#define RINGDB_CQL_AUTH_MGR_H

#include <stdbool.h>
#include <stdint.h>

#include "node/base/err.h"
#include "node/config.h"
#include "node/cql/auth.h"
#include "node/cql/auth_hash.h"
#include "node/cql/auth_perms.h"
#include "node/cql/auth_roles.h"
#include "storage/store.h"

#define AUTH_DEFAULT_SUPERUSER "cassandra"
#define AUTH_DEFAULT_PASSWORD "cassandra"
/* How long a login or role statement waits for a pending setup before it gives up with an
   error ("Unable to perform authentication: ..."); the setup takes tens of milliseconds. */
#define AUTH_SETUP_WAIT_MS 10000u

/* Whether keyspace (table NULL) or keyspace.table exists, for GRANT ... ON and LIST ... ON.
   Called from the thread pool. */
typedef bool (*auth_schema_has_cb)(void *ctx, const char *keyspace, const char *table);

struct auth_mgr_config {
    enum config_authenticator authenticator;
    enum config_authorizer authorizer;
    uint32_t roles_validity_ms;  /* role cache lifetime; 0 disables the cache */
    struct auth_hash_params hash; /* cost of new hashes */
    auth_schema_has_cb schema_has; /* NULL: every keyspace and table "exists" */
    void *schema_ctx;
};
void auth_mgr_config_defaults(struct auth_mgr_config *c);

struct auth_mgr;

int auth_mgr_create(const struct auth_mgr_config *c, struct store *st, struct auth_mgr **out,
                    struct errmsg *em);
void auth_mgr_destroy(struct auth_mgr *m); /* accepts NULL */
/* Blocking. *created tells whether the default superuser was written now. Ends a pending
   setup (success or not) and wakes its waiters. */
int auth_mgr_setup(struct auth_mgr *m, bool *created, struct errmsg *em);
/* Before the CQL server starts: auth_mgr_setup will run soon; wait for it. */
void auth_mgr_setup_pending(struct auth_mgr *m);
/* Thread pool only (blocks): true once no setup is pending, false after timeout_ms. */
bool auth_mgr_wait_setup(struct auth_mgr *m, uint32_t timeout_ms);
/* The authenticator for the protocol server, or NULL (AllowAllAuthenticator). */
struct auth *auth_mgr_authenticator(struct auth_mgr *m);

/* For the statement and test code of this module. */
const struct auth_mgr_config *auth_mgr_config(const struct auth_mgr *m);
struct auth_roles *auth_mgr_roles(struct auth_mgr *m);
struct auth_perms *auth_mgr_perms(struct auth_mgr *m);

#endif

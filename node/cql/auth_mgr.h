/*
 * auth_mgr: authentication and role management of one node, Cassandra 4.1's trio
 * IAuthenticator (PasswordAuthenticator or AllowAllAuthenticator) + IRoleManager
 * (CassandraRoleManager, always) + IAuthorizer (AllowAllAuthorizer or CassandraAuthorizer),
 * over the system_auth tables in the store.
 *
 *   auth_mgr_create      binds the system_auth tables (the schema must have registered them)
 *   auth_mgr_setup       start-up: creates the default superuser cassandra/cassandra when no
 *                        role exists at all (CassandraRoleManager.setupDefaultRole), once
 *   auth_mgr_authenticator  what the protocol server gets: NULL for AllowAllAuthenticator
 *   auth_stmt_execute    (auth_stmt.h) role and permission statements
 *
 * Configuration rules from Cassandra's AuthConfig: AllowAllAuthenticator cannot be combined
 * with CassandraAuthorizer (ERR_CONFIG at create).
 *
 * Threads: create/setup/destroy on the node's thread at start-up and shut-down (blocking); the
 * rest is used from loop threads and libuv's thread pool as documented per function. Destroy
 * only after every loop has ended (no verification or statement job in flight).
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
/* Blocking. *created tells whether the default superuser was written now. */
int auth_mgr_setup(struct auth_mgr *m, bool *created, struct errmsg *em);
/* The authenticator for the protocol server, or NULL (AllowAllAuthenticator). */
struct auth *auth_mgr_authenticator(struct auth_mgr *m);

/* For the statement and test code of this module. */
const struct auth_mgr_config *auth_mgr_config(const struct auth_mgr *m);
struct auth_roles *auth_mgr_roles(struct auth_mgr *m);
struct auth_perms *auth_mgr_perms(struct auth_mgr *m);

#endif

/*
 * auth_perms: granted permissions, Cassandra 4.1's CassandraAuthorizer data layer, over
 *
 *   system_auth.role_permissions               (role text, resource text, permissions set<text>,
 *                                               PRIMARY KEY (role, resource))
 *   system_auth.resource_role_permissons_index (resource text, role text,
 *                                               PRIMARY KEY (resource, role))  [sic: "permissons"]
 *
 *   grant   UPDATE role_permissions SET permissions = permissions + {...} for the permissions
 *           not held yet; INSERT into the index (resource, role)
 *   revoke  the same with -; the index row goes when no permission is left
 *   drop role r      revokeAllFrom(r): its role_permissions partition and its index rows;
 *                    revokeAllOn(roles/r): every grant on the role resource
 *
 * Permissions are sets of enum ast_perm bits; resources are stored names (auth_resource.h).
 * Only used with authorizer: CassandraAuthorizer (AllowAllAuthorizer stores nothing).
 * Threads: blocking store I/O (thread pool or start-up); immutable after open.
 */
#ifndef RINGDB_CQL_AUTH_PERMS_H
#define RINGDB_CQL_AUTH_PERMS_H

#include <stdint.h>

#include "node/base/arena.h"
#include "node/base/err.h"
#include "storage/store.h"

struct auth_perms;

struct auth_perm_entry {
    const char *role;
    const char *resource; /* stored name */
    uint32_t perms;
};

int auth_perms_open(struct store *st, struct auth_perms **out, struct errmsg *em);
void auth_perms_close(struct auth_perms *p); /* accepts NULL */

/* Permissions role holds directly on resource (no parents, no inherited roles). */
int auth_perms_get(struct auth_perms *p, const char *role, const char *resource, uint32_t *perms,
                   struct errmsg *em);
/* Adds perms; *added = those that were not held before. */
int auth_perms_grant(struct auth_perms *p, const char *role, const char *resource, uint32_t perms,
                     uint32_t *added, store_pos *pos, struct errmsg *em);
/* Removes perms; *removed = those that were held. */
int auth_perms_revoke(struct auth_perms *p, const char *role, const char *resource,
                      uint32_t perms, uint32_t *removed, store_pos *pos, struct errmsg *em);
/* Every grant of role (NULL: of every role), on resource only when not NULL, in a. */
int auth_perms_list(struct auth_perms *p, const char *role, const char *resource,
                    struct arena *a, struct auth_perm_entry **out, uint32_t *n,
                    struct errmsg *em);
int auth_perms_revoke_all_from(struct auth_perms *p, const char *role, store_pos *pos,
                               struct errmsg *em);
int auth_perms_revoke_all_on(struct auth_perms *p, const char *resource, store_pos *pos,
                             struct errmsg *em);

#endif

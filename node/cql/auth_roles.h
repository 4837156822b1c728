/*
 * auth_roles: role storage, Cassandra 4.1's CassandraRoleManager data layer, over
 *
 *   system_auth.roles        (role text PRIMARY KEY, can_login boolean, is_superuser boolean,
 *                             member_of set<text>, salted_hash text)
 *   system_auth.role_members (role text, member text, PRIMARY KEY (role, member))
 *
 * written exactly as CassandraRoleManager's CQL would write them:
 *   create      INSERT INTO roles (role, is_superuser, can_login[, salted_hash]) -> row marker
 *   alter       UPDATE roles SET is_superuser/can_login/salted_hash = ...
 *   drop        DELETE FROM roles WHERE role = r (partition deletion), then for every member m
 *               of r: member_of of m loses r, and role_members' partition r is deleted
 *   grant r->g  roles[g].member_of + {r}; INSERT INTO role_members (role, member) VALUES (r, g)
 *   revoke      the same with - and DELETE
 *
 * Reads go through a small cache of role rows (Cassandra's RolesCache, roles_validity 2 s):
 * entries expire after validity_ms and every write through this object clears the cache, so a
 * statement run on this node is seen at once by the next login on it. (With replication, a
 * change made through another node is seen here after at most validity_ms, as in Cassandra.)
 *
 * Role rows are validated on read: a row whose is_superuser or can_login is null is "invalid
 * metadata" (ERR_SERVER "Invalid metadata has been detected for role r", as Cassandra).
 *
 * Threads: reads and writes block on the store (thread pool or start-up only). The cache is
 * protected by a mutex; everything else is immutable after open.
 */
#ifndef RINGDB_CQL_AUTH_ROLES_H
#define RINGDB_CQL_AUTH_ROLES_H

#include <stdbool.h>
#include <stdint.h>

#include "node/base/arena.h"
#include "node/base/err.h"
#include "node/cql/auth_table.h"
#include "storage/store.h"

#define AUTH_ROLES_CACHE_MAX 1000         /* roles_cache_max_entries */
#define AUTH_ROLES_VALIDITY_MS_DEFAULT 2000 /* roles_validity */
/* The most roles one role may be granted, directly or not (a bound on the graph walk). */
#define AUTH_ROLE_TREE_MAX 4096u

struct auth_role {
    const char *name;
    bool is_superuser;
    bool can_login;
    const char *salted_hash; /* NULL when the role has no password */
    uint32_t nmember_of;
    const char **member_of; /* roles granted to this one, sorted */
};

struct auth_roles;

/* ERR_NOT_FOUND when the system_auth tables are not registered with the store. */
int auth_roles_open(struct store *st, uint32_t validity_ms, struct auth_roles **out,
                    struct errmsg *em);
void auth_roles_close(struct auth_roles *r); /* accepts NULL */

/* The role, copied into a; *found false when it does not exist. */
int auth_roles_get(struct auth_roles *r, const char *name, struct arena *a, struct auth_role *out,
                   bool *found, struct errmsg *em);
/* Every role, sorted by name, in a (Cassandra's getAllRoles). */
int auth_roles_list(struct auth_roles *r, struct arena *a, struct auth_role **out, uint32_t *n,
                    struct errmsg *em);
/* Whether any role exists (for the default superuser). */
int auth_roles_any(struct auth_roles *r, bool *any, struct errmsg *em);
/* The members of role (role_members partition), sorted, in a. */
int auth_roles_members(struct auth_roles *r, const char *role, struct arena *a,
                       const char ***out, uint32_t *n, struct errmsg *em);
/*
 * Cassandra's getRoles(role, includeInherited): the role itself and the roles granted to it,
 * directly (recursive false) or transitively, sorted by name, in a. A name listed in member_of
 * that no longer exists is skipped. *n == 0 when role does not exist. *any_super is true when
 * one of them has is_superuser (Roles.hasSuperuserStatus) — may be NULL.
 */
int auth_roles_tree(struct auth_roles *r, const char *role, bool recursive, struct arena *a,
                    struct auth_role **out, uint32_t *n, bool *any_super, struct errmsg *em);

/* A CREATE (is_insert: row marker) or ALTER of one role. Fields left -1 / NULL are kept. */
struct auth_role_change {
    const char *name;
    bool is_insert;
    int8_t is_superuser; /* -1 unchanged, 0, 1 */
    int8_t can_login;
    const char *salted_hash;
};
/* Writes go to the store at once; *pos is raised to the last write's log position (wait with
   auth_roles_wait before answering). */
int auth_roles_put(struct auth_roles *r, const struct auth_role_change *c, store_pos *pos,
                   struct errmsg *em);
/* DELETE of the role row, then its members lose it and its role_members partition goes. */
int auth_roles_drop(struct auth_roles *r, const char *name, store_pos *pos, struct errmsg *em);
/* GRANT role TO grantee (is_grant) or REVOKE role FROM grantee: member_of and role_members. */
int auth_roles_grant(struct auth_roles *r, const char *role, const char *grantee, bool is_grant,
                     store_pos *pos, struct errmsg *em);
int auth_roles_wait(struct auth_roles *r, store_pos pos, struct errmsg *em);
/* Drops every cached entry (a write elsewhere, tests). */
void auth_roles_invalidate(struct auth_roles *r);

#endif

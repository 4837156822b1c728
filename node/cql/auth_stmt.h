/*
 * auth_stmt: the role and permission statements, executed as Cassandra 4.1 executes them
 * (CreateRoleStatement, AlterRoleStatement, DropRoleStatement, GrantRoleStatement,
 * RevokeRoleStatement, ListRolesStatement, ListUsersStatement, GrantPermissionsStatement,
 * RevokePermissionsStatement, ListPermissionsStatement; CREATE/ALTER/DROP USER are the ROLE
 * statements with Parser.g's defaults). Each runs in Cassandra's order:
 *
 *   authorize (checkAccess)  Unauthorized 0x2100: "User u does not have sufficient privileges
 *                            to perform the requested operation", "Only superusers can create
 *                            a role with superuser status", ...
 *   validate                 Invalid 0x2200 ("r already exists", "r doesn't exist", "...
 *                            CassandraRoleManager doesn't support PASSWORD") and, for every
 *                            statement, ensureNotAnonymous: with AllowAllAuthenticator the
 *                            session is anonymous and gets Unauthorized "You have to be logged
 *                            in and not anonymous to perform this request"
 *   execute                  writes to system_auth (durable before the answer), or Rows
 *
 * Results: RESULT Void, or Rows for LIST ROLES (role, super, login, options, datacenters),
 * LIST USERS (name, super, datacenters) and LIST PERMISSIONS (role, username, resource,
 * permission), with Cassandra's pseudo-table names in the metadata; an empty list is Void.
 *
 * The executor calls auth_stmt_execute for every statement kind auth_stmt_handles() accepts.
 * The whole statement (reads, Argon2id hashing, writes, the durability wait) runs on libuv's
 * thread pool; done_cb is called exactly once, on r->loop.
 */
#ifndef RINGDB_CQL_AUTH_STMT_H
#define RINGDB_CQL_AUTH_STMT_H

#include <stdbool.h>

#include "node/cql/ast.h"
#include "node/cql/auth_mgr.h"
#include "node/cql/auth_resource.h"
#include "node/cql/exec.h"

/* CREATE/ALTER/DROP ROLE/USER, LIST ROLES/USERS, GRANT/REVOKE (roles and permissions),
   LIST PERMISSIONS. */
bool auth_stmt_handles(enum ast_stmt_kind kind);

/* Runs s for r (s must satisfy auth_stmt_handles). r->session is read here, on the loop
   thread; s and r stay valid until done_cb (the executor's contract). */
void auth_stmt_execute(struct auth_mgr *m, struct cql_request *r, const struct ast_stmt *s);

/* ---- module-internal: shared by auth_stmt*.c ---- */

struct auth_job {
    struct evloop_work work; /* first */
    struct auth_mgr *m;
    struct cql_request *r;
    const struct ast_stmt *s;
    struct arena *a; /* r->arena: this job's until done */
    char user[SESSION_ROLE_MAX]; /* "" = anonymous */
    char keyspace[SCHEMA_NAME_MAX + 1];
    uint8_t version;
    /* The user's roles (getRoles(user, true)) and superuser status, loaded on first use. */
    bool user_loaded;
    bool user_super;
    struct auth_role *user_roles;
    uint32_t nuser_roles;
    store_pos pos; /* last write */
    int status;    /* the outcome, from the pool thread to done */
};

/* Runs the statement on the calling thread (tests call it without a loop); 0 or an error
   with j->r->em filled; on success j->r->body holds the result. */
int auth_stmt_run(struct auth_job *j);

bool auth_stmt_is_anonymous(const struct auth_job *j);
/* ClientState.ensureNotAnonymous. */
int auth_stmt_not_anonymous(struct auth_job *j);
int auth_stmt_load_user(struct auth_job *j);
/* Whether name is the user or one of the roles granted to the user (user.getRoles()). */
bool auth_stmt_user_has_role(const struct auth_job *j, const char *name);
/* ClientState.ensurePermission on the resource's chain. is_friendly: the message of
   AuthenticationStatement.checkPermission instead of "User u has no P permission on R ...". */
int auth_stmt_check_perm(struct auth_job *j, uint32_t perm, const struct auth_resource *res,
                         bool is_friendly);
/* Whether a role exists (through the role cache). */
int auth_stmt_role_exists(struct auth_job *j, const char *name, bool *exists);
/* Cassandra's getRoles(role, recursive) and hasSuperuserStatus. */
int auth_stmt_roles_of(struct auth_job *j, const char *role, bool recursive,
                       struct auth_role **out, uint32_t *n, bool *any_super);
bool auth_stmt_roles_contain(const struct auth_role *roles, uint32_t n, const char *name);
/* Void result. */
int auth_stmt_void(struct auth_job *j);

#endif

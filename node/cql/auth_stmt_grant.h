/*
 * auth_stmt_grant: GRANT / REVOKE of roles (Cassandra 4.1's GrantRoleStatement,
 * RevokeRoleStatement: AUTHORIZE on the granted role; "g is a member of r" refuses cycles) and
 * of permissions (GrantPermissionsStatement, RevokePermissionsStatement: with
 * AllowAllAuthorizer, Invalid "GRANT operation is not supported by AllowAllAuthorizer"; with
 * CassandraAuthorizer stored in system_auth.role_permissions).
 * Thread rule: thread pool (see auth_stmt.h).
 */
#ifndef RINGDB_CQL_AUTH_STMT_GRANT_H
#define RINGDB_CQL_AUTH_STMT_GRANT_H

#include "node/cql/auth_stmt.h"

int auth_stmt_grant_role(struct auth_job *j);
int auth_stmt_grant_perms(struct auth_job *j);
/* Checks that a resource exists (Cassandra's IResource.exists): keyspaces and tables through
   the schema callback, roles in system_auth; functions and MBeans never exist in ringdb.
   Fills j->r->em with "<prefix><resource> doesn't exist" when it does not. */
int auth_stmt_grant_resource_exists(struct auth_job *j, const struct auth_resource *res,
                                    const char *prefix);

#endif

/*
 * auth_stmt_list: LIST ROLES [OF r] [NORECURSIVE], LIST USERS and LIST PERMISSIONS (Cassandra
 * 4.1's ListRolesStatement, ListUsersStatement, ListPermissionsStatement) and their Rows:
 *
 *   LIST ROLES        system_auth.roles: role text, super boolean, login boolean,
 *                     options map<text, text> (always {}: CassandraRoleManager has no custom
 *                     options), datacenters text ("ALL": AllowAllNetworkAuthorizer)
 *   LIST USERS        system_auth.users: name text, super boolean (inherited superuser status
 *                     counts), datacenters text; only roles that can log in
 *   LIST PERMISSIONS  system_auth.permissions: role text, username text, resource text,
 *                     permission text, sorted by role, resource name, permission
 *
 * Who sees what: a user with DESCRIBE on <all roles> (every user with AllowAllAuthorizer, a
 * superuser with CassandraAuthorizer) lists any role; others only their own roles. An empty
 * answer is RESULT Void, as in Cassandra.
 * Thread rule: thread pool (see auth_stmt.h).
 */
#ifndef RINGDB_CQL_AUTH_STMT_LIST_H
#define RINGDB_CQL_AUTH_STMT_LIST_H

#include "node/cql/auth_stmt.h"

int auth_stmt_list_roles(struct auth_job *j); /* LIST ROLES and LIST USERS */
int auth_stmt_list_perms(struct auth_job *j);

#endif

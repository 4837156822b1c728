/*
 * auth_stmt_role: CREATE / ALTER / DROP ROLE and USER (Cassandra 4.1's CreateRoleStatement,
 * AlterRoleStatement, DropRoleStatement; the USER forms are Parser.g's: CREATE USER always
 * sets LOGIN = true and SUPERUSER (false unless written), ALTER USER sets only what is written,
 * user names keep their case). Options are checked against what CassandraRoleManager supports:
 * LOGIN and SUPERUSER always, PASSWORD and HASHED PASSWORD only with PasswordAuthenticator,
 * OPTIONS never ("org.apache.cassandra.auth.CassandraRoleManager doesn't support OPTIONS").
 * ACCESS TO DATACENTERS is accepted and not stored (AllowAllNetworkAuthorizer).
 * Thread rule: thread pool (see auth_stmt.h).
 */
#ifndef RINGDB_CQL_AUTH_STMT_ROLE_H
#define RINGDB_CQL_AUTH_STMT_ROLE_H

#include "node/cql/auth_stmt.h"

int auth_stmt_role_create(struct auth_job *j);
int auth_stmt_role_alter(struct auth_job *j);
int auth_stmt_role_drop(struct auth_job *j);

#endif

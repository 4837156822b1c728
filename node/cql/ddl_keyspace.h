/*
 * ddl_keyspace: CREATE / ALTER / DROP KEYSPACE (Cassandra's CreateKeyspaceStatement,
 * AlterKeyspaceStatement, DropKeyspaceStatement, KeyspaceAttributes). Replication maps are
 * parsed by ring/strategy.h with Cassandra's ConfigurationException messages; NetworkTopology
 * data centers must be known ones (Cassandra 4.1's recognizedOptions).
 * Thread rule: pure (see ddl.h).
 */
#ifndef RINGDB_CQL_DDL_KEYSPACE_H
#define RINGDB_CQL_DDL_KEYSPACE_H

#include "node/cql/ddl.h"

int ddl_keyspace_create(const struct ddl_ctx *ctx, const struct ast_keyspace_stmt *s,
                        struct ddl_plan *plan, struct errmsg *em);
int ddl_keyspace_alter(const struct ddl_ctx *ctx, const struct ast_keyspace_stmt *s,
                       struct ddl_plan *plan, struct errmsg *em);
int ddl_keyspace_drop(const struct ddl_ctx *ctx, const struct ast_keyspace_stmt *s,
                      struct ddl_plan *plan, struct errmsg *em);

#endif

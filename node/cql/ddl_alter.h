/*
 * ddl_alter: ALTER TABLE (Cassandra's AlterTableStatement): ADD columns, DROP columns (recorded
 * as dropped with their time, so their cells stay hidden), RENAME primary-key columns, WITH
 * options; ALTER ... TYPE is refused as in Cassandra 4. Thread rule: pure (see ddl.h).
 */
#ifndef RINGDB_CQL_DDL_ALTER_H
#define RINGDB_CQL_DDL_ALTER_H

#include "node/cql/ddl.h"

int ddl_alter_table(const struct ddl_ctx *ctx, const struct ast_alter *s, struct ddl_plan *plan,
                    struct errmsg *em);

#endif

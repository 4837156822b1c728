/*
 * ddl_type: CREATE / ALTER / DROP TYPE (Cassandra's CreateTypeStatement, AlterTypeStatement,
 * DropTypeStatement). A UDT is stored once in its keyspace; tables embed copies of the types
 * they use, so ALTER TYPE (ADD field, RENAME fields) rewrites every table and type of the
 * keyspace that mentions it. DROP TYPE refuses a type still used by a table or another type.
 * Thread rule: pure (see ddl.h).
 */
#ifndef RINGDB_CQL_DDL_TYPE_H
#define RINGDB_CQL_DDL_TYPE_H

#include "node/cql/ddl.h"

int ddl_type_create(const struct ddl_ctx *ctx, const struct ast_create_type *s,
                    struct ddl_plan *plan, struct errmsg *em);
int ddl_type_alter(const struct ddl_ctx *ctx, const struct ast_alter *s, struct ddl_plan *plan,
                   struct errmsg *em);
int ddl_type_drop(const struct ddl_ctx *ctx, const struct ast_drop *s, struct ddl_plan *plan,
                  struct errmsg *em);

#endif

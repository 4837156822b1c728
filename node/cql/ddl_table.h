/*
 * ddl_table: CREATE TABLE, DROP TABLE and TRUNCATE (Cassandra's CreateTableStatement,
 * DropTableStatement, TruncateStatement, TableAttributes), and the WITH-option handling that
 * ALTER TABLE ... WITH shares. Thread rule: pure (see ddl.h).
 */
#ifndef RINGDB_CQL_DDL_TABLE_H
#define RINGDB_CQL_DDL_TABLE_H

#include "node/cql/ddl.h"

int ddl_table_create(const struct ddl_ctx *ctx, const struct ast_create_table *s,
                     struct ddl_plan *plan, struct errmsg *em);
int ddl_table_drop(const struct ddl_ctx *ctx, const struct ast_drop *s, struct ddl_plan *plan,
                   struct errmsg *em);
int ddl_table_truncate(const struct ddl_ctx *ctx, const struct ast_qname *table,
                       struct ddl_plan *plan, struct errmsg *em);
/* Applies WITH properties to a table builder: every option table_schema_set_option knows;
   "id" only when creating (the id is stored in *id, which may be NULL otherwise). */
int ddl_table_apply_props(struct table_schema *s, const struct ast_props *props, bool creating,
                          struct errmsg *em);
/* A new catalog: base with s put in place of the table of the same name. */
struct catalog *ddl_table_swap(const struct catalog *base, struct table_schema *s);

#endif

/*
 * ddl_index: CREATE [CUSTOM] INDEX and DROP INDEX (Cassandra's CreateIndexStatement,
 * DropIndexStatement, IndexTarget). Indexes are metadata only: they are listed in
 * system_schema.indexes (kind COMPOSITES or CUSTOM, options with "target" as Cassandra writes
 * it: "c" or "values(c)", "keys(c)", "entries(c)", "full(c)"), survive restarts and show in
 * DESCRIBE, but no index data is built; the executor refuses queries that would need one.
 * Thread rule: pure (see ddl.h).
 */
#ifndef RINGDB_CQL_DDL_INDEX_H
#define RINGDB_CQL_DDL_INDEX_H

#include "node/cql/ddl.h"

int ddl_index_create(const struct ddl_ctx *ctx, const struct ast_create_index *s,
                     struct ddl_plan *plan, struct errmsg *em);
int ddl_index_drop(const struct ddl_ctx *ctx, const struct ast_drop *s, struct ddl_plan *plan,
                   struct errmsg *em);
/* The column an index target names ("values(\"Col\")" -> Col) into out; false if the target is
   not one of Cassandra's forms (a custom index's free-form target). */
bool ddl_index_target_column(const char *target, char *out, size_t cap);
/* Names (", "-joined into out) of the indexes of table ks.t that depend on column; false when
   none. */
bool ddl_index_dependents(const struct catalog_keyspace *ks, const char *table,
                          const char *column, char *out, size_t cap);

#endif

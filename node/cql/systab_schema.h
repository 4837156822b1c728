/*
 * systab_schema: the rows of system_schema.* (keyspaces, tables, columns, dropped_columns,
 * types, indexes; triggers, views, functions and aggregates are always empty) and of
 * system_virtual_schema.* (keyspaces, tables, columns of the virtual keyspaces), generated
 * from a catalog snapshot with the values SchemaKeyspace writes: replication with the full
 * class name, tables.flags {'compound'} (plus 'counter' for counter tables), columns with
 * kind/position/clustering_order ('asc', 'desc', 'none') and the type as CQL prints it.
 * Regular keyspaces appear in system_schema only, virtual ones in system_virtual_schema only.
 * Thread rule: pure generators over an immutable catalog.
 */
#ifndef RINGDB_CQL_SYSTAB_SCHEMA_H
#define RINGDB_CQL_SYSTAB_SCHEMA_H

#include "node/cql/systab_row.h"
#include "node/cql/vtable.h"

void systab_schema_gen_keyspaces(const struct vtable_ctx *ctx, struct systab_rows *rows);
void systab_schema_gen_tables(const struct vtable_ctx *ctx, struct systab_rows *rows);
void systab_schema_gen_columns(const struct vtable_ctx *ctx, struct systab_rows *rows);
void systab_schema_gen_dropped_columns(const struct vtable_ctx *ctx, struct systab_rows *rows);
void systab_schema_gen_types(const struct vtable_ctx *ctx, struct systab_rows *rows);
void systab_schema_gen_indexes(const struct vtable_ctx *ctx, struct systab_rows *rows);
void systab_schema_gen_virtual_keyspaces(const struct vtable_ctx *ctx, struct systab_rows *rows);
void systab_schema_gen_virtual_tables(const struct vtable_ctx *ctx, struct systab_rows *rows);
void systab_schema_gen_virtual_columns(const struct vtable_ctx *ctx, struct systab_rows *rows);

/* "partition_key", "clustering", "regular", "static" (system_schema.columns.kind). */
const char *systab_schema_kind_name(enum column_kind k);

#endif

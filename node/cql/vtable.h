/*
 * vtable: tables whose rows are computed, not stored: system.local, system.peers(_v2),
 * system_schema.*, system_virtual_schema.*, and the empty system_traces/system_distributed
 * tables drivers may read (Cassandra's virtual tables and SchemaKeyspace views).
 *
 * A virtual table has a real struct table_schema (Cassandra 4.1's exact columns) and a read
 * function that feeds a storage read visitor exactly as store_read does, so the SELECT engine
 * (projection, WHERE on key columns, filtering, paging, result metadata) is the same for
 * stored and virtual tables.
 */
#ifndef RINGDB_CQL_VTABLE_H
#define RINGDB_CQL_VTABLE_H

#include "node/base/err.h"
#include "node/cql/catalog.h"
#include "storage/store.h"

struct local_node;

/* What virtual tables read from: the catalog snapshot and the node's identity. */
struct vtable_ctx {
    const struct catalog *catalog;
    const struct local_node *local;
    int32_t now_s;
};

struct vtable {
    const char *keyspace;
    const char *name;
    struct table_schema *schema;
    int (*read)(const struct vtable *vt, const struct vtable_ctx *ctx, const struct read_cmd *cmd,
                const struct read_visitor *v, struct errmsg *em);
};

/* The virtual table ks.name, or NULL. */
const struct vtable *vtable_find(const char *keyspace, const char *name);

#endif

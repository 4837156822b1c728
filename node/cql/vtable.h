/*
 * vtable: tables whose rows are computed, not stored: system.local, system.peers(_v2),
 * system_schema.*, system_virtual_schema.*, and the empty system_traces/system_distributed
 * tables drivers may read (Cassandra's virtual tables and SchemaKeyspace views).
 *
 * A virtual table has a real struct table_schema (Cassandra 4.1's exact columns) and a read
 * function that feeds a storage read visitor exactly as store_read does, so the SELECT engine
 * (projection, WHERE on key columns, filtering, paging, result metadata) is the same for
 * stored and virtual tables.
 *
 * Rows are generated into a scratch memtable and read back through the store's own read path
 * (storage/store_read.h over a one-memtable view), so slices, reverse order, paging resume and
 * static rows behave exactly as for stored tables. Tables whose rows depend only on the catalog
 * snapshot and the local node (system.local, system_schema.*, system_virtual_schema.*) keep the
 * memtable of the last catalog they were generated for.
 * Threads: vtable_find and read may be called from any thread concurrently (reads block on
 * nothing but a short cache mutex).
 */
#ifndef RINGDB_CQL_VTABLE_H
#define RINGDB_CQL_VTABLE_H

#include "node/base/err.h"
#include "node/cql/catalog.h"
#include "storage/store.h"

struct local_node;
struct systab_rows;

/* A peer as system.peers / system.peers_v2 show it (filled by the cluster layer). */
struct vtable_peer {
    char peer[RING_ADDR_MAX];           /* broadcast (listen) address */
    uint16_t peer_port;                 /* storage port */
    char native_address[RING_ADDR_MAX]; /* broadcast_rpc_address */
    uint16_t native_port;
    char dc[RING_NAME_MAX];
    char rack[RING_NAME_MAX];
    struct uuid host_id;
    const char *release_version;       /* NULL: unknown */
    bool has_schema_version;
    struct uuid schema_version;
    uint32_t ntokens;
    const int64_t *tokens;
};

/* What virtual tables read from: the catalog snapshot and the node's identity. */
struct vtable_ctx {
    const struct catalog *catalog;
    const struct local_node *local;
    int32_t now_s;
    const struct vtable_peer *peers; /* the other nodes (NULL/0 on a single node) */
    uint32_t npeers;
};

struct vtable {
    const char *keyspace;
    const char *name;
    struct table_schema *schema;
    int (*read)(const struct vtable *vt, const struct vtable_ctx *ctx, const struct read_cmd *cmd,
                const struct read_visitor *v, struct errmsg *em);
    /* Private: emits every row of the table (vtable.c calls it). */
    void (*gen)(const struct vtable_ctx *ctx, struct systab_rows *rows);
    bool from_catalog; /* rows depend only on the catalog and the local node: cacheable */
};

/* The virtual table ks.name, or NULL. Any thread. */
const struct vtable *vtable_find(const char *keyspace, const char *name);
/* Drops the per-table caches of generated rows (tests; optional at shutdown). */
void vtable_cache_clear(void);

#endif

/*
 * catalog: the schema of every keyspace as one immutable snapshot (Cassandra's Schema +
 * KeyspaceMetadata): keyspaces with their replication, tables (storage's struct table_schema),
 * user-defined types and index definitions, plus the deterministic schema_version digest that
 * system.local reports and drivers compare for schema agreement.
 *
 * A struct catalog never changes once published. A schema change (node/cql/schema_mgr.h)
 * builds a new catalog, persists it, publishes it atomically and releases the old one when its
 * last reader drops it. Readers (the executor, system tables, DESCRIBE, on any thread) take a
 * reference for the duration of one request.
 *
 * The system keyspaces (system, system_schema, system_auth, system_traces,
 * system_distributed) describe themselves here as Cassandra 4.1 defines them; the virtual ones
 * (system_views, system_virtual_schema) are flagged is_virtual.
 */
#ifndef RINGDB_CQL_CATALOG_H
#define RINGDB_CQL_CATALOG_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "node/base/arena.h"
#include "node/base/uuid.h"
#include "ring/strategy.h"
#include "storage/schema.h"
#include "storage/types.h"

struct catalog_index {
    const char *table;
    const char *name;
    const char *kind;         /* "COMPOSITES" | "KEYS" | "CUSTOM" */
    struct str_map options;   /* holds "target" (and "class_name" for CUSTOM) */
};

struct catalog_keyspace {
    const char *name;
    bool durable_writes;
    bool is_system;  /* may not be altered or dropped by users (system_auth/_distributed/_traces
                        may be ALTERed, as in Cassandra) */
    bool is_virtual;
    struct strategy strategy;   /* parsed replication */
    struct str_map replication; /* as system_schema.keyspaces.replication shows it */
    uint32_t ntables;
    uint32_t ntypes;
    uint32_t nindexes;
    struct table_schema *const *tables; /* sorted by name; the catalog holds a reference */
    const struct cql_type *const *types; /* UDTs sorted by name */
    const struct catalog_index *indexes;
};

struct catalog {
    atomic_int refs;
    struct arena arena;
    uint32_t nkeyspaces;
    const struct catalog_keyspace *keyspaces; /* sorted by name */
    struct uuid version; /* schema_version: MD5-based (name-based v3) UUID of the content */
};

struct catalog *catalog_ref(struct catalog *c);
void catalog_unref(struct catalog *c);

const struct catalog_keyspace *catalog_keyspace(const struct catalog *c, const char *name);
/* The table, or NULL; the pointer is valid while the caller holds c. */
struct table_schema *catalog_table(const struct catalog *c, const char *keyspace, const char *name);
struct table_schema *catalog_table_by_id(const struct catalog *c, const struct uuid *id);
const struct cql_type *catalog_type(const struct catalog *c, const char *keyspace,
                                    const char *name);

#endif

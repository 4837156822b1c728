/*
 * syskeyspaces: the system keyspaces exactly as Cassandra 4.1 defines them (SystemKeyspace,
 * SchemaKeyspace, AuthKeyspace, SystemDistributedKeyspace, TraceKeyspace, SystemViewsKeyspace,
 * VirtualSchemaKeyspace): their replication, every table with its columns, types, primary key,
 * comment and the options Cassandra sets (gc_grace_seconds, memtable_flush_period_in_ms,
 * default_time_to_live), and table ids as TableId.forSystemTable computes them
 * (UUID.nameUUIDFromBytes(keyspace bytes + table bytes)).
 *
 * Two kinds of system tables:
 *  - computed ("virtual" here, whether Cassandra stores them or not): system.local, system.peers,
 *    system.peers_v2, every system_schema table, and the virtual keyspaces system_views and
 *    system_virtual_schema. Their rows come from node/cql/vtable.h; the store never sees them.
 *  - stored: every other system table (system.paxos, system.batches ..., system_auth.*,
 *    system_distributed.*, system_traces.*). They are registered with the store like user
 *    tables and start empty.
 *
 * The table schemas are built once per process (thread-safe) and shared read-only.
 */
#ifndef RINGDB_CQL_SYSKEYSPACES_H
#define RINGDB_CQL_SYSKEYSPACES_H

#include <stdbool.h>

#include "node/base/uuid.h"
#include "node/cql/catalog.h"
#include "storage/schema.h"

/* Adds every system keyspace with its tables to e (replacing what e had under those names). */
void syskeyspaces_add(struct catalog_edit *e);
/* The definition of system table ks.name, or NULL if it is not one. Borrowed: valid for the
   life of the process. */
struct table_schema *syskeyspaces_table(const char *keyspace, const char *name);
/* True for a computed table (see above); false for stored and unknown tables. */
bool syskeyspaces_is_computed(const char *keyspace, const char *name);
/* Java's UUID.nameUUIDFromBytes over keyspace + table bytes (TableId.forSystemTable). */
void syskeyspaces_table_id(const char *keyspace, const char *table, struct uuid *out);
/* The comment of a system table ("information about the local node"), or "". */
const char *syskeyspaces_comment(const char *keyspace, const char *name);

#endif

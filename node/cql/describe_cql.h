/*
 * describe_cql: the create_statement texts DESCRIBE returns, exactly as Cassandra 4.1's
 * SchemaElement.toCqlString prints them (KeyspaceMetadata, TableMetadata via storage's
 * table_schema_format_cql, UserType, IndexMetadata), including the commented-out
 * "VIRTUAL KEYSPACE/TABLE" forms for virtual keyspaces and the WITH INTERNALS extras (table id,
 * dropped columns as ALTER TABLE ... DROP ... USING TIMESTAMP). Replaying the statements of a
 * keyspace recreates it. Pure; appends to a struct buf.
 */
#ifndef RINGDB_CQL_DESCRIBE_CQL_H
#define RINGDB_CQL_DESCRIBE_CQL_H

#include <stdbool.h>

#include "node/base/buf.h"
#include "node/cql/catalog.h"

void describe_cql_keyspace(const struct catalog_keyspace *ks, struct buf *out);
void describe_cql_table(const struct catalog_keyspace *ks, const struct table_schema *s,
                        bool with_internals, struct buf *out);
void describe_cql_type(const struct cql_type *t, struct buf *out);
void describe_cql_index(const struct catalog_keyspace *ks, const struct catalog_index *ix,
                        struct buf *out);
/* The replication map as CQL: {'class': 'SimpleStrategy', 'replication_factor': '3'}. */
void describe_cql_replication(const struct strategy *s, struct buf *out);

#endif

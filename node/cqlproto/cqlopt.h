/*
 * cqlopt: column types as protocol [option]s (v4 §4.2.5.2): a [short] id, equal to
 * enum cql_type_id (storage/types.h), followed for parameterised types by
 *   0x0000 Custom  [string] Java class name
 *   0x0020 List / 0x0022 Set  [option] element
 *   0x0021 Map     [option] key, [option] value
 *   0x0030 UDT     [string] keyspace, [string] name, [short] n, n x ([string] field, [option])
 *   0x0031 Tuple   [short] n, n x [option]
 *
 * Encoding matches what Cassandra 4.1 sends per protocol version: types newer than the
 * connection's version go out as Custom with their marshal class, as Cassandra's DataType does
 * (v4: duration -> org.apache.cassandra.db.marshal.DurationType; v3 also date, time, smallint,
 * tinyint -> SimpleDateType, TimeType, ShortType, ByteType). Decoding maps those class names
 * back to the native ids, so a client sees the same struct cql_type the server encoded.
 *
 * Decoded types are allocated in a caller arena (natives are storage's singletons); nesting is
 * limited to CQL_TYPE_DEPTH_MAX and field counts to CQL_TYPE_FIELDS_MAX and to the bytes left.
 * Frozen-ness is not on the wire: a decoded top-level collection or UDT is not frozen, nested
 * ones and tuples are.
 * Pure. Thread rule: none.
 */
#ifndef RINGDB_CQLPROTO_CQLOPT_H
#define RINGDB_CQLPROTO_CQLOPT_H

#include "node/base/arena.h"
#include "node/base/buf.h"
#include "storage/types.h"

/* Appends t as an [option] for protocol version (3 or 4). t must be a well-formed type. */
void cqlopt_put(struct buf *b, const struct cql_type *t, int version);
/* Reads an [option]: 0, or ERR_PROTOCOL (truncated, unknown id, too deep, too many fields). */
int cqlopt_get(struct rbuf *r, struct arena *a, const struct cql_type **out);

#endif

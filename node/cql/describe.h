/*
 * describe: server-side DESCRIBE (Cassandra 4.x's DescribeStatement), which cqlsh 4.1 and 5.0
 * send as a plain QUERY. The answer is a ROWS result of table system.describe with columns
 * keyspace_name, type, name (listings: KEYSPACES, TABLES, TYPES, FUNCTIONS, AGGREGATES) plus
 * create_statement (elements: KEYSPACE, TABLE, INDEX, TYPE, [FULL] SCHEMA, a generic name), or
 * for CLUSTER the columns cluster, partitioner, snitch and, when a non-system keyspace is in
 * use, range_ownership map<text, list<text>>. Names are quoted as Cassandra quotes them.
 *
 * Paging as Cassandra: rows are cut at page_size and the paging state (version 1, the schema
 * version, the next row offset) makes the next page start there; a schema change between
 * pages fails with Cassandra's "The schema has changed since the previous page ..." message.
 *
 * Thread rule: pure over an immutable catalog; any thread.
 */
#ifndef RINGDB_CQL_DESCRIBE_H
#define RINGDB_CQL_DESCRIBE_H

#include <stddef.h>
#include <stdint.h>

#include "node/base/buf.h"
#include "node/base/err.h"
#include "node/cql/ast.h"
#include "node/cql/catalog.h"

struct local_node;
struct token_map;

struct describe_req {
    const struct ast_describe *d;
    const char *session_keyspace; /* NULL or "" when no USE */
    int version;                  /* protocol version (3 or 4) */
    int32_t page_size;            /* <= 0: every row in one page */
    const uint8_t *paging_state;  /* from the request; NULL on the first page */
    size_t paging_state_len;
    const struct local_node *local; /* cluster name, snitch, tokens (DESCRIBE CLUSTER) */
    const struct token_map *ring;   /* NULL: the local node owns every range */
};

/* Appends the RESULT body (kind Rows, metadata, rows) for q to out. Errors (Invalid, with
   Cassandra's messages) leave out unchanged. */
int describe_execute(const struct catalog *c, const struct describe_req *q, struct buf *out,
                     struct errmsg *em);

#endif

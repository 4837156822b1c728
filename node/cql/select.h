/*
 * select: the SELECT statement (Cassandra's SelectStatement): analysis (selection, WHERE,
 * ORDER BY, DISTINCT, LIMIT / PER PARTITION LIMIT, ALLOW FILTERING rules) and execution over
 * stored tables through the coordinator or over virtual tables through vtable->read, with the
 * same read visitor: rows are filtered, counted and encoded straight into the Rows body
 * (cqlrows writer), pages are cut at page_size rows and resumed from a self-contained paging
 * state (paging.h).
 *
 * Partition order: a key range is read in token order; an IN on the partition key reads its
 * keys in key value order (sorted and deduplicated, as Cassandra's MultiCBuilder), each key
 * being one read command. A partition with a live static row but no live row gives one row
 * with null clustering and regular columns when the query selects a static column and does
 * not restrict clustering or regular columns (Cassandra's
 * returnStaticContentOnPartitionWithNoRows, CASSANDRA-16686).
 *
 * Thread rule: analysis on any thread; the visitor runs on the coordinator's worker thread
 * (stored tables) or the loop (virtual tables); completion on the request's loop.
 */
#ifndef RINGDB_CQL_SELECT_H
#define RINGDB_CQL_SELECT_H

#include <stdbool.h>

#include "node/cql/restrict.h"
#include "node/cql/selection.h"
#include "node/cql/stmt.h"

/* A page is also cut once its rows take this many bytes (a paging state is returned). */
#define SELECT_PAGE_BYTES_SOFT (4u << 20)
/* Rows one unpaged result may hold before it is refused (native frames are 256 MiB at most). */
#define SELECT_UNPAGED_BYTES_MAX (200u << 20)

struct select_plan {
    const struct ast_select *ast;
    struct selection *sel;
    struct restrict_plan *where;
    bool reversed;        /* ORDER BY against the clustering order */
    bool post_order;      /* ORDER BY with IN on the partition key: rows merged afterwards */
    uint16_t ngroup;      /* GROUP BY: the first ngroup primary key columns (0: none) */
    bool static_read;     /* DISTINCT: one row per partition */
    bool full_partitions; /* static-only partitions are rows (see select.c) */
    struct bind_recv limit_recv, pp_limit_recv;
};

int select_prepare(struct bind_env *env, const struct catalog *c, const char *keyspace,
                   const struct ast_stmt *ast, struct stmt *st, struct errmsg *em);
void select_execute(struct stmt_run *run);

#endif

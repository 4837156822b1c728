/*
 * select_order: Cassandra's post-query ordering (SelectStatement.orderResults): with ORDER BY
 * and an IN on the partition key, the rows of every partition are merged in the requested
 * clustering order, then LIMIT applies. Rows are written to the Rows body as they come; this
 * remembers where each one is and its clustering, then reorders the encoded rows in place
 * (stable: rows with equal clusterings keep partition order) and drops those beyond LIMIT.
 * Cassandra refuses to page such a query; so does the SELECT engine, so every row is in one
 * response. Thread rule: one request.
 */
#ifndef RINGDB_CQL_SELECT_ORDER_H
#define RINGDB_CQL_SELECT_ORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "node/base/arena.h"
#include "node/cqlproto/cqlrows.h"
#include "storage/schema.h"

struct select_order_row {
    size_t off, len;   /* the encoded row in the body */
    const uint8_t *ck; /* its clustering (in the arena) */
    uint32_t ck_len;
    uint32_t seq;
};

struct select_order {
    struct arena *arena;
    uint32_t n, cap;
    struct select_order_row *rows;
};

void select_order_init(struct select_order *o, struct arena *a);
/* Remembers the row just written at [off, off + len) with clustering ck (copied). */
void select_order_note(struct select_order *o, size_t off, size_t len, const uint8_t *ck,
                       uint32_t ck_len);
/* Reorders the rows of w (all noted, in the order written) and keeps the first limit. */
void select_order_apply(struct select_order *o, const struct table_schema *t, bool reversed,
                        struct cqlrows_writer *w, int64_t limit);

#endif

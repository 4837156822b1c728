/*
 * dml_build: collects the writes of one statement or one batch into partition updates
 * (Cassandra's PartitionUpdate builders, merged per partition as a batch does), then hands
 * them out sorted and checked the way storage wants them: rows in clustering order, cells by
 * (column id, path), complex deletions by column. Writing the same cell twice keeps the one
 * Cassandra's reconciliation keeps (cell_reconcile).
 *
 * Memory: everything lives in the builder's arena (the request's). Lookups are linear scans:
 * a statement touches few partitions and rows; a big batch is bounded by DML_BUILD_ROWS_MAX.
 * Thread rule: one thread.
 */
#ifndef RINGDB_CQL_DML_BUILD_H
#define RINGDB_CQL_DML_BUILD_H

#include <stdbool.h>
#include <stdint.h>

#include "node/base/arena.h"
#include "node/base/err.h"
#include "storage/mutation.h"
#include "storage/row.h"
#include "storage/schema.h"

#define DML_BUILD_ROWS_MAX (1u << 20) /* rows one builder may collect (all partitions) */

struct dml_row {
    struct row r;
    uint32_t cells_cap;
    uint16_t complex_cap;
};

struct dml_part {
    const struct table_schema *t;
    struct partition_update u;
    struct dml_row *static_row;
    uint32_t rows_cap, rts_cap;
    struct dml_row *rows; /* unsorted until finish */
};

struct dml_build {
    struct arena *arena;
    uint32_t nparts, parts_cap;
    struct dml_part **parts;
    uint32_t total_rows;
};

void dml_build_init(struct dml_build *b, struct arena *a);
/* The partition (created with no deletion if new). key is copied. */
struct dml_part *dml_build_part(struct dml_build *b, const struct table_schema *t,
                                const uint8_t *key, uint32_t key_len, int64_t token);
/* The row at clustering ck (copied), or the static row. NULL if the row limit is reached. */
struct dml_row *dml_build_row(struct dml_build *b, struct dml_part *p, const uint8_t *ck,
                              uint32_t ck_len);
struct dml_row *dml_build_static(struct dml_build *b, struct dml_part *p);
/* Adds a cell (path and value copied); an existing cell at the same position is reconciled. */
void dml_build_cell(struct dml_build *b, struct dml_row *r, const struct cell *c);
/* Deletes every element of a multi-cell column with ts <= del.ts_us. */
void dml_build_complex_del(struct dml_build *b, struct dml_row *r, uint16_t col,
                           struct deletion del);
void dml_build_row_del(struct dml_row *r, struct deletion del);
void dml_build_liveness(struct dml_row *r, struct liveness l);
void dml_build_partition_del(struct dml_part *p, struct deletion del);
void dml_build_range_del(struct dml_build *b, struct dml_part *p, const struct slice *s,
                         struct deletion del);
/* Sorts everything and returns the updates (in the arena). ERR_LIMIT if too many rows. */
int dml_build_finish(struct dml_build *b, struct partition_update **out, uint32_t *n,
                     struct errmsg *em);

#endif

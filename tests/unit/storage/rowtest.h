/*
 * rowtest: builders shared by the storage row/memtable/merge/store tests: a small test schema,
 * int clusterings, cells and rows allocated in a test arena.
 *
 * The schema "ks.t": k blob (partition key), c0..c(nck-1) int (clustering, DESC per flag),
 * then regular v int, w text, tags set<int>, and static s int. Column ids follow that order.
 */
#ifndef RINGDB_TESTS_STORAGE_ROWTEST_H
#define RINGDB_TESTS_STORAGE_ROWTEST_H

#include <stdbool.h>
#include <stdint.h>

#include "node/base/arena.h"
#include "storage/mutation.h"
#include "storage/row.h"
#include "storage/schema.h"

struct rowtest_cols {
    uint16_t v, w, tags, s;
};

/* desc: nck flags or NULL (all ASC). */
struct table_schema *rowtest_schema(int nck, const bool *desc, struct rowtest_cols *cols);

/* An encoded clustering of n ints, in a. */
const uint8_t *rowtest_ck(struct arena *a, uint32_t *len, int n, ...);
/* A 4-byte big-endian int in a. */
const uint8_t *rowtest_int(struct arena *a, int32_t v);
int32_t rowtest_int_value(const uint8_t *p);

struct cell rowtest_cell(uint16_t col, int64_t ts, const uint8_t *v, uint32_t len);
struct cell rowtest_cell_int(struct arena *a, uint16_t col, int64_t ts, int32_t v);
struct cell rowtest_tombstone(uint16_t col, int64_t ts, int32_t ldt);
struct cell rowtest_expiring(struct arena *a, uint16_t col, int64_t ts, int32_t v, int32_t ttl,
                             int32_t expiry);

/* A row at ck with cells copied into a (caller keeps them sorted). */
struct row rowtest_row(struct arena *a, const uint8_t *ck, uint32_t ck_len, struct liveness l,
                       const struct cell *cells, uint32_t n);

/* A partition update for key (text bytes) of schema s with rows copied into a. */
struct partition_update rowtest_update(struct arena *a, const struct table_schema *s,
                                       const char *key, const struct row *rows, uint32_t n);

struct cbound rowtest_bound(struct arena *a, uint8_t kind, int n, ...);

/* A fresh directory under $TMPDIR (or /tmp), malloc'd; rowtest_rmtree removes it and frees. */
char *rowtest_mkdtemp(const char *tag);
void rowtest_rmtree(char *dir);

#endif

/*
 * systab_row: builds the rows of a computed system table (system.local, system_schema.* ...)
 * into a scratch memtable, one row at a time, so the ordinary read path (merge, slices,
 * paging) serves them exactly like stored rows.
 *
 * Usage per row: systab_row_begin(partition key, clustering values), then one call per cell
 * (by column name; a NULL/absent value writes no cell, i.e. null), then systab_row_end, which
 * applies the row to the memtable as a one-row partition update. Every row carries a
 * primary-key liveness (timestamp 0), so a row exists even when all its cells are null.
 * When the read asks for one partition, rows of other partitions are dropped cheaply:
 * generators may also ask systab_row_wants() before building a whole partition.
 *
 * Values are CQL serialized bytes. Thread rule: one thread; a builder lives for one read.
 */
#ifndef RINGDB_CQL_SYSTAB_ROW_H
#define RINGDB_CQL_SYSTAB_ROW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "node/base/arena.h"
#include "node/base/buf.h"
#include "node/base/uuid.h"
#include "storage/memtable.h"
#include "storage/schema.h"

#define SYSTAB_ROW_CELLS_MAX 4096

/* One serialized value (a key component). */
struct systab_val {
    const void *p;
    size_t len;
};

struct systab_rows {
    const struct table_schema *schema;
    struct memtable *mem;
    const uint8_t *only_key; /* single-partition read: its key, else NULL */
    uint32_t only_key_len;
    struct arena arena; /* the current row's bytes; reset per row */
    struct buf key, ck;
    bool skip;          /* the current row belongs to another partition */
    struct cell *cells;
    uint32_t ncells, cells_cap;
    uint32_t nrows;     /* rows applied */
};

/* mem receives the rows (the caller keeps its reference); only_key NULL = every partition. */
void systab_rows_init(struct systab_rows *r, const struct table_schema *s, struct memtable *mem,
                      const uint8_t *only_key, uint32_t only_key_len);
void systab_rows_deinit(struct systab_rows *r);

/* True when partition key pk (its column values, in order) is wanted by the read. */
bool systab_row_wants(struct systab_rows *r, const struct systab_val *pk, uint32_t npk);
void systab_row_begin(struct systab_rows *r, const struct systab_val *pk, uint32_t npk,
                      const struct systab_val *ck, uint32_t nck);
void systab_row_end(struct systab_rows *r);

/* Cells of the current row, by column name (the column must exist: ASSERT). */
void systab_row_bytes(struct systab_rows *r, const char *col, const void *v, size_t len);
void systab_row_text(struct systab_rows *r, const char *col, const char *v); /* NULL: none */
void systab_row_int(struct systab_rows *r, const char *col, int32_t v);
void systab_row_bigint(struct systab_rows *r, const char *col, int64_t v);
void systab_row_bool(struct systab_rows *r, const char *col, bool v);
void systab_row_double(struct systab_rows *r, const char *col, double v);
void systab_row_uuid(struct systab_rows *r, const char *col, const struct uuid *v);
/* An inet from its text form ("127.0.0.1", "::1"); an unparsable address writes no cell. */
void systab_row_inet(struct systab_rows *r, const char *col, const char *addr);
/* One element of a non-frozen set (cell path = the element, empty value). */
void systab_row_set_elem(struct systab_rows *r, const char *col, const void *e, size_t len);

/* Serialized values for frozen collections. A text map also serves map<text, blob>
   (extensions), whose str_map values are the raw bytes. */
void systab_val_text_map(struct buf *out, const struct str_map *m);
void systab_val_text_list(struct buf *out, const char *const *items, uint32_t n);
void systab_val_text_set(struct buf *out, const char *const *items, uint32_t n); /* sorted */

/* A text value for a key component. */
static inline struct systab_val systab_text(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return (struct systab_val){s, n};
}

#endif

/*
 * cqlrows: result metadata, the Rows result (v4 §4.2.5.2) and prepared-statement metadata
 * (§4.2.5.4), both ways.
 *
 * Rows body after the [int] kind 0x0002:
 *   <flags int><columns_count int>[<paging_state bytes> if 0x0002]
 *   [<keyspace string><table string> if 0x0001]
 *   columns_count x ([<keyspace string><table string> unless 0x0001]<name string><type option>)
 *     (no global spec and no column specs at all if 0x0004 No_metadata)
 *   <rows_count int> rows_count x columns_count x [bytes]
 * Prepared bind metadata (v4) has <pk_count int> pk_count x <pk_index short> after
 * columns_count and never a paging state; in v3 it is laid out like Rows metadata.
 *
 * Encoding: the global table spec is used when every column has the same keyspace and table
 * (as Cassandra does); No_metadata comes from the caller (EXECUTE with Skip_metadata).
 * The rows writer streams cells straight into the response buffer (no row structs): begin
 * writes the kind, metadata and a placeholder row count; cells go in row-major order; finish
 * patches the count and, if the page was cut short, inserts the paging state and its flag
 * after columns_count (moving the rows once), because the executor learns that there are more
 * pages only after it has written the page.
 *
 * Decoding (client side) points names and cells into the frame body; arrays go in an arena.
 * Counts are checked against the bytes remaining before anything is allocated.
 * Pure. Thread rule: none.
 */
#ifndef RINGDB_CQLPROTO_CQLROWS_H
#define RINGDB_CQLPROTO_CQLROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "node/base/arena.h"
#include "node/base/buf.h"
#include "node/cqlproto/cqlwire.h"
#include "storage/types.h"

enum cqlrows_flag {
    CQLROWS_GLOBAL_TABLES_SPEC = 0x0001,
    CQLROWS_HAS_MORE_PAGES = 0x0002,
    CQLROWS_NO_METADATA = 0x0004,
};

/* Columns in one result or bind-variable list; pk indexes in one prepared statement. */
#define CQLROWS_COLUMNS_MAX 65535

struct cqlrows_col {
    struct cqlwire_str keyspace;
    struct cqlwire_str table;
    struct cqlwire_str name;
    const struct cql_type *type;
};

struct cqlrows_meta {
    /* Encoding reads CQLROWS_NO_METADATA and CQLROWS_HAS_MORE_PAGES (Global_tables_spec is
     * derived); decoding gives the flags as sent. A zeroed struct means "no flags". */
    int32_t flags;
    int32_t ncols;
    const struct cqlrows_col *cols; /* ncols specs; NULL with No_metadata */
    struct cqlwire_value paging_state; /* only with CQLROWS_HAS_MORE_PAGES */
    /* Prepared bind metadata only (v4): bind-marker index of each partition key column. */
    int32_t npk;
    const uint16_t *pk_indexes;
};

/* Appends metadata: Rows form (is_bind false) or prepared bind-variable form (is_bind true). */
void cqlrows_meta_put(struct buf *b, const struct cqlrows_meta *m, bool is_bind, int version);
/* Reads metadata of either form: 0 or ERR_PROTOCOL. */
int cqlrows_meta_get(struct rbuf *r, struct arena *a, bool is_bind, int version,
                     struct cqlrows_meta *out);

/* ---- server side: the Rows writer ---- */

struct cqlrows_writer {
    struct buf *b;
    size_t flags_pos;  /* offset of the metadata flags */
    size_t paging_pos; /* where a late paging state goes (after columns_count) */
    size_t count_pos;  /* offset of rows_count */
    size_t row_pos;    /* offset of the current row's first cell */
    int32_t ncols;
    int32_t nrows;
    int32_t cell; /* cells written in the current row */
    bool has_paging;
    bool finished;
};

/* Writes [int] kind Rows, the metadata (a paging state may be given here already with
 * CQLROWS_HAS_MORE_PAGES) and a placeholder row count. b must outlive the writer. */
void cqlrows_begin(struct cqlrows_writer *w, struct buf *b, const struct cqlrows_meta *m,
                   int version);
void cqlrows_cell(struct cqlrows_writer *w, const void *p, size_t len);
void cqlrows_cell_null(struct cqlrows_writer *w);
/* A [bytes] value from a struct (len CQLWIRE_NULL writes null). */
void cqlrows_cell_value(struct cqlrows_writer *w, struct cqlwire_value v);
/* Removes the cells of the current, incomplete row. */
void cqlrows_row_abort(struct cqlrows_writer *w);
int32_t cqlrows_count(const struct cqlrows_writer *w);
/* Bytes the result occupies in b so far (to cut a page by size). */
size_t cqlrows_bytes(const struct cqlrows_writer *w);
/*
 * Patches the row count. paging_state (len bytes) non-NULL adds Has_more_pages and the state
 * (only if begin had none). Every row must be complete (ASSERT).
 */
void cqlrows_finish(struct cqlrows_writer *w, const uint8_t *paging_state, size_t len);

/* ---- client side ---- */

struct cqlrows {
    struct cqlrows_meta meta;
    int32_t nrows;
    const struct cqlwire_value *cells; /* nrows x meta.ncols, row-major; NULL if none */
};

/* Reads a Rows result after its [int] kind. 0 or ERR_PROTOCOL. */
int cqlrows_get(struct rbuf *r, struct arena *a, int version, struct cqlrows *out);
static inline const struct cqlwire_value *cqlrows_at(const struct cqlrows *rows, int32_t row,
                                                     int32_t col)
{
    return &rows->cells[(size_t)row * (size_t)rows->meta.ncols + (size_t)col];
}

#endif

/*
 * row: Cassandra's data model under CQL (the 3.0+ storage engine's Row/Cell/DeletionTime),
 * as plain value structs, and the rules that reconcile them.
 *
 *   partition  = partition deletion + static row + range tombstones + rows in clustering order
 *   row        = clustering + primary-key liveness + row deletion + complex deletions + cells
 *   cell       = column id (+ path for an element of a non-frozen collection/UDT) + timestamp
 *                + optional TTL + value, or a tombstone
 *
 * Clustering encoding: a clustering (or a prefix of one) is the concatenation, per component,
 * of <u16 big-endian length><bytes>. A table without clustering columns has the empty
 * clustering (length 0). The static row has the empty clustering and ROW_STATIC.
 *
 * Time: write timestamps are microseconds (ts_us); local deletion times ("ldt") and expiry are
 * seconds since the epoch; `now_s` is always passed in, never read here (pure module).
 *
 * Memory: every pointer inside these structs is borrowed; whoever built them owns the memory
 * (a memtable arena, a request arena, a decoded SSTable block). The structs themselves are
 * small values copied freely.
 */
#ifndef RINGDB_STORAGE_ROW_H
#define RINGDB_STORAGE_ROW_H

#include <stdbool.h>
#include <stdint.h>

#include "node/base/buf.h"
#include "node/base/err.h"
#include "storage/schema.h"

#define TS_NONE INT64_MIN   /* "no timestamp": empty liveness, live deletion */
#define LDT_NONE INT32_MAX  /* local deletion time of what never expires or is not deleted */
#define CLUSTERING_COMPONENT_MAX 0xFFFF

/* Cassandra's DeletionTime. LIVE = {TS_NONE, LDT_NONE}. */
struct deletion {
    int64_t ts_us; /* markedForDeleteAt: deletes everything with ts_us <= this */
    int32_t ldt_s; /* localDeletionTime: when it was deleted (for gc_grace) */
};
#define DELETION_LIVE ((struct deletion){TS_NONE, LDT_NONE})

static inline bool deletion_is_live(struct deletion d)
{
    return d.ts_us == TS_NONE;
}
/* a supersedes b: larger timestamp, ties broken by larger ldt (Cassandra). */
bool deletion_supersedes(struct deletion a, struct deletion b);
static inline bool deletion_deletes(struct deletion d, int64_t ts_us)
{
    return !deletion_is_live(d) && ts_us <= d.ts_us;
}

/* Primary-key liveness (the "row marker" written by INSERT). Empty: ts_us == TS_NONE. */
struct liveness {
    int64_t ts_us;
    int32_t ttl_s; /* 0: does not expire */
    int32_t ldt_s; /* expiry time when ttl_s > 0, else LDT_NONE */
};
#define LIVENESS_EMPTY ((struct liveness){TS_NONE, 0, LDT_NONE})

static inline bool liveness_is_empty(struct liveness l)
{
    return l.ts_us == TS_NONE;
}
bool liveness_is_live(struct liveness l, int32_t now_s);
bool liveness_supersedes(struct liveness a, struct liveness b);

enum cell_flags {
    CELL_TOMBSTONE = 1, /* deleted; value empty; ldt_s = deletion time */
    CELL_EXPIRING = 2,  /* has a TTL; ldt_s = expiry time */
};

struct cell {
    uint16_t col;     /* column id (struct column_def.id) */
    uint8_t flags;    /* enum cell_flags */
    int64_t ts_us;
    int32_t ttl_s;    /* CELL_EXPIRING only */
    int32_t ldt_s;    /* tombstone: deletion time; expiring: expiry time; else LDT_NONE */
    uint32_t path_len; /* element key of a multi-cell column; 0 for simple columns */
    uint32_t value_len;
    const uint8_t *path;
    const uint8_t *value;
};

bool cell_is_live(const struct cell *c, int32_t now_s);
/*
 * Cassandra 4.1's Cells.reconcile for two versions of the same cell: the higher timestamp wins;
 * on equal timestamps an expiring-or-tombstone cell beats a regular one, a tombstone beats an
 * expiring cell, two tombstones (or two expiring cells) pick the larger ldt, and finally the
 * larger value (unsigned bytes) wins. Returns the winner (a or b).
 */
const struct cell *cell_reconcile(const struct cell *a, const struct cell *b);
/* Orders cells within a row: by column id, then path (unsigned bytes; the column's
   element-type order is applied by the caller that builds collections). */
int cell_cmp_position(const struct cell *a, const struct cell *b);

/* A collection tombstone: deletes the elements of column col with ts <= del.ts_us. */
struct complex_del {
    uint16_t col;
    struct deletion del;
};

enum row_flags {
    ROW_STATIC = 1,
};

struct row {
    const uint8_t *ck;  /* encoded clustering */
    uint32_t ck_len;
    uint8_t flags;      /* enum row_flags */
    struct liveness liveness;
    struct deletion deletion;
    uint16_t ncomplex;
    uint32_t ncells;
    struct complex_del *complex; /* sorted by col */
    struct cell *cells;          /* sorted by cell_cmp_position, unique positions */
};

/* A row is live at now_s if its liveness is live or any cell is live (after deletions). */
bool row_has_live_data(const struct row *r, int32_t now_s);

/* Kinds of clustering bounds (Cassandra's ClusteringPrefix.Kind for bounds). */
enum bound_kind {
    BOUND_INCL_START = 0,
    BOUND_EXCL_START = 1,
    BOUND_INCL_END = 2,
    BOUND_EXCL_END = 3,
};

/* A slice bound: a clustering prefix plus a kind. The empty prefix is bottom (a start) or top
   (an end). */
struct cbound {
    const uint8_t *prefix;
    uint32_t len;
    uint8_t kind; /* enum bound_kind */
};

/* [start, end] of clusterings; used for query slices and range tombstones. */
struct slice {
    struct cbound start;
    struct cbound end;
};

struct range_tombstone {
    struct slice range;
    struct deletion del;
};

/* Number of components in an encoded clustering/prefix, or -1 if malformed. */
int clustering_count(const uint8_t *ck, uint32_t len);
/* Checks an encoded clustering against the schema: component count (exactly nck for a row,
   at most nck for a prefix), and each value valid for its column type. */
int clustering_validate(const struct table_schema *s, const uint8_t *ck, uint32_t len,
                        bool is_prefix, struct errmsg *em);
/* Appends one component to an encoded clustering under construction. */
void clustering_append(struct buf *b, const uint8_t *v, uint32_t len);
/* Iterates components: call with *pos = 0; returns 1 and sets *v and *vlen per component,
   0 at the end, -1 if malformed. */
int clustering_next(const uint8_t *ck, uint32_t len, uint32_t *pos, const uint8_t **v,
                    uint32_t *vlen);

/* Orders two full clusterings by the schema's clustering column types and directions. A
   strict prefix sorts before its extensions. */
int clustering_cmp(const struct table_schema *s, const uint8_t *a, uint32_t alen,
                   const uint8_t *b, uint32_t blen);
/* Where a clustering lies relative to a bound: <0 if ck sorts before the bound, >0 after. */
int bound_cmp_clustering(const struct table_schema *s, const struct cbound *b, const uint8_t *ck,
                         uint32_t ck_len);
/* Orders bounds (a start and an end on the same prefix: excl_end < incl_start ... as Cassandra). */
int bound_cmp(const struct table_schema *s, const struct cbound *a, const struct cbound *b);
bool slice_contains(const struct table_schema *s, const struct slice *sl, const uint8_t *ck,
                    uint32_t ck_len);
/* The whole partition: [bottom, top]. */
struct slice slice_all(void);

#endif

/*
 * schema: a table's definition as the store needs it (Cassandra's TableMetadata).
 *
 * Columns have a stable numeric id, assigned at creation and never reused within the table
 * (cells on disk carry the id, so ALTER TABLE ADD/DROP never rewrites data; cells of a dropped
 * column are ignored on read, as Cassandra filters them by dropped_time). Column order follows
 * Cassandra's SELECT * order: partition key columns by position, clustering columns by position,
 * then static columns, then regular columns, each group sorted by name. (DESCRIBE prints the
 * "create order", which also puts simple columns before multi-cell ones: schema_cql.c.)
 *
 * Lifecycle: table_schema_new() gives a builder; add columns, set options, then
 * table_schema_finish() validates and freezes it. After finish a schema is immutable and
 * shared by reference count (atomic): table_schema_ref / table_schema_unref. ALTER builds a new
 * version with table_schema_copy(). Every string, type and array lives in the schema's arena.
 * Thread rule: immutable after finish; safe to read from any thread holding a reference.
 */
#ifndef RINGDB_STORAGE_SCHEMA_H
#define RINGDB_STORAGE_SCHEMA_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "node/base/arena.h"
#include "node/base/buf.h"
#include "node/base/err.h"
#include "node/base/uuid.h"
#include "storage/types.h"

#define SCHEMA_COLUMNS_MAX 4096
#define SCHEMA_NAME_MAX 222 /* Cassandra: keyspace and table names up to 222 characters */
#define SCHEMA_COLUMN_NAME_MAX 65535

enum column_kind {
    COLUMN_PARTITION_KEY = 0,
    COLUMN_CLUSTERING = 1,
    COLUMN_REGULAR = 2,
    COLUMN_STATIC = 3,
};

struct column_def {
    const char *name;
    uint16_t id;            /* stable id carried by cells */
    enum column_kind kind;
    int16_t position;       /* index within partition key or clustering; -1 otherwise */
    bool reversed;          /* clustering column with DESC order */
    const struct cql_type *type;
};

/* A small sorted string map (compaction = {...}, caching = {...}, replication = {...}). */
struct str_map {
    uint32_t n;
    const char *const *keys;   /* sorted, unique */
    const char *const *values;
};
const char *str_map_get(const struct str_map *m, const char *key);
/* A deep copy of m (keys and values) in a. */
struct str_map str_map_copy(struct arena *a, const struct str_map *m);

/* Table options (CQL WITH ...), defaults as Cassandra 4.1. Derived fields are set by finish. */
struct table_options {
    double bloom_filter_fp_chance;      /* 0.01 */
    int32_t gc_grace_seconds;           /* 864000 */
    int32_t default_time_to_live;       /* 0 */
    int32_t memtable_flush_period_in_ms; /* 0 */
    int32_t min_index_interval;         /* 128 */
    int32_t max_index_interval;         /* 2048 */
    double crc_check_chance;            /* 1.0 */
    bool cdc;                           /* false */
    const char *comment;                /* "" */
    const char *speculative_retry;      /* "99p" */
    const char *additional_write_policy; /* "99p" */
    const char *read_repair;            /* "BLOCKING" */
    const char *memtable;               /* "default" (Cassandra 4.1's memtable configuration) */
    struct str_map caching;     /* {'keys': 'ALL', 'rows_per_partition': 'NONE'} */
    struct str_map compaction;  /* {'class': '...SizeTieredCompactionStrategy', 'max_threshold':
                                   '32', 'min_threshold': '4'} */
    struct str_map compression; /* {'chunk_length_in_kb': '16', 'class': '...LZ4Compressor'} */
    struct str_map extensions;  /* {} */
    /* Derived from the maps above by table_schema_finish(). */
    bool compression_enabled;
    uint32_t chunk_length_bytes;
    uint32_t stcs_min_threshold, stcs_max_threshold;
    double stcs_bucket_low, stcs_bucket_high;
    uint64_t stcs_min_sstable_bytes;
};

struct dropped_column {
    const char *name;
    uint16_t id;             /* the id the column had; a re-added column of equal type reuses it */
    const struct cql_type *type;
    int64_t dropped_time_us; /* cells older than this are ignored */
    enum column_kind kind;
};

struct table_schema {
    atomic_int refs;
    struct arena arena;
    const char *keyspace;
    const char *name;
    struct uuid id;
    uint16_t ncolumns;
    struct column_def *columns; /* see the order above */
    uint16_t npk;               /* columns[0 .. npk) */
    uint16_t nck;               /* columns[npk .. npk + nck) */
    uint16_t next_column_id;
    uint16_t ndropped;
    struct dropped_column *dropped;
    struct table_options opts;
    bool finished;
    /* Private (built by table_schema_finish; use the functions below). */
    uint16_t columns_cap, dropped_cap;
    uint16_t *by_name;          /* column indexes sorted by name */
    int32_t *index_by_id;       /* [next_column_id]: column index, or -1 */
    int64_t *dropped_before_us; /* [next_column_id]: cells with ts <= this are dropped;
                                   INT64_MIN: none, INT64_MAX: id unknown (all dropped) */
};

/* A builder for a new table (refs = 1). */
struct table_schema *table_schema_new(const char *keyspace, const char *name,
                                      const struct uuid *id);
/* A builder holding a deep copy of s (for ALTER); column ids and next_column_id are kept. */
struct table_schema *table_schema_copy(const struct table_schema *s);
/* Adds a column (type is copied into the schema's arena); its id is next_column_id++. */
int table_schema_add_column(struct table_schema *s, const char *name, enum column_kind kind,
                            int position, bool reversed, const struct cql_type *type,
                            struct errmsg *em);
/* Removes a regular/static column, recording it in dropped. */
int table_schema_drop_column(struct table_schema *s, const char *name, int64_t now_us,
                             struct errmsg *em);
/*
 * Sets one option from CQL text ("gc_grace_seconds", "86400"): value is the literal's text
 * (strings without their quotes). A map option (caching, compaction, compression, extensions)
 * may also be given here as CQL map text "{'class': 'LZ4Compressor', 'chunk_length_in_kb': 64}".
 * Values are validated and normalised as Cassandra 4.1 does (short class names become full
 * names, STCS thresholds are filled in, '99PERCENTILE' becomes '99p'). Unknown option: ERR_SYNTAX
 * "Unknown property"; bad value: ERR_INVALID or ERR_CONFIG (Cassandra's ConfigurationException).
 */
int table_schema_set_option(struct table_schema *s, const char *name, const char *value,
                            struct errmsg *em);
int table_schema_set_map_option(struct table_schema *s, const char *name, uint32_t n,
                                const char *const *keys, const char *const *values,
                                struct errmsg *em);
/*
 * Validates (a partition key exists, positions dense, names unique, primary-key types frozen and
 * comparable, no counters mixed with other columns, statics only with clustering columns, index
 * intervals ordered, valid names), orders the columns, builds the lookup indexes, derives the
 * option fields, and freezes. On error the builder is unchanged and may be fixed and retried.
 */
int table_schema_finish(struct table_schema *s, struct errmsg *em);

struct table_schema *table_schema_ref(struct table_schema *s);
void table_schema_unref(struct table_schema *s);

const struct column_def *table_schema_column(const struct table_schema *s, const char *name);
const struct column_def *table_schema_column_by_id(const struct table_schema *s, uint16_t id);
/* True if a cell of column id written at ts_us belongs to a dropped column (ignore it). */
bool table_schema_is_dropped(const struct table_schema *s, uint16_t id, int64_t ts_us);

/*
 * Binary codec for persisting a finished schema (catalog file, snapshots); decode validates
 * (checksum, every count against the bytes left, then table_schema_finish) and returns
 * ERR_CORRUPT for anything malformed. Types are self-contained (UDT definitions embedded), so
 * lookup may be NULL; it is unused. Format: docs/formats.md "Table schema".
 */
void table_schema_encode(const struct table_schema *s, struct buf *out);
int table_schema_decode(const uint8_t *p, size_t len, cql_udt_lookup_cb lookup, void *ctx,
                        struct table_schema **out, struct errmsg *em);

/* Appends "CREATE TABLE ks.t (...) WITH ...;" as Cassandra 4.1's DESCRIBE prints it. */
void table_schema_format_cql(const struct table_schema *s, struct buf *out);
/* Appends the table options as DESCRIBE prints them after WITH (without the trailing ';'),
   one per line joined by "\n    AND " (used for CREATE TABLE and for system_schema output). */
void table_schema_format_options(const struct table_schema *s, struct buf *out);

/* Module-internal (schema_options.c), used by schema.c and schema_codec.c. */
void table_schema_options_init(struct table_schema *s);
/* Cross-checks the options and fills the derived fields of o. */
int table_schema_options_derive(struct table_options *o, struct errmsg *em);

#endif

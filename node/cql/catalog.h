/*
 * catalog: the schema of every keyspace as one immutable snapshot (Cassandra's Schema +
 * KeyspaceMetadata): keyspaces with their replication, tables (storage's struct table_schema),
 * user-defined types and index definitions, plus the deterministic schema_version digest that
 * system.local reports and drivers compare for schema agreement.
 *
 * A struct catalog never changes once published. A schema change (node/cql/schema_mgr.h)
 * builds a new catalog, persists it, publishes it atomically and releases the old one when its
 * last reader drops it. Readers (the executor, system tables, DESCRIBE, on any thread) take a
 * reference for the duration of one request.
 *
 * The system keyspaces (system, system_schema, system_auth, system_traces,
 * system_distributed) describe themselves here as Cassandra 4.1 defines them; the virtual ones
 * (system_views, system_virtual_schema) are flagged is_virtual.
 */
#ifndef RINGDB_CQL_CATALOG_H
#define RINGDB_CQL_CATALOG_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "node/base/arena.h"
#include "node/base/err.h"
#include "node/base/uuid.h"
#include "ring/strategy.h"
#include "storage/schema.h"
#include "storage/types.h"

struct catalog_index {
    const char *table;
    const char *name;
    const char *kind;         /* "COMPOSITES" | "KEYS" | "CUSTOM" */
    struct str_map options;   /* holds "target" (and "class_name" for CUSTOM) */
};

struct catalog_keyspace {
    const char *name;
    bool durable_writes;
    bool is_system;  /* may not be altered or dropped by users (system_auth/_distributed/_traces
                        may be ALTERed, as in Cassandra) */
    bool is_virtual;
    struct strategy strategy;   /* parsed replication */
    struct str_map replication; /* as system_schema.keyspaces.replication shows it */
    uint32_t ntables;
    uint32_t ntypes;
    uint32_t nindexes;
    struct table_schema *const *tables; /* sorted by name; the catalog holds a reference */
    const struct cql_type *const *types; /* UDTs sorted by name */
    const struct catalog_index *indexes;
};

struct catalog {
    atomic_int refs;
    struct arena arena;
    uint32_t nkeyspaces;
    const struct catalog_keyspace *keyspaces; /* sorted by name */
    struct uuid version; /* schema_version: MD5-based (name-based v3) UUID of the content */
    /* Private (built by catalog_edit_finish). */
    uint32_t ntables_all;
    struct table_schema **by_id; /* every table, sorted by id */
};

/* Limits on what one catalog (and so one catalog file) may hold. */
#define CATALOG_KEYSPACES_MAX 4096
#define CATALOG_TABLES_MAX 16384      /* per keyspace */
#define CATALOG_TYPES_MAX 4096        /* per keyspace */
#define CATALOG_INDEXES_MAX 16384     /* per keyspace */
#define CATALOG_MAP_MAX 64            /* entries of a replication map or of index options */
#define CATALOG_FILE_MAX_BYTES (256u << 20)

struct catalog *catalog_ref(struct catalog *c);
void catalog_unref(struct catalog *c); /* accepts NULL */

const struct catalog_keyspace *catalog_keyspace(const struct catalog *c, const char *name);
/* The table, or NULL; the pointer is valid while the caller holds c. */
struct table_schema *catalog_table(const struct catalog *c, const char *keyspace, const char *name);
struct table_schema *catalog_table_by_id(const struct catalog *c, const struct uuid *id);
const struct cql_type *catalog_type(const struct catalog *c, const char *keyspace,
                                    const char *name);
/* Cassandra 4.1's Schema.validateTable: the table, or ERR_INVALID with 4.1's wording
   ("keyspace KS does not exist", "table T does not exist"). Used wherever 4.1 resolves a table
   through it: SELECT, INSERT, UPDATE, DELETE, TRUNCATE. */
int catalog_validate_table(const struct catalog *c, const char *keyspace, const char *name,
                           struct table_schema **out, struct errmsg *em);
/* Within one keyspace (NULL when absent). */
struct table_schema *catalog_ks_table(const struct catalog_keyspace *ks, const char *name);
const struct cql_type *catalog_ks_type(const struct catalog_keyspace *ks, const char *name);
const struct catalog_index *catalog_ks_index(const struct catalog_keyspace *ks, const char *name);
/* cql_udt_lookup_cb over a catalog (ctx = const struct catalog *); a frozen copy is not made:
   the caller's parser sets the frozen flag on its own copy. */
const struct cql_type *catalog_udt_lookup(void *ctx, const char *keyspace, const char *name);

/* Keyspaces users may not change at all (system, system_schema) / virtual ones. */
bool catalog_is_local_system_keyspace(const char *name);
/* Any of the seven system keyspaces (DESCRIBE SCHEMA leaves them out). */
bool catalog_is_system_keyspace_name(const char *name);
/* [A-Za-z0-9_]{1,max}: keyspace, table and index names. */
bool catalog_valid_name(const char *s, size_t max);
/* The empty catalog (no keyspace), refs = 1. */
struct catalog *catalog_new_empty(void);

/*
 * catalog_edit: builds the next catalog from a base one (a schema change, or loading). The edit
 * holds a reference on base and on every table it keeps; names and types are copied. finish
 * sorts everything, computes the schema version and returns the new catalog (refs = 1);
 * abort drops the edit. Thread rule: one thread per edit.
 */
struct catalog_edit;

struct catalog_ks_params {
    const char *name;
    bool durable_writes;
    bool is_system;
    bool is_virtual;
    struct strategy strategy;
};

struct catalog_edit *catalog_edit_begin(const struct catalog *base); /* base may be NULL */
void catalog_edit_abort(struct catalog_edit *e);                      /* accepts NULL */
struct catalog *catalog_edit_finish(struct catalog_edit *e);
/* Adds a keyspace, or changes the parameters of an existing one (its contents stay). */
void catalog_edit_put_keyspace(struct catalog_edit *e, const struct catalog_ks_params *p);
/* Removes the keyspace and everything in it; false if absent. */
bool catalog_edit_drop_keyspace(struct catalog_edit *e, const char *name);
/* Adds or replaces (same keyspace and name) a finished table; takes a new reference. The
   keyspace must exist (ASSERT). */
void catalog_edit_put_table(struct catalog_edit *e, struct table_schema *s);
bool catalog_edit_drop_table(struct catalog_edit *e, const char *keyspace, const char *name);
/* Adds or replaces a UDT (t->udt_keyspace, t->udt_name); t is copied. */
void catalog_edit_put_type(struct catalog_edit *e, const struct cql_type *t);
bool catalog_edit_drop_type(struct catalog_edit *e, const char *keyspace, const char *name);
/* Adds or replaces an index (by name within the keyspace); copied. */
void catalog_edit_put_index(struct catalog_edit *e, const char *keyspace,
                            const struct catalog_index *ix);
bool catalog_edit_drop_index(struct catalog_edit *e, const char *keyspace, const char *name);
/* Read access to the edit's current state (NULL when absent). */
bool catalog_edit_has_keyspace(const struct catalog_edit *e, const char *name);
struct table_schema *catalog_edit_table(const struct catalog_edit *e, const char *keyspace,
                                        const char *name);

#endif

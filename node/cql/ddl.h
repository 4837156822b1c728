/*
 * ddl: plans a schema statement against a catalog snapshot (Cassandra's AlterSchemaStatement
 * subclasses: validate, then apply to an immutable Keyspaces). Pure: no I/O, no store; the
 * schema manager (schema_mgr.c) registers tables with the store, persists and publishes what a
 * plan says.
 *
 * A plan is the next catalog (NULL when the statement changes nothing: IF [NOT] EXISTS no-ops
 * and TRUNCATE), what to answer (RESULT SCHEMA_CHANGE with change/target/keyspace/name, or
 * RESULT VOID), an optional client warning, and for TRUNCATE the table to truncate. Which tables
 * to register, alter or drop in the store is derived by comparing the two catalogs
 * (ddl_plan_store_changes).
 *
 * Errors carry Cassandra 4.1's codes and messages: Invalid for unknown keyspaces/tables and bad
 * definitions, AlreadyExists (with keyspace and table in the plan's ae_* fields), Config for
 * replication and option values, Unauthorized for changes to the system keyspaces, Syntax for
 * unknown properties.
 *
 * The ddl_* files split the statements: ddl_keyspace (CREATE/ALTER/DROP KEYSPACE), ddl_table
 * (CREATE/DROP TABLE, TRUNCATE), ddl_alter (ALTER TABLE), ddl_type (CREATE/ALTER/DROP TYPE),
 * ddl_index (CREATE/DROP INDEX). Thread rule: any thread; one plan per call.
 */
#ifndef RINGDB_CQL_DDL_H
#define RINGDB_CQL_DDL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "node/base/err.h"
#include "node/cql/ast.h"
#include "node/cql/catalog.h"

/* Cassandra 4.1's SchemaConstants.NAME_LENGTH for new keyspaces, tables and indexes. */
#define DDL_NAME_LENGTH_MAX 48

struct ddl_ctx {
    const struct catalog *base;
    const char *session_keyspace; /* NULL or "" when no USE */
    const char *const *known_dcs; /* data centers NetworkTopologyStrategy may name */
    size_t nknown;
    uint32_t nnodes;              /* nodes in the cluster (replication-factor warnings) */
    int64_t now_us;               /* DROP column time when no USING TIMESTAMP */
};

#define DDL_WARNING_MAX 256

struct ddl_plan {
    struct catalog *next; /* owned; NULL: nothing changes */
    bool schema_change;   /* RESULT SCHEMA_CHANGE (else RESULT VOID) */
    const char *change;   /* "CREATED" | "UPDATED" | "DROPPED" */
    const char *target;   /* "KEYSPACE" | "TABLE" | "TYPE" */
    char keyspace[SCHEMA_NAME_MAX + 1];
    char name[SCHEMA_NAME_MAX + 1];
    char warning[DDL_WARNING_MAX]; /* "" when none */
    bool truncate;
    struct uuid truncate_id;
    /* On ERR_ALREADY_EXISTS: the keyspace and table ("" for a keyspace). */
    char ae_keyspace[SCHEMA_NAME_MAX + 1];
    char ae_table[SCHEMA_NAME_MAX + 1];
};

/* Plans s. 0 with *plan filled (release with ddl_plan_release), or an error in em (and the
   ae_* fields for AlreadyExists). */
int ddl_plan(const struct ddl_ctx *ctx, const struct ast_stmt *s, struct ddl_plan *plan,
             struct errmsg *em);
void ddl_plan_release(struct ddl_plan *plan);

/* Store changes between two catalogs, over stored tables only (computed system tables are
   skipped): tables of next absent from base (by id) are added, tables whose schema object
   changed are altered, tables of base absent from next are dropped. Arrays are malloc'd and
   hold borrowed pointers (valid while the catalogs are held). */
struct ddl_store_changes {
    struct table_schema **add, **alter, **drop;
    uint32_t nadd, nalter, ndrop;
};
void ddl_plan_store_changes(const struct catalog *base, const struct catalog *next,
                            struct ddl_store_changes *out);
void ddl_store_changes_free(struct ddl_store_changes *c);

/* ---- helpers shared by the ddl_* files ---- */

/* The statement's keyspace: q->keyspace, else the session's, else Cassandra's error. */
int ddl_keyspace_of(const struct ddl_ctx *ctx, const char *written, const char **out,
                    struct errmsg *em);
/* Resource kinds for the system-keyspace checks (ClientState.preventSystemKSSchemaModification). */
enum ddl_perm { DDL_CREATE, DDL_ALTER, DDL_DROP };
/* Refuses schema changes to system keyspaces as Cassandra does: Unauthorized for the local
   ones and for anything but ALTER KEYSPACE on the replicated ones; Invalid for virtual ones.
   table NULL = a keyspace-level resource. */
int ddl_check_modifiable(const struct ddl_ctx *ctx, const char *keyspace, const char *table,
                         enum ddl_perm perm, struct errmsg *em);
/* [A-Za-z0-9_]{1,48} */
bool ddl_valid_name(const char *s);
/* The text of a constant property value (strings unquoted, booleans "true"/"false"), or NULL
   when v is not a constant. */
const char *ddl_const_text(const struct ast_term *v);
/* Sets the change reported by a successful plan. */
void ddl_plan_result(struct ddl_plan *p, const char *change, const char *target,
                     const char *keyspace, const char *name);
/* A cql_udt_lookup_cb limited to one keyspace (ctx = struct ddl_udt_scope). */
struct ddl_udt_scope {
    const struct catalog *catalog;
    const char *keyspace;
};
const struct cql_type *ddl_udt_lookup(void *ctx, const char *keyspace, const char *name);
/* Resolves a written type in keyspace ks (UDTs of ks only). */
int ddl_resolve_type(const struct ddl_ctx *ctx, const char *ks, const struct ast_type *t,
                     struct arena *a, const struct cql_type **out, struct errmsg *em);
/* The type as CQL prints it ("list<int>"), cut to cap. */
void ddl_type_text(const struct cql_type *t, char *out, size_t cap);
/* For CREATE TABLE / CREATE TYPE: the keyspace (written or the session's), checked modifiable
   and existing ("Keyspace 'ks' doesn't exist"). */
int ddl_create_target(const struct ddl_ctx *ctx, const char *written, const char **ks,
                      const struct catalog_keyspace **k, struct errmsg *em);
/* True if t mentions the UDT ks.name anywhere. */
bool ddl_type_references(const struct cql_type *t, const char *ks, const char *name);
/* "Non-frozen UDTs with nested non-frozen collections" check: true if t is a non-frozen UDT
   with a multi-cell field. */
bool ddl_udt_has_multicell_field(const struct cql_type *t);

#endif

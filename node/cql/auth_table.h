/*
 * auth_table: reads and writes of one system_auth table through the store façade, for the role
 * manager (auth_roles.c) and the authorizer (auth_perms.c). The tables are the ones
 * syskeyspaces.c defines (AuthKeyspace of Cassandra 4.1); the schema manager registers them with
 * the store like any other keyspace, so they replay, flush and compact as user tables do, and a
 * coordinator can later replicate them (today writes are applied to the local store only).
 *
 * Every key and clustering value here is a single text column: a partition key is the raw
 * UTF-8 bytes; a clustering is one <u16 len><bytes> component (storage/row.h).
 *
 * Timestamps: auth_table_ts() is the wall clock in microseconds, strictly increasing within the
 * process, so "drop then create" in one statement (or in quick succession) orders correctly.
 *
 * Threads: every function blocks on store I/O; call from a thread-pool thread or at start-up.
 * The struct is immutable after init.
 */
#ifndef RINGDB_CQL_AUTH_TABLE_H
#define RINGDB_CQL_AUTH_TABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "node/base/arena.h"
#include "node/base/err.h"
#include "storage/row.h"
#include "storage/store.h"

#define AUTH_KEYSPACE "system_auth"
/* Role names are at most this many bytes (a session keeps the name in SESSION_ROLE_MAX). */
#define AUTH_NAME_MAX 255
/* Any key or clustering value written here (a resource name "data/<ks>/<table>" ...). */
#define AUTH_KEY_MAX 1024
/* The most rows one scan returns (roles, permissions): past it the statement fails. */
#define AUTH_SCAN_ROWS_MAX 100000u

struct auth_table {
    struct store *st;
    struct table_schema *schema; /* borrowed from syskeyspaces (process lifetime) */
};

/* Binds name (e.g. "roles") to its definition. ERR_NOT_FOUND when the store has not got the
   table registered (the schema phase must run first). */
int auth_table_init(struct auth_table *t, struct store *st, const char *name, struct errmsg *em);
/* The column id of a column that must exist (ASSERT). */
uint16_t auth_table_col(const struct auth_table *t, const char *name);

int64_t auth_table_ts(void);

/* A mutation of one partition under construction; cells go into the one row. */
struct auth_write {
    struct partition_update u;
    struct row row;
    struct cell cells[8];
    uint8_t ck[2 + AUTH_KEY_MAX];
    int64_t ts_us;
};
/* Starts a write of partition key (row with clustering ck when not NULL). */
void auth_write_init(struct auth_write *w, const struct auth_table *t, const char *key,
                     const char *ck, int64_t ts_us);
/* INSERT's row marker. */
void auth_write_marker(struct auth_write *w);
void auth_write_bool(struct auth_write *w, uint16_t col, bool v);
/* A regular cell (value NULL writes a cell tombstone: "SET col = null"). */
void auth_write_text(struct auth_write *w, uint16_t col, const char *value);
/* An element of a set<text> added (is_add) or removed. */
void auth_write_set_elem(struct auth_write *w, uint16_t col, const char *elem, bool is_add);
/* Deletes the whole partition (ck == NULL) or the row. */
void auth_write_delete(struct auth_write *w);
/* store_apply; raises *pos to the write's commit-log position. */
int auth_write_apply(const struct auth_table *t, struct auth_write *w, store_pos *pos,
                     struct errmsg *em);
/* A row with no regular column (role_members, the permissions index): written with its row
   marker (is_present) or deleted; ck NULL with !is_present deletes the whole partition. */
int auth_table_mark(const struct auth_table *t, const char *key, const char *ck, bool is_present,
                    store_pos *pos, struct errmsg *em);
/* Waits until pos is durable (no wait when nothing was written: pos == 0). */
int auth_table_wait(const struct auth_table *t, store_pos pos, struct errmsg *em);

/* Calls row_cb for each live row of partition key (key NULL: every partition, token order).
   row_cb returns 0 to go on, 1 to stop, <0 to fail with that error (filling em). The key is
   the raw partition key, valid during the call. */
typedef int (*auth_row_cb)(void *arg, const char *key, size_t key_len, const struct row *row,
                           struct errmsg *em);
int auth_table_read(const struct auth_table *t, const char *key, auth_row_cb row_cb, void *arg,
                    struct errmsg *em);
/* Makes room for one more element in an array that lives in a (capacity *cap, doubling from
   8): returns the array, which may have moved; copies the n elements it has. */
void *auth_grow(struct arena *a, void *arr, uint32_t n, uint32_t *cap, size_t elem_size);
/* The clustering of a row as text (its only component), or NULL if malformed. Copies into a. */
const char *auth_row_ck(const struct row *row, struct arena *a);

#endif

/*
 * table: the state of one table in the store (Cassandra's ColumnFamilyStore): its directory,
 * its schema, the active memtable, and the *view* — the immutable set of sources a read uses
 * (every unflushed memtable and every live SSTable) — plus flush and truncation.
 *
 * Threads: writes (table_apply) are serialised by the table's write mutex, which covers the
 * commit-log append and the memtable insert, so commit-log order equals memtable order.
 * Readers never take it: table_view_get takes a reference on the current view (a short
 * mutex held for one increment), and the view keeps its memtables and SSTables alive however
 * long the read takes. Flush, truncation, compaction and ALTER publish a new view.
 *
 * Flush protocol: table_switch (under the write mutex) records commitlog_position() as the
 * bound of the memtable it retires, publishes a view with a fresh active memtable, and
 * returns the retired one; table_flush writes it to an SSTable whose stats carry the bound,
 * swaps the SSTable in for the memtable, and calls commitlog_mark_flushed. Flushes of one
 * table must complete in switch order (the store's single flush thread guarantees it).
 */
#ifndef RINGDB_STORAGE_TABLE_H
#define RINGDB_STORAGE_TABLE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "storage/commitlog.h"
#include "storage/memtable.h"
#include "storage/mutation.h"
#include "storage/schema.h"
#include "storage/sstable.h"
#include "storage/store.h"
#include "storage/vfs.h"

#define TABLE_DIR_MAX 4096

/* An immutable snapshot of a table's sources, shared by atomic reference count. */
struct table_view {
    atomic_int refs;
    struct table_schema *schema;
    const uint8_t *col_valid; /* bit per column id of schema (merge_opts.col_valid) */
    uint32_t col_valid_n;
    uint32_t nmem;
    struct memtable **mems; /* newest first; mems[0] is the active memtable */
    uint32_t nsst;
    struct sstable **ssts;  /* newest first */
};

struct table_view *table_view_ref(struct table_view *v);
void table_view_unref(struct table_view *v); /* accepts NULL */

struct table;

/* Opens the table's directory under data_dir (creating it) and its SSTables; takes a schema
   reference. cl may be NULL (no commit log: tests). */
int table_open(struct vfs *vfs, const char *data_dir, struct table_schema *s,
               struct commitlog *cl, struct table **out, struct errmsg *em);
struct table *table_ref(struct table *t);
/* Drops a reference; the last one releases memtables, SSTables and the schema (no flush). */
void table_unref(struct table *t);

const struct uuid *table_id(const struct table *t);
const char *table_dir(const struct table *t);
struct vfs *table_vfs(const struct table *t);
/* The current view with a reference (release with table_view_unref). */
struct table_view *table_view_get(struct table *t);

/* Applies u: appends rec (u encoded) to the commit log, when cl and rec are given, then to the
   active memtable, under the write mutex. *pos gets the commit-log position. *delta_bytes
   gets the growth of the memtable's memory. Errors from the commit log leave nothing applied. */
int table_apply(struct table *t, const struct partition_update *u, const uint8_t *rec,
                size_t rec_len, store_pos *pos, int64_t *delta_bytes);
/* Replay: applies u at commit-log position pos unless an SSTable or a truncation already covers
   it. Returns 1 when applied, 0 when skipped. next_token (NULL: none) is the token of a record
   of this table that replay applies soon: its memtable lookups start loading now. */
int table_replay(struct table *t, const struct partition_update *u, store_pos pos,
                 const int64_t *next_token, int64_t *delta_bytes);
/* Ends replay mode (switches then take commitlog_position() as their bound again). */
void table_replay_done(struct table *t);
/* Records at or below this position are in SSTables or truncated: replay skips them. */
store_pos table_replay_bound(struct table *t);

/* Replaces the schema (same id, after ALTER): new memtables and reads use it. */
void table_set_schema(struct table *t, struct table_schema *s);

/* A retired memtable waiting for its flush. */
struct table_flush_job {
    struct memtable *mem; /* a reference */
    store_pos bound;
    uint64_t epoch;       /* the truncation epoch it belongs to */
};
/* Retires the active memtable if it holds anything: returns true and fills *job. */
bool table_switch(struct table *t, struct table_flush_job *job);
/* Writes job->mem to an SSTable and swaps it into the view; on success releases the job's
   memtable reference, sets *flushed_bytes to its memory and, when out is not NULL, *out to a
   reference on the new SSTable (NULL if none was written). On error the memtable stays in the
   view (still readable) and the job may be retried. */
int table_flush(struct table *t, struct table_flush_job *job, size_t *flushed_bytes,
                struct sstable **out, struct errmsg *em);

/* TRUNCATE: drops every memtable and SSTable, and persists the commit-log position below which
   replay must ignore this table's records. *released_bytes gets the memtable memory freed
   from the accounting of the active memtable (flushing ones are accounted by their jobs). */
int table_truncate(struct table *t, int64_t *released_bytes, struct errmsg *em);
/* Marks every SSTable obsolete (their files go with the last reader): DROP TABLE. */
void table_drop_files(struct table *t);

/* Bytes of the active memtable (for choosing what to flush under memory pressure). */
size_t table_active_bytes(struct table *t);
/* How long the active memtable has existed, in ms (memtable_flush_period_in_ms). */
int64_t table_active_age_ms(struct table *t);
uint32_t table_next_generation(struct table *t);
/* Statistics (memtables, SSTables, counters). */
void table_get_stats(struct table *t, struct table_stats *out);
void table_note_bloom(struct table *t, bool negative);
/* Compaction: replaces the SSTables olds by news in the view and marks olds obsolete. Returns
   ERR_NOT_FOUND (and changes nothing) when an old one has left the view meanwhile (truncate):
   the caller then discards news. Takes references on news. */
int table_replace_sstables(struct table *t, struct sstable *const *olds, size_t nold,
                           struct sstable *const *news, size_t nnew);

/* Compaction bookkeeping. table_claim returns the current view (a reference) and, in *out
   (malloc'd), the SSTables of it no compaction is working on; with all (a major compaction)
   none unless no compaction is running. table_claim_set marks SSTables as taken (claim) or
   gives them back; claiming fails (false, nothing taken) if another compaction took one of
   them since table_claim. */
struct table_view *table_claim(struct table *t, bool all, struct sstable ***out, size_t *n);
bool table_claim_set(struct table *t, struct sstable *const *ss, size_t n, bool claim);
void table_note_compaction(struct table *t, uint64_t bytes_read, uint64_t bytes_written);

#endif

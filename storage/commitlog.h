/*
 * commitlog: the write-ahead log shared by every table (Cassandra's CommitLog).
 *
 * Segment files of segment_bytes, named CommitLog-<version>-<id>.log, each record
 * length-prefixed and CRC32C-checked (docs/formats.md#commit-log). Appends are thread-safe
 * and never wait for an fsync; a sync thread makes them durable:
 *   periodic: fsync every period_ms; writers are acknowledged at once.
 *   batch:    writers wait; a sync starts as soon as one is waiting; those who arrive during an
 *             fsync share the next one (group commit).
 *   group:    like batch, but a sync waits group_window_ms first to gather more writers.
 * Segment ids only grow, across restarts too (at least max(existing ids, first_id)), so
 * positions stay comparable with the flush bounds recorded in SSTables.
 * A segment is deleted once every table with records in it has flushed past them.
 *
 * Start-up: commitlog_open validates the existing segments before anything is appended; replay
 * then calls back for each intact record in log order. A torn tail (the last records cut short
 * or failing their CRC, with nothing valid after them) is truncated with one warning; any other
 * bad record fails commitlog_open with ERR_CORRUPT naming the file and offset, unless
 * ignore_errors (commit_failure_policy: ignore), which logs and skips it. "Nothing valid after"
 * uses evidence: each record carries the position known durable when it was written, so damage
 * before the newest such position was synced data (corruption), while damage after it is an
 * unsynced tail an OS crash may legitimately leave with holes (truncated, never an error).
 *
 * Write failures: an append that fails (-ENOSPC, -EIO, a short write) leaves no record behind
 * that replay would accept, and the next append overwrites its bytes. A failed fsync is sticky
 * (the kernel may have dropped the dirty pages): waiters get its error and later appends fail
 * with ERR_READ_ONLY.
 *
 * Thread rule: every function is thread-safe; callbacks run on the sync thread (or at once on
 * the caller's thread) and must not call back into the commit log's blocking functions.
 */
#ifndef RINGDB_STORAGE_COMMITLOG_H
#define RINGDB_STORAGE_COMMITLOG_H

#include <stdbool.h>
#include <stdint.h>

#include "node/base/err.h"
#include "node/base/uuid.h"
#include "storage/store.h"
#include "storage/vfs.h"

#define COMMITLOG_RECORD_MAX (64u << 20)
#define COMMITLOG_SEGMENT_MIN (4u << 10)
#define COMMITLOG_SEGMENT_MAX (1u << 30)
#define COMMITLOG_CALLBACKS_MAX (1u << 20) /* pending on_durable callbacks */

struct commitlog_config {
    const char *dir; /* copied */
    enum commitlog_sync sync_mode;
    uint32_t period_ms;       /* periodic: fsync every period (> 0) */
    uint32_t group_window_ms; /* group: at most one fsync per window */
    uint64_t segment_bytes;   /* COMMITLOG_SEGMENT_MIN .. COMMITLOG_SEGMENT_MAX */
    uint32_t first_id;        /* the lowest id a new segment may take */
    bool ignore_errors;
    struct vfs *vfs; /* NULL: the real file system */
};

struct commitlog;

/* Opens the log in c->dir (created if missing), validates existing segments (see above:
   ERR_CORRUPT, ERR_CONFIG for a bad config, -errno from the file system) and starts the sync
   thread. New segments take ids above every existing one and at least c->first_id. */
int commitlog_open(const struct commitlog_config *c, struct commitlog **out, struct errmsg *em);
/* Syncs everything appended, writes a clean-shutdown marker, stops the sync thread, resolves
   pending callbacks, closes files (segments stay for replay). Accepts NULL. */
void commitlog_close(struct commitlog *cl);

/* Replays the segments found at open, once, before the first append. cb returns 0 to go on,
   COMMITLOG_REPLAY_SKIPPED when it ignored the record (an unknown table: the record then keeps
   no segment alive), or an error to stop replay with it. Records are passed as (table id,
   payload) with their position (just past the record); rec is valid during the call only.
   Segments left holding nothing unflushed are deleted when replay ends. */
#define COMMITLOG_REPLAY_SKIPPED 1
typedef int (*commitlog_replay_cb)(void *arg, const struct uuid *table_id, const uint8_t *rec,
                                   size_t len, store_pos pos);
int commitlog_replay(struct commitlog *cl, commitlog_replay_cb cb, void *arg, struct errmsg *em);

/* Appends one record for table_id; *pos = the position just past it. The bytes reach the OS
   (write) before it returns, so a process kill loses nothing appended. Errors: -ENOSPC, -EIO
   (nothing was appended; the log stays usable), ERR_LIMIT (record too big for COMMITLOG_RECORD_MAX
   or a segment), ERR_READ_ONLY (an fsync failed earlier), ERR_CLOSED. */
int commitlog_append(struct commitlog *cl, const struct uuid *table_id, const uint8_t *rec,
                     size_t len, store_pos *pos);
/* A position every later append is above: the end of the last record appended (a memtable
   switch or a truncation records it as its bound; replay skips records at or below a bound). */
store_pos commitlog_position(struct commitlog *cl);

/* Durability under the sync mode: in periodic mode every appended position counts as durable
   (acknowledged at once); in batch and group modes only once fsynced. */
bool commitlog_is_durable(struct commitlog *cl, store_pos pos);
/* Blocks until pos is durable: 0, or the fsync error (sticky), or ERR_CLOSED. */
int commitlog_wait(struct commitlog *cl, store_pos pos);
/* Calls cb(arg, status) exactly once: at once on this thread when pos is already durable (or
   syncing has failed, or COMMITLOG_CALLBACKS_MAX are pending: ERR_OVERLOADED), otherwise on the
   sync thread after the fsync covering pos (status 0 or its error), or at close. */
void commitlog_on_durable(struct commitlog *cl, store_pos pos, store_durable_cb cb, void *arg);
/* Forces a sync of everything appended now and waits, in every mode (flush, shutdown, tests). */
int commitlog_sync(struct commitlog *cl);

/* Every record of table_id before upto is now in SSTables: segments holding nothing newer for
   any table can be deleted. */
void commitlog_mark_flushed(struct commitlog *cl, const struct uuid *table_id, store_pos upto);
/* The table was dropped: its records no longer keep segments alive. */
void commitlog_forget_table(struct commitlog *cl, const struct uuid *table_id);

struct commitlog_stats {
    uint64_t appends;
    uint64_t syncs;
    uint64_t sync_ns; /* time spent in sync rounds (directory sync + fdatasyncs) */
    uint64_t bytes;
    uint32_t segments;     /* segment files in use (the preallocated spare not counted) */
    store_pos written_pos; /* just past the last append */
    store_pos synced_pos;  /* everything before it is on disk (also in periodic mode) */
    bool is_spare_ready;   /* the next segment is preallocated (else an append makes one) */
};
void commitlog_get_stats(struct commitlog *cl, struct commitlog_stats *out);

#endif

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
 * Replay calls back for each intact record in log order. A torn tail (the newest segment's last
 * record cut short or failing its CRC, with nothing valid after it) is truncated with a warning;
 * any other bad record stops replay with ERR_CORRUPT naming the file and offset, unless
 * ignore_errors (commit_failure_policy: ignore), which logs and skips it.
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

struct commitlog_config {
    const char *dir;
    enum commitlog_sync sync_mode;
    uint32_t period_ms;
    uint32_t group_window_ms;
    uint64_t segment_bytes;
    uint32_t first_id; /* the lowest id a new segment may take */
    bool ignore_errors;
    struct vfs *vfs;
};

struct commitlog;

int commitlog_open(const struct commitlog_config *c, struct commitlog **out, struct errmsg *em);
/* Syncs everything appended, stops the sync thread, closes files (segments stay for replay). */
void commitlog_close(struct commitlog *cl);

/* Replays existing segments (call before the first append). cb returns 0 to go on, or an
   error to stop replay with it. Records are passed as (table id, payload) with their position. */
typedef int (*commitlog_replay_cb)(void *arg, const struct uuid *table_id, const uint8_t *rec,
                                   size_t len, store_pos pos);
int commitlog_replay(struct commitlog *cl, commitlog_replay_cb cb, void *arg, struct errmsg *em);

/* Appends one record for table_id; *pos = the position just past it. Errors: -ENOSPC, -EIO
   (nothing was appended; the log stays usable), ERR_LIMIT (record too big). */
int commitlog_append(struct commitlog *cl, const struct uuid *table_id, const uint8_t *rec,
                     size_t len, store_pos *pos);
/* The position the next append will get (a memtable switch records it as its bound). */
store_pos commitlog_position(struct commitlog *cl);

bool commitlog_is_durable(struct commitlog *cl, store_pos pos);
int commitlog_wait(struct commitlog *cl, store_pos pos);
void commitlog_on_durable(struct commitlog *cl, store_pos pos, store_durable_cb cb, void *arg);
/* Forces a sync now and waits (flush, shutdown, tests). */
int commitlog_sync(struct commitlog *cl);

/* Every record of table_id before upto is now in SSTables: segments holding nothing newer for
   any table can be deleted. */
void commitlog_mark_flushed(struct commitlog *cl, const struct uuid *table_id, store_pos upto);
/* The table was dropped: its records no longer keep segments alive. */
void commitlog_forget_table(struct commitlog *cl, const struct uuid *table_id);

struct commitlog_stats {
    uint64_t appends;
    uint64_t syncs;
    uint64_t bytes;
    uint32_t segments;
};
void commitlog_get_stats(struct commitlog *cl, struct commitlog_stats *out);

#endif

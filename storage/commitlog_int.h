/*
 * commitlog_int: the commit log's private state, shared by its three files (libuv's internal.h
 * pattern; nothing outside storage/commitlog*.c includes this):
 *   commitlog.c         open/close, append, segments (switch, spare, deletion), flush marks
 *   commitlog_sync.c    the sync thread, durability waits and callbacks (group commit), and the
 *                       allocator thread that keeps a preallocated spare segment ready
 *   commitlog_replay.c  validation of existing segments at open, and replay
 * Cross-file functions are named commitlog__*.
 *
 * Locking: one mutex (mu) guards everything below except the fields marked otherwise. Appends
 * write to the file while holding mu (so records are contiguous and in position order, and a
 * process kill leaves at most one torn record at the tail); fsync runs on the sync thread and
 * segment preallocation on the allocator thread, both without mu.
 *
 * Positions: synced_pos <= written_pos; everything before synced_pos is durable. A segment is
 * deletable only when it holds no unflushed table data, is not the active one, is fully synced
 * (so the sync thread, which only touches segments with unsynced bytes, never races with the
 * deletion) and is not the newest file on disk (so ids keep growing across restarts).
 */
#ifndef RINGDB_STORAGE_COMMITLOG_INT_H
#define RINGDB_STORAGE_COMMITLOG_INT_H

#include <pthread.h>

#include "storage/commitlog.h"

/* The newest record end of one table in one segment. */
struct cl_mark {
    struct uuid table_id;
    store_pos end;
};

struct cl_segment {
    struct cl_segment *next; /* the list is ordered by id */
    uint32_t id;
    uint64_t nonce;
    char *path;
    struct vfile *file;    /* NULL for segments of an earlier run (opened only to replay) */
    uint32_t write_off;    /* bytes in use: header + records (+ marker once full) */
    uint8_t *map;          /* active segment: a shared mapping of [map_off, map_off + map_len)
                              that appends copy into (NULL: pwrite; see commitlog.c) */
    uint32_t map_off;
    uint32_t map_len;
    bool is_old;           /* found at open */
    bool is_replayed;      /* old: replay ran, so marks are known */
    bool has_header;       /* old: the header is intact (nonce known) */
    bool is_sealed;        /* old: ends with a marker (written at open if it did not) */
    bool is_spare;         /* named CommitLog-1-<id>.spare: not part of the log yet */
    bool needs_dir_sync;   /* its segment name is not durable yet */
    struct cl_mark *marks; /* sorted by table id */
    size_t marks_len;
    size_t marks_cap;
};

struct cl_callback {
    store_pos pos;
    store_durable_cb cb;
    void *arg;
};

struct commitlog {
    struct commitlog_config cfg; /* cfg.dir points at dir */
    char *dir;
    struct vfs *vfs;
    pthread_mutex_t mu;
    pthread_cond_t sync_cv;  /* wakes the sync thread */
    pthread_cond_t done_cv;  /* wakes durability waiters */
    pthread_cond_t alloc_cv; /* wakes the allocator thread */
    pthread_t thread;
    pthread_t alloc_thread;
    bool is_thread_started;
    bool is_alloc_started;

    struct cl_segment *segs; /* every segment file we know, by id (active included) */
    struct cl_segment *active;
    struct cl_segment *spare; /* preallocated (zero-filled unless periodic); not in segs yet */
    uint32_t next_id;
    uint8_t *wbuf; /* record assembly buffer (appends hold mu) */
    size_t wbuf_cap;

    store_pos written_pos;
    store_pos synced_pos;
    store_pos want_pos;  /* the highest position someone waits for */
    store_pos force_pos; /* commitlog_sync: sync at least this far now */
    int sync_error;      /* sticky: a failed fsync may have lost pages (fsyncgate) */
    bool is_stopping;
    bool is_thread_done; /* the sync thread has exited: nothing will become durable */
    bool is_replay_done;
    bool is_gc_pending;      /* a clean segment waits to be synced before it can go */
    store_pos gc_synced_pos; /* synced_pos when garbage was last collected */
    int64_t last_sync_ns;    /* when the last sync round started */
    int64_t spare_retry_ns;  /* no spare: when to try preallocating one again */
    /* Batch-mode gathering: demands (waits, callbacks) are counted as they arrive; after a
       round, the next one waits (bounded) until as many have arrived as the last one covered. */
    uint64_t arrivals;
    uint64_t round_start_arrivals;
    uint64_t gather_base;
    uint64_t gather_need;
    int64_t gather_deadline_ns;

    struct cl_callback *cbs;
    size_t cbs_len;
    size_t cbs_cap;
    struct cl_segment **sync_segs; /* sync thread only: the segments one fsync round covers */
    size_t sync_segs_cap;

    struct commitlog_stats stats;
};

/* commitlog.c */
char *commitlog__segment_path(const struct commitlog *cl, uint32_t id);
/* Deletes the segments that nothing needs any more. Takes mu itself. A clean segment that is
   not fully synced yet is left for the allocator thread to collect after a later sync round. */
void commitlog__collect_garbage(struct commitlog *cl);
/* Records that table_id has data up to end in seg. Called with mu held (or before threads). */
void commitlog__mark(struct cl_segment *seg, const struct uuid *table_id, store_pos end);
void commitlog__segment_free(struct cl_segment *seg);
/* Creates, preallocates (posix_fallocate: a full disk fails here) and heads a new segment file.
   A spare is also synced (in batch and group modes zero-filled first, see zero_fill), and gets
   a .spare name, so that a spare left behind by a crash is never mistaken for a segment of the
   log; switching to it renames it. An inline segment is not synced here: the sync thread's
   fsync of it covers the header too. */
int commitlog__segment_create(struct commitlog *cl, uint32_t id, bool is_spare,
                              struct cl_segment **out);

/* Makes the spare (or a segment created inline) the active one, ending the active one with a
   marker. Called with mu held. */
int commitlog__switch_segment(struct commitlog *cl);

/* commitlog_sync.c: starts/stops the sync thread and the allocator thread. */
int commitlog__sync_start(struct commitlog *cl);
void commitlog__sync_stop(struct commitlog *cl);

/* commitlog_replay.c: validates the segments listed in cl->segs (old ones, sorted), truncating
   a torn tail; fails with ERR_CORRUPT on proven damage unless cfg.ignore_errors. */
int commitlog__validate(struct commitlog *cl, struct errmsg *em);

#endif

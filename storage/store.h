/*
 * store: the local LSM store of one node, the façade of storage/ (Cassandra's Keyspace +
 * ColumnFamilyStore + CommitLog, as one object).
 *
 * Write path: store_apply() appends the mutation to the commit log (one log shared by all
 * tables), then applies it to the table's active memtable. In `periodic` sync mode the write is
 * acknowledged at once and a sync thread fsyncs every commitlog_sync_period; in `batch` and
 * `group` modes the write is durable only once its commit-log position is synced, and many
 * concurrent writers share one fsync (group commit). A full memtable is switched out and
 * flushed to an SSTable by a background thread while writes continue on a new one; compaction
 * (size-tiered) runs in the background too.
 *
 * Read path: store_read() merges the table's memtables and SSTables (bloom filters skip what
 * cannot hold the key), applies tombstones and TTLs, and hands live rows to a visitor.
 *
 * Threads: every function here is thread-safe and none needs an event loop. store_apply may be
 * called from any thread and never waits for an fsync; durability waits are separate
 * (store_wait_durable blocks; store_on_durable calls back on the sync thread). Reads run on the
 * caller's thread and do disk I/O: call them off event-loop threads.
 */
#ifndef RINGDB_STORAGE_STORE_H
#define RINGDB_STORAGE_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "node/base/arena.h"
#include "node/base/err.h"
#include "storage/iter.h"
#include "storage/mutation.h"
#include "storage/schema.h"
#include "storage/vfs.h"

enum commitlog_sync {
    COMMITLOG_SYNC_PERIODIC = 0,
    COMMITLOG_SYNC_BATCH = 1,
    COMMITLOG_SYNC_GROUP = 2,
};

struct store_config {
    const char *data_dir;        /* data_file_directories[0] */
    const char *commitlog_dir;
    enum commitlog_sync sync_mode;
    uint32_t sync_period_ms;       /* periodic: commitlog_sync_period (10000 ms) */
    uint32_t sync_group_window_ms; /* group: commitlog_sync_group_window (15 ms) */
    uint64_t segment_bytes;        /* commitlog_segment_size (32 MiB) */
    uint64_t memtable_space_bytes; /* memtable_heap_space: flush when memtables exceed it */
    uint64_t commitlog_total_space_bytes; /* commitlog_total_space: past it, flush every table
                                             so old segments can go (0: 8 GiB) */
    uint32_t concurrent_compactors;
    uint64_t compaction_bytes_per_s; /* compaction_throughput; 0 = unthrottled */
    bool incremental_backups;
    bool auto_snapshot;            /* snapshot before DROP/TRUNCATE (Cassandra default true) */
    bool commit_failure_ignore;    /* commit_failure_policy: ignore -> skip bad replay records */
    bool skip_flush_at_close;      /* store_close leaves memtables to the commit log (replayed at
                                      the next open), as RocksDB closes with its WAL on; for
                                      benchmarks (default false: close flushes, as drain) */
    struct vfs *vfs;               /* NULL: the real file system */
};
void store_config_defaults(struct store_config *c);

struct store;

/* Opens (creating) the directories and the commit log; starts the background threads. Tables
   are then registered with store_add_table and the log replayed with store_replay. */
int store_open(const struct store_config *c, struct store **out, struct errmsg *em);
/* Flushes every memtable (unless skip_flush_at_close), syncs and closes the log, stops the
   threads. Accepts NULL. */
void store_close(struct store *st);

/* Registers a table (takes a reference to s): opens its directory and its SSTables. */
int store_add_table(struct store *st, struct table_schema *s, struct errmsg *em);
/* Replaces the schema of a registered table (same id) after ALTER. */
int store_alter_table(struct store *st, struct table_schema *s, struct errmsg *em);
/* Unregisters the table; snapshots it first when auto_snapshot; removes its data files. */
int store_drop_table(struct store *st, const struct uuid *table_id, struct errmsg *em);
int store_truncate(struct store *st, const struct uuid *table_id, struct errmsg *em);

/* Replays the commit log into the registered tables. Call once, after every store_add_table.
   At the end the replayed memtables are queued for flushing and the call returns without
   waiting for them (the store serves meanwhile); once they are flushed the commit log deletes
   the replayed segments, so a later crash does not replay them again. */
int store_replay(struct store *st, struct errmsg *em);

/* What store_replay did (zeros before it): records applied to memtables; records skipped
   (covered by an SSTable or a truncation, or of a table that does not exist); bad records
   skipped under commit_failure_policy: ignore; tables whose replayed memtable was queued for
   flushing at the end; the most memtable memory in use during replay. */
struct store_replay_stats {
    uint64_t applied;
    uint64_t skipped;
    uint64_t bad;
    uint64_t peak_memtable_bytes;
    uint32_t flushing_tables;
};
void store_get_replay_stats(struct store *st, struct store_replay_stats *out);

/* A commit-log position: segment id in the high 32 bits, offset in the low 32. */
typedef uint64_t store_pos;

/*
 * Applies a write. The update is validated against the table's schema and copied; the caller
 * keeps ownership of u. *pos receives the commit-log position to wait on for durability.
 * Errors: ERR_INVALID (bad update), ERR_NOT_FOUND (unknown table), ERR_OVERLOADED (memtables
 * full and flushing is behind), -ENOSPC / -EIO / ERR_READ_ONLY (the commit log cannot be written:
 * nothing was applied).
 */
int store_apply(struct store *st, const struct partition_update *u, store_pos *pos,
                struct errmsg *em);
/* True when pos is durable under the configured sync mode (always true in periodic mode). */
bool store_is_durable(struct store *st, store_pos pos);
/* Blocks until pos is durable; returns 0, or the error that stopped syncing (-EIO...). */
int store_wait_durable(struct store *st, store_pos pos);
/* Calls cb(arg, status) exactly once when pos is durable (status 0) or syncing failed (<0);
   possibly at once on the caller's thread, otherwise on the sync thread. */
typedef void (*store_durable_cb)(void *arg, int status);
void store_on_durable(struct store *st, store_pos pos, store_durable_cb cb, void *arg);

/* What a read selects. */
struct read_cmd {
    struct uuid table_id;
    int32_t now_s;          /* for TTL expiry */
    bool single;            /* true: one partition (key); false: a token range */
    struct pkey key;        /* single: the partition (token must be set) */
    struct token_range range; /* !single */
    struct rows_spec rows;
    /* Paging resume point: skip partitions before resume_key and, inside it, rows up to and
       including resume_ck (in read order). resume_key.key == NULL: start at the beginning. */
    struct pkey resume_key;
    const uint8_t *resume_ck;
    uint32_t resume_ck_len;
    bool resume_static_done; /* the static row of resume_key was already returned */
    /* single only: answer -EWOULDBLOCK, before reading anything, when an SSTable may hold the
       key (bloom filter), so an event loop can serve memtable-only reads without risking a
       wait for the disk and hand the rest to a pool thread. */
    bool memory_only;
};

/* Visitor return codes. */
enum read_visit {
    READ_CONTINUE = 0,
    READ_STOP = 1,           /* stop the whole read (page full) */
    READ_NEXT_PARTITION = 2, /* skip the rest of this partition */
};

/*
 * Receives live data in read order. static_row is NULL when the partition has no live static
 * cells. A row passed to row() is valid only during the call; its cells are live, merged
 * and have tombstones and TTLs applied. A partition with neither live rows nor a live static row
 * is not reported (partition_start is called lazily).
 * partition_end follows every partition_start, unless a callback returned READ_STOP: after that
 * nothing more is called. With rows.static_only, partition_start is called for each partition
 * with a live static row or at least one live row, and row() never (SELECT DISTINCT). A resumed
 * partition whose static row was already returned (resume_static_done) is reported only if it
 * has more rows.
 */
struct read_visitor {
    int (*partition_start)(void *arg, const struct pkey *key, const struct row *static_row);
    int (*row)(void *arg, const struct row *row);
    int (*partition_end)(void *arg);
    void *arg;
};

/* Runs a read. Returns 0 when the visitor or the data ended, or an error (ERR_CORRUPT with a
   message naming the file and block, ERR_NOT_FOUND for an unknown table). */
int store_read(struct store *st, const struct read_cmd *cmd, const struct read_visitor *v,
               struct errmsg *em);

/* Flushes the table's memtable (or every table when table_id is NULL) and waits. */
int store_flush(struct store *st, const struct uuid *table_id, struct errmsg *em);
/* Runs a major compaction of the table and waits (nodetool compact). */
int store_compact(struct store *st, const struct uuid *table_id, struct errmsg *em);
/* Waits until no flush or compaction is running or pending (tests, nodetool). */
void store_wait_idle(struct store *st);

/* Snapshots: flush, then hard-link live SSTables into <table dir>/snapshots/<tag>/ with a
   manifest.json and schema.cql (nodetool snapshot). table_id NULL = every table. */
int store_snapshot(struct store *st, const char *tag, const struct uuid *table_id,
                   struct errmsg *em);
int store_clear_snapshot(struct store *st, const char *tag, struct errmsg *em);

struct table_stats {
    uint64_t live_sstables;
    uint64_t sstable_bytes;
    uint64_t memtable_bytes;
    uint64_t memtable_cells;
    uint64_t flushes;
    uint64_t compactions;
    uint64_t bytes_flushed;
    uint64_t bytes_compacted_read;
    uint64_t bytes_compacted_written;
    uint64_t bloom_checks;
    uint64_t bloom_negatives;
    uint64_t partitions_estimate;
};
int store_table_stats(struct store *st, const struct uuid *table_id, struct table_stats *out);

#endif

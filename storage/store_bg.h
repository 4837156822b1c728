/*
 * store_bg: the store's background work (Cassandra's flush writers and CompactionManager):
 * one flush thread draining a FIFO queue of retired memtables, and concurrent_compactors
 * threads running size-tiered compactions of tables that asked for a check.
 *
 * Flush queue: store_bg_flush retires a table's active memtable on the caller's thread (a short
 * critical section) and queues it; the flush thread writes it. FIFO order keeps each table's
 * flushes in switch order, which the commit log's "flushed up to" marks require. A failed flush
 * stays at the head and is retried every second; its memtable stays readable meanwhile.
 * After each flush the table is queued for a compaction check; a compactor that finds work
 * runs it and queues the table again (there may be more buckets).
 * Thread rule: every function is thread-safe.
 */
#ifndef RINGDB_STORAGE_STORE_BG_H
#define RINGDB_STORAGE_STORE_BG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "node/base/err.h"
#include "storage/table.h"

#define STORE_BG_COMPACTORS_MAX 64
#define STORE_BG_TICK_MS 1000

struct store_bg_config {
    uint32_t compactors;        /* 0: no background compaction */
    uint64_t compaction_bytes_per_s; /* 0: unthrottled */
    bool incremental_backups;   /* link each flushed SSTable into backups/ */
    /* Called on the flush thread when a retired memtable of `bytes` is released. */
    void (*released_cb)(void *arg, size_t bytes);
    /* Called about every STORE_BG_TICK_MS on the flush thread while it is idle, with no lock
       held (periodic flushes: memtable_flush_period_in_ms). May be NULL. */
    void (*tick_cb)(void *arg);
    void *arg;
};

struct store_bg;

int store_bg_start(const struct store_bg_config *c, struct store_bg **out, struct errmsg *em);
/* Stops the threads: running compactions are abandoned (their inputs stay); queued flushes
   are attempted once more, then dropped (the commit log still holds their data). NULL ok. */
void store_bg_stop(struct store_bg *bg);

/* Retires t's active memtable into the flush queue. Returns the memtable's bytes (0 when it was
   empty and nothing was queued). */
size_t store_bg_flush(struct store_bg *bg, struct table *t);
/* The sequence number of the last queued flush (to wait for). */
uint64_t store_bg_flush_seq(struct store_bg *bg);
/* The sequence number of the last completed flush (flushes complete in order). */
uint64_t store_bg_flushed_seq(struct store_bg *bg);
/* Waits until the flushes queued up to seq are done. Returns the error of a failed attempt of
   one of the flushes after since (they are retried in the background), else 0. */
int store_bg_wait_flushed(struct store_bg *bg, uint64_t since, uint64_t seq);

/* Queues t for a size-tiered compaction check. */
void store_bg_check_compaction(struct store_bg *bg, struct table *t);
/* Major compaction of t on the caller's thread, after the running ones of t finish. */
int store_bg_compact_major(struct store_bg *bg, struct table *t, struct errmsg *em);

/* Waits until no flush or compaction is queued or running. */
void store_bg_wait_idle(struct store_bg *bg);

#endif

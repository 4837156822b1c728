/*
 * store_int: the store's private state, shared by store.c and store_replay.c (the
 * commitlog_int.h pattern; nothing outside storage/store*.c includes this). Cross-file
 * functions are named store__*.
 *
 * Thread rule: as store.h: every store__ function is thread-safe. The table registry is guarded
 * by tables_mu; the memory counters are atomics.
 */
#ifndef RINGDB_STORAGE_STORE_INT_H
#define RINGDB_STORAGE_STORE_INT_H

#include <pthread.h>
#include <stdatomic.h>

#include "storage/store.h"
#include "storage/table.h"

struct store {
    struct store_config cfg;
    char *data_dir, *commitlog_dir;
    struct vfs *vfs;
    struct commitlog *cl;
    pthread_rwlock_t tables_mu;
    struct table **tables;
    size_t ntables, tables_cap;
    struct store_bg *bg;
    /* memory accounting */
    _Atomic int64_t mem_total, mem_flushing;
    atomic_bool pressure;
    atomic_uint_fast64_t writes;
    atomic_bool log_flushing;
    uint64_t log_flush_seq; /* log_flushing holder only */
    struct store_replay_stats replay; /* written once, by store_replay */
};

/* A reference to the table with this id (table_unref it), or NULL. */
struct table *store__find_table(struct store *st, const struct uuid *id);
/* References to every table; *n set; release with store__unref_all. */
struct table **store__all_tables(struct store *st, size_t *n);
void store__unref_all(struct table **ts, size_t n);
/* Retires t's active memtable into the flush queue; returns its bytes (0: it was empty and
   nothing was queued). */
size_t store__flush_table(struct store *st, struct table *t);
/* Accounts delta_bytes of new memtable memory, then applies the memory and commit-log space
   policies (may retire memtables for flushing). */
void store__wrote(struct store *st, int64_t delta_bytes);

#endif

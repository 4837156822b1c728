/*
 * memtable: the in-memory sorted table of one table's recent writes (Cassandra's Memtable).
 *
 * A skip list of partitions in (token, key) order; per partition a partition deletion and a
 * static row (one immutable header version), range tombstones (a skip list by bounds) and rows
 * (a skip list by clustering; a table without clustering columns keeps its single row in one
 * slot). Everything lives in the memtable's arena and is freed with it.
 *
 * Writes merge into what is there: a write to an existing row builds the reconciled row in the
 * arena and publishes it with a release store, so readers, which use acquire loads and take no
 * lock, always see a complete version. Writers are serialised by the caller (the table's write
 * mutex). Reads return raw data (tombstones and expired cells included); merge.h makes them
 * live.
 *
 * Lifecycle: active (written) -> switched (read-only, being flushed) -> released when the last
 * reference goes. Reference counts are atomic; readers hold one for as long as they iterate.
 */
#ifndef RINGDB_STORAGE_MEMTABLE_H
#define RINGDB_STORAGE_MEMTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "storage/iter.h"
#include "storage/mutation.h"
#include "storage/schema.h"

struct memtable;

/* A new empty memtable (refs = 1); takes a schema reference. */
struct memtable *memtable_create(struct table_schema *s);
struct memtable *memtable_ref(struct memtable *m);
/* Drops a reference; the last one frees the arena. Accepts NULL. */
void memtable_unref(struct memtable *m);

/* Writer only (serialised by the caller). Applies u, copying everything it keeps. u's token
   must be set. Never fails: memory is bounded by the caller's flush policy. */
void memtable_apply(struct memtable *m, const struct partition_update *u);

/* Writer only: a hint that a write to token comes soon (replay knows its next records): starts
   loading the index slot and the partition list it will search. */
void memtable_prefetch(const struct memtable *m, int64_t token);

/* Statistics, readable from any thread. */
/* Arena bytes reserved since creation (an empty memtable counts 0), for memory accounting. */
size_t memtable_bytes(const struct memtable *m);
uint64_t memtable_cells(const struct memtable *m);
uint64_t memtable_partitions(const struct memtable *m);
bool memtable_is_empty(const struct memtable *m);
/* Smallest timestamp written (cells, rows, deletions); INT64_MAX when empty. */
int64_t memtable_min_ts(const struct memtable *m);

/* Opens one partition, limited to spec; *out = NULL if the memtable does not hold it. The
   iterator holds a reference on the memtable. */
int memtable_open_partition(struct memtable *m, const struct pkey *key,
                            const struct rows_spec *spec, struct part_iter **out);
/* Iterates the partitions whose token is in r, in (token, key) order. */
int memtable_scan(struct memtable *m, const struct token_range *r, struct range_iter **out);

#endif

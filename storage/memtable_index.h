/*
 * memtable_index: a hash index from partition key to partition for the memtable's point
 * lookups (reads of one partition, writes to an existing one), beside the ordered skip lists
 * that scans and flushes use. A skip list search costs a cache miss per node visited; a probe
 * here costs about one, since each slot holds the token next to the pointer.
 *
 * Open addressing with linear probing over slots {token, pointer}; the token (Murmur3, uniform)
 * is the hash. Entries are never removed. At half full the writer builds a table twice the size
 * and publishes it with a release store; readers holding the old one still find every entry
 * that existed when they loaded it, which is all a lookup racing an insert may expect.
 * Tables live in the caller's arena (old ones too: freed with the memtable).
 * Thread rule: one writer at a time (the table's write mutex); readers are lock-free.
 */
#ifndef RINGDB_STORAGE_MEMTABLE_INDEX_H
#define RINGDB_STORAGE_MEMTABLE_INDEX_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "node/base/arena.h"
#include "storage/iter.h"

struct memtable_index_table;

struct memtable_index {
    _Atomic(struct memtable_index_table *) table;
    struct arena *arena; /* writer only */
    size_t n;            /* writer only */
};

void memtable_index_init(struct memtable_index *ix, struct arena *a);
/* The entry whose key equals key, or NULL. Entries are pointers to a struct pkey (usually the
   first member of the caller's object). */
const struct pkey *memtable_index_get(const struct memtable_index *ix, const struct pkey *key);
/* Writer: starts loading the slot a lookup of token probes first (a hint: a writer that
   knows its next keys hides the cache miss of the probe behind its current work). */
void memtable_index_prefetch(const struct memtable_index *ix, int64_t token);
/* Writer: adds p (not present yet); p and its key bytes must outlive the index. */
void memtable_index_put(struct memtable_index *ix, const struct pkey *p);

#endif

/*
 * sstable_index: finding partitions: the in-memory summary (first key of each Index.db block)
 * is binary searched, then one checked index block (through the chunk cache) is binary
 * searched by its entry-offset table. Internal to storage/sstable*.c.
 * Thread rule: any thread holding a reference to the SSTable.
 */
#ifndef RINGDB_STORAGE_SSTABLE_INDEX_H
#define RINGDB_STORAGE_SSTABLE_INDEX_H

#include <stdint.h>

#include "storage/sstable_reader.h"

/* The last summary block whose first key is <= key, or -1 when key sorts before them all. */
int64_t sstable_index_find_block(const struct sstable *s, const struct pkey *key);
/* The first summary block that may hold a token >= token (or > token when !incl). */
uint32_t sstable_index_block_for_token(const struct sstable *s, int64_t token, bool incl);
/*
 * Looks key up: returns 1 and fills *e (its key points into *blk, which the caller releases
 * with chunk_unref) when found, 0 when absent, or a negative error.
 */
int sstable_index_lookup(struct sstable *s, const struct pkey *key, struct chunk **blk,
                         struct sstable_entry *e, struct errmsg *em);
/* Checks that an entry's ranges lie inside Data.db. */
int sstable_index_check_entry(const struct sstable *s, const struct sstable_entry *e,
                              struct errmsg *em);

#endif

/*
 * chunk_cache: a bounded cache of decompressed, checksum-verified SSTable chunks and index
 * blocks (Cassandra's ChunkCache), so a hot point read costs no pread, no CRC and no lz4.
 *
 * Shape: CHUNK_CACHE_SHARDS shards, each a mutex and an open-addressing hash table of slots
 * (file id, offset, chunk, referenced bit) in one array, chosen by the hash of (file id,
 * offset). Capacity is in bytes (payload plus a fixed overhead per entry), split evenly across
 * shards. Eviction is CLOCK over the slot array itself: a hand sweeps the slots, clearing the
 * referenced bit of entries that were hit (or just inserted) and evicting the first entry found
 * without it. Everything a lookup or an eviction sweep compares lives in the slot array, so
 * neither touches the chunks' own memory (each chunk is a separate allocation, often on its own
 * page: following a chunk per probe cost a cache and a TLB miss each). Entries are reference
 * counted: the cache holds one reference while an entry is resident, each reader one more, so
 * eviction never frees memory a reader still uses.
 * File ids come from chunk_cache_file_id() (process-unique, never reused), so entries of a
 * closed or deleted SSTable can never be returned for another one; they age out of the cache.
 *
 * A capacity of 0 disables caching: lookups miss and inserts only hand the chunk back.
 * Thread rule: every function is thread-safe. A chunk's data is immutable once inserted.
 */
#ifndef RINGDB_STORAGE_CHUNK_CACHE_H
#define RINGDB_STORAGE_CHUNK_CACHE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define CHUNK_CACHE_SHARDS 16
#define CHUNK_CACHE_ENTRY_OVERHEAD 96 /* charged per entry: the chunk header, its slot, malloc */
/* Capacity of the process-wide cache unless chunk_cache_default_configure() says otherwise. */
#define CHUNK_CACHE_DEFAULT_BYTES (128ull << 20)

struct chunk {
    atomic_uint refs;
    uint32_t len;          /* valid bytes in data */
    uint32_t cap;          /* allocated bytes in data */
    _Alignas(16) uint8_t data[];
};

struct chunk_cache;

struct chunk_cache *chunk_cache_create(uint64_t capacity_bytes);
/* Frees the cache; chunks still referenced by readers stay valid until their last unref. */
void chunk_cache_destroy(struct chunk_cache *c);

/* The process-wide cache every SSTable uses (created on first use; like vfs_default()). */
struct chunk_cache *chunk_cache_default(void);
/* Sets the default cache's capacity (store_open calls it from the config); evicts as needed. */
void chunk_cache_set_capacity(struct chunk_cache *c, uint64_t capacity_bytes);

/* A new process-unique file id. */
uint64_t chunk_cache_file_id(void);

/* The chunk at (file_id, off) with a reference for the caller, or NULL. */
struct chunk *chunk_cache_lookup(struct chunk_cache *c, uint64_t file_id, uint64_t off);
/* A new unshared chunk of cap bytes (refs = 1), to be filled and inserted. */
struct chunk *chunk_new(uint32_t cap);
/*
 * Makes ch (filled, len set) resident under (file_id, off). Takes ownership of the caller's
 * reference to ch and returns the chunk the caller should use, with a reference: ch itself, or
 * the chunk another thread inserted first for the same place (ch is then released).
 */
struct chunk *chunk_cache_insert(struct chunk_cache *c, uint64_t file_id, uint64_t off,
                                 struct chunk *ch);
/* Drops a reference; the last one frees. Accepts NULL. */
void chunk_unref(struct chunk *ch);

struct chunk_cache_stats {
    uint64_t hits, misses, inserts, evictions;
    uint64_t used_bytes, capacity_bytes, entries;
};
void chunk_cache_get_stats(struct chunk_cache *c, struct chunk_cache_stats *out);

#endif

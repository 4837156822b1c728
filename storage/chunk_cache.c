/*
 * chunk_cache: see chunk_cache.h. Each shard: a mutex, a power-of-two array of slots used as a
 * linear-probing hash table (kept at most half full; deletion shifts later entries back, so
 * there are no tombstones) and a CLOCK hand over the same array.
 * Invariants: a resident chunk is in exactly one shard's slot array and holds one reference for
 * the cache; used_bytes is the sum of charge() over the resident chunks; n * 2 <= nslots; an
 * empty slot has file_id 0 (ids start at 1).
 */
#include "storage/chunk_cache.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "node/base/assert.h"
#include "node/base/mem.h"

#define SHARD_SLOTS_MIN 64

struct slot {
    uint64_t file_id; /* 0: empty */
    uint64_t off;
    struct chunk *ch;
    uint32_t charge;
    bool referenced; /* hit (or inserted) since the hand last passed */
};

struct shard {
    pthread_mutex_t mu;
    struct slot *slots;
    size_t mask; /* nslots - 1 */
    size_t n;
    size_t hand;
    uint64_t used_bytes;
    uint64_t capacity_bytes;
    uint64_t hits, misses, inserts, evictions;
};

struct chunk_cache {
    struct shard shards[CHUNK_CACHE_SHARDS];
};

static atomic_uint_fast64_t next_file_id = 1;

uint64_t chunk_cache_file_id(void)
{
    return atomic_fetch_add(&next_file_id, 1);
}

static uint64_t hash_of(uint64_t file_id, uint64_t off)
{
    uint64_t h = file_id * 0x9E3779B97F4A7C15ull ^ off;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return h;
}

static uint32_t charge(const struct chunk *ch)
{
    return ch->cap + CHUNK_CACHE_ENTRY_OVERHEAD;
}

struct chunk_cache *chunk_cache_create(uint64_t capacity_bytes)
{
    struct chunk_cache *c = xcalloc(1, sizeof *c);
    for (int i = 0; i < CHUNK_CACHE_SHARDS; i++) {
        struct shard *s = &c->shards[i];
        pthread_mutex_init(&s->mu, NULL);
        s->slots = xcalloc(SHARD_SLOTS_MIN, sizeof *s->slots);
        s->mask = SHARD_SLOTS_MIN - 1;
        s->capacity_bytes = capacity_bytes / CHUNK_CACHE_SHARDS;
    }
    return c;
}

void chunk_cache_destroy(struct chunk_cache *c)
{
    if (!c) return;
    for (int i = 0; i < CHUNK_CACHE_SHARDS; i++) {
        struct shard *s = &c->shards[i];
        for (size_t j = 0; j <= s->mask; j++)
            if (s->slots[j].file_id) chunk_unref(s->slots[j].ch);
        free(s->slots);
        pthread_mutex_destroy(&s->mu);
    }
    free(c);
}

static struct chunk_cache *default_cache;
static pthread_once_t default_once = PTHREAD_ONCE_INIT;

static void default_init(void)
{
    default_cache = chunk_cache_create(CHUNK_CACHE_DEFAULT_BYTES);
}

struct chunk_cache *chunk_cache_default(void)
{
    pthread_once(&default_once, default_init);
    return default_cache;
}

/* ---- chunk memory ----
 * Chunks up to POOL_MAX_BYTES come from 2 MiB regions advised for transparent huge pages, with
 * one free list per 64-byte size class: a cache of 128 MiB in 4 KiB malloc blocks spread over
 * 32k base pages, so nearly every hit cost a TLB miss (a page walk that itself misses the CPU
 * cache) on the chunk header and again on its data; with huge pages, readrandom in bench_storage
 * took 28% less CPU per read (5.0 -> 3.6 us, glibc.malloc.hugetlb=1 experiment). Freed chunks
 * go back to their class's list; regions are never returned to the system, so the pool's size
 * is the peak of chunk memory in use (the cache capacity plus what readers hold), per class.
 * Under AddressSanitizer chunks use malloc, so use-after-free of a chunk is still caught. */
#define POOL_GRAIN 64
#define POOL_MAX_BYTES (64u << 10)
#define POOL_CLASSES (POOL_MAX_BYTES / POOL_GRAIN)
#define POOL_REGION_BYTES (2u << 20)

#if defined(__SANITIZE_ADDRESS__)
#define POOL_ENABLED 0
#else
#define POOL_ENABLED 1
#endif

struct pool_free {
    struct pool_free *next;
};

static struct {
    pthread_mutex_t mu;
    struct pool_free *free[POOL_CLASSES];
    uint8_t *region; /* carving point of the newest region */
    size_t region_left;
} pool = {.mu = PTHREAD_MUTEX_INITIALIZER};

static size_t pool_bytes(uint32_t cap)
{
    return (sizeof(struct chunk) + (size_t)cap + POOL_GRAIN - 1) / POOL_GRAIN * POOL_GRAIN;
}

/* A new region aligned to its size (so the kernel can back it with one huge page); NULL when
   the system refuses the mapping. */
static uint8_t *pool_region(void)
{
    size_t len = 2 * (size_t)POOL_REGION_BYTES;
    uint8_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return NULL;
    uintptr_t a = ((uintptr_t)p + POOL_REGION_BYTES - 1) & ~(uintptr_t)(POOL_REGION_BYTES - 1);
    uint8_t *r = (uint8_t *)a;
    if (r > p) munmap(p, (size_t)(r - p));
    size_t tail = (size_t)(p + len - (r + POOL_REGION_BYTES));
    if (tail) munmap(r + POOL_REGION_BYTES, tail);
    madvise(r, POOL_REGION_BYTES, MADV_HUGEPAGE); /* advice only: fine if refused */
    return r;
}

static void *pool_alloc(size_t bytes)
{
    if (!POOL_ENABLED || bytes > POOL_MAX_BYTES) return xmalloc(bytes);
    size_t c = bytes / POOL_GRAIN - 1;
    pthread_mutex_lock(&pool.mu);
    void *p = pool.free[c];
    if (p) {
        pool.free[c] = pool.free[c]->next;
    } else {
        if (pool.region_left < bytes) { /* the rest of the old region (< 64 KiB) is left */
            uint8_t *r = pool_region();
            if (!r) { /* out of memory: xmalloc fails loudly, or the block joins the pool */
                pthread_mutex_unlock(&pool.mu);
                return xmalloc(bytes);
            }
            pool.region = r;
            pool.region_left = POOL_REGION_BYTES;
        }
        p = pool.region;
        pool.region += bytes;
        pool.region_left -= bytes;
    }
    pthread_mutex_unlock(&pool.mu);
    return p;
}

static void pool_release(void *p, size_t bytes)
{
    if (!POOL_ENABLED || bytes > POOL_MAX_BYTES) {
        free(p);
        return;
    }
    struct pool_free *f = p;
    size_t c = bytes / POOL_GRAIN - 1;
    pthread_mutex_lock(&pool.mu);
    f->next = pool.free[c];
    pool.free[c] = f;
    pthread_mutex_unlock(&pool.mu);
}

struct chunk *chunk_new(uint32_t cap)
{
    struct chunk *ch = pool_alloc(pool_bytes(cap));
    atomic_init(&ch->refs, 1);
    ch->len = 0;
    ch->cap = cap;
    return ch;
}

void chunk_unref(struct chunk *ch)
{
    if (!ch) return;
    unsigned old = atomic_fetch_sub_explicit(&ch->refs, 1, memory_order_acq_rel);
    ASSERT(old > 0);
    if (old == 1) pool_release(ch, pool_bytes(ch->cap));
}

static struct shard *shard_of(struct chunk_cache *c, uint64_t h)
{
    return &c->shards[(h >> 56) % CHUNK_CACHE_SHARDS];
}

/* The slot holding (file_id, off), or the empty slot where it would go. */
static size_t find_slot(const struct shard *s, uint64_t h, uint64_t file_id, uint64_t off)
{
    size_t i = h & s->mask;
    while (s->slots[i].file_id && !(s->slots[i].file_id == file_id && s->slots[i].off == off))
        i = (i + 1) & s->mask;
    return i;
}

static void grow(struct shard *s)
{
    struct slot *old = s->slots;
    size_t old_n = s->mask + 1;
    s->slots = xcalloc(old_n * 2, sizeof *s->slots);
    s->mask = old_n * 2 - 1;
    s->hand = 0;
    for (size_t i = 0; i < old_n; i++) {
        if (!old[i].file_id) continue;
        size_t j = find_slot(s, hash_of(old[i].file_id, old[i].off), old[i].file_id, old[i].off);
        s->slots[j] = old[i];
    }
    free(old);
}

/* Empties slot i, shifting back the entries of its probe run that may move (Knuth's
   algorithm R), so every entry stays reachable from its home slot without tombstones. */
static void remove_at(struct shard *s, size_t i)
{
    size_t j = i;
    for (;;) {
        j = (j + 1) & s->mask;
        if (!s->slots[j].file_id) break;
        size_t k = hash_of(s->slots[j].file_id, s->slots[j].off) & s->mask;
        /* the entry at j stays when its home k lies cyclically in (i, j] */
        bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
        if (stays) continue;
        s->slots[i] = s->slots[j];
        i = j;
    }
    s->slots[i] = (struct slot){0};
}

/* Evicts until used <= capacity (CLOCK: referenced entries lose their bit and are passed
   over); victims are collected for the caller to release unlocked. Two sweeps clear every bit,
   so each victim costs at most two passes over the slots. */
static size_t evict_locked(struct shard *s, struct chunk **victims, size_t max)
{
    size_t nv = 0;
    while (s->used_bytes > s->capacity_bytes && s->n > 0 && nv < max) {
        size_t i = s->hand;
        struct slot *sl = &s->slots[i];
        if (!sl->file_id || sl->referenced) {
            sl->referenced = false;
            s->hand = (i + 1) & s->mask;
            continue;
        }
        victims[nv++] = sl->ch;
        s->used_bytes -= sl->charge;
        s->n--;
        s->evictions++;
        remove_at(s, i); /* an entry may have moved into i: the hand looks at it next */
    }
    return nv;
}

#define VICTIMS_MAX 64

static void release(struct chunk **victims, size_t n)
{
    for (size_t i = 0; i < n; i++) chunk_unref(victims[i]);
}

/* Evicts down to capacity, releasing victims outside the lock in batches. Takes s->mu held and
   returns with it released. */
static void evict_and_unlock(struct shard *s)
{
    struct chunk *victims[VICTIMS_MAX];
    size_t n = evict_locked(s, victims, VICTIMS_MAX);
    while (n == VICTIMS_MAX) {
        pthread_mutex_unlock(&s->mu);
        release(victims, n);
        pthread_mutex_lock(&s->mu);
        n = evict_locked(s, victims, VICTIMS_MAX);
    }
    pthread_mutex_unlock(&s->mu);
    release(victims, n);
}

struct chunk *chunk_cache_lookup(struct chunk_cache *c, uint64_t file_id, uint64_t off)
{
    uint64_t h = hash_of(file_id, off);
    struct shard *s = shard_of(c, h);
    pthread_mutex_lock(&s->mu);
    struct slot *sl = &s->slots[find_slot(s, h, file_id, off)];
    struct chunk *ch = NULL;
    if (sl->file_id) {
        ch = sl->ch;
        atomic_fetch_add_explicit(&ch->refs, 1, memory_order_relaxed);
        sl->referenced = true;
        s->hits++;
    } else {
        s->misses++;
    }
    pthread_mutex_unlock(&s->mu);
    return ch;
}

struct chunk *chunk_cache_insert(struct chunk_cache *c, uint64_t file_id, uint64_t off,
                                 struct chunk *ch)
{
    ASSERT(file_id != 0);
    uint64_t h = hash_of(file_id, off);
    struct shard *s = shard_of(c, h);
    if (s->capacity_bytes == 0 || charge(ch) > s->capacity_bytes) return ch;
    pthread_mutex_lock(&s->mu);
    struct slot *sl = &s->slots[find_slot(s, h, file_id, off)];
    if (sl->file_id) {
        struct chunk *existing = sl->ch;
        atomic_fetch_add_explicit(&existing->refs, 1, memory_order_relaxed);
        pthread_mutex_unlock(&s->mu);
        chunk_unref(ch);
        return existing;
    }
    atomic_fetch_add_explicit(&ch->refs, 1, memory_order_relaxed); /* the cache's */
    /* inserted referenced: a new entry survives the sweep that makes room for it */
    *sl = (struct slot){file_id, off, ch, charge(ch), true};
    s->n++;
    s->used_bytes += sl->charge;
    s->inserts++;
    if (s->n * 2 > s->mask + 1) grow(s);
    evict_and_unlock(s);
    return ch;
}

void chunk_cache_set_capacity(struct chunk_cache *c, uint64_t capacity_bytes)
{
    for (int i = 0; i < CHUNK_CACHE_SHARDS; i++) {
        struct shard *s = &c->shards[i];
        pthread_mutex_lock(&s->mu);
        s->capacity_bytes = capacity_bytes / CHUNK_CACHE_SHARDS;
        evict_and_unlock(s);
    }
}

void chunk_cache_get_stats(struct chunk_cache *c, struct chunk_cache_stats *out)
{
    *out = (struct chunk_cache_stats){0};
    for (int i = 0; i < CHUNK_CACHE_SHARDS; i++) {
        struct shard *s = &c->shards[i];
        pthread_mutex_lock(&s->mu);
        out->hits += s->hits;
        out->misses += s->misses;
        out->inserts += s->inserts;
        out->evictions += s->evictions;
        out->used_bytes += s->used_bytes;
        out->capacity_bytes += s->capacity_bytes;
        out->entries += s->n;
        pthread_mutex_unlock(&s->mu);
    }
}

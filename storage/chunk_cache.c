/*
 * chunk_cache: see chunk_cache.h. Each shard: a mutex, an open-addressing table (linear
 * probing, power-of-two size, load at most 1/2, backward-shift deletion) whose slots hold the
 * key inline, so a lookup compares keys without touching chunk memory (a chunk is a separate
 * 16 KiB allocation: touching its header costs a cache and often a TLB miss), and a doubly
 * linked LRU list with the newest entry at its head. Invariant: a resident chunk is in exactly
 * one shard's table and LRU list and holds one reference for the cache; used_bytes is the sum
 * of charge() over them.
 */
#include "storage/chunk_cache.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "node/base/assert.h"
#include "node/base/mem.h"

#define SHARD_SLOTS_MIN 64

struct slot {
    uint64_t file_id;
    uint64_t off;
    struct chunk *ch; /* NULL: empty */
};

struct shard {
    pthread_mutex_t mu;
    struct slot *slots;
    size_t nslots; /* power of two, at least twice n */
    size_t n;
    struct chunk *head, *tail; /* LRU: head most recent */
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

static uint64_t charge(const struct chunk *ch)
{
    return (uint64_t)ch->cap + CHUNK_CACHE_ENTRY_OVERHEAD;
}

struct chunk_cache *chunk_cache_create(uint64_t capacity_bytes)
{
    struct chunk_cache *c = xcalloc(1, sizeof *c);
    for (int i = 0; i < CHUNK_CACHE_SHARDS; i++) {
        struct shard *s = &c->shards[i];
        pthread_mutex_init(&s->mu, NULL);
        s->nslots = SHARD_SLOTS_MIN;
        s->slots = xcalloc(s->nslots, sizeof *s->slots);
        s->capacity_bytes = capacity_bytes / CHUNK_CACHE_SHARDS;
    }
    return c;
}

void chunk_cache_destroy(struct chunk_cache *c)
{
    if (!c) return;
    for (int i = 0; i < CHUNK_CACHE_SHARDS; i++) {
        struct shard *s = &c->shards[i];
        struct chunk *ch = s->head;
        while (ch) {
            struct chunk *next = ch->next;
            chunk_unref(ch);
            ch = next;
        }
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

struct chunk *chunk_new(uint32_t cap)
{
    struct chunk *ch = xmalloc(sizeof *ch + cap);
    atomic_init(&ch->refs, 1);
    ch->len = 0;
    ch->cap = cap;
    ch->file_id = 0;
    ch->off = 0;
    ch->hnext = ch->prev = ch->next = NULL;
    ch->referenced = false;
    return ch;
}

void chunk_unref(struct chunk *ch)
{
    if (!ch) return;
    unsigned old = atomic_fetch_sub_explicit(&ch->refs, 1, memory_order_acq_rel);
    ASSERT(old > 0);
    if (old == 1) free(ch);
}

static struct shard *shard_of(struct chunk_cache *c, uint64_t h)
{
    return &c->shards[(h >> 56) % CHUNK_CACHE_SHARDS];
}

static void lru_unlink(struct shard *s, struct chunk *ch)
{
    if (ch->prev) ch->prev->next = ch->next;
    else s->head = ch->next;
    if (ch->next) ch->next->prev = ch->prev;
    else s->tail = ch->prev;
    ch->prev = ch->next = NULL;
}

static void lru_push_head(struct shard *s, struct chunk *ch)
{
    ch->prev = NULL;
    ch->next = s->head;
    if (s->head) s->head->prev = ch;
    s->head = ch;
    if (!s->tail) s->tail = ch;
}

/* The slot holding (file_id, off), or the empty slot where it would go. */
static size_t find_slot(const struct shard *s, uint64_t h, uint64_t file_id, uint64_t off)
{
    size_t mask = s->nslots - 1, i = h & mask;
    while (s->slots[i].ch && !(s->slots[i].file_id == file_id && s->slots[i].off == off))
        i = (i + 1) & mask;
    return i;
}

static void grow(struct shard *s)
{
    struct slot *old = s->slots;
    size_t nold = s->nslots;
    s->nslots = nold * 2;
    s->slots = xcalloc(s->nslots, sizeof *s->slots);
    for (size_t i = 0; i < nold; i++) {
        if (!old[i].ch) continue;
        size_t j = find_slot(s, hash_of(old[i].file_id, old[i].off), old[i].file_id, old[i].off);
        s->slots[j] = old[i];
    }
    free(old);
}

/* Empties slot i, moving later members of its probe run back so every run stays unbroken. */
static void slot_delete(struct shard *s, size_t i)
{
    size_t mask = s->nslots - 1, j = i;
    for (;;) {
        j = (j + 1) & mask;
        if (!s->slots[j].ch) break;
        size_t home = hash_of(s->slots[j].file_id, s->slots[j].off) & mask;
        /* Move j back to i unless its home lies cyclically in (i, j]. */
        bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (stays) continue;
        s->slots[i] = s->slots[j];
        i = j;
    }
    s->slots[i] = (struct slot){0, 0, NULL};
}

/* Removes a resident chunk; returns it so the caller drops the cache's reference unlocked. */
static struct chunk *remove_locked(struct shard *s, struct chunk *ch)
{
    size_t i = find_slot(s, hash_of(ch->file_id, ch->off), ch->file_id, ch->off);
    ASSERT(s->slots[i].ch == ch);
    slot_delete(s, i);
    lru_unlink(s, ch);
    s->n--;
    s->used_bytes -= charge(ch);
    return ch;
}

/* Evicts from the tail until used <= capacity, giving referenced entries a second chance;
   victims are chained through hnext. Ends: each pass clears the bits it skips. */
static struct chunk *evict_locked(struct shard *s)
{
    struct chunk *victims = NULL;
    while (s->used_bytes > s->capacity_bytes && s->tail) {
        struct chunk *t = s->tail;
        if (t->referenced) {
            t->referenced = false;
            lru_unlink(s, t);
            lru_push_head(s, t);
            continue;
        }
        struct chunk *v = remove_locked(s, t);
        v->hnext = victims;
        victims = v;
        s->evictions++;
    }
    return victims;
}

static void release_chain(struct chunk *victims)
{
    while (victims) {
        struct chunk *next = victims->hnext;
        chunk_unref(victims);
        victims = next;
    }
}

struct chunk *chunk_cache_lookup(struct chunk_cache *c, uint64_t file_id, uint64_t off)
{
    uint64_t h = hash_of(file_id, off);
    struct shard *s = shard_of(c, h);
    pthread_mutex_lock(&s->mu);
    struct chunk *ch = s->slots[find_slot(s, h, file_id, off)].ch;
    if (ch) {
        atomic_fetch_add_explicit(&ch->refs, 1, memory_order_relaxed);
        ch->referenced = true;
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
    uint64_t h = hash_of(file_id, off);
    struct shard *s = shard_of(c, h);
    if (s->capacity_bytes == 0 || charge(ch) > s->capacity_bytes) return ch;
    ch->file_id = file_id;
    ch->off = off;
    pthread_mutex_lock(&s->mu);
    size_t i = find_slot(s, h, file_id, off);
    if (s->slots[i].ch) {
        struct chunk *existing = s->slots[i].ch;
        atomic_fetch_add_explicit(&existing->refs, 1, memory_order_relaxed);
        pthread_mutex_unlock(&s->mu);
        chunk_unref(ch);
        return existing;
    }
    atomic_fetch_add_explicit(&ch->refs, 1, memory_order_relaxed); /* the cache's */
    ch->hnext = NULL;
    s->slots[i] = (struct slot){file_id, off, ch};
    lru_push_head(s, ch);
    s->n++;
    s->used_bytes += charge(ch);
    s->inserts++;
    if (s->n * 2 > s->nslots) grow(s);
    struct chunk *victims = evict_locked(s);
    pthread_mutex_unlock(&s->mu);
    release_chain(victims);
    return ch;
}

void chunk_cache_set_capacity(struct chunk_cache *c, uint64_t capacity_bytes)
{
    for (int i = 0; i < CHUNK_CACHE_SHARDS; i++) {
        struct shard *s = &c->shards[i];
        pthread_mutex_lock(&s->mu);
        s->capacity_bytes = capacity_bytes / CHUNK_CACHE_SHARDS;
        struct chunk *victims = evict_locked(s);
        pthread_mutex_unlock(&s->mu);
        release_chain(victims);
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

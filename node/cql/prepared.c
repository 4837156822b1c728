/*
 * prepared: see prepared.h. A chained hash table of entries by id plus an LRU list (head =
 * most recently used); eviction drops the cache's reference, the last user frees.
 */
#include "node/cql/prepared.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "node/base/be.h"
#include "node/base/md5.h"
#include "node/base/mem.h"
#include "node/cql/stmt.h"

#define PREPARED_BUCKETS 16384

struct prepared_cache {
    pthread_mutex_t mu;
    size_t max_bytes;
    uint32_t max_count;
    size_t bytes;
    uint32_t count;
    struct prepared *head, *tail;
    struct prepared *buckets[PREPARED_BUCKETS];
};

int prepared_cache_create(size_t max_bytes, uint32_t max_count, struct prepared_cache **out)
{
    struct prepared_cache *c = xcalloc(1, sizeof *c);
    pthread_mutex_init(&c->mu, NULL);
    c->max_bytes = max_bytes ? max_bytes : PREPARED_CACHE_BYTES_DEFAULT;
    c->max_count = max_count ? max_count : PREPARED_CACHE_COUNT_DEFAULT;
    *out = c;
    return 0;
}

void prepared_id(const char *keyspace, const char *text, size_t len, uint8_t out[PREPARED_ID_LEN])
{
    struct md5 m;
    md5_init(&m);
    if (keyspace && *keyspace) md5_update(&m, keyspace, strlen(keyspace));
    md5_update(&m, text, len);
    md5_final(&m, out);
}

struct prepared *prepared_new(const char *keyspace, const char *text, size_t len)
{
    struct prepared *p = xcalloc(1, sizeof *p);
    atomic_init(&p->refs, 1);
    arena_init(&p->arena, 4096);
    p->keyspace = arena_strdup(&p->arena, keyspace ? keyspace : "");
    p->text = arena_strndup(&p->arena, text, len);
    p->text_len = len;
    prepared_id(keyspace, text, len, p->id);
    return p;
}

void prepared_ref(struct prepared *p)
{
    atomic_fetch_add(&p->refs, 1);
}

void prepared_unref(struct prepared *p)
{
    if (!p || atomic_fetch_sub(&p->refs, 1) != 1) return;
    stmt_release(p->st);
    arena_deinit(&p->arena);
    free(p);
}

static uint32_t bucket(const uint8_t *id)
{
    return be32_load(id) % PREPARED_BUCKETS;
}

static void lru_unlink(struct prepared_cache *c, struct prepared *p)
{
    if (p->prev)
        p->prev->next = p->next;
    else
        c->head = p->next;
    if (p->next)
        p->next->prev = p->prev;
    else
        c->tail = p->prev;
    p->prev = p->next = NULL;
}

static void lru_push(struct prepared_cache *c, struct prepared *p)
{
    p->prev = NULL;
    p->next = c->head;
    if (c->head) c->head->prev = p;
    c->head = p;
    if (!c->tail) c->tail = p;
}

/* Unlinks p from the table and the list (caller holds mu); returns the cache's reference. */
static struct prepared *detach(struct prepared_cache *c, struct prepared *p)
{
    struct prepared **pp = &c->buckets[bucket(p->id)];
    while (*pp && *pp != p)
        pp = &(*pp)->hnext;
    if (*pp) *pp = p->hnext;
    p->hnext = NULL;
    lru_unlink(c, p);
    c->bytes -= p->bytes;
    c->count--;
    p->cached = false;
    return p;
}

void prepared_cache_destroy(struct prepared_cache *c)
{
    if (!c) return;
    while (c->head)
        prepared_unref(detach(c, c->head));
    pthread_mutex_destroy(&c->mu);
    free(c);
}

struct prepared *prepared_get(struct prepared_cache *c, const uint8_t *id, size_t id_len)
{
    if (id_len != PREPARED_ID_LEN) return NULL;
    pthread_mutex_lock(&c->mu);
    struct prepared *p = c->buckets[bucket(id)];
    while (p && memcmp(p->id, id, PREPARED_ID_LEN) != 0)
        p = p->hnext;
    if (p) {
        lru_unlink(c, p);
        lru_push(c, p);
        prepared_ref(p);
    }
    pthread_mutex_unlock(&c->mu);
    return p;
}

struct prepared *prepared_put(struct prepared_cache *c, struct prepared *p)
{
    p->bytes = p->arena.reserved_bytes + sizeof *p;
    struct prepared *evicted = NULL, *e;
    pthread_mutex_lock(&c->mu);
    e = c->buckets[bucket(p->id)];
    while (e && memcmp(e->id, p->id, PREPARED_ID_LEN) != 0)
        e = e->hnext;
    if (e) {
        prepared_ref(e);
        pthread_mutex_unlock(&c->mu);
        return e;
    }
    prepared_ref(p); /* the cache's */
    p->cached = true;
    p->hnext = c->buckets[bucket(p->id)];
    c->buckets[bucket(p->id)] = p;
    lru_push(c, p);
    c->bytes += p->bytes;
    c->count++;
    /* Evict from the cold end; evicted entries are chained through hnext to free unlocked. */
    while ((c->bytes > c->max_bytes || c->count > c->max_count) && c->tail && c->tail != p) {
        struct prepared *v = detach(c, c->tail);
        v->hnext = evicted;
        evicted = v;
    }
    prepared_ref(p); /* the caller's */
    pthread_mutex_unlock(&c->mu);
    while (evicted) {
        struct prepared *n = evicted->hnext;
        evicted->hnext = NULL;
        prepared_unref(evicted);
        evicted = n;
    }
    return p;
}

void prepared_remove(struct prepared_cache *c, struct prepared *p)
{
    bool drop = false;
    pthread_mutex_lock(&c->mu);
    if (p->cached) {
        detach(c, p);
        drop = true;
    }
    pthread_mutex_unlock(&c->mu);
    if (drop) prepared_unref(p);
}

void prepared_stats(struct prepared_cache *c, uint32_t *count, size_t *bytes)
{
    pthread_mutex_lock(&c->mu);
    *count = c->count;
    *bytes = c->bytes;
    pthread_mutex_unlock(&c->mu);
}

/* Unit tests for the chunk cache: hits, LRU eviction within capacity, references surviving
   eviction, duplicate inserts, disabled cache, and concurrent use. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <string.h>

#include "storage/chunk_cache.h"

static struct chunk *filled(uint32_t cap, uint8_t v)
{
    struct chunk *ch = chunk_new(cap);
    memset(ch->data, v, cap);
    ch->len = cap;
    return ch;
}

Test(chunk_cache, lookup_hits_after_insert)
{
    struct chunk_cache *c = chunk_cache_create(1 << 20);
    uint64_t f = chunk_cache_file_id();
    cr_assert_null(chunk_cache_lookup(c, f, 0));
    struct chunk *ch = chunk_cache_insert(c, f, 0, filled(100, 7));
    chunk_unref(ch);
    struct chunk *got = chunk_cache_lookup(c, f, 0);
    cr_assert_not_null(got);
    cr_assert_eq(got->data[99], 7);
    cr_assert_null(chunk_cache_lookup(c, f, 100));
    cr_assert_null(chunk_cache_lookup(c, chunk_cache_file_id(), 0));
    chunk_unref(got);
    struct chunk_cache_stats st;
    chunk_cache_get_stats(c, &st);
    cr_assert_eq(st.hits, 1);
    cr_assert_eq(st.misses, 3);
    chunk_cache_destroy(c);
}

Test(chunk_cache, stays_within_capacity_and_evicts_lru)
{
    const uint64_t cap = 64 * 1024;
    struct chunk_cache *c = chunk_cache_create(cap * CHUNK_CACHE_SHARDS);
    uint64_t f = chunk_cache_file_id();
    for (uint64_t i = 0; i < 2000; i++) chunk_unref(chunk_cache_insert(c, f, i, filled(1024, 1)));
    struct chunk_cache_stats st;
    chunk_cache_get_stats(c, &st);
    cr_assert_leq(st.used_bytes, st.capacity_bytes);
    cr_assert_gt(st.evictions, 0);
    /* The most recent inserts are resident, the oldest are not. */
    struct chunk *recent = chunk_cache_lookup(c, f, 1999);
    cr_assert_not_null(recent);
    chunk_unref(recent);
    cr_assert_null(chunk_cache_lookup(c, f, 0));
    chunk_cache_destroy(c);
}

Test(chunk_cache, reference_survives_eviction_and_destroy)
{
    struct chunk_cache *c = chunk_cache_create(4096 * CHUNK_CACHE_SHARDS);
    uint64_t f = chunk_cache_file_id();
    struct chunk *held = chunk_cache_insert(c, f, 0, filled(2000, 9));
    for (uint64_t i = 1; i < 500; i++) chunk_unref(chunk_cache_insert(c, f, i, filled(2000, 1)));
    chunk_cache_destroy(c);
    cr_assert_eq(held->data[1999], 9);
    chunk_unref(held);
}

Test(chunk_cache, duplicate_insert_returns_existing)
{
    struct chunk_cache *c = chunk_cache_create(1 << 20);
    uint64_t f = chunk_cache_file_id();
    struct chunk *a = chunk_cache_insert(c, f, 5, filled(10, 1));
    struct chunk *b = chunk_cache_insert(c, f, 5, filled(10, 2));
    cr_assert_eq(a, b);
    cr_assert_eq(b->data[0], 1);
    chunk_unref(a);
    chunk_unref(b);
    chunk_cache_destroy(c);
}

Test(chunk_cache, zero_capacity_disables)
{
    struct chunk_cache *c = chunk_cache_create(0);
    uint64_t f = chunk_cache_file_id();
    struct chunk *a = filled(10, 1);
    cr_assert_eq(chunk_cache_insert(c, f, 0, a), a);
    chunk_unref(a);
    cr_assert_null(chunk_cache_lookup(c, f, 0));
    chunk_cache_destroy(c);
}

Test(chunk_cache, shrinking_capacity_evicts)
{
    struct chunk_cache *c = chunk_cache_create(1 << 20);
    uint64_t f = chunk_cache_file_id();
    for (uint64_t i = 0; i < 100; i++) chunk_unref(chunk_cache_insert(c, f, i, filled(1000, 1)));
    chunk_cache_set_capacity(c, 0);
    struct chunk_cache_stats st;
    chunk_cache_get_stats(c, &st);
    cr_assert_eq(st.entries, 0);
    cr_assert_eq(st.used_bytes, 0);
    chunk_cache_destroy(c);
}

struct worker {
    struct chunk_cache *c;
    uint64_t f;
    int bad;
};

static void *work(void *arg)
{
    struct worker *w = arg;
    for (uint64_t i = 0; i < 20000; i++) {
        uint64_t off = (i * 7919) % 300;
        struct chunk *ch = chunk_cache_lookup(w->c, w->f, off);
        if (!ch) ch = chunk_cache_insert(w->c, w->f, off, filled(512, (uint8_t)off));
        if (ch->data[511] != (uint8_t)off) w->bad++;
        chunk_unref(ch);
    }
    return NULL;
}

Test(chunk_cache, concurrent_readers_see_consistent_chunks)
{
    struct chunk_cache *c = chunk_cache_create(64 * 1024);
    struct worker w[4];
    pthread_t t[4];
    uint64_t f = chunk_cache_file_id();
    for (int i = 0; i < 4; i++) {
        w[i] = (struct worker){c, f, 0};
        pthread_create(&t[i], NULL, work, &w[i]);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        cr_assert_eq(w[i].bad, 0);
    }
    struct chunk_cache_stats st;
    chunk_cache_get_stats(c, &st);
    cr_assert_leq(st.used_bytes, st.capacity_bytes);
    chunk_cache_destroy(c);
}

Test(chunk_cache, table_stays_consistent_through_evictions)
{
    /* Every resident entry must stay findable however evictions punch holes in probe runs:
       the number found equals the number resident, and each has its own data. */
    struct chunk_cache *c = chunk_cache_create(1u << 30);
    uint64_t f = chunk_cache_file_id();
    const uint64_t n = 5000;
    for (uint64_t i = 0; i < n; i++) chunk_unref(chunk_cache_insert(c, f, i * 7, filled(64, (uint8_t)i)));
    uint64_t caps[] = {600000, 300000, 100000, 20000, 0};
    for (size_t k = 0; k < sizeof caps / sizeof caps[0]; k++) {
        chunk_cache_set_capacity(c, caps[k]);
        uint64_t found = 0;
        for (uint64_t i = 0; i < n; i++) {
            struct chunk *ch = chunk_cache_lookup(c, f, i * 7);
            if (!ch) continue;
            cr_assert_eq(ch->data[0], (uint8_t)i);
            found++;
            chunk_unref(ch);
        }
        struct chunk_cache_stats st;
        chunk_cache_get_stats(c, &st);
        cr_assert_eq(found, st.entries, "capacity %llu", (unsigned long long)caps[k]);
        cr_assert_leq(st.used_bytes, st.capacity_bytes);
        /* Refill some, so later rounds delete from mixed runs. */
        for (uint64_t i = 0; i < n; i += 3)
            chunk_unref(chunk_cache_insert(c, f, i * 7, filled(64, (uint8_t)i)));
    }
    chunk_cache_destroy(c);
}

/* Chunk memory is recycled per size class: chunks of many sizes (pooled ones and ones too big
   for the pool), freed and allocated again in a shuffled order, never overlap. */
Test(chunk_cache, chunks_of_every_size_keep_their_own_bytes)
{
    enum { N = 600 };
    static struct chunk *live[N];
    static uint8_t value[N];
    uint32_t caps[] = {0, 1, 47, 48, 49, 4100, 16388, 65000, 65536, 70000, 200000};
    size_t ncaps = sizeof caps / sizeof caps[0];
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < N; i++) {
            if (live[i] && (i + round) % 3 != 0) continue;
            chunk_unref(live[i]);
            uint32_t cap = caps[(size_t)(i * 7 + round) % ncaps];
            value[i] = (uint8_t)(i * 13 + round);
            live[i] = filled(cap, value[i]);
        }
        for (int i = 0; i < N; i++) {
            struct chunk *ch = live[i];
            for (uint32_t k = 0; k < ch->len; k++)
                cr_assert_eq(ch->data[k], value[i], "chunk %d byte %u overwritten", i, k);
        }
    }
    for (int i = 0; i < N; i++) chunk_unref(live[i]);
}

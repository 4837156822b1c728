/*
 * memtable_index: see memtable_index.h. Invariants: capacity is a power of two; the table is
 * at most half full, so every probe sequence reaches an empty slot; a slot's token is written
 * before its pointer is published and neither changes afterwards.
 */
#include "storage/memtable_index.h"

#include "node/base/assert.h"

#define INDEX_INITIAL_SLOTS 64

struct index_slot {
    int64_t token;
    _Atomic(const struct pkey *) p;
};

struct memtable_index_table {
    size_t mask; /* capacity - 1 */
    struct index_slot slots[];
};

static struct memtable_index_table *table_new(struct arena *a, size_t cap)
{
    struct memtable_index_table *t =
        arena_alloc(a, sizeof *t + cap * sizeof(struct index_slot));
    t->mask = cap - 1;
    for (size_t i = 0; i < cap; i++) {
        t->slots[i].token = 0;
        atomic_init(&t->slots[i].p, NULL);
    }
    return t;
}

void memtable_index_init(struct memtable_index *ix, struct arena *a)
{
    ix->arena = a;
    ix->n = 0;
    atomic_init(&ix->table, NULL);
}

static size_t home(const struct memtable_index_table *t, int64_t token)
{
    return (size_t)((uint64_t)token ^ ((uint64_t)token >> 29)) & t->mask;
}

const struct pkey *memtable_index_get(const struct memtable_index *ix, const struct pkey *key)
{
    const struct memtable_index_table *t = atomic_load_explicit(&ix->table, memory_order_acquire);
    if (!t) return NULL;
    for (size_t i = home(t, key->token);; i = (i + 1) & t->mask) {
        const struct pkey *p = atomic_load_explicit(&t->slots[i].p, memory_order_acquire);
        if (!p) return NULL;
        if (t->slots[i].token == key->token && pkey_cmp(p, key) == 0) return p;
    }
}

void memtable_index_prefetch(const struct memtable_index *ix, int64_t token)
{
    const struct memtable_index_table *t = atomic_load_explicit(&ix->table, memory_order_relaxed);
    if (t) __builtin_prefetch(&t->slots[home(t, token)]);
}

static void place(struct memtable_index_table *t, const struct pkey *p)
{
    size_t i = home(t, p->token);
    while (atomic_load_explicit(&t->slots[i].p, memory_order_relaxed)) i = (i + 1) & t->mask;
    t->slots[i].token = p->token;
    atomic_store_explicit(&t->slots[i].p, p, memory_order_release);
}

void memtable_index_put(struct memtable_index *ix, const struct pkey *p)
{
    struct memtable_index_table *t = atomic_load_explicit(&ix->table, memory_order_relaxed);
    if (!t || (ix->n + 1) * 2 > t->mask + 1) {
        struct memtable_index_table *nt =
            table_new(ix->arena, t ? (t->mask + 1) * 2 : INDEX_INITIAL_SLOTS);
        for (size_t i = 0; t && i <= t->mask; i++) {
            const struct pkey *q = atomic_load_explicit(&t->slots[i].p, memory_order_relaxed);
            if (q) place(nt, q);
        }
        atomic_store_explicit(&ix->table, nt, memory_order_release);
        t = nt;
    }
    ASSERT((ix->n + 1) * 2 <= t->mask + 1);
    place(t, p);
    ix->n++;
}

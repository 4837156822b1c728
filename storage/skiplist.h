/*
 * skiplist: an arena-allocated, insert-only skip list with lock-free readers (LevelDB's
 * SkipList). Keys are opaque pointers ordered by a comparator; nodes are never removed or
 * moved, and the whole list is freed with its arena.
 *
 * Each node carries a 64-bit hint beside the key pointer: an order-preserving summary of the
 * key (the token for partitions, 0 when a list has none). Nodes are ordered by hint first and
 * by the comparator only between equal hints, so most steps of a search compare two integers
 * in the node itself instead of following the key pointer (one cache miss fewer per step).
 *
 * Publication rule: a writer fills a node completely (key and its own next pointers) before
 * linking it with a release store; readers follow links with acquire loads, so a reader that
 * sees a node sees its key fully built. Writers must be serialised by the caller (the table's
 * write mutex); any number of readers may run at the same time as one writer.
 */
#ifndef RINGDB_STORAGE_SKIPLIST_H
#define RINGDB_STORAGE_SKIPLIST_H

#include <stdatomic.h>
#include <stdint.h>

#include "node/base/arena.h"

#define SKIPLIST_HEIGHT_MAX 12

/* Orders a node's key against a target: <0 when key sorts before target. ctx is the list's. */
typedef int (*skiplist_cmp_cb)(void *ctx, const void *key, const void *target);

struct skiplist_node {
    int64_t hint;
    void *key;
    _Atomic(struct skiplist_node *) next[]; /* as many as the node's height */
};

struct skiplist {
    struct skiplist_node *head; /* SKIPLIST_HEIGHT_MAX links, no key */
    atomic_int height;
    uint32_t rnd;      /* writer only */
    struct arena *arena; /* writer only */
};

/* A search result for an insert: the predecessors at each level. */
struct skiplist_pos {
    struct skiplist_node *prev[SKIPLIST_HEIGHT_MAX];
};

void skiplist_init(struct skiplist *sl, struct arena *a, uint32_t seed);

/* A search target: its hint and what the comparator compares keys with. */
struct skiplist_target {
    int64_t hint;
    const void *key;
};

/* Writer: finds target; returns its node when a key compares equal (same hint, cmp == 0),
   else NULL with *pos ready for skiplist_insert. */
struct skiplist_node *skiplist_find_for_insert(struct skiplist *sl, skiplist_cmp_cb cmp,
                                               void *ctx, struct skiplist_target target,
                                               struct skiplist_pos *pos);
/* Writer: links key at pos (from the find that returned NULL, with no write in between). */
struct skiplist_node *skiplist_insert(struct skiplist *sl, struct skiplist_pos *pos,
                                      int64_t hint, void *key);

/* Readers. */
struct skiplist_node *skiplist_first(const struct skiplist *sl);
struct skiplist_node *skiplist_last(const struct skiplist *sl);
static inline struct skiplist_node *skiplist_next(const struct skiplist_node *n)
{
    return atomic_load_explicit(&n->next[0], memory_order_acquire);
}
/* The first node >= target (by hint, then cmp(key, target) >= 0), or NULL. */
struct skiplist_node *skiplist_seek_ge(const struct skiplist *sl, skiplist_cmp_cb cmp, void *ctx,
                                       struct skiplist_target target);
/* The last node < target, or NULL. */
struct skiplist_node *skiplist_seek_lt(const struct skiplist *sl, skiplist_cmp_cb cmp, void *ctx,
                                       struct skiplist_target target);

#endif

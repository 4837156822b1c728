/*
 * skiplist: see skiplist.h. Heights are drawn with probability 1/4 per level (LevelDB) from a
 * per-list xorshift generator, so runs are reproducible and no global state is shared.
 * Invariants: the list is sorted by the comparator and holds no two equal keys; the height
 * only grows; a node's next pointers at level i are set before it is linked at level i.
 */
#include "storage/skiplist.h"

static struct skiplist_node *node_new(struct arena *a, int height, int64_t hint, void *key)
{
    size_t size = sizeof(struct skiplist_node) +
                  (size_t)height * sizeof(_Atomic(struct skiplist_node *));
    struct skiplist_node *n = arena_alloc(a, size);
    n->hint = hint;
    n->key = key;
    for (int i = 0; i < height; i++) atomic_init(&n->next[i], NULL);
    return n;
}

void skiplist_init(struct skiplist *sl, struct arena *a, uint32_t seed)
{
    sl->arena = a;
    sl->rnd = seed ? seed : 0x9E3779B9u;
    sl->head = node_new(a, SKIPLIST_HEIGHT_MAX, 0, NULL);
    atomic_init(&sl->height, 1);
}

static int random_height(struct skiplist *sl)
{
    int h = 1;
    for (;;) {
        uint32_t x = sl->rnd;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        sl->rnd = x;
        if (h >= SKIPLIST_HEIGHT_MAX || (x & 3) != 0) return h;
        h++;
    }
}

static inline struct skiplist_node *next_at(const struct skiplist_node *n, int level)
{
    return atomic_load_explicit(&n->next[level], memory_order_acquire);
}

/* Orders node n against target: hints first, the comparator between equal hints. */
static inline int node_cmp(const struct skiplist_node *n, skiplist_cmp_cb cmp, void *ctx,
                           struct skiplist_target target)
{
    if (n->hint != target.hint) return n->hint < target.hint ? -1 : 1;
    return cmp(ctx, n->key, target.key);
}

struct skiplist_node *skiplist_find_for_insert(struct skiplist *sl, skiplist_cmp_cb cmp,
                                               void *ctx, struct skiplist_target target,
                                               struct skiplist_pos *pos)
{
    struct skiplist_node *x = sl->head;
    int level = atomic_load_explicit(&sl->height, memory_order_relaxed) - 1;
    struct skiplist_node *found = NULL;
    for (;;) {
        struct skiplist_node *nx = next_at(x, level);
        int c = nx ? node_cmp(nx, cmp, ctx, target) : 1;
        if (c < 0) {
            x = nx;
            continue;
        }
        if (c == 0) found = nx;
        pos->prev[level] = x;
        if (level == 0) break;
        level--;
    }
    return found;
}

struct skiplist_node *skiplist_insert(struct skiplist *sl, struct skiplist_pos *pos,
                                      int64_t hint, void *key)
{
    int h = random_height(sl);
    int cur = atomic_load_explicit(&sl->height, memory_order_relaxed);
    if (h > cur) {
        for (int i = cur; i < h; i++) pos->prev[i] = sl->head;
        /* readers that see the new height before the links just find NULL at the top */
        atomic_store_explicit(&sl->height, h, memory_order_relaxed);
    }
    struct skiplist_node *n = node_new(sl->arena, h, hint, key);
    for (int i = 0; i < h; i++) {
        atomic_store_explicit(&n->next[i], next_at(pos->prev[i], i), memory_order_relaxed);
        atomic_store_explicit(&pos->prev[i]->next[i], n, memory_order_release);
    }
    return n;
}

struct skiplist_node *skiplist_first(const struct skiplist *sl)
{
    return next_at(sl->head, 0);
}

struct skiplist_node *skiplist_last(const struct skiplist *sl)
{
    struct skiplist_node *x = sl->head;
    int level = atomic_load_explicit(&sl->height, memory_order_relaxed) - 1;
    for (;;) {
        struct skiplist_node *nx = next_at(x, level);
        if (nx) {
            x = nx;
        } else if (level == 0) {
            return x == sl->head ? NULL : x;
        } else {
            level--;
        }
    }
}

/* The last node whose key is < target, or the head. */
static struct skiplist_node *last_before(const struct skiplist *sl, skiplist_cmp_cb cmp,
                                         void *ctx, struct skiplist_target target)
{
    struct skiplist_node *x = sl->head;
    int level = atomic_load_explicit(&sl->height, memory_order_relaxed) - 1;
    for (;;) {
        struct skiplist_node *nx = next_at(x, level);
        if (nx && node_cmp(nx, cmp, ctx, target) < 0) {
            x = nx;
        } else if (level == 0) {
            return x;
        } else {
            level--;
        }
    }
}

struct skiplist_node *skiplist_seek_ge(const struct skiplist *sl, skiplist_cmp_cb cmp, void *ctx,
                                       struct skiplist_target target)
{
    return next_at(last_before(sl, cmp, ctx, target), 0);
}

struct skiplist_node *skiplist_seek_lt(const struct skiplist *sl, skiplist_cmp_cb cmp, void *ctx,
                                       struct skiplist_target target)
{
    struct skiplist_node *x = last_before(sl, cmp, ctx, target);
    return x == sl->head ? NULL : x;
}

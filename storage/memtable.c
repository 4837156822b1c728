/*
 * memtable: see memtable.h.
 *
 * Layout (all in the arena):
 *   parts: MEMTABLE_BUCKETS skiplists of struct mem_part by pkey_cmp, one per slice of the
 *          token ring (the token's top bits), made on first use. Tokens are uniform, so this
 *          takes log4(buckets) levels off every search; nodes live in their own arena, densely
 *          packed, so the upper levels of the lists stay in cache.
 *   mem_part: key copy; hdr (atomic pointer to an immutable {partition deletion, static row});
 *             rows (atomic pointer to a skiplist of struct mem_row, made on the first row) or,
 *             for tables without clustering columns, single (atomic pointer to the one row);
 *             rts (atomic pointer to a skiplist of struct mem_rt by (start, end)).
 *   mem_row:  clustering copy + atomic pointer to the current reconciled struct row.
 *
 * Publication: every object is fully built before the release store that makes it reachable
 * (a new skiplist node, a new row version, a new header, a lazily made skiplist); readers load
 * with acquire. Old row versions stay in the arena until the memtable is freed (their value
 * bytes are shared with the new versions, so an overwrite costs the cell array, not the data).
 * Writer-only state: the arena, the skiplists' generators, the scratch buffer.
 */
#include "storage/memtable.h"

#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "node/base/assert.h"
#include "node/base/mem.h"
#include "storage/memtable_index.h"
#include "storage/merge.h"
#include "storage/skiplist.h"

#define MEMTABLE_ARENA_BLOCK (256u << 10)
#define MEMTABLE_NODE_BLOCK (64u << 10)
#define MEMTABLE_BUCKET_BITS 14
#define MEMTABLE_BUCKETS (1u << MEMTABLE_BUCKET_BITS)

struct mem_hdr {
    struct deletion pdel;
    const struct row *static_row;
};

struct mem_row {
    const uint8_t *ck;
    uint32_t ck_len;
    _Atomic(const struct row *) cur;
};

struct mem_rt {
    struct slice range;
    _Atomic(const struct deletion *) del;
};

struct mem_part {
    struct pkey key; /* first: the index stores &key */
    _Atomic(const struct mem_hdr *) hdr;
    _Atomic(struct skiplist *) rows;
    _Atomic(const struct row *) single;
    _Atomic(struct skiplist *) rts;
};

static_assert(offsetof(struct mem_part, key) == 0, "the index points at mem_part.key");

struct memtable {
    atomic_int refs;
    struct table_schema *schema;
    struct arena arena;
    struct arena node_arena; /* partition skiplist nodes */
    struct memtable_index index; /* point lookups: pkey -> mem_part */
    _Atomic(struct skiplist *) parts[MEMTABLE_BUCKETS];
    atomic_size_t bytes; /* arena bytes reserved since creation */
    size_t base_bytes;   /* reserved by creation itself (the partition list head) */
    atomic_uint_fast64_t cells;
    atomic_uint_fast64_t partitions;
    _Atomic int64_t min_ts;
    uint32_t seed;
    struct merge_scratch sc;
};

struct memtable *memtable_create(struct table_schema *s)
{
    struct memtable *m = xcalloc(1, sizeof *m);
    atomic_init(&m->refs, 1);
    m->schema = table_schema_ref(s);
    arena_init(&m->arena, MEMTABLE_ARENA_BLOCK);
    arena_init(&m->node_arena, MEMTABLE_NODE_BLOCK);
    memtable_index_init(&m->index, &m->node_arena);
    /* parts[] is left as calloc zeroed it (NULL pointers): initialising 16384 slots one by
       one would touch 128 KiB per memtable, most of which a small table never uses */
    m->base_bytes = 0;
    atomic_init(&m->bytes, 0);
    atomic_init(&m->cells, 0);
    atomic_init(&m->partitions, 0);
    atomic_init(&m->min_ts, INT64_MAX);
    m->seed = 0x6C078965u;
    merge_scratch_init(&m->sc);
    return m;
}

struct memtable *memtable_ref(struct memtable *m)
{
    atomic_fetch_add_explicit(&m->refs, 1, memory_order_relaxed);
    return m;
}

void memtable_unref(struct memtable *m)
{
    if (!m) return;
    int prev = atomic_fetch_sub_explicit(&m->refs, 1, memory_order_acq_rel);
    ASSERT(prev > 0);
    if (prev != 1) return;
    merge_scratch_deinit(&m->sc);
    arena_deinit(&m->arena);
    arena_deinit(&m->node_arena);
    table_schema_unref(m->schema);
    free(m);
}

size_t memtable_bytes(const struct memtable *m)
{
    return atomic_load_explicit(&m->bytes, memory_order_relaxed);
}

uint64_t memtable_cells(const struct memtable *m)
{
    return atomic_load_explicit(&m->cells, memory_order_relaxed);
}

uint64_t memtable_partitions(const struct memtable *m)
{
    return atomic_load_explicit(&m->partitions, memory_order_relaxed);
}

bool memtable_is_empty(const struct memtable *m)
{
    return memtable_partitions(m) == 0;
}

int64_t memtable_min_ts(const struct memtable *m)
{
    return atomic_load_explicit(&m->min_ts, memory_order_relaxed);
}

static uint32_t bucket_of(int64_t token)
{
    return (uint32_t)(((uint64_t)token ^ (1ull << 63)) >> (64 - MEMTABLE_BUCKET_BITS));
}

/* ---- comparators ---- */

/* Partition nodes carry their token as the skiplist hint; row and tombstone lists carry 0. */
static struct skiplist_target at(int64_t hint, const void *key)
{
    struct skiplist_target t = {hint, key};
    return t;
}

static int cmp_part(void *ctx, const void *key, const void *target)
{
    (void)ctx;
    return pkey_cmp(&((const struct mem_part *)key)->key, target);
}

static int cmp_part_token(void *ctx, const void *key, const void *target)
{
    (void)ctx;
    const struct mem_part *p = key;
    const struct token_range *r = target;
    if (p->key.token < r->start || (p->key.token == r->start && !r->start_incl)) return -1;
    return 1;
}

static int cmp_row(void *ctx, const void *key, const void *target)
{
    const struct mem_row *a = key, *b = target;
    return clustering_cmp(ctx, a->ck, a->ck_len, b->ck, b->ck_len);
}

static int cmp_row_bound(void *ctx, const void *key, const void *target)
{
    const struct mem_row *a = key;
    return bound_cmp_clustering(ctx, target, a->ck, a->ck_len);
}

static int cmp_rt(void *ctx, const void *key, const void *target)
{
    const struct slice *a = &((const struct mem_rt *)key)->range, *b = target;
    int c = bound_cmp(ctx, &a->start, &b->start);
    return c ? c : bound_cmp(ctx, &a->end, &b->end);
}

/* ---- writer ---- */

static const uint8_t *dup_bytes(struct memtable *m, const uint8_t *p, uint32_t n)
{
    return n ? arena_dup(&m->arena, p, n) : NULL;
}

static void note_ts(struct memtable *m, int64_t *min_ts, int64_t ts_us)
{
    (void)m;
    if (ts_us != TS_NONE && ts_us < *min_ts) *min_ts = ts_us;
}

/* Copies r into the arena: arrays, clustering and every value and path (packed in one block). */
static struct row *row_copy(struct memtable *m, const struct row *r, const uint8_t *ck,
                            int64_t *min_ts)
{
    struct row *o = arena_alloc(&m->arena, sizeof *o);
    *o = *r;
    o->ck = ck;
    if (!ck) o->ck_len = 0;
    note_ts(m, min_ts, r->liveness.ts_us);
    note_ts(m, min_ts, r->deletion.ts_us);
    if (r->ncomplex) {
        o->complex = arena_dup(&m->arena, r->complex, r->ncomplex * sizeof *r->complex);
        for (uint16_t i = 0; i < r->ncomplex; i++) note_ts(m, min_ts, r->complex[i].del.ts_us);
    }
    if (!r->ncells) return o;
    o->cells = arena_dup(&m->arena, r->cells, r->ncells * sizeof *r->cells);
    size_t total = 0;
    for (uint32_t i = 0; i < r->ncells; i++) total += r->cells[i].path_len + r->cells[i].value_len;
    uint8_t *data = total ? arena_alloc(&m->arena, total) : NULL;
    for (uint32_t i = 0; i < r->ncells; i++) {
        struct cell *c = &o->cells[i];
        note_ts(m, min_ts, c->ts_us);
        if (c->path_len) {
            memcpy(data, c->path, c->path_len);
            c->path = data;
            data += c->path_len;
        }
        if (c->value_len) {
            memcpy(data, c->value, c->value_len);
            c->value = data;
            data += c->value_len;
        }
    }
    atomic_fetch_add_explicit(&m->cells, r->ncells, memory_order_relaxed);
    return o;
}

/* The reconciled version of old and new (both in the arena), built in the arena. */
static const struct row *row_merge(struct memtable *m, const struct row *old,
                                   const struct row *new_row)
{
    const struct row *v[2] = {old, new_row};
    struct row merged;
    merge_row_versions(v, 2, &m->sc, &merged);
    struct row *o = arena_alloc(&m->arena, sizeof *o);
    *o = merged;
    o->complex = merged.ncomplex
                     ? arena_dup(&m->arena, merged.complex, merged.ncomplex * sizeof *o->complex)
                     : NULL;
    o->cells = merged.ncells ? arena_dup(&m->arena, merged.cells, merged.ncells * sizeof *o->cells)
                             : NULL;
    return o;
}

void memtable_prefetch(const struct memtable *m, int64_t token)
{
    memtable_index_prefetch(&m->index, token);
    struct skiplist *sl = atomic_load_explicit(&m->parts[bucket_of(token)], memory_order_relaxed);
    if (sl) __builtin_prefetch(sl->head);
}

static struct mem_part *part_get(struct memtable *m, const struct partition_update *u)
{
    struct pkey key = {.token = u->token, .key = u->key, .len = u->key_len};
    const struct pkey *hit = memtable_index_get(&m->index, &key);
    if (hit) return (struct mem_part *)hit; /* key is the first member of struct mem_part */
    struct skiplist_pos pos;
    struct skiplist *sl = atomic_load_explicit(&m->parts[bucket_of(u->token)], memory_order_relaxed);
    if (!sl) {
        sl = arena_alloc(&m->node_arena, sizeof *sl);
        skiplist_init(sl, &m->node_arena, m->seed += 0x9E3779B9u);
        atomic_store_explicit(&m->parts[bucket_of(u->token)], sl, memory_order_release);
    }
    struct skiplist_node *n = skiplist_find_for_insert(sl, cmp_part, NULL, at(key.token, &key), &pos);
    if (n) return n->key;
    struct mem_part *p = arena_zalloc(&m->arena, sizeof *p);
    p->key.token = u->token;
    p->key.len = u->key_len;
    p->key.key = dup_bytes(m, u->key, u->key_len);
    skiplist_insert(sl, &pos, p->key.token, p);
    memtable_index_put(&m->index, &p->key);
    atomic_fetch_add_explicit(&m->partitions, 1, memory_order_relaxed);
    return p;
}

static struct skiplist *lazy_list(struct memtable *m, _Atomic(struct skiplist *) *slot)
{
    struct skiplist *sl = atomic_load_explicit(slot, memory_order_relaxed);
    if (sl) return sl;
    sl = arena_alloc(&m->arena, sizeof *sl);
    skiplist_init(sl, &m->arena, m->seed += 0x9E3779B9u);
    atomic_store_explicit(slot, sl, memory_order_release);
    return sl;
}

static void apply_header(struct memtable *m, struct mem_part *p, const struct partition_update *u,
                         int64_t *min_ts)
{
    if (deletion_is_live(u->partition_deletion) && !u->static_row) return;
    const struct mem_hdr *old = atomic_load_explicit(&p->hdr, memory_order_relaxed);
    struct mem_hdr *h = arena_alloc(&m->arena, sizeof *h);
    h->pdel = old ? old->pdel : DELETION_LIVE;
    if (deletion_supersedes(u->partition_deletion, h->pdel)) h->pdel = u->partition_deletion;
    note_ts(m, min_ts, u->partition_deletion.ts_us);
    h->static_row = old ? old->static_row : NULL;
    if (u->static_row) {
        const struct row *nr = row_copy(m, u->static_row, NULL, min_ts);
        h->static_row = h->static_row ? row_merge(m, h->static_row, nr) : nr;
    }
    atomic_store_explicit(&p->hdr, h, memory_order_release);
}

static void apply_rt(struct memtable *m, struct mem_part *p, const struct range_tombstone *rt,
                     int64_t *min_ts)
{
    const struct table_schema *s = m->schema;
    if (bound_cmp(s, &rt->range.start, &rt->range.end) > 0) return; /* empty: deletes nothing */
    struct skiplist *sl = lazy_list(m, &p->rts);
    struct skiplist_pos pos;
    struct skiplist_node *n = skiplist_find_for_insert(sl, cmp_rt, m->schema, at(0, &rt->range), &pos);
    struct deletion *d = arena_alloc(&m->arena, sizeof *d);
    *d = rt->del;
    note_ts(m, min_ts, rt->del.ts_us);
    if (n) {
        struct mem_rt *cur = n->key;
        if (deletion_supersedes(*d, *atomic_load_explicit(&cur->del, memory_order_relaxed)))
            atomic_store_explicit(&cur->del, d, memory_order_release);
        return;
    }
    struct mem_rt *e = arena_alloc(&m->arena, sizeof *e);
    e->range = rt->range;
    e->range.start.prefix = dup_bytes(m, rt->range.start.prefix, rt->range.start.len);
    e->range.end.prefix = dup_bytes(m, rt->range.end.prefix, rt->range.end.len);
    atomic_init(&e->del, d);
    skiplist_insert(sl, &pos, 0, e);
}

static void apply_row(struct memtable *m, struct mem_part *p, const struct row *r,
                      int64_t *min_ts)
{
    if (m->schema->nck == 0) {
        const struct row *old = atomic_load_explicit(&p->single, memory_order_relaxed);
        const struct row *nr = row_copy(m, r, NULL, min_ts);
        atomic_store_explicit(&p->single, old ? row_merge(m, old, nr) : nr, memory_order_release);
        return;
    }
    struct skiplist *sl = lazy_list(m, &p->rows);
    struct mem_row target = {.ck = r->ck, .ck_len = r->ck_len};
    struct skiplist_pos pos;
    struct skiplist_node *n = skiplist_find_for_insert(sl, cmp_row, m->schema, at(0, &target), &pos);
    if (n) {
        struct mem_row *mr = n->key;
        const struct row *old = atomic_load_explicit(&mr->cur, memory_order_relaxed);
        const struct row *nr = row_copy(m, r, mr->ck, min_ts);
        atomic_store_explicit(&mr->cur, row_merge(m, old, nr), memory_order_release);
        return;
    }
    struct mem_row *mr = arena_alloc(&m->arena, sizeof *mr);
    mr->ck = dup_bytes(m, r->ck, r->ck_len);
    mr->ck_len = r->ck_len;
    atomic_init(&mr->cur, row_copy(m, r, mr->ck, min_ts));
    skiplist_insert(sl, &pos, 0, mr);
}

void memtable_apply(struct memtable *m, const struct partition_update *u)
{
    int64_t min_ts = atomic_load_explicit(&m->min_ts, memory_order_relaxed);
    struct mem_part *p = part_get(m, u);
    apply_header(m, p, u, &min_ts);
    for (uint32_t i = 0; i < u->nrts; i++) apply_rt(m, p, &u->rts[i], &min_ts);
    for (uint32_t i = 0; i < u->nrows; i++) apply_row(m, p, &u->rows[i], &min_ts);
    atomic_store_explicit(&m->min_ts, min_ts, memory_order_relaxed);
    atomic_store_explicit(&m->bytes,
                          m->arena.reserved_bytes + m->node_arena.reserved_bytes - m->base_bytes,
                          memory_order_relaxed);
}

/* ---- readers ---- */

struct mem_part_iter {
    struct part_iter base;
    struct memtable *m;
    const struct mem_part *p;
    struct rows_spec spec;
    struct slice all;
    uint32_t slice; /* current slice index (counting down when reversed) */
    bool in_slice;  /* node is a position inside the current slice */
    bool single_done;
    struct skiplist_node *node;
    struct range_tombstone *rts;
};

static bool rt_intersects(const struct table_schema *s, const struct slice *rt,
                          const struct rows_spec *spec)
{
    if (spec->nslices == 0) return true;
    for (uint32_t i = 0; i < spec->nslices; i++) {
        const struct slice *sl = &spec->slices[i];
        if (bound_cmp(s, &rt->start, &sl->end) < 0 && bound_cmp(s, &sl->start, &rt->end) < 0)
            return true;
    }
    return false;
}

static void collect_rts(struct mem_part_iter *it)
{
    struct skiplist *sl = atomic_load_explicit(&it->p->rts, memory_order_acquire);
    if (!sl || it->spec.static_only) return;
    size_t n = 0, cap = 0;
    for (struct skiplist_node *x = skiplist_first(sl); x; x = skiplist_next(x)) {
        const struct mem_rt *e = x->key;
        if (!rt_intersects(it->m->schema, &e->range, &it->spec)) continue;
        xgrow((void **)&it->rts, &cap, n + 1, sizeof *it->rts);
        it->rts[n].range = e->range;
        it->rts[n].del = *atomic_load_explicit(&e->del, memory_order_acquire);
        n++;
    }
    it->base.rts = it->rts;
    it->base.nrts = (uint32_t)n;
}

static const struct slice *cur_slice(struct mem_part_iter *it)
{
    return it->spec.nslices ? &it->spec.slices[it->slice] : &it->all;
}

static int single_next(struct mem_part_iter *it, const struct row **out)
{
    *out = NULL;
    if (it->single_done) return 0;
    it->single_done = true;
    const struct row *r = atomic_load_explicit(&it->p->single, memory_order_acquire);
    if (!r) return 0;
    uint32_t n = it->spec.nslices ? it->spec.nslices : 1;
    for (uint32_t i = 0; i < n; i++) {
        const struct slice *sl = it->spec.nslices ? &it->spec.slices[i] : &it->all;
        if (slice_contains(it->m->schema, sl, r->ck, r->ck_len)) {
            *out = r;
            break;
        }
    }
    return 0;
}

static int mem_part_next(struct part_iter *base, const struct row **out)
{
    struct mem_part_iter *it = (struct mem_part_iter *)base;
    struct table_schema *s = it->m->schema;
    *out = NULL;
    if (it->spec.static_only) return 0;
    if (s->nck == 0) return single_next(it, out);
    struct skiplist *sl = atomic_load_explicit(&it->p->rows, memory_order_acquire);
    uint32_t nslices = it->spec.nslices ? it->spec.nslices : 1;
    if (!sl) return 0;
    while (it->slice < nslices) {
        const struct slice *sc = cur_slice(it);
        struct skiplist_node *x;
        if (!it->spec.reversed) {
            x = it->in_slice ? skiplist_next(it->node)
                             : skiplist_seek_ge(sl, cmp_row_bound, s, at(0, &sc->start));
        } else {
            x = it->in_slice ? skiplist_seek_lt(sl, cmp_row, s, at(0, it->node->key))
                             : skiplist_seek_lt(sl, cmp_row_bound, s, at(0, &sc->end));
        }
        const struct mem_row *mr = x ? x->key : NULL;
        bool inside = mr && (!it->spec.reversed
                                 ? bound_cmp_clustering(s, &sc->end, mr->ck, mr->ck_len) < 0
                                 : bound_cmp_clustering(s, &sc->start, mr->ck, mr->ck_len) > 0);
        if (inside) {
            it->node = x;
            it->in_slice = true;
            *out = atomic_load_explicit(&mr->cur, memory_order_acquire);
            return 0;
        }
        it->in_slice = false;
        /* reversed: slices are visited last to first; the index counts down past zero */
        it->slice = it->spec.reversed ? (it->slice == 0 ? nslices : it->slice - 1) : it->slice + 1;
    }
    return 0;
}

static void mem_part_close(struct part_iter *base)
{
    struct mem_part_iter *it = (struct mem_part_iter *)base;
    memtable_unref(it->m);
    free(it->rts);
    free(it);
}

static const struct part_iter_ops mem_part_ops = {.next = mem_part_next, .close = mem_part_close};

static struct part_iter *part_iter_new(struct memtable *m, const struct mem_part *p,
                                       const struct rows_spec *spec)
{
    struct mem_part_iter *it = xcalloc(1, sizeof *it);
    it->base.ops = &mem_part_ops;
    it->m = memtable_ref(m);
    it->p = p;
    it->spec = *spec;
    it->all = slice_all();
    uint32_t nslices = spec->nslices ? spec->nslices : 1;
    it->slice = spec->reversed ? nslices - 1 : 0;
    const struct mem_hdr *h = atomic_load_explicit(&p->hdr, memory_order_acquire);
    it->base.partition_deletion = h ? h->pdel : DELETION_LIVE;
    it->base.static_row = h ? h->static_row : NULL;
    collect_rts(it);
    return &it->base;
}

int memtable_open_partition(struct memtable *m, const struct pkey *key,
                            const struct rows_spec *spec, struct part_iter **out)
{
    const struct pkey *hit = memtable_index_get(&m->index, key);
    *out = hit ? part_iter_new(m, (const struct mem_part *)hit, spec) : NULL;
    return 0;
}

struct mem_range_iter {
    struct range_iter base;
    struct memtable *m;
    struct token_range r;
    struct skiplist_node *node;
    uint32_t bucket, last_bucket;
    bool started, ended;
};

/* The first node of the range from bucket it->bucket on (seeking in the first one). */
static struct skiplist_node *range_first(struct mem_range_iter *it, bool seek)
{
    for (; it->bucket <= it->last_bucket; it->bucket++, seek = false) {
        struct skiplist *sl = atomic_load_explicit(&it->m->parts[it->bucket], memory_order_acquire);
        if (!sl) continue;
        struct skiplist_node *n = seek ? skiplist_seek_ge(sl, cmp_part_token, NULL,
                                                          at(it->r.start, &it->r))
                                       : skiplist_first(sl);
        if (n) return n;
    }
    return NULL;
}

static int mem_range_next(struct range_iter *base, struct pkey *out)
{
    struct mem_range_iter *it = (struct mem_range_iter *)base;
    memset(out, 0, sizeof *out);
    if (it->ended) return 0;
    if (!it->started) {
        it->node = range_first(it, true);
    } else if (!(it->node = skiplist_next(it->node))) {
        it->bucket++;
        it->node = range_first(it, false);
    }
    it->started = true;
    if (it->node) { /* a scan walks nodes in key order, not allocation order: fetch ahead */
        struct skiplist_node *ahead = skiplist_next(it->node);
        if (ahead) {
            __builtin_prefetch(ahead);
            __builtin_prefetch(ahead->key);
        }
    }
    const struct mem_part *p = it->node ? it->node->key : NULL;
    if (!p || !token_range_contains(&it->r, p->key.token)) {
        it->ended = true;
        return 0;
    }
    *out = p->key;
    return 0;
}

static int mem_range_open(struct range_iter *base, const struct rows_spec *spec,
                          struct part_iter **out)
{
    struct mem_range_iter *it = (struct mem_range_iter *)base;
    ASSERT(it->started && !it->ended);
    *out = part_iter_new(it->m, it->node->key, spec);
    return 0;
}

static void mem_range_close(struct range_iter *base)
{
    struct mem_range_iter *it = (struct mem_range_iter *)base;
    memtable_unref(it->m);
    free(it);
}

static const struct range_iter_ops mem_range_ops = {
    .next = mem_range_next, .open = mem_range_open, .close = mem_range_close};

int memtable_scan(struct memtable *m, const struct token_range *r, struct range_iter **out)
{
    struct mem_range_iter *it = xcalloc(1, sizeof *it);
    it->base.ops = &mem_range_ops;
    it->m = memtable_ref(m);
    it->r = *r;
    it->bucket = bucket_of(r->start);
    it->last_bucket = bucket_of(r->end);
    it->ended = r->start > r->end;
    *out = &it->base;
    return 0;
}

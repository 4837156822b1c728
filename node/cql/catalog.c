/*
 * catalog: immutable schema snapshots and the edit that builds the next one (see catalog.h).
 *
 * Shape: an edit is a mutable draft (unsorted arrays of keyspaces, each with its tables, types
 * and indexes) that borrows strings and types from its base catalog (the edit holds a reference
 * on it) or from its own arena. finish copies everything the new catalog keeps into the
 * catalog's own arena, sorts keyspaces/tables/types/indexes by name (strcmp: unsigned bytes, as
 * Cassandra's name comparator for ASCII names), builds the by-id table index and computes the
 * schema version: MD5 of the canonical persisted form (catalog_codec_encode), stamped as a
 * name-based v3 UUID like Java's UUID.nameUUIDFromBytes. Equal schemas give equal versions on
 * every node; any change in a persisted keyspace gives a new one.
 *
 * Tables are shared, not copied: a catalog holds one reference per table schema.
 * Thread rule: a catalog is immutable after finish and read by any thread holding a reference
 * (atomic refcount); an edit belongs to one thread.
 */
#include "node/cql/catalog.h"

#include <stdlib.h>
#include <string.h>

#include "node/base/assert.h"
#include "node/base/md5.h"
#include "node/base/mem.h"
#include "node/cql/catalog_codec.h"

#define CATALOG_ARENA_BLOCK (32 * 1024)

/* ---- lookups ------------------------------------------------------------------------ */

struct catalog *catalog_ref(struct catalog *c)
{
    int old = atomic_fetch_add_explicit(&c->refs, 1, memory_order_relaxed);
    ASSERT(old > 0);
    return c;
}

void catalog_unref(struct catalog *c)
{
    if (!c) return;
    int old = atomic_fetch_sub_explicit(&c->refs, 1, memory_order_acq_rel);
    ASSERT(old > 0);
    if (old != 1) return;
    for (uint32_t i = 0; i < c->nkeyspaces; i++) {
        const struct catalog_keyspace *ks = &c->keyspaces[i];
        for (uint32_t t = 0; t < ks->ntables; t++)
            table_schema_unref(ks->tables[t]);
    }
    arena_deinit(&c->arena);
    free(c);
}

struct catalog *catalog_new_empty(void)
{
    struct catalog_edit *e = catalog_edit_begin(NULL);
    return catalog_edit_finish(e);
}

static int key_keyspace(const void *key, const void *elem)
{
    return strcmp(key, ((const struct catalog_keyspace *)elem)->name);
}

static int key_table(const void *key, const void *elem)
{
    return strcmp(key, (*(struct table_schema *const *)elem)->name);
}

static int key_type(const void *key, const void *elem)
{
    return strcmp(key, (*(const struct cql_type *const *)elem)->udt_name);
}

static int key_index(const void *key, const void *elem)
{
    return strcmp(key, ((const struct catalog_index *)elem)->name);
}

static int key_table_id(const void *key, const void *elem)
{
    return memcmp(key, (*(struct table_schema *const *)elem)->id.b, 16);
}

static const void *find(const void *key, const void *base, size_t n, size_t size,
                        int (*cmp)(const void *, const void *))
{
    return n ? bsearch(key, base, n, size, cmp) : NULL;
}

const struct catalog_keyspace *catalog_keyspace(const struct catalog *c, const char *name)
{
    return find(name, c->keyspaces, c->nkeyspaces, sizeof *c->keyspaces, key_keyspace);
}

struct table_schema *catalog_ks_table(const struct catalog_keyspace *ks, const char *name)
{
    struct table_schema *const *t = find(name, ks->tables, ks->ntables, sizeof *ks->tables,
                                         key_table);
    return t ? *t : NULL;
}

const struct cql_type *catalog_ks_type(const struct catalog_keyspace *ks, const char *name)
{
    const struct cql_type *const *t = find(name, ks->types, ks->ntypes, sizeof *ks->types,
                                           key_type);
    return t ? *t : NULL;
}

const struct catalog_index *catalog_ks_index(const struct catalog_keyspace *ks, const char *name)
{
    return find(name, ks->indexes, ks->nindexes, sizeof *ks->indexes, key_index);
}

struct table_schema *catalog_table(const struct catalog *c, const char *keyspace, const char *name)
{
    const struct catalog_keyspace *ks = catalog_keyspace(c, keyspace);
    return ks ? catalog_ks_table(ks, name) : NULL;
}

int catalog_validate_table(const struct catalog *c, const char *keyspace, const char *name,
                           struct table_schema **out, struct errmsg *em)
{
    const struct catalog_keyspace *ks = catalog_keyspace(c, keyspace);
    if (!ks) return errmsg_set(em, ERR_INVALID, "keyspace %s does not exist", keyspace);
    struct table_schema *t = catalog_ks_table(ks, name);
    if (!t) return errmsg_set(em, ERR_INVALID, "table %s does not exist", name);
    *out = t;
    return 0;
}

struct table_schema *catalog_table_by_id(const struct catalog *c, const struct uuid *id)
{
    struct table_schema *const *t = find(id->b, c->by_id, c->ntables_all, sizeof *c->by_id,
                                         key_table_id);
    return t ? *t : NULL;
}

const struct cql_type *catalog_type(const struct catalog *c, const char *keyspace,
                                    const char *name)
{
    const struct catalog_keyspace *ks = catalog_keyspace(c, keyspace);
    return ks ? catalog_ks_type(ks, name) : NULL;
}

const struct cql_type *catalog_udt_lookup(void *ctx, const char *keyspace, const char *name)
{
    return keyspace ? catalog_type(ctx, keyspace, name) : NULL;
}

bool catalog_is_local_system_keyspace(const char *name)
{
    return strcmp(name, "system") == 0 || strcmp(name, "system_schema") == 0;
}

bool catalog_is_system_keyspace_name(const char *name)
{
    static const char *const names[] = {"system",           "system_schema",
                                        "system_auth",      "system_distributed",
                                        "system_traces",    "system_views",
                                        "system_virtual_schema"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i]) == 0) return true;
    return false;
}

bool catalog_valid_name(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n == 0 || n > max) return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_'))
            return false;
    }
    return true;
}

/* ---- the edit ----------------------------------------------------------------------- */

struct ks_draft {
    struct catalog_ks_params p; /* p.name borrowed from base or the edit arena */
    struct table_schema **tables; /* references held by the edit */
    size_t ntables, tables_cap;
    const struct cql_type **types;
    size_t ntypes, types_cap;
    struct catalog_index *indexes;
    size_t nindexes, indexes_cap;
};

struct catalog_edit {
    struct catalog *base; /* referenced; NULL when built from nothing */
    struct arena arena;   /* copies made by put_* */
    struct ks_draft *ks;
    size_t nks, ks_cap;
};

static struct ks_draft *find_ks(const struct catalog_edit *e, const char *name)
{
    for (size_t i = 0; i < e->nks; i++)
        if (strcmp(e->ks[i].p.name, name) == 0) return &e->ks[i];
    return NULL;
}

static void draft_from(struct ks_draft *d, const struct catalog_keyspace *ks)
{
    memset(d, 0, sizeof *d);
    d->p = (struct catalog_ks_params){.name = ks->name,
                                      .durable_writes = ks->durable_writes,
                                      .is_system = ks->is_system,
                                      .is_virtual = ks->is_virtual,
                                      .strategy = ks->strategy};
    if (ks->ntables) {
        xgrow((void **)&d->tables, &d->tables_cap, ks->ntables, sizeof *d->tables);
        for (uint32_t i = 0; i < ks->ntables; i++)
            d->tables[i] = table_schema_ref(ks->tables[i]);
        d->ntables = ks->ntables;
    }
    if (ks->ntypes) {
        xgrow((void **)&d->types, &d->types_cap, ks->ntypes, sizeof *d->types);
        memcpy(d->types, ks->types, ks->ntypes * sizeof *d->types);
        d->ntypes = ks->ntypes;
    }
    if (ks->nindexes) {
        xgrow((void **)&d->indexes, &d->indexes_cap, ks->nindexes, sizeof *d->indexes);
        memcpy(d->indexes, ks->indexes, ks->nindexes * sizeof *d->indexes);
        d->nindexes = ks->nindexes;
    }
}

static void draft_free(struct ks_draft *d)
{
    for (size_t i = 0; i < d->ntables; i++)
        table_schema_unref(d->tables[i]);
    free(d->tables);
    free(d->types);
    free(d->indexes);
}

struct catalog_edit *catalog_edit_begin(const struct catalog *base)
{
    struct catalog_edit *e = xcalloc(1, sizeof *e);
    arena_init(&e->arena, CATALOG_ARENA_BLOCK);
    if (base) {
        e->base = catalog_ref((struct catalog *)base);
        if (base->nkeyspaces) xgrow((void **)&e->ks, &e->ks_cap, base->nkeyspaces, sizeof *e->ks);
        for (uint32_t i = 0; i < base->nkeyspaces; i++)
            draft_from(&e->ks[i], &base->keyspaces[i]);
        e->nks = base->nkeyspaces;
    }
    return e;
}

void catalog_edit_abort(struct catalog_edit *e)
{
    if (!e) return;
    for (size_t i = 0; i < e->nks; i++)
        draft_free(&e->ks[i]);
    free(e->ks);
    arena_deinit(&e->arena);
    catalog_unref(e->base);
    free(e);
}

void catalog_edit_put_keyspace(struct catalog_edit *e, const struct catalog_ks_params *p)
{
    struct ks_draft *d = find_ks(e, p->name);
    if (!d) {
        xgrow((void **)&e->ks, &e->ks_cap, e->nks + 1, sizeof *e->ks);
        d = &e->ks[e->nks++];
        memset(d, 0, sizeof *d);
    }
    d->p = *p;
    d->p.name = arena_strdup(&e->arena, p->name);
}

bool catalog_edit_drop_keyspace(struct catalog_edit *e, const char *name)
{
    struct ks_draft *d = find_ks(e, name);
    if (!d) return false;
    draft_free(d);
    *d = e->ks[--e->nks];
    return true;
}

bool catalog_edit_has_keyspace(const struct catalog_edit *e, const char *name)
{
    return find_ks(e, name) != NULL;
}

static struct ks_draft *must_find_ks(struct catalog_edit *e, const char *name)
{
    struct ks_draft *d = find_ks(e, name);
    ASSERT(d != NULL);
    return d;
}

void catalog_edit_put_table(struct catalog_edit *e, struct table_schema *s)
{
    ASSERT(s->finished);
    struct ks_draft *d = must_find_ks(e, s->keyspace);
    table_schema_ref(s);
    for (size_t i = 0; i < d->ntables; i++)
        if (strcmp(d->tables[i]->name, s->name) == 0) {
            table_schema_unref(d->tables[i]);
            d->tables[i] = s;
            return;
        }
    xgrow((void **)&d->tables, &d->tables_cap, d->ntables + 1, sizeof *d->tables);
    d->tables[d->ntables++] = s;
}

bool catalog_edit_drop_table(struct catalog_edit *e, const char *keyspace, const char *name)
{
    struct ks_draft *d = find_ks(e, keyspace);
    if (!d) return false;
    for (size_t i = 0; i < d->ntables; i++)
        if (strcmp(d->tables[i]->name, name) == 0) {
            table_schema_unref(d->tables[i]);
            d->tables[i] = d->tables[--d->ntables];
            for (size_t k = 0; k < d->nindexes;) /* a table's indexes go with it */
                if (strcmp(d->indexes[k].table, name) == 0)
                    d->indexes[k] = d->indexes[--d->nindexes];
                else
                    k++;
            return true;
        }
    return false;
}

struct table_schema *catalog_edit_table(const struct catalog_edit *e, const char *keyspace,
                                        const char *name)
{
    const struct ks_draft *d = find_ks(e, keyspace);
    if (!d) return NULL;
    for (size_t i = 0; i < d->ntables; i++)
        if (strcmp(d->tables[i]->name, name) == 0) return d->tables[i];
    return NULL;
}

void catalog_edit_put_type(struct catalog_edit *e, const struct cql_type *t)
{
    ASSERT(t->id == CQL_UDT);
    struct ks_draft *d = must_find_ks(e, t->udt_keyspace);
    const struct cql_type *c = cql_type_copy(t, &e->arena);
    for (size_t i = 0; i < d->ntypes; i++)
        if (strcmp(d->types[i]->udt_name, t->udt_name) == 0) {
            d->types[i] = c;
            return;
        }
    xgrow((void **)&d->types, &d->types_cap, d->ntypes + 1, sizeof *d->types);
    d->types[d->ntypes++] = c;
}

bool catalog_edit_drop_type(struct catalog_edit *e, const char *keyspace, const char *name)
{
    struct ks_draft *d = find_ks(e, keyspace);
    if (!d) return false;
    for (size_t i = 0; i < d->ntypes; i++)
        if (strcmp(d->types[i]->udt_name, name) == 0) {
            d->types[i] = d->types[--d->ntypes];
            return true;
        }
    return false;
}

static struct catalog_index copy_index(struct arena *a, const struct catalog_index *ix)
{
    return (struct catalog_index){.table = arena_strdup(a, ix->table),
                                  .name = arena_strdup(a, ix->name),
                                  .kind = arena_strdup(a, ix->kind),
                                  .options = str_map_copy(a, &ix->options)};
}

void catalog_edit_put_index(struct catalog_edit *e, const char *keyspace,
                            const struct catalog_index *ix)
{
    struct ks_draft *d = must_find_ks(e, keyspace);
    struct catalog_index c = copy_index(&e->arena, ix);
    for (size_t i = 0; i < d->nindexes; i++)
        if (strcmp(d->indexes[i].name, ix->name) == 0) {
            d->indexes[i] = c;
            return;
        }
    xgrow((void **)&d->indexes, &d->indexes_cap, d->nindexes + 1, sizeof *d->indexes);
    d->indexes[d->nindexes++] = c;
}

bool catalog_edit_drop_index(struct catalog_edit *e, const char *keyspace, const char *name)
{
    struct ks_draft *d = find_ks(e, keyspace);
    if (!d) return false;
    for (size_t i = 0; i < d->nindexes; i++)
        if (strcmp(d->indexes[i].name, name) == 0) {
            d->indexes[i] = d->indexes[--d->nindexes];
            return true;
        }
    return false;
}

/* ---- finish ------------------------------------------------------------------------- */

static void sort(void *p, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    if (n > 1) qsort(p, n, size, cmp);
}

static int cmp_draft(const void *a, const void *b)
{
    return strcmp(((const struct ks_draft *)a)->p.name, ((const struct ks_draft *)b)->p.name);
}

static int cmp_table_name(const void *a, const void *b)
{
    return strcmp((*(struct table_schema *const *)a)->name,
                  (*(struct table_schema *const *)b)->name);
}

static int cmp_table_id(const void *a, const void *b)
{
    return memcmp((*(struct table_schema *const *)a)->id.b,
                  (*(struct table_schema *const *)b)->id.b, 16);
}

static int cmp_type(const void *a, const void *b)
{
    return strcmp((*(const struct cql_type *const *)a)->udt_name,
                  (*(const struct cql_type *const *)b)->udt_name);
}

static int cmp_index(const void *a, const void *b)
{
    return strcmp(((const struct catalog_index *)a)->name,
                  ((const struct catalog_index *)b)->name);
}

struct repl_acc {
    struct arena *a;
    uint32_t n;
    const char *k[CATALOG_MAP_MAX];
    const char *v[CATALOG_MAP_MAX];
};

static void repl_add(void *arg, const char *key, const char *value)
{
    struct repl_acc *r = arg;
    ASSERT(r->n < CATALOG_MAP_MAX);
    uint32_t i = r->n++;
    while (i > 0 && strcmp(r->k[i - 1], key) > 0) { /* insertion: keys sorted */
        r->k[i] = r->k[i - 1];
        r->v[i] = r->v[i - 1];
        i--;
    }
    r->k[i] = arena_strdup(r->a, key);
    r->v[i] = arena_strdup(r->a, value);
}

static struct str_map replication_map(struct arena *a, const struct strategy *s)
{
    struct repl_acc r = {.a = a};
    strategy_each_option(s, repl_add, &r);
    struct str_map m = {.n = r.n};
    m.keys = arena_dup(a, r.k, (r.n ? r.n : 1) * sizeof r.k[0]);
    m.values = arena_dup(a, r.v, (r.n ? r.n : 1) * sizeof r.v[0]);
    return m;
}

/* Moves draft d into ks, copying into the catalog's arena; the table references move. */
static void build_keyspace(struct catalog *c, struct ks_draft *d, struct catalog_keyspace *ks)
{
    struct arena *a = &c->arena;
    ks->name = arena_strdup(a, d->p.name);
    ks->durable_writes = d->p.durable_writes;
    ks->is_system = d->p.is_system;
    ks->is_virtual = d->p.is_virtual;
    ks->strategy = d->p.strategy;
    ks->replication = replication_map(a, &d->p.strategy);
    sort(d->tables, d->ntables, sizeof *d->tables, cmp_table_name);
    struct table_schema **tables = arena_alloc(a, (d->ntables ? d->ntables : 1) * sizeof *tables);
    if (d->ntables) memcpy(tables, d->tables, d->ntables * sizeof *tables);
    ks->ntables = (uint32_t)d->ntables;
    ks->tables = tables;
    d->ntables = 0; /* the catalog owns those references now */
    const struct cql_type **types = arena_alloc(a, (d->ntypes ? d->ntypes : 1) * sizeof *types);
    for (size_t i = 0; i < d->ntypes; i++)
        types[i] = cql_type_copy(d->types[i], a);
    sort(types, d->ntypes, sizeof *types, cmp_type);
    ks->ntypes = (uint32_t)d->ntypes;
    ks->types = types;
    struct catalog_index *ix = arena_alloc(a, (d->nindexes ? d->nindexes : 1) * sizeof *ix);
    for (size_t i = 0; i < d->nindexes; i++)
        ix[i] = copy_index(a, &d->indexes[i]);
    sort(ix, d->nindexes, sizeof *ix, cmp_index);
    ks->nindexes = (uint32_t)d->nindexes;
    ks->indexes = ix;
}

static void build_by_id(struct catalog *c)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < c->nkeyspaces; i++)
        n += c->keyspaces[i].ntables;
    c->by_id = arena_alloc(&c->arena, (n ? n : 1) * sizeof *c->by_id);
    n = 0;
    for (uint32_t i = 0; i < c->nkeyspaces; i++)
        for (uint32_t t = 0; t < c->keyspaces[i].ntables; t++)
            c->by_id[n++] = c->keyspaces[i].tables[t];
    sort(c->by_id, n, sizeof *c->by_id, cmp_table_id);
    c->ntables_all = n;
}

static void compute_version(struct catalog *c)
{
    struct buf b;
    buf_init(&b);
    catalog_codec_encode(c, &b);
    md5(b.data, b.len, c->version.b);
    buf_deinit(&b);
    c->version.b[6] = (uint8_t)((c->version.b[6] & 0x0f) | 0x30); /* version 3 */
    c->version.b[8] = (uint8_t)((c->version.b[8] & 0x3f) | 0x80); /* IETF variant */
}

struct catalog *catalog_edit_finish(struct catalog_edit *e)
{
    struct catalog *c = xcalloc(1, sizeof *c);
    atomic_init(&c->refs, 1);
    arena_init(&c->arena, CATALOG_ARENA_BLOCK);
    sort(e->ks, e->nks, sizeof *e->ks, cmp_draft);
    struct catalog_keyspace *ks = arena_zalloc(&c->arena, (e->nks ? e->nks : 1) * sizeof *ks);
    for (size_t i = 0; i < e->nks; i++)
        build_keyspace(c, &e->ks[i], &ks[i]);
    c->keyspaces = ks;
    c->nkeyspaces = (uint32_t)e->nks;
    build_by_id(c);
    compute_version(c);
    catalog_edit_abort(e);
    return c;
}

/*
 * vtable: the registry of computed system tables and their common read path (see vtable.h).
 *
 * A read builds (or takes from the cache) a memtable holding every row the generator emits
 * (only the asked partition for uncached single-partition reads), then runs the store's read
 * over a view made of that one memtable. The cache keeps, per table, the memtable generated
 * for the last (catalog, local node) pair; it holds a catalog reference so the pointer cannot
 * be reused by another catalog while cached.
 * Thread rule: registry built under pthread_once; the cache under a mutex; memtables are
 * read-only once published.
 */
#include "node/cql/vtable.h"

#include <pthread.h>
#include <string.h>

#include "node/base/assert.h"
#include "node/cql/syskeyspaces.h"
#include "node/cql/systab_local.h"
#include "node/cql/systab_row.h"
#include "node/cql/systab_schema.h"
#include "storage/memtable.h"
#include "storage/store_read.h"
#include "storage/table.h"

typedef void (*gen_fn)(const struct vtable_ctx *ctx, struct systab_rows *rows);

struct vt_def {
    const char *keyspace;
    const char *name;
    gen_fn gen; /* NULL: always empty */
    bool from_catalog;
};

/* clang-format off */
static const struct vt_def vt_defs[] = {
    {"system", "local", systab_local_gen_local, true},
    {"system", "peers", systab_local_gen_peers, false},
    {"system", "peers_v2", systab_local_gen_peers_v2, false},
    {"system_schema", "aggregates", NULL, true},
    {"system_schema", "columns", systab_schema_gen_columns, true},
    {"system_schema", "dropped_columns", systab_schema_gen_dropped_columns, true},
    {"system_schema", "functions", NULL, true},
    {"system_schema", "indexes", systab_schema_gen_indexes, true},
    {"system_schema", "keyspaces", systab_schema_gen_keyspaces, true},
    {"system_schema", "tables", systab_schema_gen_tables, true},
    {"system_schema", "triggers", NULL, true},
    {"system_schema", "types", systab_schema_gen_types, true},
    {"system_schema", "views", NULL, true},
    {"system_views", "caches", NULL, true},
    {"system_views", "clients", NULL, true},
    {"system_views", "settings", NULL, true},
    {"system_views", "sstable_tasks", NULL, true},
    {"system_views", "system_properties", NULL, true},
    {"system_views", "thread_pools", NULL, true},
    {"system_virtual_schema", "columns", systab_schema_gen_virtual_columns, true},
    {"system_virtual_schema", "keyspaces", systab_schema_gen_virtual_keyspaces, true},
    {"system_virtual_schema", "tables", systab_schema_gen_virtual_tables, true},
};
/* clang-format on */
#define NVT (sizeof vt_defs / sizeof vt_defs[0])

struct vt_cache {
    struct catalog *catalog; /* referenced */
    const struct local_node *local;
    struct memtable *mem;
};

static struct vtable vts[NVT];
static struct vt_cache cache[NVT];
static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t vts_once = PTHREAD_ONCE_INIT;

static int read_generated(const struct vtable *vt, const struct vtable_ctx *ctx,
                          const struct read_cmd *cmd, const struct read_visitor *v,
                          struct errmsg *em);

static void build_registry(void)
{
    for (size_t i = 0; i < NVT; i++) {
        const struct vt_def *d = &vt_defs[i];
        struct table_schema *s = syskeyspaces_table(d->keyspace, d->name);
        ASSERT(s != NULL && syskeyspaces_is_computed(d->keyspace, d->name));
        vts[i] = (struct vtable){.keyspace = d->keyspace,
                                 .name = d->name,
                                 .schema = s,
                                 .read = read_generated,
                                 .gen = d->gen,
                                 .from_catalog = d->from_catalog};
    }
}

const struct vtable *vtable_find(const char *keyspace, const char *name)
{
    pthread_once(&vts_once, build_registry);
    for (size_t i = 0; i < NVT; i++)
        if (strcmp(vts[i].keyspace, keyspace) == 0 && strcmp(vts[i].name, name) == 0)
            return &vts[i];
    return NULL;
}

void vtable_cache_clear(void)
{
    pthread_mutex_lock(&cache_mu);
    for (size_t i = 0; i < NVT; i++) {
        memtable_unref(cache[i].mem);
        catalog_unref(cache[i].catalog);
        cache[i] = (struct vt_cache){0};
    }
    pthread_mutex_unlock(&cache_mu);
}

/* The cached memtable for ctx, with a reference, or NULL. */
static struct memtable *cache_get(size_t i, const struct vtable_ctx *ctx)
{
    struct memtable *m = NULL;
    pthread_mutex_lock(&cache_mu);
    if (cache[i].mem && cache[i].catalog == ctx->catalog && cache[i].local == ctx->local)
        m = memtable_ref(cache[i].mem);
    pthread_mutex_unlock(&cache_mu);
    return m;
}

static void cache_put(size_t i, const struct vtable_ctx *ctx, struct memtable *m)
{
    struct vt_cache old;
    pthread_mutex_lock(&cache_mu);
    old = cache[i];
    cache[i] = (struct vt_cache){.catalog = ctx->catalog ? catalog_ref((struct catalog *)ctx->catalog)
                                                          : NULL,
                                 .local = ctx->local,
                                 .mem = memtable_ref(m)};
    pthread_mutex_unlock(&cache_mu);
    memtable_unref(old.mem);
    catalog_unref(old.catalog);
}

static struct memtable *generate(const struct vtable *vt, const struct vtable_ctx *ctx,
                                 const struct read_cmd *cmd)
{
    size_t i = (size_t)(vt - vts);
    ASSERT(i < NVT);
    struct memtable *m = vt->from_catalog ? cache_get(i, ctx) : NULL;
    if (m) return m;
    m = memtable_create(vt->schema);
    bool one = !vt->from_catalog && cmd->single;
    struct systab_rows rows;
    systab_rows_init(&rows, vt->schema, m, one ? cmd->key.key : NULL, one ? cmd->key.len : 0);
    if (vt->gen) vt->gen(ctx, &rows);
    systab_rows_deinit(&rows);
    if (vt->from_catalog) cache_put(i, ctx, m);
    return m;
}

static int read_generated(const struct vtable *vt, const struct vtable_ctx *ctx,
                          const struct read_cmd *cmd, const struct read_visitor *v,
                          struct errmsg *em)
{
    struct memtable *m = generate(vt, ctx, cmd);
    struct table_view view = {.schema = vt->schema, .nmem = 1, .mems = &m};
    atomic_init(&view.refs, 1);
    int rc = store_read_view(NULL, &view, cmd, v, em);
    memtable_unref(m);
    return rc;
}

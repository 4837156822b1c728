/*
 * schema: table definitions — the builder, columns with stable ids, dropped columns, validation
 * and freezing, lookups and reference counting (see schema.h). Options live in
 * schema_options.c, the binary codec in schema_codec.c, CREATE TABLE text in schema_cql.c.
 *
 * Column ids: a new column takes next_column_id++; ids are never handed to a different column.
 * The one exception mirrors Cassandra: re-adding a dropped column with the same name and type
 * takes back its old id, so its cells written after the drop (by timestamp) are visible again
 * while those written before stay hidden (Cassandra filters by dropped_time the same way).
 *
 * After finish the schema is immutable: columns are ordered (partition key by position,
 * clustering by position, then static and regular columns by name, as Cassandra's
 * allColumnsInCreateOrder), and three indexes answer lookups in O(1) or O(log n):
 * by_name, index_by_id and dropped_before_us.
 * Thread rule: a builder belongs to one thread; a finished schema is read by any thread holding
 * a reference (refs is atomic).
 */
#include "storage/schema.h"

#include <stdlib.h>
#include <string.h>

#include "node/base/assert.h"
#include "node/base/mem.h"

#define SCHEMA_ARENA_BLOCK (16 * 1024)

const char *str_map_get(const struct str_map *m, const char *key)
{
    size_t lo = 0, hi = m->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(key, m->keys[mid]);
        if (c == 0) return m->values[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

struct table_schema *table_schema_new(const char *keyspace, const char *name, const struct uuid *id)
{
    struct table_schema *s = xcalloc(1, sizeof *s);
    atomic_init(&s->refs, 1);
    arena_init(&s->arena, SCHEMA_ARENA_BLOCK);
    s->keyspace = arena_strdup(&s->arena, keyspace);
    s->name = arena_strdup(&s->arena, name);
    if (id) s->id = *id;
    table_schema_options_init(s);
    return s;
}

struct str_map str_map_copy(struct arena *a, const struct str_map *m)
{
    struct str_map c = {.n = m->n};
    if (!m->n) return c;
    const char **k = arena_alloc(a, m->n * sizeof *k);
    const char **v = arena_alloc(a, m->n * sizeof *v);
    for (uint32_t i = 0; i < m->n; i++) {
        k[i] = arena_strdup(a, m->keys[i]);
        v[i] = arena_strdup(a, m->values[i]);
    }
    c.keys = k;
    c.values = v;
    return c;
}

static const char *dup_opt(struct arena *a, const char *s)
{
    return s ? arena_strdup(a, s) : NULL;
}

struct table_schema *table_schema_copy(const struct table_schema *src)
{
    struct table_schema *s = table_schema_new(src->keyspace, src->name, &src->id);
    struct arena *a = &s->arena;
    s->ncolumns = s->columns_cap = src->ncolumns;
    s->columns = arena_alloc(a, (src->ncolumns ? src->ncolumns : 1) * sizeof *s->columns);
    for (uint16_t i = 0; i < src->ncolumns; i++) {
        s->columns[i] = src->columns[i];
        s->columns[i].name = arena_strdup(a, src->columns[i].name);
        s->columns[i].type = cql_type_copy(src->columns[i].type, a);
    }
    s->ndropped = s->dropped_cap = src->ndropped;
    s->dropped = arena_alloc(a, (src->ndropped ? src->ndropped : 1) * sizeof *s->dropped);
    for (uint16_t i = 0; i < src->ndropped; i++) {
        s->dropped[i] = src->dropped[i];
        s->dropped[i].name = arena_strdup(a, src->dropped[i].name);
        s->dropped[i].type = cql_type_copy(src->dropped[i].type, a);
    }
    s->next_column_id = src->next_column_id;
    s->opts = src->opts;
    s->opts.comment = dup_opt(a, src->opts.comment);
    s->opts.speculative_retry = dup_opt(a, src->opts.speculative_retry);
    s->opts.additional_write_policy = dup_opt(a, src->opts.additional_write_policy);
    s->opts.read_repair = dup_opt(a, src->opts.read_repair);
    s->opts.memtable = dup_opt(a, src->opts.memtable);
    s->opts.caching = str_map_copy(a, &src->opts.caching);
    s->opts.compaction = str_map_copy(a, &src->opts.compaction);
    s->opts.compression = str_map_copy(a, &src->opts.compression);
    s->opts.extensions = str_map_copy(a, &src->opts.extensions);
    return s;
}

static int find_linear(const struct table_schema *s, const char *name)
{
    for (uint16_t i = 0; i < s->ncolumns; i++)
        if (strcmp(s->columns[i].name, name) == 0) return i;
    return -1;
}

/* Grows an arena array of elem-sized entries holding n, capacity *cap (doubling). */
static void *grow(struct arena *a, void *arr, uint16_t n, uint16_t *cap, size_t elem)
{
    if (n < *cap) return arr;
    size_t ncap = *cap ? (size_t)*cap * 2 : 8;
    if (ncap > SCHEMA_COLUMNS_MAX) ncap = SCHEMA_COLUMNS_MAX;
    void *p = arena_alloc(a, ncap * elem);
    if (n) memcpy(p, arr, (size_t)n * elem);
    *cap = (uint16_t)ncap;
    return p;
}

static uint16_t take_id(struct table_schema *s, const char *name, const struct cql_type *type)
{
    for (uint16_t i = 0; i < s->ndropped; i++) {
        const struct dropped_column *d = &s->dropped[i];
        if (strcmp(d->name, name) == 0 && cql_type_equal(d->type, type)) return d->id;
    }
    return s->next_column_id++;
}

int table_schema_add_column(struct table_schema *s, const char *name, enum column_kind kind,
                            int position, bool reversed, const struct cql_type *type,
                            struct errmsg *em)
{
    ASSERT(!s->finished);
    ASSERT(kind >= COLUMN_PARTITION_KEY && kind <= COLUMN_STATIC);
    size_t len = strlen(name);
    if (len == 0 || len > SCHEMA_COLUMN_NAME_MAX ||
        !cql_value_utf8_valid((const uint8_t *)name, len))
        return errmsg_set(em, ERR_INVALID, "Invalid column name (empty, too long or not UTF-8)");
    if (find_linear(s, name) >= 0)
        return errmsg_set(em, ERR_INVALID, "Duplicate column '%s' declaration for table %s.%s",
                          name, s->keyspace, s->name);
    if (s->ncolumns >= SCHEMA_COLUMNS_MAX)
        return errmsg_set(em, ERR_INVALID, "Too many columns in table %s.%s (max %d)", s->keyspace,
                          s->name, SCHEMA_COLUMNS_MAX);
    bool key = kind == COLUMN_PARTITION_KEY || kind == COLUMN_CLUSTERING;
    if (key && (position < 0 || position >= SCHEMA_COLUMNS_MAX))
        return errmsg_set(em, ERR_INVALID, "Invalid position %d for key column %s", position, name);
    if (reversed && kind != COLUMN_CLUSTERING)
        return errmsg_set(em, ERR_INVALID, "Only clustering columns have an order (column %s)",
                          name);
    if (s->next_column_id == UINT16_MAX)
        return errmsg_set(em, ERR_INVALID, "Column ids exhausted for table %s.%s", s->keyspace,
                          s->name);
    s->columns = grow(&s->arena, s->columns, s->ncolumns, &s->columns_cap, sizeof *s->columns);
    struct column_def *c = &s->columns[s->ncolumns++];
    c->name = arena_strdup(&s->arena, name);
    c->type = cql_type_copy(type, &s->arena);
    c->id = take_id(s, name, c->type);
    c->kind = kind;
    c->position = key ? (int16_t)position : -1;
    c->reversed = reversed;
    return 0;
}

int table_schema_drop_column(struct table_schema *s, const char *name, int64_t now_us,
                             struct errmsg *em)
{
    ASSERT(!s->finished);
    int i = find_linear(s, name);
    if (i < 0)
        return errmsg_set(em, ERR_INVALID, "Column %s was not found in table %s.%s", name,
                          s->keyspace, s->name);
    struct column_def *c = &s->columns[i];
    if (c->kind == COLUMN_PARTITION_KEY || c->kind == COLUMN_CLUSTERING)
        return errmsg_set(em, ERR_INVALID, "Cannot drop PRIMARY KEY column %s", name);
    struct dropped_column *d = NULL;
    for (uint16_t k = 0; k < s->ndropped; k++)
        if (s->dropped[k].id == c->id) d = &s->dropped[k];
    if (!d) {
        if (s->ndropped >= SCHEMA_COLUMNS_MAX)
            return errmsg_set(em, ERR_INVALID, "Too many dropped columns in table %s.%s",
                              s->keyspace, s->name);
        s->dropped = grow(&s->arena, s->dropped, s->ndropped, &s->dropped_cap, sizeof *s->dropped);
        d = &s->dropped[s->ndropped++];
        d->dropped_time_us = INT64_MIN;
    }
    d->name = c->name;
    d->id = c->id;
    d->type = c->type;
    d->kind = c->kind;
    if (now_us > d->dropped_time_us) d->dropped_time_us = now_us;
    memmove(c, c + 1, (size_t)(s->ncolumns - i - 1) * sizeof *c);
    s->ncolumns--;
    return 0;
}

static bool valid_table_name(const char *n)
{
    size_t len = strlen(n);
    if (len == 0 || len > SCHEMA_NAME_MAX) return false;
    for (size_t i = 0; i < len; i++) {
        char c = n[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_'))
            return false;
    }
    return true;
}

/* Positions of one key kind must be exactly 0 .. n-1. Returns n, or -1. */
static int check_positions(const struct table_schema *s, enum column_kind kind)
{
    uint8_t seen[SCHEMA_COLUMNS_MAX / 8] = {0};
    int n = 0;
    for (uint16_t i = 0; i < s->ncolumns; i++) {
        if (s->columns[i].kind != kind) continue;
        int p = s->columns[i].position;
        if (seen[p / 8] & (1u << (p % 8))) return -1;
        seen[p / 8] |= (uint8_t)(1u << (p % 8));
        n++;
    }
    for (int p = 0; p < n; p++)
        if (!(seen[p / 8] & (1u << (p % 8)))) return -1;
    return n;
}

static int check_key_type(const struct table_schema *s, const struct column_def *c,
                          struct errmsg *em)
{
    (void)s;
    const struct cql_type *t = c->type;
    if (t->id == CQL_COUNTER)
        return errmsg_set(em, ERR_INVALID,
                          "counter type is not supported for PRIMARY KEY column '%s'", c->name);
    if (cql_type_is_multicell(t)) {
        if (t->id == CQL_UDT)
            return errmsg_set(
                em, ERR_INVALID,
                "Invalid non-frozen user-defined type \"%s\" for PRIMARY KEY column '%s'",
                t->udt_name, c->name);
        return errmsg_set(em, ERR_INVALID,
                          "Invalid non-frozen collection type for PRIMARY KEY component %s",
                          c->name);
    }
    if (!cql_type_is_comparable(t))
        return errmsg_set(em, ERR_INVALID,
                          "duration type is not supported for PRIMARY KEY column '%s'", c->name);
    return 0;
}

static int validate_columns(const struct table_schema *s, int *npk, int *nck, struct errmsg *em)
{
    if (!valid_table_name(s->keyspace) || !valid_table_name(s->name))
        return errmsg_set(em, ERR_INVALID,
                          "Keyspace and table names must not be empty or longer than %d characters "
                          "and only contain alphanumeric characters or underscores (got %s.%s)",
                          SCHEMA_NAME_MAX, s->keyspace, s->name);
    *npk = check_positions(s, COLUMN_PARTITION_KEY);
    *nck = check_positions(s, COLUMN_CLUSTERING);
    if (*npk == 0)
        return errmsg_set(em, ERR_INVALID,
                          "No PRIMARY KEY specifed for table %s.%s (exactly one required)",
                          s->keyspace, s->name);
    if (*npk < 0 || *nck < 0)
        return errmsg_set(em, ERR_INVALID, "Key column positions of %s.%s are not dense",
                          s->keyspace, s->name);
    int counters = 0, others = 0, statics = 0;
    for (uint16_t i = 0; i < s->ncolumns; i++) {
        const struct column_def *c = &s->columns[i];
        if (c->kind == COLUMN_PARTITION_KEY || c->kind == COLUMN_CLUSTERING) {
            int rc = check_key_type(s, c, em);
            if (rc) return rc;
            continue;
        }
        if (c->type->id == CQL_COUNTER)
            counters++;
        else
            others++;
        statics += c->kind == COLUMN_STATIC;
    }
    if (counters && others)
        return errmsg_set(em, ERR_INVALID,
                          "Cannot mix counter and non counter columns in the same table");
    if (statics && *nck == 0)
        return errmsg_set(em, ERR_INVALID,
                          "Static columns are only useful (and thus allowed) if the table has at "
                          "least one clustering column");
    if (counters && s->opts.default_time_to_live > 0)
        return errmsg_set(em, ERR_INVALID,
                          "Cannot set default_time_to_live on a table with counters");
    return 0;
}

/* SELECT * order (TableMetadata.allColumnsInSelectOrder): partition key and clustering by
   position, then static columns, then regular columns, each group by name. */
static int kind_rank(enum column_kind k)
{
    switch (k) {
    case COLUMN_PARTITION_KEY: return 0;
    case COLUMN_CLUSTERING: return 1;
    case COLUMN_STATIC: return 2;
    case COLUMN_REGULAR: return 3;
    }
    return 3;
}

static int cmp_column(const void *pa, const void *pb)
{
    const struct column_def *a = pa, *b = pb;
    int ra = kind_rank(a->kind), rb = kind_rank(b->kind);
    if (ra != rb) return ra - rb;
    if (ra < 2 && a->position != b->position) return a->position - b->position;
    /* Cassandra orders names by their UTF-8 bytes; strcmp compares unsigned chars. */
    return strcmp(a->name, b->name);
}

static void build_indexes(struct table_schema *s)
{
    struct arena *a = &s->arena;
    uint16_t n = s->ncolumns, ids = s->next_column_id;
    s->by_name = arena_alloc(a, (n ? n : 1) * sizeof *s->by_name);
    for (uint16_t i = 0; i < n; i++)
        s->by_name[i] = i;
    /* names are unique, so a stable sort is not needed; strcmp is unsigned-byte order */
    uint16_t *tmp = s->by_name;
    for (uint16_t i = 1; i < n; i++) { /* insertion sort: n <= 4096, done once per schema */
        uint16_t v = tmp[i];
        uint16_t j = i;
        while (j > 0 && strcmp(s->columns[tmp[j - 1]].name, s->columns[v].name) > 0) {
            tmp[j] = tmp[j - 1];
            j--;
        }
        tmp[j] = v;
    }
    s->index_by_id = arena_alloc(a, (ids ? ids : 1) * sizeof *s->index_by_id);
    s->dropped_before_us = arena_alloc(a, (ids ? ids : 1) * sizeof *s->dropped_before_us);
    for (uint16_t i = 0; i < ids; i++) {
        s->index_by_id[i] = -1;
        s->dropped_before_us[i] = INT64_MAX;
    }
    for (uint16_t i = 0; i < n; i++) {
        s->index_by_id[s->columns[i].id] = i;
        s->dropped_before_us[s->columns[i].id] = INT64_MIN;
    }
    for (uint16_t i = 0; i < s->ndropped; i++) {
        const struct dropped_column *d = &s->dropped[i];
        if (s->index_by_id[d->id] >= 0) s->dropped_before_us[d->id] = d->dropped_time_us;
    }
}

int table_schema_finish(struct table_schema *s, struct errmsg *em)
{
    ASSERT(!s->finished);
    int npk = 0, nck = 0;
    int rc = validate_columns(s, &npk, &nck, em);
    if (rc) return rc;
    for (uint16_t i = 0; i < s->ndropped; i++)
        if (s->dropped[i].id >= s->next_column_id)
            return errmsg_set(em, ERR_INVALID, "dropped column %s has an unknown id",
                              s->dropped[i].name);
    for (uint16_t i = 0; i < s->ncolumns; i++)
        if (s->columns[i].id >= s->next_column_id)
            return errmsg_set(em, ERR_INVALID, "column %s has an unknown id", s->columns[i].name);
    struct table_options derived = s->opts;
    if ((rc = table_schema_options_derive(&derived, em)) != 0) return rc;
    s->opts = derived;
    qsort(s->columns, s->ncolumns, sizeof *s->columns, cmp_column);
    s->npk = (uint16_t)npk;
    s->nck = (uint16_t)nck;
    build_indexes(s);
    s->finished = true;
    return 0;
}

struct table_schema *table_schema_ref(struct table_schema *s)
{
    int old = atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
    ASSERT(old > 0);
    return s;
}

void table_schema_unref(struct table_schema *s)
{
    if (!s) return;
    int old = atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel);
    ASSERT(old > 0);
    if (old != 1) return;
    arena_deinit(&s->arena);
    free(s);
}

const struct column_def *table_schema_column(const struct table_schema *s, const char *name)
{
    if (!s->finished) {
        int i = find_linear(s, name);
        return i < 0 ? NULL : &s->columns[i];
    }
    size_t lo = 0, hi = s->ncolumns;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct column_def *c = &s->columns[s->by_name[mid]];
        int cmp = strcmp(name, c->name);
        if (cmp == 0) return c;
        if (cmp < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

const struct column_def *table_schema_column_by_id(const struct table_schema *s, uint16_t id)
{
    if (s->finished) {
        if (id >= s->next_column_id || s->index_by_id[id] < 0) return NULL;
        return &s->columns[s->index_by_id[id]];
    }
    for (uint16_t i = 0; i < s->ncolumns; i++)
        if (s->columns[i].id == id) return &s->columns[i];
    return NULL;
}

bool table_schema_is_dropped(const struct table_schema *s, uint16_t id, int64_t ts_us)
{
    ASSERT(s->finished);
    if (id >= s->next_column_id) return true;
    int64_t before = s->dropped_before_us[id];
    if (before == INT64_MIN) return false;
    return ts_us <= before;
}

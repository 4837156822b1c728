/* Computed system tables: system.local, peers, system_schema.*, system_virtual_schema.*. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "node/base/be.h"
#include "node/cql/systab_schema.h"
#include "node/cql/vtable.h"
#include "node/local.h"
#include "ring/partitioner.h"
#include "schema_fixture.h"
#include "storage/row.h"

#define ROWS_MAX 2048

struct got_row {
    char pk[256];  /* text key (or hex for other types) */
    const struct table_schema *s;
    struct row row; /* cells copied below */
    struct cell cells[64];
    uint8_t data[4096];
    size_t used;
};

struct got {
    const struct table_schema *s;
    struct pkey key;
    struct got_row rows[ROWS_MAX];
    uint32_t n;
};

static int on_start(void *arg, const struct pkey *key, const struct row *st)
{
    (void)st;
    struct got *g = arg;
    g->key = *key;
    return READ_CONTINUE;
}

static int on_row(void *arg, const struct row *r)
{
    struct got *g = arg;
    cr_assert(g->n < ROWS_MAX);
    struct got_row *o = &g->rows[g->n++];
    size_t n = g->key.len < sizeof o->pk - 1 ? g->key.len : sizeof o->pk - 1;
    memcpy(o->pk, g->key.key, n);
    o->pk[n] = '\0';
    o->s = g->s;
    o->row = *r;
    cr_assert(r->ncells <= 64);
    o->used = 0;
    for (uint32_t i = 0; i < r->ncells; i++) {
        o->cells[i] = r->cells[i];
        cr_assert(o->used + r->cells[i].value_len + r->cells[i].path_len <= sizeof o->data);
        if (r->cells[i].value_len)
            memcpy(o->data + o->used, r->cells[i].value, r->cells[i].value_len);
        o->cells[i].value = o->data + o->used;
        o->used += r->cells[i].value_len;
        if (r->cells[i].path_len) memcpy(o->data + o->used, r->cells[i].path, r->cells[i].path_len);
        o->cells[i].path = o->data + o->used;
        o->used += r->cells[i].path_len;
    }
    o->row.cells = o->cells;
    return READ_CONTINUE;
}

static int on_end(void *arg)
{
    (void)arg;
    return READ_CONTINUE;
}

/* Reads ks.name; key (text) NULL = every partition. */
static struct got *read_vt(const char *ks, const char *name, const struct vtable_ctx *ctx,
                           const void *key, size_t klen)
{
    const struct vtable *vt = vtable_find(ks, name);
    cr_assert_not_null(vt, "%s.%s", ks, name);
    static struct got g;
    memset(&g, 0, sizeof g);
    g.s = vt->schema;
    struct read_cmd cmd = {.table_id = vt->schema->id, .now_s = 1000};
    if (key) {
        cmd.single = true;
        cmd.key = (struct pkey){partitioner_token(key, klen), key, (uint32_t)klen};
    } else {
        cmd.range = token_range_all();
    }
    struct read_visitor v = {on_start, on_row, on_end, &g};
    struct errmsg em;
    cr_assert_eq(vt->read(vt, ctx, &cmd, &v, &em), 0, "%s", em.text);
    return &g;
}

/* The value of column col in row r as a NUL-terminated string (text), or NULL. */
static const struct cell *cell_of(const struct got_row *r, const char *col)
{
    const struct column_def *c = table_schema_column(r->s, col);
    cr_assert_not_null(c, "%s", col);
    for (uint32_t i = 0; i < r->row.ncells; i++)
        if (r->cells[i].col == c->id) return &r->cells[i];
    return NULL;
}

static const char *text_of(const struct got_row *r, const char *col)
{
    static char buf[4][512];
    static int slot;
    const struct cell *c = cell_of(r, col);
    if (!c) return NULL;
    char *b = buf[slot++ % 4];
    snprintf(b, 512, "%.*s", (int)c->value_len, (const char *)c->value);
    return b;
}

static int32_t int_of(const struct got_row *r, const char *col)
{
    const struct cell *c = cell_of(r, col);
    cr_assert(c && c->value_len == 4, "%s", col);
    return (int32_t)be32_load(c->value);
}

/* The clustering component i of row r as text. */
static const char *ck_of(const struct got_row *r, int i)
{
    static char buf[4][256];
    static int slot;
    uint32_t pos = 0, len = 0;
    const uint8_t *v = NULL;
    for (int k = 0; k <= i; k++)
        cr_assert_eq(clustering_next(r->row.ck, r->row.ck_len, &pos, &v, &len), 1);
    char *b = buf[slot++ % 4];
    snprintf(b, 256, "%.*s", (int)len, (const char *)v);
    return b;
}

static const struct got_row *find_row(const struct got *g, const char *pk, const char *ck0,
                                      const char *ck1)
{
    for (uint32_t i = 0; i < g->n; i++) {
        const struct got_row *r = &g->rows[i];
        if (strcmp(r->pk, pk) != 0) continue;
        if (ck0 && strcmp(ck_of(r, 0), ck0) != 0) continue;
        if (ck1 && strcmp(ck_of(r, 1), ck1) != 0) continue;
        return r;
    }
    return NULL;
}

static struct catalog *sample_catalog(void)
{
    struct catalog *base = sfx_catalog("ks");
    struct catalog_edit *e = catalog_edit_begin(base);
    struct table_schema *t = sfx_table("ks", "t", "k int, c1 text, c2 int, v map<text, int>, w text", 1, 2);
    catalog_edit_put_table(e, t);
    table_schema_unref(t);
    catalog_unref(base);
    return catalog_edit_finish(e);
}

Test(systab, local_row_has_what_drivers_read)
{
    struct catalog *c = sample_catalog();
    int64_t tokens[2] = {-5, 42};
    struct local_node n = {.cluster_name = "Test Cluster", .dc = "datacenter1", .rack = "rack1",
                           .listen_address = "127.0.0.1", .rpc_address = "127.0.0.1",
                           .broadcast_address = "127.0.0.1", .broadcast_rpc_address = "127.0.0.1",
                           .native_port = 9042, .storage_port = 7000, .gossip_generation = 77,
                           .ntokens = 2, .tokens = tokens};
    uuid_random(&n.host_id);
    struct vtable_ctx ctx = {.catalog = c, .local = &n, .now_s = 1000};
    struct got *g = read_vt("system", "local", &ctx, "local", 5);
    cr_assert_eq(g->n, 1);
    const struct got_row *r = &g->rows[0];
    cr_expect_str_eq(r->pk, "local");
    cr_expect_str_eq(text_of(r, "cluster_name"), "Test Cluster");
    cr_expect_str_eq(text_of(r, "release_version"), "4.1.3");
    cr_expect_str_eq(text_of(r, "cql_version"), "3.4.6");
    cr_expect_str_eq(text_of(r, "native_protocol_version"), "4");
    cr_expect_str_eq(text_of(r, "partitioner"), "org.apache.cassandra.dht.Murmur3Partitioner");
    cr_expect_str_eq(text_of(r, "data_center"), "datacenter1");
    cr_expect_str_eq(text_of(r, "bootstrapped"), "COMPLETED");
    cr_expect_eq(int_of(r, "rpc_port"), 9042);
    cr_expect_eq(int_of(r, "gossip_generation"), 77);
    const struct cell *sv = cell_of(r, "schema_version");
    cr_assert(sv && sv->value_len == 16);
    cr_expect_eq(memcmp(sv->value, c->version.b, 16), 0);
    const struct cell *ra = cell_of(r, "rpc_address");
    cr_assert(ra && ra->value_len == 4);
    cr_expect_eq(memcmp(ra->value, "\x7f\x00\x00\x01", 4), 0);
    /* tokens: a non-frozen set, one cell per element (path = element) */
    const struct column_def *tk = table_schema_column(r->s, "tokens");
    int ntok = 0;
    for (uint32_t i = 0; i < r->row.ncells; i++)
        if (r->cells[i].col == tk->id) {
            ntok++;
            cr_expect(r->cells[i].path_len == 2 || r->cells[i].path_len == 1);
        }
    cr_expect_eq(ntok, 2);
    /* the whole-table scan (SELECT * FROM system.local without WHERE) sees the same row */
    g = read_vt("system", "local", &ctx, NULL, 0);
    cr_expect_eq(g->n, 1);
    /* another key: nothing */
    g = read_vt("system", "local", &ctx, "other", 5);
    cr_expect_eq(g->n, 0);
    vtable_cache_clear();
    catalog_unref(c);
}

Test(systab, peers_empty_on_one_node_and_filled_from_ctx)
{
    struct catalog *c = sample_catalog();
    struct vtable_ctx ctx = {.catalog = c};
    cr_expect_eq(read_vt("system", "peers_v2", &ctx, NULL, 0)->n, 0);
    cr_expect_eq(read_vt("system", "peers", &ctx, NULL, 0)->n, 0);
    int64_t tokens[1] = {9};
    struct vtable_peer p = {.peer = "127.0.0.2", .peer_port = 7000, .native_address = "127.0.0.2",
                            .native_port = 9042, .dc = "dc1", .rack = "r1",
                            .release_version = "4.1.3", .ntokens = 1, .tokens = tokens};
    ctx.peers = &p;
    ctx.npeers = 1;
    struct got *g = read_vt("system", "peers_v2", &ctx, NULL, 0);
    cr_assert_eq(g->n, 1);
    cr_expect_str_eq(text_of(&g->rows[0], "data_center"), "dc1");
    cr_expect_eq(int_of(&g->rows[0], "native_port"), 9042);
    g = read_vt("system", "peers", &ctx, "\x7f\x00\x00\x02", 4);
    cr_assert_eq(g->n, 1);
    cr_expect_str_eq(text_of(&g->rows[0], "release_version"), "4.1.3");
    catalog_unref(c);
}

Test(systab, schema_columns_as_the_python_driver_expects)
{
    struct catalog *c = sample_catalog();
    struct vtable_ctx ctx = {.catalog = c};
    struct got *g = read_vt("system_schema", "columns", &ctx, "ks", 2);
    cr_assert_eq(g->n, 5);
    static const struct {
        const char *col, *kind, *order, *type;
        int pos;
    } want[] = {
        {"k", "partition_key", "none", "int", 0},
        {"c1", "clustering", "asc", "text", 0},
        {"c2", "clustering", "asc", "int", 1},
        {"v", "regular", "none", "map<text, int>", -1},
        {"w", "regular", "none", "text", -1},
    };
    for (size_t i = 0; i < 5; i++) {
        const struct got_row *r = find_row(g, "ks", "t", want[i].col);
        cr_assert_not_null(r, "%s", want[i].col);
        cr_expect_str_eq(text_of(r, "kind"), want[i].kind, "%s", want[i].col);
        cr_expect_str_eq(text_of(r, "clustering_order"), want[i].order, "%s", want[i].col);
        cr_expect_str_eq(text_of(r, "type"), want[i].type, "%s", want[i].col);
        cr_expect_eq(int_of(r, "position"), want[i].pos, "%s", want[i].col);
        cr_expect_str_eq(text_of(r, "column_name_bytes"), want[i].col);
    }
    /* the system keyspaces describe themselves */
    g = read_vt("system_schema", "columns", &ctx, NULL, 0);
    const struct got_row *r = find_row(g, "system", "local", "cluster_name");
    cr_assert_not_null(r);
    cr_expect_str_eq(text_of(r, "type"), "text");
    cr_expect_not_null(find_row(g, "system_schema", "columns", "clustering_order"));
    cr_expect_null(find_row(g, "system_views", "settings", "name")); /* virtual: elsewhere */
    catalog_unref(c);
}

Test(systab, schema_tables_and_keyspaces)
{
    struct catalog *c = sample_catalog();
    struct vtable_ctx ctx = {.catalog = c};
    struct got *g = read_vt("system_schema", "tables", &ctx, NULL, 0);
    const struct got_row *r = find_row(g, "ks", "t", NULL);
    cr_assert_not_null(r);
    const struct cell *flags = cell_of(r, "flags");
    cr_assert_not_null(flags);
    /* frozen set<text> {'compound'} */
    cr_assert_eq(flags->value_len, 4 + 4 + 8);
    cr_expect_eq(memcmp(flags->value, "\0\0\0\1\0\0\0\x08" "compound", 16), 0);
    cr_expect_str_eq(text_of(r, "speculative_retry"), "99p");
    cr_expect_eq(int_of(r, "gc_grace_seconds"), 864000);
    const struct cell *id = cell_of(r, "id");
    cr_expect_eq(memcmp(id->value, catalog_table(c, "ks", "t")->id.b, 16), 0);
    cr_expect_not_null(find_row(g, "system", "local", NULL));
    cr_expect_not_null(find_row(g, "system_auth", "roles", NULL));
    cr_expect_null(find_row(g, "system_views", "settings", NULL));

    g = read_vt("system_schema", "keyspaces", &ctx, NULL, 0);
    cr_expect_eq(g->n, 6); /* 5 system keyspaces + ks */
    r = find_row(g, "ks", NULL, NULL);
    cr_assert_not_null(r);
    const struct cell *repl = cell_of(r, "replication");
    /* {'class': 'org.apache.cassandra.locator.SimpleStrategy', 'replication_factor': '1'} */
    cr_assert_not_null(repl);
    cr_expect_eq(be32_load(repl->value), 2);
    cr_expect(memmem(repl->value, repl->value_len, "org.apache.cassandra.locator.SimpleStrategy",
                     43) != NULL);
    cr_expect_null(find_row(g, "system_views", NULL, NULL));
    catalog_unref(c);
}

Test(systab, virtual_schema_lists_virtual_keyspaces)
{
    struct catalog *c = sample_catalog();
    struct vtable_ctx ctx = {.catalog = c};
    struct got *g = read_vt("system_virtual_schema", "keyspaces", &ctx, NULL, 0);
    cr_expect_eq(g->n, 2);
    cr_expect_not_null(find_row(g, "system_views", NULL, NULL));
    g = read_vt("system_virtual_schema", "tables", &ctx, NULL, 0);
    const struct got_row *r = find_row(g, "system_virtual_schema", "columns", NULL);
    cr_assert_not_null(r);
    cr_expect_str_eq(text_of(r, "comment"), "virtual column definitions");
    g = read_vt("system_virtual_schema", "columns", &ctx, "system_views", 12);
    cr_expect_not_null(find_row(g, "system_views", "settings", "value"));
    cr_expect_null(find_row(g, "ks", "t", "k"));
    /* empty tables answer no rows, not an error */
    cr_expect_eq(read_vt("system_schema", "views", &ctx, NULL, 0)->n, 0);
    cr_expect_eq(read_vt("system_schema", "functions", &ctx, NULL, 0)->n, 0);
    cr_expect_null(vtable_find("system_auth", "roles")); /* stored, not computed */
    catalog_unref(c);
}

/* A schema change is seen at once: the cache is keyed by the catalog snapshot. */
Test(systab, cache_follows_the_catalog)
{
    struct catalog *c1 = sample_catalog();
    struct vtable_ctx ctx = {.catalog = c1};
    cr_expect_eq(read_vt("system_schema", "tables", &ctx, "ks", 2)->n, 1);
    struct catalog_edit *e = catalog_edit_begin(c1);
    struct table_schema *t2 = sfx_table("ks", "t2", "k int, v text", 1, 0);
    catalog_edit_put_table(e, t2);
    table_schema_unref(t2);
    struct catalog *c2 = catalog_edit_finish(e);
    ctx.catalog = c2;
    cr_expect_eq(read_vt("system_schema", "tables", &ctx, "ks", 2)->n, 2);
    ctx.catalog = c1;
    cr_expect_eq(read_vt("system_schema", "tables", &ctx, "ks", 2)->n, 1);
    vtable_cache_clear();
    catalog_unref(c1);
    catalog_unref(c2);
}

Test(systab, rackdc_properties)
{
    char dc[RING_NAME_MAX] = "x", rack[RING_NAME_MAX] = "y";
    const char *text = "# comment\n dc = east \nrack=r7\r\nprefer_local=true\n";
    local_node_parse_rackdc(text, strlen(text), dc, rack);
    cr_expect_str_eq(dc, "east");
    cr_expect_str_eq(rack, "r7");
}

/* Catalog snapshots, schema version digest, system keyspace definitions, catalog file. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/base/buf.h"
#include "node/cql/catalog.h"
#include "node/cql/catalog_codec.h"
#include "node/cql/syskeyspaces.h"
#include "schema_fixture.h"
#include "storage/vfs.h"

static void uuid_str(const struct uuid *u, char out[UUID_STR_LEN + 1])
{
    uuid_format(u, out);
}

Test(catalog, system_table_ids_match_cassandra)
{
    /* Cassandra's data directories: local-7ad54392bcdd35a684174e047860b377 etc. */
    static const struct {
        const char *ks, *t, *id;
    } cases[] = {
        {"system", "local", "7ad54392-bcdd-35a6-8417-4e047860b377"},
        {"system", "peers_v2", "c4325fbb-8e5e-3baf-bd07-0f9250ed818e"},
        {"system_schema", "keyspaces", "abac5682-dea6-31c5-b535-b3d6cffd0fb6"},
        {"system_schema", "tables", "afddfb9d-bc1e-3068-8056-eed6c302ba09"},
        {"system_schema", "columns", "24101c25-a2ae-3af7-87c1-b40ee1aca33f"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct uuid u;
        char s[UUID_STR_LEN + 1];
        syskeyspaces_table_id(cases[i].ks, cases[i].t, &u);
        uuid_str(&u, s);
        cr_expect_str_eq(s, cases[i].id, "%s.%s", cases[i].ks, cases[i].t);
        struct table_schema *t = syskeyspaces_table(cases[i].ks, cases[i].t);
        cr_assert_not_null(t);
        cr_expect_eq(memcmp(t->id.b, u.b, 16), 0);
    }
}

Test(catalog, system_keyspaces_as_cassandra_defines_them)
{
    struct catalog *c = sfx_catalog(NULL);
    static const char *const names[] = {"system",        "system_auth",  "system_distributed",
                                        "system_schema", "system_traces", "system_views",
                                        "system_virtual_schema"};
    cr_assert_eq(c->nkeyspaces, 7);
    for (size_t i = 0; i < 7; i++) {
        cr_assert_str_eq(c->keyspaces[i].name, names[i]);
        cr_expect(c->keyspaces[i].is_system);
    }
    const struct catalog_keyspace *sys = catalog_keyspace(c, "system");
    cr_expect_str_eq(str_map_get(&sys->replication, "class"),
                     "org.apache.cassandra.locator.LocalStrategy");
    const struct catalog_keyspace *auth = catalog_keyspace(c, "system_auth");
    cr_expect_str_eq(str_map_get(&auth->replication, "replication_factor"), "1");
    cr_expect_str_eq(str_map_get(&catalog_keyspace(c, "system_distributed")->replication,
                                 "replication_factor"),
                     "3");
    cr_expect_str_eq(str_map_get(&catalog_keyspace(c, "system_traces")->replication,
                                 "replication_factor"),
                     "2");
    cr_expect(catalog_keyspace(c, "system_views")->is_virtual);
    cr_expect(!catalog_keyspace(c, "system_auth")->is_virtual);

    struct table_schema *local = catalog_table(c, "system", "local");
    cr_assert_not_null(local);
    cr_expect_eq(local->ncolumns, 20);
    cr_expect_eq(local->npk, 1);
    cr_expect_str_eq(local->columns[0].name, "key");
    cr_expect_eq(local->opts.gc_grace_seconds, 0);
    cr_expect_eq(local->opts.memtable_flush_period_in_ms, 3600000);
    cr_expect_str_eq(local->opts.comment, "information about the local node");
    struct buf b;
    buf_init(&b);
    cql_type_format(table_schema_column(local, "tokens")->type, &b);
    buf_put_u8(&b, 0);
    cr_expect_str_eq((char *)b.data, "set<text>");
    buf_deinit(&b);

    struct table_schema *peers = catalog_table(c, "system", "peers_v2");
    cr_expect_eq(peers->npk, 1);
    cr_expect_eq(peers->nck, 1);
    cr_expect_str_eq(peers->columns[1].name, "peer_port");
    struct table_schema *cols = catalog_table(c, "system_schema", "columns");
    cr_expect_eq(cols->nck, 2);
    cr_expect_eq(cols->opts.gc_grace_seconds, 604800);
    struct table_schema *roles = catalog_table(c, "system_auth", "roles");
    cr_expect_eq(roles->opts.gc_grace_seconds, 7776000);
    struct table_schema *rh = catalog_table(c, "system_distributed", "repair_history");
    cr_expect_eq(rh->npk, 2);
    cr_expect_eq(rh->opts.default_time_to_live, 30 * 86400);
    cr_expect(syskeyspaces_is_computed("system", "local"));
    cr_expect(syskeyspaces_is_computed("system_schema", "tables"));
    cr_expect(!syskeyspaces_is_computed("system_auth", "roles"));
    cr_expect(!syskeyspaces_is_computed("system", "paxos"));
    cr_expect_not_null(catalog_table_by_id(c, &local->id));
    cr_expect_eq(catalog_table_by_id(c, &local->id), local);
    catalog_unref(c);
}

/* A catalog with keyspace ks1 (tables t1, t2) and ks2 (a UDT and an index), built in the given
   order of operations. */
static struct catalog *sample(bool reverse, struct table_schema *t1, struct table_schema *t2)
{
    struct catalog_edit *e = catalog_edit_begin(NULL);
    syskeyspaces_add(e);
    struct catalog_ks_params p1 = {.name = "ks1", .durable_writes = true};
    p1.strategy.kind = STRATEGY_SIMPLE;
    p1.strategy.rf = 3;
    struct catalog_ks_params p2 = {.name = "ks2", .durable_writes = false};
    p2.strategy.kind = STRATEGY_NTS;
    p2.strategy.ndcs = 1;
    snprintf(p2.strategy.dcs[0].dc, RING_NAME_MAX, "dc1");
    p2.strategy.dcs[0].rf = 2;
    catalog_edit_put_keyspace(e, reverse ? &p2 : &p1);
    catalog_edit_put_keyspace(e, reverse ? &p1 : &p2);
    catalog_edit_put_table(e, reverse ? t2 : t1);
    catalog_edit_put_table(e, reverse ? t1 : t2);
    struct arena a;
    arena_init(&a, 1024);
    const struct cql_type *udt;
    cr_assert(cql_type_parse("int", 3, NULL, NULL, NULL, &a, &udt, NULL) == 0);
    struct cql_type u = {.id = CQL_UDT, .nsub = 1, .udt_keyspace = "ks2", .udt_name = "addr"};
    const struct cql_type *subs[1] = {udt};
    const char *fields[1] = {"zip"};
    u.sub = subs;
    u.field_names = fields;
    catalog_edit_put_type(e, &u);
    const char *k[1] = {"target"}, *v[1] = {"v"};
    struct catalog_index ix = {.table = "t1", .name = "t1_v_idx", .kind = "COMPOSITES",
                               .options = {.n = 1, .keys = k, .values = v}};
    catalog_edit_put_index(e, "ks1", &ix);
    arena_deinit(&a);
    return catalog_edit_finish(e);
}

Test(catalog, version_is_deterministic_and_name_based)
{
    struct table_schema *t1 = sfx_table("ks1", "t1", "k text, v text", 1, 0);
    struct table_schema *t2 = sfx_table("ks1", "t2", "k int, c int, v blob", 1, 1);
    struct catalog *a = sample(false, t1, t2), *b = sample(true, t1, t2);
    cr_expect_eq(memcmp(a->version.b, b->version.b, 16), 0);
    cr_expect_eq(uuid_version(&a->version), 3);
    cr_expect_eq(a->version.b[8] & 0xc0, 0x80);
    struct catalog *sys1 = sfx_catalog(NULL), *sys2 = sfx_catalog(NULL);
    cr_expect_eq(memcmp(sys1->version.b, sys2->version.b, 16), 0);
    cr_expect_neq(memcmp(sys1->version.b, a->version.b, 16), 0);
    cr_expect_not_null(catalog_ks_index(catalog_keyspace(a, "ks1"), "t1_v_idx"));
    cr_expect_not_null(catalog_type(a, "ks2", "addr"));
    cr_expect_str_eq(str_map_get(&catalog_keyspace(a, "ks2")->replication, "dc1"), "2");
    catalog_unref(a);
    catalog_unref(b);
    catalog_unref(sys1);
    catalog_unref(sys2);
    table_schema_unref(t1);
    table_schema_unref(t2);
}

/* Every kind of change gives a new version. */
Test(catalog, version_changes_on_any_change)
{
    struct table_schema *t1 = sfx_table("ks1", "t1", "k text, v text", 1, 0);
    struct table_schema *t2 = sfx_table("ks1", "t2", "k int, c int, v blob", 1, 1);
    struct catalog *base = sample(false, t1, t2);
    struct uuid seen[8];
    int n = 0;
    seen[n++] = base->version;
    for (int change = 0; change < 6; change++) {
        struct catalog_edit *e = catalog_edit_begin(base);
        struct catalog_ks_params p = {.name = "ks1", .durable_writes = true};
        p.strategy.kind = STRATEGY_SIMPLE;
        p.strategy.rf = 3;
        struct table_schema *t3 = NULL;
        switch (change) {
        case 0: p.durable_writes = false; catalog_edit_put_keyspace(e, &p); break;
        case 1: p.strategy.rf = 2; catalog_edit_put_keyspace(e, &p); break;
        case 2: catalog_edit_drop_table(e, "ks1", "t2"); break;
        case 3: catalog_edit_drop_type(e, "ks2", "addr"); break;
        case 4: catalog_edit_drop_index(e, "ks1", "t1_v_idx"); break;
        case 5:
            t3 = sfx_table("ks1", "t3", "k text, v text", 1, 0);
            catalog_edit_put_table(e, t3);
            table_schema_unref(t3);
            break;
        }
        struct catalog *c = catalog_edit_finish(e);
        for (int i = 0; i < n; i++)
            cr_expect_neq(memcmp(seen[i].b, c->version.b, 16), 0, "change %d", change);
        seen[n++] = c->version;
        catalog_unref(c);
    }
    catalog_unref(base);
    table_schema_unref(t1);
    table_schema_unref(t2);
}

Test(catalog, dropping_a_table_drops_its_indexes)
{
    struct table_schema *t1 = sfx_table("ks1", "t1", "k text, v text", 1, 0);
    struct table_schema *t2 = sfx_table("ks1", "t2", "k int, c int, v blob", 1, 1);
    struct catalog *base = sample(false, t1, t2);
    struct catalog_edit *e = catalog_edit_begin(base);
    cr_assert(catalog_edit_drop_table(e, "ks1", "t1"));
    cr_expect(!catalog_edit_drop_table(e, "ks1", "t1"));
    struct catalog *c = catalog_edit_finish(e);
    cr_expect_eq(catalog_keyspace(c, "ks1")->nindexes, 0);
    cr_expect_null(catalog_table(c, "ks1", "t1"));
    cr_expect_not_null(catalog_table(base, "ks1", "t1")); /* the old snapshot is unchanged */
    catalog_unref(c);
    catalog_unref(base);
    table_schema_unref(t1);
    table_schema_unref(t2);
}

static struct catalog *load_from(const char *dir, int *rc, struct errmsg *em)
{
    struct catalog_edit *e = catalog_edit_begin(NULL);
    syskeyspaces_add(e);
    *rc = catalog_codec_load(vfs_default(), dir, e, em);
    if (*rc != 0) {
        catalog_edit_abort(e);
        return NULL;
    }
    return catalog_edit_finish(e);
}

Test(catalog, file_round_trip)
{
    const char *dir = sfx_tmpdir();
    struct table_schema *t1 = sfx_table("ks1", "t1", "k text, v map<text, int>", 1, 0);
    struct table_schema *t2 = sfx_table("ks1", "t2", "k int, c int, v blob", 1, 1);
    struct catalog *a = sample(false, t1, t2);
    /* an altered system keyspace keeps its replication across restarts */
    struct catalog_edit *e = catalog_edit_begin(a);
    struct catalog_ks_params p = {.name = "system_auth", .durable_writes = true, .is_system = true};
    p.strategy.kind = STRATEGY_SIMPLE;
    p.strategy.rf = 5;
    catalog_edit_put_keyspace(e, &p);
    struct catalog *b = catalog_edit_finish(e);
    struct errmsg em;
    cr_assert_eq(catalog_codec_save(vfs_default(), dir, b, &em), 0, "%s", em.text);
    int rc;
    struct catalog *c = load_from(dir, &rc, &em);
    cr_assert_eq(rc, 0, "%s", em.text);
    cr_expect_eq(memcmp(b->version.b, c->version.b, 16), 0);
    struct buf x, y;
    buf_init(&x);
    buf_init(&y);
    catalog_codec_encode(b, &x);
    catalog_codec_encode(c, &y);
    cr_expect_eq(x.len, y.len);
    cr_expect_eq(memcmp(x.data, y.data, x.len), 0);
    cr_expect_str_eq(str_map_get(&catalog_keyspace(c, "system_auth")->replication,
                                 "replication_factor"),
                     "5");
    cr_expect_not_null(catalog_table(c, "system_auth", "roles"));
    cr_expect_eq(catalog_table(c, "ks1", "t1")->ncolumns, 2);
    buf_deinit(&x);
    buf_deinit(&y);
    catalog_unref(a);
    catalog_unref(b);
    catalog_unref(c);
    table_schema_unref(t1);
    table_schema_unref(t2);
    sfx_rmdir(dir);
}

Test(catalog, missing_file_is_not_found)
{
    const char *dir = sfx_tmpdir();
    int rc;
    struct errmsg em;
    cr_expect_null(load_from(dir, &rc, &em));
    cr_expect_eq(rc, ERR_NOT_FOUND);
    sfx_rmdir(dir);
}

/* Flipping any byte or cutting the file anywhere is a clear corruption error naming the file. */
Test(catalog, every_corruption_is_detected)
{
    struct table_schema *t1 = sfx_table("ks1", "t1", "k text, v text", 1, 0);
    struct table_schema *t2 = sfx_table("ks1", "t2", "k int, c int, v blob", 1, 1);
    struct catalog *a = sample(false, t1, t2);
    struct buf img;
    buf_init(&img);
    catalog_codec_file(a, &img);
    for (size_t i = 0; i < img.len; i++) {
        for (int cut = 0; cut < 2; cut++) {
            struct catalog_edit *e = catalog_edit_begin(NULL);
            syskeyspaces_add(e);
            struct errmsg em;
            uint8_t saved = img.data[i];
            if (!cut) img.data[i] ^= 0x5a;
            int rc = catalog_codec_read_image(img.data, cut ? i : img.len, "x/catalog.db", e, &em);
            img.data[i] = saved;
            catalog_edit_abort(e);
            cr_assert_eq(rc, ERR_CORRUPT, "byte %zu cut %d", i, cut);
            cr_assert(strstr(em.text, "x/catalog.db") != NULL, "%s", em.text);
        }
    }
    buf_deinit(&img);
    catalog_unref(a);
    table_schema_unref(t1);
    table_schema_unref(t2);
}

/* A checksummed body that lies is still refused (decoder checks beyond the CRC). */
Test(catalog, decoder_checks_content)
{
    struct buf b;
    buf_init(&b);
    buf_put_varint(&b, 1);
    buf_put_vbytes(&b, "bad-name", 8); /* not a valid keyspace name */
    buf_put_u8(&b, 1);
    buf_put_varint(&b, 0);
    struct catalog_edit *e = catalog_edit_begin(NULL);
    struct errmsg em;
    cr_expect_eq(catalog_codec_decode(b.data, b.len, "mem", e, &em), ERR_CORRUPT);
    catalog_edit_abort(e);
    buf_reset(&b);
    buf_put_varint(&b, 1000000); /* more keyspaces than bytes */
    e = catalog_edit_begin(NULL);
    cr_expect_eq(catalog_codec_decode(b.data, b.len, "mem", e, &em), ERR_CORRUPT);
    catalog_edit_abort(e);
    buf_deinit(&b);
}

/*
 * bench_schema: what schema work costs as the schema grows. For a catalog with N user tables
 * (10 columns each, 10 per keyspace) it times: planning one more CREATE TABLE (catalog rebuild
 * + schema_version MD5), writing catalog.db (with fsync), loading it back, the 12 queries a
 * driver sends at every connect (system_schema.* and system_virtual_schema.*, whole-table
 * reads) with and without the per-snapshot cache, and DESCRIBE SCHEMA.
 *   usage: bench_schema [N ...]   (default 10 100 1000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "node/base/clock.h"
#include "node/base/log.h"
#include "node/cql/catalog_codec.h"
#include "node/cql/ddl.h"
#include "node/cql/describe.h"
#include "node/cql/parser.h"
#include "node/cql/syskeyspaces.h"
#include "node/cql/vtable.h"
#include "storage/vfs.h"

static struct catalog *run(struct catalog *c, const char *cql)
{
    const char *dcs[] = {"datacenter1"};
    struct ddl_ctx ctx = {.base = c, .known_dcs = dcs, .nknown = 1, .nnodes = 1,
                          .now_us = clock_real_us()};
    struct arena a;
    arena_init(&a, 4096);
    struct ast_stmt *s;
    struct errmsg em;
    struct ddl_plan p;
    if (parser_parse(cql, strlen(cql), &a, &s, &em) != 0 || ddl_plan(&ctx, s, &p, &em) != 0) {
        fprintf(stderr, "%s: %s\n", cql, em.text);
        exit(1);
    }
    arena_deinit(&a);
    if (!p.next) return c;
    catalog_unref(c);
    return p.next;
}

static void create_table(char *buf, size_t cap, int i)
{
    snprintf(buf, cap,
             "CREATE TABLE k%d.t%d (id uuid, ts timestamp, a text, b int, c bigint, d double, "
             "e set<text>, f map<text, int>, g blob, h boolean, PRIMARY KEY (id, ts))",
             i / 10, i);
}

static struct catalog *build(int n)
{
    struct catalog_edit *e = catalog_edit_begin(NULL);
    syskeyspaces_add(e);
    struct catalog *c = catalog_edit_finish(e);
    char q[512];
    for (int i = 0; i < n; i++) {
        if (i % 10 == 0) {
            snprintf(q, sizeof q,
                     "CREATE KEYSPACE k%d WITH replication = {'class': 'SimpleStrategy', "
                     "'replication_factor': 1}",
                     i / 10);
            c = run(c, q);
        }
        create_table(q, sizeof q, i);
        c = run(c, q);
    }
    return c;
}

static int on_start(void *a, const struct pkey *k, const struct row *s)
{
    (void)a, (void)k, (void)s;
    return READ_CONTINUE;
}
static int on_row(void *a, const struct row *r)
{
    (void)r;
    (*(long *)a)++;
    return READ_CONTINUE;
}
static int on_end(void *a)
{
    (void)a;
    return READ_CONTINUE;
}

/* The 12 connect-time queries; returns the rows read. */
static long driver_queries(const struct catalog *c)
{
    static const char *const q[][2] = {
        {"system_schema", "keyspaces"}, {"system_schema", "tables"},
        {"system_schema", "columns"},   {"system_schema", "types"},
        {"system_schema", "functions"}, {"system_schema", "aggregates"},
        {"system_schema", "triggers"},  {"system_schema", "indexes"},
        {"system_schema", "views"},     {"system_virtual_schema", "keyspaces"},
        {"system_virtual_schema", "tables"}, {"system_virtual_schema", "columns"}};
    long rows = 0;
    for (size_t i = 0; i < 12; i++) {
        const struct vtable *vt = vtable_find(q[i][0], q[i][1]);
        struct vtable_ctx ctx = {.catalog = c, .now_s = clock_real_s()};
        struct read_cmd cmd = {.table_id = vt->schema->id, .now_s = ctx.now_s,
                               .range = token_range_all()};
        struct read_visitor v = {on_start, on_row, on_end, &rows};
        struct errmsg em;
        if (vt->read(vt, &ctx, &cmd, &v, &em) != 0) exit(1);
    }
    return rows;
}

static double ms(int64_t t0)
{
    return (double)(clock_mono_ns() - t0) / 1e6;
}

static void bench(int n)
{
    struct catalog *c = build(n);
    char q[512], dir[] = "/tmp/bench_schema_XXXXXX";
    create_table(q, sizeof q, n); /* one more table in the last keyspace */
    if (n % 10 == 0) {
        char ks[256];
        snprintf(ks, sizeof ks,
                 "CREATE KEYSPACE k%d WITH replication = {'class': 'SimpleStrategy', "
                 "'replication_factor': 1}",
                 n / 10);
        c = run(c, ks);
    }
    int64_t t0 = clock_mono_ns();
    struct catalog *c2 = run(catalog_ref(c), q);
    double plan = ms(t0);
    if (!mkdtemp(dir)) exit(1);
    struct errmsg em;
    t0 = clock_mono_ns();
    if (catalog_codec_save(vfs_default(), dir, c2, &em) != 0) exit(1);
    double save = ms(t0);
    t0 = clock_mono_ns();
    struct catalog_edit *e = catalog_edit_begin(NULL);
    syskeyspaces_add(e);
    if (catalog_codec_load(vfs_default(), dir, e, &em) != 0) exit(1);
    catalog_unref(catalog_edit_finish(e));
    double load = ms(t0);
    vtable_cache_clear();
    t0 = clock_mono_ns();
    long rows = driver_queries(c2);
    double cold = ms(t0);
    t0 = clock_mono_ns();
    driver_queries(c2);
    double warm = ms(t0);
    struct arena a;
    arena_init(&a, 1024);
    struct ast_stmt *s;
    parser_parse("DESCRIBE SCHEMA", 15, &a, &s, &em);
    struct describe_req dq = {.d = &s->u.describe, .version = 4};
    struct buf b;
    buf_init(&b);
    t0 = clock_mono_ns();
    describe_execute(c2, &dq, &b, &em);
    double desc = ms(t0);
    char path[600];
    catalog_codec_path(dir, path, sizeof path);
    uint8_t *img;
    size_t len = 0;
    vfs_read_all(vfs_default(), path, CATALOG_FILE_MAX_BYTES, &img, &len);
    free(img);
    printf("| %5d | %8.2f | %8.2f | %8.2f | %9ld | %10.2f | %10.2f | %9.2f | %8zu |\n", n, plan,
           save, load, rows, cold, warm, desc, len);
    unlink(path);
    snprintf(path, sizeof path, "%s/%s", dir, CATALOG_DIR_NAME);
    rmdir(path);
    rmdir(dir);
    buf_deinit(&b);
    arena_deinit(&a);
    vtable_cache_clear();
    catalog_unref(c);
    catalog_unref(c2);
}

int main(int argc, char **argv)
{
    log_set_level(LOG_WARN);
    printf("| tables | plan ms | save ms | load ms | schema rows | 12 queries cold ms | warm ms | "
           "DESCRIBE ms | file B |\n|---|---|---|---|---|---|---|---|---|\n");
    if (argc < 2) {
        bench(10);
        bench(100);
        bench(1000);
    }
    for (int i = 1; i < argc; i++) {
        long n = strtol(argv[i], NULL, 10);
        bench(n > 0 && n < 100000 ? (int)n : 10);
    }
    return 0;
}

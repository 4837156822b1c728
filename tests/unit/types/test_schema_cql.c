/* Unit tests for CREATE TABLE text: compared with what Cassandra 4.1's DESCRIBE TABLE prints. */
#include <criterion/criterion.h>
#include <string.h>

#include "storage/schema.h"
#include "storage/value_format.h"
#include "types_test_util.h"

#define DEFAULT_OPTIONS "    AND additional_write_policy = '99p'\n" OPTS_REST
#define OPTS_REST                                                                                  \
    "    AND bloom_filter_fp_chance = 0.01\n"                                                      \
    "    AND caching = {'keys': 'ALL', 'rows_per_partition': 'NONE'}\n"                            \
    "    AND cdc = false\n"                                                                        \
    "    AND comment = ''\n"                                                                       \
    "    AND compaction = {'class': "                                                              \
    "'org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy', 'max_threshold': '32', "   \
    "'min_threshold': '4'}\n"                                                                      \
    "    AND compression = {'chunk_length_in_kb': '16', 'class': "                                 \
    "'org.apache.cassandra.io.compress.LZ4Compressor'}\n"                                          \
    "    AND memtable = 'default'\n"                                                               \
    "    AND crc_check_chance = 1.0\n"                                                             \
    "    AND default_time_to_live = 0\n"                                                           \
    "    AND extensions = {}\n"                                                                    \
    "    AND gc_grace_seconds = 864000\n"                                                          \
    "    AND max_index_interval = 2048\n"                                                          \
    "    AND memtable_flush_period_in_ms = 0\n"                                                    \
    "    AND min_index_interval = 128\n"                                                           \
    "    AND read_repair = 'BLOCKING'\n"                                                           \
    "    AND speculative_retry = '99p';"

static void add(struct table_schema *s, struct arena *a, const char *name, enum column_kind kind,
                int pos, bool rev, const char *type)
{
    struct errmsg em;
    cr_assert_eq(table_schema_add_column(s, name, kind, pos, rev, tt_type(a, type), &em), 0, "%s",
                 em.text);
}

static void expect_cql(struct table_schema *s, const char *want)
{
    struct errmsg em;
    cr_assert_eq(table_schema_finish(s, &em), 0, "%s", em.text);
    struct buf b;
    buf_init(&b);
    table_schema_format_cql(s, &b);
    buf_put_u8(&b, 0);
    cr_assert_str_eq((char *)b.data, want);
    buf_deinit(&b);
    table_schema_unref(s);
}

Test(schema_cql, single_column_primary_key)
{
    struct arena a;
    arena_init(&a, 1024);
    struct table_schema *s = table_schema_new("ks", "t", NULL);
    add(s, &a, "v", COLUMN_REGULAR, -1, false, "text");
    add(s, &a, "id", COLUMN_PARTITION_KEY, 0, false, "int");
    expect_cql(s, "CREATE TABLE ks.t (\n"
                  "    id int PRIMARY KEY,\n"
                  "    v text\n"
                  ") WITH additional_write_policy = '99p'\n" OPTS_REST);
    /* only a key column */
    s = table_schema_new("ks", "only", NULL);
    add(s, &a, "id", COLUMN_PARTITION_KEY, 0, false, "uuid");
    expect_cql(s, "CREATE TABLE ks.only (\n"
                  "    id uuid PRIMARY KEY\n"
                  ") WITH additional_write_policy = '99p'\n" OPTS_REST);
    arena_deinit(&a);
}

Test(schema_cql, create_order_puts_simple_before_multicell)
{
    struct arena a;
    arena_init(&a, 0);
    struct uuid id = {{0}};
    struct table_schema *s = table_schema_new("ks", "t", &id);
    add(s, &a, "k", COLUMN_PARTITION_KEY, 0, false, "int");
    add(s, &a, "c", COLUMN_CLUSTERING, 0, false, "int");
    add(s, &a, "a", COLUMN_REGULAR, -1, false, "list<int>");
    add(s, &a, "b", COLUMN_REGULAR, -1, false, "int");
    add(s, &a, "z", COLUMN_STATIC, -1, false, "set<text>");
    add(s, &a, "y", COLUMN_STATIC, -1, false, "text");
    table_schema_ref(s); /* expect_cql drops one reference; the column order is checked after */
    /* Cassandra: statics (simple, then multi-cell) before regulars (simple, then multi-cell). */
    expect_cql(s, "CREATE TABLE ks.t (\n"
                  "    k int,\n"
                  "    c int,\n"
                  "    y text static,\n"
                  "    z set<text> static,\n"
                  "    b int,\n"
                  "    a list<int>,\n"
                  "    PRIMARY KEY (k, c)\n"
                  ") WITH CLUSTERING ORDER BY (c ASC)\n" DEFAULT_OPTIONS);
    static const char *select_order[] = {"k", "c", "y", "z", "a", "b"};
    for (int i = 0; i < 6; i++) cr_assert_str_eq(s->columns[i].name, select_order[i]);
    table_schema_unref(s);
    arena_deinit(&a);
}

Test(schema_cql, compound_key_static_order_and_quoting)
{
    struct arena a;
    arena_init(&a, 1024);
    struct table_schema *s = table_schema_new("MyKs", "events", NULL);
    add(s, &a, "v", COLUMN_REGULAR, -1, false, "map<text, frozen<list<int>>>");
    add(s, &a, "ts", COLUMN_CLUSTERING, 0, true, "timeuuid");
    add(s, &a, "day", COLUMN_PARTITION_KEY, 1, false, "date");
    add(s, &a, "s", COLUMN_STATIC, -1, false, "text");
    add(s, &a, "Body", COLUMN_REGULAR, -1, false, "text");
    add(s, &a, "id", COLUMN_PARTITION_KEY, 0, false, "uuid");
    add(s, &a, "select", COLUMN_CLUSTERING, 1, false, "int");
    add(s, &a, "addr", COLUMN_REGULAR, -1, false, "frozen<address>");
    add(s, &a, "t", COLUMN_REGULAR, -1, false, "tuple<int, text>");
    struct errmsg em;
    cr_assert_eq(table_schema_set_option(s, "comment", "it's", &em), 0);
    cr_assert_eq(table_schema_set_option(s, "gc_grace_seconds", "3600", &em), 0);
    cr_assert_eq(table_schema_set_option(s, "bloom_filter_fp_chance", "0.0001", &em), 0);
    cr_assert_eq(table_schema_set_option(s, "compression", "{'enabled': false}", &em), 0);
    cr_assert_eq(table_schema_set_option(s, "caching", "{'rows_per_partition': 100}", &em), 0);
    cr_assert_eq(table_schema_set_option(s, "extensions", "{'k': 'AB'}", &em), 0);
    expect_cql(s, "CREATE TABLE \"MyKs\".events (\n"
                  "    id uuid,\n"
                  "    day date,\n"
                  "    ts timeuuid,\n"
                  "    \"select\" int,\n"
                  "    s text static,\n"
                  "    \"Body\" text,\n"
                  "    addr frozen<address>,\n"
                  "    t frozen<tuple<int, text>>,\n"
                  "    v map<text, frozen<list<int>>>,\n"
                  "    PRIMARY KEY ((id, day), ts, \"select\")\n"
                  ") WITH CLUSTERING ORDER BY (ts DESC, \"select\" ASC)\n"
                  "    AND additional_write_policy = '99p'\n"
                  "    AND bloom_filter_fp_chance = 1.0E-4\n"
                  "    AND caching = {'keys': 'ALL', 'rows_per_partition': '100'}\n"
                  "    AND cdc = false\n"
                  "    AND comment = 'it''s'\n"
                  "    AND compaction = {'class': "
                  "'org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy', "
                  "'max_threshold': '32', 'min_threshold': '4'}\n"
                  "    AND compression = {'enabled': 'false'}\n"
                  "    AND memtable = 'default'\n"
                  "    AND crc_check_chance = 1.0\n"
                  "    AND default_time_to_live = 0\n"
                  "    AND extensions = {'k': 0x4142}\n"
                  "    AND gc_grace_seconds = 3600\n"
                  "    AND max_index_interval = 2048\n"
                  "    AND memtable_flush_period_in_ms = 0\n"
                  "    AND min_index_interval = 128\n"
                  "    AND read_repair = 'BLOCKING'\n"
                  "    AND speculative_retry = '99p';");
    arena_deinit(&a);
}

Test(schema_cql, single_partition_column_with_clustering)
{
    struct arena a;
    arena_init(&a, 1024);
    struct table_schema *s = table_schema_new("ks", "t", NULL);
    add(s, &a, "k", COLUMN_PARTITION_KEY, 0, false, "text");
    add(s, &a, "c", COLUMN_CLUSTERING, 0, false, "int");
    expect_cql(s, "CREATE TABLE ks.t (\n"
                  "    k text,\n"
                  "    c int,\n"
                  "    PRIMARY KEY (k, c)\n"
                  ") WITH CLUSTERING ORDER BY (c ASC)\n" DEFAULT_OPTIONS);
    arena_deinit(&a);
}

Test(value_format, java_double_to_string)
{
    static const struct {
        double v;
        const char *s;
    } cases[] = {
        {0.01, "0.01"},        {1.0, "1.0"},
        {0.0, "0.0"},          {-0.0, "-0.0"},
        {0.1, "0.1"},          {1e-4, "1.0E-4"},
        {0.001, "0.001"},      {123.5, "123.5"},
        {1e7, "1.0E7"},        {9999999.0, "9999999.0"},
        {1.5e10, "1.5E10"},    {-2.5e-7, "-2.5E-7"},
        {100.0, "100.0"},      {1.0 / 3, "0.3333333333333333"},
        {6.71e-05, "6.71E-5"}, {1e308, "1.0E308"},
        {0.5, "0.5"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct buf b;
        buf_init(&b);
        value_format_java_double(&b, cases[i].v);
        buf_put_u8(&b, 0);
        cr_assert_str_eq((char *)b.data, cases[i].s, "%.17g", cases[i].v);
        buf_deinit(&b);
    }
    struct buf b;
    buf_init(&b);
    value_format_java_float(&b, 0.1f);
    value_format_java_float(&b, 1.0f / 3);
    buf_put_u8(&b, 0);
    cr_assert_str_eq((char *)b.data, "0.10.33333334");
    buf_deinit(&b);
}

/* Unit tests for table schemas: builder, validation, options, dropped columns, codec and the
   CREATE TABLE text Cassandra 4.1's DESCRIBE prints. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/base/be.h"
#include "node/base/crc32c.h"
#include "node/base/mem.h"
#include "storage/schema.h"
#include "storage/schema_compaction.h"
#include "types_test_util.h"

struct coldef {
    const char *name;
    enum column_kind kind;
    int pos;
    bool rev;
    const char *type;
};

static struct table_schema *build(const char *ks, const char *name, const struct coldef *cols,
                                  size_t n, struct errmsg *em, int *rc_out)
{
    struct table_schema *s = table_schema_new(ks, name, NULL);
    struct arena a;
    arena_init(&a, 4096);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = table_schema_add_column(s, cols[i].name, cols[i].kind, cols[i].pos, cols[i].rev,
                                     tt_type(&a, cols[i].type), em);
    arena_deinit(&a); /* the schema holds its own copies */
    if (rc == 0) rc = table_schema_finish(s, em);
    *rc_out = rc;
    return s;
}

static struct table_schema *build_ok(const char *ks, const char *name, const struct coldef *cols,
                                     size_t n)
{
    struct errmsg em;
    int rc;
    struct table_schema *s = build(ks, name, cols, n, &em, &rc);
    cr_assert_eq(rc, 0, "%s", em.text);
    return s;
}

static const struct coldef events[] = {
    {"v", COLUMN_REGULAR, -1, false, "map<text, int>"},
    {"ts", COLUMN_CLUSTERING, 0, true, "timestamp"},
    {"day", COLUMN_PARTITION_KEY, 1, false, "date"},
    {"s", COLUMN_STATIC, -1, false, "text"},
    {"Body", COLUMN_REGULAR, -1, false, "text"},
    {"id", COLUMN_PARTITION_KEY, 0, false, "uuid"},
    {"seq", COLUMN_CLUSTERING, 1, false, "int"},
    {"a", COLUMN_REGULAR, -1, false, "frozen<list<int>>"},
};
#define NEVENTS (sizeof events / sizeof events[0])

Test(schema, column_order_ids_and_lookups)
{
    struct table_schema *s = build_ok("ks", "events", events, NEVENTS);
    /* SELECT * order: keys by position, then statics, then regulars, each by name. */
    static const char *order[] = {"id", "day", "ts", "seq", "s", "Body", "a", "v"};
    cr_assert_eq(s->ncolumns, 8);
    cr_assert_eq(s->npk, 2);
    cr_assert_eq(s->nck, 2);
    for (int i = 0; i < 8; i++)
        cr_assert_str_eq(s->columns[i].name, order[i], "column %d", i);
    cr_assert_eq(s->next_column_id, 8);
    for (size_t i = 0; i < NEVENTS; i++) {
        const struct column_def *c = table_schema_column(s, events[i].name);
        cr_assert_not_null(c, "%s", events[i].name);
        cr_assert_eq(c->id, i, "ids follow creation order");
        cr_assert_eq(table_schema_column_by_id(s, (uint16_t)i), c);
        cr_assert_not(table_schema_is_dropped(s, c->id, 123));
    }
    cr_assert_null(table_schema_column(s, "body"), "names are case-sensitive");
    cr_assert_null(table_schema_column_by_id(s, 8));
    cr_assert(table_schema_is_dropped(s, 9, 0), "unknown ids are ignored");
    cr_assert(table_schema_column(s, "ts")->reversed);
    cr_assert_eq(table_schema_column(s, "day")->position, 1);
    cr_assert_eq(table_schema_column(s, "v")->position, -1);
    struct table_schema *r = table_schema_ref(s);
    cr_assert_eq(r, s);
    cr_assert_eq(atomic_load(&s->refs), 2);
    table_schema_unref(s);
    table_schema_unref(r);
    table_schema_unref(NULL);
}

static const struct {
    struct coldef cols[4];
    size_t n;
    const char *msg;
} bad_tables[] = {
    {{{"v", COLUMN_REGULAR, -1, false, "int"}}, 1, "No PRIMARY KEY"},
    {{{"a", COLUMN_PARTITION_KEY, 0, false, "int"}, {"b", COLUMN_PARTITION_KEY, 2, false, "int"}},
     2,
     "not dense"},
    {{{"a", COLUMN_PARTITION_KEY, 0, false, "int"}, {"b", COLUMN_PARTITION_KEY, 0, false, "int"}},
     2,
     "not dense"},
    {{{"a", COLUMN_PARTITION_KEY, 0, false, "list<int>"}}, 1, "non-frozen collection"},
    {{{"a", COLUMN_PARTITION_KEY, 0, false, "int"}, {"c", COLUMN_CLUSTERING, 0, false, "address"}},
     2,
     "non-frozen user-defined type"},
    {{{"a", COLUMN_PARTITION_KEY, 0, false, "duration"}}, 1, "duration type is not supported"},
    {{{"a", COLUMN_PARTITION_KEY, 0, false, "frozen<list<duration>>"}}, 1, "duration"},
    {{{"a", COLUMN_PARTITION_KEY, 0, false, "counter"}}, 1, "counter type is not supported"},
    {{{"a", COLUMN_PARTITION_KEY, 0, false, "int"},
      {"c", COLUMN_REGULAR, -1, false, "counter"},
      {"d", COLUMN_REGULAR, -1, false, "int"}},
     3,
     "Cannot mix counter and non counter columns"},
    {{{"a", COLUMN_PARTITION_KEY, 0, false, "int"}, {"s", COLUMN_STATIC, -1, false, "int"}},
     2,
     "Static columns are only useful"},
    {{{"a", COLUMN_PARTITION_KEY, 0, false, "int"}, {"a", COLUMN_REGULAR, -1, false, "int"}},
     2,
     "Duplicate column 'a'"},
    {{{"a", COLUMN_PARTITION_KEY, 0, false, "int"}, {"b", COLUMN_REGULAR, -1, true, "int"}},
     2,
     "Only clustering columns have an order"},
    {{{"", COLUMN_PARTITION_KEY, 0, false, "int"}}, 1, "Invalid column name"},
};

Test(schema, finish_rejects_invalid_tables)
{
    for (size_t i = 0; i < sizeof bad_tables / sizeof bad_tables[0]; i++) {
        struct errmsg em = {0};
        int rc;
        struct table_schema *s = build("ks", "t", bad_tables[i].cols, bad_tables[i].n, &em, &rc);
        cr_assert_eq(rc, ERR_INVALID, "case %zu accepted", i);
        cr_assert(strstr(em.text, bad_tables[i].msg), "case %zu: '%s' lacks '%s'", i, em.text,
                  bad_tables[i].msg);
        cr_assert_not(s->finished);
        table_schema_unref(s);
    }
    static const char *bad_names[] = {"", "has-dash", "has space", "é"};
    for (size_t i = 0; i < 4; i++) {
        struct errmsg em;
        int rc;
        struct table_schema *s = build("ks", bad_names[i], events, NEVENTS, &em, &rc);
        cr_assert_eq(rc, ERR_INVALID, "table name '%s'", bad_names[i]);
        table_schema_unref(s);
    }
    char long_name[SCHEMA_NAME_MAX + 2];
    memset(long_name, 'x', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    struct errmsg em;
    int rc;
    struct table_schema *s = build("ks", long_name, events, NEVENTS, &em, &rc);
    cr_assert_eq(rc, ERR_INVALID);
    table_schema_unref(s);
    long_name[SCHEMA_NAME_MAX] = '\0';
    s = build("ks", long_name, events, NEVENTS, &em, &rc);
    cr_assert_eq(rc, 0, "222 characters are allowed: %s", em.text);
    table_schema_unref(s);
}

static const struct coldef simple[] = {
    {"id", COLUMN_PARTITION_KEY, 0, false, "int"},
    {"v", COLUMN_REGULAR, -1, false, "text"},
};

Test(schema, option_defaults_and_derived)
{
    struct table_schema *s = build_ok("ks", "t", simple, 2);
    const struct table_options *o = &s->opts;
    cr_assert_float_eq(o->bloom_filter_fp_chance, 0.01, 1e-12);
    cr_assert_eq(o->gc_grace_seconds, 864000);
    cr_assert_eq(o->default_time_to_live, 0);
    cr_assert_eq(o->min_index_interval, 128);
    cr_assert_eq(o->max_index_interval, 2048);
    cr_assert_str_eq(o->speculative_retry, "99p");
    cr_assert_str_eq(o->read_repair, "BLOCKING");
    cr_assert_str_eq(str_map_get(&o->caching, "keys"), "ALL");
    cr_assert_str_eq(str_map_get(&o->compaction, "class"),
                     "org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy");
    cr_assert_str_eq(str_map_get(&o->compression, "chunk_length_in_kb"), "16");
    cr_assert_null(str_map_get(&o->caching, "nope"));
    cr_assert(o->compression_enabled);
    cr_assert_eq(o->chunk_length_bytes, 16384);
    cr_assert_eq(o->stcs_min_threshold, 4);
    cr_assert_eq(o->stcs_max_threshold, 32);
    cr_assert_float_eq(o->stcs_bucket_low, 0.5, 1e-12);
    cr_assert_float_eq(o->stcs_bucket_high, 1.5, 1e-12);
    cr_assert_eq(o->stcs_min_sstable_bytes, 50ull * 1024 * 1024);
    table_schema_unref(s);
}

static const struct {
    const char *name, *value;
    int rc;
    const char *msg; /* error substring, or the normalised value to check */
} option_cases[] = {
    {"gc_grace_seconds", "86400", 0, NULL},
    {"gc_grace_seconds", "-1", ERR_CONFIG, "gc_grace_seconds must be greater than or equal to 0"},
    {"gc_grace_seconds", "abc", ERR_SYNTAX, "Invalid integer value abc"},
    {"default_time_to_live", "630720001", ERR_CONFIG, "less than or equal to 630720000"},
    {"bloom_filter_fp_chance", "0.1", 0, NULL},
    {"bloom_filter_fp_chance", "0", ERR_CONFIG, "bloom_filter_fp_chance must be larger than"},
    {"bloom_filter_fp_chance", "1.5", ERR_CONFIG, "less than or equal to 1.0"},
    {"crc_check_chance", "2", ERR_CONFIG, "should be between 0.0 and 1.0"},
    {"cdc", "TRUE", 0, NULL},
    {"cdc", "yes", ERR_SYNTAX, "Invalid boolean"},
    {"comment", "it's", 0, NULL},
    {"speculative_retry", "99PERCENTILE", 0, "99p"},
    {"speculative_retry", "99.5p", 0, "99.5p"},
    {"speculative_retry", "50ms", 0, "50ms"},
    {"speculative_retry", "always", 0, "ALWAYS"},
    {"speculative_retry", "NONE", 0, "NEVER"},
    {"speculative_retry", "min(50ms, 90p)", 0, "MIN(90p,50ms)"},
    {"speculative_retry", "100p", ERR_CONFIG, "Invalid value 100p for option 'speculative_retry'"},
    {"speculative_retry", "fast", ERR_CONFIG, "Invalid value"},
    {"additional_write_policy", "95p", 0, "95p"},
    {"read_repair", "none", 0, NULL},
    {"read_repair", "sometimes", ERR_CONFIG, "read_repair"},
    {"memtable", "default", 0, NULL},
    {"memtable", "skiplist", ERR_CONFIG, "not found"},
    {"nonsense", "1", ERR_SYNTAX, "Unknown property 'nonsense'"},
    {"compaction", "{'class': 'SizeTieredCompactionStrategy', 'min_threshold': 2}", 0, NULL},
    {"compaction", "{'class': 'LeveledCompactionStrategy'}", 0, NULL},
    {"compaction", "{'class': 'LeveledCompactionStrategy', 'sstable_size_in_mb': 'x'}", ERR_CONFIG,
     "x is not a parsable int (base10) for sstable_size_in_mb"},
    {"compaction", "{'class': 'LeveledCompactionStrategy', 'fanout_size': 0}", ERR_CONFIG,
     "fanout_size must be larger than 0, but was 0"},
    {"compaction", "{'class': 'LeveledCompactionStrategy', 'compaction_window_unit': 'DAYS'}",
     ERR_CONFIG,
     "Properties specified [compaction_window_unit] are not understood by "
     "LeveledCompactionStrategy"},
    {"compaction", "{'class': 'TimeWindowCompactionStrategy', 'compaction_window_unit': 'days'}",
     ERR_CONFIG, "days is not valid for compaction_window_unit"},
    {"compaction", "{'class': 'TimeWindowCompactionStrategy', 'timestamp_resolution': 'DAYS'}",
     ERR_CONFIG, "DAYS is not valid for timestamp_resolution"},
    {"compaction", "{'class': 'TimeWindowCompactionStrategy', 'compaction_window_size': 0}",
     ERR_CONFIG, "0 must be greater than 1 for compaction_window_size"},
    {"compaction",
     "{'class': 'TimeWindowCompactionStrategy', 'expired_sstable_check_frequency_seconds': -1}",
     ERR_CONFIG, "expired_sstable_check_frequency_seconds must not be negative, but was -1"},
    {"compaction",
     "{'class': 'TimeWindowCompactionStrategy', 'unsafe_aggressive_sstable_expiration': 'true'}",
     ERR_CONFIG, "unsafe_aggressive_sstable_expiration is requested but not allowed"},
    {"compaction", "{'class': 'TimeWindowCompactionStrategy', 'min_threshold': 1}", ERR_CONFIG,
     "cannot be less than 2"},
    {"compaction", "{'class': 'DateTieredCompactionStrategy'}", ERR_CONFIG,
     "Unable to find compaction strategy class "
     "'org.apache.cassandra.db.compaction.DateTieredCompactionStrategy'"},
    {"compaction", "{'class': 'com.example.LeveledCompactionStrategy'}", ERR_CONFIG,
     "Unable to find compaction strategy class 'com.example.LeveledCompactionStrategy'"},
    {"compaction", "{'class': 'SizeTieredCompactionStrategy', 'a': 1, 'sstable_size_in_mb': 1}",
     ERR_CONFIG,
     "Properties specified [a, sstable_size_in_mb] are not understood by "
     "SizeTieredCompactionStrategy"},
    {"compaction", "{'min_threshold': '8'}", ERR_CONFIG, "Missing sub-option 'class'"},
    {"compaction", "{'class': 'SizeTieredCompactionStrategy', 'min_threshold': '1'}", ERR_CONFIG,
     "cannot be less than 2"},
    {"compaction", "{'class': 'SizeTieredCompactionStrategy', 'min_threshold': '40'}", ERR_CONFIG,
     "cannot be greater than max compaction threshold"},
    {"compaction", "{'class': 'SizeTieredCompactionStrategy', 'bucket_high': '0.4'}", ERR_CONFIG,
     "bucket_high"},
    {"compaction", "{'class': 'SizeTieredCompactionStrategy', 'foo': '1'}", ERR_CONFIG,
     "not understood"},
    {"compaction", "{'class': 'SizeTieredCompactionStrategy'", ERR_SYNTAX, "Invalid map value"},
    {"compression", "{'class': 'SnappyCompressor'}", ERR_CONFIG, "only LZ4Compressor"},
    {"compression", "{'class': 'LZ4Compressor', 'chunk_length_in_kb': 3}", ERR_CONFIG,
     "power of 2"},
    {"caching", "{'keys': 'NONE', 'rows_per_partition': '10'}", 0, NULL},
    {"caching", "{'keys': 'SOME'}", ERR_CONFIG, "keys"},
    {"caching", "{'other': 'x'}", ERR_CONFIG, "only 'keys' and 'rows_per_partition'"},
    {"caching", "{'keys': 'ALL', 'keys': 'NONE'}", ERR_SYNTAX, "Multiple definition"},
    {"extensions", "{}", 0, NULL},
};

Test(schema, set_option_validates_and_normalises)
{
    for (size_t i = 0; i < sizeof option_cases / sizeof option_cases[0]; i++) {
        struct table_schema *s = table_schema_new("ks", "t", NULL);
        struct errmsg em = {0};
        int rc = table_schema_set_option(s, option_cases[i].name, option_cases[i].value, &em);
        cr_assert_eq(rc, option_cases[i].rc, "%s=%s: rc %d (%s)", option_cases[i].name,
                     option_cases[i].value, rc, em.text);
        if (rc && option_cases[i].msg)
            cr_assert(strstr(em.text, option_cases[i].msg), "%s=%s: '%s' lacks '%s'",
                      option_cases[i].name, option_cases[i].value, em.text, option_cases[i].msg);
        if (!rc && option_cases[i].msg) {
            const char *got = strcmp(option_cases[i].name, "speculative_retry") == 0
                                  ? s->opts.speculative_retry
                                  : s->opts.additional_write_policy;
            cr_assert_str_eq(got, option_cases[i].msg);
        }
        table_schema_unref(s);
    }
}

/* Every strategy is stored as Cassandra shows it (full class, thresholds filled in, options as
   strings) and runs size-tiered with the map's thresholds. */
Test(schema, compaction_strategies_stored_as_cassandra_shows_them)
{
    static const struct {
        const char *value, *cls;
        uint32_t n;
        const char *key, *val;
    } cases[] = {
        {"{'class': 'LeveledCompactionStrategy', 'sstable_size_in_mb': 160}",
         "org.apache.cassandra.db.compaction.LeveledCompactionStrategy", 4, "sstable_size_in_mb",
         "160"},
        {"{'class': 'org.apache.cassandra.db.compaction.TimeWindowCompactionStrategy', "
         "'compaction_window_unit': 'HOURS', 'compaction_window_size': 6, 'min_threshold': 8}",
         "org.apache.cassandra.db.compaction.TimeWindowCompactionStrategy", 5,
         "compaction_window_size", "6"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct table_schema *s = table_schema_new("ks", "t", NULL);
        struct errmsg em;
        cr_assert_eq(table_schema_set_option(s, "compaction", cases[i].value, &em), 0, "%s",
                     em.text);
        for (size_t c = 0; c < 2; c++)
            cr_assert_eq(table_schema_add_column(s, simple[c].name, simple[c].kind, simple[c].pos,
                                                 false, cql_type_native(c ? CQL_VARCHAR : CQL_INT),
                                                 &em),
                         0);
        cr_assert_eq(table_schema_finish(s, &em), 0, "%s", em.text);
        const struct table_options *o = &s->opts;
        cr_assert_str_eq(str_map_get(&o->compaction, "class"), cases[i].cls);
        cr_assert_eq(o->compaction.n, cases[i].n);
        cr_assert_str_eq(str_map_get(&o->compaction, cases[i].key), cases[i].val);
        cr_assert_str_eq(str_map_get(&o->compaction, "max_threshold"), "32");
        cr_assert_eq(o->stcs_min_threshold, i == 1 ? 8u : 4u);
        cr_assert_not(schema_compaction_is_native(cases[i].cls));
        table_schema_unref(s);
    }
    cr_assert(schema_compaction_is_native(
        "org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy"));
}

Test(schema, option_maps_normalised_and_derived)
{
    struct table_schema *s = table_schema_new("ks", "t", NULL);
    struct errmsg em;
    cr_assert_eq(table_schema_set_option(s, "compaction",
                                         "{'class': 'SizeTieredCompactionStrategy', "
                                         "'min_threshold': 6, 'bucket_low': '0.25', "
                                         "'min_sstable_size': '1048576'}",
                                         &em),
                 0, "%s", em.text);
    cr_assert_eq(table_schema_set_option(s, "compression", "{'enabled': 'false'}", &em), 0);
    cr_assert_eq(table_schema_set_option(s, "min_index_interval", "4096", &em), 0);
    for (size_t i = 0; i < 2; i++)
        cr_assert_eq(table_schema_add_column(s, simple[i].name, simple[i].kind, simple[i].pos,
                                             false, cql_type_native(i ? CQL_VARCHAR : CQL_INT),
                                             &em),
                     0);
    cr_assert_eq(table_schema_finish(s, &em), ERR_CONFIG, "max < min index interval");
    cr_assert(strstr(em.text, "max_index_interval"), "%s", em.text);
    cr_assert_eq(table_schema_set_option(s, "max_index_interval", "8192", &em), 0);
    cr_assert_eq(table_schema_finish(s, &em), 0, "%s", em.text);
    const struct table_options *o = &s->opts;
    cr_assert_eq(o->compaction.n, 5);
    cr_assert_str_eq(str_map_get(&o->compaction, "max_threshold"), "32");
    cr_assert_str_eq(str_map_get(&o->compaction, "min_threshold"), "6");
    cr_assert_eq(o->stcs_min_threshold, 6);
    cr_assert_float_eq(o->stcs_bucket_low, 0.25, 1e-12);
    cr_assert_eq(o->stcs_min_sstable_bytes, 1048576);
    cr_assert_not(o->compression_enabled);
    cr_assert_eq(o->compression.n, 1);
    cr_assert_str_eq(str_map_get(&o->compression, "enabled"), "false");
    table_schema_unref(s);

    s = table_schema_new("ks", "t", NULL);
    static const char *k[] = {"chunk_length_in_kb", "class"};
    static const char *v[] = {"64", "LZ4Compressor"};
    cr_assert_eq(table_schema_set_map_option(s, "compression", 2, k, v, &em), 0);
    cr_assert_eq(table_schema_set_map_option(s, "compression", 1, (const char *[]){"class"},
                                             (const char *[]){""}, &em),
                 0, "empty class");
    cr_assert_str_eq(str_map_get(&s->opts.compression, "enabled"), "false");
    cr_assert_eq(table_schema_set_map_option(s, "compression", 2, k, v, &em), 0);
    cr_assert_str_eq(str_map_get(&s->opts.compression, "class"),
                     "org.apache.cassandra.io.compress.LZ4Compressor");
    for (size_t i = 0; i < 2; i++)
        cr_assert_eq(table_schema_add_column(s, simple[i].name, simple[i].kind, simple[i].pos,
                                             false, cql_type_native(CQL_INT), &em),
                     0);
    cr_assert_eq(table_schema_finish(s, &em), 0);
    cr_assert(s->opts.compression_enabled);
    cr_assert_eq(s->opts.chunk_length_bytes, 65536);
    table_schema_unref(s);
}

Test(schema, counter_table_refuses_default_ttl)
{
    struct table_schema *s = table_schema_new("ks", "c", NULL);
    struct errmsg em;
    cr_assert_eq(table_schema_add_column(s, "k", COLUMN_PARTITION_KEY, 0, false,
                                         cql_type_native(CQL_INT), &em),
                 0);
    cr_assert_eq(table_schema_add_column(s, "n", COLUMN_REGULAR, -1, false,
                                         cql_type_native(CQL_COUNTER), &em),
                 0);
    cr_assert_eq(table_schema_set_option(s, "default_time_to_live", "10", &em), 0);
    cr_assert_eq(table_schema_finish(s, &em), ERR_INVALID);
    cr_assert(strstr(em.text, "default_time_to_live"));
    cr_assert_eq(table_schema_set_option(s, "default_time_to_live", "0", &em), 0);
    cr_assert_eq(table_schema_finish(s, &em), 0, "%s", em.text);
    table_schema_unref(s);
}

Test(schema, drop_and_readd_columns)
{
    struct table_schema *s1 = build_ok("ks", "events", events, NEVENTS);
    struct errmsg em;
    struct table_schema *s2 = table_schema_copy(s1);
    cr_assert_not(s2->finished);
    cr_assert_eq(table_schema_drop_column(s2, "id", 1000, &em), ERR_INVALID);
    cr_assert(strstr(em.text, "Cannot drop PRIMARY KEY column id"));
    cr_assert_eq(table_schema_drop_column(s2, "nope", 1000, &em), ERR_INVALID);
    cr_assert(strstr(em.text, "Column nope was not found in table ks.events"));
    uint16_t vid = table_schema_column(s1, "v")->id, sid = table_schema_column(s1, "s")->id;
    cr_assert_eq(table_schema_drop_column(s2, "v", 1000, &em), 0);
    cr_assert_eq(table_schema_drop_column(s2, "s", 2000, &em), 0);
    cr_assert_eq(table_schema_finish(s2, &em), 0, "%s", em.text);
    cr_assert_eq(s2->ncolumns, 6);
    cr_assert_null(table_schema_column(s2, "v"));
    cr_assert(table_schema_is_dropped(s2, vid, 999));
    cr_assert(table_schema_is_dropped(s2, vid, 5000), "no live column has this id");
    cr_assert_not(table_schema_is_dropped(s2, table_schema_column(s2, "a")->id, 0));

    /* re-add v with the same type: old id, cells before the drop stay hidden */
    struct table_schema *s3 = table_schema_copy(s2);
    struct arena a;
    arena_init(&a, 1024);
    cr_assert_eq(table_schema_add_column(s3, "v", COLUMN_REGULAR, -1, false,
                                         tt_type(&a, "map<text, int>"), &em),
                 0);
    cr_assert_eq(
        table_schema_add_column(s3, "s", COLUMN_STATIC, -1, false, tt_type(&a, "int"), &em), 0,
        "different type");
    arena_deinit(&a);
    cr_assert_eq(table_schema_finish(s3, &em), 0, "%s", em.text);
    cr_assert_eq(table_schema_column(s3, "v")->id, vid);
    cr_assert_neq(table_schema_column(s3, "s")->id, sid);
    cr_assert_eq(table_schema_column(s3, "s")->id, 8);
    cr_assert_eq(s3->next_column_id, 9);
    cr_assert(table_schema_is_dropped(s3, vid, 1000));
    cr_assert_not(table_schema_is_dropped(s3, vid, 1001));
    cr_assert(table_schema_is_dropped(s3, sid, 1), "old s cells stay dropped");
    cr_assert_not(table_schema_is_dropped(s3, 8, 1));

    /* drop v again later: the same dropped record moves forward */
    struct table_schema *s4 = table_schema_copy(s3);
    cr_assert_eq(table_schema_drop_column(s4, "v", 3000, &em), 0);
    cr_assert_eq(table_schema_finish(s4, &em), 0);
    cr_assert_eq(s4->ndropped, 2);
    table_schema_unref(s1);
    table_schema_unref(s2);
    table_schema_unref(s3);
    table_schema_unref(s4);
}

static struct table_schema *rich_schema(void)
{
    struct table_schema *s = build_ok("ks", "events", events, NEVENTS);
    struct table_schema *c = table_schema_copy(s);
    struct errmsg em;
    cr_assert_eq(table_schema_drop_column(c, "a", 77, &em), 0);
    cr_assert_eq(table_schema_set_option(c, "comment", "it's \"quoted\"", &em), 0);
    cr_assert_eq(table_schema_set_option(c, "speculative_retry", "MAX(99p,10ms)", &em), 0);
    cr_assert_eq(table_schema_set_option(c, "bloom_filter_fp_chance", "0.1", &em), 0);
    cr_assert_eq(table_schema_set_option(c, "cdc", "true", &em), 0);
    cr_assert_eq(table_schema_set_option(c, "extensions", "{'x': 'ab'}", &em), 0);
    cr_assert_eq(table_schema_finish(c, &em), 0, "%s", em.text);
    table_schema_unref(s);
    return c;
}

Test(schema, codec_roundtrip)
{
    struct table_schema *s = rich_schema();
    struct buf b1, b2;
    buf_init(&b1);
    buf_init(&b2);
    table_schema_encode(s, &b1);
    struct table_schema *d = NULL;
    struct errmsg em;
    cr_assert_eq(table_schema_decode(b1.data, b1.len, NULL, NULL, &d, &em), 0, "%s", em.text);
    table_schema_encode(d, &b2);
    cr_assert_eq(b1.len, b2.len);
    cr_assert_eq(memcmp(b1.data, b2.data, b1.len), 0);
    cr_assert_eq(d->ncolumns, s->ncolumns);
    cr_assert_eq(d->ndropped, 1);
    cr_assert_str_eq(d->opts.comment, "it's \"quoted\"");
    cr_assert_str_eq(d->opts.speculative_retry, "MAX(99p,10ms)");
    cr_assert(d->opts.cdc);
    for (uint16_t i = 0; i < s->ncolumns; i++) {
        cr_assert_str_eq(d->columns[i].name, s->columns[i].name);
        cr_assert_eq(d->columns[i].id, s->columns[i].id);
        cr_assert(cql_type_equal(d->columns[i].type, s->columns[i].type));
    }
    struct buf t1, t2;
    buf_init(&t1);
    buf_init(&t2);
    table_schema_format_cql(s, &t1);
    table_schema_format_cql(d, &t2);
    cr_assert_eq(t1.len, t2.len);
    cr_assert_eq(memcmp(t1.data, t2.data, t1.len), 0);
    buf_deinit(&t1);
    buf_deinit(&t2);
    table_schema_unref(d);
    table_schema_unref(s);
    buf_deinit(&b1);
    buf_deinit(&b2);
}

/* Recomputes the trailer so a mutated body reaches the parser past the checksum. */
static void reseal(uint8_t *p, size_t len)
{
    be32_store(p + len - 4, crc32c(p, len - 4));
}

Test(schema, codec_rejects_corruption_without_crashing)
{
    struct table_schema *s = rich_schema();
    struct buf b;
    buf_init(&b);
    table_schema_encode(s, &b);
    uint8_t *p = xmalloc(b.len);
    struct errmsg em;
    struct table_schema *d;
    /* every truncation */
    for (size_t n = 0; n < b.len; n++)
        cr_assert_eq(table_schema_decode(b.data, n, NULL, NULL, &d, &em), ERR_CORRUPT, "len %zu",
                     n);
    /* every single-byte flip is caught by the checksum */
    for (size_t i = 0; i < b.len; i++) {
        memcpy(p, b.data, b.len);
        p[i] ^= 0x40;
        cr_assert_eq(table_schema_decode(p, b.len, NULL, NULL, &d, &em), ERR_CORRUPT, "flip %zu",
                     i);
    }
    /* resealed mutations reach the parser: each one is refused or decodes to a valid schema */
    uint32_t seed = 12345;
    int refused = 0;
    for (int iter = 0; iter < 3000; iter++) {
        memcpy(p, b.data, b.len);
        for (int k = 0; k < 1 + iter % 4; k++) {
            seed = seed * 1103515245u + 12345u;
            size_t at = 9 + (seed >> 8) % (b.len - 13);
            p[at] = (uint8_t)(seed >> 24);
        }
        reseal(p, b.len);
        int rc = table_schema_decode(p, b.len, NULL, NULL, &d, &em);
        if (rc == 0) {
            cr_assert(d->finished);
            table_schema_unref(d);
        } else {
            cr_assert_eq(rc, ERR_CORRUPT, "%s", em.text);
            refused++;
        }
    }
    cr_assert_gt(refused, 1000);
    free(p);
    buf_deinit(&b);
    table_schema_unref(s);
}

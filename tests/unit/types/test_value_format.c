/* Unit tests for value rendering: cqlsh display, CQL literals, JSON out and JSON in. */
#include <criterion/criterion.h>
#include <string.h>

#include "storage/value_format.h"
#include "storage/value_json.h"
#include "types_test_util.h"

/* A value given as hex (prefix "h:") or as JSON text (converted by value_json_parse). */
static size_t make_value(struct arena *a, const struct cql_type *t, const char *spec, uint8_t *out,
                         size_t cap)
{
    (void)a;
    if (strncmp(spec, "h:", 2) == 0) return tt_hex(spec + 2, out, cap);
    struct buf b;
    buf_init(&b);
    bool is_null;
    struct errmsg em = {0};
    int rc = value_json_parse(t, spec, strlen(spec), 1000, &b, &is_null, &em);
    cr_assert_eq(rc, 0, "json %s: %s", spec, em.text);
    cr_assert_not(is_null);
    cr_assert_leq(b.len, cap);
    memcpy(out, b.data, b.len);
    size_t n = b.len;
    buf_deinit(&b);
    return n;
}

static const struct {
    const char *type, *value, *cqlsh, *literal, *json;
} cases[] = {
    {"text", "h:69742773", "it's", "'it''s'", "\"it's\""},
    {"text", "h:615c620a09", "a\\\\b\\n\\t", "'a\\b\n\t'", "\"a\\\\b\\n\\t\""},
    {"text", "h:01c2a0c3a9", "\\x01\\xa0\xc3\xa9", "'\x01\xc2\xa0\xc3\xa9'",
     "\"\\u0001\xc2\xa0\xc3\xa9\""},
    {"text", "h:", "", "''", "\"\""},
    {"ascii", "h:22", "\"", "'\"'", "\"\\\"\""},
    {"int", "h:ffffffff", "-1", "-1", "-1"},
    {"int", "h:", "", "blobAsInt(0x)", "null"},
    {"bigint", "h:8000000000000000", "-9223372036854775808", "-9223372036854775808",
     "-9223372036854775808"},
    {"smallint", "h:7fff", "32767", "32767", "32767"},
    {"tinyint", "h:80", "-128", "-128", "-128"},
    {"counter", "h:000000000000002a", "42", "42", "42"},
    {"boolean", "h:01", "True", "true", "true"},
    {"boolean", "h:00", "False", "false", "false"},
    {"blob", "h:01ff", "0x01ff", "0x01ff", "\"0x01ff\""},
    {"blob", "h:", "0x", "0x", "\"0x\""},
    {"uuid", "h:123e4567e89b42d3a456426614174000", "123e4567-e89b-42d3-a456-426614174000",
     "123e4567-e89b-42d3-a456-426614174000", "\"123e4567-e89b-42d3-a456-426614174000\""},
    {"timestamp", "h:0000018cc820db2e", "2024-01-02 03:04:05.678000+0000",
     "'2024-01-02T03:04:05.678Z'", "\"2024-01-02 03:04:05.678Z\""},
    {"timestamp", "h:ffffffffffffffff", "1969-12-31 23:59:59.999000+0000",
     "'1969-12-31T23:59:59.999Z'", "\"1969-12-31 23:59:59.999Z\""},
    {"timestamp", "h:7fffffffffffffff", "9223372036854775807", "9223372036854775807",
     "\"+292278994-08-17 07:12:55.807Z\""},
    {"date", "h:80004d0c", "2024-01-02", "'2024-01-02'", "\"2024-01-02\""},
    {"date", "h:00000000", "-2147483648", "'0'", "\"5877642-06-23\""},
    {"time", "h:00000362d454b700", "01:02:03.004000000", "'01:02:03.004000000'",
     "\"01:02:03.004000000\""},
    {"inet", "h:7f000001", "127.0.0.1", "'127.0.0.1'", "\"127.0.0.1\""},
    {"inet", "h:00000000000000000000000000000001", "::1", "'::1'", "\"0:0:0:0:0:0:0:1\""},
    {"inet", "h:00000000000000000000ffff01020304", "::ffff:1.2.3.4", "'::ffff:1.2.3.4'",
     "\"1.2.3.4\""},
    {"float", "h:3dcccccd", "0.1", "0.1", "0.1"},
    {"float", "h:7fc00000", "NaN", "NaN", "null"},
    {"double", "h:40fe240c9fbe76c9", "1.2346e+05", "123456.789", "123456.789"},
    {"double", "h:4415af1d78b58c40", "1e+20", "1.0E20", "1.0E20"},
    {"double", "h:3ff8000000000000", "1.5", "1.5", "1.5"},
    {"double", "h:0000000000000000", "0", "0.0", "0.0"},
    {"double", "h:fff0000000000000", "-Infinity", "-Infinity", "null"},
    {"varint", "h:ff7f", "-129", "-129", "-129"},
    {"decimal", "h:00000002 0096", "1.50", "1.50", "1.50"},
    {"decimal", "h:fffffffd 01", "1E+3", "1E+3", "1E+3"},
    {"decimal", "h:00000008 01", "1E-8", "1E-8", "1E-8"},
    {"decimal", "h:00000006 01", "0.000001", "0.000001", "0.000001"},
    {"duration", "h:020406", "1mo2d3ns", "1mo2d3ns", "\"1mo2d3ns\""},
    {"duration", "\"-1y2mo3w4d5h6m7s8ms9us10ns\"", "-1y2mo25d5h6m7s8ms9us10ns",
     "-1y2mo25d5h6m7s8ms9us10ns", "\"-1y2mo25d5h6m7s8ms9us10ns\""},
    {"duration", "h:000000", "", "0s", "\"\""},
    {"list<int>", "[1, 2]", "[1, 2]", "[1, 2]", "[1, 2]"},
    {"list<text>", "[\"a'b\", \"c\"]", "['a''b', 'c']", "['a''b', 'c']", "[\"a'b\", \"c\"]"},
    {"set<int>", "[3, 1, 2, 1]", "{1, 2, 3}", "{1, 2, 3}", "[1, 2, 3]"},
    {"set<text>", "[]", "{}", "{}", "[]"},
    {"map<text, int>", "{\"b\": 2, \"a\": 1, \"b\": 3}", "{'a': 1, 'b': 3}", "{'a': 1, 'b': 3}",
     "{\"a\": 1, \"b\": 3}"},
    {"map<int, boolean>", "{\"2\": true, \"-1\": false}", "{-1: False, 2: True}",
     "{-1: false, 2: true}", "{\"-1\": false, \"2\": true}"},
    {"map<timestamp, text>", "{\"2024-01-02 03:04:05.678Z\": \"x\"}",
     "{2024-01-02 03:04:05.678000+0000: 'x'}", "{'2024-01-02T03:04:05.678Z': 'x'}",
     "{\"2024-01-02 03:04:05.678Z\": \"x\"}"},
    {"map<frozen<list<int>>, int>", "{\"[1, 2]\": 3}", "{[1, 2]: 3}", "{[1, 2]: 3}",
     "{\"[1, 2]\": 3}"},
    {"tuple<int, text>", "[1, \"x\"]", "(1, 'x')", "(1, 'x')", "[1, \"x\"]"},
    {"tuple<int, text>", "[null, \"x\"]", "(null, 'x')", "(null, 'x')", "[null, \"x\"]"},
    {"tuple<int, text>", "h:00000004 00000007", "(7)", "(7)", "[7]"},
    {"frozen<address>", "{\"zip\": 7, \"street\": \"Main\"}", "{street: 'Main', zip: 7}",
     "{street: 'Main', zip: 7}", "{\"street\": \"Main\", \"zip\": 7}"},
    {"frozen<address>", "h:00000001 41", "{street: 'A', zip: null}", "{street: 'A'}",
     "{\"street\": \"A\", \"zip\": null}"},
    {"frozen<\"MyType\">", "{\"a\": 5}", "{a: 5}", "{a: 5}", "{\"a\": 5}"},
    {"list<frozen<map<text, frozen<set<int>>>>>", "[{\"k\": [2, 1]}]", "[{'k': {1, 2}}]",
     "[{'k': {1, 2}}]", "[{\"k\": [1, 2]}]"},
};

Test(value_format, cqlsh_literal_and_json)
{
    struct arena a;
    arena_init(&a, 4096);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct cql_type *t = tt_type(&a, cases[i].type);
        uint8_t v[512];
        size_t n = make_value(&a, t, cases[i].value, v, sizeof v);
        struct errmsg em;
        cr_assert_eq(cql_value_validate(t, v, n, &em), 0, "%s %s: %s", cases[i].type,
                     cases[i].value, em.text);
        const char *want[3] = {cases[i].cqlsh, cases[i].literal, cases[i].json};
        for (int style = 0; style < 3; style++) {
            struct buf b;
            buf_init(&b);
            int rc = style < 2 ? value_format_cql(t, v, n, (enum value_style)style, &b)
                               : value_json_format(t, v, n, &b);
            buf_put_u8(&b, 0);
            cr_assert_eq(rc, 0, "%s %s style %d", cases[i].type, cases[i].value, style);
            cr_assert_str_eq((char *)b.data, want[style], "%s %s style %d: got %s", cases[i].type,
                             cases[i].value, style, (char *)b.data);
            buf_deinit(&b);
        }
    }
    arena_deinit(&a);
}

/* JSON written by toJson reads back (fromJson) to the same bytes, for every type. */
Test(value_format, json_roundtrip)
{
    struct arena a;
    arena_init(&a, 4096);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct cql_type *t = tt_type(&a, cases[i].type);
        uint8_t v[512];
        size_t n = make_value(&a, t, cases[i].value, v, sizeof v);
        if (n == 0 || strcmp(cases[i].json, "null") == 0) continue;  /* empty / NaN: no JSON form */
        if (t->id == CQL_DATE && v[0] == 0) continue;                /* year beyond ISO parsing */
        if (t->id == CQL_INET && n == 16 && v[10] == 0xff) continue; /* reads back as IPv4 */
        if (t->id == CQL_TUPLE && cases[i].value[0] == 'h') continue; /* short tuple: refused */
        if (t->id == CQL_TIMESTAMP && v[0] == 0x7f) continue;
        if (t->id == CQL_DURATION && n == 3 && v[0] == 0) continue; /* "" is not a duration */
        struct buf j, back;
        buf_init(&j);
        buf_init(&back);
        cr_assert_eq(value_json_format(t, v, n, &j), 0);
        bool is_null;
        struct errmsg em = {0};
        int rc = value_json_parse(t, (char *)j.data, j.len, 0, &back, &is_null, &em);
        cr_assert_eq(rc, 0, "%s %.*s: %s", cases[i].type, (int)j.len, (char *)j.data, em.text);
        /* a short tuple reads back padded with nulls; compare as values */
        cr_assert_eq(cql_value_compare(t, v, n, back.data, back.len), 0, "%s %.*s", cases[i].type,
                     (int)j.len, (char *)j.data);
        if (t->id != CQL_TUPLE && t->id != CQL_UDT)
            cr_assert(back.len == n && memcmp(back.data, v, n) == 0, "%s %.*s bytes", cases[i].type,
                      (int)j.len, (char *)j.data);
        buf_deinit(&j);
        buf_deinit(&back);
    }
    arena_deinit(&a);
}

static const struct {
    const char *type, *json, *err; /* err NULL: accepted */
} json_in[] = {
    {"int", "1", NULL},
    {"int", "\"12\"", NULL},
    {"int", "1.5", "Expected an int value, but got a Double: 1.5"},
    {"int", "4294967296", "Expected an int value, but got a Long: 4294967296"},
    {"int", "\"x\"", "Unable to make int from 'x'"},
    {"int", "true", "Expected an int value, but got a Boolean"},
    {"int", "null", NULL},
    {"bigint", "9223372036854775808", "but got a BigInteger"},
    {"smallint", "40000", "Unable to make short from '40000'"},
    {"tinyint", "\"-128\"", NULL},
    {"text", "5", "Expected a UTF-8 string, but got a Integer: 5"},
    {"ascii", "\"\xc3\xa9\"",
     "Invalid ASCII character in string literal: java.nio.charset.UnmappableCharacterException: "
     "Input length = 1"},
    {"ascii", "\"ab\xf0\x9f\x98\x80\"",
     "Invalid ASCII character in string literal: java.nio.charset.UnmappableCharacterException: "
     "Input length = 2"},
    {"text", "\"\\ud83d\\ude00\"", NULL},
    {"text", "\"\\ud83d\"", "Could not decode JSON string"},
    {"text", "\"a\nb\"", "Could not decode JSON string"},
    {"blob", "\"01\"", "missing 0x prefix"},
    {"blob", "\"0x0g\"", "cannot parse"},
    {"boolean", "\"TRUE\"", NULL},
    {"boolean", "\"yes\"", "Unable to make boolean from 'yes'"},
    {"double", "\"NaN\"", NULL},
    {"double", "\"-Infinity\"", NULL},
    {"double", "\"nan\"", "Unable to make double"},
    {"float", "1e50", NULL},
    {"varint", "123456789012345678901234567890", NULL},
    {"varint", "1.0", "Expected a varint value"},
    {"decimal", "1.10", NULL},
    {"decimal", "\"abc\"", "Unable to make BigDecimal"},
    {"uuid", "\"nope\"", "Unable to make UUID from 'nope'"},
    {"timeuuid", "\"123e4567-e89b-42d3-a456-426614174000\"",
     "TimeUUID supports only version 1 UUIDs"},
    {"timeuuid", "\"nope\"", "Unknown timeuuid representation: nope"},
    {"timeuuid", "1", "Expected a string representation of a timeuuid, but got a Integer: 1"},
    {"timestamp", "1704164645678", NULL},
    {"timestamp", "\"2024-01-02\"", NULL},
    {"timestamp", "\"now\"", NULL},
    {"timestamp", "true", "Expected a long or a datestring"},
    {"date", "19724", "Expected a string representation of a date value"},
    {"time", "\"25:00:00\"", "Unable to coerce"},
    {"inet", "\"::1\"", NULL},
    {"duration", "\"1h\"", NULL},
    {"list<int>", "[1, null]", "Invalid null element in list"},
    {"list<int>", "\"[1, 2]\"", NULL},
    {"list<int>", "{\"a\": 1}", "Expected a list, but got a LinkedHashMap"},
    {"set<int>", "[null]", "Invalid null element in set"},
    {"map<int, int>", "{\"x\": 1}", "Unable to make int from 'x'"},
    {"map<int, int>", "{\"1\": null}", "Invalid null value in map"},
    {"tuple<int, int>", "[1]", "Tuple is missing items (expected 2, got 1)"},
    {"tuple<int, int>", "[1, 2, 3]", "Tuple contains extra items (expected 2, got 3)"},
    {"frozen<address>", "{\"nope\": 1}",
     "Unknown field 'nope' in value of user defined type address"},
    {"frozen<address>", "{\"ZIP\": 1}", NULL},
    {"frozen<address>", "{\"\\\"ZIP\\\"\": 1}", "Unknown field 'ZIP'"},
    {"int", "", "Could not decode JSON string"},
    {"int", "1 2", "trailing"},
    {"int", "01", "bad number"},
    {"list<int>", "[1,]", "Could not decode JSON string"},
    {"list<int>", "[1 2]", "expected ',' or ']'"},
};

Test(value_json, parse_accepts_and_rejects)
{
    struct arena a;
    arena_init(&a, 4096);
    for (size_t i = 0; i < sizeof json_in / sizeof json_in[0]; i++) {
        const struct cql_type *t = tt_type(&a, json_in[i].type);
        struct buf b;
        buf_init(&b);
        bool is_null = false;
        struct errmsg em = {0};
        int rc =
            value_json_parse(t, json_in[i].json, strlen(json_in[i].json), 5, &b, &is_null, &em);
        if (json_in[i].err) {
            cr_assert_eq(rc, ERR_INVALID, "%s %s accepted", json_in[i].type, json_in[i].json);
            cr_assert(strstr(em.text, json_in[i].err), "%s %s: '%s' lacks '%s'", json_in[i].type,
                      json_in[i].json, em.text, json_in[i].err);
            cr_assert_eq(b.len, 0, "nothing appended on error");
        } else {
            cr_assert_eq(rc, 0, "%s %s: %s", json_in[i].type, json_in[i].json, em.text);
            cr_assert_eq(is_null, strcmp(json_in[i].json, "null") == 0);
        }
        buf_deinit(&b);
    }
    arena_deinit(&a);
}

Test(value_json, deep_and_wide_input_bounded)
{
    struct arena a;
    arena_init(&a, 4096);
    static char deep[4096];
    size_t n = 0;
    for (int i = 0; i < 1000; i++)
        deep[n++] = '[';
    const struct json_value *j;
    struct errmsg em;
    cr_assert_eq(value_json_parse_doc(deep, n, &a, &j, &em), ERR_INVALID);
    cr_assert(strstr(em.text, "too deep"), "%s", em.text);
    struct buf b;
    buf_init(&b);
    bool is_null;
    cr_assert_eq(value_json_parse(tt_type(&a, "list<int>"), deep, 40, 0, &b, &is_null, &em),
                 ERR_INVALID);
    buf_deinit(&b);
    cr_assert_str_eq(value_json_key_name(&a, "\"Foo\"", 5), "Foo");
    cr_assert_str_eq(value_json_key_name(&a, "Foo", 3), "foo");
    buf_init(&b);
    value_json_append_key(&b, "Foo");
    value_json_append_key(&b, "bar");
    buf_put_u8(&b, 0);
    cr_assert_str_eq((char *)b.data, "\"\\\"Foo\\\"\"\"bar\"");
    buf_deinit(&b);
    arena_deinit(&a);
}

/* Random bytes through every value path: nothing crashes (run under ASan), and whatever
   validates also formats. */
Test(value_format, random_bytes_never_crash)
{
    static const char *types[] = {
        "int",
        "text",
        "decimal",
        "varint",
        "duration",
        "timeuuid",
        "inet",
        "date",
        "time",
        "list<int>",
        "set<text>",
        "map<text, frozen<list<int>>>",
        "tuple<int, text, blob>",
        "frozen<address>",
        "frozen<list<frozen<tuple<int, decimal>>>>",
        "map<int, duration>",
    };
    struct arena a;
    arena_init(&a, 4096);
    uint32_t seed = 99;
    int valid = 0;
    for (size_t ti = 0; ti < sizeof types / sizeof types[0]; ti++) {
        const struct cql_type *t = tt_type(&a, types[ti]);
        uint8_t prev[64] = {0};
        size_t prev_len = 0;
        for (int iter = 0; iter < 2000; iter++) {
            uint8_t v[64];
            seed = seed * 1103515245u + 12345u;
            size_t n = (seed >> 16) % sizeof v;
            for (size_t k = 0; k < n; k++) {
                seed = seed * 1103515245u + 12345u;
                /* small numbers make plausible lengths and counts */
                v[k] = (seed >> 24) < 160 ? (uint8_t)((seed >> 16) & 3) : (uint8_t)(seed >> 16);
            }
            struct errmsg em;
            bool ok = cql_value_validate(t, v, n, &em) == 0;
            valid += ok;
            struct buf b;
            buf_init(&b);
            int r1 = value_format_cql(t, v, n, VALUE_STYLE_CQLSH, &b);
            int r2 = value_format_cql(t, v, n, VALUE_STYLE_LITERAL, &b);
            int r3 = value_json_format(t, v, n, &b);
            if (ok)
                cr_assert(r1 == 0 && r2 == 0 && r3 == 0, "%s: valid but not formatted", types[ti]);
            int c = cql_value_compare(t, v, n, prev, prev_len);
            int back = cql_value_compare(t, prev, prev_len, v, n);
            if (ok) cr_assert_eq(c > 0, back < 0, "%s: antisymmetric", types[ti]);
            if (ok) cr_assert_eq(cql_value_compare(t, v, n, v, n), 0);
            if (ok) {
                memcpy(prev, v, n);
                prev_len = n;
            }
            buf_deinit(&b);
        }
    }
    cr_assert_gt(valid, 200, "the generator reaches valid values (%d)", valid);
    arena_deinit(&a);
}

/* exec: every CQL type's literal forms (as drivers interpolate them) stored and read back as
   the expected serialized bytes; type mismatches with Cassandra's messages. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "tests/unit/exec/fixture.h"

static struct xf F;

static void setup(void)
{
    xf_open_ks(&F);
    xf_ok(&F, "CREATE TYPE addr (street text, \"Zip\" int)");
    xf_ok(&F,
          "CREATE TABLE ty (k int PRIMARY KEY, a ascii, bi bigint, b blob, bo boolean, d decimal, "
          "db double, f float, i int, ts timestamp, u uuid, t text, vi varint, tu timeuuid, "
          "ip inet, dt date, tm time, si smallint, ti tinyint, du duration, l list<int>, "
          "s set<text>, m map<text, int>, tp tuple<int, text>, fl frozen<list<int>>, "
          "ad frozen<addr>, na addr)");
}

static void teardown(void)
{
    xf_close(&F);
}

TestSuite(exec_types, .init = setup, .fini = teardown);

struct type_case {
    const char *col;
    const char *literal;
    const char *hex; /* NULL: read back as null */
};

static void hex(const struct cqlwire_value *v, char *out, size_t cap)
{
    out[0] = '\0';
    for (int32_t i = 0; i < v->len && (size_t)(2 * i + 2) < cap; i++)
        snprintf(out + 2 * i, 3, "%02x", v->p[i]);
}

Test(exec_types, literals_round_trip)
{
    static const struct type_case cs[] = {
        {"a", "'abc'", "616263"},
        {"bi", "1704164645678", "0000018cc820db2e"},
        {"bi", "-1", "ffffffffffffffff"},
        {"b", "0x01ff", "01ff"},
        {"b", "0x", ""},
        {"bo", "True", "01"},
        {"bo", "false", "00"},
        {"d", "1.50",
         "00000002"
         "0096"},
        {"d", "-1",
         "00000000"
         "ff"},
        {"db", "1.5", "3ff8000000000000"},
        {"db", "NaN", "7ff8000000000000"},
        {"db", "-Infinity", "fff0000000000000"},
        {"db", "2", "4000000000000000"},
        {"f", "1.5", "3fc00000"},
        {"i", "-1", "ffffffff"},
        {"ts", "1704164645678", "0000018cc820db2e"},
        {"ts", "'2024-01-02 03:04:05.678+0000'", "0000018cc820db2e"},
        {"ts", "'2024-01-02T03:04:05.678Z'", "0000018cc820db2e"},
        {"u", "550e8400-e29b-41d4-a716-446655440000", "550e8400e29b41d4a716446655440000"},
        {"t", "'h\xc3\xa9llo'", "68c3a96c6c6f"},
        {"t", "''", ""},
        {"vi", "123456789012345678901234567890", "018ee90ff6c373e0ee4e3f0ad2"},
        {"tu", "50554d6e-29bb-11e5-b345-feff819cdc9f", "50554d6e29bb11e5b345feff819cdc9f"},
        {"ip", "'127.0.0.1'", "7f000001"},
        {"ip", "'::1'", "00000000000000000000000000000001"},
        {"dt", "'2024-01-02'", "80004d0c"},
        {"tm", "'01:02:03.004000'", "00000362d454b700"},
        {"si", "-2", "fffe"},
        {"ti", "7", "07"},
        {"du", "1mo2d3ns", "020406"},
        {"l", "[1, 2]",
         "00000002"
         "0000000400000001"
         "0000000400000002"},
        {"l", "[]", NULL},
        {"s", "{'b', 'a', 'b'}",
         "00000002"
         "0000000161"
         "0000000162"},
        {"m", "{'b': 2, 'a': 1}",
         "00000002"
         "0000000161"
         "0000000400000001"
         "0000000162"
         "0000000400000002"},
        {"m", "{}", NULL},
        {"tp", "(1, 'x')",
         "0000000400000001"
         "0000000178"},
        {"tp", "[1, 'x']",
         "0000000400000001"
         "0000000178"},
        {"fl", "[3]",
         "00000001"
         "0000000400000003"},
        {"ad", "{street: 'x', \"Zip\": 9}",
         "0000000178"
         "0000000400000009"},
        {"na", "{street: 'y'}",
         "0000000179"
         "ffffffff"},
        {"i", "NULL", NULL},
        {"i", "blobAsInt(0x00000005)", "00000005"},
        {"bi", "(bigint)3", "0000000000000003"},
        {"i", "2 + 3 * 4", "0000000e"},
    };
    char q[512], got[512];
    for (size_t i = 0; i < sizeof cs / sizeof cs[0]; i++) {
        snprintf(q, sizeof q, "INSERT INTO ty (k, %s) VALUES (%zu, %s)", cs[i].col, i,
                 cs[i].literal);
        cr_assert_eq(xf_query(&F, q), 0, "%s -> %s", q, F.em.text);
        snprintf(q, sizeof q, "SELECT %s FROM ty WHERE k = %zu", cs[i].col, i);
        xf_ok(&F, q);
        cr_assert_eq(xf_nrows(&F), 1, "%s", q);
        const struct cqlwire_value *v = xf_cell(&F, 0, 0);
        if (!cs[i].hex) {
            cr_expect_lt(v->len, 0, "%s = %s: expected null", cs[i].col, cs[i].literal);
            continue;
        }
        cr_assert_geq(v->len, 0, "%s = %s read back null", cs[i].col, cs[i].literal);
        hex(v, got, sizeof got);
        cr_expect_str_eq(got, cs[i].hex, "%s = %s", cs[i].col, cs[i].literal);
    }
}

Test(exec_types, mismatches_use_cassandra_messages)
{
    static const struct {
        const char *q, *err;
    } cs[] = {
        {"INSERT INTO ty (k, i) VALUES (1, 'x')",
         "Invalid STRING constant (x) for \"i\" of type int"},
        {"INSERT INTO ty (k, t) VALUES (1, 1)",
         "Invalid INTEGER constant (1) for \"t\" of type text"},
        {"INSERT INTO ty (k, bo) VALUES (1, 1)",
         "Invalid INTEGER constant (1) for \"bo\" of type boolean"},
        {"INSERT INTO ty (k, i) VALUES (1, 3000000000)", "Unable to make int from '3000000000'"},
        {"INSERT INTO ty (k, b) VALUES (1, 'x')",
         "Invalid STRING constant (x) for \"b\" of type blob"},
        {"INSERT INTO ty (k, l) VALUES (1, {1})", "Invalid set literal for l of type list<int>"},
        {"INSERT INTO ty (k, m) VALUES (1, [1])",
         "Invalid list literal for m of type map<text, int>"},
        {"INSERT INTO ty (k, a) VALUES (1, 'h\xc3\xa9')",
         "Invalid ASCII character in string literal: "
         "java.nio.charset.UnmappableCharacterException: Input length = 1"},
        {"INSERT INTO ty (k, tu) VALUES (1, 01234567-89ab-cdef-0123-456789abcdef)",
         "TimeUUID supports only version 1 UUIDs"},
        {"INSERT INTO ty (k, tu) VALUES (1, fromJson('\"not-a-uuid\"'))",
         "Unknown timeuuid representation: not-a-uuid"},
        {"INSERT INTO ty (k, tp) VALUES (1, (1, 'x', 3))",
         "Invalid tuple literal for tp: too many elements. Type frozen<tuple<int, text>> expects 2 "
         "but got 3"},
        {"INSERT INTO ty (k, ad) VALUES (1, {nope: 1})",
         "Unknown field 'nope' in value of user defined type addr"},
        {"INSERT INTO ty (k, l) VALUES (1, [1, null])", "null is not supported inside collections"},
        {"INSERT INTO ty (k, x) VALUES (1, 1)", "Undefined column name x"},
        {"INSERT INTO ty (i) VALUES (1)", "Some partition key parts are missing: k"},
        {"INSERT INTO ty (k, i) VALUES (NULL, 1)", "Invalid null value in condition for column k"},
        {"INSERT INTO ty (k, i, i) VALUES (1, 1, 2)", "Multiple definitions found for column i"},
    };
    for (size_t i = 0; i < sizeof cs / sizeof cs[0]; i++) {
        cr_assert_neq(xf_query(&F, cs[i].q), 0, "%s: expected an error", cs[i].q);
        cr_expect_str_eq(F.em.text, cs[i].err, "%s\n  got [%s]", cs[i].q, F.em.text);
    }
}

/* Unit tests for type strings: parse -> format -> parse, the nesting rules, predicates. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "storage/cql_ident.h"
#include "storage/types.h"
#include "types_test_util.h"

static const struct {
    const char *in;
    const char *out;
} roundtrips[] = {
    {"int", "int"},
    {"VARCHAR", "text"},
    {"Text", "text"},
    {"ascii", "ascii"},
    {"bigint", "bigint"},
    {"blob", "blob"},
    {"boolean", "boolean"},
    {"counter", "counter"},
    {"date", "date"},
    {"decimal", "decimal"},
    {"double", "double"},
    {"duration", "duration"},
    {"float", "float"},
    {"inet", "inet"},
    {"smallint", "smallint"},
    {"time", "time"},
    {"timestamp", "timestamp"},
    {"timeuuid", "timeuuid"},
    {"tinyint", "tinyint"},
    {"uuid", "uuid"},
    {"varint", "varint"},
    {"map<text, int>", "map<text, int>"},
    {" map < text ,int > ", "map<text, int>"},
    {"MAP<TEXT, INT>", "map<text, int>"},
    {"list<int>", "list<int>"},
    {"set<timeuuid>", "set<timeuuid>"},
    {"frozen<list<int>>", "frozen<list<int>>"},
    {"list<frozen<list<int>>>", "list<frozen<list<int>>>"},
    {"frozen<list<list<int>>>", "frozen<list<frozen<list<int>>>>"},
    {"tuple<int, text>", "frozen<tuple<int, text>>"},
    {"frozen<tuple<int,text>>", "frozen<tuple<int, text>>"},
    {"tuple<int, list<int>>", "frozen<tuple<int, frozen<list<int>>>>"},
    {"tuple<int, tuple<text, blob>>", "frozen<tuple<int, frozen<tuple<text, blob>>>>"},
    {"list<tuple<int, int>>", "list<frozen<tuple<int, int>>>"},
    {"map<timeuuid, frozen<map<text, blob>>>", "map<timeuuid, frozen<map<text, blob>>>"},
    {"map<int, duration>", "map<int, duration>"},
    {"list<duration>", "list<duration>"},
    {"address", "address"},
    {"frozen<address>", "frozen<address>"},
    {"ks.address", "address"},
    {"set<frozen<address>>", "set<frozen<address>>"},
    {"\"MyType\"", "\"MyType\""},
    {"frozen<\"MyType\">", "frozen<\"MyType\">"},
    {"'org.apache.cassandra.db.marshal.Int32Type'", "int"},
    {"'UTF8Type'", "text"},
    {"'com.example.FancyType'", "'com.example.FancyType'"},
    {"'it''s.Odd'", "'it''s.Odd'"},
};

Test(type_parse, roundtrips_to_cassandra_format)
{
    struct arena a;
    arena_init(&a, 4096);
    for (size_t i = 0; i < sizeof roundtrips / sizeof roundtrips[0]; i++) {
        const struct cql_type *t = tt_type(&a, roundtrips[i].in);
        struct buf b;
        buf_init(&b);
        cql_type_format(t, &b);
        buf_put_u8(&b, 0);
        cr_assert_str_eq((char *)b.data, roundtrips[i].out, "in=%s", roundtrips[i].in);
        const struct cql_type *t2 = tt_type(&a, (char *)b.data);
        cr_assert(cql_type_equal(t, t2), "reparse of %s", roundtrips[i].out);
        const struct cql_type *t3 = cql_type_copy(t, &a);
        cr_assert(cql_type_equal(t, t3), "copy of %s", roundtrips[i].out);
        buf_deinit(&b);
    }
    arena_deinit(&a);
}

static const struct {
    const char *in;
    int code;
    const char *msg; /* substring */
} rejects[] = {
    {"list<list<int>>", ERR_INVALID,
     "Non-frozen collections are not allowed inside collections: list<list<int>>"},
    {"map<text, set<int>>", ERR_INVALID, "Non-frozen collections are not allowed inside"},
    {"list<address>", ERR_INVALID, "Non-frozen UDTs are not allowed inside collections"},
    {"list<counter>", ERR_INVALID, "Counters are not allowed inside collections"},
    {"tuple<int, counter>", ERR_INVALID, "Counters are not allowed inside tuples"},
    {"set<duration>", ERR_INVALID, "Durations are not allowed inside sets"},
    {"map<duration, int>", ERR_INVALID, "Durations are not allowed as map keys"},
    {"frozen<int>", ERR_INVALID, "frozen<> is only allowed on collections"},
    {"nosuchtype", ERR_INVALID, "Unknown type ks.nosuchtype"},
    {"other.address", ERR_INVALID, "Unknown type other.address"},
    {"\"Address\"", ERR_INVALID, "Unknown type ks.Address"},
    {"list<int", ERR_SYNTAX, "expected '>'"},
    {"map<int>", ERR_SYNTAX, "expected ','"},
    {"int int", ERR_SYNTAX, "unexpected"},
    {"", ERR_SYNTAX, "expected a type name"},
    {"<int>", ERR_SYNTAX, "expected a type name"},
    {"'unterminated", ERR_SYNTAX, "unterminated"},
    {"\"unterminated", ERR_SYNTAX, "unterminated"},
    {"select", ERR_SYNTAX, "reserved"},
    {"tuple<>", ERR_SYNTAX, "expected a type name"},
};

Test(type_parse, rejects_with_clear_errors)
{
    struct arena a;
    arena_init(&a, 4096);
    for (size_t i = 0; i < sizeof rejects / sizeof rejects[0]; i++) {
        const struct cql_type *t = NULL;
        struct errmsg em = {0};
        int rc = cql_type_parse(rejects[i].in, strlen(rejects[i].in), "ks", tt_lookup, NULL, &a, &t,
                                &em);
        cr_assert_eq(rc, rejects[i].code, "%s: rc=%d (%s)", rejects[i].in, rc, em.text);
        cr_assert_eq(em.code, rc);
        cr_assert(strstr(em.text, rejects[i].msg), "%s: message '%s' lacks '%s'", rejects[i].in,
                  em.text, rejects[i].msg);
        cr_assert_null(t);
    }
    arena_deinit(&a);
}

Test(type_parse, depth_limit)
{
    struct arena a;
    arena_init(&a, 4096);
    char s[1024];
    struct errmsg em;
    const struct cql_type *t;
    bool saw_ok = false, saw_reject = false;
    for (int pairs = 0; pairs <= CQL_TYPE_DEPTH_MAX; pairs++) {
        size_t n = 0;
        for (int i = 0; i < pairs; i++)
            n += (size_t)snprintf(s + n, sizeof s - n, "frozen<list<");
        n += (size_t)snprintf(s + n, sizeof s - n, "int");
        for (int i = 0; i < pairs; i++)
            n += (size_t)snprintf(s + n, sizeof s - n, ">>");
        /* each frozen<list<...>> pair costs two levels; the int is at level 2 * pairs + 1 */
        int rc = cql_type_parse(s, n, "ks", NULL, NULL, &a, &t, &em);
        if (2 * pairs + 1 <= CQL_TYPE_DEPTH_MAX) {
            cr_assert_eq(rc, 0, "%s", em.text);
            saw_ok = true;
        } else {
            cr_assert_eq(rc, ERR_INVALID, "pairs=%d", pairs);
            saw_reject = true;
        }
    }
    cr_assert(saw_ok && saw_reject);
    /* hostile input: thousands of '<' never recurses past the limit */
    size_t n = 0;
    for (int i = 0; i < 150; i++)
        n += (size_t)snprintf(s + n, sizeof s - n, "list<");
    cr_assert_eq(cql_type_parse(s, n, "ks", NULL, NULL, &a, &t, &em), ERR_INVALID);
    arena_deinit(&a);
}

Test(type_parse, udt_fields_and_freezing)
{
    struct arena a;
    arena_init(&a, 4096);
    const struct cql_type *u = tt_type(&a, "address");
    cr_assert_eq(u->id, CQL_UDT);
    cr_assert_not(u->frozen);
    cr_assert(cql_type_is_multicell(u));
    cr_assert_str_eq(u->udt_keyspace, "ks");
    cr_assert_str_eq(u->field_names[1], "zip");
    cr_assert_eq(u->sub[1], cql_type_native(CQL_INT));
    const struct cql_type *f = cql_type_freeze(u, &a);
    cr_assert(f->frozen);
    cr_assert_not(u->frozen, "freeze copies");
    cr_assert(cql_type_equal(f, tt_type(&a, "frozen<address>")));
    cr_assert_not(cql_type_equal(f, u));
    cr_assert_eq(cql_type_freeze(f, &a), f, "already frozen: same pointer");
    arena_deinit(&a);
}

Test(type_parse, predicates)
{
    struct arena a;
    arena_init(&a, 4096);
    static const struct {
        const char *t;
        bool coll, multi, comparable;
    } cases[] = {
        {"int", false, false, true},
        {"list<int>", true, true, false},
        {"frozen<list<int>>", true, false, true},
        {"map<int, text>", true, true, false},
        {"frozen<map<int, text>>", true, false, true},
        {"tuple<int, text>", false, false, true},
        {"address", false, true, false},
        {"frozen<address>", false, false, true},
        {"duration", false, false, false},
        {"frozen<list<duration>>", true, false, false},
        {"tuple<int, duration>", false, false, false},
        {"counter", false, false, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct cql_type *t = tt_type(&a, cases[i].t);
        cr_assert_eq(cql_type_is_collection(t), cases[i].coll, "%s", cases[i].t);
        cr_assert_eq(cql_type_is_multicell(t), cases[i].multi, "%s", cases[i].t);
        cr_assert_eq(cql_type_is_comparable(t), cases[i].comparable, "%s", cases[i].t);
    }
    cr_assert_eq(cql_type_native(CQL_LIST), NULL);
    cr_assert_str_eq(cql_type_native_name(CQL_VARCHAR), "text");
    cr_assert_str_eq(cql_type_native_name(CQL_TIMEUUID), "timeuuid");
    cr_assert(cql_type_equal(tt_type(&a, "varchar"), tt_type(&a, "text")));
    cr_assert_not(cql_type_equal(tt_type(&a, "list<int>"), tt_type(&a, "set<int>")));
    cr_assert_not(cql_type_equal(tt_type(&a, "list<int>"), tt_type(&a, "frozen<list<int>>")));
    arena_deinit(&a);
}

Test(cql_ident, quoting_as_cassandra)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"abc", "abc"},
        {"a_1", "a_1"},
        {"Abc", "\"Abc\""},
        {"1a", "\"1a\""},
        {"_a", "\"_a\""},
        {"select", "\"select\""},
        {"table", "\"table\""},
        {"key", "key"},
        {"text", "text"},
        {"a\"b", "\"a\"\"b\""},
        {"with space", "\"with space\""},
        {"", "\"\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct buf b;
        buf_init(&b);
        cql_ident_append(&b, cases[i].in);
        buf_put_u8(&b, 0);
        cr_assert_str_eq((char *)b.data, cases[i].out);
        buf_deinit(&b);
    }
}

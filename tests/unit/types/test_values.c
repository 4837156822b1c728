/* Unit tests for serialized values: validation (accept/reject, Cassandra's messages) and
   ordering in Cassandra's comparator order. Values are written in hex. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "storage/types.h"
#include "types_test_util.h"

static const struct {
    const char *type;
    const char *hex;
    const char *err; /* NULL: valid; else a substring of the message */
} validations[] = {
    {"int", "00000001", NULL},
    {"int", "", NULL},
    {"int", "000001", "Expected 4 or 0 byte int (3)"},
    {"bigint", "0000000000000001", NULL},
    {"bigint", "00000001", "Expected 8 or 0 byte long (4)"},
    {"counter", "", NULL},
    {"timestamp", "0000018cc5c8e6a0", NULL},
    {"timestamp", "00", "Expected 8 or 0 byte long for date (1)"},
    {"smallint", "0001", NULL},
    {"smallint", "", "Expected 2 bytes for a smallint (0)"},
    {"tinyint", "01", NULL},
    {"tinyint", "", "Expected 1 byte for a tinyint (0)"},
    {"tinyint", "00000001", "Expected 1 byte for a tinyint (4)"},
    {"double", "3ff0000000000000", NULL},
    {"double", "3ff00000", "Expected 8 or 0 byte value for a double (4)"},
    {"float", "3f800000", NULL},
    {"float", "3f80", "for a float (2)"},
    {"boolean", "01", NULL},
    {"boolean", "", NULL},
    {"boolean", "0101", "Expected 1 or 0 byte value (2)"},
    {"uuid", "", NULL},
    {"uuid", "123e4567e89b42d3a456426614174000", NULL},
    {"uuid", "123e4567", "UUID should be 16 or 0 bytes (4)"},
    {"timeuuid", "e0b3a9e0b0f111eea456426614174000", NULL},
    {"timeuuid", "123e4567e89b42d3a456426614174000", "Invalid version for TimeUUID type."},
    {"timeuuid", "", NULL},
    {"date", "80000000", NULL},
    {"date", "", "Expected 4 byte long for date (0)"},
    {"time", "0000000000000000", NULL},
    {"time", "00004e94914effff", NULL}, /* 86399999999999 ns */
    {"time", "00004e94914f0000", "out of range"},
    {"time", "ffffffffffffffff", "out of range"},
    {"time", "", "Expected 8 byte long for Time (0)"},
    {"inet", "7f000001", NULL},
    {"inet", "00000000000000000000000000000001", NULL},
    {"inet", "", NULL},
    {"inet", "7f0000", "Expected 4 or 16 byte inetaddress; got 3 bytes"},
    {"ascii", "616263", NULL},
    {"ascii", "61e9", "Invalid byte for ascii: -23"},
    {"text", "c3a9", NULL},
    {"text", "", NULL},
    {"text", "c3", "String didn't validate."},
    {"text", "c0af", "String didn't validate."},     /* overlong '/' */
    {"text", "eda080", "String didn't validate."},   /* surrogate */
    {"text", "f4908080", "String didn't validate."}, /* above U+10FFFF */
    {"text", "f09f9880", NULL},                      /* U+1F600 */
    {"blob", "00ff", NULL},
    {"varint", "", NULL},
    {"varint", "ff7f", NULL},
    {"decimal", "", NULL},
    {"decimal", "0000000101", NULL},
    {"decimal", "00000001", NULL},
    {"decimal", "000001", "Expected 0 or at least 4 bytes (3)"},
    {"duration", "020406", NULL}, /* 1mo 2d 3ns */
    {"duration", "010305", NULL}, /* -1mo -2d -3ns */
    {"duration", "000000", NULL},
    {"duration", "0204", "Expected at least 3 bytes for a duration (2)"},
    {"duration", "", "Expected at least 3 bytes for a duration (0)"},
    {"duration", "020106", "must be all of the same sign (1, -1, 3)"},
    {"duration", "0204c0", "Invalid duration encoding"},   /* truncated vint */
    {"duration", "02040600", "Invalid duration encoding"}, /* trailing byte */
    {"duration", "f1ffffffff0000", "months must be a 32 bits integer"},
    {"list<int>", "00000002 00000004 00000001 00000004 00000002", NULL},
    {"list<int>", "00000000", NULL},
    {"list<int>", "", "Not enough bytes to read a list"},
    {"list<int>", "00000001 00000004 000000", "Not enough bytes to read a list"},
    {"list<int>", "00000001 ffffffff", "Null value read when not allowed"},
    {"list<int>", "00000001 00000003 000000", "Expected 4 or 0 byte int (3)"},
    {"list<int>", "00000001 00000004 00000001 00", "Unexpected extraneous bytes after list value"},
    {"list<int>", "7fffffff 00000004", "Too many elements"},
    {"list<int>", "00001000 00000000", "Not enough bytes to read a list"},
    {"list<int>", "ffffffff", "Negative element count"},
    {"set<text>", "00000001 00000002 c328", "String didn't validate."},
    {"set<text>", "00000001", "Not enough bytes to read a set"},
    {"map<text, int>", "00000001 00000001 61 00000004 00000001", NULL},
    {"map<text, int>", "00000001 00000001 61", "Not enough bytes to read a map"},
    {"map<text, int>", "00000001 00000001 61 00000002 0001", "Expected 4 or 0 byte int (2)"},
    {"frozen<list<frozen<list<int>>>>", "00000001 0000000c 00000001 00000004 00000007", NULL},
    {"frozen<list<frozen<list<int>>>>", "00000001 00000008 00000001 00000004", "list"},
    {"tuple<int, text>", "00000004 00000001 00000001 61", NULL},
    {"tuple<int, text>", "00000004 00000001", NULL}, /* fewer fields */
    {"tuple<int, text>", "", NULL},
    {"tuple<int, text>", "ffffffff ffffffff", NULL}, /* nulls */
    {"tuple<int, text>", "00000004 00000001 ffffffff ffffffff",
     "Invalid remaining data after end of tuple value"},
    {"tuple<int, text>", "000000", "Not enough bytes to read size of 0th component"},
    {"tuple<int, text>", "00000004 0000", "Not enough bytes to read 0th component"},
    {"tuple<int, text>", "00000002 0000", "Expected 4 or 0 byte int (2)"},
    {"frozen<address>", "00000003 6d6169 00000004 00000001", NULL},
    {"frozen<address>", "00000003 6d6169 00000002 0001",
     "Failure validating the 1th field zip; Expected 4 or 0 byte int (2)"},
    {"frozen<address>", "00000003 6d6169 00000004", "Not enough bytes to read 1th field zip"},
    {"frozen<address>", "00000000 ffffffff 00", "Invalid remaining data after end of UDT value"},
};

Test(values, validate_accepts_and_rejects)
{
    struct arena a;
    arena_init(&a, 4096);
    uint8_t v[256];
    for (size_t i = 0; i < sizeof validations / sizeof validations[0]; i++) {
        const struct cql_type *t = tt_type(&a, validations[i].type);
        size_t n = tt_hex(validations[i].hex, v, sizeof v);
        struct errmsg em = {0};
        int rc = cql_value_validate(t, v, n, &em);
        if (!validations[i].err) {
            cr_assert_eq(rc, 0, "%s %s: %s", validations[i].type, validations[i].hex, em.text);
        } else {
            cr_assert_eq(rc, ERR_INVALID, "%s %s accepted", validations[i].type,
                         validations[i].hex);
            cr_assert(strstr(em.text, validations[i].err), "%s %s: '%s' lacks '%s'",
                      validations[i].type, validations[i].hex, em.text, validations[i].err);
        }
    }
    arena_deinit(&a);
}

Test(values, validate_depth_bounded)
{
    /* a hand-built type deeper than the limit is refused, not recursed into without bound */
    struct cql_type lists[CQL_TYPE_DEPTH_MAX + 2];
    const struct cql_type *subs[CQL_TYPE_DEPTH_MAX + 2];
    const struct cql_type *inner = cql_type_native(CQL_INT);
    for (int i = 0; i < CQL_TYPE_DEPTH_MAX + 2; i++) {
        subs[i] = inner;
        lists[i] = (struct cql_type){.id = CQL_LIST, .frozen = true, .nsub = 1, .sub = &subs[i]};
        inner = &lists[i];
    }
    /* value: nested single-element lists down to an int */
    uint8_t buf[1024];
    size_t len = 4;
    memcpy(buf, "\0\0\0\x07", 4);
    for (int i = 0; i < CQL_TYPE_DEPTH_MAX + 2; i++) {
        memmove(buf + 8, buf, len);
        uint32_t l = (uint32_t)len;
        uint8_t hdr[8] = {
            0, 0, 0, 1, (uint8_t)(l >> 24), (uint8_t)(l >> 16), (uint8_t)(l >> 8), (uint8_t)l};
        memcpy(buf, hdr, 8);
        len += 8;
    }
    struct errmsg em;
    cr_assert_eq(cql_value_validate(inner, buf, len, &em), ERR_INVALID);
    cr_assert(strstr(em.text, "nesting"), "%s", em.text);
}

/* Each list is in strictly ascending order; "=" between entries marks equal values. */
static const struct {
    const char *type;
    const char *vals[20];
} orders[] = {
    {"int", {"", "80000000", "ffffffff", "00000000", "00000001", "7fffffff"}},
    {"bigint",
     {"", "8000000000000000", "ffffffffffffff00", "0000000000000000", "00000000000000ff",
      "0100000000000000"}},
    {"smallint", {"8000", "ff00", "0000", "00ff", "7fff"}},
    {"tinyint", {"80", "ff", "00", "7f"}},
    {"timestamp", {"", "ffffffffffffffff", "0000000000000000", "0000018cc5c8e6a0"}},
    {"boolean", {"", "00", "01", "=02"}},
    {"varint",
     {"", "ff7f", "80", "=ff80", "ff", "=ffff", "00", "=0000", "01", "=0001", "7f", "0080", "0100",
      "7fffffffffffffffffff"}},
    {"varint", {"80000000000000000000", "ff", "00"}},
    {"decimal",
     {"", "00000000 80",                         /* -128 */
      "00000001 f1",                             /* -1.5 */
      "00000000 ff",                             /* -1 */
      "=00000001 f6",                            /* -1.0 */
      "00000000 00",                             /* 0 */
      "=00000005 00",                            /* 0.00000 */
      "=fffffff0 00",                            /* 0E+16 */
      "7fffffff 01",                             /* 1E-2147483647 */
      "00000003 01",                             /* 0.001 */
      "00000000 01",                             /* 1 */
      "=00000001 0a",                            /* 1.0 */
      "=00000002 64",                            /* 1.00 */
      "00000001 0f",                             /* 1.5 */
      "ffffffff 01",                             /* 1E+1 */
      "00000000 0100",                           /* 256 */
      "80000000 01"}},                           /* 1E+2147483648 (scale INT32_MIN) */
    {"decimal", {"00000000 ff", "80000000 7f"}}, /* -1 < 127E+2147483648 */
    {"decimal", {"80000000 ff", "00000000 ff"}}, /* -1E+2147483648 < -1 */
    {"decimal",
     {"0000001e 0c9f2c9cd04674edea3fffffff", /* 0.999999999999999999999999999999 */
      "0000001d 01431e0fae6d7217caa0000000", /* 1.00000000000000000000000000000 */
      "0000001e 0c9f2c9cd04674edea40000001"}},
    {"float",
     {"", "ff800000", "bf800000", "80000000", "00000000", "3f800000", "7f800000", "7fc00000",
      "=7fc00001"}},
    {"double",
     {"fff0000000000000", "bff0000000000000", "8000000000000000", "0000000000000000",
      "3ff0000000000000", "7ff0000000000000", "7ff8000000000000"}},
    {"text", {"", "61", "6162", "62", "c3a9"}},
    {"ascii", {"", "41", "61", "6161"}},
    {"blob", {"", "00", "0000", "01", "ff"}},
    {"inet", {"", "00000000", "00000000000000000000000000000001", "7f000001", "ffffffff"}},
    {"date", {"00000000", "7fffffff", "80000000", "ffffffff"}},
    {"time", {"0000000000000000", "0000000000000001", "00004e94914effff"}},
    /* uuid: version first, then (v1) timestamp, then the low bytes unsigned */
    {"uuid",
     {"", "ffffffffffff0fff0000000000000000", /* version 0 */
      "00000000000010000000000000000000",     /* v1, ts 0 */
      "0000000000001000ff00000000000000",     /* v1, ts 0, low byte high (unsigned) */
      "00000000000040000000000000000000",     /* v4 */
      "00000000000040010000000000000000"}},
    /* timeuuid: timestamp (time_hi, time_mid, time_low), then low bytes *signed* */
    {"timeuuid",
     {"", "00000002000010000000000000000000", /* time_low 2 */
      "00000001000110000000000000000000",     /* time_mid 1 */
      "00000000000011018000000000000000",     /* time_hi 1, lsb -128 */
      "00000000000011010000000000000000",     /* lsb 0 */
      "00000000000011017f00000000000080",     /* lsb 127, last byte -128 */
      "00000000000011017f00000000000000",     /* last byte 0 */
      "00000000000011017f00000000000001"}},   /* last byte 1 */
    {"frozen<list<int>>",
     {"00000000", "00000001 00000004 00000001", "00000002 00000004 00000001 00000004 00000000",
      "00000001 00000004 00000002"}},
    {"frozen<set<text>>", {"00000000", "00000001 00000001 61", "00000001 00000001 62"}},
    {"frozen<map<int, int>>",
     {"00000000", "00000001 00000004 00000001 00000004 00000001",
      "00000001 00000004 00000001 00000004 00000002",
      "00000001 00000004 00000002 00000004 00000000"}},
    {"tuple<int, text>",
     {"", "ffffffff", "=ffffffff ffffffff", "00000004 00000000", "00000004 00000001",
      "=00000004 00000001 ffffffff", "00000004 00000001 00000000", "00000004 00000001 00000001 61",
      "00000004 00000002"}},
    {"frozen<address>",
     {"ffffffff 00000004 00000009", "00000001 61", "00000001 61 00000004 00000001", "00000001 62"}},
    {"tuple<varint, decimal>",
     {"00000001 ff", "00000001 00 00000005 00000000 01", "00000001 00 00000005 00000000 02",
      "00000001 01"}},
};

Test(values, compare_in_cassandra_order)
{
    struct arena a;
    arena_init(&a, 4096);
    for (size_t i = 0; i < sizeof orders / sizeof orders[0]; i++) {
        const struct cql_type *t = tt_type(&a, orders[i].type);
        uint8_t v[20][64];
        size_t len[20];
        bool eq_prev[20];
        size_t n = 0;
        for (; n < 20 && orders[i].vals[n]; n++) {
            const char *h = orders[i].vals[n];
            eq_prev[n] = h[0] == '=';
            len[n] = tt_hex(h + eq_prev[n], v[n], sizeof v[n]);
            struct errmsg em;
            cr_assert_eq(cql_value_validate(t, v[n], len[n], &em), 0, "%s %s: %s", orders[i].type,
                         h, em.text);
        }
        for (size_t x = 0; x < n; x++) {
            for (size_t y = 0; y < n; y++) {
                int expect = 0;
                if (x < y) {
                    expect = -1;
                    bool all_eq = true;
                    for (size_t k = x + 1; k <= y; k++)
                        all_eq &= eq_prev[k];
                    if (all_eq) expect = 0;
                } else if (x > y) {
                    expect = 1;
                    bool all_eq = true;
                    for (size_t k = y + 1; k <= x; k++)
                        all_eq &= eq_prev[k];
                    if (all_eq) expect = 0;
                }
                int c = cql_value_compare(t, v[x], len[x], v[y], len[y]);
                c = (c > 0) - (c < 0);
                cr_assert_eq(c, expect, "%s: [%zu] %s vs [%zu] %s: got %d want %d", orders[i].type,
                             x, orders[i].vals[x], y, orders[i].vals[y], c, expect);
            }
        }
    }
    arena_deinit(&a);
}

Test(values, uuid_low_bytes_unsigned_but_timeuuid_signed)
{
    struct arena a;
    arena_init(&a, 1024);
    uint8_t lo[16], hi[16];
    tt_hex("00000000000011017f00000000000000", lo, 16);
    tt_hex("00000000000011018000000000000000", hi, 16);
    cr_assert_lt(cql_value_compare(tt_type(&a, "uuid"), lo, 16, hi, 16), 0);
    cr_assert_gt(cql_value_compare(tt_type(&a, "timeuuid"), lo, 16, hi, 16), 0);
    arena_deinit(&a);
}

Test(values, vint_roundtrip)
{
    static const int64_t cases[] = {
        0,         1,         -1,        63,        -64,           64,
        127,       128,       8191,      8192,      -8193,         (int64_t)1 << 40,
        INT32_MAX, INT32_MIN, INT64_MAX, INT64_MIN, INT64_MAX - 1, INT64_MIN + 1};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct buf b;
        buf_init(&b);
        cql_value_encode_vint(&b, cases[i]);
        int64_t back = 0;
        size_t used = cql_value_decode_vint(b.data, b.len, &back);
        cr_assert_eq(used, b.len, "value %lld", (long long)cases[i]);
        cr_assert_eq(back, cases[i]);
        cr_assert_eq(cql_value_decode_vint(b.data, b.len - 1, &back), 0, "truncated");
        buf_deinit(&b);
    }
    /* Cassandra's encodings: 1 -> 02, -1 -> 01, 64 -> 80 80, INT64_MIN -> ff + 8 x ff */
    struct buf b;
    buf_init(&b);
    cql_value_encode_vint(&b, 64);
    cr_assert_eq(b.len, 2);
    cr_assert_eq(b.data[0], 0x80);
    cr_assert_eq(b.data[1], 0x80);
    buf_reset(&b);
    cql_value_encode_vint(&b, INT64_MIN);
    cr_assert_eq(b.len, 9);
    for (int i = 0; i < 9; i++)
        cr_assert_eq(b.data[i], 0xFF);
    buf_reset(&b);
    cql_value_encode_duration(&b, 1, 2, 3);
    cr_assert_eq(b.len, 3);
    cr_assert_eq(memcmp(b.data, "\x02\x04\x06", 3), 0);
    int32_t m, d;
    int64_t ns;
    cr_assert_eq(cql_value_decode_duration(b.data, b.len, &m, &d, &ns), 0);
    cr_assert(m == 1 && d == 2 && ns == 3);
    buf_deinit(&b);
}

static const struct {
    const char *type, *in, *out; /* out NULL: malformed */
} normal_forms[] = {
    {"set<int>", "00000004 00000004 00000003 00000004 00000001 00000004 00000002 00000004 00000001",
     "00000003 00000004 00000001 00000004 00000002 00000004 00000003"},
    {"map<int, text>",
     "00000003 00000004 00000002 00000001 61 00000004 00000001 00000001 62 "
     "00000004 00000002 00000001 63",
     "00000002 00000004 00000001 00000001 62 00000004 00000002 00000001 63"},
    {"list<int>", "00000002 00000004 00000002 00000004 00000001",
     "00000002 00000004 00000002 00000004 00000001"},
    {"list<frozen<set<text>>>", "00000001 0000000e 00000002 00000001 62 00000001 61",
     "00000001 0000000e 00000002 00000001 61 00000001 62"},
    {"tuple<int, frozen<set<int>>>",
     "ffffffff 00000014 00000002 00000004 00000009 00000004 00000008",
     "ffffffff 00000014 00000002 00000004 00000008 00000004 00000009"},
    {"set<int>", "00000000", "00000000"},
    {"int", "00000005", "00000005"},
    {"set<int>", "00000002 00000004 00000001", NULL},
    {"set<int>", "00000001 ffffffff", NULL},
};

Test(values, normalize_sorts_sets_and_maps)
{
    struct arena a;
    arena_init(&a, 1024);
    for (size_t i = 0; i < sizeof normal_forms / sizeof normal_forms[0]; i++) {
        const struct cql_type *t = tt_type(&a, normal_forms[i].type);
        uint8_t in[128], want[128];
        size_t n = tt_hex(normal_forms[i].in, in, sizeof in);
        struct buf b, again;
        buf_init(&b);
        buf_init(&again);
        buf_put_u8(&b, 0xAA); /* appends after what is there */
        struct errmsg em;
        int rc = cql_value_normalize(t, in, n, &b, &em);
        if (!normal_forms[i].out) {
            cr_assert_eq(rc, ERR_INVALID, "case %zu accepted", i);
            cr_assert_eq(b.len, 1, "nothing appended");
        } else {
            size_t wn = tt_hex(normal_forms[i].out, want, sizeof want);
            cr_assert_eq(rc, 0, "case %zu: %s", i, em.text);
            cr_assert(b.len == wn + 1 && memcmp(b.data + 1, want, wn) == 0, "case %zu bytes", i);
            cr_assert_eq(cql_value_normalize(t, b.data + 1, b.len - 1, &again, &em), 0);
            cr_assert(again.len == wn && memcmp(again.data, want, wn) == 0, "idempotent %zu", i);
        }
        buf_deinit(&b);
        buf_deinit(&again);
    }
    arena_deinit(&a);
}

/* cqlwire and cqlcl: body primitives and consistency levels. */
#include <criterion/criterion.h>
#include <string.h>

#include "cqltest.h"
#include "node/base/err.h"
#include "node/cqlproto/cqlcl.h"
#include "node/cqlproto/cqlwire.h"

static struct arena arena;

static void setup(void)
{
    arena_init(&arena, 4096);
}

static void teardown(void)
{
    arena_deinit(&arena);
}

TestSuite(cqlwire, .init = setup, .fini = teardown);

Test(cqlwire, encodings_match_the_spec)
{
    struct buf b;
    buf_init(&b);
    cqlwire_put_cstring(&b, "ab");
    cqlwire_put_long_string(&b, "xyz", 3);
    cqlwire_put_bytes(&b, "\x01", 1);
    cqlwire_put_null(&b);
    cqlwire_put_unset(&b);
    cqlwire_put_short_bytes(&b, "\x09\x08", 2);
    struct cqlwire_inet in = {4, {127, 0, 0, 2}, 9042};
    cqlwire_put_inet(&b, &in);
    size_t n;
    uint8_t *want = cqltest_unhex(&arena,
                                  "0002 6162  00000003 78797a  00000001 01  ffffffff  fffffffe"
                                  "0002 0908  04 7f000002 00002352",
                                  &n);
    cr_assert_eq(b.len, n);
    cr_assert(memcmp(b.data, want, n) == 0);
    buf_deinit(&b);
}

/* Every primitive and container decodes back to what was written, and every strict prefix of
 * its encoding fails with ERR_PROTOCOL leaving the cursor where it was. */
Test(cqlwire, round_trip_and_truncation)
{
    struct cqlwire_str list[] = {cqlwire_str_c("a"), cqlwire_str_c(""), cqlwire_str_c("ccc")};
    struct cqlwire_pair smap[] = {{cqlwire_str_c("k1"), cqlwire_str_c("v1"), {NULL, 0}},
                                  {cqlwire_str_c("k2"), cqlwire_str_c(""), {NULL, 0}}};
    struct cqlwire_pair bmap[] = {
        {cqlwire_str_c("p"), {NULL, 0}, {(const uint8_t *)"\x00\x01", 2}},
        {cqlwire_str_c("q"), {NULL, 0}, {NULL, CQLWIRE_NULL}}};
    struct cqlwire_multi mm[] = {{cqlwire_str_c("CQL_VERSION"), list, 3},
                                 {cqlwire_str_c("COMPRESSION"), NULL, 0}};
    struct cqlwire_inet in6 = {16, {0xfe, 0x80, [15] = 1}, 9042};
    for (int kind = 0; kind < 5; kind++) {
        struct buf b;
        buf_init(&b);
        switch (kind) {
        case 0: cqlwire_put_string_list(&b, list, 3); break;
        case 1: cqlwire_put_string_map(&b, smap, 2); break;
        case 2: cqlwire_put_bytes_map(&b, bmap, 2); break;
        case 3: cqlwire_put_string_multimap(&b, mm, 2); break;
        case 4: cqlwire_put_inet(&b, &in6); break;
        }
        for (size_t cut = 0; cut <= b.len; cut++) {
            struct rbuf r;
            rbuf_init(&r, b.data, cut);
            struct cqlwire_str *l;
            struct cqlwire_pair *p;
            struct cqlwire_multi *m;
            struct cqlwire_inet got;
            uint16_t cnt = 0;
            int rc = 0;
            switch (kind) {
            case 0: rc = cqlwire_get_string_list(&r, &arena, &l, &cnt); break;
            case 1: rc = cqlwire_get_string_map(&r, &arena, &p, &cnt); break;
            case 2: rc = cqlwire_get_bytes_map(&r, &arena, &p, &cnt); break;
            case 3: rc = cqlwire_get_string_multimap(&r, &arena, &m, &cnt); break;
            case 4: rc = cqlwire_get_inet(&r, &got); break;
            }
            if (cut < b.len) {
                cr_assert_eq(rc, ERR_PROTOCOL, "kind %d cut %zu", kind, cut);
                cr_assert_eq(r.pos, 0);
                continue;
            }
            cr_assert_eq(rc, 0, "kind %d", kind);
            cr_assert_eq(r.pos, b.len);
            switch (kind) {
            case 0: cr_assert(cnt == 3 && cqlwire_str_eq(l[2], "ccc")); break;
            case 1: cr_assert(cnt == 2 && cqlwire_str_eq(p[0].str, "v1")); break;
            case 2:
                cr_assert(cnt == 2 && p[0].bytes.len == 2 && p[1].bytes.len == CQLWIRE_NULL);
                break;
            case 3:
                cr_assert(cnt == 2 && m[0].nvals == 3 && cqlwire_str_eq(m[0].vals[0], "a"));
                cr_assert(cqlwire_str_eq(m[1].key, "COMPRESSION") && m[1].nvals == 0);
                break;
            case 4:
                cr_assert(got.addr_len == 16 && got.port == 9042);
                cr_assert(memcmp(got.addr, in6.addr, 16) == 0);
                break;
            }
        }
        buf_deinit(&b);
    }
}

Test(cqlwire, value_lengths_by_version)
{
    static const struct {
        const char *hex;
        int version;
        int rc;
        int32_t len;
    } cases[] = {
        {"ffffffff", 4, 0, CQLWIRE_NULL},   {"fffffffe", 4, 0, CQLWIRE_UNSET},
        {"fffffffd", 4, ERR_PROTOCOL, 0},   {"80000000", 4, ERR_PROTOCOL, 0},
        {"fffffffe", 3, 0, CQLWIRE_NULL},   {"80000000", 3, 0, CQLWIRE_NULL},
        {"00000000", 4, 0, 0},              {"00000002 aabb", 4, 0, 2},
        {"00000003 aabb", 4, ERR_PROTOCOL, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n;
        uint8_t *p = cqltest_unhex(&arena, cases[i].hex, &n);
        struct rbuf r;
        rbuf_init(&r, p, n);
        struct cqlwire_value v;
        int rc = cqlwire_get_value(&r, cases[i].version, &v);
        cr_assert_eq(rc, cases[i].rc, "case %zu", i);
        if (rc == 0) cr_assert_eq(v.len, cases[i].len, "case %zu", i);
        if (rc < 0) cr_assert_eq(r.pos, 0);
    }
    /* [bytes] reads any negative length as null. */
    size_t n;
    uint8_t *p = cqltest_unhex(&arena, "fffffff0", &n);
    struct rbuf r;
    rbuf_init(&r, p, n);
    struct cqlwire_value v;
    cr_assert_eq(cqlwire_get_bytes(&r, &v), 0);
    cr_assert_eq(v.len, CQLWIRE_NULL);
}

Test(cqlwire, counts_beyond_the_bytes_left_are_refused)
{
    static const char *hexes[] = {
        "ffff 0000",      /* string list of 65535 with 2 bytes left */
        "0100 00",        /* string map of 256 */
        "8000",           /* bytes map */
        "0002 0001 61",   /* multimap of 2, one key and no list */
        "7fffffff 00",    /* long string */
        "03 7f000001 00", /* inet of size 3 */
    };
    for (size_t i = 0; i < sizeof hexes / sizeof hexes[0]; i++) {
        size_t n;
        uint8_t *p = cqltest_unhex(&arena, hexes[i], &n);
        struct rbuf r;
        rbuf_init(&r, p, n);
        size_t used = arena.used_bytes;
        struct cqlwire_str *l, s;
        struct cqlwire_pair *m;
        struct cqlwire_multi *mm;
        struct cqlwire_inet in;
        uint16_t cnt;
        int rc;
        switch (i) {
        case 0: rc = cqlwire_get_string_list(&r, &arena, &l, &cnt); break;
        case 1: rc = cqlwire_get_string_map(&r, &arena, &m, &cnt); break;
        case 2: rc = cqlwire_get_bytes_map(&r, &arena, &m, &cnt); break;
        case 3: rc = cqlwire_get_string_multimap(&r, &arena, &mm, &cnt); break;
        case 4: rc = cqlwire_get_long_string(&r, &s); break;
        default: rc = cqlwire_get_inet(&r, &in); break;
        }
        cr_assert_eq(rc, ERR_PROTOCOL, "case %zu", i);
        cr_assert_eq(r.pos, 0);
        if (i < 3) cr_assert_eq(arena.used_bytes, used, "case %zu allocated", i);
    }
}

Test(cqlwire, long_string_is_truncated_on_a_character_boundary)
{
    size_t n = 70000;
    char *s = arena_alloc(&arena, n);
    /* "é" is 2 bytes: 65535 is odd, so the cut would split one. */
    for (size_t i = 0; i < n; i += 2) {
        s[i] = (char)0xC3;
        s[i + 1] = (char)0xA9;
    }
    struct buf b;
    buf_init(&b);
    cqlwire_put_string(&b, s, n);
    struct rbuf r;
    rbuf_init(&r, b.data, b.len);
    struct cqlwire_str got;
    cr_assert_eq(cqlwire_get_string(&r, &got), 0);
    cr_assert_eq(got.len, 65534);
    cr_assert_eq((uint8_t)got.p[got.len - 1], 0xA9);
    buf_deinit(&b);
}

Test(cqlwire, str_helpers)
{
    struct cqlwire_str s = {"Hello", 5};
    cr_assert(cqlwire_str_eq(s, "Hello"));
    cr_assert_not(cqlwire_str_eq(s, "Hell"));
    cr_assert(cqlwire_str_eq_nocase(s, "hELLO"));
    cr_assert_str_eq(cqlwire_str_dup(s, &arena), "Hello");
    cr_assert(cqlwire_str_eq(cqlwire_str_c(NULL), ""));
}

Test(cqlcl, names_and_parsing)
{
    static const struct {
        uint16_t cl;
        const char *name;
    } cases[] = {{CQLCL_ANY, "ANY"},       {CQLCL_ONE, "ONE"},
                 {CQLCL_QUORUM, "QUORUM"}, {CQLCL_LOCAL_QUORUM, "LOCAL_QUORUM"},
                 {CQLCL_SERIAL, "SERIAL"}, {CQLCL_LOCAL_ONE, "LOCAL_ONE"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cr_assert_str_eq(cqlcl_name(cases[i].cl), cases[i].name);
        uint16_t got;
        cr_assert_eq(cqlcl_parse(cases[i].name, strlen(cases[i].name), &got), 0);
        cr_assert_eq(got, cases[i].cl);
    }
    uint16_t got;
    cr_assert_eq(cqlcl_parse("local_quorum", 12, &got), 0);
    cr_assert_eq(got, CQLCL_LOCAL_QUORUM);
    cr_assert_eq(cqlcl_parse("LOCAL", 5, &got), ERR_INVALID);
    cr_assert_null(cqlcl_name(0x0B));
    cr_assert(cqlcl_is_serial(CQLCL_LOCAL_SERIAL));
    cr_assert_not(cqlcl_is_serial(CQLCL_ONE));
    static const uint8_t bad[] = {0x00, 0x0B};
    struct rbuf r;
    rbuf_init(&r, bad, 2);
    cr_assert_eq(cqlcl_get(&r, &got), ERR_PROTOCOL);
    cr_assert_eq(r.pos, 0);
}

/* exec: hostile bound values: random bytes for every column type through prepared INSERT
   and SELECT are either stored and read back valid (simple types byte for byte) or refused
   with Invalid -- never a crash. Seeded, deterministic. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "node/base/be.h"
#include "tests/unit/exec/fixture.h"

static struct xf F;

static const char *const cols[] = {"a",  "bi", "b",  "bo", "d",  "db", "f",  "i",  "ts",
                                   "u",  "t",  "vi", "tu", "ip", "dt", "tm", "si", "ti",
                                   "du", "l",  "s",  "m",  "tp", "fl", "ad", "na"};
#define NCOLS (sizeof cols / sizeof cols[0])

static void setup(void)
{
    xf_open_ks(&F);
    xf_ok(&F, "CREATE TYPE addr (street text, zip int)");
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

TestSuite(exec_robust, .init = setup, .fini = teardown);

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Random bytes, sometimes shaped like a collection (a count then length-prefixed items). */
static int32_t random_value(uint8_t *out, size_t cap)
{
    uint32_t kind = (uint32_t)(next() % 4);
    size_t n = (size_t)(next() % 24);
    if (kind == 0 && cap >= 64) {
        uint32_t items = (uint32_t)(next() % 4), pos = 4;
        be32_store(out, (next() % 8) ? items : (uint32_t)next());
        for (uint32_t i = 0; i < items && pos + 12 < cap; i++) {
            uint32_t len = (uint32_t)(next() % 6);
            be32_store(out + pos, (next() % 8) ? len : (uint32_t)next());
            pos += 4;
            for (uint32_t k = 0; k < len && pos < cap; k++)
                out[pos++] = (uint8_t)next();
        }
        return (int32_t)pos;
    }
    for (size_t i = 0; i < n && i < cap; i++)
        out[i] = (uint8_t)(kind == 1 ? next() % 128 : next());
    return (int32_t)n;
}

Test(exec_robust, random_bound_values_are_stored_or_refused)
{
    char q[160];
    uint8_t ins[16], sel[16], key[4], val[128];
    int stored = 0, refused = 0;
    struct arena ta;
    arena_init(&ta, 4096);
    for (size_t c = 0; c < NCOLS; c++) {
        snprintf(q, sizeof q, "INSERT INTO ty (k, %s) VALUES (?, ?)", cols[c]);
        cr_assert_eq(xf_prepare(&F, q, ins), 0, "%s", F.em.text);
        snprintf(q, sizeof q, "SELECT %s FROM ty WHERE k = ?", cols[c]);
        cr_assert_eq(xf_prepare(&F, q, sel), 0, "%s", F.em.text);
        const struct cql_type *type = cql_type_copy(F.resp.prepared.result.cols[0].type, &ta);
        bool simple = !cql_type_is_collection(type) && type->id != CQL_UDT && type->id != CQL_TUPLE;
        for (int i = 0; i < 150; i++) {
            be32_store(key, (uint32_t)(c * 1000 + (size_t)i));
            int32_t n = random_value(val, sizeof val);
            struct cqlwire_value v[2] = {xf_val(key, 4), xf_val(val, n)};
            int rc = xf_execute(&F, ins, 16, v, 2, 0, false);
            if (rc != 0) {
                cr_assert_eq(rc, ERR_INVALID, "%s: rc %d (%s)", cols[c], rc, F.em.text);
                refused++;
                continue;
            }
            stored++;
            cr_assert_eq(xf_execute(&F, sel, 16, v, 1, 0, false), 0, "%s", F.em.text);
            cr_assert_eq(xf_nrows(&F), 1);
            const struct cqlwire_value *got = xf_cell(&F, 0, 0);
            if (got->len < 0) continue; /* an empty collection reads back as null */
            struct errmsg em;
            cr_assert_eq(cql_value_validate(type, got->p, (size_t)got->len, &em), 0,
                         "%s read back an invalid value: %s", cols[c], em.text);
            if (simple) {
                cr_assert_eq(got->len, n, "%s", cols[c]);
                cr_assert_eq(memcmp(got->p, val, (size_t)n), 0, "%s", cols[c]);
            }
        }
    }
    arena_deinit(&ta);
    cr_assert_gt(stored, 100);
    cr_assert_gt(refused, 100);
}

/* Shared helpers for the types unit tests. */
#include "types_test_util.h"

#include <criterion/criterion.h>
#include <string.h>

static int nibble(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

size_t tt_hex(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = 0;
    int hi = -1;
    for (const char *p = hex; *p; p++) {
        if (*p == ' ') continue;
        int v = nibble(*p);
        cr_assert_geq(v, 0, "bad hex in test: %s", hex);
        if (hi < 0) {
            hi = v;
        } else {
            cr_assert_lt(n, cap);
            out[n++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    cr_assert_eq(hi, -1, "odd hex in test: %s", hex);
    return n;
}

static const struct cql_type *addr_subs[2];
static const char *const addr_names[] = {"street", "zip"};
static struct cql_type addr = {.id = CQL_UDT,
                               .nsub = 2,
                               .sub = addr_subs,
                               .udt_keyspace = "ks",
                               .udt_name = "address",
                               .field_names = addr_names};
static const struct cql_type *my_subs[1];
static const char *const my_names[] = {"a"};
static struct cql_type mytype = {.id = CQL_UDT,
                                 .nsub = 1,
                                 .sub = my_subs,
                                 .udt_keyspace = "ks",
                                 .udt_name = "MyType",
                                 .field_names = my_names};

const struct cql_type *tt_lookup(void *ctx, const char *keyspace, const char *name)
{
    (void)ctx;
    addr_subs[0] = cql_type_native(CQL_VARCHAR);
    addr_subs[1] = cql_type_native(CQL_INT);
    my_subs[0] = cql_type_native(CQL_INT);
    if (!keyspace || strcmp(keyspace, "ks") != 0) return NULL;
    if (strcmp(name, "address") == 0) return &addr;
    if (strcmp(name, "MyType") == 0) return &mytype;
    return NULL;
}

const struct cql_type *tt_type(struct arena *a, const char *s)
{
    const struct cql_type *t = NULL;
    struct errmsg em;
    int rc = cql_type_parse(s, strlen(s), "ks", tt_lookup, NULL, a, &t, &em);
    cr_assert_eq(rc, 0, "parse %s: %s", s, em.text);
    return t;
}

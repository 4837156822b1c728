/* Unit tests for ring/: partitioner helpers, token map search, replication strategies. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "ring/partitioner.h"
#include "ring/strategy.h"
#include "ring/token_map.h"

Test(partitioner, composite_key_round_trip_and_rejects_malformed)
{
    const uint8_t a[] = {0, 0, 0, 1}, b[] = {'x', 'y'};
    const uint8_t *vals[] = {a, b};
    uint32_t lens[] = {4, 2};
    struct buf k;
    buf_init(&k);
    partitioner_compose(&k, vals, lens, 2);
    const uint8_t expect[] = {0, 4, 0, 0, 0, 1, 0, 0, 2, 'x', 'y', 0};
    cr_assert_eq(k.len, sizeof expect);
    cr_assert_eq(memcmp(k.data, expect, sizeof expect), 0);
    const uint8_t *out[2];
    uint32_t outl[2];
    cr_assert_eq(partitioner_decompose(k.data, k.len, 2, out, outl), 0);
    cr_assert_eq(outl[1], 2u);
    cr_assert_eq(memcmp(out[1], "xy", 2), 0);
    for (size_t cut = 0; cut < k.len; cut++)
        cr_assert_eq(partitioner_decompose(k.data, cut, 2, out, outl), -1, "cut=%zu", cut);
    cr_assert_eq(partitioner_decompose(k.data, k.len, 1, out, outl), -1, "trailing bytes");
    k.data[5 + 1] = 7; /* end-of-component byte must be 0 */
    cr_assert_eq(partitioner_decompose(k.data, k.len, 2, out, outl), -1);
    buf_deinit(&k);
}

Test(partitioner, token_text_edges)
{
    static const struct {
        const char *s;
        int rc;
        int64_t v;
    } cases[] = {
        {"0", 0, 0},
        {"-9223372036854775808", 0, INT64_MIN},
        {"9223372036854775807", 0, INT64_MAX},
        {"9223372036854775808", -1, 0},
        {"", -1, 0},
        {"-", -1, 0},
        {"12a", -1, 0},
        {" 1", -1, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t v = 0;
        int rc = token_parse(cases[i].s, strlen(cases[i].s), &v);
        cr_assert_eq(rc, cases[i].rc, "case %s", cases[i].s);
        if (rc == 0) {
            cr_assert_eq(v, cases[i].v);
            char back[TOKEN_STR_MAX];
            token_format(v, back);
            cr_assert_str_eq(back, cases[i].s);
        }
    }
}

static struct ring_node mknode(int id, const char *dc, const char *rack)
{
    struct ring_node n;
    memset(&n, 0, sizeof n);
    n.host_id.b[15] = (uint8_t)id;
    snprintf(n.addr, sizeof n.addr, "127.0.0.%d", id);
    snprintf(n.dc, sizeof n.dc, "%s", dc);
    snprintf(n.rack, sizeof n.rack, "%s", rack);
    return n;
}

/* Nodes 1..n, node i owning token 10*i. */
static struct token_map *ring_of(int n, const char *const *dcs, const char *const *racks)
{
    struct token_map *m = token_map_create();
    for (int i = 1; i <= n; i++) {
        struct ring_node node = mknode(i, dcs ? dcs[i - 1] : "dc1", racks ? racks[i - 1] : "r1");
        int64_t t = 10 * i;
        cr_assert_eq(token_map_add_node(m, &node, &t, 1, NULL), 0);
    }
    token_map_finish(m);
    return m;
}

Test(token_map, owner_is_first_token_at_or_after_wrapping)
{
    struct token_map *m = ring_of(3, NULL, NULL);
    cr_assert_eq(token_map_search(m, 5), 0u);
    cr_assert_eq(token_map_search(m, 10), 0u, "(prev, tok] includes tok");
    cr_assert_eq(token_map_search(m, 11), 1u);
    cr_assert_eq(token_map_search(m, 31), 0u, "wraps");
    cr_assert_eq(token_map_search(m, INT64_MIN), 0u);
    struct ring_node dup = mknode(1, "dc1", "r1");
    int64_t t = 99;
    struct token_map *m2 = token_map_create();
    cr_assert_eq(token_map_add_node(m2, &dup, &t, 1, NULL), 0);
    cr_assert_eq(token_map_add_node(m2, &dup, &t, 1, NULL), ERR_INVALID);
    token_map_unref(m2);
    token_map_unref(m);
}

static struct strategy parse_ok(const char *const *kv, size_t n)
{
    const char *keys[8], *vals[8];
    for (size_t i = 0; i < n; i++) {
        keys[i] = kv[2 * i];
        vals[i] = kv[2 * i + 1];
    }
    const char *dcs[] = {"dc1", "dc2"};
    struct strategy s;
    struct errmsg em;
    int rc = strategy_parse(keys, vals, n, dcs, 2, false, "ks", &s, &em);
    cr_assert_eq(rc, 0, "%s", em.text);
    return s;
}

Test(strategy, simple_takes_next_distinct_nodes_clockwise)
{
    struct token_map *m = ring_of(4, NULL, NULL);
    const char *kv[] = {"class", "SimpleStrategy", "replication_factor", "3"};
    struct strategy s = parse_ok(kv, 2);
    uint32_t out[8];
    size_t n = strategy_replicas(&s, m, 25, 0, out, 8);
    cr_assert_eq(n, 3u);
    cr_assert_eq(out[0], 2u); /* token 30 = node index 2 */
    cr_assert_eq(out[1], 3u);
    cr_assert_eq(out[2], 0u, "wraps to the first node");
    s.rf = 9;
    cr_assert_eq(strategy_replicas(&s, m, 25, 0, out, 8), 4u, "capped at the node count");
    token_map_unref(m);
}

Test(strategy, nts_prefers_distinct_racks_then_repeats)
{
    const char *dcs[] = {"dc1", "dc1", "dc1", "dc1", "dc2"};
    const char *racks[] = {"r1", "r1", "r2", "r2", "r1"};
    struct token_map *m = ring_of(5, dcs, racks);
    const char *kv[] = {"class", "NetworkTopologyStrategy", "dc1", "2", "dc2", "1"};
    struct strategy s = parse_ok(kv, 3);
    uint32_t out[8];
    size_t n = strategy_replicas(&s, m, 5, 0, out, 8);
    cr_assert_eq(n, 3u);
    cr_assert_eq(out[0], 0u);
    cr_assert_eq(out[1], 2u, "node 1 shares rack r1 and rf=2 leaves no rack repeats");
    cr_assert_eq(out[2], 4u);
    const char *kv3[] = {"class", "NetworkTopologyStrategy", "dc1", "3"};
    s = parse_ok(kv3, 2);
    n = strategy_replicas(&s, m, 5, 0, out, 8);
    cr_assert_eq(n, 3u);
    cr_assert_eq(out[0], 0u);
    cr_assert_eq(out[1], 1u, "rf 3 over 2 racks allows one repeat, taken in ring order");
    cr_assert_eq(out[2], 2u);
    token_map_unref(m);
}

Test(strategy, parse_errors_use_cassandra_wording)
{
    static const struct {
        const char *k[3], *v[3];
        size_t n;
        const char *msg;
    } cases[] = {
        {{"replication_factor"}, {"1"}, 1, "Missing replication strategy class"},
        {{"class"}, {"FooStrategy"}, 1,
         "Unable to find replication strategy class 'org.apache.cassandra.locator.FooStrategy'"},
        {{"class"}, {"com.example.FooStrategy"}, 1,
         "Unable to find replication strategy class 'com.example.FooStrategy'"},
        {{"class"}, {"foo.SimpleStrategy"}, 1,
         "Unable to find replication strategy class 'foo.SimpleStrategy'"},
        {{"class"}, {"OldNetworkTopologyStrategy"}, 1,
         "The support for the OldNetworkTopologyStrategy has been removed in C* version 4.0. The "
         "keyspace strategy should be switch to NetworkTopologyStrategy"},
        {{"class"}, {"SimpleStrategy"}, 1,
         "SimpleStrategy requires a replication_factor strategy option."},
        {{"class", "replication_factor"}, {"SimpleStrategy", "x"}, 2,
         "Replication factor must be numeric; found x"},
        {{"class", "replication_factor", "foo"}, {"SimpleStrategy", "1", "2"}, 3,
         "Unrecognized strategy option {foo} passed to SimpleStrategy for keyspace ks"},
        {{"class"}, {"LocalStrategy"}, 1,
         "Unable to find replication strategy class 'org.apache.cassandra.locator.LocalStrategy'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct strategy s;
        struct errmsg em;
        int rc = strategy_parse(cases[i].k, cases[i].v, cases[i].n, NULL, 0, false, "ks", &s, &em);
        cr_assert_eq(rc, ERR_CONFIG, "case %zu", i);
        cr_assert_str_eq(em.text, cases[i].msg);
    }
}

Test(strategy, nts_replication_factor_expands_to_known_dcs)
{
    const char *kv[] = {"class", "org.apache.cassandra.locator.NetworkTopologyStrategy",
                        "replication_factor", "3", "dc2", "1"};
    struct strategy s = parse_ok(kv, 3);
    cr_assert_eq(s.ndcs, 2u);
    cr_assert_eq(strategy_dc_rf(&s, "dc1"), 3u);
    cr_assert_eq(strategy_dc_rf(&s, "dc2"), 1u, "an explicit dc option wins");
    cr_assert_eq(strategy_total_rf(&s), 4u);
}

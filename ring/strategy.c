/* strategy: see strategy.h. */
#include "ring/strategy.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/base/assert.h"

/* Cassandra's AbstractReplicationStrategy.getClass: a name without a '.' is taken from
   org.apache.cassandra.locator; a name with one is used as is (so "foo.SimpleStrategy" is not
   SimpleStrategy). The known class, or NULL. */
static const char *class_full_name(const char *c)
{
    static const char *const known[] = {STRATEGY_SIMPLE_CLASS, STRATEGY_NTS_CLASS,
                                        STRATEGY_LOCAL_CLASS};
    bool qualified = strchr(c, '.') != NULL;
    for (size_t i = 0; i < 3; i++) {
        const char *short_name = strrchr(known[i], '.') + 1;
        if (strcmp(c, qualified ? known[i] : short_name) == 0) return known[i];
    }
    return NULL;
}

/* FBUtilities.classForName's message, with the name getClass built. */
static int unknown_class(const char *c, struct errmsg *em)
{
    static const char pkg[] = "org.apache.cassandra.locator.";
    bool qualified = strchr(c, '.') != NULL;
    if (strcmp(c, qualified ? "org.apache.cassandra.locator.OldNetworkTopologyStrategy"
                            : "OldNetworkTopologyStrategy") == 0)
        return errmsg_set(em, ERR_CONFIG,
                          "The support for the OldNetworkTopologyStrategy has been removed in C* "
                          "version 4.0. The keyspace strategy should be switch to "
                          "NetworkTopologyStrategy");
    return errmsg_set(em, ERR_CONFIG, "Unable to find replication strategy class '%s%s'",
                      qualified ? "" : pkg, c);
}

static int parse_rf(const char *v, uint32_t *out, struct errmsg *em)
{
    char *end;
    errno = 0;
    long rf = strtol(v, &end, 10);
    if (*v == '\0' || *end != '\0' || errno)
        return errmsg_set(em, ERR_CONFIG, "Replication factor must be numeric; found %s", v);
    if (rf < 0)
        return errmsg_set(em, ERR_CONFIG,
                          "Replication factor must be non-negative; found %ld", rf);
    if (rf > STRATEGY_RF_MAX)
        return errmsg_set(em, ERR_CONFIG, "Replication factor %ld is above the limit of %d",
                          rf, STRATEGY_RF_MAX);
    *out = (uint32_t)rf;
    return 0;
}

static int add_dc(struct strategy *s, const char *dc, uint32_t rf, struct errmsg *em)
{
    if (strlen(dc) >= RING_NAME_MAX)
        return errmsg_set(em, ERR_CONFIG, "data center name too long: %s", dc);
    for (uint32_t i = 0; i < s->ndcs; i++)
        if (strcmp(s->dcs[i].dc, dc) == 0) {
            s->dcs[i].rf = rf;
            return 0;
        }
    if (s->ndcs >= STRATEGY_DCS_MAX)
        return errmsg_set(em, ERR_CONFIG, "too many data centers (max %d)", STRATEGY_DCS_MAX);
    snprintf(s->dcs[s->ndcs].dc, RING_NAME_MAX, "%s", dc);
    s->dcs[s->ndcs++].rf = rf;
    return 0;
}

static int cmp_dc(const void *a, const void *b)
{
    return strcmp(((const struct strategy_dc *)a)->dc, ((const struct strategy_dc *)b)->dc);
}

static int parse_nts(struct strategy *s, const char *const *keys, const char *const *values,
                     size_t n, const char *const *known_dcs, size_t nknown, struct errmsg *em)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(keys[i], "class") == 0) continue;
        uint32_t rf;
        int rc = parse_rf(values[i], &rf, em);
        if (rc < 0) return rc;
        if (strcmp(keys[i], "replication_factor") == 0) {
            for (size_t d = 0; d < nknown && rc == 0; d++) rc = add_dc(s, known_dcs[d], rf, em);
        } else {
            rc = add_dc(s, keys[i], rf, em);
        }
        if (rc < 0) return rc;
    }
    /* Explicit per-DC options win over the replication_factor expansion. */
    for (size_t i = 0; i < n; i++) {
        if (strcmp(keys[i], "class") == 0 || strcmp(keys[i], "replication_factor") == 0)
            continue;
        uint32_t rf;
        parse_rf(values[i], &rf, NULL);
        add_dc(s, keys[i], rf, NULL);
    }
    qsort(s->dcs, s->ndcs, sizeof s->dcs[0], cmp_dc);
    return 0;
}

static int parse_simple(struct strategy *s, const char *const *keys, const char *const *values,
                        size_t n, const char *keyspace, struct errmsg *em)
{
    bool have_rf = false;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(keys[i], "class") == 0) continue;
        if (strcmp(keys[i], "replication_factor") != 0)
            return errmsg_set(em, ERR_CONFIG,
                              "Unrecognized strategy option {%s} passed to SimpleStrategy for "
                              "keyspace %s",
                              keys[i], keyspace);
        int rc = parse_rf(values[i], &s->rf, em);
        if (rc < 0) return rc;
        have_rf = true;
    }
    if (!have_rf)
        return errmsg_set(em, ERR_CONFIG,
                          "SimpleStrategy requires a replication_factor strategy option.");
    return 0;
}

int strategy_parse(const char *const *keys, const char *const *values, size_t n,
                   const char *const *known_dcs, size_t nknown, bool allow_local,
                   const char *keyspace, struct strategy *out, struct errmsg *em)
{
    const char *cls = NULL;
    for (size_t i = 0; i < n; i++)
        if (strcmp(keys[i], "class") == 0) cls = values[i];
    if (!cls) return errmsg_set(em, ERR_CONFIG, "Missing replication strategy class");
    const char *full = class_full_name(cls);
    if (!full) return unknown_class(cls, em);
    if (strcmp(full, STRATEGY_LOCAL_CLASS) == 0 && !allow_local)
        return errmsg_set(em, ERR_CONFIG, "Unable to find replication strategy class '%s'", full);
    struct strategy s;
    memset(&s, 0, sizeof s);
    int rc = 0;
    if (strcmp(full, STRATEGY_SIMPLE_CLASS) == 0) {
        s.kind = STRATEGY_SIMPLE;
        rc = parse_simple(&s, keys, values, n, keyspace, em);
    } else if (strcmp(full, STRATEGY_NTS_CLASS) == 0) {
        s.kind = STRATEGY_NTS;
        rc = parse_nts(&s, keys, values, n, known_dcs, nknown, em);
    } else {
        s.kind = STRATEGY_LOCAL;
    }
    if (rc == 0) *out = s;
    return rc;
}

void strategy_each_option(const struct strategy *s,
                          void (*cb)(void *arg, const char *key, const char *value), void *arg)
{
    char num[16];
    switch (s->kind) {
    case STRATEGY_LOCAL: cb(arg, "class", STRATEGY_LOCAL_CLASS); break;
    case STRATEGY_SIMPLE:
        cb(arg, "class", STRATEGY_SIMPLE_CLASS);
        snprintf(num, sizeof num, "%u", s->rf);
        cb(arg, "replication_factor", num);
        break;
    case STRATEGY_NTS:
        cb(arg, "class", STRATEGY_NTS_CLASS);
        for (uint32_t i = 0; i < s->ndcs; i++) {
            snprintf(num, sizeof num, "%u", s->dcs[i].rf);
            cb(arg, s->dcs[i].dc, num);
        }
        break;
    }
}

uint32_t strategy_total_rf(const struct strategy *s)
{
    if (s->kind == STRATEGY_LOCAL) return 1;
    if (s->kind == STRATEGY_SIMPLE) return s->rf;
    uint32_t total = 0;
    for (uint32_t i = 0; i < s->ndcs; i++) total += s->dcs[i].rf;
    return total;
}

uint32_t strategy_dc_rf(const struct strategy *s, const char *dc)
{
    if (s->kind != STRATEGY_NTS) return strategy_total_rf(s);
    for (uint32_t i = 0; i < s->ndcs; i++)
        if (strcmp(s->dcs[i].dc, dc) == 0) return s->dcs[i].rf;
    return 0;
}

static bool contains(const uint32_t *v, size_t n, uint32_t x)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] == x) return true;
    return false;
}

static size_t simple_replicas(const struct strategy *s, const struct token_map *m, int64_t t,
                              uint32_t *out, size_t max)
{
    size_t want = s->rf < m->nnodes ? s->rf : m->nnodes, n = 0;
    if (want > max) want = max;
    uint32_t start = token_map_search(m, t);
    for (uint32_t k = 0; k < m->ntokens && n < want; k++) {
        uint32_t node = m->owner[(start + k) % m->ntokens];
        if (!contains(out, n, node)) out[n++] = node;
    }
    return n;
}

/* Per-DC state of the NTS walk (Cassandra's DatacenterEndpoints). */
struct dc_walk {
    uint32_t rf_left;
    int32_t rack_repeats;
    uint32_t nracks_seen;
    const char *racks_seen[STRATEGY_RF_MAX];
};

static bool dc_done(const struct dc_walk *w)
{
    return w->rf_left == 0;
}

static bool rack_seen(struct dc_walk *w, const char *rack)
{
    for (uint32_t i = 0; i < w->nracks_seen; i++)
        if (strcmp(w->racks_seen[i], rack) == 0) return true;
    return false;
}

/* Returns true when the node was taken as a replica. */
static bool dc_offer(struct dc_walk *w, const struct ring_node *node)
{
    if (dc_done(w)) return false;
    if (!rack_seen(w, node->rack)) {
        if (w->nracks_seen < STRATEGY_RF_MAX) w->racks_seen[w->nracks_seen++] = node->rack;
        w->rf_left--;
        return true;
    }
    if (w->rack_repeats <= 0) return false;
    w->rack_repeats--;
    w->rf_left--;
    return true;
}

static size_t nts_replicas(const struct strategy *s, const struct token_map *m, int64_t t,
                           uint32_t *out, size_t max)
{
    struct dc_walk walks[STRATEGY_DCS_MAX];
    uint32_t pending = 0;
    for (uint32_t d = 0; d < s->ndcs; d++) {
        uint32_t nodes = token_map_dc_nodes(m, s->dcs[d].dc);
        uint32_t rf = s->dcs[d].rf < nodes ? s->dcs[d].rf : nodes;
        walks[d] = (struct dc_walk){.rf_left = rf,
                                    .rack_repeats = (int32_t)rf -
                                                    (int32_t)token_map_dc_racks(m, s->dcs[d].dc)};
        pending += rf > 0;
    }
    size_t n = 0;
    uint32_t start = token_map_search(m, t);
    for (uint32_t k = 0; k < m->ntokens && pending > 0 && n < max; k++) {
        uint32_t node = m->owner[(start + k) % m->ntokens];
        if (contains(out, n, node)) continue;
        for (uint32_t d = 0; d < s->ndcs; d++) {
            if (strcmp(s->dcs[d].dc, m->nodes[node].dc) != 0) continue;
            if (dc_offer(&walks[d], &m->nodes[node])) {
                out[n++] = node;
                if (dc_done(&walks[d])) pending--;
            }
            break;
        }
    }
    return n;
}

size_t strategy_replicas(const struct strategy *s, const struct token_map *m, int64_t t,
                         uint32_t local_node, uint32_t *out, size_t max)
{
    if (max == 0) return 0;
    if (s->kind == STRATEGY_LOCAL) {
        out[0] = local_node;
        return 1;
    }
    if (m->ntokens == 0) return 0;
    if (s->kind == STRATEGY_SIMPLE) return simple_replicas(s, m, t, out, max);
    return nts_replicas(s, m, t, out, max);
}

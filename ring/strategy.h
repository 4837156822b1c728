/*
 * strategy: replication strategies (Cassandra's AbstractReplicationStrategy): which nodes hold
 * the replicas of a token. SimpleStrategy walks the ring clockwise from the token's owner and
 * takes the next RF distinct nodes. NetworkTopologyStrategy does the same walk per data center
 * and spreads replicas over distinct racks first (Cassandra's DatacenterEndpoints rule:
 * a rack repeat is accepted only while rf - racks_in_dc repeats remain). LocalStrategy keeps
 * data on the local node only (the system keyspaces).
 *
 * Options come from the keyspace's replication map exactly as CQL gives it
 * ({'class': 'SimpleStrategy', 'replication_factor': '3'}); errors use Cassandra's wording and
 * ERR_CONFIG (CQL 0x2300), as Cassandra answers ConfigurationException.
 * Pure: no I/O.
 */
#ifndef RINGDB_RING_STRATEGY_H
#define RINGDB_RING_STRATEGY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "node/base/buf.h"
#include "node/base/err.h"
#include "ring/token_map.h"

#define STRATEGY_DCS_MAX 32
#define STRATEGY_RF_MAX 64

#define STRATEGY_SIMPLE_CLASS "org.apache.cassandra.locator.SimpleStrategy"
#define STRATEGY_NTS_CLASS "org.apache.cassandra.locator.NetworkTopologyStrategy"
#define STRATEGY_LOCAL_CLASS "org.apache.cassandra.locator.LocalStrategy"

enum strategy_kind {
    STRATEGY_LOCAL = 0,
    STRATEGY_SIMPLE = 1,
    STRATEGY_NTS = 2,
};

struct strategy_dc {
    char dc[RING_NAME_MAX];
    uint32_t rf;
};

struct strategy {
    enum strategy_kind kind;
    uint32_t rf; /* SimpleStrategy */
    uint32_t ndcs;
    struct strategy_dc dcs[STRATEGY_DCS_MAX]; /* NetworkTopologyStrategy, sorted by name */
};

/*
 * Parses a replication map (n keys/values). `class` may be short or fully qualified.
 * For NetworkTopologyStrategy a 'replication_factor' option expands to every data center in
 * known_dcs (Cassandra 4.0+). allow_local: LocalStrategy is accepted (system keyspaces only).
 */
int strategy_parse(const char *const *keys, const char *const *values, size_t n,
                   const char *const *known_dcs, size_t nknown, bool allow_local,
                   const char *keyspace, struct strategy *out, struct errmsg *em);

/* Appends the normalised map as system_schema.keyspaces.replication shows it, as key/value
   pairs (class first, then options sorted), calling cb for each pair. */
void strategy_each_option(const struct strategy *s,
                          void (*cb)(void *arg, const char *key, const char *value), void *arg);

uint32_t strategy_total_rf(const struct strategy *s);
uint32_t strategy_dc_rf(const struct strategy *s, const char *dc);

/*
 * Replicas of token t: indexes into m->nodes, in ring-walk order, at most max. local_node is the
 * index of this node (for LocalStrategy). Returns the count (fewer than RF when the ring has
 * fewer nodes).
 */
size_t strategy_replicas(const struct strategy *s, const struct token_map *m, int64_t t,
                         uint32_t local_node, uint32_t *out, size_t max);

#endif

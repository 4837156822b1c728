/*
 * local: this node's identity as system.local and gossip report it: host id and tokens
 * (generated at first start and persisted in <data_dir>/system/local.db so they survive
 * restarts), cluster name, data center and rack (from the snitch), addresses and ports,
 * the gossip generation (seconds at start), and the schema version (from the catalog).
 * Immutable after local_node_open; shared read-only by every thread.
 *
 * File <data_dir>/system/local.db (docs/formats.md "Local node identity"): written atomically at
 * every start (the gossip generation must grow across restarts), checksummed.
 */
#ifndef RINGDB_NODE_LOCAL_H
#define RINGDB_NODE_LOCAL_H

#include <stdint.h>

#include "node/base/err.h"
#include "node/base/uuid.h"
#include "ring/token_map.h"

struct config;
struct vfs;

struct local_node {
    struct uuid host_id;
    const char *cluster_name;
    char dc[RING_NAME_MAX];
    char rack[RING_NAME_MAX];
    char listen_address[RING_ADDR_MAX];
    char rpc_address[RING_ADDR_MAX];
    char broadcast_address[RING_ADDR_MAX];
    char broadcast_rpc_address[RING_ADDR_MAX];
    uint16_t native_port;
    uint16_t storage_port;
    int32_t gossip_generation;
    uint32_t ntokens;
    int64_t *tokens; /* sorted */
    const char *snitch; /* full class name, "org.apache.cassandra.locator.SimpleSnitch" */
};

/* Loads or creates the identity under cfg's data directory. Refuses to start (ERR_CONFIG, with
   Cassandra's message) when the saved cluster name, data center, rack or token count differ
   from the configuration. Blocking (file I/O, address resolution): call at start-up. */
int local_node_open(struct vfs *v, const struct config *cfg, struct local_node **out,
                    struct errmsg *em);
void local_node_close(struct local_node *n); /* accepts NULL */

/* Reads cassandra-rackdc.properties text (dc=..., rack=...; # comments) into dc and rack
   (left unchanged when absent). Exposed for tests. */
void local_node_parse_rackdc(const char *text, size_t len, char dc[RING_NAME_MAX],
                             char rack[RING_NAME_MAX]);

#endif

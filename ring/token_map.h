/*
 * token_map: the ring as data: the nodes, and every vnode token sorted with its owner
 * (Cassandra's TokenMetadata, minus the gossip wiring: node.c feeds it from gossip events, as
 * StorageService does). A node owns the range (previous token, its token]; the owner of a key's
 * token t is the node of the smallest ring token >= t, wrapping to the first (bisect_left, as
 * the drivers compute it).
 *
 * Lifecycle: token_map_create() is a builder; token_map_add_node() per node, then
 * token_map_finish() sorts and checks. After finish the map is immutable and shared by atomic
 * reference count; a topology change builds a new map and swaps it.
 * Pure: no I/O.
 */
#ifndef RINGDB_RING_TOKEN_MAP_H
#define RINGDB_RING_TOKEN_MAP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "node/base/err.h"
#include "node/base/uuid.h"

#define RING_NODES_MAX 1024
#define RING_TOKENS_PER_NODE_MAX 1536 /* Cassandra caps num_tokens at 1536 */
#define RING_NAME_MAX 64              /* data center and rack names */
#define RING_ADDR_MAX 48              /* textual IPv4/IPv6 address */

struct ring_node {
    struct uuid host_id;
    char addr[RING_ADDR_MAX];
    char dc[RING_NAME_MAX];
    char rack[RING_NAME_MAX];
};

struct token_map {
    atomic_int refs;
    uint32_t nnodes;
    uint32_t ntokens;
    struct ring_node *nodes;
    int64_t *tokens;  /* sorted ascending, unique */
    uint32_t *owner;  /* owner[i] = index in nodes of tokens[i] */
    bool finished;
};

struct token_map *token_map_create(void);
/* Adds a node and its tokens. Errors: ERR_LIMIT (too many nodes/tokens), ERR_INVALID (a token
   already owned, the same host id twice, names too long). */
int token_map_add_node(struct token_map *m, const struct ring_node *node, const int64_t *tokens,
                       size_t ntokens, struct errmsg *em);
void token_map_finish(struct token_map *m);
struct token_map *token_map_ref(struct token_map *m);
void token_map_unref(struct token_map *m);

/* Index into tokens of the first ring token >= t, wrapping to 0. The map must have tokens. */
uint32_t token_map_search(const struct token_map *m, int64_t t);
/* Index of the node with this host id, or -1. */
int token_map_node_index(const struct token_map *m, const struct uuid *host_id);
/* The tokens of node i, ascending, into out (at most max); returns the count. */
size_t token_map_node_tokens(const struct token_map *m, uint32_t node, int64_t *out, size_t max);
/* Distinct racks among the nodes of data center dc (NetworkTopologyStrategy needs it). */
uint32_t token_map_dc_racks(const struct token_map *m, const char *dc);
uint32_t token_map_dc_nodes(const struct token_map *m, const char *dc);

#endif

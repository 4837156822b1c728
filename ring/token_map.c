/* token_map: see token_map.h. Tokens are kept as two parallel arrays for a cache-friendly
   binary search. */
#include "ring/token_map.h"

#include <stdlib.h>
#include <string.h>

#include "node/base/assert.h"
#include "node/base/mem.h"

struct token_map *token_map_create(void)
{
    struct token_map *m = xcalloc(1, sizeof *m);
    atomic_init(&m->refs, 1);
    return m;
}

static bool name_ok(const char *s, size_t max)
{
    return strnlen(s, max) < max;
}

int token_map_add_node(struct token_map *m, const struct ring_node *node, const int64_t *tokens,
                       size_t ntokens, struct errmsg *em)
{
    ASSERT(!m->finished);
    if (m->nnodes >= RING_NODES_MAX)
        return errmsg_set(em, ERR_LIMIT, "too many nodes (max %d)", RING_NODES_MAX);
    if (ntokens == 0 || ntokens > RING_TOKENS_PER_NODE_MAX)
        return errmsg_set(em, ERR_INVALID, "a node needs 1 to %d tokens, got %zu",
                          RING_TOKENS_PER_NODE_MAX, ntokens);
    if (!name_ok(node->addr, RING_ADDR_MAX) || !name_ok(node->dc, RING_NAME_MAX) ||
        !name_ok(node->rack, RING_NAME_MAX))
        return errmsg_set(em, ERR_INVALID, "node address, dc or rack name too long");
    if (token_map_node_index(m, &node->host_id) >= 0)
        return errmsg_set(em, ERR_INVALID, "host id already in the ring");
    m->nodes = xrealloc(m->nodes, (m->nnodes + 1) * sizeof *m->nodes);
    m->tokens = xrealloc(m->tokens, (m->ntokens + ntokens) * sizeof *m->tokens);
    m->owner = xrealloc(m->owner, (m->ntokens + ntokens) * sizeof *m->owner);
    m->nodes[m->nnodes] = *node;
    for (size_t i = 0; i < ntokens; i++) {
        m->tokens[m->ntokens + i] = tokens[i];
        m->owner[m->ntokens + i] = m->nnodes;
    }
    m->ntokens += (uint32_t)ntokens;
    m->nnodes++;
    return 0;
}

struct tok_own {
    int64_t token;
    uint32_t owner;
};

static int cmp_tok(const void *a, const void *b)
{
    const struct tok_own *x = a, *y = b;
    if (x->token != y->token) return x->token < y->token ? -1 : 1;
    return (x->owner > y->owner) - (x->owner < y->owner);
}

void token_map_finish(struct token_map *m)
{
    ASSERT(!m->finished);
    struct tok_own *t = xmalloc((m->ntokens ? m->ntokens : 1) * sizeof *t);
    for (uint32_t i = 0; i < m->ntokens; i++) t[i] = (struct tok_own){m->tokens[i], m->owner[i]};
    qsort(t, m->ntokens, sizeof *t, cmp_tok);
    /* A token claimed twice keeps its first (lowest node index) owner, as a newer claim loses
       in Cassandra unless it replaces the node; callers avoid duplicates. */
    uint32_t n = 0;
    for (uint32_t i = 0; i < m->ntokens; i++) {
        if (n > 0 && t[i].token == m->tokens[n - 1]) continue;
        m->tokens[n] = t[i].token;
        m->owner[n] = t[i].owner;
        n++;
    }
    m->ntokens = n;
    free(t);
    m->finished = true;
}

struct token_map *token_map_ref(struct token_map *m)
{
    atomic_fetch_add(&m->refs, 1);
    return m;
}

void token_map_unref(struct token_map *m)
{
    if (!m || atomic_fetch_sub(&m->refs, 1) != 1) return;
    free(m->nodes);
    free(m->tokens);
    free(m->owner);
    free(m);
}

uint32_t token_map_search(const struct token_map *m, int64_t t)
{
    ASSERT(m->finished && m->ntokens > 0);
    uint32_t lo = 0, hi = m->ntokens;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (m->tokens[mid] < t) lo = mid + 1;
        else hi = mid;
    }
    return lo == m->ntokens ? 0 : lo;
}

int token_map_node_index(const struct token_map *m, const struct uuid *host_id)
{
    for (uint32_t i = 0; i < m->nnodes; i++)
        if (uuid_cmp_bytes(&m->nodes[i].host_id, host_id) == 0) return (int)i;
    return -1;
}

size_t token_map_node_tokens(const struct token_map *m, uint32_t node, int64_t *out, size_t max)
{
    size_t n = 0;
    for (uint32_t i = 0; i < m->ntokens && n < max; i++)
        if (m->owner[i] == node) out[n++] = m->tokens[i];
    return n;
}

uint32_t token_map_dc_racks(const struct token_map *m, const char *dc)
{
    uint32_t count = 0;
    for (uint32_t i = 0; i < m->nnodes; i++) {
        if (strcmp(m->nodes[i].dc, dc) != 0) continue;
        bool seen = false;
        for (uint32_t j = 0; j < i && !seen; j++)
            seen = strcmp(m->nodes[j].dc, dc) == 0 && strcmp(m->nodes[j].rack, m->nodes[i].rack) == 0;
        if (!seen) count++;
    }
    return count;
}

uint32_t token_map_dc_nodes(const struct token_map *m, const char *dc)
{
    uint32_t count = 0;
    for (uint32_t i = 0; i < m->nnodes; i++) count += strcmp(m->nodes[i].dc, dc) == 0;
    return count;
}

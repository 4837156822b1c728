/* node_exec: see node_exec.h. */
#include "node/node_exec.h"

#include <stdio.h>
#include <string.h>

#include "node/base/log.h"
#include "node/cql/exec.h"
#include "node/local.h"
#include "node/node.h"
#include "replication/coordinator.h"
#include "ring/token_map.h"

/* The ring as this node alone sees it. */
static int local_ring(const struct local_node *l, struct token_map **out, struct errmsg *em)
{
    struct ring_node rn;
    memset(&rn, 0, sizeof rn);
    rn.host_id = l->host_id;
    snprintf(rn.addr, sizeof rn.addr, "%s", l->broadcast_address);
    snprintf(rn.dc, sizeof rn.dc, "%s", l->dc);
    snprintf(rn.rack, sizeof rn.rack, "%s", l->rack);
    struct token_map *m = token_map_create();
    int rc = token_map_add_node(m, &rn, l->tokens, l->ntokens, em);
    if (rc != 0) {
        token_map_unref(m);
        return rc;
    }
    token_map_finish(m);
    *out = m;
    return 0;
}

static uint32_t ms32(uint64_t ms)
{
    return ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms;
}

int node_exec_start(struct node *n, struct errmsg *em)
{
    if (!n->store || !n->schema || !n->local)
        return errmsg_set(em, ERR_CONFIG, "executor: the store and schema phases must run first");
    struct token_map *ring;
    int rc = local_ring(n->local, &ring, em);
    if (rc != 0) return rc;
    struct coordinator_config cc = {.store = n->store,
                                    .ring = ring,
                                    .local_host_id = n->local->host_id,
                                    .write_timeout_ms = ms32(n->cfg->write_request_timeout_ms),
                                    .read_timeout_ms = ms32(n->cfg->read_request_timeout_ms),
                                    .range_timeout_ms = ms32(n->cfg->range_request_timeout_ms)};
    rc = coordinator_create(&cc, &n->coord, em);
    token_map_unref(ring);
    if (rc != 0) return rc;
    struct exec_env env = {.cfg = n->cfg,
                           .store = n->store,
                           .schema = n->schema,
                           .local = n->local,
                           .coord = n->coord,
                           .auth = n->auth,
                           .auth_mgr = n->auth_mgr};
    rc = exec_create(&env, &n->exec, em);
    if (rc != 0) {
        coordinator_destroy(n->coord);
        n->coord = NULL;
        return rc;
    }
    log_info("node", "executor ready tokens=%u", n->local->ntokens);
    return 0;
}

void node_exec_close(struct node *n)
{
    exec_destroy(n->exec);
    n->exec = NULL;
    coordinator_destroy(n->coord);
    n->coord = NULL;
}

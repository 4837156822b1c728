/* node_schema: see node_schema.h. */
#include "node/node_schema.h"

#include "node/base/clock.h"
#include "node/base/log.h"
#include "node/cql/schema_mgr.h"
#include "node/local.h"
#include "node/node.h"

int node_schema_start(struct node *n, struct errmsg *em)
{
    int64_t t0 = clock_mono_ns();
    int rc = local_node_open(n->vfs, n->cfg, &n->local, em);
    if (rc != 0) return rc;
    rc = schema_mgr_open(n->vfs, n->cfg->data_file_directories[0], n->store, &n->schema, em);
    if (rc != 0) {
        local_node_close(n->local);
        n->local = NULL;
        return rc;
    }
    schema_mgr_set_local(n->schema, n->local);
    log_info("node", "schema phase done ms=%.1f", (double)(clock_mono_ns() - t0) / 1e6);
    return 0;
}

void node_schema_close(struct node *n)
{
    schema_mgr_close(n->schema);
    n->schema = NULL;
    local_node_close(n->local);
    n->local = NULL;
}

/* node_cql: see node_cql.h. */
#include "node/node_cql.h"

#include <sys/resource.h>

#include "node/base/log.h"
#include "node/cql/schema_mgr.h"
#include "node/cql/server.h"
#include "node/node.h"

/* File descriptors kept for everything but client connections (SSTables, commit log, peers). */
#define NODE_CQL_FD_RESERVE 256

#ifdef RINGDB_HAVE_EXEC
static void submit(void *ctx, struct cql_request *r)
{
    exec_submit(ctx, r);
}
#else
/* RINGDB_CQL_NO_EXEC: refuse every statement, saying why. */
static void submit(void *ctx, struct cql_request *r)
{
    (void)ctx;
    r->done_cb(r, errmsg_set(&r->em, ERR_SERVER,
                             "this ringdb was built without the CQL executor "
                             "(RINGDB_CQL_NO_EXEC): statements are not executed"));
}
#endif

/* The connection bound: the server's default, within the process's file descriptor limit. */
static uint32_t connections_max(void)
{
    uint32_t max = CQL_SERVER_CONNECTIONS_DEFAULT;
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
        rlim_t room = rl.rlim_cur > 2 * NODE_CQL_FD_RESERVE ? rl.rlim_cur - NODE_CQL_FD_RESERVE
                                                            : rl.rlim_cur / 2;
        if (room < max) max = (uint32_t)room;
    }
    return max ? max : 1;
}

static void server_config(const struct node *n, struct cql_server_config *c)
{
    const struct config *cfg = n->cfg;
    cql_server_config_default(c);
    c->address = cfg->rpc_address;
    c->port = (uint16_t)cfg->native_transport_port;
    if (c->loops > cfg->native_transport_max_threads) c->loops = cfg->native_transport_max_threads;
    c->connections_max = connections_max();
    uint64_t fmax = cfg->native_transport_max_frame_size_bytes;
    c->frame_body_max = (uint32_t)(fmax > CQLFRAME_BODY_MAX_LIMIT ? CQLFRAME_BODY_MAX_LIMIT : fmax);
    c->submit = submit;
    c->submit_ctx = n->exec;
}

int node_cql_start(struct node *n, struct errmsg *em)
{
#ifdef RINGDB_HAVE_EXEC
    if (!n->exec)
        return errmsg_set(em, ERR_SERVER,
                          "cql server: node/cql/exec.c is built but no phase before \"cql\" created "
                          "the executor (node->exec): add the executor's phase in node.c");
#endif
    bool password = n->cfg->authenticator != CONFIG_AUTH_ALLOW_ALL;
    if (password && !n->auth)
        return errmsg_set(em, ERR_CONFIG,
                          "authenticator: PasswordAuthenticator is not available in this build; "
                          "use AllowAllAuthenticator");
    struct cql_server_config c;
    server_config(n, &c);
    c.auth = password ? n->auth : NULL;
    int rc = cql_server_create(&c, &n->loop, &n->cql, em);
    if (rc != 0) return rc;
    if (n->schema) schema_mgr_set_events(n->schema, cql_server_events(n->cql));
#ifdef RINGDB_HAVE_EXEC
    exec_set_events(n->exec, cql_server_events(n->cql));
#else
    log_warn("cql", "built with RINGDB_CQL_NO_EXEC: every statement is refused");
#endif
    return 0;
}

void node_cql_stop(struct node *n)
{
    if (n->cql) cql_server_stop(n->cql);
}

void node_cql_close(struct node *n)
{
    if (!n->cql) return;
    if (n->schema) schema_mgr_set_events(n->schema, NULL);
#ifdef RINGDB_HAVE_EXEC
    exec_set_events(n->exec, NULL);
#endif
    cql_server_destroy(n->cql);
    n->cql = NULL;
}

/*
 * node: see node.h. The phase table below is the node's start order; adding a service (CQL
 * server, gossip, admin API) means adding one row after "store" with its start/stop/close.
 *
 * Stop sequence: node_request_stop logs "stopping", runs the started phases' stop hooks in
 * reverse (closing their handles) and closes the signal handles; once no handle is left the loop
 * ends, node_run closes the phases in reverse (the store flushes last) and logs "stopped".
 */
#include "node/node.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "node/base/assert.h"
#include "node/base/clock.h"
#include "node/base/log.h"
#include "node/node_auth.h"
#include "node/node_cql.h"
#include "node/node_exec.h"
#include "node/node_schema.h"
#include "node/node_store.h"
#include "node/version.h"

struct node_phase {
    const char *name;
    int (*start)(struct node *n, struct errmsg *em);
    void (*stop)(struct node *n);  /* on the loop: close handles; NULL if none */
    void (*close)(struct node *n); /* after the loop: may block; NULL if nothing */
};

/* Start order. The schema phase (load the catalog, register its tables with the store) goes
   between "store" and "replay"; the CQL server, gossip and the admin API come after "replay". */
static const struct node_phase phases[] = {
    {"store", node_store_open, NULL, node_store_close},
    {"schema", node_schema_start, NULL, node_schema_close},
    {"replay", node_store_replay, NULL, NULL},
    {"auth", node_auth_start, NULL, node_auth_close},
    {"exec", node_exec_start, NULL, node_exec_close},
#if defined(RINGDB_HAVE_EXEC) || defined(RINGDB_CQL_NO_EXEC)
    {"cql", node_cql_start, node_cql_stop, node_cql_close},
#endif
};
#define PHASES_COUNT (sizeof phases / sizeof phases[0])

const char *node_state_name(enum node_state s)
{
    switch (s) {
    case NODE_STARTING:
        return "STARTING";
    case NODE_NORMAL:
        return "NORMAL";
    case NODE_STOPPING:
        return "STOPPING";
    case NODE_STOPPED:
        return "STOPPED";
    }
    return "?";
}

static double ms_since(int64_t t0_ns)
{
    return (double)(clock_mono_ns() - t0_ns) / 1e6;
}

int node_init(struct node *n, const struct config *cfg, const char *config_path, struct errmsg *em)
{
    memset(n, 0, sizeof *n);
    n->created_ns = clock_mono_ns();
    n->cfg = cfg;
    n->config_path = config_path;
    n->state = NODE_STARTING;
    int rc = uv_loop_init(&n->loop);
    if (rc != 0) return errmsg_set(em, rc, "cannot create the event loop: %s", uv_strerror(rc));
    return 0;
}

static void on_signal(uv_signal_t *h, int signum)
{
    struct node *n = h->data;
    node_request_stop(n, signum == SIGTERM ? "SIGTERM" : "SIGINT");
}

static int install_signals(struct node *n, struct errmsg *em)
{
    uv_signal_t *hs[2] = {&n->sig_term, &n->sig_int};
    int nums[2] = {SIGTERM, SIGINT};
    for (int i = 0; i < 2; i++) {
        int rc = uv_signal_init(&n->loop, hs[i]);
        if (rc == 0) {
            n->signals_open = i + 1;
            hs[i]->data = n;
            rc = uv_signal_start(hs[i], on_signal, nums[i]);
        }
        if (rc != 0) return errmsg_set(em, rc, "cannot watch signals: %s", uv_strerror(rc));
    }
    return 0;
}

static void close_signals(struct node *n)
{
    uv_signal_t *hs[2] = {&n->sig_term, &n->sig_int};
    for (int i = 0; i < n->signals_open; i++)
        if (!uv_is_closing((uv_handle_t *)hs[i])) uv_close((uv_handle_t *)hs[i], NULL);
}

/* Runs the close hooks of the started phases, newest first. */
static void close_phases(struct node *n)
{
    while (n->phases_started > 0) {
        const struct node_phase *ph = &phases[--n->phases_started];
        if (ph->close) ph->close(n);
    }
}

static void log_starting(const struct node *n)
{
    const struct config *c = n->cfg;
    log_info("node",
             "starting version=%s config=%s pid=%d cluster_name='%s' "
             "listen_address=%s rpc_address=%s native_transport_port=%u storage_port=%u "
             "num_tokens=%u",
             RINGDB_VERSION, n->config_path, (int)getpid(), c->cluster_name, c->listen_address,
             c->rpc_address, c->native_transport_port, c->storage_port, c->num_tokens);
}

int node_start(struct node *n, struct errmsg *em)
{
    ASSERT(n->state == NODE_STARTING && n->phases_started == 0);
    log_starting(n);
    int rc = install_signals(n, em);
    for (size_t i = 0; rc == 0 && i < PHASES_COUNT; i++) {
        rc = phases[i].start(n, em);
        if (rc == 0)
            n->phases_started = i + 1;
        else
            log_error("node", "start failed phase=%s: %s", phases[i].name, em ? em->text : "");
    }
    if (rc != 0) {
        n->state = NODE_STOPPING;
        for (size_t i = n->phases_started; i-- > 0;)
            if (phases[i].stop) phases[i].stop(n);
        close_signals(n);
        uv_run(&n->loop, UV_RUN_DEFAULT); /* let the closed handles finish closing */
        close_phases(n);
        n->state = NODE_STOPPED;
        log_info("node", "stopped state=%s after a failed start", node_state_name(n->state));
        return rc;
    }
    n->state = NODE_NORMAL;
    log_info("node", "started state=%s startup_ms=%.1f", node_state_name(n->state),
             ms_since(n->created_ns));
    return 0;
}

void node_request_stop(struct node *n, const char *reason)
{
    if (n->state != NODE_NORMAL) {
        log_info("node", "stop already in progress; ignoring %s", reason);
        return;
    }
    n->state = NODE_STOPPING;
    n->stop_ns = clock_mono_ns();
    log_info("node", "stopping reason=%s state=%s", reason, node_state_name(n->state));
    for (size_t i = n->phases_started; i-- > 0;)
        if (phases[i].stop) phases[i].stop(n);
    close_signals(n);
}

int node_run(struct node *n)
{
    ASSERT(n->state == NODE_NORMAL);
    int64_t started_ns = clock_mono_ns();
    uv_run(&n->loop, UV_RUN_DEFAULT); /* returns once every handle is closed */
    ASSERT(n->state == NODE_STOPPING);
    close_phases(n);
    n->state = NODE_STOPPED;
    log_info("node", "stopped state=%s uptime_s=%.1f shutdown_ms=%.1f", node_state_name(n->state),
             (double)(clock_mono_ns() - started_ns) / 1e9, ms_since(n->stop_ns));
    return n->exit_code;
}

void node_deinit(struct node *n)
{
    if (!n) return;
    int rc = uv_loop_close(&n->loop);
    if (rc != 0) log_error("node", "event loop closed with handles open: %s", uv_strerror(rc));
}

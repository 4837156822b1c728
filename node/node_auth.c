/* node_auth: see node_auth.h. */
#include "node/node_auth.h"

#include <stdlib.h>

#include "node/base/clock.h"
#include "node/base/mem.h"
#include "node/base/log.h"
#include "node/cql/auth_mgr.h"
#include "node/cql/catalog.h"
#include "node/cql/schema_mgr.h"
#include "node/node.h"

static const char *authenticator_name(enum config_authenticator a)
{
    return a == CONFIG_AUTH_PASSWORD ? "PasswordAuthenticator" : "AllowAllAuthenticator";
}

static const char *authorizer_name(enum config_authorizer a)
{
    return a == CONFIG_AUTHZ_CASSANDRA ? "CassandraAuthorizer" : "AllowAllAuthorizer";
}

/* auth_schema_has_cb over the schema manager (any thread). */
static bool schema_has(void *ctx, const char *keyspace, const char *table)
{
    struct catalog *c = schema_mgr_current(ctx);
    bool has = table ? catalog_table(c, keyspace, table) != NULL
                     : catalog_keyspace(c, keyspace) != NULL;
    catalog_unref(c);
    return has;
}

/* The default role's setup on libuv's thread pool; its completion on the node's loop. */
struct setup_job {
    uv_work_t req; /* req.data = the auth manager */
    int64_t submitted_ns;
    int rc;
    bool created;
    struct errmsg em;
};

static void setup_work(uv_work_t *req)
{
    struct setup_job *j = (struct setup_job *)req;
    errmsg_clear(&j->em);
    j->rc = auth_mgr_setup(req->data, &j->created, &j->em);
}

static void setup_done(uv_work_t *req, int status)
{
    struct setup_job *j = (struct setup_job *)req;
    double ms = (double)(clock_mono_ns() - j->submitted_ns) / 1e6;
    if (status != 0)
        log_error("auth", "default role setup not run: %s", uv_strerror(status));
    else if (j->rc != 0)
        log_error("auth", "default role setup failed ms=%.1f: %s", ms, j->em.text);
    else
        log_info("auth", "default role setup done default_role_created=%s ms=%.1f",
                 j->created ? "yes" : "no", ms);
    free(j);
}

/* Queued before the CQL server exists: the pool runs jobs in order, so no login job that
   waits for the setup can hold every pool thread while the setup itself is still queued. The
   loop does not end while the job is in flight, so the close hook runs after it. */
static int submit_setup(struct node *n, struct errmsg *em)
{
    struct setup_job *j = xcalloc(1, sizeof *j);
    j->req.data = n->auth_mgr;
    j->submitted_ns = clock_mono_ns();
    auth_mgr_setup_pending(n->auth_mgr);
    int rc = uv_queue_work(&n->loop, &j->req, setup_work, setup_done);
    if (rc != 0) {
        free(j);
        bool created;
        return auth_mgr_setup(n->auth_mgr, &created, em); /* ends the pending state too */
    }
    return 0;
}

int node_auth_start(struct node *n, struct errmsg *em)
{
    struct auth_mgr_config c;
    auth_mgr_config_defaults(&c);
    c.authenticator = n->cfg->authenticator;
    c.authorizer = n->cfg->authorizer;
    if (n->schema) {
        c.schema_has = schema_has;
        c.schema_ctx = n->schema;
    }
    int rc = auth_mgr_create(&c, n->store, &n->auth_mgr, em);
    if (rc != 0) return rc;
    rc = submit_setup(n, em);
    if (rc != 0) {
        node_auth_close(n); /* a failed phase is not closed by node.c */
        return rc;
    }
    log_info("auth",
             "ready authenticator=%s authorizer=%s role_manager=CassandraRoleManager "
             "default_role_setup=background",
             authenticator_name(c.authenticator), authorizer_name(c.authorizer));
    n->auth = auth_mgr_authenticator(n->auth_mgr);
    return 0;
}

void node_auth_close(struct node *n)
{
    n->auth = NULL;
    auth_mgr_destroy(n->auth_mgr);
    n->auth_mgr = NULL;
}

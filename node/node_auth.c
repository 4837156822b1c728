/* node_auth: see node_auth.h. */
#include "node/node_auth.h"

#include "node/base/clock.h"
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
    int64_t t0 = clock_mono_ns();
    int rc = auth_mgr_create(&c, n->store, &n->auth_mgr, em);
    bool created = false;
    if (rc != 0) return rc;
    rc = auth_mgr_setup(n->auth_mgr, &created, em);
    if (rc != 0) {
        node_auth_close(n); /* a failed phase is not closed by node.c */
        return rc;
    }
    log_info("auth",
             "ready authenticator=%s authorizer=%s role_manager=CassandraRoleManager "
             "default_role_created=%s setup_ms=%.1f",
             authenticator_name(c.authenticator), authorizer_name(c.authorizer),
             created ? "yes" : "no", (double)(clock_mono_ns() - t0) / 1e6);
    n->auth = auth_mgr_authenticator(n->auth_mgr);
    return 0;
}

void node_auth_close(struct node *n)
{
    n->auth = NULL;
    auth_mgr_destroy(n->auth_mgr);
    n->auth_mgr = NULL;
}

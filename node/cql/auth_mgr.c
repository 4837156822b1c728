/* auth_mgr: see auth_mgr.h. */
#include "node/cql/auth_mgr.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "node/base/log.h"
#include "node/base/mem.h"
#include "node/cql/auth_password.h"

struct auth_mgr {
    struct auth_mgr_config cfg;
    struct auth_roles *roles;
    struct auth_perms *perms;
    struct auth_password password; /* used only with PasswordAuthenticator */
    pthread_mutex_t setup_mu;     /* guards is_setup_pending */
    pthread_cond_t setup_cv;      /* broadcast when a pending setup ends (CLOCK_MONOTONIC) */
    bool is_setup_pending;
};

/* auth_password's wait_ready_fn. */
static bool roles_ready(void *ctx)
{
    return auth_mgr_wait_setup(ctx, AUTH_SETUP_WAIT_MS);
}

void auth_mgr_config_defaults(struct auth_mgr_config *c)
{
    memset(c, 0, sizeof *c);
    c->authenticator = CONFIG_AUTH_ALLOW_ALL;
    c->authorizer = CONFIG_AUTHZ_ALLOW_ALL;
    c->roles_validity_ms = AUTH_ROLES_VALIDITY_MS_DEFAULT;
    c->hash = (struct auth_hash_params){AUTH_HASH_OPS_DEFAULT, AUTH_HASH_MEM_DEFAULT_BYTES};
}

int auth_mgr_create(const struct auth_mgr_config *c, struct store *st, struct auth_mgr **out,
                    struct errmsg *em)
{
    if (c->authenticator == CONFIG_AUTH_ALLOW_ALL && c->authorizer != CONFIG_AUTHZ_ALLOW_ALL)
        return errmsg_set(em, ERR_CONFIG,
                          "AllowAllAuthenticator can't be used with CassandraAuthorizer");
    int rc = auth_hash_init(em);
    if (rc != 0) return rc;
    struct auth_mgr *m = xcalloc(1, sizeof *m);
    m->cfg = *c;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&m->setup_cv, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&m->setup_mu, NULL);
    rc = auth_roles_open(st, c->roles_validity_ms, &m->roles, em);
    if (rc == 0) rc = auth_perms_open(st, &m->perms, em);
    if (rc != 0) {
        auth_mgr_destroy(m);
        return rc;
    }
    auth_password_init(&m->password, m->roles, &c->hash);
    m->password.wait_ready_fn = roles_ready;
    m->password.ready_ctx = m;
    *out = m;
    return 0;
}

void auth_mgr_destroy(struct auth_mgr *m)
{
    if (!m) return;
    auth_perms_close(m->perms);
    auth_roles_close(m->roles);
    pthread_cond_destroy(&m->setup_cv);
    pthread_mutex_destroy(&m->setup_mu);
    free(m);
}

static int create_default_role(struct auth_mgr *m, bool *created, struct errmsg *em)
{
    bool any;
    int rc = auth_roles_any(m->roles, &any, em);
    if (rc != 0 || any) return rc;
    char hash[AUTH_HASH_MAX];
    rc = auth_hash_password(&m->cfg.hash, (const uint8_t *)AUTH_DEFAULT_PASSWORD,
                            strlen(AUTH_DEFAULT_PASSWORD), hash, em);
    if (rc != 0) return rc;
    struct auth_role_change ch = {.name = AUTH_DEFAULT_SUPERUSER,
                                  .is_insert = true,
                                  .is_superuser = 1,
                                  .can_login = 1,
                                  .salted_hash = hash};
    store_pos pos = 0;
    rc = auth_roles_put(m->roles, &ch, &pos, em);
    if (rc == 0) rc = auth_roles_wait(m->roles, pos, em);
    if (rc != 0) return rc;
    *created = true;
    log_warn("auth",
             "created the default superuser role '%s' with password '%s': create a superuser of "
             "your own and drop it, or change its password (ALTER ROLE %s WITH PASSWORD = '...')",
             AUTH_DEFAULT_SUPERUSER, AUTH_DEFAULT_PASSWORD, AUTH_DEFAULT_SUPERUSER);
    return 0;
}

int auth_mgr_setup(struct auth_mgr *m, bool *created, struct errmsg *em)
{
    *created = false;
    int rc = create_default_role(m, created, em);
    pthread_mutex_lock(&m->setup_mu);
    m->is_setup_pending = false;
    pthread_cond_broadcast(&m->setup_cv);
    pthread_mutex_unlock(&m->setup_mu);
    return rc;
}

void auth_mgr_setup_pending(struct auth_mgr *m)
{
    pthread_mutex_lock(&m->setup_mu);
    m->is_setup_pending = true;
    pthread_mutex_unlock(&m->setup_mu);
}

bool auth_mgr_wait_setup(struct auth_mgr *m, uint32_t timeout_ms)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += (time_t)(timeout_ms / 1000);
    until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&m->setup_mu);
    int rc = 0;
    while (m->is_setup_pending && rc == 0)
        rc = pthread_cond_timedwait(&m->setup_cv, &m->setup_mu, &until);
    bool ready = !m->is_setup_pending;
    pthread_mutex_unlock(&m->setup_mu);
    return ready;
}

struct auth *auth_mgr_authenticator(struct auth_mgr *m)
{
    return m->cfg.authenticator == CONFIG_AUTH_PASSWORD ? &m->password.base : NULL;
}

const struct auth_mgr_config *auth_mgr_config(const struct auth_mgr *m)
{
    return &m->cfg;
}

struct auth_roles *auth_mgr_roles(struct auth_mgr *m)
{
    return m->roles;
}

struct auth_perms *auth_mgr_perms(struct auth_mgr *m)
{
    return m->perms;
}

/* auth_mgr: see auth_mgr.h. */
#include "node/cql/auth_mgr.h"

#include <stdlib.h>
#include <string.h>

#include "node/base/log.h"
#include "node/base/mem.h"
#include "node/cql/auth_password.h"

struct auth_mgr {
    struct auth_mgr_config cfg;
    struct auth_roles *roles;
    struct auth_perms *perms;
    struct auth_password password; /* used only with PasswordAuthenticator */
};

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
    rc = auth_roles_open(st, c->roles_validity_ms, &m->roles, em);
    if (rc == 0) rc = auth_perms_open(st, &m->perms, em);
    if (rc != 0) {
        auth_mgr_destroy(m);
        return rc;
    }
    auth_password_init(&m->password, m->roles, &c->hash);
    *out = m;
    return 0;
}

void auth_mgr_destroy(struct auth_mgr *m)
{
    if (!m) return;
    auth_perms_close(m->perms);
    auth_roles_close(m->roles);
    free(m);
}

int auth_mgr_setup(struct auth_mgr *m, bool *created, struct errmsg *em)
{
    *created = false;
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

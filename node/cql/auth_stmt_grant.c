/* auth_stmt_grant: see auth_stmt_grant.h. */
#include "node/cql/auth_stmt_grant.h"

#include <string.h>

static int doesnt_exist(struct auth_job *j, const char *name)
{
    return errmsg_set(&j->r->em, ERR_INVALID, "%s doesn't exist", name);
}

int auth_stmt_grant_role(struct auth_job *j)
{
    const struct ast_grant_role *g = &j->s->u.grant_role;
    bool is_grant = j->s->kind == AST_GRANT_ROLE;
    /* checkAccess: AUTHORIZE on the role being granted */
    struct auth_resource res = {.kind = AST_RES_ROLE, .name = g->role};
    int rc = auth_stmt_check_perm(j, AST_PERM_AUTHORIZE, &res, true);
    /* validate */
    if (rc == 0) rc = auth_stmt_not_anonymous(j);
    bool exists = false;
    if (rc == 0) rc = auth_stmt_role_exists(j, g->role, &exists);
    if (rc != 0) return rc;
    if (!exists) return doesnt_exist(j, g->role);
    rc = auth_stmt_role_exists(j, g->grantee, &exists);
    if (rc != 0) return rc;
    if (!exists) return doesnt_exist(j, g->grantee);
    /* execute */
    struct auth_role *roles;
    uint32_t n;
    if (is_grant) {
        rc = auth_stmt_roles_of(j, g->grantee, true, &roles, &n, NULL);
        if (rc == 0 && auth_stmt_roles_contain(roles, n, g->role))
            return errmsg_set(&j->r->em, ERR_INVALID, "%s is a member of %s", g->grantee,
                              g->role);
        if (rc == 0) rc = auth_stmt_roles_of(j, g->role, true, &roles, &n, NULL);
        if (rc == 0 && auth_stmt_roles_contain(roles, n, g->grantee))
            return errmsg_set(&j->r->em, ERR_INVALID, "%s is a member of %s", g->role,
                              g->grantee);
    } else {
        rc = auth_stmt_roles_of(j, g->grantee, false, &roles, &n, NULL);
        if (rc == 0 && !auth_stmt_roles_contain(roles, n, g->role))
            return errmsg_set(&j->r->em, ERR_INVALID, "%s is not a member of %s", g->grantee,
                              g->role);
    }
    if (rc == 0)
        rc = auth_roles_grant(auth_mgr_roles(j->m), g->role, g->grantee, is_grant, &j->pos,
                              &j->r->em);
    return rc != 0 ? rc : auth_stmt_void(j);
}

int auth_stmt_grant_resource_exists(struct auth_job *j, const struct auth_resource *res,
                                    const char *prefix)
{
    const struct auth_mgr_config *c = auth_mgr_config(j->m);
    bool exists = true;
    int rc = 0;
    switch (res->kind) {
    case AST_RES_KEYSPACE:
    case AST_RES_ALL_FUNCTIONS_IN_KEYSPACE:
        exists = !c->schema_has || c->schema_has(c->schema_ctx, res->keyspace, NULL);
        break;
    case AST_RES_TABLE:
        exists = !c->schema_has || c->schema_has(c->schema_ctx, res->keyspace, res->name);
        break;
    case AST_RES_ROLE: rc = auth_stmt_role_exists(j, res->name, &exists); break;
    case AST_RES_FUNCTION:
    case AST_RES_MBEAN:
    case AST_RES_MBEANS: exists = false; break;
    default: break;
    }
    if (rc != 0 || exists) return rc;
    return errmsg_set(&j->r->em, ERR_INVALID, "%s%s doesn't exist", prefix,
                      auth_resource_display(res, j->a));
}

/* PermissionsManagementStatement.checkAccess: AUTHORIZE, then every permission named. */
static int perms_access(struct auth_job *j, const struct auth_resource *res, uint32_t perms)
{
    int rc = auth_stmt_check_perm(j, AST_PERM_AUTHORIZE, res, false);
    for (uint32_t i = 0; rc == 0 && i < AUTH_PERMS_COUNT; i++)
        if (perms & (1u << i)) rc = auth_stmt_check_perm(j, 1u << i, res, false);
    return rc;
}

/* PermissionsManagementStatement.validate; the resource is completed with the session's
   keyspace here unless checkAccess needed it first (*res_ready). */
static int perms_validate(struct auth_job *j, struct auth_resource *res, bool res_ready)
{
    const struct ast_permissions *pm = &j->s->u.perms;
    int rc = auth_stmt_not_anonymous(j);
    bool exists = false;
    if (rc == 0) rc = auth_stmt_role_exists(j, pm->role, &exists);
    if (rc != 0) return rc;
    if (!exists) return errmsg_set(&j->r->em, ERR_INVALID, "Role %s doesn't exist", pm->role);
    if (!res_ready) rc = auth_resource_from_ast(&pm->resource, j->keyspace, j->a, res, &j->r->em);
    if (rc != 0) return rc;
    if (res->kind == AST_RES_FUNCTION && strcmp(res->keyspace, "system") == 0)
        return errmsg_set(&j->r->em, ERR_INVALID,
                          "Altering permissions on builtin functions is not supported");
    const char *name = auth_resource_name(res, j->a);
    if (strlen(name) > AUTH_KEY_MAX)
        return errmsg_set(&j->r->em, ERR_INVALID, "Resource name is too long");
    return auth_stmt_grant_resource_exists(j, res, "Resource ");
}

int auth_stmt_grant_perms(struct auth_job *j)
{
    const struct ast_permissions *pm = &j->s->u.perms;
    bool is_grant = j->s->kind == AST_GRANT_PERMISSIONS;
    bool allow_all = auth_mgr_config(j->m)->authorizer == CONFIG_AUTHZ_ALLOW_ALL;
    struct auth_resource res;
    int rc = 0;
    /* checkAccess (only CassandraAuthorizer checks anything, and it needs the resource) */
    if (!allow_all) {
        rc = auth_resource_from_ast(&pm->resource, j->keyspace, j->a, &res, &j->r->em);
        if (rc == 0) rc = perms_access(j, &res, pm->perms);
    }
    if (rc == 0) rc = perms_validate(j, &res, !allow_all);
    if (rc != 0) return rc;
    if (allow_all)
        return errmsg_set(&j->r->em, ERR_INVALID, "%s operation is not supported by "
                                                  "AllowAllAuthorizer",
                          is_grant ? "GRANT" : "REVOKE");
    uint32_t changed;
    struct auth_perms *p = auth_mgr_perms(j->m);
    const char *name = auth_resource_name(&res, j->a);
    if (is_grant)
        rc = auth_perms_grant(p, pm->role, name, pm->perms, &changed, &j->pos, &j->r->em);
    else
        rc = auth_perms_revoke(p, pm->role, name, pm->perms, &changed, &j->pos, &j->r->em);
    return rc != 0 ? rc : auth_stmt_void(j);
}

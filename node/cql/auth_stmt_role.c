/* auth_stmt_role: see auth_stmt_role.h. */
#include "node/cql/auth_stmt_role.h"

#include <sodium.h>
#include <string.h>

#include "node/cql/auth_hash.h"

/* IRoleManager.Option, in its enum order (the order options are validated in). */
enum role_option { OPT_SUPERUSER, OPT_PASSWORD, OPT_LOGIN, OPT_OPTIONS, OPT_HASHED, OPT_COUNT };
static const char *const option_names[OPT_COUNT] = {"SUPERUSER", "PASSWORD", "LOGIN", "OPTIONS",
                                                    "HASHED_PASSWORD"};

struct role_opts {
    int8_t superuser; /* enum ast_tristate */
    int8_t login;
    const char *password;
    const char *hashed;
    bool has_options;
    bool has_dcs;
};

static void opts_from_ast(const struct ast_stmt *s, struct role_opts *o)
{
    const struct ast_role_opts *in = &s->u.role.opts;
    *o = (struct role_opts){.superuser = in->superuser,
                            .login = in->login,
                            .password = in->password,
                            .hashed = in->hashed_password,
                            .has_options = in->options != NULL,
                            .has_dcs = in->has_dcs};
    if (s->kind == AST_CREATE_USER) {
        o->login = AST_TRUE;
        if (o->superuser == AST_UNSET) o->superuser = AST_FALSE;
    }
}

static bool opt_set(const struct role_opts *o, enum role_option opt)
{
    switch (opt) {
    case OPT_SUPERUSER: return o->superuser != AST_UNSET;
    case OPT_PASSWORD: return o->password != NULL;
    case OPT_LOGIN: return o->login != AST_UNSET;
    case OPT_OPTIONS: return o->has_options;
    case OPT_HASHED: return o->hashed != NULL;
    default: return false;
    }
}

static bool has_password_auth(const struct auth_job *j)
{
    return auth_mgr_config(j->m)->authenticator == CONFIG_AUTH_PASSWORD;
}

/* CassandraRoleManager.supportedOptions / alterableOptions */
static bool opt_supported(const struct auth_job *j, enum role_option opt)
{
    if (opt == OPT_LOGIN || opt == OPT_SUPERUSER) return true;
    return (opt == OPT_PASSWORD || opt == OPT_HASHED) && has_password_auth(j);
}

static bool opt_alterable(const struct auth_job *j, enum role_option opt)
{
    return (opt == OPT_PASSWORD || opt == OPT_HASHED) && has_password_auth(j);
}

/* RoleOptions.validate */
static int validate_opts(struct auth_job *j, const struct role_opts *o)
{
    for (int i = 0; i < OPT_COUNT; i++)
        if (opt_set(o, (enum role_option)i) && !opt_supported(j, (enum role_option)i))
            return errmsg_set(&j->r->em, ERR_INVALID,
                              "org.apache.cassandra.auth.CassandraRoleManager doesn't support %s",
                              option_names[i]);
    if (o->hashed && !auth_hash_is_valid(o->hashed))
        return errmsg_set(&j->r->em, ERR_INVALID,
                          "Invalid hashed password value. Please use an Argon2id hash string "
                          "($argon2id$v=19$m=...,t=...,p=...$salt$hash)");
    if (o->password && strlen(o->password) > AUTH_PASSWORD_MAX)
        return errmsg_set(&j->r->em, ERR_INVALID, "Password is too long (more than %d bytes)",
                          AUTH_PASSWORD_MAX);
    return 0;
}

static bool opts_empty(const struct role_opts *o)
{
    for (int i = 0; i < OPT_COUNT; i++)
        if (opt_set(o, (enum role_option)i)) return false;
    return !o->has_dcs;
}

static int unauthorized(struct auth_job *j, const char *msg)
{
    return errmsg_set(&j->r->em, ERR_UNAUTHORIZED, "%s", msg);
}

/* The role change for the options; the password is hashed into hash. */
static int build_change(struct auth_job *j, const char *name, const struct role_opts *o,
                        bool is_insert, char hash[AUTH_HASH_MAX], struct auth_role_change *c)
{
    *c = (struct auth_role_change){.name = name,
                                   .is_insert = is_insert,
                                   .is_superuser = o->superuser,
                                   .can_login = o->login,
                                   .salted_hash = o->hashed};
    if (is_insert) {
        /* INSERT writes both flags: options.getSuperuser().or(false) */
        if (c->is_superuser < 0) c->is_superuser = 0;
        if (c->can_login < 0) c->can_login = 0;
    }
    if (o->password) {
        int rc = auth_hash_password(&auth_mgr_config(j->m)->hash, (const uint8_t *)o->password,
                                    strlen(o->password), hash, &j->r->em);
        if (rc != 0) return rc;
        c->salted_hash = hash;
    }
    return 0;
}

/* CreateRoleStatement.grantPermissionsToCreator (CassandraAuthorizer only). */
static int grant_to_creator(struct auth_job *j, const char *name)
{
    if (auth_mgr_config(j->m)->authorizer != CONFIG_AUTHZ_CASSANDRA || auth_stmt_is_anonymous(j))
        return 0;
    struct auth_resource res = {.kind = AST_RES_ROLE, .name = name};
    uint32_t added;
    return auth_perms_grant(auth_mgr_perms(j->m), j->user, auth_resource_name(&res, j->a),
                            ast_resource_perms(AST_RES_ROLE), &added, &j->pos, &j->r->em);
}

static int create_validate(struct auth_job *j, const struct role_opts *o, bool *exists)
{
    const struct ast_role_stmt *rs = &j->s->u.role;
    int rc = validate_opts(j, o);
    if (rc != 0) return rc;
    if (!*rs->name)
        return errmsg_set(&j->r->em, ERR_INVALID, "Role name can't be an empty string");
    if (strlen(rs->name) > AUTH_NAME_MAX)
        return errmsg_set(&j->r->em, ERR_INVALID, "Role name is too long (more than %d bytes)",
                          AUTH_NAME_MAX);
    rc = auth_stmt_not_anonymous(j);
    if (rc == 0) rc = auth_stmt_role_exists(j, rs->name, exists);
    if (rc == 0 && *exists && !rs->if_cond)
        return errmsg_set(&j->r->em, ERR_INVALID, "%s already exists", rs->name);
    return rc;
}

int auth_stmt_role_create(struct auth_job *j)
{
    const struct ast_role_stmt *rs = &j->s->u.role;
    struct role_opts o;
    opts_from_ast(j->s, &o);
    /* checkAccess */
    struct auth_resource root = {.kind = AST_RES_ALL_ROLES};
    int rc = auth_stmt_check_perm(j, AST_PERM_CREATE, &root, true);
    if (rc == 0 && o.superuser == AST_TRUE) {
        rc = auth_stmt_load_user(j);
        if (rc == 0 && !j->user_super)
            return unauthorized(j, "Only superusers can create a role with superuser status");
    }
    /* validate */
    bool exists = false;
    if (rc == 0) rc = create_validate(j, &o, &exists);
    if (rc != 0) return rc;
    /* execute */
    if (exists) return auth_stmt_void(j);
    char hash[AUTH_HASH_MAX];
    struct auth_role_change c;
    rc = build_change(j, rs->name, &o, true, hash, &c);
    if (rc == 0) rc = auth_roles_put(auth_mgr_roles(j->m), &c, &j->pos, &j->r->em);
    sodium_memzero(hash, sizeof hash);
    if (rc == 0) rc = grant_to_creator(j, rs->name);
    return rc != 0 ? rc : auth_stmt_void(j);
}

/* AlterRoleStatement.checkAccess */
static int alter_access(struct auth_job *j, const struct role_opts *o)
{
    const char *name = j->s->u.role.name;
    int rc = auth_stmt_load_user(j);
    if (rc != 0) return rc;
    bool super = j->user_super;
    if (o->superuser != AST_UNSET && auth_stmt_user_has_role(j, name))
        return unauthorized(j, "You aren't allowed to alter your own superuser status or that of "
                               "a role granted to you");
    if (o->superuser != AST_UNSET && !super)
        return unauthorized(j, "Only superusers are allowed to alter superuser status");
    if (o->has_dcs && !super)
        return unauthorized(j, "Only superusers are allowed to alter access to datacenters.");
    if (super) return 0;
    if (!auth_stmt_is_anonymous(j) && strcmp(j->user, name) == 0) {
        for (int i = 0; i < OPT_COUNT; i++)
            if (opt_set(o, (enum role_option)i) && !opt_alterable(j, (enum role_option)i))
                return errmsg_set(&j->r->em, ERR_UNAUTHORIZED, "You aren't allowed to alter %s",
                                  option_names[i]);
        return 0;
    }
    struct auth_resource res = {.kind = AST_RES_ROLE, .name = name};
    return auth_stmt_check_perm(j, AST_PERM_ALTER, &res, true);
}

int auth_stmt_role_alter(struct auth_job *j)
{
    const struct ast_role_stmt *rs = &j->s->u.role;
    struct role_opts o;
    opts_from_ast(j->s, &o);
    int rc = alter_access(j, &o);
    if (rc == 0) rc = validate_opts(j, &o);
    if (rc != 0) return rc;
    if (opts_empty(&o))
        return errmsg_set(&j->r->em, ERR_INVALID, "ALTER [ROLE|USER] can't be empty");
    bool exists = false;
    rc = auth_stmt_not_anonymous(j);
    if (rc == 0) rc = auth_stmt_role_exists(j, rs->name, &exists);
    if (rc != 0) return rc;
    if (!exists && !rs->if_cond)
        return errmsg_set(&j->r->em, ERR_INVALID, "%s doesn't exist", rs->name);
    if (!exists) return auth_stmt_void(j);
    char hash[AUTH_HASH_MAX];
    struct auth_role_change c;
    rc = build_change(j, rs->name, &o, false, hash, &c);
    bool changes = c.is_superuser >= 0 || c.can_login >= 0 || c.salted_hash;
    if (rc == 0 && changes) rc = auth_roles_put(auth_mgr_roles(j->m), &c, &j->pos, &j->r->em);
    sodium_memzero(hash, sizeof hash);
    return rc != 0 ? rc : auth_stmt_void(j);
}

int auth_stmt_role_drop(struct auth_job *j)
{
    const struct ast_role_stmt *rs = &j->s->u.role;
    /* checkAccess */
    struct auth_resource res = {.kind = AST_RES_ROLE, .name = rs->name};
    int rc = auth_stmt_check_perm(j, AST_PERM_DROP, &res, true);
    bool exists = false;
    if (rc == 0) rc = auth_stmt_role_exists(j, rs->name, &exists);
    if (rc == 0 && exists) {
        struct auth_role *tree;
        uint32_t n;
        bool super = false;
        rc = auth_stmt_roles_of(j, rs->name, true, &tree, &n, &super);
        if (rc == 0 && super) rc = auth_stmt_load_user(j);
        if (rc == 0 && super && !j->user_super)
            return unauthorized(j, "Only superusers can drop a role with superuser status");
    }
    /* validate */
    if (rc == 0) rc = auth_stmt_not_anonymous(j);
    if (rc != 0) return rc;
    if (!exists && !rs->if_cond)
        return errmsg_set(&j->r->em, ERR_INVALID, "%s doesn't exist", rs->name);
    if (strcmp(j->user, rs->name) == 0)
        return errmsg_set(&j->r->em, ERR_INVALID, "Cannot DROP primary role for current login");
    /* execute */
    if (!exists) return auth_stmt_void(j);
    rc = auth_roles_drop(auth_mgr_roles(j->m), rs->name, &j->pos, &j->r->em);
    if (rc == 0 && auth_mgr_config(j->m)->authorizer == CONFIG_AUTHZ_CASSANDRA) {
        struct auth_perms *p = auth_mgr_perms(j->m);
        rc = auth_perms_revoke_all_from(p, rs->name, &j->pos, &j->r->em);
        if (rc == 0)
            rc = auth_perms_revoke_all_on(p, auth_resource_name(&res, j->a), &j->pos, &j->r->em);
    }
    return rc != 0 ? rc : auth_stmt_void(j);
}

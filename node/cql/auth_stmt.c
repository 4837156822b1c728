/*
 * auth_stmt: see auth_stmt.h. This file holds the job (copy of the session, thread-pool round
 * trip), the dispatch and what the statements share: who the user is, ensureNotAnonymous and
 * ensurePermission. The statements live in auth_stmt_role.c (CREATE/ALTER/DROP),
 * auth_stmt_grant.c (GRANT/REVOKE) and auth_stmt_list.c (LIST).
 */
#include "node/cql/auth_stmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/base/assert.h"
#include "node/base/mem.h"
#include "node/cql/auth_stmt_grant.h"
#include "node/cql/auth_stmt_list.h"
#include "node/cql/auth_stmt_role.h"
#include "node/cqlproto/cqlresp.h"

bool auth_stmt_handles(enum ast_stmt_kind kind)
{
    switch (kind) {
    case AST_CREATE_ROLE:
    case AST_ALTER_ROLE:
    case AST_DROP_ROLE:
    case AST_CREATE_USER:
    case AST_ALTER_USER:
    case AST_DROP_USER:
    case AST_LIST_ROLES:
    case AST_LIST_USERS:
    case AST_GRANT_ROLE:
    case AST_REVOKE_ROLE:
    case AST_GRANT_PERMISSIONS:
    case AST_REVOKE_PERMISSIONS:
    case AST_LIST_PERMISSIONS: return true;
    default: return false;
    }
}

static int dispatch(struct auth_job *j)
{
    switch (j->s->kind) {
    case AST_CREATE_ROLE:
    case AST_CREATE_USER: return auth_stmt_role_create(j);
    case AST_ALTER_ROLE:
    case AST_ALTER_USER: return auth_stmt_role_alter(j);
    case AST_DROP_ROLE:
    case AST_DROP_USER: return auth_stmt_role_drop(j);
    case AST_LIST_ROLES:
    case AST_LIST_USERS: return auth_stmt_list_roles(j);
    case AST_LIST_PERMISSIONS: return auth_stmt_list_perms(j);
    case AST_GRANT_ROLE:
    case AST_REVOKE_ROLE: return auth_stmt_grant_role(j);
    case AST_GRANT_PERMISSIONS:
    case AST_REVOKE_PERMISSIONS: return auth_stmt_grant_perms(j);
    default: break;
    }
    return errmsg_set(&j->r->em, ERR_SERVER, "not an authentication statement");
}

int auth_stmt_run(struct auth_job *j)
{
    /* After the default role's setup, as Cassandra (a CREATE ROLE before it would keep the
       default superuser from being created). */
    if (!auth_mgr_wait_setup(j->m, AUTH_SETUP_WAIT_MS))
        return errmsg_set(&j->r->em, ERR_SERVER,
                          "the default role is still being set up; try again");
    int rc = dispatch(j);
    /* Whatever was written is durable before the client hears of it (or of the error). */
    int wrc = auth_roles_wait(auth_mgr_roles(j->m), j->pos, rc == 0 ? &j->r->em : NULL);
    return rc != 0 ? rc : wrc;
}

static void job_work(struct evloop_work *w)
{
    struct auth_job *j = (struct auth_job *)w;
    j->status = auth_stmt_run(j);
}

static void job_done(struct evloop_work *w)
{
    struct auth_job *j = (struct auth_job *)w;
    struct cql_request *r = j->r;
    int rc = j->status;
    free(j);
    r->done_cb(r, rc);
}

void auth_stmt_execute(struct auth_mgr *m, struct cql_request *r, const struct ast_stmt *s)
{
    ASSERT(auth_stmt_handles(s->kind));
    struct auth_job *j = xcalloc(1, sizeof *j);
    j->m = m;
    j->r = r;
    j->s = s;
    j->a = r->arena;
    j->version = r->session->version;
    snprintf(j->user, sizeof j->user, "%s", r->session->role);
    snprintf(j->keyspace, sizeof j->keyspace, "%s", r->session->keyspace);
    j->work.loop = r->loop;
    j->work.work_fn = job_work;
    j->work.done_fn = job_done;
    evloop_work(&j->work);
}

/* ---- shared checks ---- */

bool auth_stmt_is_anonymous(const struct auth_job *j)
{
    return j->user[0] == '\0';
}

int auth_stmt_not_anonymous(struct auth_job *j)
{
    if (!auth_stmt_is_anonymous(j)) return 0;
    return errmsg_set(&j->r->em, ERR_UNAUTHORIZED,
                      "You have to be logged in and not anonymous to perform this request");
}

int auth_stmt_roles_of(struct auth_job *j, const char *role, bool recursive,
                       struct auth_role **out, uint32_t *n, bool *any_super)
{
    return auth_roles_tree(auth_mgr_roles(j->m), role, recursive, j->a, out, n, any_super,
                           &j->r->em);
}

int auth_stmt_load_user(struct auth_job *j)
{
    if (j->user_loaded) return 0;
    if (!auth_stmt_is_anonymous(j)) {
        int rc = auth_stmt_roles_of(j, j->user, true, &j->user_roles, &j->nuser_roles,
                                    &j->user_super);
        if (rc != 0) return rc;
    }
    j->user_loaded = true;
    return 0;
}

bool auth_stmt_roles_contain(const struct auth_role *roles, uint32_t n, const char *name)
{
    for (uint32_t i = 0; i < n; i++)
        if (strcmp(roles[i].name, name) == 0) return true;
    return false;
}

bool auth_stmt_user_has_role(const struct auth_job *j, const char *name)
{
    ASSERT(j->user_loaded);
    return auth_stmt_roles_contain(j->user_roles, j->nuser_roles, name);
}

int auth_stmt_role_exists(struct auth_job *j, const char *name, bool *exists)
{
    struct auth_role role;
    return auth_roles_get(auth_mgr_roles(j->m), name, j->a, &role, exists, &j->r->em);
}

static const char *user_name(const struct auth_job *j)
{
    return auth_stmt_is_anonymous(j) ? "anonymous" : j->user;
}

/* Whether one of the user's roles holds perm on res or one of its parents. */
static int holds(struct auth_job *j, uint32_t perm, const struct auth_resource *res, bool *ok)
{
    struct auth_resource chain[AUTH_RESOURCE_CHAIN_MAX];
    uint32_t n = auth_resource_chain(res, chain);
    *ok = false;
    for (uint32_t c = 0; c < n && !*ok; c++) {
        const char *name = auth_resource_name(&chain[c], j->a);
        for (uint32_t i = 0; i < j->nuser_roles && !*ok; i++) {
            uint32_t bits;
            int rc = auth_perms_get(auth_mgr_perms(j->m), j->user_roles[i].name, name, &bits,
                                    &j->r->em);
            if (rc != 0) return rc;
            *ok = (bits & perm) != 0;
        }
    }
    return 0;
}

static uint32_t bit_index(uint32_t bit)
{
    uint32_t i = 0;
    while (i < AUTH_PERMS_COUNT && (1u << i) != bit) i++;
    return i;
}

int auth_stmt_check_perm(struct auth_job *j, uint32_t perm, const struct auth_resource *res,
                         bool is_friendly)
{
    if (auth_mgr_config(j->m)->authorizer == CONFIG_AUTHZ_ALLOW_ALL) return 0;
    int rc = auth_stmt_load_user(j);
    if (rc != 0 || j->user_super) return rc;
    bool ok;
    rc = holds(j, perm, res, &ok);
    if (rc != 0 || ok) return rc;
    if (is_friendly)
        return errmsg_set(&j->r->em, ERR_UNAUTHORIZED,
                          "User %s does not have sufficient privileges to perform the requested "
                          "operation",
                          user_name(j));
    return errmsg_set(&j->r->em, ERR_UNAUTHORIZED,
                      "User %s has no %s permission on %s or any of its parents", user_name(j),
                      auth_perm_name(bit_index(perm)), auth_resource_display(res, j->a));
}

int auth_stmt_void(struct auth_job *j)
{
    cqlresp_put_void(&j->r->body);
    return 0;
}

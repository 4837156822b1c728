/* auth_stmt_list: see auth_stmt_list.h. */
#include "node/cql/auth_stmt_list.h"

#include <stdlib.h>
#include <string.h>

#include "node/cql/auth_stmt_grant.h"
#include "node/cqlproto/cqlrows.h"

static const uint8_t empty_map[4] = {0, 0, 0, 0}; /* a map<text, text> with no entry */
static const uint8_t bool_true = 1, bool_false = 0;

static void cell_text(struct cqlrows_writer *w, const char *s)
{
    cqlrows_cell(w, s, strlen(s));
}

static void cell_bool(struct cqlrows_writer *w, bool v)
{
    cqlrows_cell(w, v ? &bool_true : &bool_false, 1);
}

static void begin_rows(struct auth_job *j, struct cqlrows_writer *w, const char *table,
                       const char *const *names, const struct cql_type *const *types, int ncols)
{
    struct cqlrows_col cols[5];
    for (int i = 0; i < ncols; i++)
        cols[i] = (struct cqlrows_col){cqlwire_str_c(AUTH_KEYSPACE), cqlwire_str_c(table),
                                       cqlwire_str_c(names[i]), types[i]};
    struct cqlrows_meta meta = {.ncols = ncols, .cols = cols};
    cqlrows_begin(w, &j->r->body, &meta, j->version);
}

/* ListRolesStatement: may the user list any role (DESCRIBE on <all roles>)? */
static int root_level_describe(struct auth_job *j, bool *root)
{
    *root = true;
    if (auth_mgr_config(j->m)->authorizer == CONFIG_AUTHZ_ALLOW_ALL) return 0;
    int rc = auth_stmt_load_user(j);
    if (rc != 0 || j->user_super) return rc;
    *root = false;
    for (uint32_t i = 0; i < j->nuser_roles && !*root; i++) {
        uint32_t bits;
        rc = auth_perms_get(auth_mgr_perms(j->m), j->user_roles[i].name, "roles", &bits,
                            &j->r->em);
        if (rc != 0) return rc;
        *root = (bits & AST_PERM_DESCRIBE) != 0;
    }
    return 0;
}

/* The roles LIST ROLES / LIST USERS shows, sorted. */
static int roles_to_list(struct auth_job *j, const char *of, bool recursive,
                         struct auth_role **roles, uint32_t *n)
{
    bool root;
    int rc = root_level_describe(j, &root);
    if (rc != 0) return rc;
    if (root && !of) return auth_roles_list(auth_mgr_roles(j->m), j->a, roles, n, &j->r->em);
    if (root) return auth_stmt_roles_of(j, of, recursive, roles, n, NULL);
    if (!of) return auth_stmt_roles_of(j, j->user, recursive, roles, n, NULL);
    rc = auth_stmt_load_user(j);
    if (rc != 0) return rc;
    if (!auth_stmt_user_has_role(j, of))
        return errmsg_set(&j->r->em, ERR_UNAUTHORIZED,
                          "You are not authorized to view roles granted to %s ", of);
    return auth_stmt_roles_of(j, of, recursive, roles, n, NULL);
}

static int rows_roles(struct auth_job *j, const struct auth_role *roles, uint32_t n)
{
    static const char *const names[] = {"role", "super", "login", "options", "datacenters"};
    const struct cql_type *text = cql_type_native(CQL_VARCHAR);
    const struct cql_type *const pair[2] = {text, text};
    struct cql_type map = {.id = CQL_MAP, .nsub = 2, .sub = pair};
    const struct cql_type *types[] = {text, cql_type_native(CQL_BOOLEAN),
                                      cql_type_native(CQL_BOOLEAN), &map, text};
    struct cqlrows_writer w;
    begin_rows(j, &w, "roles", names, types, 5);
    for (uint32_t i = 0; i < n; i++) {
        cell_text(&w, roles[i].name);
        cell_bool(&w, roles[i].is_superuser);
        cell_bool(&w, roles[i].can_login);
        cqlrows_cell(&w, empty_map, sizeof empty_map);
        cell_text(&w, "ALL");
    }
    cqlrows_finish(&w, NULL, 0);
    return 0;
}

static int rows_users(struct auth_job *j, const struct auth_role *roles, uint32_t n)
{
    static const char *const names[] = {"name", "super", "datacenters"};
    const struct cql_type *text = cql_type_native(CQL_VARCHAR);
    const struct cql_type *types[] = {text, cql_type_native(CQL_BOOLEAN), text};
    struct cqlrows_writer w;
    begin_rows(j, &w, "users", names, types, 3);
    for (uint32_t i = 0; i < n; i++) {
        if (!roles[i].can_login) continue;
        /* Roles.hasSuperuserStatus: the role or one granted to it */
        struct auth_role *tree;
        uint32_t ntree;
        bool super = false;
        int rc = auth_stmt_roles_of(j, roles[i].name, true, &tree, &ntree, &super);
        if (rc != 0) return rc;
        cell_text(&w, roles[i].name);
        cell_bool(&w, super);
        cell_text(&w, "ALL");
    }
    cqlrows_finish(&w, NULL, 0);
    return 0;
}

int auth_stmt_list_roles(struct auth_job *j)
{
    bool users = j->s->kind == AST_LIST_USERS;
    const char *of = users ? NULL : j->s->u.list_roles.of;
    /* LIST USERS is ListRolesStatement() with recursive false; LIST ROLES recurses unless
       NORECURSIVE. */
    bool recursive = users ? false : !j->s->u.list_roles.norecursive;
    int rc = auth_stmt_not_anonymous(j);
    bool exists = true;
    if (rc == 0 && of) rc = auth_stmt_role_exists(j, of, &exists);
    if (rc != 0) return rc;
    if (!exists) return errmsg_set(&j->r->em, ERR_INVALID, "<role %s> doesn't exist", of);
    struct auth_role *roles;
    uint32_t n;
    rc = roles_to_list(j, of, recursive, &roles, &n);
    if (rc != 0) return rc;
    if (n == 0) return auth_stmt_void(j);
    return users ? rows_users(j, roles, n) : rows_roles(j, roles, n);
}

/* ---- LIST PERMISSIONS ---- */

struct perm_row {
    const char *role;
    const char *resource; /* stored name */
    uint32_t bit;
};

static int cmp_perm_rows(const void *a, const void *b)
{
    const struct perm_row *x = a, *y = b;
    int c = strcmp(x->role, y->role);
    if (c == 0) c = strcmp(x->resource, y->resource);
    if (c == 0) c = (x->bit > y->bit) - (x->bit < y->bit);
    return c;
}

struct perm_rows {
    struct perm_row *rows;
    uint32_t n, cap;
};

static int add_entries(struct auth_job *j, struct perm_rows *out, const struct auth_perm_entry *e,
                       uint32_t n, uint32_t wanted)
{
    for (uint32_t i = 0; i < n; i++) {
        for (uint32_t b = 0; b < AUTH_PERMS_COUNT; b++) {
            if (!(e[i].perms & wanted & (1u << b))) continue;
            if (out->n == AUTH_SCAN_ROWS_MAX)
                return errmsg_set(&j->r->em, ERR_LIMIT, "more than %u permissions to list",
                                  AUTH_SCAN_ROWS_MAX);
            out->rows = auth_grow(j->a, out->rows, out->n, &out->cap, sizeof *out->rows);
            out->rows[out->n++] = (struct perm_row){e[i].role, e[i].resource, 1u << b};
        }
    }
    return 0;
}

static int perms_validate(struct auth_job *j, struct auth_resource *res)
{
    const struct ast_permissions *pm = &j->s->u.perms;
    int rc = auth_stmt_not_anonymous(j);
    if (rc == 0 && pm->has_resource) {
        rc = auth_resource_from_ast(&pm->resource, j->keyspace, j->a, res, &j->r->em);
        if (rc == 0) rc = auth_stmt_grant_resource_exists(j, res, "");
    }
    bool exists = true;
    if (rc == 0 && pm->role) rc = auth_stmt_role_exists(j, pm->role, &exists);
    if (rc == 0 && !exists)
        return errmsg_set(&j->r->em, ERR_INVALID, "<role %s> doesn't exist", pm->role);
    return rc;
}

/* CassandraAuthorizer.list over the resources to show, for the grantee's roles or all. */
static int collect_perms(struct auth_job *j, const struct auth_resource *res,
                         struct perm_rows *out)
{
    const struct ast_permissions *pm = &j->s->u.perms;
    struct auth_resource chain[AUTH_RESOURCE_CHAIN_MAX];
    uint32_t nres = 1;
    if (pm->has_resource && !pm->norecursive) nres = auth_resource_chain(res, chain);
    if (pm->has_resource && pm->norecursive) chain[0] = *res;
    struct auth_role *roles = NULL;
    uint32_t nroles = 0;
    int rc = pm->role ? auth_stmt_roles_of(j, pm->role, true, &roles, &nroles, NULL) : 0;
    for (uint32_t r = 0; rc == 0 && r < nres; r++) {
        const char *name = pm->has_resource ? auth_resource_name(&chain[r], j->a) : NULL;
        for (uint32_t i = 0; rc == 0 && i < (pm->role ? nroles : 1); i++) {
            struct auth_perm_entry *e;
            uint32_t n;
            rc = auth_perms_list(auth_mgr_perms(j->m), pm->role ? roles[i].name : NULL, name,
                                 j->a, &e, &n, &j->r->em);
            if (rc == 0) rc = add_entries(j, out, e, n, pm->perms);
        }
    }
    return rc;
}

static const char *shown_resource(struct auth_job *j, const char *name)
{
    struct auth_resource r;
    return auth_resource_parse(name, j->a, &r) == 0 ? auth_resource_display(&r, j->a) : name;
}

static int rows_perms(struct auth_job *j, struct perm_rows *pr)
{
    qsort(pr->rows, pr->n, sizeof *pr->rows, cmp_perm_rows);
    static const char *const names[] = {"role", "username", "resource", "permission"};
    const struct cql_type *text = cql_type_native(CQL_VARCHAR);
    const struct cql_type *types[] = {text, text, text, text};
    struct cqlrows_writer w;
    begin_rows(j, &w, "permissions", names, types, 4);
    for (uint32_t i = 0; i < pr->n; i++) {
        if (i > 0 && cmp_perm_rows(&pr->rows[i - 1], &pr->rows[i]) == 0) continue;
        uint32_t b = 0;
        while ((1u << b) != pr->rows[i].bit) b++;
        cell_text(&w, pr->rows[i].role);
        cell_text(&w, pr->rows[i].role);
        cell_text(&w, shown_resource(j, pr->rows[i].resource));
        cell_text(&w, auth_perm_name(b));
    }
    cqlrows_finish(&w, NULL, 0);
    return 0;
}

int auth_stmt_list_perms(struct auth_job *j)
{
    const struct ast_permissions *pm = &j->s->u.perms;
    struct auth_resource res;
    int rc = perms_validate(j, &res);
    if (rc != 0) return rc;
    if (auth_mgr_config(j->m)->authorizer == CONFIG_AUTHZ_ALLOW_ALL)
        return errmsg_set(&j->r->em, ERR_INVALID,
                          "LIST PERMISSIONS operation is not supported by AllowAllAuthorizer");
    rc = auth_stmt_load_user(j);
    if (rc != 0) return rc;
    if (!j->user_super && !(pm->role && auth_stmt_user_has_role(j, pm->role)))
        return errmsg_set(&j->r->em, ERR_UNAUTHORIZED,
                          "You are not authorized to view %s's permissions",
                          pm->role ? pm->role : "everyone");
    struct perm_rows pr = {0};
    rc = collect_perms(j, &res, &pr);
    if (rc != 0) return rc;
    if (pr.n == 0) return auth_stmt_void(j);
    return rows_perms(j, &pr);
}

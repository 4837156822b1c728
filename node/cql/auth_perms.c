/* auth_perms: see auth_perms.h. */
#include "node/cql/auth_perms.h"

#include <stdlib.h>
#include <string.h>

#include "node/base/mem.h"
#include "node/cql/auth_resource.h"
#include "node/cql/auth_table.h"

struct auth_perms {
    struct auth_table perms; /* role_permissions */
    struct auth_table index; /* resource_role_permissons_index */
    uint16_t col_perms;
};

int auth_perms_open(struct store *st, struct auth_perms **out, struct errmsg *em)
{
    struct auth_perms *p = xcalloc(1, sizeof *p);
    int rc = auth_table_init(&p->perms, st, "role_permissions", em);
    if (rc == 0) rc = auth_table_init(&p->index, st, "resource_role_permissons_index", em);
    if (rc != 0) {
        free(p);
        return rc;
    }
    p->col_perms = auth_table_col(&p->perms, "permissions");
    *out = p;
    return 0;
}

void auth_perms_close(struct auth_perms *p)
{
    free(p);
}

struct list_ctx {
    struct auth_perms *p;
    struct arena *a;
    const char *resource; /* filter, or NULL */
    struct auth_perm_entry *out;
    uint32_t n, cap;
};

static uint32_t row_perms(const struct auth_perms *p, const struct row *row)
{
    uint32_t bits = 0;
    for (uint32_t i = 0; i < row->ncells; i++)
        if (row->cells[i].col == p->col_perms)
            bits |= auth_perm_bit((const char *)row->cells[i].path, row->cells[i].path_len);
    return bits;
}

static int collect(void *arg, const char *key, size_t key_len, const struct row *row,
                   struct errmsg *em)
{
    struct list_ctx *c = arg;
    const char *resource = auth_row_ck(row, c->a);
    uint32_t bits = row_perms(c->p, row);
    if (!resource || !bits || (c->resource && strcmp(resource, c->resource) != 0)) return 0;
    if (c->n == AUTH_SCAN_ROWS_MAX)
        return errmsg_set(em, ERR_LIMIT, "more than %u permission grants", AUTH_SCAN_ROWS_MAX);
    c->out = auth_grow(c->a, c->out, c->n, &c->cap, sizeof *c->out);
    c->out[c->n++] = (struct auth_perm_entry){arena_strndup(c->a, key, key_len), resource, bits};
    return 0;
}

int auth_perms_list(struct auth_perms *p, const char *role, const char *resource,
                    struct arena *a, struct auth_perm_entry **out, uint32_t *n,
                    struct errmsg *em)
{
    struct list_ctx c = {.p = p, .a = a, .resource = resource};
    if (role && strlen(role) > AUTH_NAME_MAX) {
        *out = NULL;
        *n = 0;
        return 0;
    }
    int rc = auth_table_read(&p->perms, role, collect, &c, em);
    if (rc != 0) return rc;
    *out = c.out;
    *n = c.n;
    return 0;
}

int auth_perms_get(struct auth_perms *p, const char *role, const char *resource, uint32_t *perms,
                   struct errmsg *em)
{
    struct arena a;
    arena_init(&a, 1024);
    struct auth_perm_entry *e;
    uint32_t n;
    int rc = auth_perms_list(p, role, resource, &a, &e, &n, em);
    *perms = 0;
    for (uint32_t i = 0; rc == 0 && i < n; i++) *perms |= e[i].perms;
    arena_deinit(&a);
    return rc;
}

/* The permission set cells of (role, resource): added or removed per bit in bits. */
static int change_perms(struct auth_perms *p, const char *role, const char *resource,
                        uint32_t bits, bool is_add, store_pos *pos, struct errmsg *em)
{
    struct auth_write w;
    auth_write_init(&w, &p->perms, role, resource, auth_table_ts());
    for (uint32_t i = 0; i < AUTH_PERMS_COUNT; i++)
        if (bits & (1u << i)) auth_write_set_elem(&w, p->col_perms, auth_perm_name(i), is_add);
    return auth_write_apply(&p->perms, &w, pos, em);
}

int auth_perms_grant(struct auth_perms *p, const char *role, const char *resource, uint32_t perms,
                     uint32_t *added, store_pos *pos, struct errmsg *em)
{
    uint32_t held;
    int rc = auth_perms_get(p, role, resource, &held, em);
    if (rc != 0) return rc;
    *added = perms & ~held;
    if (*added == 0) return 0;
    rc = change_perms(p, role, resource, *added, true, pos, em);
    if (rc == 0) rc = auth_table_mark(&p->index, resource, role, true, pos, em);
    return rc;
}

int auth_perms_revoke(struct auth_perms *p, const char *role, const char *resource,
                      uint32_t perms, uint32_t *removed, store_pos *pos, struct errmsg *em)
{
    uint32_t held;
    int rc = auth_perms_get(p, role, resource, &held, em);
    if (rc != 0) return rc;
    *removed = perms & held;
    if (*removed == 0) return 0;
    rc = change_perms(p, role, resource, *removed, false, pos, em);
    if (rc == 0 && (held & ~*removed) == 0) rc = auth_table_mark(&p->index, resource, role, false, pos, em);
    return rc;
}

int auth_perms_revoke_all_from(struct auth_perms *p, const char *role, store_pos *pos,
                               struct errmsg *em)
{
    struct arena a;
    arena_init(&a, 4096);
    struct auth_perm_entry *e;
    uint32_t n;
    int rc = auth_perms_list(p, role, NULL, &a, &e, &n, em);
    for (uint32_t i = 0; rc == 0 && i < n; i++)
        rc = auth_table_mark(&p->index, e[i].resource, role, false, pos, em);
    if (rc == 0) rc = auth_table_mark(&p->perms, role, NULL, false, pos, em);
    arena_deinit(&a);
    return rc;
}

struct index_ctx {
    struct arena *a;
    const char **roles;
    uint32_t n, cap;
};

static int collect_index(void *arg, const char *key, size_t key_len, const struct row *row,
                         struct errmsg *em)
{
    (void)key, (void)key_len;
    struct index_ctx *c = arg;
    if (c->n == AUTH_SCAN_ROWS_MAX)
        return errmsg_set(em, ERR_LIMIT, "more than %u grants on one resource",
                          AUTH_SCAN_ROWS_MAX);
    const char *role = auth_row_ck(row, c->a);
    if (!role) return 0;
    c->roles = auth_grow(c->a, c->roles, c->n, &c->cap, sizeof *c->roles);
    c->roles[c->n++] = role;
    return 0;
}

int auth_perms_revoke_all_on(struct auth_perms *p, const char *resource, store_pos *pos,
                             struct errmsg *em)
{
    if (strlen(resource) > AUTH_KEY_MAX) return 0;
    struct arena a;
    arena_init(&a, 4096);
    struct index_ctx c = {.a = &a};
    int rc = auth_table_read(&p->index, resource, collect_index, &c, em);
    for (uint32_t i = 0; rc == 0 && i < c.n; i++)
        rc = auth_table_mark(&p->perms, c.roles[i], resource, false, pos, em);
    if (rc == 0 && c.n > 0) rc = auth_table_mark(&p->index, resource, NULL, false, pos, em);
    arena_deinit(&a);
    return rc;
}

/*
 * auth_roles: see auth_roles.h. The cache is a fixed array searched linearly: it holds at most
 * AUTH_ROLES_CACHE_MAX entries and is consulted once per login or per role in a graph walk,
 * next to an Argon2id verification that costs tens of milliseconds, so a hash table would buy
 * nothing measurable. A generation counter keeps a read that raced with a write from caching
 * what it read before the write.
 */
#include "node/cql/auth_roles.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "node/base/assert.h"
#include "node/base/clock.h"
#include "node/base/mem.h"

#define ENTRY_ARENA_BLOCK 1024

struct cache_entry {
    bool used;
    int64_t expires_ms;
    struct arena arena;
    struct auth_role role;
};

struct auth_roles {
    struct auth_table roles;
    struct auth_table members;
    uint16_t col_super, col_login, col_hash, col_member_of;
    uint32_t validity_ms;
    pthread_mutex_t mu;
    uint64_t generation; /* bumped by every write; under mu */
    struct cache_entry cache[AUTH_ROLES_CACHE_MAX];
};

int auth_roles_open(struct store *st, uint32_t validity_ms, struct auth_roles **out,
                    struct errmsg *em)
{
    struct auth_roles *r = xcalloc(1, sizeof *r);
    int rc = auth_table_init(&r->roles, st, "roles", em);
    if (rc == 0) rc = auth_table_init(&r->members, st, "role_members", em);
    if (rc != 0) {
        free(r);
        return rc;
    }
    r->col_super = auth_table_col(&r->roles, "is_superuser");
    r->col_login = auth_table_col(&r->roles, "can_login");
    r->col_hash = auth_table_col(&r->roles, "salted_hash");
    r->col_member_of = auth_table_col(&r->roles, "member_of");
    r->validity_ms = validity_ms;
    pthread_mutex_init(&r->mu, NULL);
    *out = r;
    return 0;
}

static void clear_cache_locked(struct auth_roles *r)
{
    for (size_t i = 0; i < AUTH_ROLES_CACHE_MAX; i++) {
        if (!r->cache[i].used) continue;
        arena_deinit(&r->cache[i].arena);
        r->cache[i].used = false;
    }
}

void auth_roles_close(struct auth_roles *r)
{
    if (!r) return;
    clear_cache_locked(r);
    pthread_mutex_destroy(&r->mu);
    free(r);
}

void auth_roles_invalidate(struct auth_roles *r)
{
    pthread_mutex_lock(&r->mu);
    r->generation++;
    clear_cache_locked(r);
    pthread_mutex_unlock(&r->mu);
}

static void role_copy(const struct auth_role *src, struct arena *a, struct auth_role *dst)
{
    *dst = *src;
    dst->name = arena_strdup(a, src->name);
    dst->salted_hash = src->salted_hash ? arena_strdup(a, src->salted_hash) : NULL;
    dst->member_of = NULL;
    if (src->nmember_of) {
        dst->member_of = arena_alloc(a, src->nmember_of * sizeof *dst->member_of);
        for (uint32_t i = 0; i < src->nmember_of; i++)
            dst->member_of[i] = arena_strdup(a, src->member_of[i]);
    }
}

/* ---- decoding rows ---- */

struct role_rows {
    struct auth_roles *r;
    struct arena *a;
    struct auth_role *roles; /* grows in a */
    uint32_t n, cap;
};

static void push_name(struct arena *a, const char ***arr, uint32_t *n, uint32_t *cap,
                      const char *s)
{
    *arr = auth_grow(a, *arr, *n, cap, sizeof **arr);
    (*arr)[(*n)++] = s;
}

static int decode_role(struct auth_roles *r, struct arena *a, const char *key, size_t key_len,
                       const struct row *row, struct auth_role *out, struct errmsg *em)
{
    memset(out, 0, sizeof *out);
    out->name = arena_strndup(a, key, key_len);
    bool has_super = false, has_login = false;
    uint32_t cap = 0;
    for (uint32_t i = 0; i < row->ncells; i++) {
        const struct cell *c = &row->cells[i];
        if (c->col == r->col_super && c->value_len == 1) {
            has_super = true;
            out->is_superuser = c->value[0] != 0;
        } else if (c->col == r->col_login && c->value_len == 1) {
            has_login = true;
            out->can_login = c->value[0] != 0;
        } else if (c->col == r->col_hash) {
            out->salted_hash = arena_strndup(a, (const char *)c->value, c->value_len);
        } else if (c->col == r->col_member_of && c->path_len > 0) {
            const char *m = arena_strndup(a, (const char *)c->path, c->path_len);
            push_name(a, &out->member_of, &out->nmember_of, &cap, m);
        }
    }
    if (!has_super || !has_login)
        return errmsg_set(em, ERR_SERVER, "Invalid metadata has been detected for role %s",
                          out->name);
    return 0;
}

static int collect_role(void *arg, const char *key, size_t key_len, const struct row *row,
                        struct errmsg *em)
{
    struct role_rows *rr = arg;
    if (rr->n == AUTH_SCAN_ROWS_MAX)
        return errmsg_set(em, ERR_LIMIT, "more than %u roles", AUTH_SCAN_ROWS_MAX);
    rr->roles = auth_grow(rr->a, rr->roles, rr->n, &rr->cap, sizeof *rr->roles);
    int rc = decode_role(rr->r, rr->a, key, key_len, row, &rr->roles[rr->n], em);
    if (rc != 0) return rc;
    rr->n++;
    return 0;
}

/* ---- reads ---- */

static bool cache_lookup(struct auth_roles *r, const char *name, struct arena *a,
                         struct auth_role *out, uint64_t *gen)
{
    int64_t now = clock_mono_ms();
    bool hit = false;
    pthread_mutex_lock(&r->mu);
    *gen = r->generation;
    for (size_t i = 0; i < AUTH_ROLES_CACHE_MAX && !hit; i++) {
        struct cache_entry *e = &r->cache[i];
        if (!e->used || strcmp(e->role.name, name) != 0) continue;
        if (e->expires_ms <= now) {
            arena_deinit(&e->arena);
            e->used = false;
            break;
        }
        role_copy(&e->role, a, out);
        hit = true;
    }
    pthread_mutex_unlock(&r->mu);
    return hit;
}

static void cache_insert(struct auth_roles *r, const struct auth_role *role, uint64_t gen)
{
    if (r->validity_ms == 0) return;
    int64_t now = clock_mono_ms();
    pthread_mutex_lock(&r->mu);
    if (gen == r->generation) {
        /* A free or expired slot, else the one expiring first. */
        size_t victim = 0;
        for (size_t i = 0; i < AUTH_ROLES_CACHE_MAX; i++) {
            struct cache_entry *e = &r->cache[i];
            if (!e->used || e->expires_ms <= now) {
                victim = i;
                break;
            }
            if (e->expires_ms < r->cache[victim].expires_ms) victim = i;
        }
        struct cache_entry *e = &r->cache[victim];
        if (e->used) arena_deinit(&e->arena);
        arena_init(&e->arena, ENTRY_ARENA_BLOCK);
        role_copy(role, &e->arena, &e->role);
        e->expires_ms = now + r->validity_ms;
        e->used = true;
    }
    pthread_mutex_unlock(&r->mu);
}

int auth_roles_get(struct auth_roles *r, const char *name, struct arena *a, struct auth_role *out,
                   bool *found, struct errmsg *em)
{
    uint64_t gen;
    if (strlen(name) > AUTH_NAME_MAX) {
        *found = false; /* no such key can have been written */
        return 0;
    }
    if (cache_lookup(r, name, a, out, &gen)) {
        *found = true;
        return 0;
    }
    struct role_rows rr = {.r = r, .a = a};
    int rc = auth_table_read(&r->roles, name, collect_role, &rr, em);
    if (rc != 0) return rc;
    *found = rr.n > 0;
    if (rr.n > 0) {
        *out = rr.roles[0];
        cache_insert(r, out, gen);
    }
    return 0;
}

static int cmp_roles(const void *a, const void *b)
{
    return strcmp(((const struct auth_role *)a)->name, ((const struct auth_role *)b)->name);
}

int auth_roles_list(struct auth_roles *r, struct arena *a, struct auth_role **out, uint32_t *n,
                    struct errmsg *em)
{
    struct role_rows rr = {.r = r, .a = a};
    int rc = auth_table_read(&r->roles, NULL, collect_role, &rr, em);
    if (rc != 0) return rc;
    if (rr.n > 1) qsort(rr.roles, rr.n, sizeof *rr.roles, cmp_roles);
    *out = rr.roles;
    *n = rr.n;
    return 0;
}

static int stop_at_first(void *arg, const char *key, size_t key_len, const struct row *row,
                         struct errmsg *em)
{
    (void)key, (void)key_len, (void)row, (void)em;
    *(bool *)arg = true;
    return 1;
}

int auth_roles_any(struct auth_roles *r, bool *any, struct errmsg *em)
{
    *any = false;
    return auth_table_read(&r->roles, NULL, stop_at_first, any, em);
}

struct member_rows {
    struct arena *a;
    const char **names;
    uint32_t n, cap;
};

static int collect_member(void *arg, const char *key, size_t key_len, const struct row *row,
                          struct errmsg *em)
{
    (void)key, (void)key_len;
    struct member_rows *m = arg;
    if (m->n == AUTH_SCAN_ROWS_MAX)
        return errmsg_set(em, ERR_LIMIT, "more than %u role members", AUTH_SCAN_ROWS_MAX);
    const char *name = auth_row_ck(row, m->a);
    if (name) push_name(m->a, &m->names, &m->n, &m->cap, name);
    return 0;
}

int auth_roles_members(struct auth_roles *r, const char *role, struct arena *a,
                       const char ***out, uint32_t *n, struct errmsg *em)
{
    struct member_rows m = {.a = a};
    int rc = auth_table_read(&r->members, role, collect_member, &m, em);
    if (rc != 0) return rc;
    *out = m.names; /* clustering order: already sorted */
    *n = m.n;
    return 0;
}

/* ---- the role graph ---- */

static bool listed(const struct auth_role *roles, uint32_t n, const char *name)
{
    for (uint32_t i = 0; i < n; i++)
        if (strcmp(roles[i].name, name) == 0) return true;
    return false;
}

int auth_roles_tree(struct auth_roles *r, const char *role, bool recursive, struct arena *a,
                    struct auth_role **out, uint32_t *n, bool *any_super, struct errmsg *em)
{
    uint32_t cap = 8, count = 0;
    struct auth_role *roles = arena_alloc(a, cap * sizeof *roles);
    bool found;
    int rc = auth_roles_get(r, role, a, &roles[0], &found, em);
    if (rc != 0) return rc;
    if (found) count = 1;
    /* Breadth first: roles[next] is the next role whose grants are followed. */
    for (uint32_t next = 0; next < count && (recursive || next == 0); next++) {
        for (uint32_t i = 0; i < roles[next].nmember_of; i++) {
            const char *m = roles[next].member_of[i];
            if (listed(roles, count, m)) continue;
            if (count == AUTH_ROLE_TREE_MAX)
                return errmsg_set(em, ERR_LIMIT, "role %s is granted more than %u roles", role,
                                  AUTH_ROLE_TREE_MAX);
            roles = auth_grow(a, roles, count, &cap, sizeof *roles);
            rc = auth_roles_get(r, m, a, &roles[count], &found, em);
            if (rc != 0) return rc;
            if (found) count++;
        }
    }
    if (any_super) {
        *any_super = false;
        for (uint32_t i = 0; i < count; i++) *any_super |= roles[i].is_superuser;
    }
    if (count > 1) qsort(roles, count, sizeof *roles, cmp_roles);
    *out = roles;
    *n = count;
    return 0;
}

/* ---- writes ---- */

int auth_roles_put(struct auth_roles *r, const struct auth_role_change *c, store_pos *pos,
                   struct errmsg *em)
{
    struct auth_write w;
    auth_write_init(&w, &r->roles, c->name, NULL, auth_table_ts());
    if (c->is_insert) auth_write_marker(&w);
    if (c->is_superuser >= 0) auth_write_bool(&w, r->col_super, c->is_superuser == 1);
    if (c->can_login >= 0) auth_write_bool(&w, r->col_login, c->can_login == 1);
    if (c->salted_hash) auth_write_text(&w, r->col_hash, c->salted_hash);
    int rc = auth_write_apply(&r->roles, &w, pos, em);
    auth_roles_invalidate(r);
    return rc;
}

static int member_of_change(struct auth_roles *r, const char *grantee, const char *role,
                            bool is_add, store_pos *pos, struct errmsg *em)
{
    struct auth_write w;
    auth_write_init(&w, &r->roles, grantee, NULL, auth_table_ts());
    auth_write_set_elem(&w, r->col_member_of, role, is_add);
    return auth_write_apply(&r->roles, &w, pos, em);
}

int auth_roles_drop(struct auth_roles *r, const char *name, store_pos *pos, struct errmsg *em)
{
    struct auth_write w;
    auth_write_init(&w, &r->roles, name, NULL, auth_table_ts());
    auth_write_delete(&w);
    int rc = auth_write_apply(&r->roles, &w, pos, em);
    /* removeAllMembers: every member loses the dropped role, then the list goes. */
    struct arena a;
    arena_init(&a, 4096);
    const char **members = NULL;
    uint32_t n = 0;
    if (rc == 0) rc = auth_roles_members(r, name, &a, &members, &n, em);
    for (uint32_t i = 0; rc == 0 && i < n; i++)
        rc = member_of_change(r, members[i], name, false, pos, em);
    if (rc == 0 && n > 0) rc = auth_table_mark(&r->members, name, NULL, false, pos, em);
    arena_deinit(&a);
    auth_roles_invalidate(r);
    return rc;
}

int auth_roles_grant(struct auth_roles *r, const char *role, const char *grantee, bool is_grant,
                     store_pos *pos, struct errmsg *em)
{
    int rc = member_of_change(r, grantee, role, is_grant, pos, em);
    if (rc == 0) rc = auth_table_mark(&r->members, role, grantee, is_grant, pos, em);
    auth_roles_invalidate(r);
    return rc;
}

int auth_roles_wait(struct auth_roles *r, store_pos pos, struct errmsg *em)
{
    return auth_table_wait(&r->roles, pos, em);
}

/* Role storage in system_auth through the store: create/alter/drop, memberships, the role
   graph, the cache, and the default superuser created exactly once. */
#include <criterion/criterion.h>
#include <string.h>

#include "auth_fixture.h"
#include "node/cql/auth_hash.h"

static struct auth_role get(struct afx *f, const char *name, bool *found)
{
    struct auth_role r;
    struct errmsg em = {0};
    cr_assert_eq(auth_roles_get(auth_mgr_roles(f->m), name, &f->a, &r, found, &em), 0, "%s",
                 em.text);
    return r;
}

static void put(struct afx *f, const char *name, int super, int login, const char *hash,
                bool insert)
{
    struct auth_role_change c = {name, insert, (int8_t)super, (int8_t)login, hash};
    store_pos pos = 0;
    struct errmsg em = {0};
    cr_assert_eq(auth_roles_put(auth_mgr_roles(f->m), &c, &pos, &em), 0, "%s", em.text);
    cr_assert_eq(auth_roles_wait(auth_mgr_roles(f->m), pos, &em), 0, "%s", em.text);
}

static void grant(struct afx *f, const char *role, const char *grantee, bool is_grant)
{
    store_pos pos = 0;
    struct errmsg em = {0};
    cr_assert_eq(auth_roles_grant(auth_mgr_roles(f->m), role, grantee, is_grant, &pos, &em), 0);
}

Test(auth_roles, default_superuser_is_created_once)
{
    struct afx f;
    afx_open(&f, CONFIG_AUTH_PASSWORD, CONFIG_AUTHZ_ALLOW_ALL);
    bool found;
    struct auth_role r = get(&f, "cassandra", &found);
    cr_assert(found);
    cr_assert(r.is_superuser && r.can_login);
    cr_assert(auth_hash_verify(r.salted_hash, (const uint8_t *)"cassandra", 9));
    /* setup again (a restart): roles exist, nothing is written */
    bool created = true;
    struct errmsg em = {0};
    cr_assert_eq(auth_mgr_setup(f.m, &created, &em), 0);
    cr_assert_not(created);
    /* the operator replaces the default role; after a restart it is not recreated */
    put(&f, "admin", 1, 1, r.salted_hash, true);
    store_pos pos = 0;
    cr_assert_eq(auth_roles_drop(auth_mgr_roles(f.m), "cassandra", &pos, &em), 0);
    afx_reopen(&f);
    get(&f, "cassandra", &found);
    cr_assert_not(found, "the default role came back after it was dropped");
    get(&f, "admin", &found);
    cr_assert(found, "roles survive a restart (commit-log replay)");
    afx_close(&f);
}

Test(auth_roles, create_alter_drop)
{
    struct afx f;
    afx_open(&f, CONFIG_AUTH_PASSWORD, CONFIG_AUTHZ_ALLOW_ALL);
    bool found;
    put(&f, "alice", 0, 0, NULL, true);
    struct auth_role r = get(&f, "alice", &found);
    cr_assert(found);
    cr_assert_not(r.is_superuser || r.can_login);
    cr_assert_null(r.salted_hash);
    put(&f, "alice", -1, 1, "h1", false); /* ALTER keeps what it does not set */
    r = get(&f, "alice", &found);
    cr_assert(r.can_login && !r.is_superuser);
    cr_assert_str_eq(r.salted_hash, "h1");
    store_pos pos = 0;
    struct errmsg em = {0};
    cr_assert_eq(auth_roles_drop(auth_mgr_roles(f.m), "alice", &pos, &em), 0);
    get(&f, "alice", &found);
    cr_assert_not(found);
    /* recreated right after the drop: the new row wins (increasing timestamps), no old hash */
    put(&f, "alice", 1, 0, NULL, true);
    r = get(&f, "alice", &found);
    cr_assert(found && r.is_superuser);
    cr_assert_null(r.salted_hash);
    afx_close(&f);
}

Test(auth_roles, list_is_sorted_and_complete)
{
    struct afx f;
    afx_open(&f, CONFIG_AUTH_ALLOW_ALL, CONFIG_AUTHZ_ALLOW_ALL);
    static const char *const names[] = {"zed", "Bob", "alice", "m\xc3\xa9lanie", "bob"};
    for (size_t i = 0; i < 5; i++) put(&f, names[i], 0, 1, NULL, true);
    struct auth_role *all;
    uint32_t n;
    struct errmsg em = {0};
    cr_assert_eq(auth_roles_list(auth_mgr_roles(f.m), &f.a, &all, &n, &em), 0);
    static const char *const want[] = {"Bob", "alice", "bob", "cassandra", "m\xc3\xa9lanie",
                                       "zed"};
    cr_assert_eq(n, 6);
    for (uint32_t i = 0; i < n; i++) cr_assert_str_eq(all[i].name, want[i]);
    afx_close(&f);
}

Test(auth_roles, memberships_and_the_role_graph)
{
    struct afx f;
    afx_open(&f, CONFIG_AUTH_PASSWORD, CONFIG_AUTHZ_ALLOW_ALL);
    put(&f, "a", 0, 1, NULL, true);
    put(&f, "b", 0, 0, NULL, true);
    put(&f, "c", 1, 0, NULL, true);
    grant(&f, "b", "a", true); /* a is a member of b */
    grant(&f, "c", "b", true); /* b is a member of c: a inherits c's superuser status */
    bool found;
    struct auth_role r = get(&f, "a", &found);
    cr_assert_eq(r.nmember_of, 1);
    cr_assert_str_eq(r.member_of[0], "b");
    const char **members;
    uint32_t n;
    struct errmsg em = {0};
    cr_assert_eq(auth_roles_members(auth_mgr_roles(f.m), "b", &f.a, &members, &n, &em), 0);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(members[0], "a");
    struct auth_role *tree;
    bool super;
    cr_assert_eq(auth_roles_tree(auth_mgr_roles(f.m), "a", true, &f.a, &tree, &n, &super, &em),
                 0);
    cr_assert_eq(n, 3);
    cr_assert(super, "superuser status is inherited through b from c");
    cr_assert_eq(auth_roles_tree(auth_mgr_roles(f.m), "a", false, &f.a, &tree, &n, &super, &em),
                 0);
    cr_assert_eq(n, 2);
    cr_assert_not(super);
    /* dropping b: a loses the membership, b's member list goes */
    store_pos pos = 0;
    cr_assert_eq(auth_roles_drop(auth_mgr_roles(f.m), "b", &pos, &em), 0);
    r = get(&f, "a", &found);
    cr_assert_eq(r.nmember_of, 0);
    cr_assert_eq(auth_roles_members(auth_mgr_roles(f.m), "b", &f.a, &members, &n, &em), 0);
    cr_assert_eq(n, 0);
    /* revoke removes both sides */
    grant(&f, "c", "a", true);
    grant(&f, "c", "a", false);
    r = get(&f, "a", &found);
    cr_assert_eq(r.nmember_of, 0);
    cr_assert_eq(auth_roles_members(auth_mgr_roles(f.m), "c", &f.a, &members, &n, &em), 0);
    cr_assert_eq(n, 1, "b is still listed: Cassandra keeps a dropped member in role_members");
    afx_close(&f);
}

Test(auth_roles, cache_sees_writes_at_once)
{
    struct afx f;
    afx_open(&f, CONFIG_AUTH_PASSWORD, CONFIG_AUTHZ_ALLOW_ALL);
    bool found;
    put(&f, "x", 0, 1, "h1", true);
    cr_assert_str_eq(get(&f, "x", &found).salted_hash, "h1"); /* cached now */
    put(&f, "x", -1, -1, "h2", false);
    cr_assert_str_eq(get(&f, "x", &found).salted_hash, "h2");
    store_pos pos = 0;
    struct errmsg em = {0};
    cr_assert_eq(auth_roles_drop(auth_mgr_roles(f.m), "x", &pos, &em), 0);
    get(&f, "x", &found);
    cr_assert_not(found);
    afx_close(&f);
}

Test(auth_roles, null_flags_are_invalid_metadata)
{
    struct afx f;
    afx_open(&f, CONFIG_AUTH_PASSWORD, CONFIG_AUTHZ_ALLOW_ALL);
    put(&f, "half", -1, 1, NULL, true); /* is_superuser never written */
    struct auth_role r;
    bool found;
    struct errmsg em = {0};
    cr_assert_eq(auth_roles_get(auth_mgr_roles(f.m), "half", &f.a, &r, &found, &em), ERR_SERVER);
    cr_assert_str_eq(em.text, "Invalid metadata has been detected for role half");
    afx_close(&f);
}

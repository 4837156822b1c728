/* Role statements as Cassandra 4.1 answers them: results, messages and who may do what. */
#include <criterion/criterion.h>
#include <string.h>

#include "auth_fixture.h"

#define ANON ""
#define SU "cassandra"
#define NOT_ANON "You have to be logged in and not anonymous to perform this request"

static void check_roles(struct afx *f, const char *user, const char *cql, const char *want)
{
    afx_ok(f, user, cql);
    char got[1024] = "";
    if (!afx_is_void(f)) {
        struct cqlrows rows;
        afx_rows(f, &rows);
        for (int32_t i = 0; i < rows.nrows; i++) {
            size_t len = strlen(got);
            snprintf(got + len, sizeof got - len, "%s%s", i ? " " : "", afx_cell(f, &rows, i, 0));
            for (int32_t c = 1; c < rows.meta.ncols; c++) {
                len = strlen(got);
                snprintf(got + len, sizeof got - len, ",%s", afx_cell(f, &rows, i, c));
            }
        }
    }
    cr_assert_str_eq(got, want, "%s", cql);
}

Test(auth_stmt, create_list_drop_roles)
{
    struct afx f;
    afx_open(&f, CONFIG_AUTH_PASSWORD, CONFIG_AUTHZ_ALLOW_ALL);
    check_roles(&f, SU, "LIST ROLES", "cassandra,true,true,{},ALL");
    afx_ok(&f, SU, "CREATE ROLE role1");
    check_roles(&f, SU, "LIST ROLES",
                "cassandra,true,true,{},ALL role1,false,false,{},ALL");
    afx_fails(&f, SU, "CREATE ROLE role1", ERR_INVALID, "role1 already exists");
    afx_ok(&f, SU, "CREATE ROLE IF NOT EXISTS role1 WITH LOGIN = true");
    check_roles(&f, SU, "LIST ROLES OF role1", "role1,false,false,{},ALL");
    afx_ok(&f, SU, "DROP ROLE role1");
    afx_fails(&f, SU, "DROP ROLE role1", ERR_INVALID, "role1 doesn't exist");
    afx_ok(&f, SU, "DROP ROLE IF EXISTS role1");
    check_roles(&f, SU, "LIST ROLES", "cassandra,true,true,{},ALL");
    afx_fails(&f, SU, "CREATE ROLE ''", ERR_INVALID, "Role name can't be an empty string");
    afx_fails(&f, SU, "DROP ROLE cassandra", ERR_INVALID,
              "Cannot DROP primary role for current login");
    afx_fails(&f, SU, "LIST ROLES OF nobody", ERR_INVALID, "<role nobody> doesn't exist");
    afx_fails(&f, SU, "ALTER ROLE nobody WITH LOGIN = true", ERR_INVALID,
              "nobody doesn't exist");
    afx_ok(&f, SU, "ALTER ROLE IF EXISTS nobody WITH LOGIN = true");
    afx_fails(&f, SU, "ALTER ROLE cassandra", ERR_INVALID, "ALTER [ROLE|USER] can't be empty");
    afx_fails(&f, SU, "CREATE ROLE r WITH OPTIONS = {'a': 'b'}", ERR_INVALID,
              "org.apache.cassandra.auth.CassandraRoleManager doesn't support OPTIONS");
    afx_close(&f);
}

Test(auth_stmt, users_log_in_and_keep_their_case)
{
    struct afx f;
    afx_open(&f, CONFIG_AUTH_PASSWORD, CONFIG_AUTHZ_ALLOW_ALL);
    afx_ok(&f, SU, "CREATE USER Test WITH PASSWORD '12345'");
    afx_ok(&f, SU, "CREATE USER IF NOT EXISTS dave WITH PASSWORD 'sup' SUPERUSER");
    afx_ok(&f, SU, "CREATE USER IF NOT EXISTS dave WITH PASSWORD 'ignored'");
    afx_ok(&f, SU, "CREATE ROLE nologin");
    check_roles(&f, SU, "LIST USERS", "Test,false,ALL cassandra,true,ALL dave,true,ALL");
    afx_fails(&f, SU, "DROP USER test", ERR_INVALID, "test doesn't exist");
    afx_fails(&f, SU, "ALTER USER TEST WITH PASSWORD 'x'", ERR_INVALID, "TEST doesn't exist");
    struct errmsg em;
    bool super = true;
    cr_assert_eq(afx_login(&f, "Test", "12345", &super, &em), 0, "%s", em.text);
    cr_assert_not(super);
    cr_assert_eq(afx_login(&f, "dave", "sup", &super, &em), 0, "%s", em.text);
    cr_assert(super);
    cr_assert_eq(afx_login(&f, "dave", "ignored", &super, &em), ERR_AUTH);
    cr_assert_str_eq(em.text, "Provided username dave and/or password are incorrect");
    afx_ok(&f, SU, "ALTER USER Test WITH PASSWORD '54321'");
    cr_assert_eq(afx_login(&f, "Test", "12345", &super, &em), ERR_AUTH);
    cr_assert_eq(afx_login(&f, "Test", "54321", &super, &em), 0, "%s", em.text);
    afx_ok(&f, SU, "DROP USER Test");
    cr_assert_eq(afx_login(&f, "Test", "54321", &super, &em), ERR_AUTH);
    cr_assert_str_eq(em.text, "Provided username Test and/or password are incorrect");
    afx_close(&f);
}

Test(auth_stmt, logins_follow_role_options)
{
    struct afx f;
    afx_open(&f, CONFIG_AUTH_PASSWORD, CONFIG_AUTHZ_ALLOW_ALL);
    struct errmsg em;
    bool super;
    cr_assert_eq(afx_login(&f, "cassandra", "cassandra", &super, &em), 0, "%s", em.text);
    cr_assert(super);
    afx_ok(&f, SU, "CREATE ROLE mike WITH PASSWORD = '12345' AND LOGIN = false");
    cr_assert_eq(afx_login(&f, "mike", "12345", &super, &em), ERR_AUTH);
    cr_assert_str_eq(em.text, "mike is not permitted to log in");
    afx_ok(&f, SU, "ALTER ROLE mike WITH LOGIN = true");
    cr_assert_eq(afx_login(&f, "mike", "12345", &super, &em), 0, "%s", em.text);
    cr_assert_not(super);
    /* superuser status comes with a granted role */
    afx_ok(&f, SU, "CREATE ROLE admins WITH SUPERUSER = true");
    afx_ok(&f, SU, "GRANT admins TO mike");
    cr_assert_eq(afx_login(&f, "mike", "12345", &super, &em), 0, "%s", em.text);
    cr_assert(super);
    check_roles(&f, SU, "LIST USERS", "cassandra,true,ALL mike,true,ALL");
    cr_assert_eq(afx_login(&f, "nobody", "x", &super, &em), ERR_AUTH);
    cr_assert_str_eq(em.text, "Provided username nobody and/or password are incorrect");
    afx_ok(&f, SU, "CREATE ROLE nopass WITH LOGIN = true");
    cr_assert_eq(afx_login(&f, "nopass", "", &super, &em), ERR_AUTH);
    cr_assert_str_eq(em.text, "Password must not be null");
    cr_assert_eq(afx_login(&f, "nopass", "x", &super, &em), ERR_AUTH);
    cr_assert_str_eq(em.text, "Provided username nopass and/or password are incorrect");
    /* HASHED PASSWORD takes an Argon2id string as is */
    afx_ok(&f, SU, "CREATE ROLE h WITH LOGIN = true AND HASHED PASSWORD = "
                   "'$argon2id$v=19$m=64,t=1,p=1$Z3dhVlFZUXRnMlhPbkpGVA$"
                   "kSbTGMwE9Ib3F/CB7sbfw12Z+N+TyB0s8mF5gbtmkIM'");
    afx_fails(&f, SU, "CREATE ROLE h2 WITH HASHED PASSWORD = 'plain'", ERR_INVALID,
              "Invalid hashed password value. Please use an Argon2id hash string "
              "($argon2id$v=19$m=...,t=...,p=...$salt$hash)");
    afx_close(&f);
}

Test(auth_stmt, superuser_rules)
{
    struct afx f;
    afx_open(&f, CONFIG_AUTH_PASSWORD, CONFIG_AUTHZ_ALLOW_ALL);
    afx_ok(&f, SU, "CREATE ROLE mike WITH PASSWORD = '12345' AND LOGIN = true");
    afx_fails(&f, "mike", "CREATE ROLE boss WITH SUPERUSER = true", ERR_UNAUTHORIZED,
              "Only superusers can create a role with superuser status");
    afx_fails(&f, "mike", "CREATE USER boss WITH PASSWORD 'x' SUPERUSER", ERR_UNAUTHORIZED,
              "Only superusers can create a role with superuser status");
    afx_ok(&f, "mike", "CREATE ROLE helper"); /* AllowAllAuthorizer: any logged-in role */
    afx_fails(&f, "mike", "ALTER ROLE helper WITH SUPERUSER = true", ERR_UNAUTHORIZED,
              "Only superusers are allowed to alter superuser status");
    afx_fails(&f, SU, "ALTER USER cassandra NOSUPERUSER", ERR_UNAUTHORIZED,
              "You aren't allowed to alter your own superuser status or that of a role granted "
              "to you");
    afx_fails(&f, "mike", "ALTER ROLE mike WITH LOGIN = false", ERR_UNAUTHORIZED,
              "You aren't allowed to alter LOGIN");
    afx_ok(&f, "mike", "ALTER ROLE mike WITH PASSWORD = 'changed'");
    afx_fails(&f, "mike", "DROP ROLE cassandra", ERR_UNAUTHORIZED,
              "Only superusers can drop a role with superuser status");
    afx_ok(&f, "mike", "DROP ROLE helper");
    afx_close(&f);
}

Test(auth_stmt, grant_and_revoke_roles)
{
    struct afx f;
    afx_open(&f, CONFIG_AUTH_PASSWORD, CONFIG_AUTHZ_ALLOW_ALL);
    afx_ok(&f, SU, "CREATE ROLE a");
    afx_ok(&f, SU, "CREATE ROLE b");
    afx_ok(&f, SU, "CREATE ROLE c");
    afx_ok(&f, SU, "GRANT b TO a");
    afx_ok(&f, SU, "GRANT c TO b");
    check_roles(&f, SU, "LIST ROLES OF a",
                "a,false,false,{},ALL b,false,false,{},ALL c,false,false,{},ALL");
    check_roles(&f, SU, "LIST ROLES OF a NORECURSIVE",
                "a,false,false,{},ALL b,false,false,{},ALL");
    afx_fails(&f, SU, "GRANT a TO c", ERR_INVALID, "a is a member of c");
    afx_fails(&f, SU, "GRANT c TO a", ERR_INVALID, "a is a member of c");
    afx_fails(&f, SU, "GRANT a TO a", ERR_INVALID, "a is a member of a");
    afx_fails(&f, SU, "GRANT x TO a", ERR_INVALID, "x doesn't exist");
    afx_fails(&f, SU, "GRANT a TO x", ERR_INVALID, "x doesn't exist");
    afx_fails(&f, SU, "REVOKE c FROM a", ERR_INVALID, "a is not a member of c");
    afx_ok(&f, SU, "REVOKE b FROM a");
    check_roles(&f, SU, "LIST ROLES OF a", "a,false,false,{},ALL");
    afx_ok(&f, SU, "DROP ROLE c");
    check_roles(&f, SU, "LIST ROLES OF b", "b,false,false,{},ALL");
    afx_close(&f);
}

Test(auth_stmt, anonymous_sessions_under_allow_all)
{
    struct afx f;
    afx_open(&f, CONFIG_AUTH_ALLOW_ALL, CONFIG_AUTHZ_ALLOW_ALL);
    afx_fails(&f, ANON, "CREATE ROLE alice WITH PASSWORD = 'password_a' AND LOGIN = true",
              ERR_INVALID, "org.apache.cassandra.auth.CassandraRoleManager doesn't support "
                           "PASSWORD");
    afx_fails(&f, ANON, "CREATE USER bob WITH PASSWORD 'x' SUPERUSER", ERR_UNAUTHORIZED,
              "Only superusers can create a role with superuser status");
    static const char *const refused[] = {
        "CREATE ROLE alice", "DROP ROLE nobody", "ALTER ROLE cassandra WITH LOGIN = false",
        "LIST ROLES", "LIST USERS", "GRANT cassandra TO cassandra",
        "LIST ALL PERMISSIONS", "GRANT SELECT ON ALL KEYSPACES TO cassandra",
        "GRANT SELECT ON cf TO cassandra"};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        afx_fails(&f, ANON, refused[i], ERR_UNAUTHORIZED, NOT_ANON);
    /* checkAccess comes first: the default role exists here too and is a superuser */
    afx_fails(&f, ANON, "DROP ROLE cassandra", ERR_UNAUTHORIZED,
              "Only superusers can drop a role with superuser status");
    afx_close(&f);
}

Test(auth_stmt, permissions_with_allow_all_authorizer_are_not_supported)
{
    struct afx f;
    afx_open(&f, CONFIG_AUTH_PASSWORD, CONFIG_AUTHZ_ALLOW_ALL);
    afx_fails(&f, SU, "GRANT SELECT ON ALL KEYSPACES TO cassandra", ERR_INVALID,
              "GRANT operation is not supported by AllowAllAuthorizer");
    afx_fails(&f, SU, "REVOKE SELECT ON ALL KEYSPACES FROM cassandra", ERR_INVALID,
              "REVOKE operation is not supported by AllowAllAuthorizer");
    afx_fails(&f, SU, "LIST ALL PERMISSIONS", ERR_INVALID,
              "LIST PERMISSIONS operation is not supported by AllowAllAuthorizer");
    afx_fails(&f, SU, "GRANT SELECT ON ALL KEYSPACES TO nobody", ERR_INVALID,
              "Role nobody doesn't exist");
    afx_fails(&f, SU, "GRANT SELECT ON cf TO cassandra", ERR_INVALID,
              "No keyspace has been specified. USE a keyspace, or explicitly specify "
              "keyspace.tablename");
    afx_close(&f);
}

Test(auth_stmt, permissions_with_cassandra_authorizer)
{
    struct afx f;
    afx_open(&f, CONFIG_AUTH_PASSWORD, CONFIG_AUTHZ_CASSANDRA);
    afx_ok(&f, SU, "CREATE ROLE mike WITH PASSWORD = '12345' AND LOGIN = true");
    afx_ok(&f, SU, "CREATE ROLE klaus WITH PASSWORD = '54321' AND LOGIN = true");
    /* the creator got ALTER, DROP, AUTHORIZE on the new roles */
    check_roles(&f, SU, "LIST ALL PERMISSIONS OF cassandra",
                "cassandra,cassandra,<role klaus>,ALTER cassandra,cassandra,<role klaus>,DROP "
                "cassandra,cassandra,<role klaus>,AUTHORIZE "
                "cassandra,cassandra,<role mike>,ALTER cassandra,cassandra,<role mike>,DROP "
                "cassandra,cassandra,<role mike>,AUTHORIZE");
    afx_fails(&f, "mike", "CREATE ROLE role2", ERR_UNAUTHORIZED,
              "User mike does not have sufficient privileges to perform the requested operation");
    afx_fails(&f, "mike", "DROP ROLE klaus", ERR_UNAUTHORIZED,
              "User mike does not have sufficient privileges to perform the requested operation");
    afx_ok(&f, SU, "GRANT CREATE ON ALL ROLES TO mike");
    afx_ok(&f, "mike", "CREATE ROLE role2");
    afx_ok(&f, SU, "GRANT SELECT, MODIFY ON ALL KEYSPACES TO mike");
    check_roles(&f, "mike", "LIST ALL PERMISSIONS ON KEYSPACE ks OF mike",
                "mike,mike,<all keyspaces>,SELECT mike,mike,<all keyspaces>,MODIFY");
    check_roles(&f, "mike", "LIST ALL PERMISSIONS ON KEYSPACE ks OF mike NORECURSIVE", "");
    afx_fails(&f, "mike", "LIST ALL PERMISSIONS", ERR_UNAUTHORIZED,
              "You are not authorized to view everyone's permissions");
    afx_fails(&f, "klaus", "LIST ALL PERMISSIONS OF mike", ERR_UNAUTHORIZED,
              "You are not authorized to view mike's permissions");
    afx_fails(&f, "mike", "GRANT SELECT ON ALL KEYSPACES TO klaus", ERR_UNAUTHORIZED,
              "User mike has no AUTHORIZE permission on <all keyspaces> or any of its parents");
    afx_ok(&f, SU, "REVOKE MODIFY ON ALL KEYSPACES FROM mike");
    check_roles(&f, SU, "LIST MODIFY OF mike", "");
    /* dropping a role drops what it was granted and what was granted on it */
    afx_ok(&f, SU, "DROP ROLE mike");
    check_roles(&f, SU, "LIST ALL PERMISSIONS",
                "cassandra,cassandra,<role klaus>,ALTER cassandra,cassandra,<role klaus>,DROP "
                "cassandra,cassandra,<role klaus>,AUTHORIZE");
    afx_fails(&f, SU, "GRANT ALTER ON ROLE nobody TO klaus", ERR_INVALID,
              "Resource <role nobody> doesn't exist");
    afx_fails(&f, SU, "GRANT EXECUTE ON FUNCTION ks.f(int) TO klaus", ERR_INVALID,
              "Resource <function ks.f(int)> doesn't exist");
    afx_fails(&f, SU, "GRANT EXECUTE ON FUNCTION system.f(int) TO klaus", ERR_INVALID,
              "Altering permissions on builtin functions is not supported");
    afx_close(&f);
}

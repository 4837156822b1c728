/* auth_fixture: see auth_fixture.h. */
#include "auth_fixture.h"

#include <criterion/criterion.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/base/be.h"
#include "node/base/log.h"
#include "node/cql/auth_password.h"
#include "node/cql/parser.h"
#include "node/cql/syskeyspaces.h"

static const char *const auth_tables[] = {"roles", "role_members", "role_permissions",
                                          "resource_role_permissons_index",
                                          "network_permissions"};

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    remove(path);
    return 0;
}

static void open_all(struct afx *f)
{
    struct errmsg em = {0};
    cr_assert_eq(store_open(&f->cfg, &f->st, &em), 0, "%s", em.text);
    for (size_t i = 0; i < sizeof auth_tables / sizeof auth_tables[0]; i++)
        cr_assert_eq(store_add_table(f->st, syskeyspaces_table("system_auth", auth_tables[i]),
                                     &em),
                     0, "%s", em.text);
    cr_assert_eq(store_replay(f->st, &em), 0, "%s", em.text);
    cr_assert_eq(auth_mgr_create(&f->mc, f->st, &f->m, &em), 0, "%s", em.text);
    if (f->is_setup_deferred) {
        auth_mgr_setup_pending(f->m);
        return;
    }
    bool created;
    cr_assert_eq(auth_mgr_setup(f->m, &created, &em), 0, "%s", em.text);
}

/* f is zeroed but for is_setup_deferred. */
static void afx_open_with(struct afx *f, enum config_authenticator authn,
                          enum config_authorizer authz)
{
    log_set_level(LOG_WARN);
    const char *base = getenv("TMPDIR");
    char tmpl[512];
    snprintf(tmpl, sizeof tmpl, "%s/ringdb-auth-XXXXXX", base && *base ? base : "/tmp");
    cr_assert_not_null(mkdtemp(tmpl));
    f->dir = strdup(tmpl);
    snprintf(f->data_dir, sizeof f->data_dir, "%s/data", f->dir);
    snprintf(f->log_dir, sizeof f->log_dir, "%s/commitlog", f->dir);
    store_config_defaults(&f->cfg);
    f->cfg.data_dir = f->data_dir;
    f->cfg.commitlog_dir = f->log_dir;
    f->cfg.segment_bytes = 1u << 20;
    auth_mgr_config_defaults(&f->mc);
    f->mc.authenticator = authn;
    f->mc.authorizer = authz;
    f->mc.hash = (struct auth_hash_params){1, 64u << 10}; /* cheap: tests hash a lot */
    arena_init(&f->a, 0);
    buf_init(&f->body);
    open_all(f);
}

void afx_open(struct afx *f, enum config_authenticator authn, enum config_authorizer authz)
{
    memset(f, 0, sizeof *f);
    afx_open_with(f, authn, authz);
}

void afx_open_deferred(struct afx *f, enum config_authenticator authn,
                       enum config_authorizer authz)
{
    memset(f, 0, sizeof *f);
    f->is_setup_deferred = true;
    afx_open_with(f, authn, authz);
}

static void close_all(struct afx *f)
{
    auth_mgr_destroy(f->m);
    f->m = NULL;
    store_close(f->st);
    f->st = NULL;
}

void afx_reopen(struct afx *f)
{
    close_all(f);
    open_all(f);
}

void afx_close(struct afx *f)
{
    close_all(f);
    buf_deinit(&f->body);
    arena_deinit(&f->a);
    nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    free(f->dir);
}

int afx_exec(struct afx *f, const char *user, const char *cql)
{
    arena_reset(&f->a);
    buf_reset(&f->body);
    struct ast_stmt *s;
    struct errmsg em = {0};
    cr_assert_eq(parser_parse(cql, strlen(cql), &f->a, &s, &em), 0, "%s: %s", cql, em.text);
    cr_assert(auth_stmt_handles(s->kind), "%s", cql);
    memset(&f->r, 0, sizeof f->r);
    f->r.body = f->body;
    f->r.arena = &f->a;
    struct auth_job j = {.m = f->m, .r = &f->r, .s = s, .a = &f->a, .version = 4};
    snprintf(j.user, sizeof j.user, "%s", user);
    snprintf(j.keyspace, sizeof j.keyspace, "%s", f->session.keyspace);
    int rc = auth_stmt_run(&j);
    f->body = f->r.body;
    return rc;
}

void afx_ok(struct afx *f, const char *user, const char *cql)
{
    int rc = afx_exec(f, user, cql);
    cr_assert_eq(rc, 0, "%s as '%s': %s (%s)", cql, user, f->r.em.text, err_name(rc));
}

void afx_fails(struct afx *f, const char *user, const char *cql, int code, const char *msg)
{
    int rc = afx_exec(f, user, cql);
    cr_assert_eq(rc, code, "%s as '%s': got %s '%s', want %s", cql, user, err_name(rc),
                 f->r.em.text, err_name(code));
    cr_assert_str_eq(f->r.em.text, msg, "%s", cql);
}

bool afx_is_void(const struct afx *f)
{
    return f->body.len == 4 && be32_load(f->body.data) == 1;
}

void afx_rows(struct afx *f, struct cqlrows *out)
{
    cr_assert_geq(f->body.len, 4);
    cr_assert_eq(be32_load(f->body.data), 2, "not a Rows result");
    struct rbuf rb;
    rbuf_init(&rb, f->body.data + 4, f->body.len - 4);
    cr_assert_eq(cqlrows_get(&rb, &f->a, 4, out), 0);
}

const char *afx_cell(struct afx *f, const struct cqlrows *rows, int row, int col)
{
    const struct cqlwire_value *v = cqlrows_at(rows, row, col);
    const struct cql_type *t = rows->meta.cols[col].type;
    if (v->len < 0) return "null";
    if (t->id == CQL_BOOLEAN) return v->len == 1 && v->p[0] ? "true" : "false";
    if (t->id == CQL_MAP) return v->len == 4 && be32_load(v->p) == 0 ? "{}" : "{...}";
    return arena_strndup(&f->a, (const char *)v->p, (size_t)v->len);
}

int afx_login(struct afx *f, const char *user, const char *password, bool *is_super,
              struct errmsg *em)
{
    struct auth_password *p = (struct auth_password *)auth_mgr_authenticator(f->m);
    cr_assert_not_null(p, "not a PasswordAuthenticator fixture");
    uint8_t tok[600];
    size_t ul = strlen(user), pl = strlen(password);
    cr_assert_lt(ul + pl + 2, sizeof tok);
    tok[0] = 0;
    memcpy(tok + 1, user, ul);
    tok[1 + ul] = 0;
    memcpy(tok + 2 + ul, password, pl);
    struct auth_check c = {.token = tok, .token_len = ul + pl + 2};
    auth_password_check(p, &c);
    if (c.status != 0) *em = c.em;
    else if (is_super) *is_super = c.is_superuser;
    if (c.status == 0) cr_assert_str_eq(c.role, user);
    return c.status;
}

/* auth_password: see auth_password.h. */
#include "node/cql/auth_password.h"

#include <stdlib.h>
#include <string.h>

#include "node/base/log.h"
#include "node/base/mem.h"
#include "node/cql/auth_sasl.h"
#include "storage/types.h"

struct verify_job {
    struct evloop_work work; /* first: the work callbacks get it back */
    struct auth_password *p;
    struct auth_check *check;
};

static bool always_required(const struct auth *a)
{
    (void)a;
    return true;
}

static int incorrect(struct auth_check *c, const struct auth_sasl_plain *cred)
{
    char shown[AUTH_NAME_MAX + 1];
    auth_sasl_printable(cred->user, cred->user_len, shown, sizeof shown);
    return errmsg_set(&c->em, ERR_AUTH, "Provided username %s and/or password are incorrect",
                      shown);
}

void auth_password_check(struct auth_password *p, struct auth_check *c)
{
    struct auth_sasl_plain cred;
    c->status = auth_sasl_plain_parse(c->token, c->token_len, &cred, &c->em);
    if (c->status != 0) return;
    if (p->wait_ready_fn && !p->wait_ready_fn(p->ready_ctx)) {
        c->status = errmsg_set(&c->em, ERR_AUTH,
                               "Unable to perform authentication: the default role is still "
                               "being set up");
        return;
    }
    if (cred.user_len > AUTH_NAME_MAX || !cql_value_utf8_valid(cred.user, cred.user_len)) {
        auth_hash_verify_dummy(&p->hash, cred.pass, cred.pass_len);
        c->status = incorrect(c, &cred);
        return;
    }
    char name[AUTH_NAME_MAX + 1];
    memcpy(name, cred.user, cred.user_len);
    name[cred.user_len] = '\0';
    struct arena a;
    arena_init(&a, 2048);
    struct auth_role role;
    bool found = false;
    struct errmsg em;
    int rc = auth_roles_get(p->roles, name, &a, &role, &found, &em);
    if (rc != 0) {
        c->status = errmsg_set(&c->em, ERR_AUTH, "Unable to perform authentication: %s", em.text);
    } else if (!found || !role.salted_hash) {
        auth_hash_verify_dummy(&p->hash, cred.pass, cred.pass_len);
        c->status = incorrect(c, &cred);
    } else if (!auth_hash_verify(role.salted_hash, cred.pass, cred.pass_len)) {
        c->status = incorrect(c, &cred);
    } else if (!role.can_login) {
        c->status = errmsg_set(&c->em, ERR_AUTH, "%s is not permitted to log in", name);
    } else {
        struct auth_role *tree;
        uint32_t n;
        bool super = false;
        rc = auth_roles_tree(p->roles, name, true, &a, &tree, &n, &super, &em);
        if (rc != 0) {
            c->status = errmsg_set(&c->em, ERR_AUTH, "Unable to perform authentication: %s",
                                   em.text);
        } else {
            c->status = 0;
            snprintf(c->role, sizeof c->role, "%s", name);
            c->is_superuser = super;
        }
    }
    arena_deinit(&a);
}

static void verify_work(struct evloop_work *w)
{
    struct verify_job *j = (struct verify_job *)w;
    auth_password_check(j->p, j->check);
}

static void verify_done(struct evloop_work *w)
{
    struct verify_job *j = (struct verify_job *)w;
    struct auth_check *c = j->check;
    atomic_fetch_sub(&j->p->pending, 1);
    free(j);
    c->done_cb(c);
}

static void verify(struct auth *a, struct auth_check *c)
{
    struct auth_password *p = (struct auth_password *)a;
    if (atomic_fetch_add(&p->pending, 1) >= AUTH_PENDING_MAX) {
        atomic_fetch_sub(&p->pending, 1);
        c->status = errmsg_set(&c->em, ERR_AUTH, "Too many authentication requests in progress");
        c->done_cb(c);
        return;
    }
    struct verify_job *j = xcalloc(1, sizeof *j);
    j->p = p;
    j->check = c;
    j->work.loop = c->loop;
    j->work.work_fn = verify_work;
    j->work.done_fn = verify_done;
    evloop_work(&j->work);
}

static const struct auth_ops password_ops = {
    .authenticator = AUTH_PASSWORD_AUTHENTICATOR,
    .is_required = always_required,
    .verify = verify,
};

void auth_password_init(struct auth_password *p, struct auth_roles *roles,
                        const struct auth_hash_params *hash)
{
    memset(p, 0, sizeof *p);
    p->base.ops = &password_ops;
    p->roles = roles;
    p->hash = *hash;
}

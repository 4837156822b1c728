/*
 * auth_fixture: a store in a temp directory with the five system_auth tables registered (as
 * the schema manager registers them), an auth manager over it with cheap Argon2id parameters,
 * and helpers that run a CQL statement as a given user without a loop or a socket.
 */
#ifndef RINGDB_TESTS_AUTH_FIXTURE_H
#define RINGDB_TESTS_AUTH_FIXTURE_H

#include <stdbool.h>

#include "node/cql/auth_mgr.h"
#include "node/cql/auth_stmt.h"
#include "node/cqlproto/cqlrows.h"
#include "storage/store.h"

struct afx {
    char *dir;
    char data_dir[600], log_dir[600];
    struct store_config cfg;
    struct store *st;
    struct auth_mgr *m;
    struct auth_mgr_config mc;
    struct arena a; /* request arenas and decoded results; reset by afx_exec */
    struct buf body;
    struct cql_request r;
    struct cql_session session;
    bool is_setup_deferred; /* afx_open_deferred: the setup is pending, the test runs it */
};

/* Opens everything; setup (default superuser) runs too. */
void afx_open(struct afx *f, enum config_authenticator authn, enum config_authorizer authz);
/* The same, but the default role's setup is only marked pending (auth_mgr_setup_pending), as
   the node does before it queues the setup on the thread pool; the test runs auth_mgr_setup. */
void afx_open_deferred(struct afx *f, enum config_authenticator authn,
                       enum config_authorizer authz);
/* Closes the auth manager and the store, then opens both again on the same directory. */
void afx_reopen(struct afx *f);
void afx_close(struct afx *f);

/* Runs cql as user ("" = anonymous, as with AllowAllAuthenticator). Returns the status; on
   error f->r.em has the message. */
int afx_exec(struct afx *f, const char *user, const char *cql);
/* Runs and asserts success. */
void afx_ok(struct afx *f, const char *user, const char *cql);
/* Runs and asserts the error code and message. */
void afx_fails(struct afx *f, const char *user, const char *cql, int code, const char *msg);
/* The Rows of the last result (asserts it is Rows); n rows, cells as text via afx_cell. */
void afx_rows(struct afx *f, struct cqlrows *out);
bool afx_is_void(const struct afx *f);
/* Cell (row, col) as a NUL-terminated string in f->a ("true"/"false" for booleans when
   is_bool). */
const char *afx_cell(struct afx *f, const struct cqlrows *rows, int row, int col);

/* A login through the authenticator's blocking half: 0 or the error (message in em). */
int afx_login(struct afx *f, const char *user, const char *password, bool *is_super,
              struct errmsg *em);

#endif

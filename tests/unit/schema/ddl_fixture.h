/*
 * ddl_fixture: runs CQL schema statements through the real schema manager (parser ->
 * schema_mgr_execute -> done_cb on an event loop driven by the test thread) and captures the
 * answer: status, message, AlreadyExists fields, and the RESULT (VOID or SCHEMA_CHANGE).
 */
#ifndef RINGDB_TESTS_DDL_FIXTURE_H
#define RINGDB_TESTS_DDL_FIXTURE_H

#include <stdbool.h>
#include <uv.h>

#include "node/cql/exec.h"
#include "node/cql/schema_mgr.h"
#include "node/cql/session.h"
#include "node/local.h"
#include "node/net/evloop.h"
#include "storage/store.h"

struct ddl_env {
    uv_loop_t uv;
    struct evloop loop;
    struct schema_mgr *m;
    struct store *st;
    struct cql_session session;
    struct local_node local;
    char dir[512];
};

struct ddl_answer {
    int status;
    char message[ERRMSG_MAX];
    char ae_keyspace[256], ae_table[256];
    bool is_void;
    char change[16], target[16], keyspace[256], name[256];
    char warning[256];
};

/* with_store: a real store under dir/data (else the schema manager runs without one). */
void ddl_env_open(struct ddl_env *e, bool with_store);
/* Closes the manager (and store) but keeps the directory (reopen tests). */
void ddl_env_close(struct ddl_env *e);
/* Reopens on the same directory. */
void ddl_env_reopen(struct ddl_env *e, bool with_store);
void ddl_env_destroy(struct ddl_env *e);
/* Parses and runs one statement; the answer is in *a. */
void ddl_run(struct ddl_env *e, const char *cql, struct ddl_answer *a);
/* "CREATED KEYSPACE ks", "UPDATED TABLE ks t", "VOID", or "ERR <code hex> <message>". */
const char *ddl_answer_text(const struct ddl_answer *a, char *out, size_t cap);

#endif

/*
 * stmt: see stmt.h. Dispatch of analysis and execution by statement kind, table resolution
 * with Cassandra's messages, pk_indexes, and the small helpers the kinds share.
 */
#include "node/cql/stmt.h"

#include <string.h>

#include "node/cql/batch.h"
#include "node/cql/dml.h"
#include "node/cql/select.h"
#include "node/cql/vtable.h"

void stmt_prepare_env(struct bind_env *env, struct arena *a, const struct catalog *c,
                      const char *keyspace, struct bind_recv *specs, uint32_t nspecs)
{
    memset(env, 0, sizeof *env);
    env->arena = a;
    env->now_ms = 0;
    env->version = 4;
    env->keyspace = keyspace;
    env->catalog = c;
    env->specs = specs;
    env->nspecs = nspecs;
}

int stmt_resolve_table(const struct catalog *c, const char *session_ks, const struct ast_qname *q,
                       const char **ks, struct table_schema **table, const struct vtable **vt,
                       struct errmsg *em)
{
    const char *k = q->keyspace ? q->keyspace : session_ks;
    if (!k || !*k)
        return errmsg_set(em, ERR_INVALID,
                          "No keyspace has been specified. USE a keyspace, or explicitly specify "
                          "keyspace.tablename");
    *vt = vtable_find(k, q->name);
    if (*vt) {
        *ks = (*vt)->keyspace;
        *table = table_schema_ref((*vt)->schema);
        return 0;
    }
    struct table_schema *t;
    int rc = catalog_validate_table(c, k, q->name, &t, em);
    if (rc) return rc;
    *ks = t->keyspace;
    *table = table_schema_ref(t);
    return 0;
}

/* pk_indexes: the marker bound to each partition key column, if all are. */
static void compute_pk_indexes(struct stmt *st, struct arena *a)
{
    const struct table_schema *t = st->table;
    if (!t || st->kind == AST_BATCH || st->nmarkers == 0) return;
    uint16_t *idx = arena_zalloc(a, t->npk * sizeof *idx);
    for (uint16_t k = 0; k < t->npk; k++) {
        bool found = false;
        for (uint32_t i = 0; i < st->nmarkers && !found; i++) {
            if (st->markers[i].column != &t->columns[k]) continue;
            idx[k] = (uint16_t)i;
            found = true;
        }
        if (!found) return;
    }
    st->npk = t->npk;
    st->pk_indexes = idx;
}

int stmt_prepare(const struct catalog *c, const char *keyspace, const struct ast_stmt *ast,
                 struct arena *a, struct stmt **out, struct errmsg *em)
{
    if (keyspace && !*keyspace) keyspace = NULL;
    struct stmt *st = arena_zalloc(a, sizeof *st);
    st->kind = ast->kind;
    st->ast = ast;
    st->nmarkers = ast->nmarkers;
    st->markers = arena_zalloc(a, (ast->nmarkers + 1) * sizeof *st->markers);
    struct bind_env env;
    stmt_prepare_env(&env, a, c, keyspace, st->markers, st->nmarkers);
    int rc;
    switch (ast->kind) {
    case AST_SELECT:
        rc = select_prepare(&env, c, keyspace, ast, st, em);
        break;
    case AST_INSERT:
    case AST_UPDATE:
    case AST_DELETE:
        rc = dml_prepare(&env, c, keyspace, ast, st, em);
        break;
    case AST_BATCH:
        rc = batch_prepare(&env, c, keyspace, ast, st, em);
        break;
    default:
        rc = errmsg_set(em, ERR_INVALID, "%s statements cannot be prepared",
                        ast_stmt_kind_name(ast->kind));
    }
    if (rc) {
        stmt_release(st);
        return rc;
    }
    for (uint32_t i = 0; i < st->nmarkers; i++)
        if (!st->markers[i].type) {
            stmt_release(st);
            return errmsg_set(em, ERR_INVALID, "Cannot infer the type of bind marker %u", i);
        }
    compute_pk_indexes(st, a);
    *out = st;
    return 0;
}

void stmt_release(struct stmt *s)
{
    if (!s) return;
    for (uint32_t i = 0; i < s->nchildren; i++)
        stmt_release(s->children[i]);
    s->nchildren = 0;
    if (s->table) table_schema_unref(s->table);
    s->table = NULL;
}

bool stmt_is_current(const struct stmt *s, const struct catalog *c)
{
    for (uint32_t i = 0; i < s->nchildren; i++)
        if (!stmt_is_current(s->children[i], c)) return false;
    if (!s->table || s->vt) return true;
    return catalog_table(c, s->table->keyspace, s->table->name) == s->table;
}

void stmt_execute(struct stmt_run *run)
{
    switch (run->st->kind) {
    case AST_SELECT:
        select_execute(run);
        return;
    case AST_BATCH:
        batch_execute(run);
        return;
    default:
        dml_execute(run);
        return;
    }
}

void stmt_run_env(const struct stmt_run *run, struct bind_env *env, const struct stmt *st,
                  const struct cqlwire_value *values, uint32_t nvalues)
{
    memset(env, 0, sizeof *env);
    env->arena = run->r->arena;
    env->now_ms = run->now_ms;
    env->version = run->r->req->version;
    env->keyspace = st->keyspace;
    env->catalog = run->catalog;
    env->table = st->table;
    static const struct cqlwire_value none[1];
    env->values = values ? values : none;
    env->nvalues = values ? nvalues : 0;
}

void stmt_run_fail_coord(struct stmt_run *run, const struct coordinator_error *e, int status)
{
    struct cql_request *r = run->r;
    r->em = e->em;
    if (r->em.code == 0) r->em.code = status;
    r->err.cl = e->cl;
    r->err.required = e->required;
    r->err.alive = e->alive;
    r->err.received = e->received;
    r->err.blockfor = e->blockfor;
    r->err.numfailures = e->numfailures;
    r->err.data_present = e->data_present;
    if (e->write_type) r->err.write_type = cqlwire_str_c(e->write_type);
    run->done(run, status);
}

const struct strategy *stmt_strategy(const struct stmt_run *run, const char *keyspace)
{
    static const struct strategy local = {.kind = STRATEGY_LOCAL};
    const struct catalog_keyspace *ks = keyspace ? catalog_keyspace(run->catalog, keyspace) : NULL;
    return ks && !ks->is_virtual ? &ks->strategy : &local;
}

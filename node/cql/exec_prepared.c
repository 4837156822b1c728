/*
 * exec_prepared: the PREPARE, EXECUTE and BATCH messages (Cassandra's PrepareMessage,
 * ExecuteMessage, BatchMessage). PREPARE analyses the statement into a cache entry and
 * answers its id and metadata; EXECUTE runs a cached statement, or answers UNPREPARED (with
 * the id the client sent) when the id is unknown or the statement's table changed since;
 * BATCH builds a batch statement from children given as text or as prepared ids.
 */
#include <stdio.h>
#include <string.h>

#include "node/cql/batch.h"
#include "node/cql/exec_int.h"
#include "node/cql/parser.h"
#include "node/cql/prepared.h"
#include "node/cql/stmt.h"
#include "node/cqlproto/cqlresp.h"

static bool is_engine_kind(enum ast_stmt_kind k)
{
    return k == AST_SELECT || k == AST_INSERT || k == AST_UPDATE || k == AST_DELETE ||
           k == AST_BATCH;
}

static void keep(struct exec_req *q, struct prepared *p)
{
    struct prepared **refs = arena_zalloc(q->r->arena, (q->nrefs + 1) * sizeof *refs);
    if (q->nrefs) memcpy(refs, q->refs, q->nrefs * sizeof *refs);
    refs[q->nrefs++] = p;
    q->refs = refs;
}

static int unprepared(struct exec_req *q, struct cqlwire_value id)
{
    struct cql_request *r = q->r;
    char hex[2 * 64 + 1];
    size_t n = id.len > 0 ? (size_t)id.len : 0;
    if (n > 64) n = 64;
    for (size_t i = 0; i < n; i++)
        snprintf(hex + 2 * i, 3, "%02x", id.p[i]);
    hex[2 * n] = '\0';
    r->err.id = id;
    return errmsg_set(&r->em, ERR_UNPREPARED,
                      "Prepared query with ID %s not found (either the query was not prepared on "
                      "this host (maybe the host has been restarted?) or you have prepared too "
                      "many queries and it has been evicted from the internal cache)",
                      hex);
}

static void put_prepared(struct exec_req *q, const struct prepared *p)
{
    struct cql_request *r = q->r;
    const struct stmt *st = p->st;
    struct cqlresp_prepared out;
    memset(&out, 0, sizeof out);
    out.id = (struct cqlwire_value){p->id, PREPARED_ID_LEN};
    uint32_t n = st ? st->nmarkers : 0;
    struct cqlrows_col *cols = arena_zalloc(r->arena, (n + 1) * sizeof *cols);
    for (uint32_t i = 0; i < n; i++) {
        const struct bind_recv *m = &st->markers[i];
        cols[i].keyspace = cqlwire_str_c(m->keyspace ? m->keyspace : st->keyspace);
        cols[i].table = cqlwire_str_c(m->table ? m->table : st->table ? st->table->name : "");
        cols[i].name = cqlwire_str_c(m->name);
        cols[i].type = m->type;
    }
    out.bind = (struct cqlrows_meta){.ncols = (int32_t)n,
                                     .cols = cols,
                                     .npk = st ? (int32_t)st->npk : 0,
                                     .pk_indexes = st ? st->pk_indexes : NULL};
    if (st && st->result) {
        out.result = *st->result;
        out.result.flags = 0;
    } else {
        out.result = (struct cqlrows_meta){.flags = CQLROWS_NO_METADATA};
    }
    cqlresp_put_prepared(&r->body, &out, r->req->version);
}

void exec_prepare_msg(struct exec_req *q)
{
    struct cql_request *r = q->r;
    struct exec *x = q->x;
    const char *ks = r->session->keyspace;
    uint8_t id[PREPARED_ID_LEN];
    prepared_id(ks, r->req->query.p, r->req->query.len, id);
    struct prepared *p = prepared_get(x->prepared, id, sizeof id);
    if (p && (!p->st || stmt_is_current(p->st, q->catalog))) {
        put_prepared(q, p);
        prepared_unref(p);
        exec_finish(q, 0);
        return;
    }
    if (p) {
        prepared_remove(x->prepared, p);
        prepared_unref(p);
    }
    p = prepared_new(ks, r->req->query.p, r->req->query.len);
    struct ast_stmt *ast;
    int rc = parser_parse(p->text, p->text_len, &p->arena, &ast, &r->em);
    if (rc == 0) {
        p->ast = ast;
        if (is_engine_kind(ast->kind))
            rc = stmt_prepare(q->catalog, ks, ast, &p->arena, &p->st, &r->em);
    }
    if (rc) {
        prepared_unref(p);
        exec_finish(q, rc);
        return;
    }
    struct prepared *cached = prepared_put(x->prepared, p);
    prepared_unref(p);
    put_prepared(q, cached);
    prepared_unref(cached);
    exec_finish(q, 0);
}

/* The cached statement for id, current with the catalog; NULL after answering UNPREPARED. */
static struct prepared *lookup(struct exec_req *q, struct cqlwire_value id)
{
    struct prepared *p = id.len > 0 ? prepared_get(q->x->prepared, id.p, (size_t)id.len) : NULL;
    if (p && p->st && !stmt_is_current(p->st, q->catalog)) {
        prepared_remove(q->x->prepared, p);
        prepared_unref(p);
        p = NULL;
    }
    if (!p) return NULL;
    keep(q, p);
    return p;
}

void exec_execute_msg(struct exec_req *q)
{
    struct cql_request *r = q->r;
    struct prepared *p = lookup(q, r->req->id);
    if (!p) {
        exec_finish(q, unprepared(q, r->req->id));
        return;
    }
    if (!p->st) { /* USE, DDL ...: run from the text, like a QUERY */
        struct ast_stmt *ast;
        int rc = parser_parse(p->text, p->text_len, r->arena, &ast, &r->em);
        if (rc)
            exec_finish(q, rc);
        else
            exec_other(q, ast);
        return;
    }
    struct stmt_run *run;
    int rc = exec_run_init(q, p->st, &r->req->params, &run);
    if (rc) {
        exec_finish(q, rc);
        return;
    }
    exec_run(q, run);
}

/* A batch child from a prepared entry: a shallow copy with its own table reference, so the
   batch statement can be released like one analysed for the request. */
static struct stmt *child_copy(struct exec_req *q, const struct stmt *st)
{
    struct stmt *c = arena_dup(q->r->arena, st, sizeof *st);
    if (c->table) table_schema_ref(c->table);
    return c;
}

static int batch_child(struct exec_req *q, const struct cqlreq_batch_stmt *bs, struct stmt **out)
{
    struct cql_request *r = q->r;
    if (bs->kind == 1) {
        struct prepared *p = lookup(q, bs->id);
        if (!p) return unprepared(q, bs->id);
        if (!p->st)
            return errmsg_set(&r->em, ERR_INVALID,
                              "Invalid statement in batch: only UPDATE, INSERT and DELETE "
                              "statements are allowed.");
        *out = child_copy(q, p->st);
        return 0;
    }
    struct ast_stmt *ast;
    int rc = parser_parse(bs->query.p, bs->query.len, r->arena, &ast, &r->em);
    if (rc) return rc;
    if (ast->kind != AST_INSERT && ast->kind != AST_UPDATE && ast->kind != AST_DELETE)
        return errmsg_set(&r->em, ERR_INVALID,
                          "Invalid statement in batch: only UPDATE, INSERT and DELETE statements "
                          "are allowed.");
    return stmt_prepare(q->catalog, r->session->keyspace, ast, r->arena, out, &r->em);
}

static int child_values(struct exec_req *q, const struct cqlreq_batch *b, uint32_t i,
                        const struct stmt *st, const struct cqlwire_value **out)
{
    const struct cqlreq_batch_stmt *bs = &b->stmts[i];
    if (bs->nvalues != st->nmarkers)
        return errmsg_set(&q->r->em, ERR_INVALID,
                          "There were %u markers(?) in CQL but %u bound variables", st->nmarkers,
                          bs->nvalues);
    *out = bs->values;
    if (!(b->flags & CQLREQ_FLAG_NAMES) || !bs->names) return 0;
    struct cqlwire_value *v = arena_zalloc(q->r->arena, (bs->nvalues + 1) * sizeof *v);
    for (uint32_t m = 0; m < st->nmarkers; m++) {
        uint32_t k = 0;
        while (k < bs->nvalues && !cqlwire_str_eq_nocase(bs->names[k], st->markers[m].name))
            k++;
        if (k == bs->nvalues)
            return errmsg_set(&q->r->em, ERR_INVALID, "No value given for bound variable %s",
                              st->markers[m].name);
        v[m] = bs->values[k];
    }
    *out = v;
    return 0;
}

void exec_batch_msg(struct exec_req *q)
{
    struct cql_request *r = q->r;
    const struct cqlreq_batch *b = &r->req->batch;
    struct stmt *parent = arena_zalloc(r->arena, sizeof *parent);
    parent->kind = AST_BATCH;
    parent->batch_type = b->type;
    parent->children = arena_zalloc(r->arena, (b->nstmts + 1) * sizeof *parent->children);
    q->owned = parent;
    const struct cqlwire_value **vals = arena_zalloc(r->arena, (b->nstmts + 1) * sizeof *vals);
    uint32_t *nvals = arena_zalloc(r->arena, (b->nstmts + 1) * sizeof *nvals);
    int rc = 0;
    for (uint32_t i = 0; rc == 0 && i < b->nstmts; i++) {
        struct stmt *c;
        if ((rc = batch_child(q, &b->stmts[i], &c))) break;
        parent->children[parent->nchildren++] = c;
        if ((rc = batch_check_child(c, b->type, &r->em))) break;
        rc = child_values(q, b, i, c, &vals[i]);
        nvals[i] = c->nmarkers;
    }
    struct cqlreq_params params = {
        .cl = b->cl,
        .flags = (uint8_t)(b->flags & (CQLREQ_FLAG_SERIAL_CL | CQLREQ_FLAG_TIMESTAMP)),
        .serial_cl = b->serial_cl,
        .timestamp_us = b->timestamp_us};
    struct stmt_run *run = NULL;
    if (rc == 0) rc = exec_run_init(q, parent, &params, &run);
    if (rc) {
        exec_finish(q, rc);
        return;
    }
    run->batch_type = b->type;
    run->child_values = vals;
    run->child_nvalues = nvals;
    exec_run(q, run);
}

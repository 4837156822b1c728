/*
 * ddl: the statement dispatcher and the helpers every ddl_* file uses (see ddl.h).
 */
#include "node/cql/ddl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/base/mem.h"
#include "node/cql/ddl_alter.h"
#include "node/cql/ddl_index.h"
#include "node/cql/ddl_keyspace.h"
#include "node/cql/ddl_table.h"
#include "node/cql/ddl_type.h"
#include "node/cql/syskeyspaces.h"

static int unsupported(const struct ast_unsupported *u, struct errmsg *em)
{
    static const char *const what[] = {
        [AST_UNSUP_CREATE_FUNCTION] = "CREATE FUNCTION (user-defined functions)",
        [AST_UNSUP_DROP_FUNCTION] = "DROP FUNCTION (user-defined functions)",
        [AST_UNSUP_CREATE_AGGREGATE] = "CREATE AGGREGATE (user-defined aggregates)",
        [AST_UNSUP_DROP_AGGREGATE] = "DROP AGGREGATE (user-defined aggregates)",
        [AST_UNSUP_CREATE_VIEW] = "CREATE MATERIALIZED VIEW (materialized views)",
        [AST_UNSUP_ALTER_VIEW] = "ALTER MATERIALIZED VIEW (materialized views)",
        [AST_UNSUP_DROP_VIEW] = "DROP MATERIALIZED VIEW (materialized views)",
        [AST_UNSUP_CREATE_TRIGGER] = "CREATE TRIGGER (triggers)",
        [AST_UNSUP_DROP_TRIGGER] = "DROP TRIGGER (triggers)",
    };
    const char *w = (size_t)u->kind < sizeof what / sizeof what[0] ? what[u->kind] : NULL;
    return errmsg_set(em, ERR_INVALID, "%s is not supported by this server",
                      w ? w : "this statement");
}

int ddl_plan(const struct ddl_ctx *ctx, const struct ast_stmt *s, struct ddl_plan *plan,
             struct errmsg *em)
{
    memset(plan, 0, sizeof *plan);
    int rc;
    switch (s->kind) {
    case AST_CREATE_KEYSPACE: rc = ddl_keyspace_create(ctx, &s->u.keyspace, plan, em); break;
    case AST_ALTER_KEYSPACE: rc = ddl_keyspace_alter(ctx, &s->u.keyspace, plan, em); break;
    case AST_DROP_KEYSPACE: rc = ddl_keyspace_drop(ctx, &s->u.keyspace, plan, em); break;
    case AST_CREATE_TABLE: rc = ddl_table_create(ctx, &s->u.create_table, plan, em); break;
    case AST_DROP_TABLE: rc = ddl_table_drop(ctx, &s->u.drop, plan, em); break;
    case AST_TRUNCATE: rc = ddl_table_truncate(ctx, &s->u.truncate, plan, em); break;
    case AST_ALTER_TABLE: rc = ddl_alter_table(ctx, &s->u.alter, plan, em); break;
    case AST_CREATE_TYPE: rc = ddl_type_create(ctx, &s->u.create_type, plan, em); break;
    case AST_ALTER_TYPE: rc = ddl_type_alter(ctx, &s->u.alter, plan, em); break;
    case AST_DROP_TYPE: rc = ddl_type_drop(ctx, &s->u.drop, plan, em); break;
    case AST_CREATE_INDEX: rc = ddl_index_create(ctx, &s->u.create_index, plan, em); break;
    case AST_DROP_INDEX: rc = ddl_index_drop(ctx, &s->u.drop, plan, em); break;
    case AST_UNSUPPORTED: rc = unsupported(&s->u.unsupported, em); break;
    default:
        rc = errmsg_set(em, ERR_SERVER, "%s is not a schema statement",
                        ast_stmt_kind_name(s->kind));
        break;
    }
    if (rc != 0) {
        ddl_plan_release(plan);
        return rc;
    }
    /* A change that changes nothing (ALTER to the same values) answers VOID, as Cassandra's
       empty schema diff does. */
    if (plan->next && memcmp(plan->next->version.b, ctx->base->version.b, 16) == 0) {
        ddl_plan_release(plan);
        plan->schema_change = false;
        plan->warning[0] = '\0';
    }
    return 0;
}

void ddl_plan_release(struct ddl_plan *plan)
{
    catalog_unref(plan->next);
    plan->next = NULL;
}

void ddl_plan_result(struct ddl_plan *p, const char *change, const char *target,
                     const char *keyspace, const char *name)
{
    p->schema_change = true;
    p->change = change;
    p->target = target;
    snprintf(p->keyspace, sizeof p->keyspace, "%s", keyspace);
    snprintf(p->name, sizeof p->name, "%s", name ? name : "");
}

int ddl_keyspace_of(const struct ddl_ctx *ctx, const char *written, const char **out,
                    struct errmsg *em)
{
    if (written) {
        *out = written;
        return 0;
    }
    if (ctx->session_keyspace && ctx->session_keyspace[0]) {
        *out = ctx->session_keyspace;
        return 0;
    }
    return errmsg_set(em, ERR_INVALID,
                      "No keyspace has been specified. USE a keyspace, or explicitly specify "
                      "keyspace.tablename");
}

static bool is_replicated_system(const char *ks)
{
    return strcmp(ks, "system_auth") == 0 || strcmp(ks, "system_distributed") == 0 ||
           strcmp(ks, "system_traces") == 0;
}

int ddl_check_modifiable(const struct ddl_ctx *ctx, const char *keyspace, const char *table,
                         enum ddl_perm perm, struct errmsg *em)
{
    static const char *const perm_name[] = {"CREATE", "ALTER", "DROP"};
    if (catalog_is_local_system_keyspace(keyspace))
        return errmsg_set(em, ERR_UNAUTHORIZED, "%s keyspace is not user-modifiable.", keyspace);
    if (is_replicated_system(keyspace) && !(perm == DDL_ALTER && !table)) {
        if (table)
            return errmsg_set(em, ERR_UNAUTHORIZED, "Cannot %s <table %s.%s>", perm_name[perm],
                              keyspace, table);
        return errmsg_set(em, ERR_UNAUTHORIZED, "Cannot %s <keyspace %s>", perm_name[perm],
                          keyspace);
    }
    const struct catalog_keyspace *ks = catalog_keyspace(ctx->base, keyspace);
    if (ks && ks->is_virtual)
        return errmsg_set(em, ERR_INVALID, "Virtual keyspace '%s' is not user-modifiable",
                          keyspace);
    return 0;
}

bool ddl_valid_name(const char *s)
{
    return catalog_valid_name(s, DDL_NAME_LENGTH_MAX);
}

void ddl_type_text(const struct cql_type *t, char *out, size_t cap)
{
    struct buf b;
    buf_init(&b);
    cql_type_format(t, &b);
    snprintf(out, cap, "%.*s", (int)b.len, (const char *)b.data);
    buf_deinit(&b);
}

int ddl_create_target(const struct ddl_ctx *ctx, const char *written, const char **ks,
                      const struct catalog_keyspace **k, struct errmsg *em)
{
    int rc = ddl_keyspace_of(ctx, written, ks, em);
    if (rc == 0) rc = ddl_check_modifiable(ctx, *ks, NULL, DDL_CREATE, em);
    if (rc) return rc;
    *k = catalog_keyspace(ctx->base, *ks);
    if (!*k) return errmsg_set(em, ERR_INVALID, "Keyspace '%s' doesn't exist", *ks);
    return 0;
}

const char *ddl_const_text(const struct ast_term *v)
{
    if (!v || !ast_term_is_constant(v) || v->kind == AST_T_NULL || v->kind == AST_T_MARKER)
        return NULL;
    if (v->kind == AST_T_BOOLEAN) return v->u.lit.boolean ? "true" : "false";
    return v->u.lit.text;
}

const struct cql_type *ddl_udt_lookup(void *ctx, const char *keyspace, const char *name)
{
    const struct ddl_udt_scope *sc = ctx;
    if (!keyspace || strcmp(keyspace, sc->keyspace) != 0) return NULL;
    return catalog_type(sc->catalog, keyspace, name);
}

int ddl_resolve_type(const struct ddl_ctx *ctx, const char *ks, const struct ast_type *t,
                     struct arena *a, const struct cql_type **out, struct errmsg *em)
{
    if (t->kind == AST_TYPE_UDT && t->udt.keyspace && strcmp(t->udt.keyspace, ks) != 0)
        return errmsg_set(em, ERR_INVALID,
                          "Statement on keyspace %s cannot refer to a user type in keyspace %s; "
                          "user types can only be used in the keyspace they are defined in",
                          ks, t->udt.keyspace);
    struct ddl_udt_scope sc = {.catalog = ctx->base, .keyspace = ks};
    return ast_type_resolve(t, ks, ddl_udt_lookup, &sc, a, out, em);
}

bool ddl_type_references(const struct cql_type *t, const char *ks, const char *name)
{
    if (t->id == CQL_UDT && strcmp(t->udt_keyspace, ks) == 0 && strcmp(t->udt_name, name) == 0)
        return true;
    for (uint16_t i = 0; i < t->nsub; i++)
        if (ddl_type_references(t->sub[i], ks, name)) return true;
    return false;
}

bool ddl_udt_has_multicell_field(const struct cql_type *t)
{
    if (t->id != CQL_UDT || t->frozen) return false;
    for (uint16_t i = 0; i < t->nsub; i++)
        if (cql_type_is_multicell(t->sub[i])) return true;
    return false;
}

/* ---- store changes -------------------------------------------------------------------- */

static bool is_stored(const struct table_schema *s)
{
    return !syskeyspaces_is_computed(s->keyspace, s->name);
}

static void push(struct table_schema ***arr, uint32_t *n, size_t *cap, struct table_schema *s)
{
    xgrow((void **)arr, cap, *n + 1, sizeof **arr);
    (*arr)[(*n)++] = s;
}

void ddl_plan_store_changes(const struct catalog *base, const struct catalog *next,
                            struct ddl_store_changes *out)
{
    memset(out, 0, sizeof *out);
    size_t cap_add = 0, cap_alter = 0, cap_drop = 0;
    for (uint32_t i = 0; i < next->ntables_all; i++) {
        struct table_schema *s = next->by_id[i];
        if (!is_stored(s)) continue;
        struct table_schema *old = base ? catalog_table_by_id(base, &s->id) : NULL;
        if (!old)
            push(&out->add, &out->nadd, &cap_add, s);
        else if (old != s)
            push(&out->alter, &out->nalter, &cap_alter, s);
    }
    for (uint32_t i = 0; base && i < base->ntables_all; i++) {
        struct table_schema *s = base->by_id[i];
        if (is_stored(s) && !catalog_table_by_id(next, &s->id))
            push(&out->drop, &out->ndrop, &cap_drop, s);
    }
}

void ddl_store_changes_free(struct ddl_store_changes *c)
{
    free(c->add);
    free(c->alter);
    free(c->drop);
    memset(c, 0, sizeof *c);
}

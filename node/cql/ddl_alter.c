/*
 * ddl_alter: see ddl_alter.h. Each form copies the table (table_schema_copy keeps column ids
 * and the dropped-column record), changes the copy and finishes it; the new schema replaces
 * the old in a new catalog, and the store is told (schema_mgr) through the catalog diff.
 */
#include "node/cql/ddl_alter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/cql/ddl_index.h"
#include "node/cql/ddl_table.h"

struct alter {
    const struct ddl_ctx *ctx;
    const struct ast_alter *s;
    const char *ks;
    const struct catalog_keyspace *k;
    const struct table_schema *old;
    struct table_schema *t; /* the builder */
    struct errmsg *em;
};

static const struct dropped_column *find_dropped(const struct table_schema *s, const char *name)
{
    for (uint16_t i = 0; i < s->ndropped; i++)
        if (strcmp(s->dropped[i].name, name) == 0) return &s->dropped[i];
    return NULL;
}

/* Checks that re-adding a dropped column is compatible (AlterTableStatement.AddColumns). */
static int check_readd(struct alter *a, const char *name, const struct cql_type *type,
                       bool is_static)
{
    const struct dropped_column *d = find_dropped(a->old, name);
    if (!d) return 0;
    char t1[256], t2[256];
    if (!cql_type_equal(cql_type_freeze(type, &a->t->arena), cql_type_freeze(d->type, &a->t->arena))) {
        ddl_type_text(type, t1, sizeof t1);
        ddl_type_text(d->type, t2, sizeof t2);
        return errmsg_set(a->em, ERR_INVALID,
                          "Cannot re-add previously dropped column '%s' of type %s, incompatible "
                          "with previous type %s",
                          name, t1, t2);
    }
    if ((d->kind == COLUMN_STATIC) != is_static)
        return errmsg_set(a->em, ERR_INVALID,
                          "Cannot re-add previously dropped column '%s' of kind %s, incompatible "
                          "with previous kind %s",
                          name, is_static ? "STATIC" : "REGULAR",
                          d->kind == COLUMN_STATIC ? "STATIC" : "REGULAR");
    for (uint16_t i = 0; i < a->old->ncolumns; i++)
        if (a->old->columns[i].type->id == CQL_COUNTER)
            return errmsg_set(a->em, ERR_INVALID,
                              "Cannot re-add previously dropped counter column %s", name);
    return 0;
}

static int add_columns(struct alter *a)
{
    struct arena scratch;
    arena_init(&scratch, 2048);
    int rc = 0;
    for (uint32_t i = 0; rc == 0 && i < a->s->ncolumns; i++) {
        const struct ast_column_def *c = &a->s->columns[i];
        const char *name = c->name.name;
        if (table_schema_column(a->t, name)) {
            if (!a->s->column_cond)
                rc = errmsg_set(a->em, ERR_INVALID, "Column with name '%s' already exists", name);
            continue;
        }
        const struct cql_type *type;
        rc = ddl_resolve_type(a->ctx, a->ks, c->type, &scratch, &type, a->em);
        if (rc) break;
        if (c->is_static && a->old->nck == 0)
            rc = errmsg_set(a->em, ERR_INVALID,
                            "Static columns are only useful (and thus allowed) if the table has "
                            "at least one clustering column");
        else if (ddl_udt_has_multicell_field(type))
            rc = errmsg_set(a->em, ERR_INVALID,
                            "Non-frozen UDTs with nested non-frozen collections are not "
                            "supported for column %s",
                            name);
        if (rc == 0) rc = check_readd(a, name, type, c->is_static);
        if (rc == 0)
            rc = table_schema_add_column(a->t, name, c->is_static ? COLUMN_STATIC : COLUMN_REGULAR,
                                         -1, false, type, a->em);
    }
    arena_deinit(&scratch);
    return rc;
}

static int drop_columns(struct alter *a)
{
    int64_t ts = a->ctx->now_us;
    if (a->s->drop_timestamp) {
        char *end;
        long long v = strtoll(a->s->drop_timestamp->u.lit.text, &end, 10);
        if (*end != '\0') return errmsg_set(a->em, ERR_INVALID, "Invalid timestamp for DROP");
        ts = (int64_t)v;
    }
    for (uint32_t i = 0; i < a->s->ncolumns; i++) {
        const char *name = a->s->columns[i].name.name;
        const struct column_def *c = table_schema_column(a->t, name);
        if (!c) {
            if (a->s->column_cond) continue;
            return errmsg_set(a->em, ERR_INVALID, "Column %s was not found in table '%s.%s'", name,
                              a->ks, a->old->name);
        }
        if (c->kind == COLUMN_PARTITION_KEY || c->kind == COLUMN_CLUSTERING)
            return errmsg_set(a->em, ERR_INVALID, "Cannot drop PRIMARY KEY column %s", name);
        if (c->type->id == CQL_UDT && !c->type->frozen) {
            char tt[256];
            ddl_type_text(c->type, tt, sizeof tt);
            return errmsg_set(a->em, ERR_INVALID, "Cannot drop non-frozen column %s of user type %s",
                              name, tt);
        }
        char deps[256];
        if (ddl_index_dependents(a->k, a->old->name, name, deps, sizeof deps))
            return errmsg_set(a->em, ERR_INVALID,
                              "Cannot drop column %s because it has dependent secondary indexes "
                              "(%s)",
                              name, deps);
        int rc = table_schema_drop_column(a->t, name, ts, a->em);
        if (rc) return rc;
    }
    return 0;
}

static int rename_columns(struct alter *a)
{
    for (uint32_t i = 0; i < a->s->nrenames; i++) {
        const char *from = a->s->renames[i].from.name, *to = a->s->renames[i].to.name;
        struct column_def *c = NULL;
        for (uint16_t k = 0; k < a->t->ncolumns; k++)
            if (strcmp(a->t->columns[k].name, from) == 0) c = &a->t->columns[k];
        if (!c) {
            if (a->s->column_cond) continue;
            return errmsg_set(a->em, ERR_INVALID, "Column %s was not found in table %s.%s", from,
                              a->ks, a->old->name);
        }
        if (c->kind != COLUMN_PARTITION_KEY && c->kind != COLUMN_CLUSTERING)
            return errmsg_set(a->em, ERR_INVALID, "Cannot rename non PRIMARY KEY column %s", from);
        if (table_schema_column(a->t, to))
            return errmsg_set(a->em, ERR_INVALID,
                              "Cannot rename column %s to %s in table '%s.%s'; another column "
                              "with that name already exists",
                              from, to, a->ks, a->old->name);
        char deps[256];
        if (ddl_index_dependents(a->k, a->old->name, from, deps, sizeof deps))
            return errmsg_set(a->em, ERR_INVALID,
                              "Cannot rename column %s because it has dependent secondary "
                              "indexes (%s)",
                              from, deps);
        c->name = arena_strdup(&a->t->arena, to);
    }
    return 0;
}

static int alter_options(struct alter *a)
{
    int rc = ddl_table_apply_props(a->t, &a->s->props, false, a->em);
    if (rc) return rc;
    if (a->t->opts.default_time_to_live > 0)
        for (uint16_t i = 0; i < a->t->ncolumns; i++)
            if (a->t->columns[i].type->id == CQL_COUNTER)
                return errmsg_set(a->em, ERR_INVALID,
                                  "Cannot set default_time_to_live on a table with counters");
    return 0;
}

static int apply(struct alter *a)
{
    switch (a->s->kind) {
    case AST_ALTER_TYPE_OF:
        return errmsg_set(a->em, ERR_INVALID, "Altering column types is no longer supported");
    case AST_ALTER_ADD: return add_columns(a);
    case AST_ALTER_DROP: return drop_columns(a);
    case AST_ALTER_RENAME: return rename_columns(a);
    case AST_ALTER_WITH: return alter_options(a);
    }
    return errmsg_set(a->em, ERR_SERVER, "unknown ALTER TABLE form");
}

int ddl_alter_table(const struct ddl_ctx *ctx, const struct ast_alter *s, struct ddl_plan *plan,
                    struct errmsg *em)
{
    struct alter a = {.ctx = ctx, .s = s, .em = em};
    int rc = ddl_keyspace_of(ctx, s->name.keyspace, &a.ks, em);
    if (rc == 0) rc = ddl_check_modifiable(ctx, a.ks, s->name.name, DDL_ALTER, em);
    if (rc) return rc;
    a.k = catalog_keyspace(ctx->base, a.ks);
    a.old = a.k ? catalog_ks_table(a.k, s->name.name) : NULL;
    if (!a.old) {
        if (s->if_exists) return 0;
        return errmsg_set(em, ERR_INVALID, "Table '%s.%s' doesn't exist", a.ks, s->name.name);
    }
    a.t = table_schema_copy(a.old);
    rc = apply(&a);
    if (rc == 0) rc = table_schema_finish(a.t, em);
    if (rc == 0) {
        plan->next = ddl_table_swap(ctx->base, a.t);
        ddl_plan_result(plan, "UPDATED", "TABLE", a.ks, s->name.name);
    }
    table_schema_unref(a.t);
    return rc;
}

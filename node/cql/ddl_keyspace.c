/*
 * ddl_keyspace: see ddl_keyspace.h. Order of checks as Cassandra: property names and types
 * (KeyspaceAttributes.validate), then existence, then the replication parameters.
 */
#include "node/cql/ddl_keyspace.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The WITH properties of a keyspace statement. */
struct ks_attrs {
    bool has_replication;
    uint32_t nrepl;
    const char *keys[CATALOG_MAP_MAX];
    const char *values[CATALOG_MAP_MAX];
    bool has_durable;
    bool durable;
    bool graph_engine; /* DSE's property: ignored with a warning */
};

static int replication_map(const struct ast_term *v, struct ks_attrs *a, struct errmsg *em)
{
    if (v->kind == AST_T_EMPTY_BRACES) return 0;
    if (v->kind != AST_T_MAP)
        return errmsg_set(em, ERR_SYNTAX,
                          "Invalid value for property 'replication'. It should be a map.");
    if (v->u.map.n > CATALOG_MAP_MAX)
        return errmsg_set(em, ERR_CONFIG, "Too many replication options (max %d)",
                          CATALOG_MAP_MAX);
    for (uint32_t i = 0; i < v->u.map.n; i++) {
        const char *k = ddl_const_text(v->u.map.keys[i]);
        const char *val = ddl_const_text(v->u.map.values[i]);
        if (!k || !val)
            return errmsg_set(em, ERR_SYNTAX,
                              "Invalid value for property 'replication'. It should be a map.");
        for (uint32_t j = 0; j < a->nrepl; j++)
            if (strcmp(a->keys[j], k) == 0)
                return errmsg_set(em, ERR_SYNTAX, "Multiple definition for property %s", k);
        a->keys[a->nrepl] = k;
        a->values[a->nrepl++] = val;
    }
    return 0;
}

static int parse_attrs(const struct ast_props *props, struct ks_attrs *a, struct errmsg *em)
{
    memset(a, 0, sizeof *a);
    for (uint32_t i = 0; i < props->n; i++) {
        const char *name = props->items[i].name.name;
        const struct ast_term *v = props->items[i].value;
        if (strcmp(name, "replication") == 0) {
            a->has_replication = true;
            int rc = replication_map(v, a, em);
            if (rc) return rc;
        } else if (strcmp(name, "durable_writes") == 0) {
            const char *t = ddl_const_text(v);
            if (!t || (strcasecmp(t, "true") != 0 && strcasecmp(t, "false") != 0))
                return errmsg_set(em, ERR_SYNTAX,
                                  "Invalid boolean value %s for 'durable_writes'. It should be "
                                  "'true' or 'false'",
                                  t ? t : "(not a constant)");
            a->has_durable = true;
            a->durable = strcasecmp(t, "true") == 0;
        } else if (strcmp(name, "graph_engine") == 0) {
            a->graph_engine = true;
        } else {
            return errmsg_set(em, ERR_SYNTAX, "Unknown property '%s'", name);
        }
    }
    bool has_class = false;
    for (uint32_t i = 0; i < a->nrepl; i++)
        has_class |= strcmp(a->keys[i], "class") == 0;
    if (a->nrepl > 0 && !has_class)
        return errmsg_set(em, ERR_CONFIG, "Missing replication strategy class");
    return 0;
}

/* Cassandra 4.1: NetworkTopologyStrategy accepts only data centers the cluster knows. */
static int check_dcs(const struct ddl_ctx *ctx, const struct ks_attrs *a, const char *ks,
                     struct errmsg *em)
{
    for (uint32_t i = 0; i < a->nrepl; i++) {
        const char *k = a->keys[i];
        if (strcmp(k, "class") == 0 || strcmp(k, "replication_factor") == 0) continue;
        bool known = false;
        for (size_t d = 0; d < ctx->nknown && !known; d++)
            known = strcmp(ctx->known_dcs[d], k) == 0;
        if (!known)
            return errmsg_set(em, ERR_CONFIG,
                              "Unrecognized strategy option {%s} passed to "
                              "NetworkTopologyStrategy for keyspace %s",
                              k, ks);
    }
    return 0;
}

static int parse_strategy(const struct ddl_ctx *ctx, const struct ks_attrs *a, const char *ks,
                          struct strategy *out, struct errmsg *em)
{
    int rc = strategy_parse(a->keys, a->values, a->nrepl, ctx->known_dcs, ctx->nknown, true, ks,
                            out, em);
    if (rc) return rc;
    if (out->kind == STRATEGY_LOCAL)
        return errmsg_set(em, ERR_INVALID,
                          "Unable to use given strategy class: LocalStrategy is reserved for "
                          "internal use.");
    if (out->kind == STRATEGY_NTS) return check_dcs(ctx, a, ks, em);
    return 0;
}

static void rf_warning(const struct ddl_ctx *ctx, const struct strategy *s, const char *ks,
                       struct ddl_plan *plan)
{
    if (s->kind == STRATEGY_SIMPLE && ctx->nnodes > 0 && s->rf > ctx->nnodes)
        snprintf(plan->warning, sizeof plan->warning,
                 "Your replication factor %u for keyspace %s is higher than the number of nodes "
                 "%u",
                 s->rf, ks, ctx->nnodes);
}

static int check_create_name(const char *name, struct errmsg *em)
{
    if (catalog_is_local_system_keyspace(name))
        return errmsg_set(em, ERR_INVALID, "System keyspace '%s' is not user-modifiable", name);
    if (strcmp(name, "system_views") == 0 || strcmp(name, "system_virtual_schema") == 0)
        return errmsg_set(em, ERR_INVALID, "Virtual keyspace '%s' is not user-modifiable", name);
    if (!ddl_valid_name(name))
        return errmsg_set(em, ERR_INVALID,
                          "Keyspace name must not be empty, more than %d characters long, or "
                          "contain non-alphanumeric-underscore characters (got '%s')",
                          DDL_NAME_LENGTH_MAX, name);
    return 0;
}

int ddl_keyspace_create(const struct ddl_ctx *ctx, const struct ast_keyspace_stmt *s,
                        struct ddl_plan *plan, struct errmsg *em)
{
    const char *name = s->keyspace.name;
    struct ks_attrs a;
    int rc = check_create_name(name, em);
    if (rc == 0) rc = parse_attrs(&s->props, &a, em);
    if (rc) return rc;
    if (!a.has_replication)
        return errmsg_set(em, ERR_INVALID, "Missing mandatory option 'replication'");
    if (catalog_keyspace(ctx->base, name)) {
        if (s->if_cond) return 0;
        snprintf(plan->ae_keyspace, sizeof plan->ae_keyspace, "%s", name);
        return errmsg_set(em, ERR_ALREADY_EXISTS, "Cannot add existing keyspace \"%s\"", name);
    }
    struct catalog_ks_params p = {.name = name, .durable_writes = a.has_durable ? a.durable : true};
    if ((rc = parse_strategy(ctx, &a, name, &p.strategy, em)) != 0) return rc;
    struct catalog_edit *e = catalog_edit_begin(ctx->base);
    catalog_edit_put_keyspace(e, &p);
    plan->next = catalog_edit_finish(e);
    ddl_plan_result(plan, "CREATED", "KEYSPACE", name, NULL);
    rf_warning(ctx, &p.strategy, name, plan);
    if (a.graph_engine && !plan->warning[0])
        snprintf(plan->warning, sizeof plan->warning,
                 "The unsupported graph property 'graph_engine' was ignored.");
    return 0;
}

int ddl_keyspace_alter(const struct ddl_ctx *ctx, const struct ast_keyspace_stmt *s,
                       struct ddl_plan *plan, struct errmsg *em)
{
    const char *name = s->keyspace.name;
    struct ks_attrs a;
    int rc = ddl_check_modifiable(ctx, name, NULL, DDL_ALTER, em);
    if (rc == 0) rc = parse_attrs(&s->props, &a, em);
    if (rc) return rc;
    const struct catalog_keyspace *ks = catalog_keyspace(ctx->base, name);
    if (!ks) {
        if (s->if_cond) return 0;
        return errmsg_set(em, ERR_INVALID, "Keyspace '%s' doesn't exist", name);
    }
    struct catalog_ks_params p = {.name = name,
                                  .durable_writes = a.has_durable ? a.durable : ks->durable_writes,
                                  .is_system = ks->is_system,
                                  .strategy = ks->strategy};
    if (a.nrepl && (rc = parse_strategy(ctx, &a, name, &p.strategy, em)) != 0) return rc;
    struct catalog_edit *e = catalog_edit_begin(ctx->base);
    catalog_edit_put_keyspace(e, &p);
    plan->next = catalog_edit_finish(e);
    ddl_plan_result(plan, "UPDATED", "KEYSPACE", name, NULL);
    rf_warning(ctx, &p.strategy, name, plan);
    if (!plan->warning[0] && strategy_total_rf(&p.strategy) > strategy_total_rf(&ks->strategy))
        snprintf(plan->warning, sizeof plan->warning,
                 "When increasing replication factor you need to run a full (-full) repair to "
                 "distribute the data.");
    return 0;
}

int ddl_keyspace_drop(const struct ddl_ctx *ctx, const struct ast_keyspace_stmt *s,
                      struct ddl_plan *plan, struct errmsg *em)
{
    const char *name = s->keyspace.name;
    int rc = ddl_check_modifiable(ctx, name, NULL, DDL_DROP, em);
    if (rc) return rc;
    if (!catalog_keyspace(ctx->base, name)) {
        if (s->if_cond) return 0;
        return errmsg_set(em, ERR_INVALID, "Keyspace '%s' doesn't exist", name);
    }
    struct catalog_edit *e = catalog_edit_begin(ctx->base);
    catalog_edit_drop_keyspace(e, name);
    plan->next = catalog_edit_finish(e);
    ddl_plan_result(plan, "DROPPED", "KEYSPACE", name, NULL);
    return 0;
}

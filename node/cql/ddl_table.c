/*
 * ddl_table: see ddl_table.h. CREATE TABLE follows CreateTableStatement.builder: resolve every
 * column type, check the primary key (known, unique, frozen, comparable, not static), the
 * CLUSTERING ORDER directive, statics and counters, then the options; table_schema_finish does
 * the remaining structural checks.
 */
#include "node/cql/ddl_table.h"

#include <stdio.h>
#include <string.h>

#include "node/cql/syskeyspaces.h"

struct table_build {
    const struct ddl_ctx *ctx;
    const struct ast_create_table *s;
    const char *ks;
    struct arena arena;
    const struct cql_type **types; /* per s->columns[i] */
    struct errmsg *em;
};

static int find_col(const struct ast_create_table *s, const char *name)
{
    for (uint32_t i = 0; i < s->ncolumns; i++)
        if (strcmp(s->columns[i].name.name, name) == 0) return (int)i;
    return -1;
}

static int resolve_columns(struct table_build *b)
{
    const struct ast_create_table *s = b->s;
    b->types = arena_zalloc(&b->arena, (s->ncolumns ? s->ncolumns : 1) * sizeof *b->types);
    for (uint32_t i = 0; i < s->ncolumns; i++) {
        const char *name = s->columns[i].name.name;
        char qn[AST_QNAME_TEXT_MAX];
        if (find_col(s, name) != (int)i)
            return errmsg_set(b->em, ERR_INVALID, "Duplicate column '%s' declaration for table '%s'",
                              name, ast_qname_text(&s->table, qn, sizeof qn));
        int rc = ddl_resolve_type(b->ctx, b->ks, s->columns[i].type, &b->arena, &b->types[i],
                                  b->em);
        if (rc) return rc;
    }
    for (uint32_t i = 0; i < s->ncolumns; i++)
        if (ddl_udt_has_multicell_field(b->types[i]))
            return errmsg_set(b->em, ERR_INVALID,
                              "Non-frozen UDTs with nested non-frozen collections are not "
                              "supported");
    return 0;
}

/* One PRIMARY KEY column reference (CreateTableStatement's checks, in its order). */
static int check_key_column(struct table_build *b, const char *name, uint8_t *seen)
{
    const struct ast_create_table *s = b->s;
    int i = find_col(s, name);
    if (i < 0)
        return errmsg_set(b->em, ERR_INVALID,
                          "Unknown column '%s' referenced in PRIMARY KEY for table '%s'", name,
                          s->table.name);
    if (seen[i])
        return errmsg_set(b->em, ERR_INVALID,
                          "Duplicate column '%s' in PRIMARY KEY clause for table '%s'", name,
                          s->table.name);
    seen[i] = 1;
    const struct cql_type *t = b->types[i];
    char tt[256];
    ddl_type_text(t, tt, sizeof tt);
    if (cql_type_is_multicell(t))
        return errmsg_set(b->em, ERR_INVALID,
                          t->id == CQL_UDT
                              ? "Invalid non-frozen user-defined type %s for PRIMARY KEY column '%s'"
                              : "Invalid non-frozen collection type %s for PRIMARY KEY column '%s'",
                          tt, name);
    if (t->id == CQL_COUNTER)
        return errmsg_set(b->em, ERR_INVALID,
                          "counter type is not supported for PRIMARY KEY column '%s'", name);
    if (!cql_type_is_comparable(t))
        return errmsg_set(b->em, ERR_INVALID,
                          "duration type is not supported for PRIMARY KEY column '%s'", name);
    if (s->columns[i].is_static)
        return errmsg_set(b->em, ERR_INVALID, "Static column '%s' cannot be part of the PRIMARY KEY",
                          name);
    return 0;
}

static int check_order(struct table_build *b)
{
    const struct ast_create_table *s = b->s;
    if (s->norder > s->nclustering)
        return errmsg_set(b->em, ERR_INVALID,
                          "Only clustering columns can be defined in CLUSTERING ORDER directive");
    for (uint32_t i = 0; i < s->norder; i++) {
        const char *want = s->clustering[i].name, *got = s->order[i].column.name;
        if (strcmp(want, got) == 0) continue;
        for (uint32_t k = 0; k < s->norder; k++)
            if (strcmp(s->order[k].column.name, want) == 0)
                return errmsg_set(b->em, ERR_INVALID,
                                  "The order of columns in the CLUSTERING ORDER directive must "
                                  "match that of the clustering columns (%s must appear before "
                                  "%s)",
                                  want, got);
        return errmsg_set(b->em, ERR_INVALID, "Missing CLUSTERING ORDER for column %s", want);
    }
    return 0;
}

static int check_columns(struct table_build *b, const uint8_t *key)
{
    const struct ast_create_table *s = b->s;
    bool statics = false, counters = false, others = false;
    for (uint32_t i = 0; i < s->ncolumns; i++) {
        statics |= s->columns[i].is_static;
        if (key[i]) continue;
        if (b->types[i]->id == CQL_COUNTER)
            counters = true;
        else
            others = true;
    }
    if (s->nclustering == 0 && statics)
        return errmsg_set(b->em, ERR_INVALID,
                          "Static columns are only useful (and thus allowed) if the table has at "
                          "least one clustering column");
    if (counters && others)
        return errmsg_set(b->em, ERR_INVALID,
                          "Cannot mix counter and non counter columns in the same table");
    return 0;
}

static int add_columns(struct table_build *b, struct table_schema *t, const uint8_t *key)
{
    const struct ast_create_table *s = b->s;
    int rc = 0;
    for (uint32_t i = 0; rc == 0 && i < s->npk; i++) {
        int c = find_col(s, s->pk[i].name);
        rc = table_schema_add_column(t, s->pk[i].name, COLUMN_PARTITION_KEY, (int)i, false,
                                     b->types[c], b->em);
    }
    for (uint32_t i = 0; rc == 0 && i < s->nclustering; i++) {
        int c = find_col(s, s->clustering[i].name);
        bool desc = i < s->norder && s->order[i].desc;
        rc = table_schema_add_column(t, s->clustering[i].name, COLUMN_CLUSTERING, (int)i, desc,
                                     b->types[c], b->em);
    }
    for (uint32_t i = 0; rc == 0 && i < s->ncolumns; i++)
        if (!key[i])
            rc = table_schema_add_column(t, s->columns[i].name.name,
                                         s->columns[i].is_static ? COLUMN_STATIC : COLUMN_REGULAR,
                                         -1, false, b->types[i], b->em);
    return rc;
}

static int prop_value(struct table_schema *s, const struct ast_property *p, struct errmsg *em)
{
    const char *name = p->name.name;
    const struct ast_term *v = p->value;
    if (v->kind == AST_T_MAP || v->kind == AST_T_EMPTY_BRACES) {
        uint32_t n = v->kind == AST_T_MAP ? v->u.map.n : 0;
        if (n > 64) return errmsg_set(em, ERR_INVALID, "Too many entries in option %s", name);
        const char *keys[64], *values[64];
        for (uint32_t i = 0; i < n; i++) {
            keys[i] = ddl_const_text(v->u.map.keys[i]);
            values[i] = ddl_const_text(v->u.map.values[i]);
            if (!keys[i] || !values[i])
                return errmsg_set(em, ERR_SYNTAX, "Invalid value for property '%s'", name);
        }
        return table_schema_set_map_option(s, name, n, keys, values, em);
    }
    const char *text = ddl_const_text(v);
    if (!text) return errmsg_set(em, ERR_SYNTAX, "Invalid value for property '%s'", name);
    return table_schema_set_option(s, name, text, em);
}

int ddl_table_apply_props(struct table_schema *s, const struct ast_props *props, bool creating,
                          struct errmsg *em)
{
    for (uint32_t i = 0; i < props->n; i++) {
        const struct ast_property *p = &props->items[i];
        if (strcmp(p->name.name, "id") == 0) {
            if (!creating) return errmsg_set(em, ERR_CONFIG, "Cannot alter table id.");
            const char *text = ddl_const_text(p->value);
            if (!text || uuid_parse(text, strlen(text), &s->id) != 0)
                return errmsg_set(em, ERR_CONFIG, "Invalid table id");
            continue;
        }
        int rc = prop_value(s, p, em);
        if (rc) return rc;
    }
    return 0;
}

static int build(struct table_build *b, struct table_schema **out)
{
    const struct ast_create_table *s = b->s;
    int rc = resolve_columns(b);
    uint8_t *key = arena_zalloc(&b->arena, s->ncolumns + 1);
    for (uint32_t i = 0; rc == 0 && i < s->npk; i++)
        rc = check_key_column(b, s->pk[i].name, key);
    for (uint32_t i = 0; rc == 0 && i < s->nclustering; i++)
        rc = check_key_column(b, s->clustering[i].name, key);
    if (rc == 0) rc = check_order(b);
    if (rc == 0) rc = check_columns(b, key);
    if (rc) return rc;
    struct uuid id;
    uuid_random(&id);
    struct table_schema *t = table_schema_new(b->ks, s->table.name, &id);
    rc = add_columns(b, t, key);
    if (rc == 0) rc = ddl_table_apply_props(t, &s->props, true, b->em);
    if (rc == 0 && t->opts.default_time_to_live > 0)
        for (uint16_t i = 0; i < t->ncolumns; i++)
            if (t->columns[i].type->id == CQL_COUNTER)
                rc = errmsg_set(b->em, ERR_INVALID,
                                "Cannot set default_time_to_live on a table with counters");
    if (rc == 0) rc = table_schema_finish(t, b->em);
    if (rc) {
        table_schema_unref(t);
        return rc;
    }
    *out = t;
    return 0;
}

struct catalog *ddl_table_swap(const struct catalog *base, struct table_schema *s)
{
    struct catalog_edit *e = catalog_edit_begin(base);
    catalog_edit_put_table(e, s);
    return catalog_edit_finish(e);
}

int ddl_table_create(const struct ddl_ctx *ctx, const struct ast_create_table *s,
                     struct ddl_plan *plan, struct errmsg *em)
{
    const char *ks;
    const struct catalog_keyspace *k;
    int rc = ddl_create_target(ctx, s->table.keyspace, &ks, &k, em);
    if (rc) return rc;
    if (catalog_ks_table(k, s->table.name)) {
        if (s->if_not_exists) return 0;
        snprintf(plan->ae_keyspace, sizeof plan->ae_keyspace, "%s", ks);
        snprintf(plan->ae_table, sizeof plan->ae_table, "%s", s->table.name);
        return errmsg_set(em, ERR_ALREADY_EXISTS,
                          "Cannot add already existing table \"%s\" to keyspace \"%s\"",
                          s->table.name, ks);
    }
    if (!ddl_valid_name(s->table.name))
        return errmsg_set(em, ERR_CONFIG,
                          "Table name must not be empty, more than %d characters long, or "
                          "contain non-alphanumeric-underscore characters (got \"%s\")",
                          DDL_NAME_LENGTH_MAX, s->table.name);
    struct table_build b = {.ctx = ctx, .s = s, .ks = ks, .em = em};
    arena_init(&b.arena, 4096);
    struct table_schema *t = NULL;
    rc = build(&b, &t);
    arena_deinit(&b.arena);
    if (rc) return rc;
    if (catalog_table_by_id(ctx->base, &t->id)) {
        table_schema_unref(t);
        return errmsg_set(em, ERR_CONFIG, "Table id is already in use");
    }
    plan->next = ddl_table_swap(ctx->base, t);
    table_schema_unref(t);
    ddl_plan_result(plan, "CREATED", "TABLE", ks, s->table.name);
    return 0;
}

int ddl_table_drop(const struct ddl_ctx *ctx, const struct ast_drop *s, struct ddl_plan *plan,
                   struct errmsg *em)
{
    const char *ks;
    int rc = ddl_keyspace_of(ctx, s->name.keyspace, &ks, em);
    if (rc == 0) rc = ddl_check_modifiable(ctx, ks, s->name.name, DDL_DROP, em);
    if (rc) return rc;
    if (!catalog_table(ctx->base, ks, s->name.name)) {
        if (s->if_exists) return 0;
        return errmsg_set(em, ERR_INVALID, "Table '%s.%s' doesn't exist", ks, s->name.name);
    }
    struct catalog_edit *e = catalog_edit_begin(ctx->base);
    catalog_edit_drop_table(e, ks, s->name.name);
    plan->next = catalog_edit_finish(e);
    ddl_plan_result(plan, "DROPPED", "TABLE", ks, s->name.name);
    return 0;
}

int ddl_table_truncate(const struct ddl_ctx *ctx, const struct ast_qname *table,
                       struct ddl_plan *plan, struct errmsg *em)
{
    const char *ks;
    int rc = ddl_keyspace_of(ctx, table->keyspace, &ks, em);
    if (rc) return rc;
    struct table_schema *t;
    rc = catalog_validate_table(ctx->base, ks, table->name, &t, em);
    if (rc) return rc;
    if (syskeyspaces_is_computed(ks, table->name))
        return errmsg_set(em, ERR_INVALID, "Truncation is not supported by table %s.%s", ks,
                          table->name);
    plan->truncate = true;
    plan->truncate_id = t->id;
    return 0;
}

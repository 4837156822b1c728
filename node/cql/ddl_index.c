/*
 * ddl_index: see ddl_index.h. Names and targets as Cassandra writes them: an unnamed index is
 * "<table>_<column>_idx" with non-word characters removed (IndexMetadata
 * .generateDefaultIndexName), made unique with "_1", "_2" ...; a plain target on a non-frozen
 * collection means values(c); targets quote names as ColumnIdentifier.maybeQuote does.
 */
#include "node/cql/ddl_index.h"

#include <stdio.h>
#include <string.h>

#include "storage/cql_ident.h"

#define INDEX_NAME_MAX 256

static const char *const target_kind[] = {
    [AST_INDEX_SIMPLE] = "", [AST_INDEX_KEYS] = "keys", [AST_INDEX_VALUES] = "values",
    [AST_INDEX_ENTRIES] = "entries", [AST_INDEX_FULL] = "full"};

bool ddl_index_target_column(const char *target, char *out, size_t cap)
{
    const char *p = target;
    size_t len = strlen(p);
    static const char *const fns[] = {"values(", "keys(", "entries(", "full("};
    for (size_t i = 0; i < 4; i++) {
        size_t n = strlen(fns[i]);
        if (len > n + 1 && strncmp(p, fns[i], n) == 0 && p[len - 1] == ')') {
            p += n;
            len -= n + 1;
            break;
        }
    }
    size_t o = 0;
    if (len >= 2 && p[0] == '"' && p[len - 1] == '"') {
        for (size_t i = 1; i + 1 < len; i++) {
            if (p[i] == '"') i++; /* "" -> " */
            if (o + 1 >= cap) return false;
            out[o++] = p[i];
        }
    } else {
        for (size_t i = 0; i < len; i++) {
            char c = p[i];
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') || o + 1 >= cap)
                return false;
            out[o++] = c;
        }
    }
    out[o] = '\0';
    return o > 0;
}

bool ddl_index_dependents(const struct catalog_keyspace *ks, const char *table,
                          const char *column, char *out, size_t cap)
{
    out[0] = '\0';
    for (uint32_t i = 0; i < ks->nindexes; i++) {
        const struct catalog_index *ix = &ks->indexes[i];
        if (strcmp(ix->table, table) != 0) continue;
        const char *target = str_map_get(&ix->options, "target");
        char col[SCHEMA_NAME_MAX + 1];
        if (target && ddl_index_target_column(target, col, sizeof col) &&
            strcmp(col, column) != 0)
            continue; /* a custom free-form target counts as dependent, as in Cassandra */
        size_t n = strlen(out);
        if (n + 1 >= cap) continue;
        int w = snprintf(out + n, cap - n, "%s%s", n ? ", " : "", ix->name);
        if (w < 0) out[n] = '\0'; /* a long list is cut: it is only a message */
    }
    return out[0] != '\0';
}

/* The target text for column c indexed as kind (SIMPLE on a non-frozen collection = VALUES). */
static void target_text(const struct column_def *c, enum ast_index_target_kind kind,
                        struct buf *out)
{
    if (kind == AST_INDEX_SIMPLE && cql_type_is_collection(c->type) && !c->type->frozen)
        kind = AST_INDEX_VALUES;
    if (kind != AST_INDEX_SIMPLE) buf_printf(out, "%s(", target_kind[kind]);
    cql_ident_append(out, c->name);
    if (kind != AST_INDEX_SIMPLE) buf_put_u8(out, ')');
    buf_put_u8(out, '\0');
}

static bool references_duration(const struct cql_type *t)
{
    if (t->id == CQL_DURATION) return true;
    for (uint16_t i = 0; i < t->nsub; i++)
        if (references_duration(t->sub[i])) return true;
    return false;
}

/* CreateIndexStatement.validateIndexTarget. */
static int check_target(const struct table_schema *t, const struct ast_index_target *tg,
                        const struct column_def **out, struct errmsg *em)
{
    const char *name = tg->column.name;
    const struct column_def *c = table_schema_column(t, name);
    if (!c) return errmsg_set(em, ERR_INVALID, "Column '%s' doesn't exist", name);
    const struct cql_type *ty = c->type;
    enum ast_index_target_kind k = tg->kind;
    if (references_duration(ty))
        return errmsg_set(em, ERR_INVALID, "Secondary indexes are not supported on %s",
                          cql_type_is_collection(ty) ? "collections containing durations"
                          : ty->id == CQL_TUPLE      ? "tuples containing durations"
                          : ty->id == CQL_UDT        ? "UDTs containing durations"
                                                     : "duration columns");
    if (c->kind == COLUMN_PARTITION_KEY && t->npk == 1)
        return errmsg_set(em, ERR_INVALID,
                          "Cannot create secondary index on the only partition key column %s",
                          name);
    bool frozen_coll = cql_type_is_collection(ty) && ty->frozen;
    if (frozen_coll && k != AST_INDEX_FULL)
        return errmsg_set(em, ERR_INVALID,
                          "Cannot create %s() index on frozen column %s. Frozen collections are "
                          "immutable and must be fully indexed by using the 'full(%s)' modifier",
                          k == AST_INDEX_SIMPLE ? "values" : target_kind[k], name, name);
    if (!frozen_coll && k == AST_INDEX_FULL)
        return errmsg_set(em, ERR_INVALID, "full() indexes can only be created on frozen collections");
    if (!cql_type_is_collection(ty) && k != AST_INDEX_SIMPLE)
        return errmsg_set(em, ERR_INVALID,
                          "Cannot create %s() index on %s. Non-collection columns only support "
                          "simple indexes",
                          target_kind[k], name);
    if ((k == AST_INDEX_KEYS || k == AST_INDEX_ENTRIES) && !(ty->id == CQL_MAP && !ty->frozen))
        return errmsg_set(em, ERR_INVALID, "Cannot create index on %s of column %s with non-map type",
                          target_kind[k], name);
    if (ty->id == CQL_UDT && !ty->frozen)
        return errmsg_set(em, ERR_INVALID, "Cannot create index on non-frozen UDT column %s", name);
    *out = c;
    return 0;
}

/* "<table>_<column>_idx" without non-word characters, unique in the keyspace. */
static void default_name(const struct catalog_keyspace *k, const char *table, const char *col,
                         char *out, size_t cap)
{
    char base[INDEX_NAME_MAX], raw[INDEX_NAME_MAX];
    snprintf(raw, sizeof raw, "%s_%s_idx", table, col ? col : "");
    size_t n = 0;
    for (const char *p = raw; *p && n + 1 < sizeof base; p++)
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '_')
            base[n++] = *p;
    base[n] = '\0';
    snprintf(out, cap, "%s", base);
    for (int i = 1; catalog_ks_index(k, out); i++)
        snprintf(out, cap, "%.200s_%d", base, i);
}

struct index_def {
    const char *kind;
    uint32_t n;
    const char *keys[CATALOG_MAP_MAX];
    const char *values[CATALOG_MAP_MAX];
};

static int options_of(const struct ast_create_index *s, const char *target,
                      struct index_def *d, struct errmsg *em)
{
    d->kind = s->custom ? "CUSTOM" : "COMPOSITES";
    d->n = 0;
    if (s->custom) {
        if (!s->using_class)
            return errmsg_set(em, ERR_INVALID, "CUSTOM index requires specifying the index class");
        d->keys[d->n] = "class_name";
        d->values[d->n++] = s->using_class;
        for (uint32_t i = 0; i < s->props.n; i++) {
            const struct ast_term *v = s->props.items[i].value;
            if (strcmp(s->props.items[i].name.name, "options") != 0 || v->kind != AST_T_MAP)
                continue;
            for (uint32_t k = 0; k < v->u.map.n && d->n + 1 < CATALOG_MAP_MAX; k++) {
                d->keys[d->n] = ddl_const_text(v->u.map.keys[k]);
                d->values[d->n] = ddl_const_text(v->u.map.values[k]);
                if (!d->keys[d->n] || !d->values[d->n])
                    return errmsg_set(em, ERR_SYNTAX, "Invalid value for property 'options'");
                if (strcmp(d->keys[d->n], "target") == 0 || strcmp(d->keys[d->n], "class_name") == 0)
                    return errmsg_set(em, ERR_INVALID, "Cannot specify %s as a CUSTOM option",
                                      d->keys[d->n]);
                d->n++;
            }
        }
    } else if (s->using_class || s->props.n) {
        return errmsg_set(em, ERR_INVALID, "Cannot specify options for a non-CUSTOM index");
    }
    if (target) {
        d->keys[d->n] = "target";
        d->values[d->n++] = target;
    }
    for (uint32_t i = 1; i < d->n; i++) /* str_map keys are sorted */
        for (uint32_t j = i; j > 0 && strcmp(d->keys[j - 1], d->keys[j]) > 0; j--) {
            const char *tk = d->keys[j], *tv = d->values[j];
            d->keys[j] = d->keys[j - 1];
            d->values[j] = d->values[j - 1];
            d->keys[j - 1] = tk;
            d->values[j - 1] = tv;
        }
    return 0;
}

static bool same_definition(const struct catalog_index *ix, const char *table,
                            const struct index_def *d)
{
    if (strcmp(ix->table, table) != 0 || strcmp(ix->kind, d->kind) != 0 || ix->options.n != d->n)
        return false;
    for (uint32_t i = 0; i < d->n; i++)
        if (strcmp(ix->options.keys[i], d->keys[i]) || strcmp(ix->options.values[i], d->values[i]))
            return false;
    return true;
}

static int check_create(const struct ddl_ctx *ctx, const struct ast_create_index *s,
                        const char *ks, const struct catalog_keyspace **k,
                        const struct table_schema **t, struct errmsg *em)
{
    int rc = ddl_check_modifiable(ctx, ks, s->table.name, DDL_ALTER, em);
    if (rc) return rc;
    if (!(*k = catalog_keyspace(ctx->base, ks)))
        return errmsg_set(em, ERR_INVALID, "Keyspace '%s' doesn't exist", ks);
    if (!(*t = catalog_ks_table(*k, s->table.name)))
        return errmsg_set(em, ERR_INVALID, "Table '%s' doesn't exist", s->table.name);
    if (s->name && !ddl_valid_name(s->name))
        return errmsg_set(em, ERR_CONFIG, "Illegal index name %s", s->name);
    return 0;
}

int ddl_index_create(const struct ddl_ctx *ctx, const struct ast_create_index *s,
                     struct ddl_plan *plan, struct errmsg *em)
{
    const char *ks;
    const struct catalog_keyspace *k = NULL;
    const struct table_schema *t = NULL;
    int rc = ddl_keyspace_of(ctx, s->table.keyspace, &ks, em);
    if (rc == 0) rc = check_create(ctx, s, ks, &k, &t, em);
    if (rc) return rc;
    if (s->name && catalog_ks_index(k, s->name)) {
        if (s->if_not_exists) return 0;
        return errmsg_set(em, ERR_INVALID, "Index '%s' already exists", s->name);
    }
    for (uint16_t i = 0; i < t->ncolumns; i++)
        if (t->columns[i].type->id == CQL_COUNTER)
            return errmsg_set(em, ERR_INVALID, "Secondary indexes on counter tables aren't supported");
    if (s->ntargets == 0 && !s->custom)
        return errmsg_set(em, ERR_INVALID,
                          "Only CUSTOM indexes can be created without specifying a target column");
    if (s->ntargets > 1)
        return errmsg_set(em, ERR_INVALID,
                          s->custom ? "CUSTOM indexes on several columns are not supported"
                                    : "Only CUSTOM indexes support multiple columns");
    const struct column_def *c = NULL;
    if (s->ntargets == 1 && (rc = check_target(t, &s->targets[0], &c, em)) != 0) return rc;
    struct buf target;
    buf_init(&target);
    if (c) target_text(c, s->targets[0].kind, &target);
    char name[INDEX_NAME_MAX];
    if (s->name)
        snprintf(name, sizeof name, "%s", s->name);
    else
        default_name(k, t->name, c ? c->name : NULL, name, sizeof name);
    struct index_def d;
    rc = options_of(s, c ? (const char *)target.data : NULL, &d, em);
    for (uint32_t i = 0; rc == 0 && i < k->nindexes; i++)
        if (same_definition(&k->indexes[i], t->name, &d)) {
            if (!s->if_not_exists)
                rc = errmsg_set(em, ERR_INVALID, "Index %s is a duplicate of existing index %s",
                                name, k->indexes[i].name);
            buf_deinit(&target);
            return rc;
        }
    if (rc == 0) {
        struct catalog_index ix = {.table = t->name, .name = name, .kind = d.kind,
                                   .options = {.n = d.n, .keys = d.keys, .values = d.values}};
        struct catalog_edit *e = catalog_edit_begin(ctx->base);
        catalog_edit_put_index(e, ks, &ix);
        plan->next = catalog_edit_finish(e);
        ddl_plan_result(plan, "UPDATED", "TABLE", ks, t->name);
    }
    buf_deinit(&target);
    return rc;
}

int ddl_index_drop(const struct ddl_ctx *ctx, const struct ast_drop *s, struct ddl_plan *plan,
                   struct errmsg *em)
{
    const char *ks;
    int rc = ddl_keyspace_of(ctx, s->name.keyspace, &ks, em);
    if (rc) return rc;
    const struct catalog_keyspace *k = catalog_keyspace(ctx->base, ks);
    const struct catalog_index *ix = k ? catalog_ks_index(k, s->name.name) : NULL;
    if (!ix) {
        if (s->if_exists) return 0;
        return errmsg_set(em, ERR_INVALID, "Index '%s.%s' doesn't exist", ks, s->name.name);
    }
    if ((rc = ddl_check_modifiable(ctx, ks, ix->table, DDL_ALTER, em)) != 0) return rc;
    ddl_plan_result(plan, "UPDATED", "TABLE", ks, ix->table);
    struct catalog_edit *e = catalog_edit_begin(ctx->base);
    catalog_edit_drop_index(e, ks, s->name.name);
    plan->next = catalog_edit_finish(e);
    return 0;
}

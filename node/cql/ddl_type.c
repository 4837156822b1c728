/* ddl_type: see ddl_type.h. */
#include "node/cql/ddl_type.h"

#include <stdio.h>
#include <string.h>

#include "node/cql/ddl_table.h"

/* Appends name to a ", "-separated list in out. */
static void list_add(char *out, size_t cap, const char *name)
{
    size_t n = strlen(out);
    if (n + 1 >= cap) return;
    int w = snprintf(out + n, cap - n, "%s%s", n ? ", " : "", name);
    if (w < 0) out[n] = '\0'; /* a long list is cut: it is only a message */
}

static int check_fields(const struct ast_create_type *s, struct errmsg *em)
{
    if (s->nfields > CQL_TYPE_FIELDS_MAX)
        return errmsg_set(em, ERR_INVALID, "Too many fields in type '%s' (max %d)", s->name.name,
                          CQL_TYPE_FIELDS_MAX);
    for (uint32_t i = 0; i < s->nfields; i++) {
        for (uint32_t k = 0; k < i; k++)
            if (strcmp(s->fields[i].name.name, s->fields[k].name.name) == 0)
                return errmsg_set(em, ERR_INVALID, "Duplicate field name '%s' in type '%s'",
                                  s->fields[i].name.name, s->name.name);
    }
    for (uint32_t i = 0; i < s->nfields; i++) {
        const struct ast_type *t = s->fields[i].type;
        if (t->kind == AST_TYPE_NATIVE && t->native == CQL_COUNTER)
            return errmsg_set(em, ERR_INVALID, "A user type cannot contain counters");
        if (t->kind == AST_TYPE_UDT && !t->frozen)
            return errmsg_set(em, ERR_INVALID, "A user type cannot contain non-frozen UDTs");
    }
    return 0;
}

int ddl_type_create(const struct ddl_ctx *ctx, const struct ast_create_type *s,
                    struct ddl_plan *plan, struct errmsg *em)
{
    const char *ks;
    const struct catalog_keyspace *k;
    int rc = ddl_create_target(ctx, s->name.keyspace, &ks, &k, em);
    if (rc) return rc;
    if (catalog_ks_type(k, s->name.name)) {
        if (s->if_not_exists) return 0;
        return errmsg_set(em, ERR_INVALID, "A user type with name '%s' already exists",
                          s->name.name);
    }
    if ((rc = check_fields(s, em)) != 0) return rc;
    struct arena a;
    arena_init(&a, 2048);
    const struct cql_type **subs = arena_zalloc(&a, (s->nfields + 1) * sizeof *subs);
    const char **names = arena_zalloc(&a, (s->nfields + 1) * sizeof *names);
    for (uint32_t i = 0; rc == 0 && i < s->nfields; i++) {
        names[i] = s->fields[i].name.name;
        rc = ddl_resolve_type(ctx, ks, s->fields[i].type, &a, &subs[i], em);
    }
    if (rc == 0) {
        struct cql_type u = {.id = CQL_UDT,
                             .nsub = (uint16_t)s->nfields,
                             .sub = subs,
                             .field_names = names,
                             .udt_keyspace = ks,
                             .udt_name = s->name.name};
        struct catalog_edit *e = catalog_edit_begin(ctx->base);
        catalog_edit_put_type(e, &u);
        plan->next = catalog_edit_finish(e);
        ddl_plan_result(plan, "CREATED", "TYPE", ks, s->name.name);
    }
    arena_deinit(&a);
    return rc;
}

/* t with every occurrence of the UDT nu->udt_keyspace.nu->udt_name replaced by nu (keeping each
   occurrence's frozen flag); t itself when it does not mention it. Allocated in a. */
static const struct cql_type *retype(const struct cql_type *t, const struct cql_type *nu,
                                     struct arena *a)
{
    if (t->id == CQL_UDT && strcmp(t->udt_keyspace, nu->udt_keyspace) == 0 &&
        strcmp(t->udt_name, nu->udt_name) == 0) {
        struct cql_type *c = (struct cql_type *)cql_type_copy(nu, a);
        c->frozen = false;
        return t->frozen ? cql_type_freeze(c, a) : c;
    }
    if (!ddl_type_references(t, nu->udt_keyspace, nu->udt_name)) return t;
    struct cql_type *c = arena_alloc(a, sizeof *c);
    *c = *t;
    const struct cql_type **sub = arena_alloc(a, t->nsub * sizeof *sub);
    for (uint16_t i = 0; i < t->nsub; i++)
        sub[i] = retype(t->sub[i], nu, a);
    c->sub = sub;
    return c;
}

/* Puts nu and rewrites every type and table of its keyspace that mentions it. */
static int put_altered(const struct ddl_ctx *ctx, const struct catalog_keyspace *k,
                       const struct cql_type *nu, struct catalog **out, struct errmsg *em)
{
    struct catalog_edit *e = catalog_edit_begin(ctx->base);
    struct arena a;
    arena_init(&a, 2048);
    catalog_edit_put_type(e, nu);
    for (uint32_t i = 0; i < k->ntypes; i++)
        if (strcmp(k->types[i]->udt_name, nu->udt_name) != 0 &&
            ddl_type_references(k->types[i], k->name, nu->udt_name))
            catalog_edit_put_type(e, retype(k->types[i], nu, &a));
    int rc = 0;
    for (uint32_t i = 0; rc == 0 && i < k->ntables; i++) {
        const struct table_schema *old = k->tables[i];
        bool uses = false;
        for (uint16_t c = 0; c < old->ncolumns; c++)
            uses |= ddl_type_references(old->columns[c].type, k->name, nu->udt_name);
        if (!uses) continue;
        struct table_schema *t = table_schema_copy(old);
        for (uint16_t c = 0; c < t->ncolumns; c++)
            t->columns[c].type = retype(t->columns[c].type, nu, &t->arena);
        rc = table_schema_finish(t, em);
        if (rc == 0) catalog_edit_put_table(e, t);
        table_schema_unref(t);
    }
    arena_deinit(&a);
    if (rc) {
        catalog_edit_abort(e);
        return rc;
    }
    *out = catalog_edit_finish(e);
    return 0;
}

static int add_field(const struct ddl_ctx *ctx, const struct ast_alter *s,
                     const struct catalog_keyspace *k, const struct cql_type *old,
                     struct cql_type *nu, struct arena *a, struct errmsg *em)
{
    const char *field = s->columns[0].name.name;
    for (uint16_t i = 0; i < old->nsub; i++)
        if (strcmp(old->field_names[i], field) == 0)
            return s->column_cond ? 1
                                  : errmsg_set(em, ERR_INVALID,
                                               "Cannot add field %s to type %s.%s: a field with "
                                               "name %s already exists",
                                               field, k->name, old->udt_name, field);
    if (old->nsub >= CQL_TYPE_FIELDS_MAX)
        return errmsg_set(em, ERR_INVALID, "Too many fields in type %s", old->udt_name);
    const struct cql_type *ft;
    int rc = ddl_resolve_type(ctx, k->name, s->columns[0].type, a, &ft, em);
    if (rc) return rc;
    char tt[256], tables[256] = "";
    ddl_type_text(ft, tt, sizeof tt);
    if (ddl_type_references(ft, k->name, old->udt_name))
        return errmsg_set(em, ERR_INVALID,
                          "Cannot add new field %s of type %s to user type %s.%s as it would "
                          "create a circular reference",
                          field, tt, k->name, old->udt_name);
    for (uint32_t i = 0; i < k->ntables; i++)
        for (uint16_t c = 0; c < k->tables[i]->npk; c++)
            if (ddl_type_references(k->tables[i]->columns[c].type, k->name, old->udt_name)) {
                char qn[2 * SCHEMA_NAME_MAX + 2];
                snprintf(qn, sizeof qn, "%s.%s", k->name, k->tables[i]->name);
                list_add(tables, sizeof tables, qn);
                break;
            }
    if (tables[0])
        return errmsg_set(em, ERR_INVALID,
                          "Cannot add new field %s of type %s to user type %s.%s as the type is "
                          "being used in partition key by the following tables: %s",
                          field, tt, k->name, old->udt_name, tables);
    const struct cql_type **sub = arena_alloc(a, (old->nsub + 1u) * sizeof *sub);
    const char **names = arena_alloc(a, (old->nsub + 1u) * sizeof *names);
    memcpy(sub, old->sub, old->nsub * sizeof *sub);
    memcpy(names, old->field_names, old->nsub * sizeof *names);
    sub[old->nsub] = ft;
    names[old->nsub] = field;
    nu->sub = sub;
    nu->field_names = names;
    nu->nsub = (uint16_t)(old->nsub + 1);
    return 0;
}

static int rename_fields(const struct ast_alter *s, const struct catalog_keyspace *k,
                         const struct cql_type *old, struct cql_type *nu, struct arena *a,
                         struct errmsg *em)
{
    const char **names = arena_alloc(a, (old->nsub + 1u) * sizeof *names);
    memcpy(names, old->field_names, old->nsub * sizeof *names);
    for (uint32_t r = 0; r < s->nrenames; r++) {
        int idx = -1;
        for (uint16_t i = 0; i < old->nsub; i++)
            if (strcmp(old->field_names[i], s->renames[r].from.name) == 0) idx = i;
        if (idx < 0) {
            if (s->column_cond) continue;
            return errmsg_set(em, ERR_INVALID, "Unkown field %s in user type %s.%s",
                              s->renames[r].from.name, k->name, old->udt_name);
        }
        names[idx] = s->renames[r].to.name;
    }
    for (uint16_t i = 0; i < old->nsub; i++)
        for (uint16_t j = 0; j < i; j++)
            if (strcmp(names[i], names[j]) == 0)
                return errmsg_set(em, ERR_INVALID, "Duplicate field name %s in type %s.%s",
                                  names[i], k->name, old->udt_name);
    nu->field_names = names;
    return 0;
}

int ddl_type_alter(const struct ddl_ctx *ctx, const struct ast_alter *s, struct ddl_plan *plan,
                   struct errmsg *em)
{
    const char *ks;
    int rc = ddl_keyspace_of(ctx, s->name.keyspace, &ks, em);
    if (rc == 0) rc = ddl_check_modifiable(ctx, ks, NULL, DDL_ALTER, em);
    if (rc) return rc;
    const struct catalog_keyspace *k = catalog_keyspace(ctx->base, ks);
    const struct cql_type *old = k ? catalog_ks_type(k, s->name.name) : NULL;
    if (!old) {
        if (s->if_exists) return 0;
        return errmsg_set(em, ERR_INVALID, "Type %s.%s doesn't exist", ks, s->name.name);
    }
    struct arena a;
    arena_init(&a, 2048);
    struct cql_type nu = *old;
    if (s->kind == AST_ALTER_ADD && s->ncolumns == 1)
        rc = add_field(ctx, s, k, old, &nu, &a, em);
    else if (s->kind == AST_ALTER_RENAME)
        rc = rename_fields(s, k, old, &nu, &a, em);
    else if (s->kind == AST_ALTER_TYPE_OF)
        rc = errmsg_set(em, ERR_INVALID, "Altering field types is no longer supported");
    else
        rc = errmsg_set(em, ERR_INVALID, "Unsupported ALTER TYPE statement");
    if (rc == 0) rc = put_altered(ctx, k, &nu, &plan->next, em);
    if (rc == 0) ddl_plan_result(plan, "UPDATED", "TYPE", ks, s->name.name);
    arena_deinit(&a);
    return rc > 0 ? 0 : rc; /* 1: ADD IF NOT EXISTS of an existing field */
}

int ddl_type_drop(const struct ddl_ctx *ctx, const struct ast_drop *s, struct ddl_plan *plan,
                  struct errmsg *em)
{
    const char *ks;
    int rc = ddl_keyspace_of(ctx, s->name.keyspace, &ks, em);
    if (rc == 0) rc = ddl_check_modifiable(ctx, ks, NULL, DDL_DROP, em);
    if (rc) return rc;
    const struct catalog_keyspace *k = catalog_keyspace(ctx->base, ks);
    const struct cql_type *old = k ? catalog_ks_type(k, s->name.name) : NULL;
    if (!old) {
        if (s->if_exists) return 0;
        return errmsg_set(em, ERR_INVALID, "Type '%s.%s' doesn't exist", ks, s->name.name);
    }
    char users[256] = "";
    for (uint32_t i = 0; i < k->ntypes; i++)
        if (k->types[i] != old && ddl_type_references(k->types[i], ks, old->udt_name))
            list_add(users, sizeof users, k->types[i]->udt_name);
    if (users[0])
        return errmsg_set(em, ERR_INVALID,
                          "Cannot drop user type '%s.%s' as it is still used by user types %s", ks,
                          old->udt_name, users);
    for (uint32_t i = 0; i < k->ntables; i++)
        for (uint16_t c = 0; c < k->tables[i]->ncolumns; c++)
            if (ddl_type_references(k->tables[i]->columns[c].type, ks, old->udt_name)) {
                list_add(users, sizeof users, k->tables[i]->name);
                break;
            }
    if (users[0])
        return errmsg_set(em, ERR_INVALID,
                          "Cannot drop user type '%s.%s' as it is still used by tables %s", ks,
                          old->udt_name, users);
    struct catalog_edit *e = catalog_edit_begin(ctx->base);
    catalog_edit_drop_type(e, ks, s->name.name);
    plan->next = catalog_edit_finish(e);
    ddl_plan_result(plan, "DROPPED", "TYPE", ks, s->name.name);
    return 0;
}

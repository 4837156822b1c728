/*
 * functions_resolve: picks the definition a call names (Cassandra's FunctionResolver) and
 * gives it concrete types. See functions.h.
 */
#include <stdio.h>
#include <string.h>

#include "node/cql/functions.h"
#include "node/cql/functions_int.h"

#define CANDIDATES_MAX 64

static bool is_numeric(enum cql_type_id id)
{
    switch (id) {
    case CQL_TINYINT:
    case CQL_SMALLINT:
    case CQL_INT:
    case CQL_BIGINT:
    case CQL_COUNTER:
    case CQL_FLOAT:
    case CQL_DOUBLE:
    case CQL_DECIMAL:
    case CQL_VARINT:
        return true;
    default:
        return false;
    }
}

/* 0: not assignable, 1: weakly, 2: exactly. */
static int arg_score(const struct functions_arg *arg, const struct cql_type *param)
{
    if (!param) return 1; /* generic parameter */
    if (arg->type) {
        if (cql_type_equal(arg->type, param)) return 2;
        if (param->id == CQL_VARCHAR && arg->type->id == CQL_ASCII) return 1;
        if (param->id == CQL_BIGINT && arg->type->id == CQL_COUNTER) return 1;
        return 0;
    }
    if (arg->term && ast_term_is_constant(arg->term) && arg->term->kind != AST_T_NULL)
        return bind_literal_assignable(arg->term, param);
    return 1; /* markers, NULL, collection literals: decided when bound */
}

static const struct cql_type *param_type(const struct functions_def *d)
{
    return d->args[0] == CQL_CUSTOM ? NULL : cql_type_native(d->args[0]);
}

static void signature(const struct functions_def *d, struct buf *b)
{
    buf_printf(b, "system.%s : (", d->name);
    if (d->nargs == 1)
        buf_printf(b, "%s", d->args[0] == CQL_CUSTOM ? "any" : cql_type_native_name(d->args[0]));
    buf_printf(b, ") -> %s", d->ret == CQL_CUSTOM ? "any" : cql_type_native_name(d->ret));
}

static int make_inst(struct arena *a, const struct functions_def *d, uint32_t nargs,
                     const struct functions_arg *args, const struct cql_type *recv_type,
                     const struct functions_inst **out, struct errmsg *em)
{
    struct functions_inst *f = arena_zalloc(a, sizeof *f);
    const struct cql_type **params = arena_zalloc(a, (nargs ? nargs : 1) * sizeof *params);
    f->def = d;
    f->name = arena_printf(a, "system.%s", d->name);
    f->nargs = nargs;
    f->params = params;
    f->aggregate = (d->flags & FUNCTIONS_AGG) != 0;
    for (uint32_t i = 0; i < nargs && d->nargs >= 0; i++)
        params[i] = param_type(d);
    const struct cql_type *arg0 = nargs ? args[0].type : NULL;
    if (d->args[0] == CQL_CUSTOM && nargs == 1) {
        if (!arg0)
            return errmsg_set(em, ERR_INVALID,
                              "Cannot infer type of argument in call to function %s: use type "
                              "casts to disambiguate",
                              f->name);
        params[0] = arg0;
        if ((d->flags & FUNCTIONS_NUMERIC) && !is_numeric(arg0->id))
            return errmsg_set(em, ERR_INVALID,
                              "Invalid call to function %s, none of its type signatures match",
                              f->name);
    }
    if (d->ret != CQL_CUSTOM)
        f->ret = cql_type_native(d->ret);
    else if (d->flags & FUNCTIONS_FROM_JSON)
        f->ret = recv_type;
    else
        f->ret = arg0;
    if (!f->ret)
        return errmsg_set(em, ERR_INVALID,
                          "fromJson() cannot be used in the selection clause of a SELECT "
                          "statement");
    *out = f;
    return 0;
}

static int resolve_token(struct arena *a, const struct functions_def *d, uint32_t nargs,
                         const struct functions_arg *args, const struct table_schema *table,
                         const struct functions_inst **out, struct errmsg *em)
{
    if (!table) return errmsg_set(em, ERR_INVALID, "Unknown function system.token");
    if (nargs != table->npk)
        return errmsg_set(em, ERR_INVALID,
                          "Invalid number of arguments in call to function system.token: %u "
                          "required but %u provided",
                          table->npk, nargs);
    struct functions_inst *f = arena_zalloc(a, sizeof *f);
    const struct cql_type **params = arena_zalloc(a, nargs * sizeof *params);
    for (uint32_t i = 0; i < nargs; i++) {
        params[i] = table->columns[i].type;
        if (arg_score(&args[i], params[i]) == 0)
            return errmsg_set(em, ERR_INVALID,
                              "Type error: argument %u cannot be passed as argument %u of "
                              "function system.token of type %s",
                              i, i, bind_type_name(a, params[i]));
    }
    *f = (struct functions_inst){.def = d,
                                 .name = "system.token",
                                 .ret = cql_type_native(CQL_BIGINT),
                                 .nargs = nargs,
                                 .params = params};
    *out = f;
    return 0;
}

static int no_match(struct arena *a, const char *name, const struct functions_def *const *cand,
                    size_t ncand, uint32_t nargs, const struct functions_arg *args,
                    struct errmsg *em)
{
    if (ncand == 1 && cand[0]->nargs >= 0 && (uint32_t)cand[0]->nargs != nargs)
        return errmsg_set(em, ERR_INVALID,
                          "Invalid number of arguments in call to function system.%s: %d "
                          "required but %u provided",
                          name, cand[0]->nargs, nargs);
    if (ncand == 1 && nargs == 1) {
        const struct cql_type *p = param_type(cand[0]);
        return errmsg_set(em, ERR_INVALID,
                          "Type error: %s cannot be passed as argument 0 of function system.%s "
                          "of type %s",
                          args[0].type ? bind_type_name(a, args[0].type) : "the argument", name,
                          p ? bind_type_name(a, p) : "any");
    }
    struct buf b;
    buf_init(&b);
    for (size_t i = 0; i < ncand; i++) {
        if (i) buf_append(&b, ", ", 2);
        signature(cand[i], &b);
    }
    buf_put_u8(&b, 0);
    errmsg_set(em, ERR_INVALID,
               "Invalid call to function system.%s, none of its type signatures match (known "
               "type signatures: %s)",
               name, (const char *)b.data);
    buf_deinit(&b);
    return ERR_INVALID;
}

int functions_resolve(struct arena *a, const char *ks, const char *name, uint32_t nargs,
                      const struct functions_arg *args, const struct table_schema *table,
                      const struct cql_type *recv_type, const struct functions_inst **out,
                      struct errmsg *em)
{
    if (ks && strcmp(ks, "system") != 0)
        return errmsg_set(em, ERR_INVALID, "Unknown function %s.%s", ks, name);
    const struct functions_def *all[256], *cand[CANDIDATES_MAX];
    size_t nall = functions_defs_all(all, 256), ncand = 0;
    for (size_t i = 0; i < nall && ncand < CANDIDATES_MAX; i++)
        if (strcmp(all[i]->name, name) == 0) cand[ncand++] = all[i];
    if (ncand == 0) return errmsg_set(em, ERR_INVALID, "Unknown function %s", name);
    if (cand[0]->flags & FUNCTIONS_TOKEN)
        return resolve_token(a, cand[0], nargs, args, table, out, em);
    const struct functions_def *exact = NULL, *weak[CANDIDATES_MAX];
    size_t nweak = 0, nexact = 0;
    for (size_t i = 0; i < ncand; i++) {
        const struct functions_def *d = cand[i];
        if ((uint32_t)d->nargs != nargs) continue;
        int worst = 2;
        for (uint32_t k = 0; k < nargs; k++) {
            int s = arg_score(&args[k], param_type(d));
            if (s < worst) worst = s;
        }
        if (worst == 2) {
            exact = d;
            nexact++;
        }
        if (worst >= 1) weak[nweak++] = d;
    }
    const struct functions_def *pick = nexact == 1 ? exact : nweak == 1 ? weak[0] : NULL;
    if (!pick && nweak > 1) {
        struct buf b;
        buf_init(&b);
        for (size_t i = 0; i < nweak; i++) {
            if (i) buf_append(&b, ", ", 2);
            signature(weak[i], &b);
        }
        buf_put_u8(&b, 0);
        errmsg_set(em, ERR_INVALID,
                   "Ambiguous call to function system.%s (can be matched by following "
                   "signatures: %s): use type casts to disambiguate",
                   name, (const char *)b.data);
        buf_deinit(&b);
        return ERR_INVALID;
    }
    if (!pick) return no_match(a, name, cand, ncand, nargs, args, em);
    return make_inst(a, pick, nargs, args, recv_type, out, em);
}

int functions_resolve_cast(struct arena *a, const struct cql_type *from, const struct cql_type *to,
                           const struct functions_inst **out, struct errmsg *em)
{
    const struct functions_def *d = functions_cast_def(from, to);
    if (!d)
        return errmsg_set(em, ERR_INVALID, "%s cannot be cast to %s", bind_type_name(a, from),
                          bind_type_name(a, to));
    struct functions_inst *f = arena_zalloc(a, sizeof *f);
    const struct cql_type **params = arena_zalloc(a, sizeof *params);
    params[0] = from;
    *f = (struct functions_inst){.def = d,
                                 .name = arena_printf(a, "system.%s", d->name),
                                 .ret = to,
                                 .nargs = 1,
                                 .params = params};
    *out = f;
    return 0;
}

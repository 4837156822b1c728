/*
 * bind: see bind.h. This file walks terms (markers, NULL, functions, type hints, arithmetic);
 * constants are converted in bind_literal.c and collection/tuple/UDT literals in
 * bind_collection.c.
 */
#include "node/cql/bind.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "node/base/be.h"
#include "node/cql/bind_int.h"
#include "node/cql/catalog.h"
#include "node/cql/functions.h"

const char *bind_type_name(struct arena *a, const struct cql_type *t)
{
    struct buf b;
    buf_init(&b);
    cql_type_format(t, &b);
    char *s = arena_strndup(a, (const char *)b.data, b.len);
    buf_deinit(&b);
    return s;
}

struct bind_recv bind_recv_sub(struct arena *a, const struct bind_recv *r, const char *fmt,
                               const struct cql_type *type)
{
    struct bind_recv s = *r;
    s.name = arena_printf(a, fmt, r->name);
    s.type = type;
    s.column = NULL;
    return s;
}

struct bind_recv bind_recv_native(const char *name, enum cql_type_id id)
{
    return (struct bind_recv){
        .keyspace = NULL, .table = NULL, .name = name, .type = cql_type_native(id)};
}

bool bind_value_int32(const struct bind_value *v, int32_t *out)
{
    if (v->kind != BIND_VALUE || v->len != 4) return false;
    *out = (int32_t)be32_load(v->p);
    return true;
}

bool bind_value_int64(const struct bind_value *v, int64_t *out)
{
    if (v->kind != BIND_VALUE || v->len != 8) return false;
    *out = (int64_t)be64_load(v->p);
    return true;
}

int bind_out_buf(struct bind_env *env, const struct buf *b, struct bind_value *out)
{
    out->kind = BIND_VALUE;
    out->len = (uint32_t)b->len;
    out->p = b->len ? arena_dup(env->arena, b->data, b->len) : (const uint8_t *)"";
    return 0;
}

static bool needs_normalize(const struct cql_type *t)
{
    return cql_type_is_collection(t) || t->id == CQL_TUPLE || t->id == CQL_UDT;
}

static int bind_marker(struct bind_env *env, const struct ast_term *t, const struct bind_recv *r,
                       struct bind_value *out, struct errmsg *em)
{
    uint32_t i = t->u.marker.index;
    if (bind_is_prepare(env)) {
        if (i < env->nspecs) {
            env->specs[i] = *r;
            if (t->u.marker.name) env->specs[i].name = t->u.marker.name;
        }
        *out = (struct bind_value){.kind = BIND_UNSET};
        return 0;
    }
    if (i >= env->nvalues)
        return errmsg_set(em, ERR_INVALID, "No value given for bind marker %u", i);
    const struct cqlwire_value *v = &env->values[i];
    if (v->len == CQLWIRE_NULL) {
        *out = (struct bind_value){.kind = BIND_NULL};
        return 0;
    }
    if (v->len == CQLWIRE_UNSET) {
        *out = (struct bind_value){.kind = BIND_UNSET};
        return 0;
    }
    if (v->len < 0) return errmsg_set(em, ERR_INVALID, "Invalid value length for %s", r->name);
    if (cql_value_validate(r->type, v->p, (size_t)v->len, em) != 0) return ERR_INVALID;
    if (needs_normalize(r->type) && v->len > 0) {
        struct buf b;
        buf_init(&b);
        int rc = cql_value_normalize(r->type, v->p, (size_t)v->len, &b, em);
        if (rc == 0) bind_out_buf(env, &b, out);
        buf_deinit(&b);
        return rc;
    }
    *out = (struct bind_value){.kind = BIND_VALUE, .len = (uint32_t)v->len, .p = v->p};
    return 0;
}

static int resolve_hint(struct bind_env *env, const struct ast_type *at,
                        const struct cql_type **out, struct errmsg *em)
{
    return ast_type_resolve(at, env->keyspace, env->catalog ? catalog_udt_lookup : NULL,
                            (void *)env->catalog, env->arena, out, em);
}

/* A value of type `from` may be stored where `to` is expected. */
static bool value_compatible(const struct cql_type *to, const struct cql_type *from)
{
    if (cql_type_equal(to, from)) return true;
    if (to->id == CQL_VARCHAR && from->id == CQL_ASCII) return true;
    if (to->id == CQL_BLOB) return true; /* BytesType accepts any value */
    if (to->id == from->id && cql_type_is_collection(to)) return true; /* frozen-ness */
    return false;
}

static int bind_function(struct bind_env *env, const struct ast_term *t, const struct bind_recv *r,
                         struct bind_value *out, struct errmsg *em)
{
    uint32_t n = t->u.func.args.n;
    struct functions_arg *args = arena_zalloc(env->arena, (n ? n : 1) * sizeof *args);
    for (uint32_t i = 0; i < n; i++) {
        args[i].term = t->u.func.args.items[i];
        args[i].type = bind_term_type(env, args[i].term);
    }
    const struct functions_inst *f;
    int rc = functions_resolve(env->arena, t->u.func.name.keyspace, t->u.func.name.name, n, args,
                               env->table, r->type, &f, em);
    if (rc) return rc;
    if (f->aggregate)
        return errmsg_set(em, ERR_INVALID, "Aggregate functions are not supported here: %s",
                          f->name);
    if (!value_compatible(r->type, f->ret))
        return errmsg_set(em, ERR_INVALID,
                          "Type error: cannot assign result of function %s (type %s) to %s (type "
                          "%s)",
                          f->name, bind_type_name(env->arena, f->ret), r->name,
                          bind_type_name(env->arena, r->type));
    struct bind_value *vals = arena_zalloc(env->arena, (n ? n : 1) * sizeof *vals);
    for (uint32_t i = 0; i < n; i++) {
        struct bind_recv ar = bind_recv_sub(env->arena, r, "", f->params[i]);
        ar.name = arena_printf(env->arena, "arg%u(%s)", i, f->name);
        if ((rc = bind_term(env, args[i].term, &ar, &vals[i], em))) return rc;
    }
    if (bind_is_prepare(env)) {
        *out = (struct bind_value){.kind = BIND_UNSET};
        return 0;
    }
    return functions_call(f, env->arena, env->now_ms, vals, out, em);
}

static int bind_hint(struct bind_env *env, const struct ast_term *t, const struct bind_recv *r,
                     struct bind_value *out, struct errmsg *em)
{
    const struct cql_type *ht;
    int rc = resolve_hint(env, t->u.cast.type, &ht, em);
    if (rc) return rc;
    if (t->kind == AST_T_CAST) {
        const struct cql_type *from = bind_term_type(env, t->u.cast.arg);
        if (!from)
            return errmsg_set(em, ERR_INVALID, "Cannot infer the type of the argument of CAST");
        const struct functions_inst *f;
        if ((rc = functions_resolve_cast(env->arena, from, ht, &f, em))) return rc;
        struct bind_recv ar = bind_recv_sub(env->arena, r, "%s", from);
        struct bind_value v;
        if ((rc = bind_term(env, t->u.cast.arg, &ar, &v, em))) return rc;
        if (!value_compatible(r->type, ht))
            return errmsg_set(em, ERR_INVALID, "Cannot assign value of type %s to %s of type %s",
                              bind_type_name(env->arena, ht), r->name,
                              bind_type_name(env->arena, r->type));
        if (bind_is_prepare(env) || v.kind != BIND_VALUE) {
            *out = v;
            return 0;
        }
        return functions_call(f, env->arena, env->now_ms, &v, out, em);
    }
    if (!value_compatible(r->type, ht) && !value_compatible(ht, r->type))
        return errmsg_set(em, ERR_INVALID, "Cannot assign value of type %s to %s of type %s",
                          bind_type_name(env->arena, ht), r->name,
                          bind_type_name(env->arena, r->type));
    struct bind_recv hr = *r;
    hr.type = ht;
    return bind_term(env, t->u.cast.arg, &hr, out, em);
}

int bind_term(struct bind_env *env, const struct ast_term *t, const struct bind_recv *r,
              struct bind_value *out, struct errmsg *em)
{
    switch (t->kind) {
    case AST_T_NULL:
        if (r->type->id == CQL_COUNTER)
            return errmsg_set(em, ERR_INVALID,
                              "Invalid null value for counter increment/decrement");
        *out = (struct bind_value){.kind = BIND_NULL};
        return 0;
    case AST_T_MARKER:
        return bind_marker(env, t, r, out, em);
    case AST_T_STRING:
    case AST_T_INTEGER:
    case AST_T_FLOAT:
    case AST_T_BOOLEAN:
    case AST_T_DURATION:
    case AST_T_UUID:
    case AST_T_HEX:
        return bind_literal(env, t, r, out, em);
    case AST_T_LIST:
    case AST_T_SET:
    case AST_T_MAP:
    case AST_T_EMPTY_BRACES:
    case AST_T_TUPLE:
    case AST_T_UDT:
        return bind_collection(env, t, r, out, em);
    case AST_T_FUNCTION:
        return bind_function(env, t, r, out, em);
    case AST_T_TYPE_HINT:
    case AST_T_CAST:
        return bind_hint(env, t, r, out, em);
    case AST_T_BINOP:
    case AST_T_NEGATE:
        return bind_arith(env, t, r, out, em);
    default:
        return errmsg_set(em, ERR_INVALID, "Invalid term for %s of type %s", r->name,
                          bind_type_name(env->arena, r->type));
    }
}

const struct cql_type *bind_term_type(const struct bind_env *env, const struct ast_term *t)
{
    struct errmsg em;
    switch (t->kind) {
    case AST_T_STRING:
    case AST_T_INTEGER:
    case AST_T_FLOAT:
    case AST_T_BOOLEAN:
    case AST_T_DURATION:
    case AST_T_UUID:
    case AST_T_HEX:
        return bind_literal_type(t);
    case AST_T_TYPE_HINT:
    case AST_T_CAST: {
        const struct cql_type *ht = NULL;
        if (resolve_hint((struct bind_env *)env, t->u.cast.type, &ht, &em) != 0) return NULL;
        return ht;
    }
    case AST_T_FUNCTION: {
        uint32_t n = t->u.func.args.n;
        struct functions_arg *args = arena_zalloc(env->arena, (n ? n : 1) * sizeof *args);
        for (uint32_t i = 0; i < n; i++) {
            args[i].term = t->u.func.args.items[i];
            args[i].type = bind_term_type(env, args[i].term);
        }
        const struct functions_inst *f;
        if (functions_resolve(env->arena, t->u.func.name.keyspace, t->u.func.name.name, n, args,
                              env->table, NULL, &f, &em) != 0)
            return NULL;
        return f->ret;
    }
    default:
        return NULL;
    }
}

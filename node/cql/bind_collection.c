/*
 * bind_collection: list, set, map, tuple and UDT literals (Cassandra's Lists/Sets/Maps/Tuples/
 * UserTypes .Literal): each element is bound to the element receiver ("value(c)", "key(c)",
 * "c.f", "c[0]") and the whole is serialized in the v3+ collection form, then normalised (sets
 * sorted and unique, maps sorted by key) as Cassandra re-serializes every collection.
 * A list literal is also accepted for a tuple receiver: the Python driver encodes a Python
 * tuple as [1, 'x'] when it interpolates parameters.
 */
#include <string.h>

#include "node/base/be.h"
#include "node/cql/bind_int.h"

static int invalid_literal(struct bind_env *env, const char *what, const struct bind_recv *r,
                           struct errmsg *em)
{
    return errmsg_set(em, ERR_INVALID, "Invalid %s literal for %s of type %s", what, r->name,
                      bind_type_name(env->arena, r->type));
}

/* Binds one element into b as <int len><bytes>; nulls are refused unless allow_null. */
static int put_elem(struct bind_env *env, const struct ast_term *t, const struct bind_recv *er,
                    bool allow_null, struct buf *b, struct errmsg *em)
{
    struct bind_value v;
    int rc = bind_term(env, t, er, &v, em);
    if (rc) return rc;
    if (v.kind == BIND_UNSET && !bind_is_prepare(env))
        return errmsg_set(em, ERR_INVALID, "Invalid unset value in %s", er->name);
    if (v.kind != BIND_VALUE) {
        if (!allow_null && !bind_is_prepare(env))
            return errmsg_set(em, ERR_INVALID, "null is not supported inside collections");
        buf_put_be32(b, 0xFFFFFFFFu);
        return 0;
    }
    buf_put_be32(b, v.len);
    buf_append(b, v.p, v.len);
    return 0;
}

static int finish(struct bind_env *env, const struct cql_type *type, struct buf *b,
                  struct bind_value *out, struct errmsg *em)
{
    if (bind_is_prepare(env)) {
        *out = (struct bind_value){.kind = BIND_UNSET};
        return 0;
    }
    struct buf n;
    buf_init(&n);
    int rc = cql_value_normalize(type, b->data, b->len, &n, em);
    if (rc == 0) bind_out_buf(env, &n, out);
    buf_deinit(&n);
    return rc;
}

static int bind_tuple(struct bind_env *env, const struct ast_term *t, const struct bind_recv *r,
                      struct bind_value *out, struct errmsg *em)
{
    const struct cql_type *type = r->type;
    uint32_t n = t->u.list.n;
    if (n > type->nsub)
        return errmsg_set(em, ERR_INVALID,
                          "Invalid tuple literal for %s: too many elements. Type %s expects %u "
                          "but got %u",
                          r->name, bind_type_name(env->arena, type), type->nsub, n);
    struct buf b;
    buf_init(&b);
    int rc = 0;
    for (uint32_t i = 0; i < n && rc == 0; i++) {
        struct bind_recv er = bind_recv_sub(env->arena, r, "%s", type->sub[i]);
        er.name = arena_printf(env->arena, "%s[%u]", r->name, i);
        rc = put_elem(env, t->u.list.items[i], &er, true, &b, em);
    }
    if (rc == 0) rc = finish(env, type, &b, out, em);
    buf_deinit(&b);
    return rc;
}

static int bind_udt(struct bind_env *env, const struct ast_term *t, const struct bind_recv *r,
                    struct bind_value *out, struct errmsg *em)
{
    const struct cql_type *type = r->type;
    uint32_t n = t->kind == AST_T_UDT ? t->u.udt.n : 0;
    for (uint32_t i = 0; i < n; i++) {
        uint16_t f = 0;
        while (f < type->nsub && strcmp(type->field_names[f], t->u.udt.fields[i].name) != 0)
            f++;
        if (f == type->nsub)
            return errmsg_set(em, ERR_INVALID,
                              "Unknown field '%s' in value of user defined type %s",
                              t->u.udt.fields[i].name, type->udt_name);
    }
    struct buf b;
    buf_init(&b);
    int rc = 0;
    for (uint16_t f = 0; f < type->nsub && rc == 0; f++) {
        const struct ast_term *v = NULL;
        for (uint32_t i = 0; i < n && !v; i++)
            if (strcmp(type->field_names[f], t->u.udt.fields[i].name) == 0) v = t->u.udt.values[i];
        if (!v) {
            buf_put_be32(&b, 0xFFFFFFFFu);
            continue;
        }
        struct bind_recv er = bind_recv_sub(env->arena, r, "%s", type->sub[f]);
        er.name = arena_printf(env->arena, "%s.%s", r->name, type->field_names[f]);
        rc = put_elem(env, v, &er, true, &b, em);
    }
    if (rc == 0) rc = finish(env, type, &b, out, em);
    buf_deinit(&b);
    return rc;
}

static int bind_elems(struct bind_env *env, const struct ast_term *t, const struct bind_recv *r,
                      struct bind_value *out, struct errmsg *em)
{
    const struct cql_type *type = r->type;
    struct buf b;
    buf_init(&b);
    int rc = 0;
    if (t->kind == AST_T_MAP) {
        buf_put_be32(&b, t->u.map.n);
        struct bind_recv kr = bind_recv_sub(env->arena, r, "key(%s)", type->sub[0]);
        struct bind_recv vr = bind_recv_sub(env->arena, r, "value(%s)", type->sub[1]);
        for (uint32_t i = 0; i < t->u.map.n && rc == 0; i++) {
            rc = put_elem(env, t->u.map.keys[i], &kr, false, &b, em);
            if (rc == 0) rc = put_elem(env, t->u.map.values[i], &vr, false, &b, em);
        }
    } else {
        uint32_t n = t->kind == AST_T_EMPTY_BRACES ? 0 : t->u.list.n;
        buf_put_be32(&b, n);
        struct bind_recv er = bind_recv_sub(env->arena, r, "value(%s)", type->sub[0]);
        for (uint32_t i = 0; i < n && rc == 0; i++)
            rc = put_elem(env, t->u.list.items[i], &er, false, &b, em);
    }
    if (rc == 0) rc = finish(env, type, &b, out, em);
    buf_deinit(&b);
    return rc;
}

int bind_collection(struct bind_env *env, const struct ast_term *t, const struct bind_recv *r,
                    struct bind_value *out, struct errmsg *em)
{
    enum cql_type_id id = r->type->id;
    switch (t->kind) {
    case AST_T_LIST:
        if (id == CQL_LIST) return bind_elems(env, t, r, out, em);
        if (id == CQL_TUPLE) return bind_tuple(env, t, r, out, em);
        return invalid_literal(env, "list", r, em);
    case AST_T_SET:
        if (id == CQL_SET) return bind_elems(env, t, r, out, em);
        return invalid_literal(env, "set", r, em);
    case AST_T_MAP:
        if (id == CQL_MAP) return bind_elems(env, t, r, out, em);
        return invalid_literal(env, "map", r, em);
    case AST_T_EMPTY_BRACES:
        if (id == CQL_SET || id == CQL_MAP) return bind_elems(env, t, r, out, em);
        if (id == CQL_UDT) return bind_udt(env, t, r, out, em);
        return invalid_literal(env, "set", r, em);
    case AST_T_TUPLE:
        if (id == CQL_TUPLE) return bind_tuple(env, t, r, out, em);
        if (t->u.list.n == 1) return bind_term(env, t->u.list.items[0], r, out, em);
        return errmsg_set(em, ERR_INVALID, "Invalid tuple type literal for %s of type %s", r->name,
                          bind_type_name(env->arena, r->type));
    default: /* AST_T_UDT */
        if (id == CQL_UDT) return bind_udt(env, t, r, out, em);
        return errmsg_set(em, ERR_INVALID, "Invalid user type literal for %s of type %s", r->name,
                          bind_type_name(env->arena, r->type));
    }
}

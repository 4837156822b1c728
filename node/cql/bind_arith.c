/*
 * bind_arith: arithmetic in terms (Cassandra 4's OperationFcts) for the fixed-size numeric
 * types: both operands are bound to the receiver's type and combined with Java's rules
 * (integer overflow wraps, integer division truncates, / by zero fails). Temporal arithmetic
 * (timestamp - duration) and varint/decimal operands are refused.
 */
#include <math.h>
#include <string.h>

#include "node/base/be.h"
#include "node/cql/bind_int.h"
#include "node/cql/numval.h"

static bool is_integral(enum cql_type_id id)
{
    return id == CQL_TINYINT || id == CQL_SMALLINT || id == CQL_INT || id == CQL_BIGINT;
}

static void get(enum cql_type_id id, const struct bind_value *v, int64_t *i, double *d)
{
    switch (id) {
    case CQL_TINYINT:
        *i = (int8_t)v->p[0];
        break;
    case CQL_SMALLINT:
        *i = (int16_t)be16_load(v->p);
        break;
    case CQL_INT:
        *i = (int32_t)be32_load(v->p);
        break;
    case CQL_BIGINT:
        *i = (int64_t)be64_load(v->p);
        break;
    case CQL_FLOAT: {
        uint32_t u = be32_load(v->p);
        float f;
        memcpy(&f, &u, 4);
        *d = f;
        return;
    }
    default: {
        uint64_t u = be64_load(v->p);
        memcpy(d, &u, 8);
        return;
    }
    }
    *d = (double)*i;
}

static int apply(enum cql_type_id id, char op, int64_t a, int64_t b, double x, double y,
                 int64_t *ri, double *rd, struct errmsg *em)
{
    if (is_integral(id)) {
        uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
        switch (op) {
        case '+':
            *ri = (int64_t)(ua + ub);
            return 0;
        case '-':
            *ri = (int64_t)(ua - ub);
            return 0;
        case '*':
            *ri = (int64_t)(ua * ub);
            return 0;
        default:
            if (b == 0)
                return errmsg_set(em, ERR_INVALID, "the operation '%s %c %s' failed: / by zero",
                                  cql_type_native_name(id), op, cql_type_native_name(id));
            if (a == INT64_MIN && b == -1)
                *ri = op == '/' ? INT64_MIN : 0;
            else
                *ri = op == '/' ? a / b : a % b;
            return 0;
        }
    }
    switch (op) {
    case '+':
        *rd = x + y;
        break;
    case '-':
        *rd = x - y;
        break;
    case '*':
        *rd = x * y;
        break;
    case '/':
        *rd = x / y;
        break;
    default:
        *rd = fmod(x, y);
    }
    return 0;
}

int bind_arith(struct bind_env *env, const struct ast_term *t, const struct bind_recv *r,
               struct bind_value *out, struct errmsg *em)
{
    enum cql_type_id id = r->type->id;
    if (!is_integral(id) && id != CQL_FLOAT && id != CQL_DOUBLE)
        return errmsg_set(em, ERR_INVALID,
                          "Arithmetic operations are not supported for %s of type %s", r->name,
                          bind_type_name(env->arena, r->type));
    struct bind_value a, b = {.kind = BIND_VALUE};
    int rc;
    if (t->kind == AST_T_NEGATE) {
        if ((rc = bind_term(env, t->u.negate, r, &b, em))) return rc;
        uint8_t zero[8] = {0};
        a = (struct bind_value){.kind = BIND_VALUE, .len = b.len, .p = zero};
        if (b.kind != BIND_VALUE || bind_is_prepare(env)) {
            *out = b;
            return 0;
        }
        int64_t ai = 0, bi, ri = 0;
        double ad = 0, bd, rd = 0;
        get(id, &b, &bi, &bd);
        (void)a;
        if ((rc = apply(id, '-', ai, bi, ad, bd, &ri, &rd, em))) return rc;
        struct buf o;
        buf_init(&o);
        numval_put(id, ri, rd, &o);
        bind_out_buf(env, &o, out);
        buf_deinit(&o);
        return 0;
    }
    if ((rc = bind_term(env, t->u.binop.left, r, &a, em))) return rc;
    if ((rc = bind_term(env, t->u.binop.right, r, &b, em))) return rc;
    if (bind_is_prepare(env)) {
        *out = (struct bind_value){.kind = BIND_UNSET};
        return 0;
    }
    if (a.kind != BIND_VALUE || b.kind != BIND_VALUE || a.len == 0 || b.len == 0) {
        *out = (struct bind_value){.kind = BIND_NULL};
        return 0;
    }
    int64_t ai, bi, ri = 0;
    double ad, bd, rd = 0;
    get(id, &a, &ai, &ad);
    get(id, &b, &bi, &bd);
    if ((rc = apply(id, t->u.binop.op, ai, bi, ad, bd, &ri, &rd, em))) return rc;
    struct buf o;
    buf_init(&o);
    numval_put(id, ri, rd, &o);
    bind_out_buf(env, &o, out);
    buf_deinit(&o);
    return 0;
}

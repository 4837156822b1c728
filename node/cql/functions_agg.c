/*
 * functions_agg: the native aggregates (AggregateFcts): count, min, max, sum, avg. Sums of
 * integers wrap as Java's long arithmetic does and are narrowed to the argument type; avg of
 * integers divides with truncation; sums of varint/decimal are computed in double (a known
 * difference from Cassandra's exact BigInteger/BigDecimal arithmetic).
 */
#include <stdlib.h>
#include <string.h>

#include "node/base/be.h"
#include "node/cql/functions_int.h"
#include "node/cql/numval.h"
#include "storage/value_format.h"
#include "storage/varnum.h"

void functions_agg_init(struct functions_agg *s)
{
    memset(s, 0, sizeof *s);
    buf_init(&s->best);
}

void functions_agg_deinit(struct functions_agg *s)
{
    if (s) buf_deinit(&s->best);
}

static bool integral(enum cql_type_id id)
{
    return id == CQL_TINYINT || id == CQL_SMALLINT || id == CQL_INT || id == CQL_BIGINT ||
           id == CQL_COUNTER || id == CQL_VARINT;
}

static void add_number(struct functions_agg *s, const struct cql_type *t,
                       const struct bind_value *v)
{
    switch (t->id) {
    case CQL_TINYINT:
        s->sum_i += (int8_t)v->p[0];
        break;
    case CQL_SMALLINT:
        s->sum_i += (int16_t)be16_load(v->p);
        break;
    case CQL_INT:
        s->sum_i += (int32_t)be32_load(v->p);
        break;
    case CQL_BIGINT:
    case CQL_COUNTER:
        s->sum_i = (int64_t)((uint64_t)s->sum_i + be64_load(v->p));
        break;
    case CQL_FLOAT: {
        uint32_t u = be32_load(v->p);
        float f;
        memcpy(&f, &u, 4);
        s->sum_d += f;
        break;
    }
    case CQL_DOUBLE: {
        uint64_t u = be64_load(v->p);
        double d;
        memcpy(&d, &u, 8);
        s->sum_d += d;
        break;
    }
    case CQL_VARINT: {
        struct varnum n;
        int64_t i = 0;
        varnum_init(&n);
        varnum_from_twos(&n, v->p, v->len);
        if (varnum_to_i64(&n, &i)) s->sum_i += i;
        varnum_deinit(&n);
        break;
    }
    default: { /* decimal */
        struct buf b;
        char tmp[128];
        buf_init(&b);
        varnum_format_decimal(v->p, v->len, &b);
        size_t n = b.len < sizeof tmp - 1 ? b.len : sizeof tmp - 1;
        memcpy(tmp, b.data, n);
        tmp[n] = '\0';
        s->sum_d += strtod(tmp, NULL);
        buf_deinit(&b);
    }
    }
}

int functions_agg_add(const struct functions_inst *f, struct functions_agg *s,
                      const struct bind_value *arg, struct errmsg *em)
{
    (void)em;
    if (arg->kind != BIND_VALUE) return 0;
    const char *n = f->def->name;
    if (strcmp(n, "count") == 0) {
        s->count++;
        return 0;
    }
    const struct cql_type *t = f->params[0];
    if (strcmp(n, "min") == 0 || strcmp(n, "max") == 0) {
        if (arg->len == 0 && t->id != CQL_VARCHAR && t->id != CQL_ASCII && t->id != CQL_BLOB)
            return 0; /* empty values are skipped as nulls */
        bool is_min = n[1] == 'i';
        int c =
            s->has_value ? cql_value_compare(t, arg->p, arg->len, s->best.data, s->best.len) : 0;
        if (!s->has_value || (is_min ? c < 0 : c > 0)) {
            buf_reset(&s->best);
            buf_append(&s->best, arg->p, arg->len);
            s->has_value = true;
        }
        return 0;
    }
    if (arg->len == 0) return 0;
    s->count++;
    add_number(s, t, arg);
    return 0;
}

void functions_agg_result(const struct functions_inst *f, const struct functions_agg *s,
                          struct arena *a, struct bind_value *out)
{
    const char *n = f->def->name;
    struct buf b;
    buf_init(&b);
    if (strcmp(n, "count") == 0) {
        buf_put_be64(&b, (uint64_t)s->count);
    } else if (strcmp(n, "min") == 0 || strcmp(n, "max") == 0) {
        if (!s->has_value) {
            *out = (struct bind_value){.kind = BIND_NULL};
            buf_deinit(&b);
            return;
        }
        buf_append(&b, s->best.data, s->best.len);
    } else {
        const struct cql_type *t = f->params[0];
        bool avg = n[0] == 'a';
        int64_t i = s->sum_i;
        double d = s->sum_d;
        if (avg && s->count > 0) {
            i = s->sum_i / s->count;
            d = s->sum_d / (double)s->count;
        }
        if (integral(t->id)) d = (double)i;
        numval_put(t->id, i, d, &b);
    }
    *out = (struct bind_value){.kind = BIND_VALUE,
                               .len = (uint32_t)b.len,
                               .p = b.len ? arena_dup(a, b.data, b.len) : (const uint8_t *)""};
    buf_deinit(&b);
}

/*
 * functions_int: what the files of the functions module share (definitions table, the call
 * context, output helpers). Not for use outside functions*.c.
 */
#ifndef RINGDB_CQL_FUNCTIONS_INT_H
#define RINGDB_CQL_FUNCTIONS_INT_H

#include <stddef.h>
#include <stdint.h>

#include "node/cql/functions.h"

enum functions_flag {
    FUNCTIONS_NONDET = 1,         /* now(), uuid() ...: evaluated per call */
    FUNCTIONS_AGG = 2,            /* aggregate */
    FUNCTIONS_NUMERIC = 4,        /* sum/avg: numeric argument only */
    FUNCTIONS_TOKEN = 8,          /* token(): the partition key columns */
    FUNCTIONS_SELECTOR_ONLY = 16, /* toJson */
    FUNCTIONS_FROM_JSON = 32,     /* returns its receiver's type */
    FUNCTIONS_CAST = 64,
};

struct functions_call_ctx {
    struct arena *arena;
    int64_t now_ms;
    struct errmsg *em;
    const struct cql_type *ret;
    const struct cql_type *const *params;
    uint32_t nargs;
};

typedef int (*functions_apply_fn)(const struct functions_call_ctx *c, const struct bind_value *a,
                                  struct bind_value *out);

struct functions_def {
    const char *name;         /* lower case, without "system." */
    int8_t nargs;             /* -1: variadic (token) */
    enum cql_type_id args[1]; /* CQL_CUSTOM: any type */
    enum cql_type_id ret;     /* CQL_CUSTOM: decided at resolution */
    functions_apply_fn apply; /* NULL for aggregates */
    uint32_t flags;
};

/* Every definition (native table and generated blob conversions); returns the count. */
size_t functions_defs_all(const struct functions_def **out, size_t max);
/* The definition of a cast (CAST(x AS type)) from -> to, or NULL. */
const struct functions_def *functions_cast_def(const struct cql_type *from,
                                               const struct cql_type *to);

/* Output helpers: copy into the arena. */
int functions_out_bytes(const struct functions_call_ctx *c, const void *p, size_t n,
                        struct bind_value *out);
int functions_out_i64(const struct functions_call_ctx *c, int64_t v, struct bind_value *out);
int functions_out_i32(const struct functions_call_ctx *c, int32_t v, struct bind_value *out);

#endif

/*
 * functions: Cassandra 4.1's native CQL functions (the "system" keyspace): time functions
 * (now, currentTimestamp/Date/Time/TimeUUID, minTimeuuid, maxTimeuuid, toDate, toTimestamp,
 * toUnixTimestamp, dateOf, unixTimestampOf), uuid(), token(), the blob conversions
 * (typeAsBlob / blobAsType for every native type), toJson / fromJson, CAST, and the native
 * aggregates count, min, max, sum, avg.
 *
 * Resolution mirrors Cassandra's FunctionResolver: candidates by name and arity, each argument
 * tested for assignability (an exact type when known, a literal's kind otherwise), a unique
 * match wins, several are "Ambiguous call". The result is a functions_inst: the definition with
 * concrete parameter and return types (min/max/cast/token/fromJson are generic).
 *
 * Aggregates keep their state in a struct functions_agg (one per selector per result).
 * Pure apart from the clock and randomness of now()/uuid(). Thread rule: none; the table of
 * definitions is constant.
 */
#ifndef RINGDB_CQL_FUNCTIONS_H
#define RINGDB_CQL_FUNCTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "node/base/arena.h"
#include "node/base/buf.h"
#include "node/base/err.h"
#include "node/cql/ast.h"
#include "node/cql/bind.h"
#include "storage/schema.h"
#include "storage/types.h"

struct functions_def;

/* A resolved call target. */
struct functions_inst {
    const struct functions_def *def;
    const char *name; /* qualified, as Cassandra names selector columns: "system.totimestamp" */
    const struct cql_type *ret;
    uint32_t nargs;
    const struct cql_type *const *params;
    bool aggregate;
};

/* What the resolver knows about one argument. */
struct functions_arg {
    const struct cql_type *type; /* its exact type when known, else NULL */
    const struct ast_term *term; /* the term (literal kinds), or NULL for selectors */
};

/*
 * Resolves [ks.]name(args). table is needed by token() (its arguments must be the partition
 * key columns); recv_type by fromJson() (it returns its receiver's type). Errors are
 * ERR_INVALID with Cassandra's messages ("Unknown function x", "Invalid number of arguments in
 * call to function system.x: 1 required but 2 provided", "Ambiguous call to function ...").
 */
int functions_resolve(struct arena *a, const char *ks, const char *name, uint32_t nargs,
                      const struct functions_arg *args, const struct table_schema *table,
                      const struct cql_type *recv_type, const struct functions_inst **out,
                      struct errmsg *em);
/* CAST(arg AS to): "cast(x as int)"-style conversions of CastFcts; ERR_INVALID if none. */
int functions_resolve_cast(struct arena *a, const struct cql_type *from, const struct cql_type *to,
                           const struct functions_inst **out, struct errmsg *em);

/* Calls a scalar function; results live in a. A null argument gives null (except where
   Cassandra's function is called on null input: none of the native ones). */
int functions_call(const struct functions_inst *f, struct arena *a, int64_t now_ms,
                   const struct bind_value *args, struct bind_value *out, struct errmsg *em);

/* Aggregate state. */
struct functions_agg {
    int64_t count;
    int64_t sum_i;
    double sum_d;
    bool has_value;
    struct buf best; /* min/max: the best value so far */
};
void functions_agg_init(struct functions_agg *s);
void functions_agg_deinit(struct functions_agg *s);
/* Adds one row's argument (count(*) passes a non-null dummy). */
int functions_agg_add(const struct functions_inst *f, struct functions_agg *s,
                      const struct bind_value *arg, struct errmsg *em);
/* The aggregate's value (bytes in a). */
void functions_agg_result(const struct functions_inst *f, const struct functions_agg *s,
                          struct arena *a, struct bind_value *out);

/* The count(*) aggregate (bigint), for COUNT(*) / COUNT(1). */
const struct functions_inst *functions_count_rows(void);

#endif

/*
 * bind: turns the terms of a statement (literals, bind markers, collection/tuple/UDT literals,
 * function calls, type hints) into serialized CQL values for a known receiver, as Cassandra's
 * Term.Raw.prepare + Term.bind do. A receiver is what the value is for: a column, an element
 * of a collection, a LIMIT, a TTL ... with the name Cassandra gives it in prepared metadata
 * ("c", "value(m)", "[limit]", "partition key token").
 *
 * One walker serves both phases:
 *  - prepare (env->values == NULL): every marker records its receiver in env->specs (what the
 *    PREPARED result lists) and yields UNSET; literals are converted too, so a bad literal
 *    fails at PREPARE exactly as in Cassandra;
 *  - execute: markers take the request's values, validated against the receiver type
 *    (cql_value_validate) and, for collections, re-serialized in Cassandra's canonical order
 *    (cql_value_normalize).
 * Literal text is converted with Cassandra's rules (Constants.Literal.testAssignment, then the
 * type's fromString): `Invalid STRING constant (x) for "c" of type int` when the kind of
 * literal cannot be assigned, the type's own message when the text does not parse.
 *
 * Memory: produced bytes live in env->arena. Pure apart from now() / uuid() (functions.h).
 * Thread rule: none (the caller's env).
 */
#ifndef RINGDB_CQL_BIND_H
#define RINGDB_CQL_BIND_H

#include <stdbool.h>
#include <stdint.h>

#include "node/base/arena.h"
#include "node/base/err.h"
#include "node/cql/ast.h"
#include "node/cqlproto/cqlwire.h"
#include "storage/types.h"

struct catalog;
struct table_schema;
struct column_def;

enum bind_kind {
    BIND_VALUE = 0,
    BIND_NULL = 1,
    BIND_UNSET = 2,
};

/* A bound value: kind, and bytes for BIND_VALUE (borrowed from the request or the arena). */
struct bind_value {
    uint8_t kind; /* enum bind_kind */
    uint32_t len;
    const uint8_t *p;
};

/* What a term is bound to (Cassandra's ColumnSpecification). */
struct bind_recv {
    const char *keyspace;
    const char *table;
    const char *name;
    const struct cql_type *type;
    const struct column_def *column; /* set when the receiver is exactly this column */
};

struct bind_env {
    struct arena *arena;  /* produced values and names */
    int64_t now_ms;       /* statement time: now(), currentTimestamp(), 'now' literals */
    int version;          /* protocol version (collections are always v3+ form) */
    const char *keyspace; /* for UDT names in type hints */
    const struct catalog *catalog;
    const struct table_schema *table; /* the statement's table (token()), or NULL */
    /* Execute: the request's values, indexed by marker index (names already resolved). */
    const struct cqlwire_value *values;
    uint32_t nvalues;
    /* Prepare: receivers of markers 0..nspecs-1 are recorded here (values == NULL). */
    struct bind_recv *specs;
    uint32_t nspecs;
};

static inline bool bind_is_prepare(const struct bind_env *env)
{
    return env->values == NULL;
}

/* Binds t for receiver r. */
int bind_term(struct bind_env *env, const struct ast_term *t, const struct bind_recv *r,
              struct bind_value *out, struct errmsg *em);

/* A receiver derived from r: "value(c)", "key(c)", "c[1]" style names (allocated in a). */
struct bind_recv bind_recv_sub(struct arena *a, const struct bind_recv *r, const char *fmt,
                               const struct cql_type *type);

/* A native-typed receiver with a fixed name ("[limit]", "[ttl]"). */
struct bind_recv bind_recv_native(const char *name, enum cql_type_id id);

/*
 * The type a term has regardless of its receiver, when it can be known (Cassandra's
 * getExactTypeIfKnown / preferred literal type): a literal's preferred type, a function's
 * return type, a type hint or cast. NULL otherwise (markers, NULL, collection literals).
 */
const struct cql_type *bind_term_type(const struct bind_env *env, const struct ast_term *t);

/* Whether a constant literal kind can be assigned to a type (Constants.Literal.testAssignment):
   0 no, 1 weakly, 2 exactly. */
int bind_literal_assignable(const struct ast_term *t, const struct cql_type *type);

/* The serialized int of a bound value of type int (LIMIT, TTL); false if not 4 bytes. */
bool bind_value_int32(const struct bind_value *v, int32_t *out);
bool bind_value_int64(const struct bind_value *v, int64_t *out);

/* CQL name of a type for messages ("int", "list<text>", "frozen<address>"), in a. */
const char *bind_type_name(struct arena *a, const struct cql_type *t);

#endif

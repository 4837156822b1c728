/*
 * bind_int: what the files of the bind module share. Not for use outside bind*.c.
 */
#ifndef RINGDB_CQL_BIND_INT_H
#define RINGDB_CQL_BIND_INT_H

#include "node/base/buf.h"
#include "node/cql/bind.h"

/* Constants (bind_literal.c). */
int bind_literal(struct bind_env *env, const struct ast_term *t, const struct bind_recv *r,
                 struct bind_value *out, struct errmsg *em);
/* The preferred type of a constant (Constants.Type.getPreferedTypeFor). */
const struct cql_type *bind_literal_type(const struct ast_term *t);
/* Collection, tuple and UDT literals (bind_collection.c). */
int bind_collection(struct bind_env *env, const struct ast_term *t, const struct bind_recv *r,
                    struct bind_value *out, struct errmsg *em);
/* + - * / % and unary minus on numbers (bind_arith.c). */
int bind_arith(struct bind_env *env, const struct ast_term *t, const struct bind_recv *r,
               struct bind_value *out, struct errmsg *em);
/* Copies b into the arena as a value. */
int bind_out_buf(struct bind_env *env, const struct buf *b, struct bind_value *out);

#endif

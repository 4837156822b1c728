/*
 * numval: a number (int64 for integral types, double otherwise) serialized as a numeric CQL
 * type's value (see numval.c). Pure.
 */
#ifndef RINGDB_CQL_NUMVAL_H
#define RINGDB_CQL_NUMVAL_H

#include <stdint.h>

#include "node/base/buf.h"
#include "storage/types.h"

/* Appends the value of type id (tinyint, smallint, int, bigint, counter, float, double,
   varint; anything else is written as a decimal) for i (integral types) or d (the others). */
void numval_put(enum cql_type_id id, int64_t i, double d, struct buf *b);

#endif

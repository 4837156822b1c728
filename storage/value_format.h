/*
 * value_format: serialized CQL values as text — CQL literals the way cqlsh displays them, JSON
 * the way Cassandra's SELECT JSON / toJson() writes it — and the number formatting Cassandra's
 * Java code uses when it prints doubles (schema options, JSON).
 * Pure; thread-safe.
 */
#ifndef RINGDB_STORAGE_VALUE_FORMAT_H
#define RINGDB_STORAGE_VALUE_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "node/base/buf.h"
#include "node/base/err.h"
#include "storage/types.h"

/* Java's Double.toString(v): shortest digits that read back to v, plain between 1e-3 and 1e7
   ("0.01", "1.0", "123.5"), else scientific ("1.0E-4", "1.5E10"); "NaN", "Infinity". */
void value_format_java_double(struct buf *out, double v);
/* Java's Float.toString(v), same rules with float precision. */
void value_format_java_float(struct buf *out, float v);

#endif

/* Shared helpers for the types unit tests: hex decoding and a fixed UDT lookup. */
#ifndef RINGDB_TESTS_TYPES_TEST_UTIL_H
#define RINGDB_TESTS_TYPES_TEST_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "storage/types.h"

/* Decodes hex (spaces ignored) into out; returns the byte count. Aborts the test on bad hex. */
size_t tt_hex(const char *hex, uint8_t *out, size_t cap);
/* A lookup knowing ks.address {street text, zip int} and ks."MyType" {a int}. */
const struct cql_type *tt_lookup(void *ctx, const char *keyspace, const char *name);
/* Parses s (must succeed) into a, returning the type. */
const struct cql_type *tt_type(struct arena *a, const char *s);

#endif

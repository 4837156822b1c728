/*
 * cql_ident: printing CQL identifiers the way Cassandra 4.1 does (ColumnIdentifier.maybeQuote):
 * a name matching [a-z][a-z0-9_]* that is not a reserved keyword prints bare; anything else
 * (uppercase letters, leading digit or underscore, other characters, reserved words) is
 * wrapped in double quotes with inner double quotes doubled.
 * Pure; thread-safe.
 */
#ifndef RINGDB_STORAGE_CQL_IDENT_H
#define RINGDB_STORAGE_CQL_IDENT_H

#include <stdbool.h>
#include <stddef.h>

#include "node/base/buf.h"

/* True for Cassandra 4.1's reserved keywords (case-insensitive), e.g. "select", "Table". */
bool cql_ident_is_reserved(const char *s, size_t len);
/* True if the identifier must be double-quoted to read back as itself. */
bool cql_ident_needs_quote(const char *s);
/* Appends s, double-quoted when needed. */
void cql_ident_append(struct buf *out, const char *s);
/* Appends s as a CQL string literal: single quotes, inner single quotes doubled. */
void cql_ident_append_string(struct buf *out, const char *s, size_t len);

#endif

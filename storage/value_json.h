/*
 * value_json: CQL values as JSON, both ways, as Cassandra 4.1 does for SELECT JSON / toJson()
 * and INSERT JSON / fromJson().
 *
 * Writing (AbstractType.toJSONString): text as JSON strings (Jackson escaping), integers,
 * varint and decimal as bare numbers, float/double as Java prints them (NaN and infinities as
 * null), booleans bare, uuids, timestamps ("2024-01-02 03:04:05.678Z"), dates, times,
 * durations and inets (Java form) as strings, blobs as "0x..", lists/sets/tuples as arrays,
 * maps and UDTs as objects (map keys always strings; UDT field names with uppercase letters as
 * "\"Name\"").
 *
 * Reading (AbstractType.fromJSONObject): a small strict JSON parser (RFC 8259, bounded depth
 * and item counts) builds a tree in an arena; value_json_to_value converts it for a type.
 * Numbers are accepted as JSON numbers or strings in Cassandra's text form; timestamps as
 * integers (ms) or date strings; collections, tuples and UDTs also from a string holding JSON.
 * Sets come out sorted and deduplicated, maps sorted by key (last duplicate wins), exactly as
 * Cassandra serializes them. Errors are ERR_INVALID with Cassandra's MarshalException text.
 * Pure; thread-safe.
 */
#ifndef RINGDB_STORAGE_VALUE_JSON_H
#define RINGDB_STORAGE_VALUE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "node/base/arena.h"
#include "node/base/buf.h"
#include "node/base/err.h"
#include "storage/types.h"

#define JSON_DEPTH_MAX 64
#define JSON_ITEMS_MAX CQL_COLLECTION_ELEMS_MAX

/* Appends the JSON for a serialized value (an empty value of a non-text type is null). Returns
   0, or ERR_INVALID for a malformed value. */
int value_json_format(const struct cql_type *t, const uint8_t *v, size_t len, struct buf *out);
/* Appends s as a JSON string (quotes, \" \\ \b \f \n \r \t, \u00XX for other controls). */
void value_json_append_string(struct buf *out, const char *s, size_t len);
/* Appends a column or field name as SELECT JSON keys it: "name", or "\"Name\"" when the name
   is not all lowercase. */
void value_json_append_key(struct buf *out, const char *name);

enum json_kind {
    JSON_NULL,
    JSON_BOOL,
    JSON_NUMBER,
    JSON_STRING,
    JSON_ARRAY,
    JSON_OBJECT,
};

/* A parsed JSON value; every pointer lives in the arena given to the parser. */
struct json_value {
    enum json_kind kind;
    bool boolean;
    bool integral;   /* NUMBER: no fraction and no exponent */
    const char *str; /* STRING: decoded UTF-8 (NUL-terminated); NUMBER: the literal text */
    size_t len;
    uint32_t n;                     /* ARRAY / OBJECT: item count */
    const struct json_value *items; /* ARRAY items, OBJECT values */
    const char *const *keys;        /* OBJECT keys, decoded, NUL-terminated */
    const size_t *key_lens;
};

/* Parses one JSON document (surrounding whitespace allowed). */
int value_json_parse_doc(const char *text, size_t len, struct arena *a,
                         const struct json_value **out, struct errmsg *em);
/* Appends the serialized value of t for j; a JSON null sets *is_null and appends nothing. */
int value_json_to_value(const struct cql_type *t, const struct json_value *j, int64_t now_ms,
                        struct buf *out, bool *is_null, struct errmsg *em);
/* Both steps on text (fromJson()). */
int value_json_parse(const struct cql_type *t, const char *text, size_t len, int64_t now_ms,
                     struct buf *out, bool *is_null, struct errmsg *em);
/* The column or field name an INSERT JSON key designates: "\"Foo\"" is Foo (case kept), any
   other key is lowercased. Allocated in a. */
const char *value_json_key_name(struct arena *a, const char *key, size_t len);

#endif

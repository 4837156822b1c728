/*
 * types: CQL data types as the storage engine and the CQL front end both see them.
 *
 * A struct cql_type describes a type (native, collection, tuple, user-defined), is immutable
 * once built and lives in the arena of whoever built it (usually a table schema). Values are
 * always in their CQL native-protocol serialized form ("bytes"), exactly as drivers send them:
 * int = 4 bytes big-endian, text = UTF-8, list = <int n><int len><bytes>... (protocol v4 §6).
 *
 * This file gives: the type ids (equal to the protocol's [option] ids), parsing and printing of
 * type strings as Cassandra prints them in system_schema.columns.type ("map<text, int>",
 * "frozen<list<int>>"), validation of serialized values (every value from a client or a disk is
 * validated before it is stored), and comparison in Cassandra's order for clustering columns.
 * Formatting values as CQL literals / JSON lives in storage/value_format.h.
 *
 * Pure: no I/O, no globals beyond the constant native-type singletons.
 */
#ifndef RINGDB_STORAGE_TYPES_H
#define RINGDB_STORAGE_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "node/base/arena.h"
#include "node/base/buf.h"
#include "node/base/err.h"

enum cql_type_id {
    CQL_CUSTOM = 0x0000,
    CQL_ASCII = 0x0001,
    CQL_BIGINT = 0x0002,
    CQL_BLOB = 0x0003,
    CQL_BOOLEAN = 0x0004,
    CQL_COUNTER = 0x0005,
    CQL_DECIMAL = 0x0006,
    CQL_DOUBLE = 0x0007,
    CQL_FLOAT = 0x0008,
    CQL_INT = 0x0009,
    CQL_TIMESTAMP = 0x000B,
    CQL_UUID = 0x000C,
    CQL_VARCHAR = 0x000D, /* "text" */
    CQL_VARINT = 0x000E,
    CQL_TIMEUUID = 0x000F,
    CQL_INET = 0x0010,
    CQL_DATE = 0x0011,
    CQL_TIME = 0x0012,
    CQL_SMALLINT = 0x0013,
    CQL_TINYINT = 0x0014,
    CQL_DURATION = 0x0015,
    CQL_LIST = 0x0020,
    CQL_MAP = 0x0021,
    CQL_SET = 0x0022,
    CQL_UDT = 0x0030,
    CQL_TUPLE = 0x0031,
};

/* Nesting limit for parsing and validating types and values (frozen<list<map<...>>> ...). */
#define CQL_TYPE_DEPTH_MAX 16
/* Limit on tuple/UDT fields and on collection elements decoded from one value. */
#define CQL_TYPE_FIELDS_MAX 1024
#define CQL_COLLECTION_ELEMS_MAX (64 * 1024)

struct cql_type {
    enum cql_type_id id;
    bool frozen;          /* frozen<...>; true for every tuple and for collections/UDTs nested
                             in a collection, tuple or frozen type (natives: always false) */
    uint16_t nsub;        /* list/set: 1 (element), map: 2 (key, value), tuple/UDT: fields */
    const struct cql_type *const *sub;
    const char *udt_keyspace; /* UDT only */
    const char *udt_name;     /* UDT only */
    const char *const *field_names; /* UDT only, nsub entries */
    const char *custom_class; /* CQL_CUSTOM only */
};

/* The singleton for a native (non-parameterised) type id, or NULL for list/map/set/tuple/UDT. */
const struct cql_type *cql_type_native(enum cql_type_id id);

/*
 * Resolves a user-defined type name while parsing a type string. Returns the UDT (frozen flag
 * is set by the parser as written) or NULL if unknown. ctx is the caller's.
 */
typedef const struct cql_type *(*cql_udt_lookup_cb)(void *ctx, const char *keyspace,
                                                    const char *name);

/*
 * Parses a type string: "int", "text", "varchar", "map<text, frozen<list<int>>>",
 * "tuple<int, text>", "frozen<address>", "'org.apache...CustomType'". Case-insensitive native
 * names; quoted UDT names keep their case. keyspace resolves unqualified UDT names.
 * The type is allocated in a. Returns 0, or ERR_INVALID / ERR_SYNTAX with a message.
 */
int cql_type_parse(const char *s, size_t len, const char *keyspace, cql_udt_lookup_cb lookup,
                   void *lookup_ctx, struct arena *a, const struct cql_type **out,
                   struct errmsg *em);

/* Appends the type as Cassandra 4.1 prints it in system_schema.columns.type. */
void cql_type_format(const struct cql_type *t, struct buf *out);

/* The protocol's lowercase name of a native type: "int", "text", "timeuuid" ... */
const char *cql_type_native_name(enum cql_type_id id);

bool cql_type_equal(const struct cql_type *a, const struct cql_type *b);
bool cql_type_is_collection(const struct cql_type *t); /* list, set, map */
/* Non-frozen collections and UDTs: stored as one cell per element ("complex" columns). */
bool cql_type_is_multicell(const struct cql_type *t);
/* Values of the type can be compared for clustering (not duration, not non-frozen collections). */
bool cql_type_is_comparable(const struct cql_type *t);
/* A copy of t with frozen = true, allocated in a (t itself if already frozen). */
const struct cql_type *cql_type_freeze(const struct cql_type *t, struct arena *a);
/* Deep copy into a (used when a schema is copied). */
const struct cql_type *cql_type_copy(const struct cql_type *t, struct arena *a);

/*
 * Checks that bytes[0..len) is a well-formed serialized value of type t (fixed sizes, UTF-8 for
 * text, ASCII for ascii, element counts against the bytes remaining, nesting depth).
 * Returns 0 or ERR_INVALID with Cassandra 4.1's message for the problem. The empty value
 * (len 0) is accepted for every type Cassandra accepts it for: all but tinyint, smallint,
 * date, time, duration, list, set and map. Set elements and map keys are not checked for
 * order or uniqueness: Cassandra re-sorts bound collections, see cql_value_normalize.
 */
int cql_value_validate(const struct cql_type *t, const uint8_t *v, size_t len, struct errmsg *em);

/*
 * Compares two valid serialized values in Cassandra's order for the type: signed numeric order
 * for integers and varint/decimal, IEEE order for float/double (Cassandra's Float.compare, NaN
 * last), unsigned bytes for text/blob/ascii/inet, false < true, date as unsigned, UUIDType and
 * TimeUUIDType orders (version, then timestamp, then bytes; timeuuid low bytes compare as
 * signed), tuples and frozen collections element by element. Returns <0, 0, >0.
 * The empty value (len 0) sorts before every other value, as in Cassandra.
 */
int cql_value_compare(const struct cql_type *t, const uint8_t *a, size_t alen, const uint8_t *b,
                      size_t blen);

/*
 * Self-contained binary form of a type (schema files): <u16 id><u8 frozen><u16 nsub> then, per
 * kind, the sub-types, UDT keyspace/name/field names, custom class (strings as varint length +
 * bytes). decode bounds depth, counts and lengths and returns ERR_CORRUPT on malformed input.
 */
void cql_type_encode(const struct cql_type *t, struct buf *out);
int cql_type_decode(struct rbuf *r, struct arena *a, const struct cql_type **out);

/*
 * Appends v in Cassandra's canonical form: set elements sorted by the element comparator and
 * unique, map entries sorted by key with the last of equal keys kept, recursively inside lists,
 * tuples and UDTs (Cassandra re-serializes every bound collection this way). v must be valid
 * (cql_value_validate); a malformed value is ERR_INVALID and nothing is appended.
 */
int cql_value_normalize(const struct cql_type *t, const uint8_t *v, size_t len, struct buf *out,
                        struct errmsg *em);

/*
 * Reads one <int len><bytes> element of a collection, tuple or UDT value at *pos (advancing it):
 * returns 1 (element in *e, *elen), 0 (null, len < 0) or -1 (truncated). Bounded by len.
 */
int cql_value_next_elem(const uint8_t *v, size_t len, size_t *pos, const uint8_t **e,
                        size_t *elen);

/* Strict UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF). */
bool cql_value_utf8_valid(const uint8_t *s, size_t len);

/*
 * Cassandra's signed vint (protocol v5 [vint]: zig-zag, then a first byte whose leading 1 bits
 * count the extra bytes). decode returns the bytes used, or 0 if p[0..len) is truncated.
 */
size_t cql_value_decode_vint(const uint8_t *p, size_t len, int64_t *out);
void cql_value_encode_vint(struct buf *out, int64_t v);
/* A duration value: months, days, nanoseconds as three vints. decode returns 0 or -1 (bad
   encoding, trailing bytes, months/days beyond 32 bits; the sign rule is validate's job). */
int cql_value_decode_duration(const uint8_t *v, size_t len, int32_t *months, int32_t *days,
                              int64_t *nanos);
void cql_value_encode_duration(struct buf *out, int32_t months, int32_t days, int64_t nanos);

#endif

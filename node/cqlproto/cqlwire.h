/*
 * cqlwire: the body primitives of the CQL native protocol (v3/v4 §3): [byte] [short] [int]
 * [long] [string] [long string] [uuid] [string list] [bytes] [value] [short bytes] [inet]
 * [consistency] [string map] [string multimap] [bytes map].
 *
 * Readers take a struct rbuf (node/base/buf.h) over a frame body and never read past its end:
 * every length and count is checked against the bytes remaining before it is used. They
 * return 0, or ERR_PROTOCOL when the body is truncated or a length is invalid; the cursor is
 * then left where it was. They fill no message: the message decoders name the field.
 * Decoded strings and byte values point into the body (no copy): they live as long as it does.
 * Lists and maps are arrays allocated in a caller arena.
 *
 * Writers append to a struct buf and cannot fail (the buf grows; out of memory aborts).
 * A [string] longer than 65535 bytes is truncated at a UTF-8 character boundary, so no input
 * (a long alias, a long error text) can make the encoder crash.
 *
 * Pure, no globals. Thread rule: none (caller's buffers).
 */
#ifndef RINGDB_CQLPROTO_CQLWIRE_H
#define RINGDB_CQLPROTO_CQLWIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "node/base/arena.h"
#include "node/base/buf.h"

/* A string (not NUL-terminated) pointing into a frame body or at a caller's text. */
struct cqlwire_str {
    const char *p;
    size_t len;
};

/* Lengths of [bytes]/[value] with special meaning (len field of struct cqlwire_value). */
#define CQLWIRE_NULL (-1)  /* [bytes]/[value] n < 0 (v3) or n == -1 (v4): null */
#define CQLWIRE_UNSET (-2) /* [value] n == -2 (v4 only): "not set", leave the column alone */

/* A [bytes], [value] or [short bytes]: len >= 0 bytes at p, or CQLWIRE_NULL / CQLWIRE_UNSET. */
struct cqlwire_value {
    const uint8_t *p;
    int32_t len;
};

/* A [string] key with a [string] (string map) or [bytes] (bytes map) value. */
struct cqlwire_pair {
    struct cqlwire_str key;
    struct cqlwire_str str;
    struct cqlwire_value bytes;
};

/* A [string] key with a [string list] value (string multimap). */
struct cqlwire_multi {
    struct cqlwire_str key;
    struct cqlwire_str *vals;
    uint16_t nvals;
};

/* [inet]: a 4- or 16-byte address and an [int] port. */
struct cqlwire_inet {
    uint8_t addr_len; /* 4 or 16 */
    uint8_t addr[16];
    int32_t port;
};

#define CQLWIRE_STRING_MAX 65535u

/* Builds a cqlwire_str from a NUL-terminated C string (NULL gives the empty string). */
struct cqlwire_str cqlwire_str_c(const char *s);
bool cqlwire_str_eq(struct cqlwire_str s, const char *c);
bool cqlwire_str_eq_nocase(struct cqlwire_str s, const char *c);
/* A NUL-terminated copy in a. */
char *cqlwire_str_dup(struct cqlwire_str s, struct arena *a);

/* ---- readers: 0 or ERR_PROTOCOL ---- */
int cqlwire_get_byte(struct rbuf *r, uint8_t *out);
int cqlwire_get_short(struct rbuf *r, uint16_t *out);
int cqlwire_get_int(struct rbuf *r, int32_t *out);
int cqlwire_get_long(struct rbuf *r, int64_t *out);
int cqlwire_get_string(struct rbuf *r, struct cqlwire_str *out);
int cqlwire_get_long_string(struct rbuf *r, struct cqlwire_str *out);
int cqlwire_get_uuid(struct rbuf *r, uint8_t out[16]);
/* [bytes]: any negative length is null. */
int cqlwire_get_bytes(struct rbuf *r, struct cqlwire_value *out);
/* [value] for protocol version v: v4 knows -1 null and -2 unset (other negatives are errors);
 * v3 has no [value] and reads any negative length as null, as Cassandra does. */
int cqlwire_get_value(struct rbuf *r, int version, struct cqlwire_value *out);
int cqlwire_get_short_bytes(struct rbuf *r, struct cqlwire_value *out);
/* [inet]: the address size must be 4 or 16. */
int cqlwire_get_inet(struct rbuf *r, struct cqlwire_inet *out);
/* [string list]: *out is an arena array of *n strings (NULL when n == 0). */
int cqlwire_get_string_list(struct rbuf *r, struct arena *a, struct cqlwire_str **out,
                            uint16_t *n);
int cqlwire_get_string_map(struct rbuf *r, struct arena *a, struct cqlwire_pair **out,
                           uint16_t *n);
int cqlwire_get_bytes_map(struct rbuf *r, struct arena *a, struct cqlwire_pair **out, uint16_t *n);
int cqlwire_get_string_multimap(struct rbuf *r, struct arena *a, struct cqlwire_multi **out,
                                uint16_t *n);

/* ---- writers ---- */
void cqlwire_put_byte(struct buf *b, uint8_t v);
void cqlwire_put_short(struct buf *b, uint16_t v);
void cqlwire_put_int(struct buf *b, int32_t v);
void cqlwire_put_long(struct buf *b, int64_t v);
/* [string] from len bytes at s (truncated at 65535 bytes on a character boundary). */
void cqlwire_put_string(struct buf *b, const char *s, size_t len);
void cqlwire_put_str(struct buf *b, struct cqlwire_str s);
void cqlwire_put_cstring(struct buf *b, const char *s);
/* [long string]; len must fit an [int] (frames are far smaller). */
void cqlwire_put_long_string(struct buf *b, const char *s, size_t len);
void cqlwire_put_uuid(struct buf *b, const uint8_t uuid[16]);
/* [bytes]/[value] of len bytes; ASSERTs len fits an [int]. */
void cqlwire_put_bytes(struct buf *b, const void *p, size_t len);
/* [bytes]/[value]/[short bytes] from a struct (len may be CQLWIRE_NULL / CQLWIRE_UNSET). */
void cqlwire_put_value(struct buf *b, struct cqlwire_value v);
void cqlwire_put_null(struct buf *b);
void cqlwire_put_unset(struct buf *b);
/* [short bytes]; ASSERTs len <= 65535 (ids and tokens the caller built). */
void cqlwire_put_short_bytes(struct buf *b, const void *p, size_t len);
void cqlwire_put_inet(struct buf *b, const struct cqlwire_inet *in);
void cqlwire_put_string_list(struct buf *b, const struct cqlwire_str *s, uint16_t n);
void cqlwire_put_string_map(struct buf *b, const struct cqlwire_pair *p, uint16_t n);
void cqlwire_put_bytes_map(struct buf *b, const struct cqlwire_pair *p, uint16_t n);
void cqlwire_put_string_multimap(struct buf *b, const struct cqlwire_multi *m, uint16_t n);

#endif

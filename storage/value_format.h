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

/*
 * Two renderings of a serialized value of type t (a string for every type):
 *   VALUE_STYLE_CQLSH    what cqlsh 4.1 prints in a result table: top-level text bare (with
 *                        cqlsh's escaping of backslashes and control characters), text inside
 *                        collections quoted, True/False, timestamps as
 *                        2024-01-02 03:04:05.678000+0000, dates 2024-01-02, times
 *                        03:04:05.678000000, floats and doubles with cqlsh's default
 *                        precision 5 ("%.5g", widened for |x| in 1e-4..1e5), [1, 2],
 *                        {1, 2}, {'a': 1}, (1, 'x'), {f: 1}, durations 1mo2d3ns, blobs
 *                        0x01ff, uuids and inets bare.
 *   VALUE_STYLE_LITERAL  a CQL literal Cassandra accepts back: 'it''s', true, 0x01ff,
 *                        '2024-01-02T03:04:05.678Z', '2024-01-02', '03:04:05.678000000',
 *                        '127.0.0.1', Java doubles (NaN, Infinity), {"Quoted": 1} field names.
 * The empty value prints as nothing (cqlsh) or blobAs<type>(0x) (literal; '' for text). Returns
 * 0, or ERR_INVALID for a malformed value (validate first; output is then incomplete).
 */
enum value_style {
    VALUE_STYLE_CQLSH = 0,
    VALUE_STYLE_LITERAL = 1,
};
int value_format_cql(const struct cql_type *t, const uint8_t *v, size_t len, enum value_style style,
                     struct buf *out);

/* Building blocks, also used by the JSON writer. Timestamps are Unix ms (UTC). */
/* cqlsh: "2024-01-02 03:04:05.678000+0000"; outside years 1..9999 the ms number. */
void value_format_timestamp_cqlsh(struct buf *out, int64_t ms);
/* Cassandra's "yyyy-MM-dd'T'HH:mm:ss.SSSX" (literal) or "yyyy-MM-dd HH:mm:ss.SSSX" (JSON) in
   UTC: "2024-01-02T03:04:05.678Z". Returns false (appending nothing) outside years 1..9999. */
bool value_format_timestamp_iso(struct buf *out, int64_t ms, char sep);
/* Serialized date (days + 2^31) as yyyy-mm-dd; false (nothing appended) outside 1..9999. */
bool value_format_date(struct buf *out, uint32_t days);
/* ns since midnight as hh:mm:ss.nnnnnnnnn. */
void value_format_time(struct buf *out, int64_t ns);
/* Cassandra's Duration.toString: "-1y2mo3w..." -> "1y2mo", "1d", "1h30m", "" for zero. */
void value_format_duration(struct buf *out, int32_t months, int32_t days, int64_t nanos);
/* 4 or 16 bytes: inet_ntop form ("::1") or, java, Java's getHostAddress ("0:0:0:0:0:0:0:1",
   and an IPv4-mapped address as its IPv4 form). */
void value_format_inet(struct buf *out, const uint8_t *a, size_t len, bool java);

/* Java's Double.toString(v): shortest digits that read back to v, plain between 1e-3 and 1e7
   ("0.01", "1.0", "123.5"), else scientific ("1.0E-4", "1.5E10"); "NaN", "Infinity". */
void value_format_java_double(struct buf *out, double v);
/* Java's Float.toString(v), same rules with float precision. */
void value_format_java_float(struct buf *out, float v);

#endif

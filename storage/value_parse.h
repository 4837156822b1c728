/*
 * value_parse: text forms of the CQL temporal, duration and address types, as Cassandra 4.1
 * accepts them in string literals and JSON (TimestampSerializer, SimpleDateSerializer,
 * TimeSerializer, Duration.from, InetAddress), plus the proleptic Gregorian calendar
 * arithmetic the formatters share. Numbers (varint, decimal) parse with varnum_parse_varint /
 * varnum_parse_decimal (storage/varnum.h).
 *
 * Every parser takes exactly len bytes (no NUL needed), returns 0 and writes its output, or
 * returns ERR_INVALID with Cassandra's message and leaves the output alone.
 * Pure (the current time is passed in); thread-safe.
 */
#ifndef RINGDB_STORAGE_VALUE_PARSE_H
#define RINGDB_STORAGE_VALUE_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "node/base/err.h"

/* Days since 1970-01-01 of a proleptic Gregorian date (month 1..12, day 1..31). */
int64_t value_parse_days_from_civil(int64_t y, int m, int d);
/* The inverse. */
void value_parse_civil_from_days(int64_t days, int64_t *y, int *m, int *d);

/*
 * A timestamp: "now" (then now_ms), milliseconds ("-?[0-9]+"), or
 * yyyy-mm-dd[( |T)hh:mm[:ss[.fraction]]][ ][zone] with zone one of Z, UTC, GMT, +hh, +hhmm,
 * +hh:mm (also after UTC/GMT); no zone means UTC. The fraction is decimal (".5" = 500 ms;
 * Cassandra's SimpleDateFormat would read it as 5 ms) and is truncated to milliseconds.
 */
int value_parse_timestamp(const char *s, size_t len, int64_t now_ms, int64_t *out_ms,
                          struct errmsg *em);
/* A date: [+-]yyyy-mm-dd, or the raw unsigned day number (2^31 = 1970-01-01). Output is the
   serialized form: days since the epoch + 2^31. */
int value_parse_date(const char *s, size_t len, uint32_t *out, struct errmsg *em);
/* A time of day: hh:mm:ss[.fffffffff] or raw nanoseconds; 0 .. 86399999999999 ns. */
int value_parse_time(const char *s, size_t len, int64_t *out_ns, struct errmsg *em);
/*
 * A duration (Duration.from): [-]1y2mo3w4d5h6m7s8ms9us10ns (units in that order, each at most
 * once, case-insensitive, µs/us), ISO 8601 P1Y2M3DT4H5M6S, P3W, or P0001-02-03T04:05:06.
 */
int value_parse_duration(const char *s, size_t len, int32_t *months, int32_t *days,
                         int64_t *nanos, struct errmsg *em);
/* An IPv4 or IPv6 address literal; out gets 4 or 16 bytes, *out_len says which. */
int value_parse_inet(const char *s, size_t len, uint8_t out[16], size_t *out_len,
                     struct errmsg *em);

#endif

/*
 * config_units: the value syntax of cassandra.yaml, as Cassandra 4.1 reads it (pure, no I/O).
 *
 * Cassandra 4.1 (CASSANDRA-15234) writes durations, sizes and rates as a non-negative integer
 * followed by a unit, with no space and case-sensitive units:
 *   duration  10000ms  10s  3h  1d  (units ns us µs ms s m h d; DurationSpec)
 *   size      32MiB  64KiB  2GiB  0B  (units B KiB MiB GiB; DataStorageSpec)
 *   rate      64MiB/s  1024KiB/s  (units B/s KiB/s MiB/s; DataRateSpec)
 * Each key also has a smallest accepted unit ("Min unit: ms" in cassandra.yaml): a timeout
 * written in microseconds is an error, as in Cassandra. The pre-4.1 spellings
 * (`commitlog_sync_period_in_ms: 10000`) are plain integers in the unit their name says.
 *
 * Every parser returns 0 and writes *out, or returns -1, leaves *out alone and points *why at a
 * static sentence saying what was expected. Values never overflow silently: anything that would
 * not fit in 64 bits (after converting to the canonical unit) is an error.
 */
#ifndef RINGDB_NODE_CONFIG_UNITS_H
#define RINGDB_NODE_CONFIG_UNITS_H

#include <stdbool.h>
#include <stdint.h>

/* Smallest unit a duration key accepts, ordered from small to large. */
enum config_time_unit {
    CONFIG_UNIT_NS = 0,
    CONFIG_UNIT_US = 1,
    CONFIG_UNIT_MS = 2,
    CONFIG_UNIT_S = 3,
    CONFIG_UNIT_M = 4,
    CONFIG_UNIT_H = 5,
    CONFIG_UNIT_D = 6,
};

/* Smallest unit a size key accepts. */
enum config_size_unit {
    CONFIG_UNIT_B = 0,
    CONFIG_UNIT_KIB = 1,
    CONFIG_UNIT_MIB = 2,
    CONFIG_UNIT_GIB = 3,
};

/* "10000ms", "3h": milliseconds. min_unit must be CONFIG_UNIT_MS or larger (ringdb keeps every
   duration in milliseconds). */
int config_units_duration_ms(const char *s, enum config_time_unit min_unit, uint64_t *out_ms,
                             const char **why);
/* "32MiB": bytes. */
int config_units_size_bytes(const char *s, enum config_size_unit min_unit, uint64_t *out_bytes,
                            const char **why);
/* "64MiB/s": bytes per second. */
int config_units_rate_bytes_per_s(const char *s, uint64_t *out, const char **why);
/* A plain decimal integer with no sign (the old `_in_ms`, `_in_mb` spellings and counts). */
int config_units_uint(const char *s, uint64_t *out, const char **why);
/* A decimal number, possibly fractional ("8", "8.5"), finite. */
int config_units_double(const char *s, double *out, const char **why);
/* YAML 1.1 booleans as SnakeYAML reads them: true/false, yes/no, on/off (any case). */
int config_units_bool(const char *s, bool *out, const char **why);

/* a * b, or -1 when it does not fit in 64 bits. */
int config_units_mul_u64(uint64_t a, uint64_t b, uint64_t *out);

#endif

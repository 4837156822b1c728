/*
 * config_units: see config_units.h. Each value is "<digits><unit>" with the unit matched
 * exactly against a small table (Cassandra's DurationSpec / DataStorageSpec / DataRateSpec
 * patterns: `^(\d+)(unit)$`, case matters, no sign, no spaces). The digit run is bounded by the
 * 64-bit range, so no input length can overflow a conversion.
 */
#include "node/config_units.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct unit_def {
    const char *symbol;
    int rank;        /* enum config_time_unit / config_size_unit */
    uint64_t factor; /* canonical units per one of this unit (0: below the canonical unit) */
};

/* Canonical unit: milliseconds. ns and us exist so a too-small unit gets its own message. */
static const struct unit_def time_units[] = {
    {"ns", CONFIG_UNIT_NS, 0},        {"us", CONFIG_UNIT_US, 0},
    {"\xc2\xb5s", CONFIG_UNIT_US, 0}, /* µs */
    {"ms", CONFIG_UNIT_MS, 1},        {"s", CONFIG_UNIT_S, 1000},
    {"m", CONFIG_UNIT_M, 60000},      {"h", CONFIG_UNIT_H, 3600000},
    {"d", CONFIG_UNIT_D, 86400000},
};

static const struct unit_def size_units[] = {
    {"B", CONFIG_UNIT_B, 1},
    {"KiB", CONFIG_UNIT_KIB, 1024},
    {"MiB", CONFIG_UNIT_MIB, 1024 * 1024},
    {"GiB", CONFIG_UNIT_GIB, 1024 * 1024 * 1024},
};

static const struct unit_def rate_units[] = {
    {"B/s", 0, 1},
    {"KiB/s", 0, 1024},
    {"MiB/s", 0, 1024 * 1024},
};

int config_units_mul_u64(uint64_t a, uint64_t b, uint64_t *out)
{
    if (a != 0 && b > UINT64_MAX / a) return -1;
    *out = a * b;
    return 0;
}

/* Reads the leading digit run of s into *n; *end points past it. -1: no digits or overflow. */
static int leading_digits(const char *s, uint64_t *n, const char **end)
{
    uint64_t v = 0;
    const char *p = s;
    while (*p >= '0' && *p <= '9') {
        uint64_t d = (uint64_t)(*p - '0');
        if (v > (UINT64_MAX - d) / 10) return -1;
        v = v * 10 + d;
        p++;
    }
    if (p == s) return -1;
    *n = v;
    *end = p;
    return 0;
}

static const struct unit_def *find_unit(const struct unit_def *units, size_t count,
                                        const char *symbol)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(units[i].symbol, symbol) == 0) return &units[i];
    return NULL;
}

/* Parses "<digits><unit>" against a unit table; *unit receives the matched entry. */
static int parse_quantity(const char *s, const struct unit_def *units, size_t count,
                          uint64_t *quantity, const struct unit_def **unit)
{
    const char *rest;
    if (leading_digits(s, quantity, &rest) != 0) return -1;
    *unit = find_unit(units, count, rest);
    return *unit ? 0 : -1;
}

int config_units_duration_ms(const char *s, enum config_time_unit min_unit, uint64_t *out_ms,
                             const char **why)
{
    uint64_t q;
    const struct unit_def *u;
    if (parse_quantity(s, time_units, sizeof time_units / sizeof time_units[0], &q, &u) != 0) {
        *why = "expected a duration: a non-negative integer and a unit among d, h, m, s, ms, "
               "us, ns with no space (e.g. 10000ms, 10s, 3h)";
        return -1;
    }
    if (u->rank < (int)min_unit || u->factor == 0) {
        *why = min_unit >= CONFIG_UNIT_S ? "the smallest unit accepted here is s"
                                         : "the smallest unit accepted here is ms";
        return -1;
    }
    if (config_units_mul_u64(q, u->factor, out_ms) != 0) {
        *why = "duration too large";
        return -1;
    }
    return 0;
}

int config_units_size_bytes(const char *s, enum config_size_unit min_unit, uint64_t *out_bytes,
                            const char **why)
{
    uint64_t q;
    const struct unit_def *u;
    if (parse_quantity(s, size_units, sizeof size_units / sizeof size_units[0], &q, &u) != 0) {
        *why = "expected a size: a non-negative integer and a unit among B, KiB, MiB, GiB with "
               "no space (e.g. 32MiB, 64KiB)";
        return -1;
    }
    if (u->rank < (int)min_unit) {
        *why = min_unit == CONFIG_UNIT_MIB   ? "the smallest unit accepted here is MiB"
               : min_unit == CONFIG_UNIT_KIB ? "the smallest unit accepted here is KiB"
                                             : "the smallest unit accepted here is GiB";
        return -1;
    }
    if (config_units_mul_u64(q, u->factor, out_bytes) != 0) {
        *why = "size too large";
        return -1;
    }
    return 0;
}

int config_units_rate_bytes_per_s(const char *s, uint64_t *out, const char **why)
{
    uint64_t q;
    const struct unit_def *u;
    if (parse_quantity(s, rate_units, sizeof rate_units / sizeof rate_units[0], &q, &u) != 0) {
        *why = "expected a rate: a non-negative integer and a unit among B/s, KiB/s, MiB/s with "
               "no space (e.g. 64MiB/s)";
        return -1;
    }
    if (config_units_mul_u64(q, u->factor, out) != 0) {
        *why = "rate too large";
        return -1;
    }
    return 0;
}

int config_units_uint(const char *s, uint64_t *out, const char **why)
{
    uint64_t v;
    const char *rest;
    if (leading_digits(s, &v, &rest) != 0 || *rest != '\0') {
        *why = "expected a non-negative integer";
        return -1;
    }
    *out = v;
    return 0;
}

int config_units_double(const char *s, double *out, const char **why)
{
    /* strtod also takes hex, "inf", "nan" and leading spaces: allow only [-]digits[.digits]. */
    const char *p = s;
    if (*p == '-' || *p == '+') p++;
    size_t digits = 0;
    while ((*p >= '0' && *p <= '9') || *p == '.') {
        digits += *p != '.';
        p++;
    }
    if (digits == 0 || *p != '\0' || strchr(s, '.') != strrchr(s, '.')) {
        *why = "expected a decimal number";
        return -1;
    }
    errno = 0;
    char *end;
    double v = strtod(s, &end);
    if (errno != 0 || *end != '\0' || !isfinite(v)) {
        *why = "expected a decimal number";
        return -1;
    }
    *out = v;
    return 0;
}

int config_units_bool(const char *s, bool *out, const char **why)
{
    /* SnakeYAML's YAML 1.1 boolean resolver: these words in lower, Capitalized or UPPER case. */
    static const char *const words[] = {"true", "yes", "on", "false", "no", "off"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        if (strcasecmp(s, words[i]) != 0) continue;
        bool rest_lower = true, rest_upper = true;
        for (const char *p = s + 1; *p; p++) {
            rest_lower &= *p >= 'a' && *p <= 'z';
            rest_upper &= *p >= 'A' && *p <= 'Z';
        }
        if (rest_lower || (rest_upper && s[0] >= 'A' && s[0] <= 'Z')) {
            *out = i < 3;
            return 0;
        }
    }
    *why = "expected true or false";
    return -1;
}

/* Unit tests for config_units: Cassandra 4.1's duration, size and rate syntax. */
#include <criterion/criterion.h>
#include <stdint.h>

#include "node/config_units.h"

struct dur_case {
    const char *text;
    enum config_time_unit min_unit;
    int rc;
    uint64_t ms;
};

Test(config_units, durations_table)
{
    static const struct dur_case cases[] = {
        {"10000ms", CONFIG_UNIT_MS, 0, 10000},
        {"10s", CONFIG_UNIT_MS, 0, 10000},
        {"3h", CONFIG_UNIT_MS, 0, 10800000},
        {"60m", CONFIG_UNIT_MS, 0, 3600000},
        {"1d", CONFIG_UNIT_MS, 0, 86400000},
        {"0ms", CONFIG_UNIT_MS, 0, 0},
        {"4h", CONFIG_UNIT_S, 0, 14400000},
        {"1500ms", CONFIG_UNIT_S, -1, 0},  /* below the key's smallest unit */
        {"10us", CONFIG_UNIT_MS, -1, 0},   /* Cassandra rejects sub-ms for ms-bound keys */
        {"10\xc2\xb5s", CONFIG_UNIT_MS, -1, 0},
        {"10ns", CONFIG_UNIT_MS, -1, 0},
        {"10", CONFIG_UNIT_MS, -1, 0},     /* the unit is required */
        {"10 ms", CONFIG_UNIT_MS, -1, 0},  /* no space */
        {"10MS", CONFIG_UNIT_MS, -1, 0},   /* case matters */
        {"-5s", CONFIG_UNIT_MS, -1, 0},    /* no sign */
        {"+5s", CONFIG_UNIT_MS, -1, 0},
        {"1.5s", CONFIG_UNIT_MS, -1, 0},   /* integers only */
        {"ms", CONFIG_UNIT_MS, -1, 0},
        {"", CONFIG_UNIT_MS, -1, 0},
        {"10sec", CONFIG_UNIT_MS, -1, 0},
        {"99999999999999999999ms", CONFIG_UNIT_MS, -1, 0}, /* does not fit 64 bits */
        {"9999999999999999d", CONFIG_UNIT_MS, -1, 0},      /* fits, but not once in ms */
        {"18446744073709551615ms", CONFIG_UNIT_MS, 0, UINT64_MAX},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint64_t ms = 12345;
        const char *why = NULL;
        int rc = config_units_duration_ms(cases[i].text, cases[i].min_unit, &ms, &why);
        cr_expect_eq(rc, cases[i].rc, "case %zu '%s': rc %d", i, cases[i].text, rc);
        if (cases[i].rc == 0) {
            cr_expect_eq(ms, cases[i].ms, "case %zu '%s': %llu ms", i, cases[i].text,
                         (unsigned long long)ms);
        } else {
            cr_expect_eq(ms, 12345, "case %zu: output untouched on error", i);
            cr_expect_not_null(why, "case %zu: a reason is given", i);
        }
    }
}

struct size_case {
    const char *text;
    enum config_size_unit min_unit;
    int rc;
    uint64_t bytes;
};

Test(config_units, sizes_table)
{
    static const struct size_case cases[] = {
        {"32MiB", CONFIG_UNIT_MIB, 0, 32ull << 20},
        {"2GiB", CONFIG_UNIT_MIB, 0, 2ull << 30},
        {"64KiB", CONFIG_UNIT_KIB, 0, 64ull << 10},
        {"0B", CONFIG_UNIT_B, 0, 0},
        {"1024KiB", CONFIG_UNIT_B, 0, 1ull << 20},
        {"32768KiB", CONFIG_UNIT_MIB, -1, 0}, /* MiB-bound key written in KiB */
        {"32MB", CONFIG_UNIT_MIB, -1, 0},     /* 4.1 uses binary units only */
        {"32mib", CONFIG_UNIT_MIB, -1, 0},
        {"32", CONFIG_UNIT_MIB, -1, 0},
        {"32 MiB", CONFIG_UNIT_MIB, -1, 0},
        {"-1MiB", CONFIG_UNIT_MIB, -1, 0},
        {"17179869184GiB", CONFIG_UNIT_MIB, -1, 0}, /* 2^34 GiB overflows 64 bits of bytes */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint64_t b = 7;
        const char *why = NULL;
        int rc = config_units_size_bytes(cases[i].text, cases[i].min_unit, &b, &why);
        cr_expect_eq(rc, cases[i].rc, "case %zu '%s'", i, cases[i].text);
        if (cases[i].rc == 0) cr_expect_eq(b, cases[i].bytes, "case %zu '%s'", i, cases[i].text);
        else cr_expect_not_null(why);
    }
}

Test(config_units, rates_table)
{
    static const struct {
        const char *text;
        int rc;
        uint64_t bps;
    } cases[] = {
        {"64MiB/s", 0, 64ull << 20}, {"1024KiB/s", 0, 1ull << 20}, {"0B/s", 0, 0},
        {"0MiB/s", 0, 0},            {"64MiB", -1, 0},             {"64MB/s", -1, 0},
        {"64 MiB/s", -1, 0},         {"64MiB/S", -1, 0},           {"/s", -1, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint64_t v = 7;
        const char *why = NULL;
        int rc = config_units_rate_bytes_per_s(cases[i].text, &v, &why);
        cr_expect_eq(rc, cases[i].rc, "case %zu '%s'", i, cases[i].text);
        if (cases[i].rc == 0) cr_expect_eq(v, cases[i].bps, "case %zu", i);
    }
}

Test(config_units, integers_doubles_booleans)
{
    uint64_t u;
    double d;
    bool b;
    const char *why;
    cr_expect_eq(config_units_uint("10000", &u, &why), 0);
    cr_expect_eq(u, 10000);
    cr_expect_eq(config_units_uint("-1", &u, &why), -1);
    cr_expect_eq(config_units_uint("10ms", &u, &why), -1);
    cr_expect_eq(config_units_uint("", &u, &why), -1);
    cr_expect_eq(config_units_uint("0x10", &u, &why), -1);
    cr_expect_eq(config_units_double("8", &d, &why), 0);
    cr_expect_float_eq(d, 8.0, 1e-12);
    cr_expect_eq(config_units_double("12.5", &d, &why), 0);
    cr_expect_float_eq(d, 12.5, 1e-12);
    cr_expect_eq(config_units_double("nan", &d, &why), -1);
    cr_expect_eq(config_units_double("inf", &d, &why), -1);
    cr_expect_eq(config_units_double("0x1p3", &d, &why), -1);
    cr_expect_eq(config_units_double("1.2.3", &d, &why), -1);
    cr_expect_eq(config_units_double(" 8", &d, &why), -1);
    static const struct {
        const char *text;
        int rc;
        bool value;
    } bools[] = {
        {"true", 0, true},  {"True", 0, true},   {"TRUE", 0, true},   {"yes", 0, true},
        {"on", 0, true},    {"false", 0, false}, {"FALSE", 0, false}, {"no", 0, false},
        {"Off", 0, false},  {"tRUE", -1, false}, {"1", -1, false},    {"y", -1, false},
        {"", -1, false},    {"truee", -1, false},
    };
    for (size_t i = 0; i < sizeof bools / sizeof bools[0]; i++) {
        b = !bools[i].value;
        int rc = config_units_bool(bools[i].text, &b, &why);
        cr_expect_eq(rc, bools[i].rc, "bool case '%s'", bools[i].text);
        if (rc == 0) cr_expect_eq(b, bools[i].value, "bool case '%s'", bools[i].text);
    }
}

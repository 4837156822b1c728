/* Unit tests for the text parsers: timestamps, dates, times, durations, inets, varint/decimal. */
#include <criterion/criterion.h>
#include <string.h>

#include "storage/value_format.h"
#include "storage/value_parse.h"
#include "storage/varnum.h"
#include "types_test_util.h"

Test(value_parse, calendar_roundtrip)
{
    cr_assert_eq(value_parse_days_from_civil(1970, 1, 1), 0);
    cr_assert_eq(value_parse_days_from_civil(2000, 3, 1), 11017);
    cr_assert_eq(value_parse_days_from_civil(1969, 12, 31), -1);
    cr_assert_eq(value_parse_days_from_civil(1, 1, 1), -719162);
    for (int64_t d = -800000; d < 3000000; d += 997) {
        int64_t y;
        int m, dd;
        value_parse_civil_from_days(d, &y, &m, &dd);
        cr_assert_eq(value_parse_days_from_civil(y, m, dd), d);
    }
}

static const struct {
    const char *in;
    int64_t ms; /* INT64_MIN: must fail */
} timestamps[] = {
    {"0", 0},
    {"-1", -1},
    {"1704164645678", 1704164645678LL},
    {"now", 42},
    {"NOW", 42},
    {"2024-01-02", 1704153600000LL},
    {"2024-01-02 03:04", 1704164640000LL},
    {"2024-01-02 03:04:05", 1704164645000LL},
    {"2024-01-02 03:04:05.678", 1704164645678LL},
    {"2024-01-02T03:04:05.678Z", 1704164645678LL},
    {"2024-01-02 03:04:05.678+0000", 1704164645678LL},
    {"2024-01-02 03:04:05+0100", 1704164645000LL - 3600000},
    {"2024-01-02 03:04:05-01:30", 1704164645000LL + 5400000},
    {"2024-01-02 03:04:05.5", 1704164645500LL},
    {"2024-01-02 03:04:05.123456", 1704164645123LL},
    {"2024-01-02T03:04", 1704164640000LL},
    {"2024-01-02 03:04:05 UTC", 1704164645000LL},
    {"2024-01-02 03:04:05 GMT+02:00", 1704164645000LL - 7200000},
    {"2024-01-02+0000", 1704153600000LL},
    {"2024-01-02 Z", 1704153600000LL},
    {"1969-12-31 23:59:59.999", -1},
    {"2024-02-29", 1709164800000LL},
    {"2023-02-29", INT64_MIN},
    {"2024-13-01", INT64_MIN},
    {"2024-01-02 24:00", INT64_MIN},
    {"2024-01-02 03:60", INT64_MIN},
    {"2024-01-02 03:04:05.", INT64_MIN},
    {"2024-01-02 03:04:05+25", INT64_MIN},
    {"2024-01-02x", INT64_MIN},
    {"", INT64_MIN},
    {"-", INT64_MIN},
    {"99999999999999999999", INT64_MIN},
    {"yesterday", INT64_MIN},
};

Test(value_parse, timestamps)
{
    for (size_t i = 0; i < sizeof timestamps / sizeof timestamps[0]; i++) {
        int64_t ms = 7;
        struct errmsg em = {0};
        int rc = value_parse_timestamp(timestamps[i].in, strlen(timestamps[i].in), 42, &ms, &em);
        if (timestamps[i].ms == INT64_MIN) {
            cr_assert_eq(rc, ERR_INVALID, "'%s' accepted as %lld", timestamps[i].in, (long long)ms);
            cr_assert(strstr(em.text, "Unable to coerce"), "%s", em.text);
            cr_assert_eq(ms, 7, "output untouched on error");
        } else {
            cr_assert_eq(rc, 0, "'%s': %s", timestamps[i].in, em.text);
            cr_assert_eq(ms, timestamps[i].ms, "'%s': %lld", timestamps[i].in, (long long)ms);
        }
    }
}

Test(value_parse, dates_and_times)
{
    static const struct {
        const char *in;
        int64_t days; /* serialized (2^31 = epoch); -1 = error */
    } dates[] = {
        {"1970-01-01", 2147483648LL},
        {"2024-01-02", 2147483648LL + 19724},
        {"1969-12-31", 2147483647LL},
        {"0001-01-01", 2147483648LL - 719162},
        {"-0001-01-01", 2147483648LL - 719162 - 731},
        {"2147483648", 2147483648LL},
        {"0", 0},
        {"4294967295", 4294967295LL},
        {"4294967296", -1},
        {"-5", -1},
        {"2024-1-2", -1},
        {"2024-02-30", -1},
        {"", -1},
        {"5881580-07-12", -1},
    };
    for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
        uint32_t d = 0;
        struct errmsg em;
        int rc = value_parse_date(dates[i].in, strlen(dates[i].in), &d, &em);
        if (dates[i].days < 0)
            cr_assert_eq(rc, ERR_INVALID, "'%s' accepted", dates[i].in);
        else
            cr_assert(rc == 0 && d == (uint32_t)dates[i].days, "'%s': rc %d d %u", dates[i].in, rc,
                      d);
    }
    static const struct {
        const char *in;
        int64_t ns;
    } times[] = {
        {"00:00:00", 0},
        {"01:02:03.004", 3723004000000LL},
        {"01:02:03.004000000", 3723004000000LL},
        {"23:59:59.999999999", 86399999999999LL},
        {" 1:2:3 ", 3723000000000LL},
        {"86399999999999", 86399999999999LL},
        {"86400000000000", -1},
        {"-1", -1},
        {"24:00:00", -1},
        {"01:02", -1},
        {"01:02:03.0000000001", -1},
        {"", -1},
    };
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
        int64_t ns = 0;
        struct errmsg em;
        int rc = value_parse_time(times[i].in, strlen(times[i].in), &ns, &em);
        if (times[i].ns < 0)
            cr_assert_eq(rc, ERR_INVALID, "'%s' accepted", times[i].in);
        else
            cr_assert(rc == 0 && ns == times[i].ns, "'%s': rc %d ns %lld", times[i].in, rc,
                      (long long)ns);
    }
}

Test(value_parse, durations)
{
    static const struct {
        const char *in;
        int32_t m, d;
        int64_t ns;
        const char *err;
    } cases[] = {
        {"1mo2d3ns", 1, 2, 3, NULL},
        {"1h30m", 0, 0, 5400000000000LL, NULL},
        {"1y2mo", 14, 0, 0, NULL},
        {"2w", 0, 14, 0, NULL},
        {"-1d", 0, -1, 0, NULL},
        {"1Y2MO3W4D5H6M7S8MS9US10NS", 14, 25, 18367008009010LL, NULL},
        {"10µs", 0, 0, 10000, NULL},
        {"0s", 0, 0, 0, NULL},
        {"P1DT2H", 0, 1, 7200000000000LL, NULL},
        {"P1Y2M3DT4H5M6S", 14, 3, 14706000000000LL, NULL},
        {"P3W", 0, 21, 0, NULL},
        {"-P1D", 0, -1, 0, NULL},
        {"P0001-02-03T04:05:06", 14, 3, 14706000000000LL, NULL},
        {"PT30M", 0, 0, 1800000000000LL, NULL},
        {"1d1d", 0, 0, 0, "specified multiple times"},
        {"1s1h", 0, 0, 0, "should be after"},
        {"1x", 0, 0, 0, "Unable to convert '1x' to a duration"},
        {"", 0, 0, 0, "Unable to convert"},
        {"P", 0, 0, 0, "Unable to convert"},
        {"PT", 0, 0, 0, "Unable to convert"},
        {"P1H", 0, 0, 0, "Unable to convert"},
        {"h", 0, 0, 0, "Unable to convert"},
        {"2147483648mo", 0, 0, 0, "months must be less or equal to 2147483647"},
        {"9223372036854775807d", 0, 0, 0, "days must be less or equal"},
        {"100000000000h", 0, 0, 0, "nanoseconds must be less or equal"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int32_t m = 0, d = 0;
        int64_t ns = 0;
        struct errmsg em = {0};
        int rc = value_parse_duration(cases[i].in, strlen(cases[i].in), &m, &d, &ns, &em);
        if (cases[i].err) {
            cr_assert_eq(rc, ERR_INVALID, "'%s' accepted", cases[i].in);
            cr_assert(strstr(em.text, cases[i].err), "'%s': %s", cases[i].in, em.text);
            continue;
        }
        cr_assert_eq(rc, 0, "'%s': %s", cases[i].in, em.text);
        cr_assert(m == cases[i].m && d == cases[i].d && ns == cases[i].ns, "'%s': %d %d %lld",
                  cases[i].in, m, d, (long long)ns);
        /* and back: Duration.toString then parse again gives the same value */
        struct buf b;
        buf_init(&b);
        value_format_duration(&b, m, d, ns);
        if (b.len) {
            int32_t m2, d2;
            int64_t ns2;
            cr_assert_eq(value_parse_duration((char *)b.data, b.len, &m2, &d2, &ns2, &em), 0);
            cr_assert(m2 == m && d2 == d && ns2 == ns);
        }
        buf_deinit(&b);
    }
}

Test(value_parse, inets)
{
    uint8_t a[16];
    size_t n;
    struct errmsg em;
    cr_assert_eq(value_parse_inet("127.0.0.1", 9, a, &n, &em), 0);
    cr_assert(n == 4 && a[0] == 127 && a[3] == 1);
    cr_assert_eq(value_parse_inet("::1", 3, a, &n, &em), 0);
    cr_assert(n == 16 && a[15] == 1 && a[0] == 0);
    cr_assert_eq(value_parse_inet("2001:db8::ff00:42:8329", 22, a, &n, &em), 0);
    cr_assert_eq(n, 16);
    cr_assert_eq(value_parse_inet("::ffff:1.2.3.4", 14, a, &n, &em), 0);
    cr_assert_eq(value_parse_inet("256.0.0.1", 9, a, &n, &em), ERR_INVALID);
    cr_assert(strstr(em.text, "Unable to make inet address from '256.0.0.1'"));
    cr_assert_eq(value_parse_inet("localhost", 9, a, &n, &em), ERR_INVALID);
    cr_assert_eq(value_parse_inet("", 0, a, &n, &em), ERR_INVALID);
}

Test(value_parse, varint_and_decimal_text)
{
    static const struct {
        const char *text, *hex; /* hex NULL: must fail */
        bool decimal;
    } cases[] = {
        {"0", "00", false},
        {"1", "01", false},
        {"-1", "ff", false},
        {"127", "7f", false},
        {"128", "0080", false},
        {"-128", "80", false},
        {"-129", "ff7f", false},
        {"+255", "00ff", false},
        {"18446744073709551616", "010000000000000000", false},
        {"-18446744073709551616", "ff0000000000000000", false},
        {"1.5", NULL, false},
        {"", NULL, false},
        {"-", NULL, false},
        {"1.50", "00000002 0096", true},
        {"-1.5", "00000001 f1", true},
        {"1E+3", "fffffffd 01", true},
        {"1.5e-3", "00000004 0f", true},
        {"0.00", "00000002 00", true},
        {".5", "00000001 05", true},
        {"123456789012345678901234567890", "00000000 018ee90ff6c373e0ee4e3f0ad2", true},
        {"1e", NULL, true},
        {"1.2.3", NULL, true},
        {"abc", NULL, true},
        {"1e2147483649", NULL, true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct buf b;
        buf_init(&b);
        size_t len = strlen(cases[i].text);
        int rc = cases[i].decimal ? varnum_parse_decimal(cases[i].text, len, &b)
                                  : varnum_parse_varint(cases[i].text, len, &b);
        if (!cases[i].hex) {
            cr_assert_eq(rc, -1, "'%s' accepted", cases[i].text);
        } else {
            uint8_t want[64];
            size_t n = tt_hex(cases[i].hex, want, sizeof want);
            cr_assert_eq(rc, 0, "'%s'", cases[i].text);
            cr_assert(b.len == n && memcmp(b.data, want, n) == 0, "'%s': wrong bytes (%zu)",
                      cases[i].text, b.len);
        }
        buf_deinit(&b);
    }
}

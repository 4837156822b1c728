/*
 * value_parse: see value_parse.h.
 *
 * A tiny cursor (struct cur) reads digits and literals over exactly len bytes; every parser is
 * a straight-line grammar over it, so no input can loop or read past its end. Calendar maths
 * is Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian, as Java's
 * LocalDate and Python's datetime).
 */
#include "storage/value_parse.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#define NS_PER_DAY (86400LL * 1000000000LL)
#define MS_PER_DAY 86400000LL
#define YEAR_MAX 292278994LL /* beyond it milliseconds overflow int64 */

int64_t value_parse_days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void value_parse_civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

struct cur {
    const char *s;
    size_t len, pos;
};

static bool at_end(const struct cur *c)
{
    return c->pos >= c->len;
}

static char peek(const struct cur *c)
{
    return at_end(c) ? '\0' : c->s[c->pos];
}

static bool eat(struct cur *c, char ch)
{
    if (peek(c) != ch) return false;
    c->pos++;
    return true;
}

/* Reads min..max decimal digits into *out (no overflow: max <= 18). */
static bool digits(struct cur *c, int min, int max, int64_t *out)
{
    int n = 0;
    int64_t v = 0;
    while (n < max && !at_end(c) && c->s[c->pos] >= '0' && c->s[c->pos] <= '9') {
        v = v * 10 + (c->s[c->pos++] - '0');
        n++;
    }
    *out = v;
    return n >= min;
}

/* "-?[0-9]+" filling the whole input, as an int64. */
static bool whole_integer(const char *s, size_t len, int64_t *out)
{
    size_t i = s[0] == '-' ? 1 : 0;
    if (len == 0 || i == len || len - i > 19) return false;
    uint64_t v = 0;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') return false;
        uint64_t nv = v * 10 + (uint64_t)(s[i] - '0');
        if (nv / 10 != v) return false;
        v = nv;
    }
    bool neg = s[0] == '-';
    if (v > (uint64_t)INT64_MAX + neg) return false;
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return true;
}

static bool valid_ymd(int64_t y, int64_t m, int64_t d)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1) return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= mdays[m - 1] + (m == 2 && leap);
}

/* [+-]y{1,9}-mm-dd */
static bool parse_ymd(struct cur *c, bool allow_sign, int64_t *days)
{
    bool neg = false;
    if (allow_sign && (peek(c) == '-' || peek(c) == '+')) neg = c->s[c->pos++] == '-';
    int64_t y, m, d;
    if (!digits(c, 1, 9, &y) || !eat(c, '-') || !digits(c, 2, 2, &m) || !eat(c, '-') ||
        !digits(c, 2, 2, &d))
        return false;
    if (neg) y = -y;
    if (y > YEAR_MAX || y < -YEAR_MAX || !valid_ymd(y, m, d)) return false;
    *days = value_parse_days_from_civil(y, (int)m, (int)d);
    return true;
}

/* Z | UTC | GMT | [UTC|GMT](+|-)hh[[:]mm]; returns the offset east of UTC in minutes. */
static bool parse_zone(struct cur *c, int64_t *offset_min)
{
    *offset_min = 0;
    if (eat(c, 'Z')) return true;
    if (c->len - c->pos >= 3 &&
        (strncasecmp(c->s + c->pos, "UTC", 3) == 0 || strncasecmp(c->s + c->pos, "GMT", 3) == 0)) {
        c->pos += 3;
        if (at_end(c)) return true;
    }
    char sign = peek(c);
    if (sign != '+' && sign != '-') return false;
    c->pos++;
    int64_t hh, mm = 0;
    if (!digits(c, 2, 2, &hh)) return false;
    if (!at_end(c)) {
        eat(c, ':');
        if (!digits(c, 2, 2, &mm)) return false;
    }
    if (hh > 23 || mm > 59) return false;
    *offset_min = (sign == '-' ? -1 : 1) * (hh * 60 + mm);
    return true;
}

/* hh:mm[:ss[.f{1,9}]] -> ms of day (fraction truncated to ms); *ns gets full precision. */
static bool parse_clock(struct cur *c, bool seconds_required, int64_t *ns)
{
    int64_t hh, mm, ss = 0, frac = 0;
    if (!digits(c, 1, 2, &hh) || !eat(c, ':') || !digits(c, 1, 2, &mm)) return false;
    if (eat(c, ':')) {
        if (!digits(c, 1, 2, &ss)) return false;
        if (eat(c, '.')) {
            size_t start = c->pos;
            if (!digits(c, 1, 9, &frac)) return false;
            for (size_t k = c->pos - start; k < 9; k++)
                frac *= 10;
        }
    } else if (seconds_required) {
        return false;
    }
    if (hh > 23 || mm > 59 || ss > 59) return false;
    *ns = ((hh * 60 + mm) * 60 + ss) * 1000000000LL + frac;
    return true;
}

int value_parse_timestamp(const char *s, size_t len, int64_t now_ms, int64_t *out_ms,
                          struct errmsg *em)
{
    int64_t v;
    if (len == 3 && strncasecmp(s, "now", 3) == 0) {
        *out_ms = now_ms;
        return 0;
    }
    if (len && whole_integer(s, len, &v)) {
        *out_ms = v;
        return 0;
    }
    struct cur c = {s, len, 0};
    int64_t days, ns = 0, off = 0;
    if (!parse_ymd(&c, false, &days)) goto bad;
    if (!at_end(&c) && (peek(&c) == ' ' || peek(&c) == 'T')) {
        size_t save = c.pos++;
        if (!parse_clock(&c, false, &ns)) {
            c.pos = save; /* "yyyy-MM-dd zone" */
            ns = 0;
        }
    }
    if (!at_end(&c)) {
        eat(&c, ' ');
        if (!parse_zone(&c, &off)) goto bad;
    }
    if (!at_end(&c)) goto bad;
    int64_t ms;
    if (__builtin_mul_overflow(days, MS_PER_DAY, &ms) ||
        __builtin_add_overflow(ms, ns / 1000000 - off * 60000, &ms))
        goto bad;
    *out_ms = ms;
    return 0;
bad:
    return errmsg_set(em, ERR_INVALID, "Unable to coerce '%.*s' to a formatted date (long)",
                      (int)len, s);
}

int value_parse_date(const char *s, size_t len, uint32_t *out, struct errmsg *em)
{
    int64_t v;
    if (len && whole_integer(s, len, &v)) {
        if (v < 0 || v > (int64_t)UINT32_MAX)
            return errmsg_set(em, ERR_INVALID, "Unable to coerce '%.*s' to a formatted date (long)",
                              (int)len, s);
        *out = (uint32_t)v;
        return 0;
    }
    struct cur c = {s, len, 0};
    int64_t days;
    if (!parse_ymd(&c, true, &days) || !at_end(&c))
        return errmsg_set(em, ERR_INVALID, "Unable to coerce '%.*s' to a formatted date (long)",
                          (int)len, s);
    if (days < INT32_MIN || days > INT32_MAX)
        return errmsg_set(em, ERR_INVALID, "Input date %.*s is out of bounds", (int)len, s);
    *out = (uint32_t)(days + 2147483648LL);
    return 0;
}

int value_parse_time(const char *s, size_t len, int64_t *out_ns, struct errmsg *em)
{
    int64_t v;
    if (len && whole_integer(s, len, &v)) {
        if (v < 0 || v >= NS_PER_DAY)
            return errmsg_set(em, ERR_INVALID, "Input long out of bounds: %.*s", (int)len, s);
        *out_ns = v;
        return 0;
    }
    while (len && s[0] == ' ')
        s++, len--; /* Cassandra trims */
    while (len && s[len - 1] == ' ')
        len--;
    struct cur c = {s, len, 0};
    if (!parse_clock(&c, true, &v) || !at_end(&c))
        return errmsg_set(em, ERR_INVALID,
                          "(TimeType) Unable to coerce '%.*s' to a formatted time (long)", (int)len,
                          s);
    *out_ns = v;
    return 0;
}

/* ---- durations ----------------------------------------------------------------------- */

struct dur {
    int64_t months, days, nanos;
};

enum { U_Y, U_MO, U_W, U_D, U_H, U_M, U_S, U_MS, U_US, U_NS, U_COUNT };

static const char *const unit_names[] = {"years",        "months",     "weeks",   "days",
                                         "hours",        "minutes",    "seconds", "milliseconds",
                                         "microseconds", "nanoseconds"};

static int dur_add(struct dur *d, int unit, int64_t n, struct errmsg *em)
{
    static const int64_t mult[] = {
        12, 1, 7, 1, 3600000000000LL, 60000000000LL, 1000000000LL, 1000000LL, 1000LL, 1};
    int64_t *field = unit <= U_MO ? &d->months : unit <= U_D ? &d->days : &d->nanos;
    int64_t add;
    int64_t limit = unit <= U_D ? INT32_MAX : INT64_MAX;
    if (__builtin_mul_overflow(n, mult[unit], &add) || __builtin_add_overflow(*field, add, field) ||
        *field > limit)
        return errmsg_set(em, ERR_INVALID,
                          "Invalid duration. The total number of %s must be less or equal to %lld",
                          unit <= U_MO  ? "months"
                          : unit <= U_D ? "days"
                                        : "nanoseconds",
                          (long long)limit);
    return 0;
}

/* One or more digits as a non-negative int64 (Long.parseLong); false on none or overflow. */
static bool number(struct cur *c, int64_t *out)
{
    size_t start = c->pos;
    int64_t v = 0;
    while (!at_end(c) && c->s[c->pos] >= '0' && c->s[c->pos] <= '9') {
        if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, c->s[c->pos] - '0', &v))
            return false;
        c->pos++;
    }
    *out = v;
    return c->pos > start;
}

/* Longest unit at the cursor, or -1. */
static int read_unit(struct cur *c)
{
    static const struct {
        const char *name;
        int unit;
    } units[] = {{"mo", U_MO},        {"ms", U_MS}, {"us", U_US}, {"\xc2\xb5s", U_US},
                 {"\xce\xbcs", U_US}, {"ns", U_NS}, {"y", U_Y},   {"w", U_W},
                 {"d", U_D},          {"h", U_H},   {"m", U_M},   {"s", U_S}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        size_t n = strlen(units[i].name);
        if (c->len - c->pos >= n && strncasecmp(c->s + c->pos, units[i].name, n) == 0) {
            c->pos += n;
            return units[i].unit;
        }
    }
    return -1;
}

static int parse_standard(struct cur *c, struct dur *d, struct errmsg *em, bool *syntax_ok)
{
    int last = -1;
    *syntax_ok = false;
    while (!at_end(c)) {
        int64_t n;
        if (!number(c, &n)) return 0;
        int unit = read_unit(c);
        if (unit < 0) return 0;
        if (unit == last)
            return errmsg_set(em, ERR_INVALID,
                              "Invalid duration. The %s are specified multiple times",
                              unit_names[unit]);
        if (unit < last)
            return errmsg_set(em, ERR_INVALID, "Invalid duration. The %s should be after %s",
                              unit_names[last], unit_names[unit]);
        last = unit;
        int rc = dur_add(d, unit, n, em);
        if (rc) return rc;
    }
    *syntax_ok = last >= 0;
    return 0;
}

/* P[nY][nM][nD][T[nH][nM][nS]], PnW, PYYYY-MM-DDThh:mm:ss (after the P). */
static int parse_iso(struct cur *c, struct dur *d, struct errmsg *em, bool *syntax_ok)
{
    static const char date_units[] = {'Y', 'M', 'D'}, time_units[] = {'H', 'M', 'S'};
    static const int date_map[] = {U_Y, U_MO, U_D}, time_map[] = {U_H, U_M, U_S};
    int64_t a, b, e, h, mi, se;
    size_t save = c->pos;
    *syntax_ok = false;
    if (digits(c, 4, 4, &a) && eat(c, '-') && digits(c, 2, 2, &b) && eat(c, '-') &&
        digits(c, 2, 2, &e) && eat(c, 'T') && digits(c, 2, 2, &h) && eat(c, ':') &&
        digits(c, 2, 2, &mi) && eat(c, ':') && digits(c, 2, 2, &se) && at_end(c)) {
        *syntax_ok = true;
        int rc = dur_add(d, U_Y, a, em);
        if (!rc) rc = dur_add(d, U_MO, b, em);
        if (!rc) rc = dur_add(d, U_D, e, em);
        if (!rc) rc = dur_add(d, U_H, h, em);
        if (!rc) rc = dur_add(d, U_M, mi, em);
        if (!rc) rc = dur_add(d, U_S, se, em);
        return rc;
    }
    c->pos = save;
    if (number(c, &a) && (eat(c, 'W') || eat(c, 'w')) && at_end(c)) {
        *syntax_ok = true;
        return dur_add(d, U_W, a, em);
    }
    c->pos = save;
    bool in_time = false, any = false;
    int next = 0;
    while (!at_end(c)) {
        if (!in_time && (eat(c, 'T') || eat(c, 't'))) {
            in_time = true;
            next = 0;
            continue;
        }
        int64_t n;
        if (!number(c, &n) || at_end(c)) return 0;
        char u = (char)(c->s[c->pos++] & ~0x20);
        const char *units = in_time ? time_units : date_units;
        int k = next;
        while (k < 3 && units[k] != u)
            k++;
        if (k == 3) return 0;
        next = k + 1;
        any = true;
        int rc = dur_add(d, in_time ? time_map[k] : date_map[k], n, em);
        if (rc) return rc;
    }
    *syntax_ok = any;
    return 0;
}

int value_parse_duration(const char *s, size_t len, int32_t *months, int32_t *days, int64_t *nanos,
                         struct errmsg *em)
{
    struct cur c = {s, len, 0};
    struct dur d = {0, 0, 0};
    bool neg = eat(&c, '-'), ok = false;
    int rc;
    if (eat(&c, 'P') || eat(&c, 'p'))
        rc = parse_iso(&c, &d, em, &ok);
    else
        rc = parse_standard(&c, &d, em, &ok);
    if (rc) return rc;
    if (!ok)
        return errmsg_set(em, ERR_INVALID, "Unable to convert '%.*s' to a duration", (int)len, s);
    *months = (int32_t)(neg ? -d.months : d.months);
    *days = (int32_t)(neg ? -d.days : d.days);
    *nanos = neg ? -d.nanos : d.nanos;
    return 0;
}

int value_parse_inet(const char *s, size_t len, uint8_t out[16], size_t *out_len, struct errmsg *em)
{
    char tmp[64];
    if (len == 0 || len >= sizeof tmp || memchr(s, 0, len)) goto bad;
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    if (inet_pton(AF_INET, tmp, out) == 1) {
        *out_len = 4;
        return 0;
    }
    if (inet_pton(AF_INET6, tmp, out) == 1) {
        *out_len = 16;
        return 0;
    }
bad:
    return errmsg_set(em, ERR_INVALID, "Unable to make inet address from '%.*s'", (int)len, s);
}

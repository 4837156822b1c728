/*
 * value_format: see value_format.h.
 *
 * Java number printing: Double.toString prints the shortest decimal digits that read back to
 * the same double (JDK 19+; older JDKs differ only in rare ties), in plain notation when
 * 1e-3 <= |v| < 1e7 and in computerized scientific notation otherwise. We find the shortest
 * digits by trying precisions 1..17 (9 for floats) with snprintf and reading them back.
 */
#include "storage/value_format.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Shortest digits of |v| (no leading zeros) and the decimal exponent of the first digit. */
static void shortest_digits(double v, bool is_float, char digits[24], int *exp10)
{
    char tmp[40];
    int maxp = is_float ? 9 : 17;
    for (int p = 1; p <= maxp; p++) {
        snprintf(tmp, sizeof tmp, "%.*e", p - 1, v);
        bool same = is_float ? strtof(tmp, NULL) == (float)v : strtod(tmp, NULL) == v;
        if (same || p == maxp) break;
    }
    /* tmp = d[.ddd]e[+-]xx */
    size_t n = 0;
    const char *q = tmp;
    for (; *q && *q != 'e'; q++)
        if (*q >= '0' && *q <= '9') digits[n++] = *q;
    while (n > 1 && digits[n - 1] == '0') n--;
    digits[n] = '\0';
    *exp10 = (int)strtol(q + 1, NULL, 10);
}

static void java_fp(struct buf *out, double v, bool is_float)
{
    if (isnan(v)) {
        buf_append(out, "NaN", 3);
        return;
    }
    if (signbit(v)) buf_put_u8(out, '-');
    v = fabs(v);
    if (isinf(v)) {
        buf_append(out, "Infinity", 8);
        return;
    }
    if (v == 0) {
        buf_append(out, "0.0", 3);
        return;
    }
    char d[24];
    int e;
    shortest_digits(v, is_float, d, &e);
    int n = (int)strlen(d);
    if (v >= 1e-3 && v < 1e7) {
        if (e >= 0) {
            for (int i = 0; i <= e; i++) buf_put_u8(out, (uint8_t)(i < n ? d[i] : '0'));
            buf_put_u8(out, '.');
            if (n > e + 1) buf_append(out, d + e + 1, (size_t)(n - e - 1));
            else buf_put_u8(out, '0');
        } else {
            buf_append(out, "0.", 2);
            for (int i = 0; i < -e - 1; i++) buf_put_u8(out, '0');
            buf_append(out, d, (size_t)n);
        }
        return;
    }
    buf_put_u8(out, (uint8_t)d[0]);
    buf_put_u8(out, '.');
    if (n > 1) buf_append(out, d + 1, (size_t)(n - 1));
    else buf_put_u8(out, '0');
    buf_printf(out, "E%d", e);
}

void value_format_java_double(struct buf *out, double v)
{
    java_fp(out, v, false);
}

void value_format_java_float(struct buf *out, float v)
{
    java_fp(out, v, true);
}

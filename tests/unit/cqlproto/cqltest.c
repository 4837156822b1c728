/* Helpers shared by the cqlproto unit tests. */
#include "cqltest.h"

#include <criterion/criterion.h>
#include <ctype.h>
#include <string.h>

#include "node/base/err.h"

static int nibble(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

uint8_t *cqltest_unhex(struct arena *a, const char *hex, size_t *len)
{
    size_t n = strlen(hex);
    uint8_t *out = arena_alloc(a, n / 2 + 1);
    size_t k = 0;
    int hi = -1;
    for (size_t i = 0; i < n; i++) {
        if (isspace((unsigned char)hex[i])) continue;
        int v = nibble(hex[i]);
        cr_assert(v >= 0, "bad hex digit %c", hex[i]);
        if (hi < 0) {
            hi = v;
        } else {
            out[k++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    cr_assert(hi < 0, "odd number of hex digits");
    *len = k;
    return out;
}

int cqltest_frame(const uint8_t *p, size_t len, bool expect_response, bool bytewise,
                  struct arena *a, struct cqlframe_header *h, const uint8_t **body,
                  size_t *body_len)
{
    struct cqlframe_decoder d;
    cqlframe_decoder_init(&d, CQLFRAME_BODY_MAX_DEFAULT, expect_response);
    struct cqlframe f;
    struct errmsg em;
    int rc = 0;
    if (bytewise) {
        for (size_t i = 0; i < len && rc == 0; i++) {
            cqlframe_decoder_feed(&d, p + i, 1);
            rc = cqlframe_decoder_next(&d, &f, &em);
            if (rc == 1) cr_assert_eq(i, len - 1, "frame complete before its last byte");
        }
    } else {
        cqlframe_decoder_feed(&d, p, len);
        rc = cqlframe_decoder_next(&d, &f, &em);
    }
    if (rc == 1) {
        *h = f.h;
        int lrc = cqlframe_body_load(&f, true, CQLFRAME_BODY_MAX_DEFAULT, a, body, body_len, &em);
        if (lrc < 0) rc = lrc;
        cr_assert_eq(cqlframe_decoder_pending(&d), 0);
    }
    cqlframe_decoder_deinit(&d);
    return rc;
}

/* partitioner: see partitioner.h. */
#include "ring/partitioner.h"

#include <errno.h>
#include <stdbool.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/base/assert.h"
#include "node/base/be.h"
#include "node/base/murmur3.h"

int64_t partitioner_token(const uint8_t *key, size_t len)
{
    return murmur3_token(key, len);
}

void partitioner_compose(struct buf *out, const uint8_t *const *vals, const uint32_t *lens,
                         size_t n)
{
    for (size_t i = 0; i < n; i++) {
        ASSERT(lens[i] <= 0xFFFF);
        buf_put_be16(out, (uint16_t)lens[i]);
        buf_append(out, vals[i], lens[i]);
        buf_put_u8(out, 0);
    }
}

int partitioner_decompose(const uint8_t *key, size_t len, size_t n, const uint8_t **vals,
                          uint32_t *lens)
{
    size_t pos = 0;
    for (size_t i = 0; i < n; i++) {
        if (len - pos < 2) return -1;
        uint32_t l = be16_load(key + pos);
        pos += 2;
        if (len - pos < (size_t)l + 1) return -1;
        vals[i] = key + pos;
        lens[i] = l;
        pos += l;
        if (key[pos++] != 0) return -1;
    }
    return pos == len ? 0 : -1;
}

void token_format(int64_t token, char out[TOKEN_STR_MAX])
{
    snprintf(out, TOKEN_STR_MAX, "%" PRId64, token);
}

int token_parse(const char *s, size_t len, int64_t *out)
{
    char tmp[TOKEN_STR_MAX + 1];
    if (len == 0 || len >= sizeof tmp) return -1;
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    for (size_t i = (tmp[0] == '-' ? 1 : 0); i < len; i++)
        if (tmp[i] < '0' || tmp[i] > '9') return -1;
    if (tmp[0] == '-' && len == 1) return -1;
    errno = 0;
    char *end;
    long long v = strtoll(tmp, &end, 10);
    if (errno || *end) return -1;
    *out = v;
    return 0;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

void token_generate(uint64_t (*rand64_cb)(void *ctx), void *ctx, int64_t *tokens, size_t n)
{
    size_t have = 0;
    while (have < n) {
        int64_t t = (int64_t)rand64_cb(ctx);
        if (t == INT64_MIN) continue; /* the minimum token is never owned */
        bool dup = false;
        for (size_t i = 0; i < have && !dup; i++) dup = tokens[i] == t;
        if (!dup) tokens[have++] = t;
    }
    qsort(tokens, n, sizeof *tokens, cmp_i64);
}

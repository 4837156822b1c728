/*
 * iter: the small value helpers of iter.h (partition order, token ranges). The iterator
 * implementations live with their sources (memtable.c, sstable_*.c, merge.c).
 * Thread rule: stateless.
 */
#include "storage/iter.h"

#include <string.h>

int pkey_cmp(const struct pkey *a, const struct pkey *b)
{
    if (a->token != b->token) return a->token < b->token ? -1 : 1;
    uint32_t n = a->len < b->len ? a->len : b->len;
    int c = n ? memcmp(a->key, b->key, n) : 0;
    if (c) return c < 0 ? -1 : 1;
    return a->len < b->len ? -1 : a->len > b->len;
}

struct token_range token_range_all(void)
{
    struct token_range r = {
        .start = INT64_MIN, .end = INT64_MAX, .start_incl = true, .end_incl = true};
    return r;
}

bool token_range_contains(const struct token_range *r, int64_t token)
{
    if (token < r->start || (token == r->start && !r->start_incl)) return false;
    if (token > r->end || (token == r->end && !r->end_incl)) return false;
    return true;
}

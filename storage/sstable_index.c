/* sstable_index: see sstable_index.h. */
#include "storage/sstable_index.h"

#include "node/base/be.h"
#include "storage/sstable_part.h"

static int cmp_summary(const struct sstable_summary_entry *e, const struct pkey *key)
{
    struct pkey k = {e->token, e->key, e->key_len};
    return pkey_cmp(&k, key);
}

int64_t sstable_index_find_block(const struct sstable *s, const struct pkey *key)
{
    int64_t lo = 0, hi = (int64_t)s->summary.n - 1, found = -1;
    while (lo <= hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (cmp_summary(&s->summary.e[mid], key) <= 0) {
            found = mid;
            lo = mid + 1;
        } else {
            hi = mid - 1;
        }
    }
    return found;
}

uint32_t sstable_index_block_for_token(const struct sstable *s, int64_t token, bool incl)
{
    /* Entries with the token may start in the block before the first block whose first token
       passes it, so return the last block whose first token is below it (or equal, when
       !incl, since such a block may also hold larger tokens after the equal ones). */
    int64_t lo = 0, hi = (int64_t)s->summary.n - 1, found = 0;
    while (lo <= hi) {
        int64_t mid = lo + (hi - lo) / 2;
        int64_t t = s->summary.e[mid].token;
        if (t < token || (!incl && t == token)) {
            found = mid;
            lo = mid + 1;
        } else {
            hi = mid - 1;
        }
    }
    return (uint32_t)found;
}

int sstable_index_check_entry(const struct sstable *s, const struct sstable_entry *e,
                              struct errmsg *em)
{
    uint64_t dl = s->chunks.data_len;
    if (e->data_off > dl || e->header_len > dl - e->data_off ||
        e->rows_len > dl - e->data_off - e->header_len ||
        e->ridx_len > dl - e->data_off - e->header_len - e->rows_len || e->header_len == 0)
        return errmsg_set(em, ERR_CORRUPT, "%s: index entry points outside Data.db (offset %llu)",
                          s->paths[SSTABLE_INDEX], (unsigned long long)e->data_off);
    return 0;
}

static int corrupt_entry(const struct sstable *s, uint32_t block, struct errmsg *em)
{
    return errmsg_set(em, ERR_CORRUPT, "%s: malformed entry in index block at offset %llu",
                      s->paths[SSTABLE_INDEX], (unsigned long long)s->summary.e[block].block_off);
}

/* Binary search of a checked block: the entry index of key, or -1; -2 if malformed. */
static int64_t search_block(const struct chunk *ch, uint32_t n, const struct pkey *key)
{
    int64_t lo = 0, hi = (int64_t)n - 1;
    while (lo <= hi) {
        int64_t mid = lo + (hi - lo) / 2;
        int64_t t = sstable_format_block_token(ch->data, ch->len, n, (uint32_t)mid);
        int c = t < key->token ? -1 : t > key->token;
        if (c == 0) {
            struct pkey k;
            struct rbuf rest;
            if (sstable_format_block_key(ch->data, ch->len, n, (uint32_t)mid, &k, &rest) < 0)
                return -2;
            c = pkey_cmp(&k, key);
        }
        if (c == 0) return mid;
        if (c < 0) lo = mid + 1;
        else hi = mid - 1;
    }
    return -1;
}

int sstable_index_lookup(struct sstable *s, const struct pkey *key, struct chunk **blk,
                         struct sstable_entry *e, struct errmsg *em)
{
    int64_t b = sstable_index_find_block(s, key);
    if (b < 0) return 0;
    struct chunk *ch;
    uint32_t n;
    int rc = sstable_reader_index_block(s, (uint32_t)b, true, &ch, &n, em);
    if (rc < 0) return rc;
    int64_t i = search_block(ch, n, key);
    if (i == -1) {
        chunk_unref(ch);
        return 0;
    }
    struct sstable_entry x;
    if (i < 0 || sstable_format_block_entry(ch->data, ch->len, n, (uint32_t)i, &x) < 0)
        rc = corrupt_entry(s, (uint32_t)b, em);
    else
        rc = sstable_index_check_entry(s, &x, em);
    if (rc < 0) {
        chunk_unref(ch);
        return rc;
    }
    *e = x;
    *blk = ch;
    return 1;
}

int sstable_open_partition(struct sstable *s, const struct pkey *key, const struct rows_spec *spec,
                           struct part_iter **out, struct errmsg *em)
{
    *out = NULL;
    if (!sstable_may_contain(s, key)) return 0;
    return sstable_find_partition(s, key, spec, out, em);
}

int sstable_find_partition(struct sstable *s, const struct pkey *key, const struct rows_spec *spec,
                           struct part_iter **out, struct errmsg *em)
{
    *out = NULL;
    if (s->summary.n == 0 || pkey_cmp(key, &s->summary.first) < 0 ||
        pkey_cmp(key, &s->summary.last) > 0)
        return 0;
    struct chunk *blk;
    struct sstable_entry e;
    int rc = sstable_index_lookup(s, key, &blk, &e, em);
    if (rc <= 0) return rc;
    rc = sstable_part_open(s, &e, spec, NULL, out, em);
    chunk_unref(blk);
    return rc;
}

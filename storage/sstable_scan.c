/*
 * sstable_scan: the range_iter over the partitions of an SSTable whose token lies in a range,
 * in (token, key) order. It walks Index.db blocks from the summary block that may hold the
 * range's first token, one cached block at a time; opening a partition needs no lookup (the
 * entry is at hand). The partitions it opens read through the scan's chunk memo, so each chunk
 * is looked up once however many partitions it holds; an uncached scan (compaction) keeps the
 * chunks and index blocks it reads to itself instead of filling the chunk cache. Errors in
 * next()/open() are logged with their message (range_iter has no message channel) and returned
 * as codes.
 * Thread rule: one thread per iterator; it holds a reference to the SSTable; the partitions it
 * opened are closed before it.
 */
#include <stdlib.h>

#include "node/base/log.h"
#include "node/base/mem.h"
#include "storage/sstable_index.h"
#include "storage/sstable_part.h"

struct sst_scan {
    struct range_iter base;
    struct sstable *s;
    struct token_range r;
    uint32_t block;
    struct chunk *blk;
    struct sstable_chunk_memo memo;
    uint32_t n, i;
    struct sstable_entry cur;
    bool has_cur;
    bool done;
    struct errmsg err;
};

static bool before_range(const struct token_range *r, int64_t t)
{
    return t < r->start || (t == r->start && !r->start_incl);
}

static bool after_range(const struct token_range *r, int64_t t)
{
    return t > r->end || (t == r->end && !r->end_incl);
}

static int fail(struct sst_scan *it, int rc)
{
    it->done = true;
    it->has_cur = false;
    log_error("sstable", "scan failed: %s", it->err.text);
    return rc;
}

static int scan_next(struct range_iter *base, struct pkey *out)
{
    struct sst_scan *it = (struct sst_scan *)base;
    it->has_cur = false;
    *out = (struct pkey){0, NULL, 0};
    while (!it->done) {
        if (!it->blk) {
            if (it->block >= it->s->summary.n) break;
            int rc = sstable_reader_index_block(it->s, it->block, !it->memo.no_fill, &it->blk,
                                                &it->n, &it->err);
            if (rc < 0) return fail(it, rc);
            it->i = 0;
        }
        if (it->i >= it->n) {
            chunk_unref(it->blk);
            it->blk = NULL;
            it->block++;
            continue;
        }
        struct sstable_entry e;
        if (sstable_format_block_entry(it->blk->data, it->blk->len, it->n, it->i++, &e) < 0)
            return fail(it, errmsg_set(&it->err, ERR_CORRUPT,
                                       "%s: malformed entry in index block at offset %llu",
                                       it->s->paths[SSTABLE_INDEX],
                                       (unsigned long long)it->s->summary.e[it->block].block_off));
        if (before_range(&it->r, e.key.token)) continue;
        if (after_range(&it->r, e.key.token)) break;
        int rc = sstable_index_check_entry(it->s, &e, &it->err);
        if (rc < 0) return fail(it, rc);
        it->cur = e;
        it->has_cur = true;
        *out = e.key;
        return 0;
    }
    it->done = true;
    return 0;
}

static int scan_open(struct range_iter *base, const struct rows_spec *spec, struct part_iter **out)
{
    struct sst_scan *it = (struct sst_scan *)base;
    *out = NULL;
    if (!it->has_cur) return ERR_INVALID;
    int rc = sstable_part_open(it->s, &it->cur, spec, &it->memo, out, &it->err);
    if (rc < 0) log_error("sstable", "scan open failed: %s", it->err.text);
    return rc;
}

static void scan_close(struct range_iter *base)
{
    struct sst_scan *it = (struct sst_scan *)base;
    chunk_unref(it->blk);
    sstable_chunk_memo_release(&it->memo);
    sstable_unref(it->s);
    free(it);
}

static const struct range_iter_ops scan_ops = {scan_next, scan_open, scan_close};

static int scan_new(struct sstable *s, const struct token_range *r, bool no_fill,
                    struct range_iter **out)
{
    struct sst_scan *it = xcalloc(1, sizeof *it);
    it->memo.no_fill = no_fill;
    it->base.ops = &scan_ops;
    it->s = sstable_ref(s);
    it->r = *r;
    if (s->summary.n == 0 || r->start > r->end || after_range(r, s->summary.first.token) ||
        before_range(r, s->summary.last.token))
        it->done = true;
    else
        it->block = sstable_index_block_for_token(s, r->start, r->start_incl);
    *out = &it->base;
    return 0;
}

int sstable_scan(struct sstable *s, const struct token_range *r, struct range_iter **out,
                 struct errmsg *em)
{
    (void)em;
    return scan_new(s, r, false, out);
}

int sstable_scan_uncached(struct sstable *s, const struct token_range *r, struct range_iter **out,
                          struct errmsg *em)
{
    (void)em;
    return scan_new(s, r, true, out);
}

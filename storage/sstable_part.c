/*
 * sstable_part: reading one partition (see sstable_part.h for the shape). Invariants: sel holds
 * the offsets (in the current segment span) of the selected rows in ascending clustering order;
 * seg_next is the next segment to load in read direction; once done is set no segment is
 * loaded again.
 */
#include "storage/sstable_part.h"

#include <stdlib.h>
#include <string.h>

#include "node/base/arena.h"
#include "node/base/assert.h"
#include "node/base/log.h"
#include "node/base/mem.h"
#include "storage/row_codec.h"

#define SEL_INLINE 64
#define ROW_ARENA_RESET_BYTES (256u << 10)

struct seg {
    const uint8_t *first, *last; /* clusterings; NULL for the single segment */
    uint32_t first_len, last_len;
    uint64_t off, len; /* relative to the first row */
};

struct sst_part {
    struct part_iter base;
    struct sstable *s;
    const struct table_schema *schema;
    uint64_t data_off, rows_off;
    const struct slice *slices;
    uint32_t nslices;
    bool reversed;
    bool done;
    bool rows_in_hspan; /* the single segment was read with the header (one cache lookup) */
    struct slice all;
    struct arena hdr;  /* static row, range tombstones, segments */
    struct arena rows; /* decoded rows */
    struct sstable_span hspan, rspan, sspan;
    struct sstable_chunk_memo own_memo;
    struct sstable_chunk_memo *memo; /* &own_memo or the scan's */
    struct seg *segs;
    uint32_t nseg;
    struct seg single;
    int64_t seg_next;
    uint32_t *sel;
    uint32_t nsel, sel_cap, sel_pos;
    uint32_t sel_inline[SEL_INLINE];
    struct row row;
    struct errmsg err;
};

static bool before_start(const struct sst_part *it, const struct slice *sl, const uint8_t *ck,
                         uint32_t len)
{
    return bound_cmp_clustering(it->schema, &sl->start, ck, len) < 0;
}

static bool after_end(const struct sst_part *it, const struct slice *sl, const uint8_t *ck,
                      uint32_t len)
{
    return bound_cmp_clustering(it->schema, &sl->end, ck, len) > 0;
}

static int corrupt(struct sst_part *it, struct errmsg *em, const char *what, uint64_t off)
{
    return errmsg_set(em, ERR_CORRUPT, "%s: partition at offset %llu: %s at offset %llu",
                      it->s->paths[SSTABLE_DATA], (unsigned long long)it->data_off, what,
                      (unsigned long long)off);
}

static void push_sel(struct sst_part *it, uint32_t off)
{
    if (it->nsel == it->sel_cap) {
        size_t cap = it->sel_cap;
        if (it->sel == it->sel_inline) {
            it->sel = xmalloc(2 * cap * sizeof *it->sel);
            memcpy(it->sel, it->sel_inline, cap * sizeof *it->sel);
            cap *= 2;
        } else {
            xgrow((void **)&it->sel, &cap, cap + 1, sizeof *it->sel);
        }
        it->sel_cap = (uint32_t)cap;
    }
    it->sel[it->nsel++] = off;
}

/* Records the rows of the loaded segment that fall in the slices. Sets *past_end when a row
   after the last slice was seen (nothing later can match). */
static int select_rows(struct sst_part *it, uint64_t seg_off, bool *past_end, struct errmsg *em)
{
    struct rbuf r;
    rbuf_init(&r, it->sspan.p, (size_t)it->sspan.len);
    uint32_t k = 0;
    it->nsel = it->sel_pos = 0;
    *past_end = false;
    while (rbuf_left(&r) > 0) {
        size_t at = r.pos;
        uint64_t len;
        const uint8_t *ck;
        size_t ck_len;
        if (rbuf_varint(&r, &len) || len > rbuf_left(&r))
            return corrupt(it, em, "malformed row length", it->rows_off + seg_off + at);
        struct rbuf peek;
        rbuf_init(&peek, r.p + r.pos, (size_t)len);
        if (rbuf_vbytes(&peek, len, &ck, &ck_len))
            return corrupt(it, em, "malformed row clustering", it->rows_off + seg_off + at);
        rbuf_skip(&r, (size_t)len);
        while (k < it->nslices && after_end(it, &it->slices[k], ck, (uint32_t)ck_len)) k++;
        if (k == it->nslices) {
            *past_end = true;
            break;
        }
        if (!before_start(it, &it->slices[k], ck, (uint32_t)ck_len)) push_sel(it, (uint32_t)at);
    }
    return 0;
}

/* True when segment g lies wholly past the slices in read direction. */
static bool seg_beyond(const struct sst_part *it, const struct seg *g)
{
    if (!g->first) return false;
    if (it->reversed) return before_start(it, &it->slices[0], g->last, g->last_len);
    return after_end(it, &it->slices[it->nslices - 1], g->first, g->first_len);
}

static int load_next_segment(struct sst_part *it, struct errmsg *em)
{
    if (it->seg_next < 0 || it->seg_next >= (int64_t)it->nseg ||
        seg_beyond(it, &it->segs[it->seg_next])) {
        it->done = true;
        sstable_span_release(&it->sspan);
        return 0;
    }
    const struct seg *g = &it->segs[it->seg_next];
    it->seg_next += it->reversed ? -1 : 1;
    int rc = 0;
    if (it->rows_in_hspan) {
        /* Borrowed: hspan keeps the memory until close. */
        sstable_span_release(&it->sspan);
        it->sspan.p = it->hspan.p + (it->rows_off - it->data_off);
        it->sspan.len = g->len;
    } else {
        rc = sstable_reader_data(it->s, it->rows_off + g->off, g->len, &it->sspan, it->memo, em);
    }
    bool past_end = false;
    if (rc == 0) rc = select_rows(it, g->off, &past_end, em);
    if (rc < 0) {
        it->done = true;
        it->nsel = it->sel_pos = 0;
        return rc;
    }
    if (past_end && !it->reversed) it->done = true;
    return 0;
}

static int part_next(struct part_iter *base, const struct row **out)
{
    struct sst_part *it = (struct sst_part *)base;
    *out = NULL;
    if (it->rows.used_bytes > ROW_ARENA_RESET_BYTES) arena_reset(&it->rows);
    while (it->sel_pos >= it->nsel) {
        if (it->done) return 0;
        int rc = load_next_segment(it, &it->err);
        if (rc < 0) {
            log_error("sstable", "read failed: %s", it->err.text);
            return rc;
        }
    }
    uint32_t i = it->reversed ? it->nsel - 1 - it->sel_pos : it->sel_pos;
    it->sel_pos++;
    struct rbuf r;
    rbuf_init(&r, it->sspan.p, (size_t)it->sspan.len);
    r.pos = it->sel[i];
    uint64_t len;
    size_t end = 0;
    int rc = rbuf_varint(&r, &len);
    if (rc == 0) {
        end = r.pos + (size_t)len;
        r.len = end;
        rc = row_decode(&r, &it->rows, &it->row);
    }
    if (rc < 0 || r.pos != end || (it->row.flags & ROW_STATIC)) {
        it->done = true;
        it->nsel = it->sel_pos = 0;
        rc = corrupt(it, &it->err, "malformed row", it->sel[i]);
        log_error("sstable", "read failed: %s", it->err.text);
        return rc;
    }
    *out = &it->row;
    return 0;
}

static void part_close(struct part_iter *base)
{
    struct sst_part *it = (struct sst_part *)base;
    sstable_span_deinit(&it->hspan);
    sstable_span_deinit(&it->rspan);
    sstable_span_deinit(&it->sspan);
    sstable_chunk_memo_release(&it->own_memo);
    arena_deinit(&it->hdr);
    arena_deinit(&it->rows);
    if (it->sel != it->sel_inline) free(it->sel);
    sstable_unref(it->s);
    free(it);
}

static const struct part_iter_ops part_ops = {part_next, part_close};

static bool rt_in_slices(const struct sst_part *it, const struct range_tombstone *rt)
{
    for (uint32_t k = 0; k < it->nslices; k++) {
        const struct slice *sl = &it->slices[k];
        if (bound_cmp(it->schema, &rt->range.end, &sl->start) >= 0 &&
            bound_cmp(it->schema, &rt->range.start, &sl->end) <= 0)
            return true;
    }
    return false;
}

static int read_rts(struct sst_part *it, struct rbuf *r, struct errmsg *em)
{
    uint64_t n;
    if (rbuf_varint(r, &n) || n == 0 || n > SSTABLE_RTS_MAX || n > rbuf_left(r) / 4)
        return corrupt(it, em, "bad range tombstone count", it->data_off + r->pos);
    struct range_tombstone *rts = arena_alloc(&it->hdr, (size_t)n * sizeof *rts);
    uint32_t kept = 0;
    for (uint64_t i = 0; i < n; i++) {
        if (range_tombstone_decode(r, &rts[kept]) < 0)
            return corrupt(it, em, "malformed range tombstone", it->data_off + r->pos);
        if (rt_in_slices(it, &rts[kept])) kept++;
    }
    it->base.rts = rts;
    it->base.nrts = kept;
    return 0;
}

static int read_header(struct sst_part *it, const struct sstable_entry *e, struct errmsg *em)
{
    /* A small partition (no row index) is read whole: header and rows in one span. */
    uint64_t len = e->header_len + (it->rows_in_hspan ? e->rows_len : 0);
    int rc = sstable_reader_data(it->s, e->data_off, len, &it->hspan, it->memo, em);
    if (rc < 0) return rc;
    struct rbuf r;
    rbuf_init(&r, it->hspan.p, (size_t)e->header_len);
    const uint8_t *key;
    size_t klen;
    uint8_t flags;
    if (rbuf_vbytes(&r, SSTABLE_KEY_MAX, &key, &klen) || klen != e->key.len ||
        memcmp(key, e->key.key, klen) != 0)
        return corrupt(it, em, "partition key differs from the index", e->data_off);
    if (deletion_decode(&r, &it->base.partition_deletion) || rbuf_u8(&r, &flags) || flags > 3)
        return corrupt(it, em, "malformed partition header", e->data_off + r.pos);
    if (flags & SSTABLE_PART_STATIC) {
        struct row *sr = arena_alloc(&it->hdr, sizeof *sr);
        if (row_decode(&r, &it->hdr, sr) < 0 || !(sr->flags & ROW_STATIC))
            return corrupt(it, em, "malformed static row", e->data_off + r.pos);
        it->base.static_row = sr;
    }
    if ((flags & SSTABLE_PART_RTS) && (rc = read_rts(it, &r, em)) < 0) return rc;
    if (rbuf_left(&r) != 0) return corrupt(it, em, "trailing header bytes", e->data_off + r.pos);
    return 0;
}

static int read_segments(struct sst_part *it, const struct sstable_entry *e, struct errmsg *em)
{
    it->single = (struct seg){NULL, NULL, 0, 0, 0, e->rows_len};
    it->segs = &it->single;
    it->nseg = 1;
    if (e->ridx_len == 0) return 0;
    uint64_t at = it->rows_off + e->rows_len;
    int rc = sstable_reader_data(it->s, at, e->ridx_len, &it->rspan, it->memo, em);
    if (rc < 0) return rc;
    struct rbuf r;
    rbuf_init(&r, it->rspan.p, (size_t)it->rspan.len);
    uint64_t n, expect = 0;
    if (rbuf_varint(&r, &n) || n < 2 || n > SSTABLE_ROW_BLOCKS_MAX || n > rbuf_left(&r) / 4)
        return corrupt(it, em, "bad row index count", at);
    struct seg *segs = arena_alloc(&it->hdr, (size_t)n * sizeof *segs);
    for (uint64_t i = 0; i < n; i++) {
        struct seg *g = &segs[i];
        size_t fl, ll;
        if (rbuf_vbytes(&r, UINT32_MAX, &g->first, &fl) ||
            rbuf_vbytes(&r, UINT32_MAX, &g->last, &ll) || rbuf_varint(&r, &g->off) ||
            rbuf_varint(&r, &g->len) || g->off != expect || g->len == 0 ||
            g->len > e->rows_len - expect)
            return corrupt(it, em, "malformed row index", at + r.pos);
        g->first_len = (uint32_t)fl;
        g->last_len = (uint32_t)ll;
        expect += g->len;
    }
    if (expect != e->rows_len || rbuf_left(&r) != 0)
        return corrupt(it, em, "row index does not cover the rows", at);
    it->segs = segs;
    it->nseg = (uint32_t)n;
    return 0;
}

/* The first segment to read in read direction. */
static int64_t first_segment(const struct sst_part *it)
{
    if (it->nseg == 1) return 0;
    int64_t lo = 0, hi = (int64_t)it->nseg - 1, found;
    if (!it->reversed) {
        const struct slice *sl = &it->slices[0];
        found = it->nseg; /* first segment whose last row is not before the start */
        while (lo <= hi) {
            int64_t mid = lo + (hi - lo) / 2;
            const struct seg *g = &it->segs[mid];
            if (!before_start(it, sl, g->last, g->last_len)) found = mid, hi = mid - 1;
            else lo = mid + 1;
        }
        return found;
    }
    const struct slice *sl = &it->slices[it->nslices - 1];
    found = -1; /* last segment whose first row is not after the end */
    while (lo <= hi) {
        int64_t mid = lo + (hi - lo) / 2;
        const struct seg *g = &it->segs[mid];
        if (!after_end(it, sl, g->first, g->first_len)) found = mid, lo = mid + 1;
        else hi = mid - 1;
    }
    return found;
}

static struct sst_part *part_new(struct sstable *s, const struct sstable_entry *e,
                                 const struct rows_spec *spec, struct sstable_chunk_memo *memo)
{
    struct sst_part *it = xcalloc(1, sizeof *it);
    it->base.ops = &part_ops;
    it->base.partition_deletion = DELETION_LIVE;
    it->s = sstable_ref(s);
    it->schema = s->schema;
    it->data_off = e->data_off;
    it->rows_off = e->data_off + e->header_len;
    it->all = slice_all();
    it->slices = spec && spec->nslices ? spec->slices : &it->all;
    it->nslices = spec && spec->nslices ? spec->nslices : 1;
    it->reversed = spec && spec->reversed;
    arena_init(&it->hdr, 1024);
    arena_init(&it->rows, 1024);
    sstable_span_init(&it->hspan);
    sstable_span_init(&it->rspan);
    sstable_span_init(&it->sspan);
    it->sel = it->sel_inline;
    it->sel_cap = SEL_INLINE;
    it->memo = memo ? memo : &it->own_memo;
    return it;
}

int sstable_part_open(struct sstable *s, const struct sstable_entry *e,
                      const struct rows_spec *spec, struct sstable_chunk_memo *memo,
                      struct part_iter **out, struct errmsg *em)
{
    struct sst_part *it = part_new(s, e, spec, memo);
    it->rows_in_hspan = e->ridx_len == 0 && e->rows_len > 0 && !(spec && spec->static_only);
    int rc = read_header(it, e, em);
    it->done = (spec && spec->static_only) || e->rows_len == 0;
    if (rc == 0 && !it->done) rc = read_segments(it, e, em);
    if (rc == 0 && !it->done) {
        it->seg_next = first_segment(it);
        rc = load_next_segment(it, em);
    }
    if (rc < 0) {
        part_close(&it->base);
        return rc;
    }
    *out = &it->base;
    return 0;
}

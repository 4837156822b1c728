/*
 * row_codec: the one binary encoding of rows, deletions and range tombstones (see row_codec.h
 * and docs/formats.md#row).
 *
 * The decoder trusts nothing: every count is checked against a named maximum and against the
 * bytes remaining (each cell takes at least 3 bytes, each complex deletion at least 3), unknown
 * flag bits are rejected, and the invariants the rest of the store relies on (cells sorted by
 * position and unique, complex deletions sorted by column, static rows with an empty
 * clustering) are verified, so a corrupt record is ERR_CORRUPT and never reaches a merge.
 * Thread rule: stateless; the arena passed to a decode belongs to the caller.
 */
#include "storage/row_codec.h"

enum {
    RC_ROW_STATIC = 1,
    RC_ROW_LIVENESS = 2,
    RC_ROW_DELETION = 4,
    RC_ROW_COMPLEX = 8,
    RC_ROW_KNOWN = 15,
    RC_CELL_TOMBSTONE = 1,
    RC_CELL_EXPIRING = 2,
    RC_CELL_PATH = 4,
    RC_CELL_KNOWN = 7,
    RC_CELL_MIN_BYTES = 3,    /* col, flags, ts: one byte each at least */
    RC_COMPLEX_MIN_BYTES = 3, /* col, ts, ldt */
};

#define CLUSTERING_BYTES_MAX (1u << 24)

static void put_ldt(struct buf *out, int32_t ldt_s)
{
    buf_put_varint(out, (uint32_t)ldt_s);
}

static int get_ldt(struct rbuf *r, int32_t *out)
{
    uint64_t v;
    if (rbuf_varint(r, &v) < 0 || v > UINT32_MAX) return -1;
    *out = (int32_t)(uint32_t)v;
    return 0;
}

static int get_ttl(struct rbuf *r, int32_t *out)
{
    uint64_t v;
    if (rbuf_varint(r, &v) < 0 || v > INT32_MAX) return -1;
    *out = (int32_t)v;
    return 0;
}

void deletion_encode(struct deletion d, struct buf *out)
{
    buf_put_zigzag(out, d.ts_us);
    put_ldt(out, d.ldt_s);
}

int deletion_decode(struct rbuf *r, struct deletion *out)
{
    struct deletion d;
    size_t save = r->pos;
    if (rbuf_zigzag(r, &d.ts_us) < 0 || get_ldt(r, &d.ldt_s) < 0) {
        r->pos = save;
        return ERR_CORRUPT;
    }
    *out = d;
    return 0;
}

static void cell_encode(const struct cell *c, struct buf *out)
{
    uint8_t flags = 0;
    if (c->flags & CELL_TOMBSTONE) flags |= RC_CELL_TOMBSTONE;
    if (c->flags & CELL_EXPIRING) flags |= RC_CELL_EXPIRING;
    if (c->path_len) flags |= RC_CELL_PATH;
    buf_put_varint(out, c->col);
    buf_put_u8(out, flags);
    buf_put_zigzag(out, c->ts_us);
    if (flags & RC_CELL_EXPIRING) buf_put_varint(out, (uint32_t)c->ttl_s);
    if (flags & (RC_CELL_EXPIRING | RC_CELL_TOMBSTONE)) put_ldt(out, c->ldt_s);
    if (flags & RC_CELL_PATH) buf_put_vbytes(out, c->path, c->path_len);
    if (!(flags & RC_CELL_TOMBSTONE)) buf_put_vbytes(out, c->value, c->value_len);
}

void row_encode(const struct row *r, struct buf *out)
{
    uint8_t flags = 0;
    if (r->flags & ROW_STATIC) flags |= RC_ROW_STATIC;
    if (!liveness_is_empty(r->liveness)) flags |= RC_ROW_LIVENESS;
    if (!deletion_is_live(r->deletion)) flags |= RC_ROW_DELETION;
    if (r->ncomplex) flags |= RC_ROW_COMPLEX;
    buf_put_vbytes(out, r->ck, r->ck_len);
    buf_put_u8(out, flags);
    if (flags & RC_ROW_LIVENESS) {
        buf_put_zigzag(out, r->liveness.ts_us);
        buf_put_varint(out, (uint32_t)r->liveness.ttl_s);
        put_ldt(out, r->liveness.ldt_s);
    }
    if (flags & RC_ROW_DELETION) deletion_encode(r->deletion, out);
    if (flags & RC_ROW_COMPLEX) {
        buf_put_varint(out, r->ncomplex);
        for (uint16_t i = 0; i < r->ncomplex; i++) {
            buf_put_varint(out, r->complex[i].col);
            deletion_encode(r->complex[i].del, out);
        }
    }
    buf_put_varint(out, r->ncells);
    for (uint32_t i = 0; i < r->ncells; i++) cell_encode(&r->cells[i], out);
}

static int cell_decode(struct rbuf *r, struct cell *c)
{
    uint64_t col;
    uint8_t flags;
    size_t n;
    if (rbuf_varint(r, &col) < 0 || col > 0xFFFF) return -1;
    if (rbuf_u8(r, &flags) < 0 || (flags & ~RC_CELL_KNOWN)) return -1;
    if ((flags & RC_CELL_TOMBSTONE) && (flags & RC_CELL_EXPIRING)) return -1;
    c->col = (uint16_t)col;
    c->flags = 0;
    c->ttl_s = 0;
    c->ldt_s = LDT_NONE;
    c->path = c->value = NULL;
    c->path_len = c->value_len = 0;
    if (rbuf_zigzag(r, &c->ts_us) < 0 || c->ts_us == TS_NONE) return -1;
    if (flags & RC_CELL_EXPIRING) {
        if (get_ttl(r, &c->ttl_s) < 0 || c->ttl_s == 0) return -1;
        c->flags |= CELL_EXPIRING;
    }
    if (flags & RC_CELL_TOMBSTONE) c->flags |= CELL_TOMBSTONE;
    if ((flags & (RC_CELL_EXPIRING | RC_CELL_TOMBSTONE)) && get_ldt(r, &c->ldt_s) < 0) return -1;
    if (flags & RC_CELL_PATH) {
        if (rbuf_vbytes(r, CLUSTERING_COMPONENT_MAX, &c->path, &n) < 0 || n == 0) return -1;
        c->path_len = (uint32_t)n;
    }
    if (!(flags & RC_CELL_TOMBSTONE)) {
        if (rbuf_vbytes(r, CELL_VALUE_MAX, &c->value, &n) < 0) return -1;
        c->value_len = (uint32_t)n;
    }
    return 0;
}

static int row_decode_head(struct rbuf *r, struct row *out, uint8_t *flags)
{
    size_t n;
    if (rbuf_vbytes(r, CLUSTERING_BYTES_MAX, &out->ck, &n) < 0) return -1;
    out->ck_len = (uint32_t)n;
    if (clustering_count(out->ck, out->ck_len) < 0) return -1;
    if (rbuf_u8(r, flags) < 0 || (*flags & ~RC_ROW_KNOWN)) return -1;
    out->flags = (*flags & RC_ROW_STATIC) ? ROW_STATIC : 0;
    if ((*flags & RC_ROW_STATIC) && out->ck_len) return -1;
    out->liveness = LIVENESS_EMPTY;
    out->deletion = DELETION_LIVE;
    if (*flags & RC_ROW_LIVENESS) {
        struct liveness *l = &out->liveness;
        if (rbuf_zigzag(r, &l->ts_us) < 0 || l->ts_us == TS_NONE) return -1;
        if (get_ttl(r, &l->ttl_s) < 0 || get_ldt(r, &l->ldt_s) < 0) return -1;
    }
    if ((*flags & RC_ROW_DELETION) &&
        (deletion_decode(r, &out->deletion) < 0 || deletion_is_live(out->deletion)))
        return -1;
    return 0;
}

static int row_decode_complex(struct rbuf *r, struct arena *a, struct row *out)
{
    uint64_t n;
    if (rbuf_varint(r, &n) < 0 || n == 0 || n > 0xFFFF) return -1;
    if (n > rbuf_left(r) / RC_COMPLEX_MIN_BYTES) return -1;
    out->complex = arena_alloc(a, (size_t)n * sizeof *out->complex);
    out->ncomplex = (uint16_t)n;
    for (uint16_t i = 0; i < out->ncomplex; i++) {
        uint64_t col;
        if (rbuf_varint(r, &col) < 0 || col > 0xFFFF) return -1;
        if (i && col <= out->complex[i - 1].col) return -1;
        out->complex[i].col = (uint16_t)col;
        if (deletion_decode(r, &out->complex[i].del) < 0) return -1;
    }
    return 0;
}

int row_decode(struct rbuf *r, struct arena *a, struct row *out)
{
    size_t save = r->pos;
    struct row row = {0};
    uint8_t flags;
    uint64_t n;
    if (row_decode_head(r, &row, &flags) < 0) goto fail;
    if ((flags & RC_ROW_COMPLEX) && row_decode_complex(r, a, &row) < 0) goto fail;
    if (rbuf_varint(r, &n) < 0 || n > ROW_CELLS_MAX) goto fail;
    if (n > rbuf_left(r) / RC_CELL_MIN_BYTES) goto fail;
    row.ncells = (uint32_t)n;
    row.cells = n ? arena_alloc(a, (size_t)n * sizeof *row.cells) : NULL;
    for (uint32_t i = 0; i < row.ncells; i++) {
        if (cell_decode(r, &row.cells[i]) < 0) goto fail;
        if (i && cell_cmp_position(&row.cells[i - 1], &row.cells[i]) >= 0) goto fail;
    }
    *out = row;
    return 0;
fail:
    r->pos = save;
    return ERR_CORRUPT;
}

static void bound_encode(const struct cbound *b, struct buf *out)
{
    buf_put_u8(out, b->kind);
    buf_put_vbytes(out, b->prefix, b->len);
}

static int bound_decode(struct rbuf *r, bool is_start, struct cbound *b)
{
    size_t n;
    if (rbuf_u8(r, &b->kind) < 0) return -1;
    if (is_start && b->kind != BOUND_INCL_START && b->kind != BOUND_EXCL_START) return -1;
    if (!is_start && b->kind != BOUND_INCL_END && b->kind != BOUND_EXCL_END) return -1;
    if (rbuf_vbytes(r, CLUSTERING_BYTES_MAX, &b->prefix, &n) < 0) return -1;
    b->len = (uint32_t)n;
    if (clustering_count(b->prefix, b->len) < 0) return -1;
    return 0;
}

void range_tombstone_encode(const struct range_tombstone *rt, struct buf *out)
{
    bound_encode(&rt->range.start, out);
    bound_encode(&rt->range.end, out);
    deletion_encode(rt->del, out);
}

int range_tombstone_decode(struct rbuf *r, struct range_tombstone *out)
{
    size_t save = r->pos;
    struct range_tombstone rt;
    if (bound_decode(r, true, &rt.range.start) < 0 || bound_decode(r, false, &rt.range.end) < 0 ||
        deletion_decode(r, &rt.del) < 0 || deletion_is_live(rt.del)) {
        r->pos = save;
        return ERR_CORRUPT;
    }
    *out = rt;
    return 0;
}

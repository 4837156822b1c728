/* Unit tests for row_codec.c and mutation.c: round trips, truncation, garbage, validation. */
#include <criterion/criterion.h>
#include <string.h>

#include "node/base/murmur3.h"
#include "rowtest.h"
#include "storage/mutation.h"
#include "storage/row_codec.h"

static struct row sample_row(struct arena *a, const struct rowtest_cols *c)
{
    static const uint8_t path1[] = {0, 0, 0, 1}, path2[] = {0, 0, 0, 2};
    struct cell cells[] = {
        rowtest_expiring(a, c->v, 100, 42, 60, 1060),
        rowtest_cell(c->w, -5, (const uint8_t *)"hello", 5),
        rowtest_cell(c->tags, 100, NULL, 0),
        rowtest_tombstone(c->tags, 101, 77),
    };
    cells[2].path = path1;
    cells[2].path_len = 4;
    cells[3].path = path2;
    cells[3].path_len = 4;
    if (c->w < c->v) { /* keep cells in column order whatever ids the schema gave */
        struct cell t = cells[0];
        cells[0] = cells[1];
        cells[1] = t;
    }
    uint32_t len;
    const uint8_t *ck = rowtest_ck(a, &len, 2, 7, -3);
    struct row r = rowtest_row(a, ck, len, (struct liveness){99, 0, LDT_NONE}, cells, 4);
    r.deletion = (struct deletion){50, 1000};
    r.complex = arena_alloc(a, sizeof *r.complex);
    r.complex[0] = (struct complex_del){c->tags, {98, 999}};
    r.ncomplex = 1;
    return r;
}

static void expect_rows_equal(const struct row *a, const struct row *b)
{
    cr_assert_eq(a->ck_len, b->ck_len);
    if (a->ck_len) cr_expect_eq(memcmp(a->ck, b->ck, a->ck_len), 0);
    cr_expect_eq(a->flags, b->flags);
    cr_expect_eq(a->liveness.ts_us, b->liveness.ts_us);
    cr_expect_eq(a->liveness.ttl_s, b->liveness.ttl_s);
    cr_expect_eq(a->liveness.ldt_s, b->liveness.ldt_s);
    cr_expect_eq(a->deletion.ts_us, b->deletion.ts_us);
    cr_expect_eq(a->deletion.ldt_s, b->deletion.ldt_s);
    cr_assert_eq(a->ncomplex, b->ncomplex);
    for (uint16_t i = 0; i < a->ncomplex; i++) {
        cr_expect_eq(a->complex[i].col, b->complex[i].col);
        cr_expect_eq(a->complex[i].del.ts_us, b->complex[i].del.ts_us);
    }
    cr_assert_eq(a->ncells, b->ncells);
    for (uint32_t i = 0; i < a->ncells; i++) {
        const struct cell *x = &a->cells[i], *y = &b->cells[i];
        cr_expect_eq(x->col, y->col);
        cr_expect_eq(x->flags, y->flags);
        cr_expect_eq(x->ts_us, y->ts_us);
        cr_expect_eq(x->ttl_s, y->ttl_s);
        cr_expect_eq(x->ldt_s, y->ldt_s);
        cr_assert_eq(x->path_len, y->path_len);
        cr_assert_eq(x->value_len, y->value_len);
        if (x->path_len) cr_expect_eq(memcmp(x->path, y->path, x->path_len), 0);
        if (x->value_len) cr_expect_eq(memcmp(x->value, y->value, x->value_len), 0);
    }
}

/* A schema, the sample row and its encoding. */
struct codec_fx {
    struct arena a;
    struct rowtest_cols c;
    struct table_schema *s;
    struct row r;
    struct buf b;
};

static void codec_fx_init(struct codec_fx *f)
{
    arena_init(&f->a, 0);
    f->s = rowtest_schema(2, NULL, &f->c);
    f->r = sample_row(&f->a, &f->c);
    buf_init(&f->b);
    row_encode(&f->r, &f->b);
}

static void codec_fx_fini(struct codec_fx *f)
{
    buf_deinit(&f->b);
    table_schema_unref(f->s);
    arena_deinit(&f->a);
}

Test(row_codec, row_round_trip_and_every_prefix_fails)
{
    struct codec_fx f;
    codec_fx_init(&f);
    struct rbuf rb;
    rbuf_init(&rb, f.b.data, f.b.len);
    struct row out;
    cr_assert_eq(row_decode(&rb, &f.a, &out), 0);
    cr_expect_eq(rb.pos, f.b.len);
    expect_rows_equal(&f.r, &out);
    for (size_t n = 0; n < f.b.len; n++) {
        rbuf_init(&rb, f.b.data, n);
        cr_expect_eq(row_decode(&rb, &f.a, &out), ERR_CORRUPT, "prefix %zu of %zu", n, f.b.len);
        cr_expect_eq(rb.pos, 0u, "a failed decode leaves the cursor");
    }
    codec_fx_fini(&f);
}

Test(row_codec, rejects_garbage)
{
    struct codec_fx f;
    codec_fx_init(&f);
    uint8_t *p = f.b.data;
    size_t flags_at = 1 + f.r.ck_len; /* vbytes clustering: 1-byte length here */
    struct row out;
    struct rbuf rb;
    /* unknown row flag bit */
    p[flags_at] |= 0x80;
    rbuf_init(&rb, p, f.b.len);
    cr_expect_eq(row_decode(&rb, &f.a, &out), ERR_CORRUPT);
    p[flags_at] &= 0x7f;
    /* a clustering whose component length runs past its end */
    p[1] = 0xff;
    rbuf_init(&rb, p, f.b.len);
    cr_expect_eq(row_decode(&rb, &f.a, &out), ERR_CORRUPT);
    p[1] = 0;
    /* unsorted cells: encode the same cell twice */
    struct row dup = f.r;
    struct cell two[2] = {f.r.cells[0], f.r.cells[0]};
    dup.cells = two;
    dup.ncells = 2;
    buf_reset(&f.b);
    row_encode(&dup, &f.b);
    rbuf_init(&rb, f.b.data, f.b.len);
    cr_expect_eq(row_decode(&rb, &f.a, &out), ERR_CORRUPT);
    /* a huge cell count */
    buf_reset(&f.b);
    buf_put_vbytes(&f.b, NULL, 0);
    buf_put_u8(&f.b, 0);
    buf_put_varint(&f.b, 1u << 30);
    rbuf_init(&rb, f.b.data, f.b.len);
    cr_expect_eq(row_decode(&rb, &f.a, &out), ERR_CORRUPT);
    /* random bytes never crash and never claim more than they have */
    uint32_t x = 12345;
    for (int round = 0; round < 2000; round++) {
        uint8_t junk[64];
        for (size_t i = 0; i < sizeof junk; i++) {
            x = x * 1103515245u + 12345u;
            junk[i] = (uint8_t)(x >> 16);
        }
        rbuf_init(&rb, junk, sizeof junk);
        if (row_decode(&rb, &f.a, &out) == 0) cr_expect_leq(rb.pos, sizeof junk);
    }
    codec_fx_fini(&f);
}

Test(row_codec, range_tombstone_round_trip)
{
    struct arena a;
    arena_init(&a, 0);
    struct range_tombstone rt = {
        .range = {rowtest_bound(&a, BOUND_EXCL_START, 1, 3),
                  rowtest_bound(&a, BOUND_INCL_END, 2, 5, 6)},
        .del = {1234567, 89},
    };
    struct buf b;
    buf_init(&b);
    range_tombstone_encode(&rt, &b);
    struct rbuf rb;
    struct range_tombstone out;
    rbuf_init(&rb, b.data, b.len);
    cr_assert_eq(range_tombstone_decode(&rb, &out), 0);
    cr_expect_eq(out.range.start.kind, BOUND_EXCL_START);
    cr_expect_eq(out.range.end.kind, BOUND_INCL_END);
    cr_expect_eq(out.range.end.len, rt.range.end.len);
    cr_expect_eq(memcmp(out.range.end.prefix, rt.range.end.prefix, rt.range.end.len), 0);
    cr_expect_eq(out.del.ts_us, 1234567);
    cr_expect_eq(out.del.ldt_s, 89);
    for (size_t n = 0; n < b.len; n++) {
        rbuf_init(&rb, b.data, n);
        cr_expect_eq(range_tombstone_decode(&rb, &out), ERR_CORRUPT);
    }
    b.data[0] = BOUND_INCL_END; /* an end kind where a start belongs */
    rbuf_init(&rb, b.data, b.len);
    cr_expect_eq(range_tombstone_decode(&rb, &out), ERR_CORRUPT);
    buf_deinit(&b);
    arena_deinit(&a);
}

static struct partition_update sample_update(struct arena *a, const struct table_schema *s,
                                             const struct rowtest_cols *c)
{
    struct row rows[2];
    rows[0] = sample_row(a, c);
    uint32_t len;
    const uint8_t *ck = rowtest_ck(a, &len, 2, 8, 0);
    struct cell one = rowtest_cell_int(a, c->v, 5, 1);
    rows[1] = rowtest_row(a, ck, len, LIVENESS_EMPTY, &one, 1);
    struct partition_update u = rowtest_update(a, s, "pk1", rows, 2);
    u.partition_deletion = (struct deletion){3, 4};
    struct cell st = rowtest_cell_int(a, c->s, 9, 9);
    u.static_row = arena_alloc(a, sizeof *u.static_row);
    *u.static_row = rowtest_row(a, NULL, 0, LIVENESS_EMPTY, &st, 1);
    u.static_row->flags = ROW_STATIC;
    u.rts = arena_alloc(a, sizeof *u.rts);
    u.rts[0] = (struct range_tombstone){
        {rowtest_bound(a, BOUND_INCL_START, 1, 1), rowtest_bound(a, BOUND_EXCL_END, 1, 2)},
        {7, 8}};
    u.nrts = 1;
    return u;
}

Test(mutation, round_trip_prefixes_and_trailing_bytes)
{
    struct arena a;
    arena_init(&a, 0);
    struct rowtest_cols c;
    struct table_schema *s = rowtest_schema(2, NULL, &c);
    struct partition_update u = sample_update(&a, s, &c);
    struct errmsg em;
    cr_assert_eq(mutation_validate(&u, s, &em), 0, "%s", em.text);
    struct buf b;
    buf_init(&b);
    mutation_encode(&u, &b);
    struct partition_update out;
    cr_assert_eq(mutation_decode(b.data, b.len, &a, &out, &em), 0, "%s", em.text);
    cr_expect_eq(out.key_len, 3u);
    cr_expect_eq(memcmp(out.key, "pk1", 3), 0);
    cr_expect_eq(out.token, murmur3_token("pk1", 3));
    cr_expect_eq(out.partition_deletion.ts_us, 3);
    cr_assert_not_null(out.static_row);
    expect_rows_equal(u.static_row, out.static_row);
    cr_assert_eq(out.nrts, 1u);
    cr_assert_eq(out.nrows, 2u);
    expect_rows_equal(&u.rows[0], &out.rows[0]);
    expect_rows_equal(&u.rows[1], &out.rows[1]);
    cr_expect_eq(mutation_validate(&out, s, &em), 0);
    for (size_t n = 0; n < b.len; n++)
        cr_expect_eq(mutation_decode(b.data, n, &a, &out, &em), ERR_CORRUPT, "prefix %zu", n);
    buf_put_u8(&b, 0);
    cr_expect_eq(mutation_decode(b.data, b.len, &a, &out, &em), ERR_CORRUPT);
    b.data[0] = 2; /* unknown version */
    cr_expect_eq(mutation_decode(b.data, b.len - 1, &a, &out, &em), ERR_CORRUPT);
    cr_expect_gt(mutation_data_size(&u), 3u + 5u + 4u);
    buf_deinit(&b);
    table_schema_unref(s);
    arena_deinit(&a);
}

Test(mutation, validate_rejects_bad_updates)
{
    struct arena a;
    arena_init(&a, 0);
    struct rowtest_cols c;
    struct table_schema *s = rowtest_schema(2, NULL, &c);
    struct errmsg em;
    struct partition_update u = sample_update(&a, s, &c);
    struct row swapped[2] = {u.rows[1], u.rows[0]};
    struct partition_update bad = u;
    bad.rows = swapped;
    cr_expect_eq(mutation_validate(&bad, s, &em), ERR_INVALID, "rows out of order");
    bad = u;
    bad.rows = (struct row[]){u.rows[0], u.rows[0]};
    cr_expect_eq(mutation_validate(&bad, s, &em), ERR_INVALID, "duplicate rows");
    struct cell wrong_int = rowtest_cell(c.v, 1, (const uint8_t *)"abc", 3);
    struct row r = u.rows[1];
    r.cells = &wrong_int;
    bad = u;
    bad.rows = &r;
    bad.nrows = 1;
    cr_expect_eq(mutation_validate(&bad, s, &em), ERR_INVALID, "3-byte int");
    struct cell unknown = rowtest_cell(999, 1, NULL, 0);
    r.cells = &unknown;
    cr_expect_eq(mutation_validate(&bad, s, &em), ERR_INVALID, "unknown column");
    struct cell static_in_row = rowtest_cell_int(&a, c.s, 1, 1);
    r.cells = &static_in_row;
    cr_expect_eq(mutation_validate(&bad, s, &em), ERR_INVALID, "static column in a row");
    struct cell no_path = rowtest_cell(c.tags, 1, NULL, 0);
    r.cells = &no_path;
    cr_expect_eq(mutation_validate(&bad, s, &em), ERR_INVALID, "set cell without path");
    uint32_t plen;
    r = u.rows[1];
    r.ck = rowtest_ck(&a, &plen, 1, 8);
    r.ck_len = plen;
    cr_expect_eq(mutation_validate(&bad, s, &em), ERR_INVALID, "clustering prefix as a row");
    bad = u;
    bad.table_id.b[0] ^= 1;
    cr_expect_eq(mutation_validate(&bad, s, &em), ERR_INVALID, "another table's id");
    table_schema_unref(s);
    arena_deinit(&a);
}

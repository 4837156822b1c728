/* Unit tests for the commit-log segment format and scanner (storage/clseg.h). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "node/base/crc32c.h"
#include "storage/clseg.h"

#define SEG 8192u

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rng_next(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Builds a segment with n records of table 7, payload i repeated; returns record starts. */
static uint32_t build(uint8_t *buf, uint64_t nonce, int n, uint32_t *starts)
{
    memset(buf, 0, SEG);
    clseg_header_encode(buf, 42, nonce);
    uint32_t off = CLSEG_SEGMENT_HEADER_BYTES;
    struct uuid t = {{7}};
    for (int i = 0; i < n; i++) {
        uint8_t payload[64];
        uint32_t len = (uint32_t)(i * 5 % 60);
        memset(payload, i, len);
        starts[i] = off;
        off += (uint32_t)clseg_record_encode(buf + off, nonce, &t, clseg_pos(42, off), payload, len,
                                             crc32c(payload, len));
    }
    return off;
}

Test(clseg, header_round_trip_and_damage)
{
    uint8_t h[CLSEG_SEGMENT_HEADER_BYTES];
    clseg_header_encode(h, 77, 0x1122334455667788ull);
    uint32_t id;
    uint64_t nonce;
    cr_assert_eq(clseg_header_decode(h, sizeof h, &id, &nonce), 0);
    cr_assert_eq(id, 77);
    cr_assert_eq(nonce, 0x1122334455667788ull);
    cr_assert_eq(clseg_header_decode(h, sizeof h - 1, &id, &nonce), -1, "short");
    for (size_t i = 0; i < sizeof h; i++) {
        h[i] ^= 1;
        cr_assert_eq(clseg_header_decode(h, sizeof h, &id, &nonce), -1, "byte %zu", i);
        h[i] ^= 1;
    }
}

Test(clseg, scan_yields_records_in_order_then_end)
{
    uint8_t *buf = malloc(SEG);
    uint32_t starts[20];
    uint32_t end = build(buf, 5, 20, starts);
    struct clseg_scan s;
    struct clseg_item it;
    clseg_scan_init(&s, buf, SEG, 5, 1 << 20);
    for (int i = 0; i < 20; i++) {
        cr_assert(clseg_scan_next(&s, &it));
        cr_assert_eq(it.kind, CLSEG_RECORD);
        cr_assert_eq(it.off, starts[i]);
        cr_assert_eq(it.len, (uint32_t)(i * 5 % 60));
        cr_assert_eq(it.durable_pos, clseg_pos(42, starts[i]));
        cr_assert_eq(it.table_id.b[0], 7);
    }
    cr_assert(clseg_scan_next(&s, &it));
    cr_assert_eq(it.kind, CLSEG_END);
    cr_assert_eq(it.off, end);
    cr_assert_not(clseg_scan_next(&s, &it));
    free(buf);
}

Test(clseg, marker_ends_the_scan)
{
    uint8_t *buf = malloc(SEG);
    uint32_t starts[3];
    uint32_t end = build(buf, 5, 3, starts);
    clseg_record_encode(buf + end, 5, NULL, 99, NULL, 0, crc32c(NULL, 0));
    memset(buf + end + CLSEG_MARKER_BYTES, 0xEE, 100); /* garbage after a marker is ignored */
    struct clseg_scan s;
    struct clseg_item it;
    clseg_scan_init(&s, buf, SEG, 5, 1 << 20);
    for (int i = 0; i < 3; i++)
        cr_assert(clseg_scan_next(&s, &it) && it.kind == CLSEG_RECORD);
    cr_assert(clseg_scan_next(&s, &it));
    cr_assert_eq(it.kind, CLSEG_MARKER);
    cr_assert_eq(it.durable_pos, 99);
    cr_assert_not(clseg_scan_next(&s, &it));
    free(buf);
}

Test(clseg, hole_then_record_is_a_zero_gap_and_garbage_tail_is_a_tail_gap)
{
    uint8_t *buf = malloc(SEG);
    uint32_t starts[6];
    uint32_t end = build(buf, 5, 6, starts);
    memset(buf + starts[2], 0, starts[3] - starts[2]); /* record 2 lost */
    memset(buf + end + 10, 0xAB, 7);                   /* garbage after the last record */
    struct clseg_scan s;
    struct clseg_item it;
    clseg_scan_init(&s, buf, SEG, 5, 1 << 20);
    cr_assert(clseg_scan_next(&s, &it) && it.kind == CLSEG_RECORD);
    cr_assert(clseg_scan_next(&s, &it) && it.kind == CLSEG_RECORD);
    cr_assert(clseg_scan_next(&s, &it));
    cr_assert_eq(it.kind, CLSEG_GAP);
    cr_assert(it.is_zero && !it.is_tail);
    cr_assert_eq(it.off, starts[2]);
    cr_assert_eq(it.end, starts[3]);
    for (int i = 3; i < 6; i++)
        cr_assert(clseg_scan_next(&s, &it) && it.off == starts[i]);
    cr_assert(clseg_scan_next(&s, &it));
    cr_assert_eq(it.kind, CLSEG_GAP);
    cr_assert(!it.is_zero && it.is_tail);
    cr_assert_eq(it.off, end);
    cr_assert_not(clseg_scan_next(&s, &it));
    free(buf);
}

Test(clseg, record_inside_a_payload_with_another_nonce_is_never_resynchronised_to)
{
    uint8_t *buf = malloc(SEG);
    memset(buf, 0, SEG);
    clseg_header_encode(buf, 1, 111);
    /* A payload that embeds a perfect record, but encoded under another segment's nonce. */
    uint8_t inner[80];
    struct uuid t = {{9}};
    size_t ilen =
        clseg_record_encode(inner, 222, &t, 0, (const uint8_t *)"evil", 4, crc32c("evil", 4));
    uint32_t off = CLSEG_SEGMENT_HEADER_BYTES;
    off += (uint32_t)clseg_record_encode(buf + off, 111, &t, 0, inner, (uint32_t)ilen,
                                         crc32c(inner, ilen));
    buf[CLSEG_SEGMENT_HEADER_BYTES + 1] ^= 0xFF; /* damage the outer header */
    struct clseg_scan s;
    struct clseg_item it;
    clseg_scan_init(&s, buf, SEG, 111, 1 << 20);
    cr_assert(clseg_scan_next(&s, &it));
    cr_assert_eq(it.kind, CLSEG_GAP, "the damaged record is a gap, the inner one is no record");
    cr_assert(it.is_tail);
    cr_assert_not(clseg_scan_next(&s, &it));
    free(buf);
}

Test(clseg, random_damage_never_escapes_the_buffer_or_loops)
{
    uint8_t *orig = malloc(SEG), *buf = malloc(SEG);
    uint32_t starts[40];
    build(orig, 3, 40, starts);
    for (int round = 0; round < 3000; round++) {
        memcpy(buf, orig, SEG);
        int flips = 1 + (int)(rng_next() % 8);
        for (int f = 0; f < flips; f++)
            buf[rng_next() % SEG] = (uint8_t)rng_next();
        uint32_t len = CLSEG_SEGMENT_HEADER_BYTES + (uint32_t)(rng_next() % (SEG - 32));
        struct clseg_scan s;
        struct clseg_item it;
        clseg_scan_init(&s, buf, len, 3, 1 << 20);
        uint32_t prev_end = CLSEG_SEGMENT_HEADER_BYTES;
        int items = 0;
        while (clseg_scan_next(&s, &it)) {
            cr_assert_eq(it.off, prev_end, "items tile the buffer");
            cr_assert_leq(it.end, len);
            cr_assert_geq(it.end, it.off);
            if (it.kind == CLSEG_RECORD) {
                cr_assert_eq(it.payload + it.len + 4, buf + it.end);
                cr_assert_eq(memcmp(it.payload, orig + (it.payload - buf), it.len), 0,
                             "an accepted record is undamaged");
            }
            prev_end = it.kind == CLSEG_END ? len : it.end;
            cr_assert_lt(++items, 100);
        }
    }
    free(orig);
    free(buf);
}

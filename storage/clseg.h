/*
 * clseg: the commit-log segment layout, encoders and a scanner over a segment's bytes
 * (pure: no I/O, no clock; the replay and the fuzz target drive it with buffers).
 * Full description with rationale: docs/formats.md#commit-log.
 *
 * Segment header (32 bytes, at offset 0):
 *   off size meaning
 *   0   4    magic 0x52434C47 ("RCLG")
 *   4   2    format version (1)
 *   6   2    header size (32)
 *   8   4    segment id (also in the file name CommitLog-1-<id>.log)
 *   12  4    flags (0)
 *   16  8    nonce: random per segment, mixed into every record header CRC
 *   24  4    reserved (0)
 *   28  4    CRC32C of bytes 0..28
 *
 * Record (36 + L bytes), packed from offset 32 on; the rest of the preallocated file is zeros:
 *   0   4    L: payload length (<= COMMITLOG_RECORD_MAX)
 *   4   8    D: the log position known durable when the record was written (evidence for
 *            replay: damage before D was synced, so it is corruption, not a torn tail)
 *   12  16   table id; all zero = a marker (L = 0): end of segment, or clean shutdown
 *   28  4    CRC32C of (nonce, 8 bytes big-endian) ++ bytes 0..28
 *   32  L    payload
 *   32+L 4   CRC32C of the payload
 * All integers big-endian. A position is (segment id << 32 | offset just past a record).
 *
 * Why this shape: the header CRC lets a reader trust L before reading L bytes, and mixing in the
 * segment's random nonce means bytes inside a payload (or a record copied from another segment)
 * can never pass for a record when the scanner resynchronises after damage.
 */
#ifndef RINGDB_STORAGE_CLSEG_H
#define RINGDB_STORAGE_CLSEG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "node/base/uuid.h"

#define CLSEG_MAGIC 0x52434C47u
#define CLSEG_VERSION 1u
#define CLSEG_SEGMENT_HEADER_BYTES 32u
#define CLSEG_RECORD_HEADER_BYTES 32u
#define CLSEG_RECORD_OVERHEAD 36u /* header + payload CRC */
#define CLSEG_MARKER_BYTES CLSEG_RECORD_OVERHEAD

static inline uint64_t clseg_pos(uint32_t segment_id, uint32_t off)
{
    return (uint64_t)segment_id << 32 | off;
}
static inline uint32_t clseg_pos_segment(uint64_t pos)
{
    return (uint32_t)(pos >> 32);
}
static inline uint32_t clseg_pos_offset(uint64_t pos)
{
    return (uint32_t)pos;
}

void clseg_header_encode(uint8_t out[CLSEG_SEGMENT_HEADER_BYTES], uint32_t id, uint64_t nonce);
/* Returns 0 and fills id/nonce when the header is intact, -1 otherwise. */
int clseg_header_decode(const uint8_t *p, size_t n, uint32_t *id, uint64_t *nonce);

/* Writes a record (table_id NULL: a marker, len must be 0) into out, which holds at least
   CLSEG_RECORD_OVERHEAD + len bytes; payload_crc = crc32c(payload, len). Returns bytes written. */
size_t clseg_record_encode(uint8_t *out, uint64_t nonce, const struct uuid *table_id,
                           uint64_t durable_pos, const uint8_t *payload, uint32_t len,
                           uint32_t payload_crc);

enum clseg_item_kind {
    CLSEG_RECORD = 0, /* an intact record */
    CLSEG_MARKER = 1, /* an intact marker; the scan of this segment ends after it */
    CLSEG_GAP = 2,    /* bytes that are no record: [off, end) */
    CLSEG_END = 3,    /* nothing but zeros from off on (the preallocated tail) */
};

struct clseg_item {
    enum clseg_item_kind kind;
    uint32_t off; /* where the item starts */
    uint32_t end; /* just past it (CLSEG_END: the buffer length) */
    /* CLSEG_RECORD / CLSEG_MARKER */
    struct uuid table_id;
    uint64_t durable_pos;
    const uint8_t *payload; /* points into the scanned buffer */
    uint32_t len;
    /* CLSEG_GAP */
    bool is_zero; /* every byte of the gap is zero (a hole, not garbage) */
    bool is_tail; /* no intact record follows in this buffer */
};

/* Walks a segment's bytes from just after the header. Invariant: off only grows, so a scan
   takes at most len steps; resynchronising after damage tries each later offset once. */
struct clseg_scan {
    const uint8_t *buf;
    uint32_t len;
    uint32_t nonce_crc; /* CRC32C of the nonce: the seed of every record header CRC */
    uint32_t off;
    uint32_t record_max;
    bool is_done;
};

/* buf holds the whole segment (len < 4 GiB); records longer than record_max are damage. */
void clseg_scan_init(struct clseg_scan *s, const uint8_t *buf, uint32_t len, uint64_t nonce,
                     uint32_t record_max);
/* Fills *it with the next item; returns false when the scan is over (after CLSEG_END, a
   tail gap or a marker). */
bool clseg_scan_next(struct clseg_scan *s, struct clseg_item *it);

#endif

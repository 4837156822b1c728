/*
 * clseg: commit-log segment format (see clseg.h for the layout). Encoding is trivial; the care
 * is in the scanner, which must never read past the buffer, never loop forever and never take
 * garbage for a record: every length is checked against the bytes remaining before use, and
 * resynchronisation after damage moves strictly forward, skipping runs of zeros at memory speed
 * (an all-zero header is never a record, so the preallocated tail costs one pass).
 */
#include "storage/clseg.h"

#include <string.h>

#include "node/base/be.h"
#include "node/base/crc32c.h"

static const uint8_t zero_header[CLSEG_RECORD_HEADER_BYTES];

static uint32_t nonce_crc_of(uint64_t nonce)
{
    uint8_t b[8];
    be64_store(b, nonce);
    return crc32c(b, sizeof b);
}

void clseg_header_encode(uint8_t out[CLSEG_SEGMENT_HEADER_BYTES], uint32_t id, uint64_t nonce)
{
    memset(out, 0, CLSEG_SEGMENT_HEADER_BYTES);
    be32_store(out, CLSEG_MAGIC);
    be16_store(out + 4, CLSEG_VERSION);
    be16_store(out + 6, CLSEG_SEGMENT_HEADER_BYTES);
    be32_store(out + 8, id);
    be64_store(out + 16, nonce);
    be32_store(out + 28, crc32c(out, 28));
}

int clseg_header_decode(const uint8_t *p, size_t n, uint32_t *id, uint64_t *nonce)
{
    if (n < CLSEG_SEGMENT_HEADER_BYTES) return -1;
    if (be32_load(p) != CLSEG_MAGIC || be16_load(p + 4) != CLSEG_VERSION ||
        be16_load(p + 6) != CLSEG_SEGMENT_HEADER_BYTES || be32_load(p + 28) != crc32c(p, 28))
        return -1;
    *id = be32_load(p + 8);
    *nonce = be64_load(p + 16);
    return 0;
}

size_t clseg_record_encode(uint8_t *out, uint64_t nonce, const struct uuid *table_id,
                           uint64_t durable_pos, const uint8_t *payload, uint32_t len,
                           uint32_t payload_crc)
{
    be32_store(out, len);
    be64_store(out + 4, durable_pos);
    if (table_id)
        memcpy(out + 12, table_id->b, 16);
    else
        memset(out + 12, 0, 16);
    be32_store(out + 28, crc32c_extend(nonce_crc_of(nonce), out, 28));
    if (len) memcpy(out + CLSEG_RECORD_HEADER_BYTES, payload, len);
    be32_store(out + CLSEG_RECORD_HEADER_BYTES + len, payload_crc);
    return CLSEG_RECORD_OVERHEAD + len;
}

void clseg_scan_init(struct clseg_scan *s, const uint8_t *buf, uint32_t len, uint64_t nonce,
                     uint32_t record_max)
{
    s->buf = buf;
    s->len = len;
    s->nonce_crc = nonce_crc_of(nonce);
    s->off = len < CLSEG_SEGMENT_HEADER_BYTES ? len : CLSEG_SEGMENT_HEADER_BYTES;
    s->record_max = record_max;
    s->is_done = false;
}

/* The first index >= from holding a non-zero byte, or end. */
static uint32_t first_nonzero(const uint8_t *b, uint32_t from, uint32_t end)
{
    uint32_t i = from;
    while (i < end && (i & 7u)) {
        if (b[i]) return i;
        i++;
    }
    while (i + 8 <= end) {
        uint64_t w;
        memcpy(&w, b + i, 8);
        if (w) break;
        i += 8;
    }
    while (i < end && !b[i])
        i++;
    return i;
}

/* Decodes an intact record or marker at off into *it; false when the bytes there are none. */
static bool record_at(const struct clseg_scan *s, uint32_t off, struct clseg_item *it)
{
    if (s->len - off < CLSEG_RECORD_OVERHEAD) return false;
    const uint8_t *p = s->buf + off;
    if (memcmp(p, zero_header, sizeof zero_header) == 0) return false;
    if (be32_load(p + 28) != crc32c_extend(s->nonce_crc, p, 28)) return false;
    uint32_t len = be32_load(p);
    if (len > s->record_max || len > s->len - off - CLSEG_RECORD_OVERHEAD) return false;
    const uint8_t *payload = p + CLSEG_RECORD_HEADER_BYTES;
    if (be32_load(payload + len) != crc32c(payload, len)) return false;
    memcpy(it->table_id.b, p + 12, 16);
    bool is_marker = uuid_is_nil(&it->table_id);
    if (is_marker && len != 0) return false;
    it->kind = is_marker ? CLSEG_MARKER : CLSEG_RECORD;
    it->off = off;
    it->end = off + CLSEG_RECORD_OVERHEAD + len;
    it->durable_pos = be64_load(p + 4);
    it->payload = payload;
    it->len = len;
    it->is_zero = false;
    it->is_tail = false;
    return true;
}

/* The offset of the next intact record after from, or s->len. */
static uint32_t find_next_record(const struct clseg_scan *s, uint32_t from, struct clseg_item *it)
{
    uint32_t y = from;
    uint32_t z = first_nonzero(s->buf, y, s->len);
    while (y < s->len && s->len - y >= CLSEG_RECORD_OVERHEAD) {
        if (z == s->len) break; /* only zeros left: an all-zero header is never a record */
        if (z - y >= CLSEG_RECORD_HEADER_BYTES) y = z - (CLSEG_RECORD_HEADER_BYTES - 1);
        if (s->len - y < CLSEG_RECORD_OVERHEAD) break;
        if (record_at(s, y, it)) return y;
        y++;
        if (z < y) z = first_nonzero(s->buf, y, s->len);
    }
    return s->len;
}

bool clseg_scan_next(struct clseg_scan *s, struct clseg_item *it)
{
    if (s->is_done) return false;
    if (record_at(s, s->off, it)) {
        s->off = it->end;
        if (it->kind == CLSEG_MARKER) s->is_done = true;
        return true;
    }
    uint32_t start = s->off;
    uint32_t next = find_next_record(s, start + 1, it);
    bool is_zero = first_nonzero(s->buf, start, next) == next;
    bool is_tail = next == s->len;
    memset(it, 0, sizeof *it);
    it->off = start;
    it->end = next;
    if (is_tail && is_zero) {
        it->kind = CLSEG_END;
        s->is_done = true;
        return true;
    }
    it->kind = CLSEG_GAP;
    it->is_zero = is_zero;
    it->is_tail = is_tail;
    s->off = next;
    if (is_tail) s->is_done = true;
    return true;
}

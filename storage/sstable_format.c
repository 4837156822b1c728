/*
 * sstable_format: file names and the codecs of the small components (see sstable_format.h).
 * Decoders check the CRC first, then every count against the bytes remaining; any failure is
 * ERR_CORRUPT naming the file.
 */
#include "storage/sstable_format.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/base/assert.h"
#include "node/base/be.h"
#include "node/base/crc32c.h"
#include "node/base/mem.h"

static const char *const component_names[SSTABLE_NCOMPONENTS] = {
    [SSTABLE_DATA] = "Data.db",
    [SSTABLE_COMPRESSION_INFO] = "CompressionInfo.db",
    [SSTABLE_INDEX] = "Index.db",
    [SSTABLE_SUMMARY] = "Summary.db",
    [SSTABLE_FILTER] = "Filter.db",
    [SSTABLE_STATISTICS] = "Statistics.db",
    [SSTABLE_TOC] = "TOC.txt",
};

const char *sstable_format_component_name(enum sstable_component c)
{
    ASSERT(c < SSTABLE_NCOMPONENTS);
    return component_names[c];
}

bool sstable_format_path(char *out, size_t cap, const char *dir, uint32_t gen,
                         enum sstable_component c, bool tmp)
{
    int n = snprintf(out, cap, "%s/rb-%u-big-%s%s", dir, gen, sstable_format_component_name(c),
                     tmp ? ".tmp" : "");
    return n > 0 && (size_t)n < cap;
}

bool sstable_format_parse_name(const char *name, uint32_t *gen, enum sstable_component *c,
                               bool *tmp)
{
    if (strncmp(name, "rb-", 3) != 0 || name[3] < '0' || name[3] > '9') return false;
    char *end;
    errno = 0;
    unsigned long g = strtoul(name + 3, &end, 10);
    if (errno || g > UINT32_MAX || strncmp(end, "-big-", 5) != 0) return false;
    const char *rest = end + 5;
    size_t len = strlen(rest);
    *tmp = len > 4 && strcmp(rest + len - 4, ".tmp") == 0;
    if (*tmp) len -= 4;
    for (int i = 0; i < SSTABLE_NCOMPONENTS; i++) {
        if (strlen(component_names[i]) == len && strncmp(rest, component_names[i], len) == 0) {
            *gen = (uint32_t)g;
            *c = (enum sstable_component)i;
            return true;
        }
    }
    return false;
}

static void put_crc(struct buf *out, size_t start)
{
    buf_put_be32(out, crc32c(out->data + start, out->len - start));
}

static int check_crc(const uint8_t *p, size_t len, size_t min, const char *path, uint32_t magic,
                     struct errmsg *em)
{
    if (len < min + 4) return errmsg_set(em, ERR_CORRUPT, "%s: truncated (%zu bytes)", path, len);
    if (crc32c(p, len - 4) != be32_load(p + len - 4))
        return errmsg_set(em, ERR_CORRUPT, "%s: checksum mismatch over offset 0..%zu", path,
                          len - 4);
    if (be32_load(p) != magic || p[4] != SSTABLE_FORMAT_VERSION)
        return errmsg_set(em, ERR_CORRUPT, "%s: bad magic or version at offset 0", path);
    return 0;
}

void sstable_format_chunks_encode(const struct sstable_chunks *c, struct buf *out)
{
    size_t start = out->len;
    buf_put_be32(out, SSTABLE_MAGIC_COMPRESSION);
    buf_put_u8(out, SSTABLE_FORMAT_VERSION);
    buf_put_u8(out, c->lz4 ? 1 : 0);
    buf_put_be16(out, 0);
    buf_put_be32(out, c->chunk_len);
    buf_put_be64(out, c->data_len);
    buf_put_be64(out, c->nchunks);
    for (uint64_t i = 0; i <= c->nchunks; i++) buf_put_be64(out, c->off[i]);
    put_crc(out, start);
}

int sstable_format_chunks_decode(const uint8_t *p, size_t len, const char *path,
                                 struct sstable_chunks *out, struct errmsg *em)
{
    int rc = check_crc(p, len, 36, path, SSTABLE_MAGIC_COMPRESSION, em);
    if (rc) return rc;
    uint32_t chunk_len = be32_load(p + 8);
    uint64_t data_len = be64_load(p + 12), n = be64_load(p + 20);
    if (p[5] > 1 || chunk_len < SSTABLE_CHUNK_MIN_BYTES || chunk_len > SSTABLE_CHUNK_MAX_BYTES ||
        n != (data_len + chunk_len - 1) / chunk_len || (len - 32) / 8 != n + 1 ||
        (len - 32) % 8 != 0)
        return errmsg_set(em, ERR_CORRUPT, "%s: bad chunk table (chunk_len=%u chunks=%llu)",
                          path, chunk_len, (unsigned long long)n);
    uint64_t *off = xmalloc((size_t)(n + 1) * sizeof *off);
    for (uint64_t i = 0; i <= n; i++) {
        off[i] = be64_load(p + 28 + 8 * i);
        if (i > 0 && off[i] < off[i - 1] + 4) {
            free(off);
            return errmsg_set(em, ERR_CORRUPT, "%s: chunk %llu has a bad offset", path,
                              (unsigned long long)i);
        }
    }
    *out = (struct sstable_chunks){p[5] == 1, chunk_len, data_len, n, off};
    return 0;
}

static void put_pkey(struct buf *out, const struct pkey *k)
{
    buf_put_be64(out, (uint64_t)k->token);
    buf_put_vbytes(out, k->key, k->len);
}

static int get_pkey(struct rbuf *r, struct pkey *k)
{
    uint64_t t;
    const uint8_t *p;
    size_t n;
    if (rbuf_be64(r, &t) || rbuf_vbytes(r, SSTABLE_KEY_MAX, &p, &n)) return -1;
    *k = (struct pkey){(int64_t)t, p, (uint32_t)n};
    return 0;
}

void sstable_format_summary_encode(const struct sstable_summary *s, struct buf *out)
{
    size_t start = out->len;
    buf_put_be32(out, SSTABLE_MAGIC_SUMMARY);
    buf_put_u8(out, SSTABLE_FORMAT_VERSION);
    buf_append(out, "\0\0\0", 3);
    buf_put_be64(out, s->partitions);
    buf_put_be32(out, s->n);
    buf_put_be64(out, s->index_len);
    for (uint32_t i = 0; i < s->n; i++) {
        const struct sstable_summary_entry *e = &s->e[i];
        buf_put_be64(out, (uint64_t)e->token);
        buf_put_vbytes(out, e->key, e->key_len);
        buf_put_varint(out, e->block_off);
        buf_put_varint(out, e->block_len);
    }
    put_pkey(out, &s->first);
    put_pkey(out, &s->last);
    put_crc(out, start);
}

static int summary_entries(struct rbuf *r, struct sstable_summary *s)
{
    uint64_t expect_off = 0;
    for (uint32_t i = 0; i < s->n; i++) {
        struct pkey k;
        uint64_t off, blen;
        if (get_pkey(r, &k) || rbuf_varint(r, &off) || rbuf_varint(r, &blen)) return -1;
        if (off != expect_off || blen == 0 || blen > SSTABLE_INDEX_BLOCK_MAX_BYTES) return -1;
        if (i > 0) {
            struct pkey prev = {s->e[i - 1].token, s->e[i - 1].key, s->e[i - 1].key_len};
            if (pkey_cmp(&prev, &k) >= 0) return -1;
        }
        expect_off = off + blen;
        s->e[i] = (struct sstable_summary_entry){k.token, k.key, k.len, (uint32_t)blen, off};
    }
    return expect_off == s->index_len ? 0 : -1;
}

int sstable_format_summary_decode(uint8_t *p, size_t len, const char *path,
                                  struct sstable_summary *out, struct errmsg *em)
{
    int rc = check_crc(p, len, 28, path, SSTABLE_MAGIC_SUMMARY, em);
    if (rc) {
        free(p);
        return rc;
    }
    struct sstable_summary s = {.raw = p};
    struct rbuf r;
    rbuf_init(&r, p, len - 4);
    r.pos = 8;
    uint64_t parts, ilen;
    uint32_t n;
    if (rbuf_be64(&r, &parts) || rbuf_be32(&r, &n) || rbuf_be64(&r, &ilen) ||
        n > rbuf_left(&r) / 10)
        goto corrupt;
    s.partitions = parts;
    s.index_len = ilen;
    s.n = n;
    s.e = xmalloc((n ? n : 1) * sizeof *s.e);
    if (summary_entries(&r, &s) || get_pkey(&r, &s.first) || get_pkey(&r, &s.last) ||
        rbuf_left(&r) != 0 || (n == 0) != (parts == 0) || (n > 0 && pkey_cmp(&s.first, &s.last) > 0))
        goto corrupt;
    *out = s;
    return 0;
corrupt:
    sstable_format_summary_free(&s);
    return errmsg_set(em, ERR_CORRUPT, "%s: malformed summary at offset %zu", path, r.pos);
}

void sstable_format_summary_free(struct sstable_summary *s)
{
    if (!s) return;
    free(s->e);
    free(s->raw);
    s->e = NULL;
    s->raw = NULL;
}

void sstable_format_meta_encode(const struct sstable_meta *m, struct buf *out)
{
    const struct sstable_stats *st = &m->st;
    size_t start = out->len;
    buf_put_be32(out, SSTABLE_MAGIC_STATS);
    buf_put_u8(out, SSTABLE_FORMAT_VERSION);
    buf_append(out, "\0\0\0", 3);
    buf_append(out, m->table_id.b, 16);
    buf_put_be64(out, (uint64_t)st->min_ts_us);
    buf_put_be64(out, (uint64_t)st->max_ts_us);
    buf_put_be32(out, (uint32_t)st->min_ldt_s);
    buf_put_be32(out, (uint32_t)st->max_ldt_s);
    buf_put_be64(out, st->partitions);
    buf_put_be64(out, st->rows);
    buf_put_be64(out, st->cells);
    buf_put_be64(out, st->tombstones);
    buf_put_be64(out, st->uncompressed_bytes);
    buf_put_be64(out, st->commitlog_bound);
    buf_put_be32(out, st->level);
    buf_put_be64(out, (uint64_t)st->first_token);
    buf_put_be64(out, (uint64_t)st->last_token);
    buf_put_be64(out, (uint64_t)st->created_ms);
    buf_put_u8(out, m->has_ck ? 1 : 0);
    if (m->has_ck) {
        buf_put_vbytes(out, m->min_ck, m->min_ck_len);
        buf_put_vbytes(out, m->max_ck, m->max_ck_len);
    }
    put_crc(out, start);
}

#define META_FIXED_BYTES 125 /* through has_clustering */

int sstable_format_meta_decode(const uint8_t *p, size_t len, const char *path,
                               struct sstable_meta *out, struct errmsg *em)
{
    int rc = check_crc(p, len, META_FIXED_BYTES, path, SSTABLE_MAGIC_STATS, em);
    if (rc) return rc;
    struct sstable_meta m = {0};
    struct sstable_stats *st = &m.st;
    memcpy(m.table_id.b, p + 8, 16);
    const uint8_t *q = p + 24;
    st->min_ts_us = (int64_t)be64_load(q);
    st->max_ts_us = (int64_t)be64_load(q + 8);
    st->min_ldt_s = (int32_t)be32_load(q + 16);
    st->max_ldt_s = (int32_t)be32_load(q + 20);
    st->partitions = be64_load(q + 24);
    st->rows = be64_load(q + 32);
    st->cells = be64_load(q + 40);
    st->tombstones = be64_load(q + 48);
    st->uncompressed_bytes = be64_load(q + 56);
    st->commitlog_bound = be64_load(q + 64);
    st->level = be32_load(q + 72);
    st->first_token = (int64_t)be64_load(q + 76);
    st->last_token = (int64_t)be64_load(q + 84);
    st->created_ms = (int64_t)be64_load(q + 92);
    uint8_t has_ck = q[100];
    struct rbuf r;
    rbuf_init(&r, p, len - 4);
    r.pos = META_FIXED_BYTES;
    size_t a = 0, b = 0;
    if (has_ck > 1 || (has_ck && (rbuf_vbytes(&r, UINT32_MAX, &m.min_ck, &a) ||
                                  rbuf_vbytes(&r, UINT32_MAX, &m.max_ck, &b))) ||
        rbuf_left(&r) != 0)
        return errmsg_set(em, ERR_CORRUPT, "%s: malformed statistics at offset %zu", path, r.pos);
    m.has_ck = has_ck;
    m.min_ck_len = (uint32_t)a;
    m.max_ck_len = (uint32_t)b;
    *out = m;
    return 0;
}

void sstable_format_entry_encode(const struct sstable_entry *e, struct buf *out)
{
    buf_put_vbytes(out, e->key.key, e->key.len);
    buf_put_varint(out, e->data_off);
    buf_put_varint(out, e->header_len);
    buf_put_varint(out, e->rows_len);
    buf_put_varint(out, e->ridx_len);
}

void sstable_format_block_trailer(struct buf *out, const int64_t *tokens, const uint32_t *offs,
                                  uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        buf_put_be64(out, (uint64_t)tokens[i]);
        buf_put_be32(out, offs[i]);
    }
    buf_put_be32(out, n);
    buf_put_be32(out, crc32c(out->data, out->len));
}

int sstable_format_block_check(const uint8_t *p, size_t len, const char *path, uint64_t off,
                               uint32_t *n, struct errmsg *em)
{
    if (len < 8 || crc32c(p, len - 4) != be32_load(p + len - 4))
        return errmsg_set(em, ERR_CORRUPT, "%s: index block at offset %llu (%zu bytes): checksum "
                          "mismatch", path, (unsigned long long)off, len);
    uint32_t cnt = be32_load(p + len - 8);
    if (cnt == 0 || cnt > (len - 8) / (SSTABLE_BLOCK_SLOT_BYTES + 5)) goto bad;
    size_t table = len - 8 - SSTABLE_BLOCK_SLOT_BYTES * (size_t)cnt;
    for (uint32_t i = 0; i < cnt; i++) {
        const uint8_t *slot = p + table + SSTABLE_BLOCK_SLOT_BYTES * i;
        uint32_t o = be32_load(slot + 8);
        if (o >= table) goto bad;
        if (i > 0 && (o <= be32_load(slot - 4) || (int64_t)be64_load(slot) <
                                                      (int64_t)be64_load(slot - SSTABLE_BLOCK_SLOT_BYTES)))
            goto bad;
    }
    *n = cnt;
    return 0;
bad:
    return errmsg_set(em, ERR_CORRUPT, "%s: index block at offset %llu: bad entry table", path,
                      (unsigned long long)off);
}

int sstable_format_block_key(const uint8_t *p, size_t len, uint32_t n, uint32_t i,
                             struct pkey *out, struct rbuf *rest)
{
    ASSERT(i < n);
    size_t table = len - 8 - SSTABLE_BLOCK_SLOT_BYTES * (size_t)n;
    const uint8_t *slot = p + table + SSTABLE_BLOCK_SLOT_BYTES * (size_t)i;
    uint32_t o = be32_load(slot + 8);
    size_t end = i + 1 < n ? be32_load(slot + SSTABLE_BLOCK_SLOT_BYTES + 8) : table;
    rbuf_init(rest, p, end);
    rest->pos = o;
    const uint8_t *k;
    size_t klen;
    if (rbuf_vbytes(rest, SSTABLE_KEY_MAX, &k, &klen)) return -1;
    *out = (struct pkey){(int64_t)be64_load(slot), k, (uint32_t)klen};
    return 0;
}

int sstable_format_block_entry(const uint8_t *p, size_t len, uint32_t n, uint32_t i,
                               struct sstable_entry *out)
{
    struct rbuf r;
    if (sstable_format_block_key(p, len, n, i, &out->key, &r) || rbuf_varint(&r, &out->data_off) ||
        rbuf_varint(&r, &out->header_len) || rbuf_varint(&r, &out->rows_len) ||
        rbuf_varint(&r, &out->ridx_len))
        return -1;
    return 0;
}

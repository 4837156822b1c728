/*
 * sstable_writer: writes one SSTable from partitions given in (token, key) order.
 *
 * Data.db and Index.db are streamed under temporary names as partitions arrive: the logical
 * data stream fills a chunk buffer that is compressed, checksummed and written when full;
 * index entries fill SSTABLE_INDEX_BLOCK_BYTES blocks (or min_index_interval entries) whose
 * first keys become the summary. finish() writes the small components (CompressionInfo,
 * Summary, Filter, Statistics, then TOC), syncs every file, renames them to their final names
 * with TOC.txt last, syncs the directory and opens the result. Memory: one chunk, one index
 * block, the summary, the bloom filter (or the key hashes when no partition count was given)
 * and one partition's row index.
 * Thread rule: a writer belongs to one thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <lz4.h>
#include <stdlib.h>
#include <string.h>

#include "node/base/arena.h"
#include "node/base/assert.h"
#include "node/base/be.h"
#include "node/base/clock.h"
#include "node/base/crc32c.h"
#include "node/base/log.h"
#include "node/base/mem.h"
#include "storage/bloom.h"
#include "storage/compaction_throttle.h"
#include "storage/row_codec.h"
#include "storage/sstable_format.h"
#include "storage/sstable_writer.h"


int sstable_writer_flush_chunk(struct sstable_writer *w, struct errmsg *em)
{
    const uint8_t *src = w->chunk;
    int stored = (int)w->chunk_fill;
    if (w->chunks.lz4) {
        int c = LZ4_compress_default((const char *)w->chunk, w->cbuf, (int)w->chunk_fill,
                                     w->cbuf_cap);
        if (c > 0 && c < (int)w->chunk_fill) {
            src = (const uint8_t *)w->cbuf;
            stored = c;
        }
    }
    uint8_t crc[4];
    be32_store(crc, crc32c(src, (size_t)stored));
    int rc = vfile_pwrite(w->data, src, (size_t)stored, w->file_pos);
    if (rc == 0) rc = vfile_pwrite(w->data, crc, 4, w->file_pos + (uint64_t)stored);
    if (rc < 0)
        return errmsg_set(em, rc, "%s: write failed: %s", w->tmp[SSTABLE_DATA], strerror(-rc));
    w->file_pos += (uint64_t)stored + 4;
    xgrow((void **)&w->chunks.off, &w->offs_cap, w->chunks.nchunks + 2, sizeof(uint64_t));
    w->chunks.nchunks++;
    w->chunks.off[w->chunks.nchunks] = w->file_pos;
    w->chunk_fill = 0;
    if (w->opts.max_bytes_per_s) compaction_throttle_acquire(&w->throttle, (uint64_t)stored + 4);
    return 0;
}

static int stream_append(struct sstable_writer *w, const void *p, size_t n, struct errmsg *em)
{
    const uint8_t *b = p;
    while (n > 0) {
        uint32_t room = w->chunks.chunk_len - w->chunk_fill;
        uint32_t take = n < room ? (uint32_t)n : room;
        memcpy(w->chunk + w->chunk_fill, b, take);
        w->chunk_fill += take;
        w->chunks.data_len += take;
        b += take;
        n -= take;
        if (w->chunk_fill == w->chunks.chunk_len) {
            int rc = sstable_writer_flush_chunk(w, em);
            if (rc < 0) return rc;
        }
    }
    return 0;
}

int sstable_writer_close_block(struct sstable_writer *w, struct errmsg *em)
{
    if (w->block_n == 0) return 0;
    sstable_format_block_trailer(&w->block, w->block_tokens, w->block_offs, (uint32_t)w->block_n);
    int rc = vfile_pwrite(w->index, w->block.data, w->block.len, w->index_pos);
    if (rc < 0)
        return errmsg_set(em, rc, "%s: write failed: %s", w->tmp[SSTABLE_INDEX], strerror(-rc));
    w->sum[w->sum_n - 1].block_len = (uint32_t)w->block.len;
    w->index_pos += w->block.len;
    buf_reset(&w->block);
    w->block_n = 0;
    return 0;
}

static int add_index_entry(struct sstable_writer *w, const struct sstable_entry *e,
                           struct errmsg *em)
{
    if (w->block_n == 0) {
        xgrow((void **)&w->sum, &w->sum_cap, w->sum_n + 1, sizeof *w->sum);
        w->sum[w->sum_n++] = (struct sstable_summary_entry){
            e->key.token, arena_dup(&w->keys, e->key.key, e->key.len), e->key.len, 0,
            w->index_pos};
    }
    if (w->block_n == w->block_cap) {
        size_t cap = w->block_cap;
        xgrow((void **)&w->block_offs, &cap, w->block_n + 1, sizeof *w->block_offs);
        xgrow((void **)&w->block_tokens, &w->block_cap, w->block_n + 1, sizeof *w->block_tokens);
        ASSERT(cap == w->block_cap);
    }
    w->block_tokens[w->block_n] = e->key.token;
    w->block_offs[w->block_n++] = (uint32_t)w->block.len;
    sstable_format_entry_encode(e, &w->block);
    uint32_t interval = w->schema->opts.min_index_interval > 0
                            ? (uint32_t)w->schema->opts.min_index_interval
                            : 128;
    if (w->block.len >= SSTABLE_INDEX_BLOCK_BYTES || w->block_n >= interval)
        return sstable_writer_close_block(w, em);
    return 0;
}

static void add_key_hash(struct sstable_writer *w, const struct pkey *key)
{
    uint64_t h[2];
    bloom_hash(key->key, key->len, h);
    if (w->opts.expected_partitions) {
        bloom_add_hash(&w->bloom, h);
        return;
    }
    xgrow((void **)&w->hashes, &w->hashes_cap, w->nhashes + 1, sizeof *w->hashes);
    w->hashes[w->nhashes][0] = h[0];
    w->hashes[w->nhashes][1] = h[1];
    w->nhashes++;
}

static int open_tmp(struct sstable_writer *w, enum sstable_component c, struct vfile **f,
                    struct errmsg *em)
{
    int rc = vfs_open(w->vfs, w->tmp[c], O_CREAT | O_TRUNC | O_WRONLY, 0644, f);
    if (rc < 0) return errmsg_set(em, rc, "%s: cannot create: %s", w->tmp[c], strerror(-rc));
    return 0;
}

void sstable_writer_free(struct sstable_writer *w)
{
    vfile_close(w->data);
    vfile_close(w->index);
    for (int i = 0; i < SSTABLE_NCOMPONENTS; i++) {
        free(w->tmp[i]);
        free(w->final[i]);
    }
    free(w->chunks.off);
    free(w->chunk);
    free(w->cbuf);
    buf_deinit(&w->block);
    free(w->block_offs);
    free(w->block_tokens);
    arena_deinit(&w->keys);
    free(w->sum);
    buf_deinit(&w->first_key);
    buf_deinit(&w->last_key);
    bloom_deinit(&w->bloom);
    free(w->hashes);
    buf_deinit(&w->scratch);
    buf_deinit(&w->ridx);
    buf_deinit(&w->blk_first);
    buf_deinit(&w->blk_last);
    buf_deinit(&w->part_first);
    sstable_writer_stats_deinit(&w->stats);
    compaction_throttle_deinit(&w->throttle);
    table_schema_unref(w->schema);
    free(w->dir);
    free(w);
}

static void writer_init_buffers(struct sstable_writer *w)
{
    const struct table_options *o = &w->schema->opts;
    uint32_t cl = o->chunk_length_bytes ? o->chunk_length_bytes : SSTABLE_CHUNK_DEFAULT_BYTES;
    if (cl < SSTABLE_CHUNK_MIN_BYTES) cl = SSTABLE_CHUNK_MIN_BYTES;
    if (cl > SSTABLE_CHUNK_MAX_BYTES) cl = SSTABLE_CHUNK_MAX_BYTES;
    w->chunks.chunk_len = cl;
    w->chunks.lz4 = o->compression_enabled;
    w->offs_cap = 64;
    w->chunks.off = xcalloc(w->offs_cap, sizeof(uint64_t));
    w->chunk = xmalloc(cl);
    w->cbuf_cap = LZ4_compressBound((int)cl);
    w->cbuf = xmalloc((size_t)w->cbuf_cap);
    buf_init(&w->block);
    arena_init(&w->keys, 16 * 1024);
    buf_init(&w->first_key);
    buf_init(&w->last_key);
    buf_init(&w->scratch);
    buf_init(&w->ridx);
    buf_init(&w->blk_first);
    buf_init(&w->blk_last);
    buf_init(&w->part_first);
    sstable_writer_stats_init(&w->stats, w->schema);
    compaction_throttle_init(&w->throttle, w->opts.max_bytes_per_s);
    if (w->opts.expected_partitions)
        bloom_init(&w->bloom, w->opts.expected_partitions, o->bloom_filter_fp_chance);
}

int sstable_writer_open(struct vfs *v, const char *table_dir, uint32_t generation,
                        struct table_schema *schema, const struct sstable_write_opts *o,
                        struct sstable_writer **out, struct errmsg *em)
{
    struct sstable_writer *w = xcalloc(1, sizeof *w);
    w->vfs = v;
    w->schema = table_schema_ref(schema);
    w->opts = *o;
    w->dir = xstrdup(table_dir);
    w->gen = generation;
    char path[4096];
    for (int i = 0; i < SSTABLE_NCOMPONENTS; i++) {
        if (!sstable_format_path(path, sizeof path, table_dir, generation, i, true)) {
            sstable_writer_free(w);
            return errmsg_set(em, ERR_INVALID, "sstable path too long: %s", table_dir);
        }
        w->tmp[i] = xstrdup(path);
        sstable_format_path(path, sizeof path, table_dir, generation, i, false);
        w->final[i] = xstrdup(path);
    }
    writer_init_buffers(w);
    int rc = open_tmp(w, SSTABLE_DATA, &w->data, em);
    if (rc == 0) rc = open_tmp(w, SSTABLE_INDEX, &w->index, em);
    if (rc < 0) {
        sstable_writer_abort(w);
        return rc;
    }
    *out = w;
    return 0;
}

/* Appends the partition header; returns its length in *len. */
static int write_header(struct sstable_writer *w, const struct pkey *key, struct part_iter *src,
                        struct errmsg *em)
{
    struct buf *b = &w->scratch;
    buf_reset(b);
    buf_put_vbytes(b, key->key, key->len);
    deletion_encode(src->partition_deletion, b);
    uint8_t flags = (src->static_row ? SSTABLE_PART_STATIC : 0) |
                    (src->nrts ? SSTABLE_PART_RTS : 0);
    buf_put_u8(b, flags);
    if (src->static_row) row_encode(src->static_row, b);
    if (src->nrts) {
        buf_put_varint(b, src->nrts);
        for (uint32_t i = 0; i < src->nrts; i++) range_tombstone_encode(&src->rts[i], b);
    }
    sstable_writer_stats_header(&w->stats, src);
    return stream_append(w, b->data, b->len, em);
}

static void close_row_block(struct sstable_writer *w, uint64_t off, uint64_t len)
{
    buf_put_vbytes(&w->ridx, w->blk_first.data, w->blk_first.len);
    buf_put_vbytes(&w->ridx, w->blk_last.data, w->blk_last.len);
    buf_put_varint(&w->ridx, off);
    buf_put_varint(&w->ridx, len);
}

/* Appends the rows (and the row index when they span several blocks). */
static int write_rows(struct sstable_writer *w, struct part_iter *src, struct sstable_entry *e,
                      struct errmsg *em)
{
    uint64_t rows_start = w->chunks.data_len, blk_start = rows_start, nblocks = 0;
    buf_reset(&w->ridx);
    for (;;) {
        const struct row *r;
        int rc = part_iter_next(src, &r);
        if (rc < 0) return errmsg_set(em, rc, "reading the source partition failed");
        if (!r) break;
        if (w->chunks.data_len == rows_start) {
            buf_reset(&w->part_first);
            buf_append(&w->part_first, r->ck, r->ck_len);
        }
        if (w->chunks.data_len == blk_start) {
            buf_reset(&w->blk_first);
            buf_append(&w->blk_first, r->ck, r->ck_len);
        }
        buf_reset(&w->scratch);
        row_encode(r, &w->scratch);
        uint8_t len[VARINT_MAX];
        size_t ln = varint_store(len, w->scratch.len);
        if ((rc = stream_append(w, len, ln, em)) || (rc = stream_append(w, w->scratch.data,
                                                                        w->scratch.len, em)))
            return rc;
        buf_reset(&w->blk_last);
        buf_append(&w->blk_last, r->ck, r->ck_len);
        sstable_writer_stats_row(&w->stats, r);
        if (w->chunks.data_len - blk_start >= SSTABLE_ROW_BLOCK_BYTES) {
            close_row_block(w, blk_start - rows_start, w->chunks.data_len - blk_start);
            nblocks++;
            blk_start = w->chunks.data_len;
        }
    }
    if (w->chunks.data_len > blk_start) {
        close_row_block(w, blk_start - rows_start, w->chunks.data_len - blk_start);
        nblocks++;
    }
    e->rows_len = w->chunks.data_len - rows_start;
    e->ridx_len = 0;
    if (e->rows_len > 0)
        sstable_writer_stats_clusterings(&w->stats, w->part_first.data,
                                         (uint32_t)w->part_first.len, w->blk_last.data,
                                         (uint32_t)w->blk_last.len);
    if (nblocks > 1) {
        uint8_t n[VARINT_MAX];
        size_t ln = varint_store(n, nblocks);
        int rc = stream_append(w, n, ln, em);
        if (rc == 0) rc = stream_append(w, w->ridx.data, w->ridx.len, em);
        if (rc < 0) return rc;
        e->ridx_len = ln + w->ridx.len;
    }
    return 0;
}

static int check_key(struct sstable_writer *w, const struct pkey *key, struct errmsg *em)
{
    if (w->failed) return errmsg_set(em, ERR_INVALID, "sstable writer already failed");
    if (key->len > SSTABLE_KEY_MAX)
        return errmsg_set(em, ERR_INVALID, "partition key too long (%u bytes)", key->len);
    if (w->stats.meta.st.partitions > 0) {
        struct pkey last = {w->last_token, w->last_key.data, (uint32_t)w->last_key.len};
        if (pkey_cmp(&last, key) >= 0)
            return errmsg_set(em, ERR_INVALID, "partition keys out of order");
    }
    return 0;
}

int sstable_writer_add(struct sstable_writer *w, const struct pkey *key, struct part_iter *src,
                       struct errmsg *em)
{
    int rc = check_key(w, key, em);
    if (rc < 0) return rc;
    struct sstable_entry e = {.key = *key, .data_off = w->chunks.data_len};
    rc = write_header(w, key, src, em);
    e.header_len = w->chunks.data_len - e.data_off;
    if (rc == 0) rc = write_rows(w, src, &e, em);
    if (rc == 0) rc = add_index_entry(w, &e, em);
    if (rc < 0) {
        w->failed = true;
        return rc;
    }
    add_key_hash(w, key);
    if (w->stats.meta.st.partitions == 0) {
        buf_append(&w->first_key, key->key, key->len);
        w->first_token = key->token;
    }
    buf_reset(&w->last_key);
    buf_append(&w->last_key, key->key, key->len);
    w->last_token = key->token;
    w->stats.meta.st.partitions++;
    return 0;
}

void sstable_writer_abort(struct sstable_writer *w)
{
    if (!w) return;
    vfile_close(w->data);
    vfile_close(w->index);
    w->data = w->index = NULL;
    for (int i = 0; i < SSTABLE_NCOMPONENTS; i++)
        if (w->tmp[i]) vfs_unlink(w->vfs, w->tmp[i]);
    sstable_writer_free(w);
}

uint64_t sstable_writer_bytes(const struct sstable_writer *w)
{
    return w->file_pos + w->chunk_fill;
}

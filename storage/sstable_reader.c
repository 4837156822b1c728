/*
 * sstable_reader: opening an SSTable, its lifetime (refs, obsolete deletion), listing a
 * directory, and checked reads of Data.db chunks and Index.db blocks through the chunk cache.
 * See sstable_reader.h for the shape and sstable_format.h for the layouts.
 */
#include "storage/sstable_reader.h"

#include <errno.h>
#include <fcntl.h>
#include <lz4.h>
#include <stdlib.h>
#include <string.h>

#include "node/base/assert.h"
#include "node/base/be.h"
#include "node/base/crc32c.h"
#include "node/base/log.h"
#include "node/base/mem.h"

void sstable_span_init(struct sstable_span *sp)
{
    memset(sp, 0, sizeof *sp);
    buf_init(&sp->copy);
}

void sstable_span_release(struct sstable_span *sp)
{
    chunk_unref(sp->ch);
    sp->ch = NULL;
    sp->p = NULL;
    sp->len = 0;
}

void sstable_span_deinit(struct sstable_span *sp)
{
    if (!sp) return;
    sstable_span_release(sp);
    buf_deinit(&sp->copy);
}

static int io_error(struct errmsg *em, int rc, const char *path, uint64_t off, const char *what)
{
    if (rc == -ENODATA || rc == -EFBIG || rc == -ENOENT)
        return errmsg_set(em, ERR_CORRUPT, "%s: %s at offset %llu: %s", path, what,
                          (unsigned long long)off,
                          rc == -ENOENT ? "file missing" : "file too short or too long");
    return errmsg_set(em, rc, "%s: %s at offset %llu: %s", path, what, (unsigned long long)off,
                      strerror(-rc));
}

/* Reads, checks and decompresses chunk idx (not cached yet). */
static int read_chunk(struct sstable *s, uint64_t idx, struct chunk **out, struct errmsg *em)
{
    const struct sstable_chunks *c = &s->chunks;
    const char *path = s->paths[SSTABLE_DATA];
    uint64_t start = c->off[idx];
    uint64_t stored = c->off[idx + 1] - start - 4;
    uint64_t lstart = idx * c->chunk_len;
    uint32_t raw = (uint32_t)(c->data_len - lstart < c->chunk_len ? c->data_len - lstart
                                                                    : c->chunk_len);
    if (stored > raw || (stored < raw && !c->lz4))
        return errmsg_set(em, ERR_CORRUPT, "%s: chunk %llu at offset %llu: bad stored length %llu",
                          path, (unsigned long long)idx, (unsigned long long)start,
                          (unsigned long long)stored);
    struct chunk *ch = chunk_new(raw + 4);
    uint8_t *tmp = stored == raw ? ch->data : xmalloc(stored + 4);
    int rc = vfile_pread_full(s->data, tmp, stored + 4, start);
    if (rc < 0) {
        rc = io_error(em, rc, path, start, "reading chunk");
    } else if (crc32c(tmp, stored) != be32_load(tmp + stored)) {
        rc = errmsg_set(em, ERR_CORRUPT, "%s: chunk %llu at offset %llu (%llu bytes): checksum "
                        "mismatch", path, (unsigned long long)idx, (unsigned long long)start,
                        (unsigned long long)stored);
    } else if (stored < raw &&
               LZ4_decompress_safe((const char *)tmp, (char *)ch->data, (int)stored, (int)raw) !=
                   (int)raw) {
        rc = errmsg_set(em, ERR_CORRUPT, "%s: chunk %llu at offset %llu: lz4 data corrupt", path,
                        (unsigned long long)idx, (unsigned long long)start);
    }
    if (tmp != ch->data) free(tmp);
    if (rc < 0) {
        chunk_unref(ch);
        return rc;
    }
    ch->len = raw;
    *out = ch;
    return 0;
}

void sstable_chunk_memo_release(struct sstable_chunk_memo *m)
{
    chunk_unref(m->ch);
    m->ch = NULL;
}

static int get_chunk(struct sstable *s, uint64_t idx, struct sstable_chunk_memo *memo,
                     struct chunk **out, struct errmsg *em)
{
    uint64_t key = idx * s->chunks.chunk_len;
    if (memo && memo->ch && memo->file_id == s->data_file_id && memo->off == key) {
        atomic_fetch_add_explicit(&memo->ch->refs, 1, memory_order_relaxed);
        *out = memo->ch;
        return 0;
    }
    struct chunk *ch = chunk_cache_lookup(s->cache, s->data_file_id, key);
    if (!ch) {
        int rc = read_chunk(s, idx, &ch, em);
        if (rc < 0) return rc;
        if (!memo || !memo->no_fill) ch = chunk_cache_insert(s->cache, s->data_file_id, key, ch);
    }
    if (memo) {
        chunk_unref(memo->ch);
        atomic_fetch_add_explicit(&ch->refs, 1, memory_order_relaxed);
        *memo = (struct sstable_chunk_memo){ch, s->data_file_id, key, memo->no_fill};
    }
    *out = ch;
    return 0;
}

int sstable_reader_data(struct sstable *s, uint64_t off, uint64_t len, struct sstable_span *sp,
                        struct sstable_chunk_memo *memo, struct errmsg *em)
{
    sstable_span_release(sp);
    const uint64_t cl = s->chunks.chunk_len;
    if (off > s->chunks.data_len || len > s->chunks.data_len - off)
        return errmsg_set(em, ERR_CORRUPT, "%s: range %llu+%llu beyond the data (%llu bytes)",
                          s->paths[SSTABLE_DATA], (unsigned long long)off,
                          (unsigned long long)len, (unsigned long long)s->chunks.data_len);
    if (len == 0) {
        sp->p = (const uint8_t *)"";
        return 0;
    }
    uint64_t first = off / cl, last = (off + len - 1) / cl;
    struct chunk *ch;
    if (first == last) {
        int rc = get_chunk(s, first, memo, &ch, em);
        if (rc < 0) return rc;
        sp->ch = ch;
        sp->p = ch->data + (off - first * cl);
        sp->len = len;
        return 0;
    }
    buf_reset(&sp->copy);
    uint8_t *dst = buf_extend(&sp->copy, (size_t)len);
    for (uint64_t i = first, pos = off; i <= last; i++) {
        int rc = get_chunk(s, i, memo, &ch, em);
        if (rc < 0) return rc;
        uint64_t in = pos - i * cl;
        uint64_t n = ch->len - in < off + len - pos ? ch->len - in : off + len - pos;
        memcpy(dst + (pos - off), ch->data + in, (size_t)n);
        pos += n;
        chunk_unref(ch);
    }
    sp->p = dst;
    sp->len = len;
    return 0;
}

int sstable_reader_index_block(struct sstable *s, uint32_t i, bool fill, struct chunk **out,
                               uint32_t *n, struct errmsg *em)
{
    ASSERT(i < s->summary.n);
    const struct sstable_summary_entry *e = &s->summary.e[i];
    struct chunk *ch = chunk_cache_lookup(s->cache, s->index_file_id, e->block_off);
    if (ch) {
        *n = be32_load(ch->data + ch->len - 8);
        *out = ch;
        return 0;
    }
    ch = chunk_new(e->block_len);
    int rc = vfile_pread_full(s->index, ch->data, e->block_len, e->block_off);
    if (rc < 0) rc = io_error(em, rc, s->paths[SSTABLE_INDEX], e->block_off, "reading block");
    if (rc == 0)
        rc = sstable_format_block_check(ch->data, e->block_len, s->paths[SSTABLE_INDEX],
                                        e->block_off, n, em);
    if (rc < 0) {
        chunk_unref(ch);
        return rc;
    }
    ch->len = e->block_len;
    *out = fill ? chunk_cache_insert(s->cache, s->index_file_id, e->block_off, ch) : ch;
    return 0;
}

static int read_small(struct sstable *s, enum sstable_component c, uint8_t **p, size_t *len,
                      uint64_t *total, struct errmsg *em)
{
    int rc = vfs_read_all(s->vfs, s->paths[c], SSTABLE_SMALL_FILE_MAX, p, len);
    if (rc < 0) return io_error(em, rc, s->paths[c], 0, "reading");
    *total += *len;
    return 0;
}

static int open_small_components(struct sstable *s, uint64_t *total, struct errmsg *em)
{
    uint8_t *p = NULL;
    size_t len;
    int rc = read_small(s, SSTABLE_TOC, &p, &len, total, em);
    if (rc) return rc;
    if (len != strlen(SSTABLE_TOC_TEXT) || memcmp(p, SSTABLE_TOC_TEXT, len) != 0)
        rc = errmsg_set(em, ERR_CORRUPT, "%s: unexpected component list", s->paths[SSTABLE_TOC]);
    free(p);
    if (rc) return rc;
    if ((rc = read_small(s, SSTABLE_COMPRESSION_INFO, &p, &len, total, em))) return rc;
    rc = sstable_format_chunks_decode(p, len, s->paths[SSTABLE_COMPRESSION_INFO], &s->chunks, em);
    free(p);
    if (rc) return rc;
    if ((rc = read_small(s, SSTABLE_SUMMARY, &p, &len, total, em))) return rc;
    rc = sstable_format_summary_decode(p, len, s->paths[SSTABLE_SUMMARY], &s->summary, em);
    if (rc) return rc;
    if ((rc = read_small(s, SSTABLE_FILTER, &p, &len, total, em))) return rc;
    rc = bloom_decode(p, len, s->paths[SSTABLE_FILTER], &s->bloom, em);
    free(p);
    if (rc) return rc;
    if ((rc = read_small(s, SSTABLE_STATISTICS, &s->meta_raw, &len, total, em))) return rc;
    return sstable_format_meta_decode(s->meta_raw, len, s->paths[SSTABLE_STATISTICS], &s->meta,
                                      em);
}

static int open_big(struct sstable *s, enum sstable_component c, struct vfile **f,
                    uint64_t expect, uint64_t *total, struct errmsg *em)
{
    int rc = vfs_open(s->vfs, s->paths[c], O_RDONLY, 0, f);
    uint64_t size = 0;
    if (rc == 0) rc = vfile_size(*f, &size);
    if (rc < 0) return io_error(em, rc, s->paths[c], 0, "opening");
    if (size != expect)
        return errmsg_set(em, ERR_CORRUPT, "%s: size %llu, expected %llu", s->paths[c],
                          (unsigned long long)size, (unsigned long long)expect);
    *total += size;
    return 0;
}

static void free_sstable(struct sstable *s)
{
    vfile_close(s->data);
    vfile_close(s->index);
    free(s->chunks.off);
    sstable_format_summary_free(&s->summary);
    bloom_deinit(&s->bloom);
    free(s->meta_raw);
    for (int i = 0; i < SSTABLE_NCOMPONENTS; i++) free(s->paths[i]);
    free(s->dir);
    table_schema_unref(s->schema);
    free(s);
}

static int check_consistency(struct sstable *s, struct errmsg *em)
{
    if (memcmp(s->meta.table_id.b, s->schema->id.b, 16) != 0)
        return errmsg_set(em, ERR_CORRUPT, "%s: belongs to another table",
                          s->paths[SSTABLE_STATISTICS]);
    if (s->meta.st.partitions != s->summary.partitions ||
        s->meta.st.uncompressed_bytes != s->chunks.data_len)
        return errmsg_set(em, ERR_CORRUPT, "%s: statistics disagree with the summary",
                          s->paths[SSTABLE_STATISTICS]);
    return 0;
}

int sstable_open(struct vfs *v, const char *table_dir, uint32_t generation,
                 struct table_schema *schema, struct sstable **out, struct errmsg *em)
{
    struct sstable *s = xcalloc(1, sizeof *s);
    atomic_init(&s->refs, 1);
    atomic_init(&s->obsolete, false);
    s->vfs = v;
    s->schema = table_schema_ref(schema);
    s->cache = chunk_cache_default();
    s->generation = generation;
    s->dir = xstrdup(table_dir);
    char path[SSTABLE_PATH_MAX];
    for (int i = 0; i < SSTABLE_NCOMPONENTS; i++) {
        if (!sstable_format_path(path, sizeof path, table_dir, generation, i, false)) {
            free_sstable(s);
            return errmsg_set(em, ERR_INVALID, "sstable path too long: %s", table_dir);
        }
        s->paths[i] = xstrdup(path);
    }
    uint64_t total = 0;
    int rc = open_small_components(s, &total, em);
    if (rc == 0) rc = check_consistency(s, em);
    if (rc == 0)
        rc = open_big(s, SSTABLE_DATA, &s->data, s->chunks.off[s->chunks.nchunks], &total, em);
    if (rc == 0) rc = open_big(s, SSTABLE_INDEX, &s->index, s->summary.index_len, &total, em);
    if (rc < 0) {
        free_sstable(s);
        return rc;
    }
    s->data_file_id = chunk_cache_file_id();
    s->index_file_id = chunk_cache_file_id();
    s->stats = s->meta.st;
    s->stats.generation = generation;
    s->stats.data_bytes = s->chunks.off[s->chunks.nchunks];
    s->stats.total_bytes = total;
    *out = s;
    return 0;
}

struct sstable *sstable_ref(struct sstable *s)
{
    unsigned old = atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
    ASSERT(old > 0);
    return s;
}

static void delete_files(struct sstable *s)
{
    /* TOC first: a crash part-way leaves a TOC-less set that sstable_list removes. */
    static const enum sstable_component order[SSTABLE_NCOMPONENTS] = {
        SSTABLE_TOC,     SSTABLE_DATA,   SSTABLE_INDEX,      SSTABLE_SUMMARY,
        SSTABLE_FILTER,  SSTABLE_STATISTICS, SSTABLE_COMPRESSION_INFO,
    };
    for (int i = 0; i < SSTABLE_NCOMPONENTS; i++) {
        int rc = vfs_unlink(s->vfs, s->paths[order[i]]);
        if (rc < 0 && rc != -ENOENT)
            log_warn("sstable", "cannot delete obsolete file path=%s err=%s",
                     s->paths[order[i]], strerror(-rc));
    }
}

void sstable_unref(struct sstable *s)
{
    if (!s) return;
    unsigned old = atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel);
    ASSERT(old > 0);
    if (old != 1) return;
    vfile_close(s->data);
    vfile_close(s->index);
    s->data = s->index = NULL;
    if (atomic_load(&s->obsolete)) {
        delete_files(s);
        log_info("sstable", "deleted obsolete sstable dir=%s gen=%u", s->dir, s->generation);
    }
    free_sstable(s);
}

void sstable_mark_obsolete(struct sstable *s)
{
    atomic_store(&s->obsolete, true);
}

const struct sstable_stats *sstable_get_stats(const struct sstable *s)
{
    return &s->stats;
}

uint32_t sstable_generation(const struct sstable *s)
{
    return s->generation;
}

int sstable_components(const struct sstable *s, char ***paths, size_t *n)
{
    char **p = xmalloc(SSTABLE_NCOMPONENTS * sizeof *p);
    for (int i = 0; i < SSTABLE_NCOMPONENTS; i++) p[i] = xstrdup(s->paths[i]);
    *paths = p;
    *n = SSTABLE_NCOMPONENTS;
    return 0;
}

bool sstable_may_contain(struct sstable *s, const struct pkey *key)
{
    return bloom_may_contain(&s->bloom, key->key, key->len);
}

bool sstable_may_contain_hash(struct sstable *s, const uint64_t h[2])
{
    return bloom_may_contain_hash(&s->bloom, h);
}

/*
 * sstable_writer_finish: completing an SSTable. Order matters for crash safety: every
 * component is written and synced under its temporary name, then renamed, TOC.txt last, then
 * the directory is synced. A crash before the TOC rename leaves no TOC, so sstable_list deletes
 * the pieces; after it, the SSTable is complete.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "node/base/clock.h"
#include "node/base/log.h"
#include "storage/sstable_writer.h"

static int write_small(struct sstable_writer *w, enum sstable_component c, const void *p,
                       size_t n, struct errmsg *em)
{
    struct vfile *f = NULL;
    int rc = vfs_open(w->vfs, w->tmp[c], O_CREAT | O_TRUNC | O_WRONLY, 0644, &f);
    if (rc == 0) rc = vfile_pwrite(f, p, n, 0);
    if (rc == 0) rc = vfile_sync(f);
    int crc = vfile_close(f);
    if (rc == 0) rc = crc;
    if (rc < 0) return errmsg_set(em, rc, "%s: write failed: %s", w->tmp[c], strerror(-rc));
    return 0;
}

static void build_filter(struct sstable_writer *w)
{
    if (w->opts.expected_partitions) return;
    bloom_init(&w->bloom, w->nhashes, w->schema->opts.bloom_filter_fp_chance);
    for (size_t i = 0; i < w->nhashes; i++) bloom_add_hash(&w->bloom, w->hashes[i]);
}

static int write_components(struct sstable_writer *w, struct buf *b, struct errmsg *em)
{
    int rc;
    buf_reset(b);
    sstable_format_chunks_encode(&w->chunks, b);
    if ((rc = write_small(w, SSTABLE_COMPRESSION_INFO, b->data, b->len, em))) return rc;
    struct sstable_summary sum = {
        .partitions = w->stats.meta.st.partitions,
        .index_len = w->index_pos,
        .n = (uint32_t)w->sum_n,
        .e = w->sum,
        .first = {w->first_token, w->first_key.data, (uint32_t)w->first_key.len},
        .last = {w->last_token, w->last_key.data, (uint32_t)w->last_key.len},
    };
    buf_reset(b);
    sstable_format_summary_encode(&sum, b);
    if ((rc = write_small(w, SSTABLE_SUMMARY, b->data, b->len, em))) return rc;
    build_filter(w);
    buf_reset(b);
    bloom_encode(&w->bloom, b);
    if ((rc = write_small(w, SSTABLE_FILTER, b->data, b->len, em))) return rc;
    struct sstable_stats *st = &w->stats.meta.st;
    st->uncompressed_bytes = w->chunks.data_len;
    st->commitlog_bound = w->opts.commitlog_bound;
    st->first_token = w->first_token;
    st->last_token = w->last_token;
    st->created_ms = clock_real_ms();
    sstable_writer_stats_finish(&w->stats);
    buf_reset(b);
    sstable_format_meta_encode(&w->stats.meta, b);
    if ((rc = write_small(w, SSTABLE_STATISTICS, b->data, b->len, em))) return rc;
    return write_small(w, SSTABLE_TOC, SSTABLE_TOC_TEXT, strlen(SSTABLE_TOC_TEXT), em);
}

/* Syncs then closes *f; the file is closed (and *f cleared) whether or not the sync worked. */
static int sync_close(struct vfile **f)
{
    int rc = vfile_sync(*f);
    int crc = vfile_close(*f);
    *f = NULL;
    return rc < 0 ? rc : crc;
}

static int sync_big(struct sstable_writer *w, struct errmsg *em)
{
    int rc = sync_close(&w->data);
    int irc = sync_close(&w->index);
    if (rc < 0)
        return errmsg_set(em, rc, "%s: sync failed: %s", w->tmp[SSTABLE_DATA], strerror(-rc));
    if (irc < 0)
        return errmsg_set(em, irc, "%s: sync failed: %s", w->tmp[SSTABLE_INDEX], strerror(-irc));
    return 0;
}

static int rename_all(struct sstable_writer *w, struct errmsg *em)
{
    for (int i = 0; i < SSTABLE_NCOMPONENTS; i++) {
        if (i == SSTABLE_TOC) continue;
        int rc = vfs_rename(w->vfs, w->tmp[i], w->final[i]);
        if (rc < 0) return errmsg_set(em, rc, "%s: rename failed: %s", w->tmp[i], strerror(-rc));
    }
    int rc = vfs_sync_dir(w->vfs, w->dir);
    if (rc == 0) rc = vfs_rename(w->vfs, w->tmp[SSTABLE_TOC], w->final[SSTABLE_TOC]);
    if (rc == 0) rc = vfs_sync_dir(w->vfs, w->dir);
    if (rc < 0) return errmsg_set(em, rc, "%s: completing failed: %s", w->dir, strerror(-rc));
    return 0;
}

int sstable_writer_finish(struct sstable_writer *w, struct sstable **out, struct errmsg *em)
{
    int rc = w->failed ? errmsg_set(em, ERR_INVALID, "sstable writer already failed") : 0;
    struct buf b;
    buf_init(&b);
    if (rc == 0 && w->chunk_fill > 0) rc = sstable_writer_flush_chunk(w, em);
    if (rc == 0) rc = sstable_writer_close_block(w, em);
    if (rc == 0) rc = write_components(w, &b, em);
    buf_deinit(&b);
    if (rc == 0) rc = sync_big(w, em);
    if (rc == 0) rc = rename_all(w, em);
    if (rc < 0) {
        /* Nothing is complete without the TOC: the renamed pieces go too. */
        for (int i = 0; i < SSTABLE_NCOMPONENTS; i++) vfs_unlink(w->vfs, w->final[i]);
        sstable_writer_abort(w);
        return rc;
    }
    log_info("sstable", "wrote sstable dir=%s gen=%u partitions=%llu bytes=%llu", w->dir, w->gen,
             (unsigned long long)w->stats.meta.st.partitions,
             (unsigned long long)w->file_pos);
    rc = sstable_open(w->vfs, w->dir, w->gen, w->schema, out, em);
    sstable_writer_free(w);
    return rc;
}

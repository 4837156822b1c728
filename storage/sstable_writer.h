/*
 * sstable_writer: the writer's state, shared by sstable_writer.c (streaming partitions) and
 * sstable_writer_finish.c (the small components, sync and rename). Internal to storage/; the
 * public functions are in sstable.h. Thread rule: a writer belongs to one thread.
 */
#ifndef RINGDB_STORAGE_SSTABLE_WRITER_H
#define RINGDB_STORAGE_SSTABLE_WRITER_H

#include <stdbool.h>
#include <stdint.h>

#include "node/base/arena.h"
#include "node/base/buf.h"
#include "storage/bloom.h"
#include "storage/compaction_throttle.h"
#include "storage/sstable.h"
#include "storage/sstable_format.h"
#include "storage/sstable_writer_stats.h"

struct sstable_writer {
    struct vfs *vfs;
    struct table_schema *schema;
    struct sstable_write_opts opts;
    char *dir;
    uint32_t gen;
    char *tmp[SSTABLE_NCOMPONENTS];
    char *final[SSTABLE_NCOMPONENTS];
    struct vfile *data, *index;
    bool failed;
    /* data stream */
    struct sstable_chunks chunks; /* off grows as chunks are written */
    size_t offs_cap;
    uint8_t *chunk;
    uint32_t chunk_fill;
    char *cbuf;
    int cbuf_cap;
    uint64_t file_pos;
    /* index */
    struct buf block;
    uint32_t *block_offs;
    int64_t *block_tokens;
    size_t block_n, block_cap;
    uint64_t index_pos;
    struct arena keys; /* summary keys */
    struct sstable_summary_entry *sum;
    size_t sum_n, sum_cap;
    struct buf first_key, last_key;
    int64_t first_token, last_token;
    /* bloom */
    struct bloom bloom;
    uint64_t (*hashes)[2]; /* deferred when expected_partitions is 0 */
    size_t nhashes, hashes_cap;
    /* per partition */
    struct buf scratch, ridx, blk_first, blk_last, part_first;
    struct sstable_writer_stats stats;
    struct compaction_throttle throttle;
};

/* Bytes written to Data.db so far (compressed), plus the chunk being filled. */
uint64_t sstable_writer_bytes(const struct sstable_writer *w);
/* Compresses and writes the chunk being filled (also a partial last one). */
int sstable_writer_flush_chunk(struct sstable_writer *w, struct errmsg *em);
/* Writes the index block being filled, if any. */
int sstable_writer_close_block(struct sstable_writer *w, struct errmsg *em);
/* Frees the writer's memory and closes its files (no unlinking). */
void sstable_writer_free(struct sstable_writer *w);

#endif

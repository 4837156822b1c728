/*
 * sstable_reader: an open SSTable (struct sstable) and checked access to its bytes, shared by
 * the lookup, partition-iterator and scan files. Internal to storage/sstable*.c.
 *
 * At open the small components are read whole and checked (CompressionInfo, Summary, Filter,
 * Statistics, TOC); Data.db and Index.db stay open for pread. Every Data.db chunk and Index.db
 * block is CRC-checked when it is read from the file and then kept, decompressed, in the chunk
 * cache; a cached chunk is never checked again.
 *
 * A span is a contiguous range of the logical Data.db stream: it points straight into a cached
 * chunk when the range lies inside one chunk, else into the span's own copy buffer (reused).
 * Thread rule: struct sstable is immutable after open (refs and the obsolete flag are atomic);
 * spans belong to one reader.
 */
#ifndef RINGDB_STORAGE_SSTABLE_READER_H
#define RINGDB_STORAGE_SSTABLE_READER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "node/base/buf.h"
#include "node/base/err.h"
#include "storage/bloom.h"
#include "storage/chunk_cache.h"
#include "storage/sstable.h"
#include "storage/sstable_format.h"

#define SSTABLE_PATH_MAX 4096

struct sstable {
    atomic_uint refs;
    atomic_bool obsolete;
    struct vfs *vfs;
    struct table_schema *schema; /* a reference */
    struct chunk_cache *cache;
    uint32_t generation;
    char *dir;
    char *paths[SSTABLE_NCOMPONENTS]; /* malloc'd */
    struct vfile *data;
    struct vfile *index;
    uint64_t data_file_id, index_file_id; /* chunk cache ids */
    struct sstable_chunks chunks;
    struct sstable_summary summary;
    struct bloom bloom;
    struct sstable_meta meta;
    uint8_t *meta_raw; /* Statistics.db bytes (meta's clusterings point into it) */
    struct sstable_stats stats;
};

struct sstable_span {
    const uint8_t *p;
    uint64_t len;
    struct chunk *ch; /* the cached chunk p points into, or NULL */
    struct buf copy;  /* owned storage when the range crosses chunks */
};

void sstable_span_init(struct sstable_span *sp);
/* Releases the chunk reference (keeps the copy buffer for reuse). */
void sstable_span_release(struct sstable_span *sp);
void sstable_span_deinit(struct sstable_span *sp);

/*
 * A reader's memo of the last Data.db chunk it used: the next span in the same chunk takes a
 * reference instead of a cache lookup (a partition's header and rows usually share a chunk;
 * a scan reads a chunk's partitions one after another). With no_fill, chunks read from the
 * file are kept only here, not inserted into the chunk cache (compaction: RocksDB's
 * fill_cache = false, so a compaction does not evict what reads use). Owned by one reader.
 */
struct sstable_chunk_memo {
    struct chunk *ch; /* a reference, or NULL */
    uint64_t file_id;
    uint64_t off;
    bool no_fill;
};
/* Drops the memo's chunk (the memo stays usable). */
void sstable_chunk_memo_release(struct sstable_chunk_memo *m);

/* Points sp at logical bytes [off, off + len) of Data.db. ERR_CORRUPT (message names the file,
   the chunk and its offset) when a chunk fails its check or the range is out of bounds. memo
   may be NULL. */
int sstable_reader_data(struct sstable *s, uint64_t off, uint64_t len, struct sstable_span *sp,
                        struct sstable_chunk_memo *memo, struct errmsg *em);
/* The checked Index.db block i of the summary (a chunk with a reference; put in the cache
   unless it was not there and fill is false). */
int sstable_reader_index_block(struct sstable *s, uint32_t i, bool fill, struct chunk **out,
                               uint32_t *n, struct errmsg *em);

#endif

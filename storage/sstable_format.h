/*
 * sstable_format: the on-disk layout of an SSTable's components and their codecs (internal to
 * the sstable_* files). docs/formats.md#sstable has the same tables. All fixed-width integers
 * are big-endian; "varint" is LEB128, "vbytes" a varint length then the bytes.
 *
 * Data.db: a logical byte stream cut into fixed-size chunks of chunk_len bytes (the last one
 * shorter). Each chunk is stored as its lz4 block (LZ4_compress_default) when compression is
 * enabled and that is smaller, else raw, followed by a be32 CRC32C of the stored bytes.
 * CompressionInfo.db holds where each stored chunk starts, so a logical offset maps to
 * chunk = off / chunk_len. Stored size == logical size means raw (Cassandra's rule).
 *
 * A partition in the logical stream:
 *   header:  vbytes key | deletion (row_codec) | u8 flags (1 static, 2 range tombstones)
 *            | [static row (row_codec)] | [varint n, n range tombstones (row_codec)]
 *   rows:    n x (varint len | row (row_codec)), in clustering order
 *   row index (only when the rows span more than one SSTABLE_ROW_BLOCK_BYTES block):
 *            varint n | n x (vbytes first ck | vbytes last ck | varint off | varint len)
 *            where off is relative to the first row; blocks are contiguous and cover the rows.
 *
 * Index.db: blocks of entries in (token, key) order, each block
 *   entries | n x (be64 token | be32 entry offset) | be32 n | be32 CRC32C of the preceding bytes
 * entry: vbytes key | varint data_off | varint header_len | varint rows_len | varint ridx_len
 *        (data_off: logical offset of the partition in Data.db). The tokens sit together in
 *        the trailer so a binary search touches few cache lines.
 *
 * CompressionInfo.db, Summary.db, Statistics.db: small files read whole at open, each ending in
 * a be32 CRC32C of everything before it (layouts at their codecs below). Filter.db: bloom.h.
 * TOC.txt: the component names, one per line, exactly SSTABLE_TOC_TEXT.
 */
#ifndef RINGDB_STORAGE_SSTABLE_FORMAT_H
#define RINGDB_STORAGE_SSTABLE_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "node/base/be.h"
#include "node/base/buf.h"
#include "node/base/err.h"
#include "node/base/uuid.h"
#include "storage/iter.h"
#include "storage/sstable.h"

#define SSTABLE_FORMAT_VERSION 1
#define SSTABLE_MAGIC_COMPRESSION 0x52424349u /* "RBCI" */
#define SSTABLE_MAGIC_SUMMARY 0x5242534Du     /* "RBSM" */
#define SSTABLE_MAGIC_STATS 0x52425353u       /* "RBSS" */

#define SSTABLE_CHUNK_MIN_BYTES 1024u
#define SSTABLE_CHUNK_MAX_BYTES (1u << 20)
#define SSTABLE_CHUNK_DEFAULT_BYTES (16u << 10)
#define SSTABLE_INDEX_BLOCK_BYTES 4096u
#define SSTABLE_INDEX_BLOCK_MAX_BYTES (1u << 22) /* a block holds at least one entry */
#define SSTABLE_ROW_BLOCK_BYTES (64u << 10)      /* Cassandra's column_index_size */
#define SSTABLE_KEY_MAX 0xFFFFu
#define SSTABLE_SMALL_FILE_MAX (256u << 20)      /* CompressionInfo/Summary/Statistics/TOC */
#define SSTABLE_RTS_MAX (1u << 24)
#define SSTABLE_ROW_BLOCKS_MAX (1u << 24)

enum sstable_component {
    SSTABLE_DATA = 0,
    SSTABLE_COMPRESSION_INFO,
    SSTABLE_INDEX,
    SSTABLE_SUMMARY,
    SSTABLE_FILTER,
    SSTABLE_STATISTICS,
    SSTABLE_TOC,
    SSTABLE_NCOMPONENTS,
};

#define SSTABLE_TOC_TEXT                                                                           \
    "CompressionInfo.db\nData.db\nFilter.db\nIndex.db\nStatistics.db\nSummary.db\nTOC.txt\n"

/* Partition header flags. */
enum { SSTABLE_PART_STATIC = 1, SSTABLE_PART_RTS = 2 };

const char *sstable_format_component_name(enum sstable_component c);
/* Writes "<dir>/rb-<gen>-big-<Component>[.tmp]" into out (cap bytes); false if too long. */
bool sstable_format_path(char *out, size_t cap, const char *dir, uint32_t gen,
                         enum sstable_component c, bool tmp);
/* Parses a directory entry name: sets *gen, *c and *tmp; false if not an SSTable file. */
bool sstable_format_parse_name(const char *name, uint32_t *gen, enum sstable_component *c,
                               bool *tmp);

/* CompressionInfo.db:
 *   0  be32 magic | 4 u8 version | 5 u8 flags (1 = lz4) | 6 2 zero | 8 be32 chunk_len
 *   12 be64 data_len (logical bytes) | 20 be64 nchunks | 28 be64 x (nchunks + 1) chunk starts
 *   (the last is the Data.db size) | be32 CRC32C */
struct sstable_chunks {
    bool lz4;
    uint32_t chunk_len;
    uint64_t data_len;
    uint64_t nchunks;
    uint64_t *off; /* nchunks + 1 entries, malloc'd */
};
void sstable_format_chunks_encode(const struct sstable_chunks *c, struct buf *out);
int sstable_format_chunks_decode(const uint8_t *p, size_t len, const char *path,
                                 struct sstable_chunks *out, struct errmsg *em);

/* Summary.db:
 *   0 be32 magic | 4 u8 version | 5 3 zero | 8 be64 partitions | 16 be32 nblocks
 *   20 be64 Index.db size | 28 nblocks x (be64 token | vbytes key | varint block offset
 *   | varint block length) | be64 first token | vbytes first key | be64 last token
 *   | vbytes last key | be32 CRC32C            (the key of a block is its first entry's key) */
struct sstable_summary_entry {
    int64_t token;
    const uint8_t *key;
    uint32_t key_len;
    uint32_t block_len;
    uint64_t block_off;
};
struct sstable_summary {
    uint64_t partitions;
    uint64_t index_len;
    uint32_t n;
    struct sstable_summary_entry *e; /* malloc'd */
    struct pkey first, last;         /* keys point into raw */
    uint8_t *raw;                    /* the file bytes (owned) */
};
void sstable_format_summary_encode(const struct sstable_summary *s, struct buf *out);
/* Takes ownership of p (malloc'd) on success and on failure. */
int sstable_format_summary_decode(uint8_t *p, size_t len, const char *path,
                                  struct sstable_summary *out, struct errmsg *em);
void sstable_format_summary_free(struct sstable_summary *s);

/* Statistics.db:
 *   0 be32 magic | 4 u8 version | 5 3 zero | 8 16 table id | 24 be64 min_ts | be64 max_ts
 *   | be32 min_ldt | be32 max_ldt | be64 partitions | be64 rows | be64 cells | be64 tombstones
 *   | be64 uncompressed_bytes | be64 commitlog_bound | be32 level | be64 first_token
 *   | be64 last_token | be64 created_ms | u8 has_clustering | [vbytes min ck | vbytes max ck]
 *   | be32 CRC32C */
struct sstable_meta {
    struct uuid table_id;
    struct sstable_stats st;   /* data_bytes, total_bytes and generation are not stored */
    bool has_ck;
    const uint8_t *min_ck, *max_ck; /* into the decoded bytes */
    uint32_t min_ck_len, max_ck_len;
};
void sstable_format_meta_encode(const struct sstable_meta *m, struct buf *out);
int sstable_format_meta_decode(const uint8_t *p, size_t len, const char *path,
                               struct sstable_meta *out, struct errmsg *em);

/* One Index.db entry. */
struct sstable_entry {
    struct pkey key;
    uint64_t data_off;
    uint64_t header_len;
    uint64_t rows_len;
    uint64_t ridx_len;
};
#define SSTABLE_BLOCK_SLOT_BYTES 12 /* be64 token, be32 offset */
/* Appends an entry (without its token, which goes to the trailer). */
void sstable_format_entry_encode(const struct sstable_entry *e, struct buf *out);
/* Completes the block in out (whose bytes so far are its n entries). */
void sstable_format_block_trailer(struct buf *out, const int64_t *tokens, const uint32_t *offs,
                                  uint32_t n);

/* Checks an Index.db block (CRC, entry table, ascending tokens); sets *n to its entry count. */
int sstable_format_block_check(const uint8_t *p, size_t len, const char *path, uint64_t off,
                               uint32_t *n, struct errmsg *em);
/* The token of entry i of a checked block (the binary search's first comparison). */
static inline int64_t sstable_format_block_token(const uint8_t *p, size_t len, uint32_t n,
                                                 uint32_t i)
{
    return (int64_t)be64_load(p + len - 8 - SSTABLE_BLOCK_SLOT_BYTES * (size_t)(n - i));
}
/* The key of entry i of a checked block; rest is left at the entry's remaining fields. */
int sstable_format_block_key(const uint8_t *p, size_t len, uint32_t n, uint32_t i,
                             struct pkey *out, struct rbuf *rest);
/* Decodes entry i of a checked block. */
int sstable_format_block_entry(const uint8_t *p, size_t len, uint32_t n, uint32_t i,
                               struct sstable_entry *out);

#endif

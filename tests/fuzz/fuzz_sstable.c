/*
 * fuzz_sstable: arbitrary bytes through the SSTable decoders, with the checksums recomputed by
 * the harness so the fuzzer reaches the parsing behind them (a real corrupt file stops at the
 * CRC; see tests/unit/sstable/test_sstable_corrupt.c for that side).
 *
 * The first byte picks the target: 0 CompressionInfo, 1 Summary, 2 Statistics, 3 Filter,
 * 4 an Index.db block (every entry decoded), 5+ a whole partition: the rest of the input is one
 * raw Data.db chunk holding a partition, whose index entry takes its header/rows/row-index
 * lengths from bytes 1..6; the SSTable is written to a temp directory around it, opened, and the
 * partition read forward, reversed, sliced and static-only, and scanned. Nothing may crash or
 * trip an assertion; every failure must be ERR_CORRUPT.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "node/base/assert.h"
#include "node/base/be.h"
#include "node/base/crc32c.h"
#include "node/base/log.h"
#include "node/base/mem.h"
#include "storage/bloom.h"
#include "storage/sstable.h"
#include "storage/sstable_format.h"
#include "storage/types.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DATA_MAX (64u << 10)

static uint8_t *with_crc(const uint8_t *p, size_t n, size_t *len)
{
    uint8_t *q = xmalloc(n + 4);
    memcpy(q, p, n);
    be32_store(q + n, crc32c(q, n));
    *len = n + 4;
    return q;
}

static void small_component(uint8_t which, const uint8_t *p, size_t n)
{
    size_t len;
    uint8_t *q = with_crc(p, n, &len);
    struct errmsg em;
    int rc = 0;
    if (which == 0) {
        struct sstable_chunks c;
        if ((rc = sstable_format_chunks_decode(q, len, "f", &c, &em)) == 0) free(c.off);
    } else if (which == 1) {
        struct sstable_summary s;
        rc = sstable_format_summary_decode(q, len, "f", &s, &em); /* takes q */
        q = NULL;
        if (rc == 0) sstable_format_summary_free(&s);
    } else if (which == 2) {
        struct sstable_meta m;
        rc = sstable_format_meta_decode(q, len, "f", &m, &em);
    } else if (which == 3) {
        struct bloom b;
        if ((rc = bloom_decode(q, len, "f", &b, &em)) == 0) {
            bloom_may_contain(&b, "k", 1);
            bloom_deinit(&b);
        }
    } else {
        uint32_t cnt;
        if ((rc = sstable_format_block_check(q, len, "f", 0, &cnt, &em)) == 0)
            for (uint32_t i = 0; i < cnt; i++) {
                struct sstable_entry e;
                sstable_format_block_entry(q, len, cnt, i, &e);
            }
    }
    ASSERT(rc == 0 || rc == ERR_CORRUPT);
    free(q);
}

static struct table_schema *schema(void)
{
    static struct table_schema *s;
    if (s) return s;
    struct uuid id = {{7}};
    s = table_schema_new("ks", "t", &id);
    table_schema_add_column(s, "k", COLUMN_PARTITION_KEY, 0, false, cql_type_native(CQL_BLOB),
                            NULL);
    table_schema_add_column(s, "c", COLUMN_CLUSTERING, 0, false, cql_type_native(CQL_INT), NULL);
    table_schema_add_column(s, "s", COLUMN_STATIC, -1, false, cql_type_native(CQL_BLOB), NULL);
    table_schema_add_column(s, "v", COLUMN_REGULAR, -1, false, cql_type_native(CQL_BLOB), NULL);
    ASSERT(table_schema_finish(s, NULL) == 0);
    return s;
}

static void put_file(const char *dir, enum sstable_component c, const void *p, size_t n)
{
    char path[4096];
    ASSERT(sstable_format_path(path, sizeof path, dir, 1, c, false));
    FILE *f = fopen(path, "wb");
    ASSERT(f && fwrite(p, 1, n, f) == n);
    fclose(f);
}

static void put_with_crc(const char *dir, enum sstable_component c, struct buf *b)
{
    /* The encoders append their own CRC; nothing to add. */
    put_file(dir, c, b->data, b->len);
    buf_reset(b);
}

/* Writes every component around data[0..n) (one raw chunk) with the given entry lengths. */
static void write_sstable(const char *dir, const uint8_t *data, size_t n, struct sstable_entry *e)
{
    struct buf b;
    buf_init(&b);
    size_t len;
    uint8_t *chunk = with_crc(data, n, &len);
    put_file(dir, SSTABLE_DATA, chunk, len);
    free(chunk);
    uint32_t cl = n < SSTABLE_CHUNK_MIN_BYTES ? SSTABLE_CHUNK_MIN_BYTES : (uint32_t)n;
    uint64_t off[2] = {0, len};
    struct sstable_chunks c = {false, cl, n, 1, off};
    sstable_format_chunks_encode(&c, &b);
    put_with_crc(dir, SSTABLE_COMPRESSION_INFO, &b);
    sstable_format_entry_encode(e, &b);
    uint32_t zero = 0;
    sstable_format_block_trailer(&b, &e->key.token, &zero, 1);
    uint64_t index_len = b.len;
    put_with_crc(dir, SSTABLE_INDEX, &b);
    struct sstable_summary_entry se = {e->key.token, e->key.key, e->key.len, (uint32_t)index_len, 0};
    struct sstable_summary s = {1, index_len, 1, &se, e->key, e->key, NULL};
    sstable_format_summary_encode(&s, &b);
    put_with_crc(dir, SSTABLE_SUMMARY, &b);
    struct bloom bl = {0, 0, NULL};
    bloom_encode(&bl, &b);
    put_with_crc(dir, SSTABLE_FILTER, &b);
    struct sstable_meta m = {.table_id = schema()->id};
    m.st.partitions = 1;
    m.st.uncompressed_bytes = n;
    sstable_format_meta_encode(&m, &b);
    put_with_crc(dir, SSTABLE_STATISTICS, &b);
    put_file(dir, SSTABLE_TOC, SSTABLE_TOC_TEXT, strlen(SSTABLE_TOC_TEXT));
    buf_deinit(&b);
}

static void drain(struct part_iter *it)
{
    for (int i = 0; i < 100000; i++) {
        const struct row *r;
        int rc = part_iter_next(it, &r);
        ASSERT(rc == 0 || rc == ERR_CORRUPT);
        if (rc || !r) break;
    }
    part_iter_close(it);
}

static void read_all(struct sstable *t, const struct pkey *key)
{
    static const uint8_t lo[] = {0, 4, 0, 0, 0, 5}, hi[] = {0, 4, 0, 0, 1, 0};
    struct slice sl = {{lo, 6, BOUND_INCL_START}, {hi, 6, BOUND_EXCL_END}};
    struct rows_spec specs[] = {{0, NULL, false, false}, {0, NULL, true, false},
                                {1, &sl, false, false}, {1, &sl, true, false},
                                {0, NULL, false, true}};
    for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
        struct part_iter *it = NULL;
        struct errmsg em;
        int rc = sstable_open_partition(t, key, &specs[i], &it, &em);
        ASSERT(rc == 0 || rc == ERR_CORRUPT);
        if (it) drain(it);
    }
    struct token_range all = token_range_all();
    struct range_iter *ri;
    ASSERT(sstable_scan(t, &all, &ri, NULL) == 0);
    struct pkey k;
    while (ri->ops->next(ri, &k) == 0 && k.key) {
        struct part_iter *it = NULL;
        if (ri->ops->open(ri, &specs[1], &it) == 0 && it) drain(it);
    }
    ri->ops->close(ri);
}

static char dir[64];

static void remove_dir(void)
{
    char path[4096];
    for (int c = 0; c < SSTABLE_NCOMPONENTS; c++)
        if (sstable_format_path(path, sizeof path, dir, 1, c, false)) unlink(path);
    rmdir(dir);
}

static void partition(const uint8_t *p, size_t n)
{
    if (!dir[0]) {
        /* tmpfs when there is one: every run writes seven files. */
        snprintf(dir, sizeof dir, "%s/fuzz-sstable-XXXXXX",
                 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
        ASSERT(mkdtemp(dir));
        atexit(remove_dir);
        log_set_fd(open("/dev/null", O_WRONLY | O_CLOEXEC)); /* corruption is logged */
    }
    if (n < 6) return;
    uint64_t h = be16_load(p), r = be16_load(p + 2), x = be16_load(p + 4);
    p += 6;
    n -= 6;
    if (n == 0 || n > DATA_MAX) return;
    /* The key: whatever the partition header starts with, so the key check can pass. */
    uint64_t klen = 0;
    size_t kn = varint_load(p, n, &klen);
    if (kn == 0 || klen > n - kn) klen = 0, kn = 0;
    struct sstable_entry e = {{0, p + kn, (uint32_t)klen}, 0, h % (n + 1), 0, 0};
    e.rows_len = r % (n - e.header_len + 1);
    e.ridx_len = x % (n - e.header_len - e.rows_len + 1);
    write_sstable(dir, p, n, &e);
    struct sstable *t;
    struct errmsg em;
    int rc = sstable_open(vfs_default(), dir, 1, schema(), &t, &em);
    ASSERT(rc == 0 || rc == ERR_CORRUPT);
    if (rc == 0) {
        read_all(t, &e.key);
        sstable_unref(t);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    if (data[0] < 5) small_component(data[0], data + 1, size - 1);
    else partition(data + 1, size - 1);
    return 0;
}

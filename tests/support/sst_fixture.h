/*
 * sst_fixture: helpers for the SSTable and compaction tests: a small schema
 * (k blob PRIMARY KEY, c int clustering, s blob static, v blob), model partitions built in an
 * arena, an array-backed part_iter over a model partition, temp directories, row comparison.
 */
#ifndef RINGDB_TESTS_SST_FIXTURE_H
#define RINGDB_TESTS_SST_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "node/base/arena.h"
#include "storage/iter.h"
#include "storage/schema.h"
#include "storage/sstable.h"

enum { FX_COL_S = 2, FX_COL_V = 3 };

struct fx_part {
    struct pkey key;
    struct deletion pdel;
    struct row *static_row;
    struct range_tombstone *rts;
    uint32_t nrts;
    struct row *rows;
    uint32_t nrows;
};

/* Array-backed source over a model partition (forward). Never allocates; close is a no-op. */
struct fx_src {
    struct part_iter base;
    const struct fx_part *p;
    uint32_t i;
};
void fx_src_init(struct fx_src *s, const struct fx_part *p);

struct table_schema *fx_schema(bool compression, uint32_t chunk_len);

/* The encoded clustering of int c (arena memory). */
const uint8_t *fx_ck(struct arena *a, int32_t c, uint32_t *len);
/* A row with clustering c, a row marker at ts and one cell v = value of vlen bytes. */
struct row fx_row(struct arena *a, int32_t c, int64_t ts, uint32_t vlen, uint8_t fill);
/* n partitions with keys "key-<i>", sorted by token; each with nrows rows of vlen bytes. */
struct fx_part *fx_parts(struct arena *a, uint32_t n, uint32_t nrows, uint32_t vlen,
                         int64_t ts);
/* Sorts model partitions by (token, key). */
void fx_sort(struct fx_part *p, uint32_t n);
struct pkey fx_key(struct arena *a, const char *s);

/* Writes the model partitions (sorted) as SSTable gen in dir. */
int fx_write(const char *dir, uint32_t gen, struct table_schema *s, const struct fx_part *p,
             uint32_t n, struct sstable **out, struct errmsg *em);

bool fx_row_equal(const struct table_schema *s, const struct row *a, const struct row *b);
bool fx_deletion_equal(struct deletion a, struct deletion b);
/* Reads a whole partition with spec and checks it against rows[want..] in order. Returns 0 if
   equal, ERR_* if the read failed, or 1 on a mismatch (msg filled). */
int fx_check_partition(struct sstable *t, const struct fx_part *p, const struct rows_spec *spec,
                       const struct row *const *want, uint32_t nwant, char *msg, size_t cap);

/* mkdtemp under $TMPDIR or /tmp; caller frees; fx_rmdir removes it recursively. */
char *fx_tmpdir(void);
void fx_rmdir(const char *dir);

#endif

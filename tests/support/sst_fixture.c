/* sst_fixture: see sst_fixture.h. */
#include "tests/support/sst_fixture.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "node/base/be.h"
#include "node/base/mem.h"
#include "node/base/murmur3.h"
#include "storage/row.h"
#include "storage/types.h"

static int fx_next(struct part_iter *it, const struct row **out)
{
    struct fx_src *s = (struct fx_src *)it;
    *out = s->i < s->p->nrows ? &s->p->rows[s->i++] : NULL;
    return 0;
}

static void fx_close(struct part_iter *it)
{
    (void)it;
}

static const struct part_iter_ops fx_ops = {fx_next, fx_close};

void fx_src_init(struct fx_src *s, const struct fx_part *p)
{
    s->base.ops = &fx_ops;
    s->base.partition_deletion = p->pdel;
    s->base.static_row = p->static_row;
    s->base.nrts = p->nrts;
    s->base.rts = p->rts;
    s->p = p;
    s->i = 0;
}

struct table_schema *fx_schema(bool compression, uint32_t chunk_len)
{
    struct uuid id = {{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}};
    struct table_schema *s = table_schema_new("ks", "t", &id);
    table_schema_add_column(s, "k", COLUMN_PARTITION_KEY, 0, false, cql_type_native(CQL_BLOB),
                            NULL);
    table_schema_add_column(s, "c", COLUMN_CLUSTERING, 0, false, cql_type_native(CQL_INT), NULL);
    table_schema_add_column(s, "s", COLUMN_STATIC, -1, false, cql_type_native(CQL_BLOB), NULL);
    table_schema_add_column(s, "v", COLUMN_REGULAR, -1, false, cql_type_native(CQL_BLOB), NULL);
    table_schema_finish(s, NULL);
    /* The derived option fields, set directly (the tests need not go through CQL text). */
    s->opts.compression_enabled = compression;
    s->opts.chunk_length_bytes = chunk_len;
    return s;
}

const uint8_t *fx_ck(struct arena *a, int32_t c, uint32_t *len)
{
    uint8_t *p = arena_alloc(a, 6);
    be16_store(p, 4);
    be32_store(p + 2, (uint32_t)c);
    *len = 6;
    return p;
}

struct row fx_row(struct arena *a, int32_t c, int64_t ts, uint32_t vlen, uint8_t fill)
{
    struct row r = {0};
    r.ck = fx_ck(a, c, &r.ck_len);
    r.liveness = (struct liveness){ts, 0, LDT_NONE};
    r.deletion = DELETION_LIVE;
    r.ncells = 1;
    r.cells = arena_zalloc(a, sizeof *r.cells);
    uint8_t *v = arena_alloc(a, vlen ? vlen : 1);
    memset(v, fill, vlen);
    r.cells[0] = (struct cell){.col = FX_COL_V, .ts_us = ts, .ldt_s = LDT_NONE,
                               .value_len = vlen, .value = v};
    return r;
}

struct pkey fx_key(struct arena *a, const char *s)
{
    size_t n = strlen(s);
    uint8_t *k = arena_dup(a, s, n);
    return (struct pkey){murmur3_token(k, n), k, (uint32_t)n};
}

static int cmp_parts(const void *x, const void *y)
{
    return pkey_cmp(&((const struct fx_part *)x)->key, &((const struct fx_part *)y)->key);
}

void fx_sort(struct fx_part *p, uint32_t n)
{
    qsort(p, n, sizeof *p, cmp_parts);
}

struct fx_part *fx_parts(struct arena *a, uint32_t n, uint32_t nrows, uint32_t vlen, int64_t ts)
{
    struct fx_part *p = arena_zalloc(a, (n ? n : 1) * sizeof *p);
    for (uint32_t i = 0; i < n; i++) {
        char name[32];
        snprintf(name, sizeof name, "key-%u", i);
        p[i].key = fx_key(a, name);
        p[i].pdel = DELETION_LIVE;
        p[i].nrows = nrows;
        p[i].rows = arena_zalloc(a, (nrows ? nrows : 1) * sizeof *p[i].rows);
        for (uint32_t j = 0; j < nrows; j++)
            p[i].rows[j] = fx_row(a, (int32_t)(j * 2), ts, vlen, (uint8_t)(i + j));
    }
    fx_sort(p, n);
    return p;
}

int fx_write(const char *dir, uint32_t gen, struct table_schema *s, const struct fx_part *p,
             uint32_t n, struct sstable **out, struct errmsg *em)
{
    struct sstable_write_opts o = {.commitlog_bound = 77, .expected_partitions = n};
    struct sstable_writer *w;
    int rc = sstable_writer_open(vfs_default(), dir, gen, s, &o, &w, em);
    if (rc < 0) return rc;
    for (uint32_t i = 0; i < n; i++) {
        struct fx_src src;
        fx_src_init(&src, &p[i]);
        rc = sstable_writer_add(w, &p[i].key, &src.base, em);
        if (rc < 0) {
            sstable_writer_abort(w);
            return rc;
        }
    }
    return sstable_writer_finish(w, out, em);
}

bool fx_deletion_equal(struct deletion a, struct deletion b)
{
    return a.ts_us == b.ts_us && a.ldt_s == b.ldt_s;
}

static bool bytes_equal(const uint8_t *a, uint32_t alen, const uint8_t *b, uint32_t blen)
{
    return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

static bool cell_equal(const struct cell *a, const struct cell *b)
{
    return a->col == b->col && a->flags == b->flags && a->ts_us == b->ts_us &&
           a->ttl_s == b->ttl_s && a->ldt_s == b->ldt_s &&
           bytes_equal(a->path, a->path_len, b->path, b->path_len) &&
           bytes_equal(a->value, a->value_len, b->value, b->value_len);
}

bool fx_row_equal(const struct table_schema *s, const struct row *a, const struct row *b)
{
    (void)s;
    if (!bytes_equal(a->ck, a->ck_len, b->ck, b->ck_len) || a->flags != b->flags ||
        a->liveness.ts_us != b->liveness.ts_us || a->liveness.ttl_s != b->liveness.ttl_s ||
        a->liveness.ldt_s != b->liveness.ldt_s || !fx_deletion_equal(a->deletion, b->deletion) ||
        a->ncomplex != b->ncomplex || a->ncells != b->ncells)
        return false;
    for (uint16_t i = 0; i < a->ncomplex; i++)
        if (a->complex[i].col != b->complex[i].col ||
            !fx_deletion_equal(a->complex[i].del, b->complex[i].del))
            return false;
    for (uint32_t i = 0; i < a->ncells; i++)
        if (!cell_equal(&a->cells[i], &b->cells[i])) return false;
    return true;
}

static int check_header(const struct fx_part *p, struct part_iter *it,
                        char *msg, size_t cap)
{
    if (!fx_deletion_equal(it->partition_deletion, p->pdel)) {
        snprintf(msg, cap, "partition deletion differs");
        return 1;
    }
    if ((it->static_row == NULL) != (p->static_row == NULL) ||
        (p->static_row && !fx_row_equal(NULL, it->static_row, p->static_row))) {
        snprintf(msg, cap, "static row differs");
        return 1;
    }
    return 0;
}

int fx_check_partition(struct sstable *t, const struct fx_part *p, const struct rows_spec *spec,
                       const struct row *const *want, uint32_t nwant, char *msg, size_t cap)
{
    struct part_iter *it;
    struct errmsg em;
    int rc = sstable_open_partition(t, &p->key, spec, &it, &em);
    if (rc < 0) return rc;
    if (!it) {
        snprintf(msg, cap, "partition not found");
        return 1;
    }
    rc = check_header(p, it, msg, cap);
    uint32_t got = 0;
    while (rc == 0) {
        const struct row *r;
        rc = part_iter_next(it, &r);
        if (rc < 0 || !r) break;
        if (got >= nwant || !fx_row_equal(NULL, r, want[got])) {
            snprintf(msg, cap, "row %u differs", got);
            rc = 1;
            break;
        }
        got++;
    }
    if (rc == 0 && got != nwant) {
        snprintf(msg, cap, "got %u rows, want %u", got, nwant);
        rc = 1;
    }
    part_iter_close(it);
    return rc;
}

char *fx_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/rdb-sst-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(path)) return NULL;
    return xstrdup(path);
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void fx_rmdir(const char *dir)
{
    if (dir) nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

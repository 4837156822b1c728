/* rowtest: see rowtest.h. */
#include "rowtest.h"

#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "node/base/be.h"
#include "node/base/buf.h"
#include "node/base/murmur3.h"
#include "storage/types.h"

struct table_schema *rowtest_schema(int nck, const bool *desc, struct rowtest_cols *cols)
{
    static const struct cql_type *set_sub[1];
    static struct cql_type set_int;
    set_sub[0] = cql_type_native(CQL_INT);
    set_int.id = CQL_SET;
    set_int.nsub = 1;
    set_int.sub = set_sub;
    struct uuid id;
    memset(&id, 0x11, sizeof id);
    struct table_schema *s = table_schema_new("ks", "t", &id);
    struct errmsg em;
    int rc = table_schema_add_column(s, "k", COLUMN_PARTITION_KEY, 0, false,
                                     cql_type_native(CQL_BLOB), &em);
    for (int i = 0; i < nck && rc == 0; i++) {
        char name[16];
        snprintf(name, sizeof name, "c%d", i);
        rc = table_schema_add_column(s, name, COLUMN_CLUSTERING, i, desc && desc[i],
                                     cql_type_native(CQL_INT), &em);
    }
    if (rc == 0) rc = table_schema_add_column(s, "v", COLUMN_REGULAR, -1, false,
                                              cql_type_native(CQL_INT), &em);
    if (rc == 0) rc = table_schema_add_column(s, "w", COLUMN_REGULAR, -1, false,
                                              cql_type_native(CQL_VARCHAR), &em);
    if (rc == 0) rc = table_schema_add_column(s, "tags", COLUMN_REGULAR, -1, false, &set_int, &em);
    if (rc == 0) rc = table_schema_add_column(s, "s", COLUMN_STATIC, -1, false,
                                              cql_type_native(CQL_INT), &em);
    if (rc == 0) rc = table_schema_finish(s, &em);
    if (rc != 0) return NULL;
    if (cols) {
        cols->v = table_schema_column(s, "v")->id;
        cols->w = table_schema_column(s, "w")->id;
        cols->tags = table_schema_column(s, "tags")->id;
        cols->s = table_schema_column(s, "s")->id;
    }
    return s;
}

static const uint8_t *ck_from(struct arena *a, uint32_t *len, int n, va_list ap)
{
    struct buf b;
    buf_init(&b);
    for (int i = 0; i < n; i++) {
        uint8_t v[4];
        be32_store(v, (uint32_t)va_arg(ap, int));
        clustering_append(&b, v, 4);
    }
    *len = (uint32_t)b.len;
    const uint8_t *p = b.len ? arena_dup(a, b.data, b.len) : NULL;
    buf_deinit(&b);
    return p;
}

const uint8_t *rowtest_ck(struct arena *a, uint32_t *len, int n, ...)
{
    va_list ap;
    va_start(ap, n);
    const uint8_t *p = ck_from(a, len, n, ap);
    va_end(ap);
    return p;
}

struct cbound rowtest_bound(struct arena *a, uint8_t kind, int n, ...)
{
    va_list ap;
    va_start(ap, n);
    struct cbound b = {.kind = kind};
    b.prefix = ck_from(a, &b.len, n, ap);
    va_end(ap);
    return b;
}

const uint8_t *rowtest_int(struct arena *a, int32_t v)
{
    uint8_t *p = arena_alloc(a, 4);
    be32_store(p, (uint32_t)v);
    return p;
}

int32_t rowtest_int_value(const uint8_t *p)
{
    return (int32_t)be32_load(p);
}

struct cell rowtest_cell(uint16_t col, int64_t ts, const uint8_t *v, uint32_t len)
{
    struct cell c = {.col = col, .ts_us = ts, .ldt_s = LDT_NONE, .value = v, .value_len = len};
    return c;
}

struct cell rowtest_cell_int(struct arena *a, uint16_t col, int64_t ts, int32_t v)
{
    return rowtest_cell(col, ts, rowtest_int(a, v), 4);
}

struct cell rowtest_tombstone(uint16_t col, int64_t ts, int32_t ldt)
{
    struct cell c = {.col = col, .flags = CELL_TOMBSTONE, .ts_us = ts, .ldt_s = ldt};
    return c;
}

struct cell rowtest_expiring(struct arena *a, uint16_t col, int64_t ts, int32_t v, int32_t ttl,
                             int32_t expiry)
{
    struct cell c = rowtest_cell_int(a, col, ts, v);
    c.flags = CELL_EXPIRING;
    c.ttl_s = ttl;
    c.ldt_s = expiry;
    return c;
}

struct row rowtest_row(struct arena *a, const uint8_t *ck, uint32_t ck_len, struct liveness l,
                       const struct cell *cells, uint32_t n)
{
    struct row r = {.ck = ck, .ck_len = ck_len, .liveness = l, .deletion = DELETION_LIVE};
    r.ncells = n;
    r.cells = n ? arena_dup(a, cells, n * sizeof *cells) : NULL;
    return r;
}

struct partition_update rowtest_update(struct arena *a, const struct table_schema *s,
                                       const char *key, const struct row *rows, uint32_t n)
{
    struct partition_update u = {.table_id = s->id};
    u.key_len = (uint32_t)strlen(key);
    u.key = arena_dup(a, key, u.key_len);
    u.token = murmur3_token(u.key, u.key_len);
    u.partition_deletion = DELETION_LIVE;
    u.nrows = n;
    u.rows = n ? arena_dup(a, rows, n * sizeof *rows) : NULL;
    return u;
}

char *rowtest_mkdtemp(const char *tag)
{
    const char *base = getenv("TMPDIR");
    if (!base || !*base) base = "/tmp";
    char tmpl[512];
    snprintf(tmpl, sizeof tmpl, "%s/ringdb-%s-XXXXXX", base, tag);
    char *d = mkdtemp(tmpl);
    if (!d) abort();
    return strdup(d);
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

void rowtest_rmtree(char *dir)
{
    if (!dir) return;
    nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    free(dir);
}

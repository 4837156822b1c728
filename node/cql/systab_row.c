/*
 * systab_row: see systab_row.h. Each row becomes a one-row partition update applied at once;
 * the memtable merges rows of the same partition and keeps them in clustering order, so
 * generators may emit rows in any order.
 */
#include "node/cql/systab_row.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "node/base/assert.h"
#include "node/base/be.h"
#include "node/base/mem.h"
#include "ring/partitioner.h"
#include "storage/mutation.h"
#include "storage/row.h"

#define SYSTAB_ROW_TS_US 0

void systab_rows_init(struct systab_rows *r, const struct table_schema *s, struct memtable *mem,
                      const uint8_t *only_key, uint32_t only_key_len)
{
    memset(r, 0, sizeof *r);
    r->schema = s;
    r->mem = mem;
    r->only_key = only_key;
    r->only_key_len = only_key_len;
    arena_init(&r->arena, 4096);
    buf_init(&r->key);
    buf_init(&r->ck);
}

void systab_rows_deinit(struct systab_rows *r)
{
    arena_deinit(&r->arena);
    buf_deinit(&r->key);
    buf_deinit(&r->ck);
    free(r->cells);
}

static void make_key(struct buf *out, const struct systab_val *pk, uint32_t npk)
{
    buf_reset(out);
    if (npk == 1) {
        buf_append(out, pk[0].p, pk[0].len);
        return;
    }
    const uint8_t *vals[16];
    uint32_t lens[16];
    ASSERT(npk <= 16);
    for (uint32_t i = 0; i < npk; i++) {
        vals[i] = pk[i].p;
        lens[i] = (uint32_t)pk[i].len;
    }
    partitioner_compose(out, vals, lens, npk);
}

bool systab_row_wants(struct systab_rows *r, const struct systab_val *pk, uint32_t npk)
{
    if (!r->only_key) return true;
    make_key(&r->key, pk, npk);
    return r->key.len == r->only_key_len && memcmp(r->key.data, r->only_key, r->key.len) == 0;
}

void systab_row_begin(struct systab_rows *r, const struct systab_val *pk, uint32_t npk,
                      const struct systab_val *ck, uint32_t nck)
{
    ASSERT(npk == r->schema->npk && nck == r->schema->nck);
    r->skip = !systab_row_wants(r, pk, npk);
    make_key(&r->key, pk, npk);
    buf_reset(&r->ck);
    for (uint32_t i = 0; i < nck; i++)
        clustering_append(&r->ck, ck[i].p, (uint32_t)ck[i].len);
    r->ncells = 0;
    arena_reset(&r->arena);
}

static int cmp_cell(const void *a, const void *b)
{
    return cell_cmp_position(a, b);
}

void systab_row_end(struct systab_rows *r)
{
    if (r->skip) return;
    if (r->ncells > 1) qsort(r->cells, r->ncells, sizeof *r->cells, cmp_cell);
    struct row row = {.ck = r->ck.data,
                      .ck_len = (uint32_t)r->ck.len,
                      .liveness = {SYSTAB_ROW_TS_US, 0, LDT_NONE},
                      .deletion = DELETION_LIVE,
                      .ncells = r->ncells,
                      .cells = r->cells};
    struct partition_update u = {.table_id = r->schema->id,
                                 .key = r->key.data,
                                 .key_len = (uint32_t)r->key.len,
                                 .token = partitioner_token(r->key.data, r->key.len),
                                 .partition_deletion = DELETION_LIVE,
                                 .nrows = 1,
                                 .rows = &row};
    memtable_apply(r->mem, &u);
    r->nrows++;
}

static void add_cell(struct systab_rows *r, const char *col, const void *path, size_t plen,
                     const void *v, size_t len)
{
    if (r->skip) return;
    const struct column_def *c = table_schema_column(r->schema, col);
    ASSERT(c != NULL);
    ASSERT(r->ncells < SYSTAB_ROW_CELLS_MAX);
    if (r->ncells == r->cells_cap) {
        size_t cap = r->cells_cap;
        xgrow((void **)&r->cells, &cap, r->ncells + 1, sizeof *r->cells);
        r->cells_cap = (uint32_t)cap;
    }
    r->cells[r->ncells++] = (struct cell){
        .col = c->id,
        .ts_us = SYSTAB_ROW_TS_US,
        .ldt_s = LDT_NONE,
        .path_len = (uint32_t)plen,
        .value_len = (uint32_t)len,
        .path = plen ? arena_dup(&r->arena, path, plen) : NULL,
        .value = len ? arena_dup(&r->arena, v, len) : (const uint8_t *)"",
    };
}

void systab_row_bytes(struct systab_rows *r, const char *col, const void *v, size_t len)
{
    add_cell(r, col, NULL, 0, v, len);
}

void systab_row_text(struct systab_rows *r, const char *col, const char *v)
{
    if (v) add_cell(r, col, NULL, 0, v, strlen(v));
}

void systab_row_int(struct systab_rows *r, const char *col, int32_t v)
{
    uint8_t b[4];
    be32_store(b, (uint32_t)v);
    add_cell(r, col, NULL, 0, b, 4);
}

void systab_row_bigint(struct systab_rows *r, const char *col, int64_t v)
{
    uint8_t b[8];
    be64_store(b, (uint64_t)v);
    add_cell(r, col, NULL, 0, b, 8);
}

void systab_row_bool(struct systab_rows *r, const char *col, bool v)
{
    uint8_t b = v ? 1 : 0;
    add_cell(r, col, NULL, 0, &b, 1);
}

void systab_row_double(struct systab_rows *r, const char *col, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, 8);
    systab_row_bigint(r, col, (int64_t)bits);
}

void systab_row_uuid(struct systab_rows *r, const char *col, const struct uuid *v)
{
    add_cell(r, col, NULL, 0, v->b, 16);
}

void systab_row_inet(struct systab_rows *r, const char *col, const char *addr)
{
    uint8_t b[16];
    if (!addr) return;
    if (inet_pton(AF_INET, addr, b) == 1)
        add_cell(r, col, NULL, 0, b, 4);
    else if (inet_pton(AF_INET6, addr, b) == 1)
        add_cell(r, col, NULL, 0, b, 16);
}

void systab_row_set_elem(struct systab_rows *r, const char *col, const void *e, size_t len)
{
    add_cell(r, col, e, len, NULL, 0);
}

static void put_elem(struct buf *out, const char *s, size_t n)
{
    buf_put_be32(out, (uint32_t)n);
    buf_append(out, s, n);
}

void systab_val_text_map(struct buf *out, const struct str_map *m)
{
    buf_put_be32(out, m->n);
    for (uint32_t i = 0; i < m->n; i++) {
        put_elem(out, m->keys[i], strlen(m->keys[i]));
        put_elem(out, m->values[i], strlen(m->values[i]));
    }
}

void systab_val_text_list(struct buf *out, const char *const *items, uint32_t n)
{
    buf_put_be32(out, n);
    for (uint32_t i = 0; i < n; i++)
        put_elem(out, items[i], strlen(items[i]));
}

void systab_val_text_set(struct buf *out, const char *const *items, uint32_t n)
{
    for (uint32_t i = 1; i < n; i++)
        ASSERT(strcmp(items[i - 1], items[i]) < 0);
    systab_val_text_list(out, items, n);
}

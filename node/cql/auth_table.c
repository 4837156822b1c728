/* auth_table: see auth_table.h. */
#include "node/cql/auth_table.h"

#include <stdatomic.h>
#include <string.h>

#include "node/base/assert.h"
#include "node/base/clock.h"
#include "node/base/murmur3.h"
#include "node/cql/syskeyspaces.h"

static const uint8_t bool_bytes[2] = {0, 1};
static atomic_llong last_ts_us;

int auth_table_init(struct auth_table *t, struct store *st, const char *name, struct errmsg *em)
{
    struct table_schema *s = syskeyspaces_table(AUTH_KEYSPACE, name);
    ASSERT(s != NULL);
    struct table_stats stats;
    if (store_table_stats(st, &s->id, &stats) != 0)
        return errmsg_set(em, ERR_NOT_FOUND,
                          "table %s.%s is not registered with the store (the schema must be "
                          "loaded before authentication starts)",
                          AUTH_KEYSPACE, name);
    t->st = st;
    t->schema = s;
    return 0;
}

uint16_t auth_table_col(const struct auth_table *t, const char *name)
{
    const struct column_def *c = table_schema_column(t->schema, name);
    ASSERT(c != NULL);
    return c->id;
}

int64_t auth_table_ts(void)
{
    int64_t now = clock_real_us();
    long long last = atomic_load(&last_ts_us);
    for (;;) {
        int64_t ts = now > last ? now : last + 1;
        if (atomic_compare_exchange_weak(&last_ts_us, &last, ts)) return ts;
    }
}

void auth_write_init(struct auth_write *w, const struct auth_table *t, const char *key,
                     const char *ck, int64_t ts_us)
{
    memset(w, 0, sizeof *w);
    size_t klen = strlen(key);
    ASSERT(klen <= AUTH_KEY_MAX);
    w->ts_us = ts_us;
    w->row = (struct row){.liveness = LIVENESS_EMPTY, .deletion = DELETION_LIVE, .cells = w->cells};
    if (ck) {
        size_t n = strlen(ck);
        ASSERT(n <= AUTH_KEY_MAX);
        w->ck[0] = (uint8_t)(n >> 8);
        w->ck[1] = (uint8_t)n;
        memcpy(w->ck + 2, ck, n);
        w->row.ck = w->ck;
        w->row.ck_len = (uint32_t)(n + 2);
    }
    w->u = (struct partition_update){.table_id = t->schema->id,
                                     .key = (const uint8_t *)key,
                                     .key_len = (uint32_t)klen,
                                     .token = murmur3_token(key, klen),
                                     .partition_deletion = DELETION_LIVE,
                                     .nrows = 1,
                                     .rows = &w->row};
}

void auth_write_marker(struct auth_write *w)
{
    w->row.liveness = (struct liveness){w->ts_us, 0, LDT_NONE};
}

static struct cell *add_cell(struct auth_write *w, uint16_t col)
{
    ASSERT(w->row.ncells < sizeof w->cells / sizeof w->cells[0]);
    struct cell *c = &w->cells[w->row.ncells++];
    *c = (struct cell){.col = col, .ts_us = w->ts_us, .ldt_s = LDT_NONE};
    return c;
}

void auth_write_bool(struct auth_write *w, uint16_t col, bool v)
{
    struct cell *c = add_cell(w, col);
    c->value = &bool_bytes[v ? 1 : 0];
    c->value_len = 1;
}

void auth_write_text(struct auth_write *w, uint16_t col, const char *value)
{
    struct cell *c = add_cell(w, col);
    if (!value) {
        c->flags = CELL_TOMBSTONE;
        c->ldt_s = clock_real_s();
        return;
    }
    c->value = (const uint8_t *)value;
    c->value_len = (uint32_t)strlen(value);
}

void auth_write_set_elem(struct auth_write *w, uint16_t col, const char *elem, bool is_add)
{
    struct cell *c = add_cell(w, col);
    c->path = (const uint8_t *)elem;
    c->path_len = (uint32_t)strlen(elem);
    if (!is_add) {
        c->flags = CELL_TOMBSTONE;
        c->ldt_s = clock_real_s();
    }
}

void auth_write_delete(struct auth_write *w)
{
    struct deletion d = {w->ts_us, clock_real_s()};
    if (w->row.ck_len == 0) {
        w->u.partition_deletion = d;
        w->u.nrows = 0;
        w->u.rows = NULL;
    } else {
        w->row.deletion = d;
    }
}

/* Cells in (column, path) order, as a row requires. */
static void sort_cells(struct row *r)
{
    for (uint32_t i = 1; i < r->ncells; i++)
        for (uint32_t j = i; j > 0 && cell_cmp_position(&r->cells[j], &r->cells[j - 1]) < 0; j--) {
            struct cell tmp = r->cells[j];
            r->cells[j] = r->cells[j - 1];
            r->cells[j - 1] = tmp;
        }
}

int auth_write_apply(const struct auth_table *t, struct auth_write *w, store_pos *pos,
                     struct errmsg *em)
{
    sort_cells(&w->row);
    store_pos p;
    int rc = store_apply(t->st, &w->u, &p, em);
    if (rc == 0 && p > *pos) *pos = p;
    return rc;
}

int auth_table_mark(const struct auth_table *t, const char *key, const char *ck, bool is_present,
                    store_pos *pos, struct errmsg *em)
{
    ASSERT(is_present ? ck != NULL : true);
    struct auth_write w;
    auth_write_init(&w, t, key, ck, auth_table_ts());
    if (is_present)
        auth_write_marker(&w);
    else
        auth_write_delete(&w);
    return auth_write_apply(t, &w, pos, em);
}

int auth_table_wait(const struct auth_table *t, store_pos pos, struct errmsg *em)
{
    if (pos == 0) return 0;
    int rc = store_wait_durable(t->st, pos);
    if (rc != 0) return errmsg_set(em, rc, "the commit log could not be synced: %s", err_name(rc));
    return 0;
}

struct read_ctx {
    auth_row_cb cb;
    void *arg;
    const uint8_t *key;
    size_t key_len;
    int rc;
    struct errmsg *em;
};

static int on_partition(void *arg, const struct pkey *key, const struct row *static_row)
{
    (void)static_row;
    struct read_ctx *c = arg;
    c->key = key->key;
    c->key_len = key->len;
    return READ_CONTINUE;
}

static int on_row(void *arg, const struct row *row)
{
    struct read_ctx *c = arg;
    int rc = c->cb(c->arg, (const char *)c->key, c->key_len, row, c->em);
    if (rc == 0) return READ_CONTINUE;
    c->rc = rc < 0 ? rc : 0;
    return READ_STOP;
}

static int on_partition_end(void *arg)
{
    (void)arg;
    return READ_CONTINUE;
}

int auth_table_read(const struct auth_table *t, const char *key, auth_row_cb row_cb, void *arg,
                    struct errmsg *em)
{
    struct read_cmd cmd = {.table_id = t->schema->id, .now_s = clock_real_s()};
    if (key) {
        size_t n = strlen(key);
        cmd.single = true;
        cmd.key = (struct pkey){murmur3_token(key, n), (const uint8_t *)key, (uint32_t)n};
    } else {
        cmd.range = token_range_all();
    }
    struct read_ctx c = {.cb = row_cb, .arg = arg, .em = em};
    struct read_visitor v = {on_partition, on_row, on_partition_end, &c};
    int rc = store_read(t->st, &cmd, &v, em);
    if (rc != 0) return rc;
    return c.rc;
}

void *auth_grow(struct arena *a, void *arr, uint32_t n, uint32_t *cap, size_t elem_size)
{
    if (n < *cap) return arr;
    uint32_t ncap = *cap ? *cap * 2 : 8;
    void *grown = arena_alloc(a, (size_t)ncap * elem_size);
    if (n) memcpy(grown, arr, (size_t)n * elem_size);
    *cap = ncap;
    return grown;
}

const char *auth_row_ck(const struct row *row, struct arena *a)
{
    uint32_t pos = 0;
    const uint8_t *v;
    uint32_t vlen;
    if (clustering_next(row->ck, row->ck_len, &pos, &v, &vlen) != 1) return NULL;
    return arena_strndup(a, (const char *)v, vlen);
}

/* kv_table: see kv_table.h. */
#include "tests/support/kv_table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/base/clock.h"
#include "node/base/murmur3.h"

struct table_schema *kv_table_schema(const char *ks, const char *name, const struct uuid *id)
{
    struct table_schema *s = table_schema_new(ks, name, id);
    struct errmsg em = {0};
    if (table_schema_add_column(s, "k", COLUMN_PARTITION_KEY, 0, false, cql_type_native(CQL_BLOB),
                                &em) ||
        table_schema_add_column(s, "v", COLUMN_REGULAR, -1, false, cql_type_native(CQL_BLOB),
                                &em) ||
        table_schema_finish(s, &em)) {
        fprintf(stderr, "kv_table: schema: %s\n", em.text);
        abort();
    }
    return s;
}

void kv_table_update_init(struct kv_table_update *k, const struct table_schema *s,
                          const uint8_t *key, uint32_t key_len, const uint8_t *value,
                          uint32_t value_len, int64_t ts_us)
{
    memset(k, 0, sizeof *k);
    k->cell = (struct cell){.col = table_schema_column(s, "v")->id,
                            .ts_us = ts_us,
                            .ldt_s = LDT_NONE,
                            .value = value,
                            .value_len = value_len};
    k->row = (struct row){.liveness = {ts_us, 0, LDT_NONE},
                          .deletion = DELETION_LIVE,
                          .ncells = 1,
                          .cells = &k->cell};
    k->u = (struct partition_update){.table_id = s->id,
                                     .key = key,
                                     .key_len = key_len,
                                     .token = murmur3_token(key, key_len),
                                     .partition_deletion = DELETION_LIVE,
                                     .nrows = 1,
                                     .rows = &k->row};
}

int kv_table_put(struct store *st, const struct kv_table_update *k, bool is_waited,
                 struct errmsg *em)
{
    store_pos pos;
    int rc;
    while ((rc = store_apply(st, &k->u, &pos, em)) == ERR_OVERLOADED)
        store_wait_idle(st);
    if (rc == 0 && is_waited) rc = store_wait_durable(st, pos);
    return rc;
}

struct get_ctx {
    uint8_t *value;
    uint32_t cap;
    uint32_t len;
    bool found;
};

static int get_start(void *arg, const struct pkey *k, const struct row *st)
{
    (void)arg, (void)k, (void)st;
    return READ_CONTINUE;
}

static int get_row(void *arg, const struct row *r)
{
    struct get_ctx *g = arg;
    if (r->ncells < 1) return READ_CONTINUE;
    g->found = true;
    g->len = r->cells[0].value_len;
    memcpy(g->value, r->cells[0].value, g->len < g->cap ? g->len : g->cap);
    return READ_STOP;
}

static int get_end(void *arg)
{
    (void)arg;
    return READ_CONTINUE;
}

int kv_table_get(struct store *st, const struct uuid *table_id, const uint8_t *key,
                 uint32_t key_len, uint8_t *value, uint32_t cap, uint32_t *value_len, bool *found,
                 struct errmsg *em)
{
    struct read_cmd cmd = {.table_id = *table_id, .now_s = clock_real_s(), .single = true};
    cmd.key = (struct pkey){murmur3_token(key, key_len), key, key_len};
    struct get_ctx g = {value, cap, 0, false};
    struct read_visitor v = {get_start, get_row, get_end, &g};
    int rc = store_read(st, &cmd, &v, em);
    if (rc < 0) return rc;
    *found = g.found;
    *value_len = g.len;
    return 0;
}

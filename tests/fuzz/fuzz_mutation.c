/*
 * fuzz_mutation: arbitrary bytes through the mutation decoder (storage/mutation.c, row_codec.c)
 * and, for what decodes, through everything downstream that replay would reach: re-encoding
 * must reproduce the same bytes, validation must not crash, and an update whose clusterings
 * fit the schema (mutation_validate_clustering, as replay checks) is applied to a memtable —
 * twice, so the second merges into the first — and read back through the live and raw merges,
 * forward and reversed, whose rows must come in strictly increasing (or decreasing) order.
 *
 * Schema: k blob | c0 int ASC, c1 text DESC | v int, w text, tags set<int> | s int static.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "node/base/arena.h"
#include "node/base/assert.h"
#include "node/base/buf.h"
#include "node/base/log.h"
#include "storage/memtable.h"
#include "storage/merge.h"
#include "storage/mutation.h"
#include "storage/schema.h"
#include "storage/types.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct table_schema *schema(void)
{
    static struct table_schema *s;
    if (s) return s;
    log_set_level(LOG_ERROR);
    static const struct cql_type *sub[1];
    static struct cql_type set_int = {.id = CQL_SET, .nsub = 1, .sub = sub};
    sub[0] = cql_type_native(CQL_INT);
    struct uuid id;
    memset(&id, 0x11, sizeof id);
    struct errmsg em;
    s = table_schema_new("ks", "t", &id);
    ASSERT(table_schema_add_column(s, "k", COLUMN_PARTITION_KEY, 0, false,
                                   cql_type_native(CQL_BLOB), &em) == 0);
    ASSERT(table_schema_add_column(s, "c0", COLUMN_CLUSTERING, 0, false,
                                   cql_type_native(CQL_INT), &em) == 0);
    ASSERT(table_schema_add_column(s, "c1", COLUMN_CLUSTERING, 1, true,
                                   cql_type_native(CQL_VARCHAR), &em) == 0);
    ASSERT(table_schema_add_column(s, "v", COLUMN_REGULAR, -1, false, cql_type_native(CQL_INT),
                                   &em) == 0);
    ASSERT(table_schema_add_column(s, "w", COLUMN_REGULAR, -1, false,
                                   cql_type_native(CQL_VARCHAR), &em) == 0);
    ASSERT(table_schema_add_column(s, "tags", COLUMN_REGULAR, -1, false, &set_int, &em) == 0);
    ASSERT(table_schema_add_column(s, "s", COLUMN_STATIC, -1, false, cql_type_native(CQL_INT),
                                   &em) == 0);
    ASSERT(table_schema_finish(s, &em) == 0);
    return s;
}

static void read_back(struct memtable *m, const struct partition_update *u, enum merge_mode mode,
                      bool reversed)
{
    const struct table_schema *s = schema();
    struct pkey key = {.token = u->token, .key = u->key, .len = u->key_len};
    struct rows_spec spec = {.reversed = reversed};
    struct part_iter *src;
    ASSERT(memtable_open_partition(m, &key, &spec, &src) == 0 && src);
    struct merge_opts o = {.schema = s, .mode = mode, .now_s = 1000, .reversed = reversed};
    struct part_iter *it;
    ASSERT(merge_open(&o, &src, 1, &it) == 0);
    const struct row *r;
    struct buf prev;
    buf_init(&prev);
    bool have_prev = false;
    while (part_iter_next(it, &r) == 0 && r) {
        if (have_prev) {
            int c = clustering_cmp(s, prev.data, (uint32_t)prev.len, r->ck, r->ck_len);
            ASSERT(reversed ? c > 0 : c < 0);
        }
        for (uint32_t i = 1; i < r->ncells; i++)
            ASSERT(cell_cmp_position(&r->cells[i - 1], &r->cells[i]) < 0);
        buf_reset(&prev);
        buf_append(&prev, r->ck, r->ck_len);
        have_prev = true;
    }
    buf_deinit(&prev);
    part_iter_close(it);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct table_schema *s = schema();
    struct arena a;
    arena_init(&a, 0);
    struct partition_update u;
    struct errmsg em;
    if (mutation_decode(data, size, &a, &u, &em) != 0) {
        ASSERT(em.code == ERR_CORRUPT);
        arena_deinit(&a);
        return 0;
    }
    struct buf b1, b2;
    buf_init(&b1);
    buf_init(&b2);
    mutation_encode(&u, &b1);
    struct partition_update u2;
    ASSERT(mutation_decode(b1.data, b1.len, &a, &u2, &em) == 0);
    mutation_encode(&u2, &b2);
    ASSERT(b1.len == b2.len && memcmp(b1.data, b2.data, b1.len) == 0);
    (void)mutation_validate(&u, s, &em);
    (void)mutation_data_size(&u);
    if (mutation_validate_clustering(&u, s, &em) == 0) {
        struct memtable *m = memtable_create(s);
        memtable_apply(m, &u);
        memtable_apply(m, &u2);
        read_back(m, &u, MERGE_LIVE, false);
        read_back(m, &u, MERGE_LIVE, true);
        read_back(m, &u, MERGE_RAW, false);
        memtable_unref(m);
    }
    buf_deinit(&b1);
    buf_deinit(&b2);
    arena_deinit(&a);
    return 0;
}

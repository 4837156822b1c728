/* sstable_writer_stats: see sstable_writer_stats.h. */
#include "storage/sstable_writer_stats.h"

#include <stdint.h>
#include <string.h>

#include "storage/row.h"

void sstable_writer_stats_init(struct sstable_writer_stats *s, const struct table_schema *schema)
{
    memset(s, 0, sizeof *s);
    s->schema = schema;
    s->meta.table_id = schema->id;
    s->meta.st.min_ts_us = INT64_MAX;
    s->meta.st.max_ts_us = INT64_MIN;
    s->meta.st.min_ldt_s = INT32_MAX;
    s->meta.st.max_ldt_s = INT32_MIN;
    buf_init(&s->min_ck);
    buf_init(&s->max_ck);
}

void sstable_writer_stats_deinit(struct sstable_writer_stats *s)
{
    buf_deinit(&s->min_ck);
    buf_deinit(&s->max_ck);
}

static void ts(struct sstable_writer_stats *s, int64_t t)
{
    if (t == TS_NONE) return;
    if (t < s->meta.st.min_ts_us) s->meta.st.min_ts_us = t;
    if (t > s->meta.st.max_ts_us) s->meta.st.max_ts_us = t;
}

static void ldt(struct sstable_writer_stats *s, int32_t l)
{
    if (l < s->meta.st.min_ldt_s) s->meta.st.min_ldt_s = l;
    if (l > s->meta.st.max_ldt_s) s->meta.st.max_ldt_s = l;
}

static void deletion(struct sstable_writer_stats *s, struct deletion d)
{
    if (deletion_is_live(d)) return;
    ts(s, d.ts_us);
    ldt(s, d.ldt_s);
    s->meta.st.tombstones++;
}

static void row_content(struct sstable_writer_stats *s, const struct row *r)
{
    if (!liveness_is_empty(r->liveness)) {
        ts(s, r->liveness.ts_us);
        if (r->liveness.ttl_s > 0) ldt(s, r->liveness.ldt_s);
    }
    deletion(s, r->deletion);
    for (uint16_t i = 0; i < r->ncomplex; i++) deletion(s, r->complex[i].del);
    for (uint32_t i = 0; i < r->ncells; i++) {
        const struct cell *c = &r->cells[i];
        ts(s, c->ts_us);
        if (c->flags & CELL_TOMBSTONE) {
            ldt(s, c->ldt_s);
            s->meta.st.tombstones++;
        } else if (c->flags & CELL_EXPIRING) {
            ldt(s, c->ldt_s);
        }
    }
    s->meta.st.cells += r->ncells;
}

void sstable_writer_stats_header(struct sstable_writer_stats *s, const struct part_iter *src)
{
    deletion(s, src->partition_deletion);
    for (uint32_t i = 0; i < src->nrts; i++) deletion(s, src->rts[i].del);
    if (src->static_row) row_content(s, src->static_row);
}

void sstable_writer_stats_row(struct sstable_writer_stats *s, const struct row *r)
{
    row_content(s, r);
    s->meta.st.rows++;
}

void sstable_writer_stats_clusterings(struct sstable_writer_stats *s, const uint8_t *first,
                                      uint32_t first_len, const uint8_t *last, uint32_t last_len)
{
    if (!s->meta.has_ck || clustering_cmp(s->schema, first, first_len, s->min_ck.data,
                                          (uint32_t)s->min_ck.len) < 0) {
        buf_reset(&s->min_ck);
        buf_append(&s->min_ck, first, first_len);
    }
    if (!s->meta.has_ck || clustering_cmp(s->schema, last, last_len, s->max_ck.data,
                                          (uint32_t)s->max_ck.len) > 0) {
        buf_reset(&s->max_ck);
        buf_append(&s->max_ck, last, last_len);
    }
    s->meta.has_ck = true;
}

void sstable_writer_stats_finish(struct sstable_writer_stats *s)
{
    if (s->meta.st.max_ldt_s == INT32_MIN) s->meta.st.min_ldt_s = s->meta.st.max_ldt_s = LDT_NONE;
    s->meta.min_ck = s->min_ck.data;
    s->meta.min_ck_len = (uint32_t)s->min_ck.len;
    s->meta.max_ck = s->max_ck.data;
    s->meta.max_ck_len = (uint32_t)s->max_ck.len;
}

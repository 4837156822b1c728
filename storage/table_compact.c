/* table_compact: see table_compact.h. */
#include "storage/table_compact.h"

#include <stdlib.h>

#include "node/base/clock.h"
#include "node/base/log.h"
#include "node/base/mem.h"
#include "storage/compaction.h"
#include "storage/compaction_task.h"

/* Indices of the size-tiered choice among free[0..n), written into out (compacting them in
   place); returns how many. */
static size_t pick_stcs(const struct table_view *v, struct sstable **free_ones, size_t n)
{
    struct stcs_options o = stcs_options_from_schema(v->schema);
    if (n < o.min_threshold) return 0;
    struct stcs_candidate *cand = xcalloc(n, sizeof *cand);
    size_t *idx = xcalloc(o.max_threshold ? o.max_threshold : 1, sizeof *idx);
    for (size_t i = 0; i < n; i++) cand[i].size_bytes = sstable_get_stats(free_ones[i])->data_bytes;
    size_t k = compaction_stcs_select(&o, cand, n, idx);
    struct sstable **chosen = xcalloc(k ? k : 1, sizeof *chosen);
    for (size_t i = 0; i < k; i++) chosen[i] = free_ones[idx[i]];
    for (size_t i = 0; i < k; i++) free_ones[i] = chosen[i];
    free(chosen);
    free(idx);
    free(cand);
    return k;
}

bool table_compact_pick(struct table *t, bool major, struct table_compaction *c, bool *busy)
{
    struct sstable **free_ones;
    size_t n;
    struct table_view *v = table_claim(t, major, &free_ones, &n);
    *busy = major && n == 0 && v->nsst > 0;
    size_t k = major ? n : pick_stcs(v, free_ones, n);
    if (k == 0 || !table_claim_set(t, free_ones, k, true)) {
        free(free_ones);
        table_view_unref(v);
        return false;
    }
    c->view = v;
    c->inputs = free_ones;
    c->ninputs = k;
    return true;
}

static bool is_input(const struct table_compaction *c, const struct sstable *s)
{
    for (size_t i = 0; i < c->ninputs; i++)
        if (c->inputs[i] == s) return true;
    return false;
}

int table_compact_run(struct table *t, struct table_compaction *c,
                      struct compaction_throttle *throttle, const atomic_bool *stop,
                      struct errmsg *em)
{
    const struct table_view *v = c->view;
    struct sstable **others = xcalloc(v->nsst ? v->nsst : 1, sizeof *others);
    size_t nothers = 0;
    for (uint32_t i = 0; i < v->nsst; i++)
        if (!is_input(c, v->ssts[i])) others[nothers++] = v->ssts[i];
    struct compaction_job job = {
        .vfs = table_vfs(t),
        .table_dir = table_dir(t),
        .schema = v->schema,
        .col_valid = v->col_valid,
        .col_valid_n = v->col_valid_n,
        .inputs = c->inputs,
        .ninputs = c->ninputs,
        .others = others,
        .nothers = nothers,
        .mems = v->mems,
        .nmems = v->nmem,
        .generation = table_next_generation(t),
        .now_s = clock_real_s(),
        .throttle = throttle,
        .stop = stop,
    };
    struct compaction_result res;
    int rc = compaction_task_run(&job, &res, em);
    if (rc == 0) {
        size_t nout = res.out ? 1 : 0;
        if (table_replace_sstables(t, c->inputs, c->ninputs, &res.out, nout) < 0) {
            if (res.out) sstable_mark_obsolete(res.out); /* the table was truncated */
        } else {
            table_note_compaction(t, res.bytes_read, res.bytes_written);
            log_info("storage", "compacted dir=%s inputs=%zu partitions=%llu->%llu bytes=%llu->%llu",
                     table_dir(t), c->ninputs, (unsigned long long)res.partitions_in,
                     (unsigned long long)res.partitions_out, (unsigned long long)res.bytes_read,
                     (unsigned long long)res.bytes_written);
        }
        sstable_unref(res.out);
    }
    free(others);
    table_claim_set(t, c->inputs, c->ninputs, false);
    free(c->inputs);
    table_view_unref(c->view);
    c->inputs = NULL;
    c->view = NULL;
    return rc;
}

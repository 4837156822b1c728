/*
 * compaction_task: see compaction_task.h. Shape: a merge_range over a full-ring scan of every
 * input, one MERGE_RAW merge per partition, each written to one sstable_writer. A partition that
 * merges to nothing (no deletion, static row, range tombstone or row) is not written; if no
 * partition survives, no SSTable is produced.
 */
#include "storage/compaction_task.h"

#include <stdlib.h>
#include <string.h>

#include "node/base/clock.h"
#include "node/base/log.h"
#include "node/base/mem.h"
#include "storage/merge.h"
#include "storage/sstable_writer.h"

/* Per-partition state of the purge oracle. */
struct purge_ctx {
    const struct compaction_job *j;
    const struct pkey *key;
    int64_t gc_before_s;
    bool computed;
    int64_t max_purgeable_us;
    uint64_t *checks;
};

static bool memtable_holds(struct memtable *m, const struct pkey *key)
{
    struct rows_spec header_only = {0, NULL, false, true};
    struct part_iter *it = NULL;
    if (memtable_open_partition(m, key, &header_only, &it) < 0) return true; /* be safe */
    bool found = it != NULL;
    part_iter_close(it);
    return found;
}

/* The smallest timestamp any source outside the compaction may hold for key. */
static int64_t max_purgeable(const struct compaction_job *j, const struct pkey *key)
{
    int64_t min = INT64_MAX;
    for (size_t i = 0; i < j->nothers; i++) {
        const struct sstable_stats *st = sstable_get_stats(j->others[i]);
        if (st->min_ts_us >= min || st->partitions == 0 || key->token < st->first_token ||
            key->token > st->last_token)
            continue;
        if (sstable_may_contain(j->others[i], key)) min = st->min_ts_us;
    }
    for (size_t i = 0; i < j->nmems; i++) {
        int64_t m = memtable_min_ts(j->mems[i]);
        if (m < min && memtable_holds(j->mems[i], key)) min = m;
    }
    return min;
}

static bool purge_cb(void *arg, int64_t ts_us, int32_t ldt_s)
{
    struct purge_ctx *c = arg;
    if ((int64_t)ldt_s >= c->gc_before_s) return false;
    if (!c->computed) {
        c->max_purgeable_us = max_purgeable(c->j, c->key);
        c->computed = true;
        (*c->checks)++;
    }
    return ts_us < c->max_purgeable_us;
}

/* Hands the writer a partition whose first row was already read (to detect empty ones). */
struct peeked {
    struct part_iter base;
    struct part_iter *inner;
    const struct row *first;
    bool first_done;
};

static int peeked_next(struct part_iter *it, const struct row **out)
{
    struct peeked *p = (struct peeked *)it;
    if (!p->first_done) {
        p->first_done = true;
        *out = p->first;
        return 0;
    }
    return part_iter_next(p->inner, out);
}

static void peeked_close(struct part_iter *it)
{
    (void)it;
}

static const struct part_iter_ops peeked_ops = {peeked_next, peeked_close};

/* Writes one merged partition unless it is empty. */
static int write_partition(struct sstable_writer *w, const struct pkey *key,
                           struct part_iter *merged, bool *written, struct errmsg *em)
{
    const struct row *first;
    int rc = part_iter_next(merged, &first);
    if (rc < 0) return errmsg_set(em, rc, "compaction: reading a partition failed");
    *written = first || merged->static_row || merged->nrts ||
               !deletion_is_live(merged->partition_deletion);
    if (!*written) return 0;
    struct peeked p = {.base = *merged, .inner = merged, .first = first};
    p.base.ops = &peeked_ops;
    return sstable_writer_add(w, key, &p.base, em);
}

static int open_inputs(const struct compaction_job *j, struct merge_range **out,
                       struct compaction_result *res, struct errmsg *em)
{
    struct range_iter **srcs = xcalloc(j->ninputs ? j->ninputs : 1, sizeof *srcs);
    struct token_range all = token_range_all();
    int rc = 0;
    size_t k = 0;
    for (; k < j->ninputs && rc == 0; k++) {
        const struct sstable_stats *st = sstable_get_stats(j->inputs[k]);
        res->partitions_in += st->partitions;
        res->bytes_read += st->data_bytes;
        rc = sstable_scan_uncached(j->inputs[k], &all, &srcs[k], em);
    }
    if (rc < 0) {
        for (size_t i = 0; i + 1 < k; i++) srcs[i]->ops->close(srcs[i]);
        free(srcs);
        return rc;
    }
    rc = merge_range_open(srcs, j->ninputs, out);
    free(srcs);
    return rc;
}

static int64_t gc_before(const struct compaction_job *j)
{
    return (int64_t)j->now_s - (int64_t)j->schema->opts.gc_grace_seconds;
}

static int merge_all(const struct compaction_job *j, struct merge_range *m,
                     struct sstable_writer *w, struct compaction_result *res, struct errmsg *em)
{
    struct purge_ctx pc = {.j = j, .gc_before_s = gc_before(j), .checks = &res->purge_checks};
    struct merge_opts mo = {.schema = j->schema, .mode = MERGE_RAW, .now_s = j->now_s,
                            .purge = purge_cb, .purge_arg = &pc, .col_valid = j->col_valid,
                            .col_valid_n = j->col_valid_n};
    struct rows_spec all = {0};
    uint64_t written_before = 0;
    for (;;) {
        if (j->stop && atomic_load(j->stop)) return errmsg_set(em, ERR_CLOSED, "compaction stopped");
        struct pkey key;
        int rc = merge_range_next(m, &key);
        if (rc < 0) return errmsg_set(em, rc, "compaction: reading the inputs failed");
        if (!key.key) return 0;
        pc.key = &key;
        pc.computed = false;
        struct part_iter *merged;
        rc = merge_range_open_partition(m, &mo, &all, &merged);
        if (rc < 0) return errmsg_set(em, rc, "compaction: opening a partition failed");
        bool written = false;
        rc = write_partition(w, &key, merged, &written, em);
        part_iter_close(merged);
        if (rc < 0) return rc;
        res->partitions_out += written;
        uint64_t now_written = sstable_writer_bytes(w);
        if (j->throttle && now_written > written_before)
            compaction_throttle_acquire(j->throttle, now_written - written_before);
        written_before = now_written;
    }
}

static store_pos max_bound(const struct compaction_job *j)
{
    store_pos b = 0;
    for (size_t i = 0; i < j->ninputs; i++) {
        store_pos x = sstable_get_stats(j->inputs[i])->commitlog_bound;
        if (x > b) b = x;
    }
    return b;
}

int compaction_task_run(const struct compaction_job *j, struct compaction_result *res,
                        struct errmsg *em)
{
    memset(res, 0, sizeof *res);
    int64_t start_ms = clock_mono_ms();
    struct merge_range *m = NULL;
    int rc = open_inputs(j, &m, res, em);
    if (rc < 0) return rc;
    struct sstable_write_opts wo = {.commitlog_bound = max_bound(j),
                                    .expected_partitions = res->partitions_in ? res->partitions_in : 1};
    struct sstable_writer *w = NULL;
    rc = sstable_writer_open(j->vfs, j->table_dir, j->generation, j->schema, &wo, &w, em);
    if (rc == 0) rc = merge_all(j, m, w, res, em);
    merge_range_close(m);
    if (rc == 0 && res->partitions_out == 0) {
        sstable_writer_abort(w);
    } else if (rc == 0) {
        rc = sstable_writer_finish(w, &res->out, em);
        if (rc == 0) res->bytes_written = sstable_get_stats(res->out)->data_bytes;
    } else {
        sstable_writer_abort(w);
    }
    if (rc < 0) return rc;
    log_info("compaction", "compacted dir=%s inputs=%zu gen=%u partitions_in=%llu "
             "partitions_out=%llu bytes_read=%llu bytes_written=%llu ms=%lld",
             j->table_dir, j->ninputs, j->generation, (unsigned long long)res->partitions_in,
             (unsigned long long)res->partitions_out, (unsigned long long)res->bytes_read,
             (unsigned long long)res->bytes_written, (long long)(clock_mono_ms() - start_ms));
    return 0;
}

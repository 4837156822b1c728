/*
 * compaction_task: one compaction (Cassandra's CompactionTask + CompactionController): merges
 * the chosen SSTables partition by partition (merge.h, MERGE_RAW) into one new SSTable,
 * reconciling versions and dropping what is shadowed, turning expired cells into tombstones,
 * and purging tombstones only when it is safe:
 *
 *   a tombstone (or expired cell) deleted at ldt and written at ts is dropped iff
 *   ldt < now - gc_grace_seconds  and  ts < max_purgeable(key),
 *
 * where max_purgeable(key) is the smallest timestamp of any source outside this compaction
 * that may hold the key: SSTables not being compacted whose token span covers the key and
 * whose bloom filter may contain it (their min_ts), and memtables holding the partition (their
 * min_ts). Dropping a tombstone while an older version of its data survives elsewhere would
 * resurrect that data (CompactionController.getPurgeEvaluator). max_purgeable is computed
 * lazily, only for partitions that have something old enough to purge.
 *
 * The task runs on the calling thread (the compaction manager's background threads call it);
 * it is throttled by a shared byte-rate limiter on bytes written and stops between partitions
 * when asked. It does not touch the table's view: the caller swaps inputs for the output.
 */
#ifndef RINGDB_STORAGE_COMPACTION_TASK_H
#define RINGDB_STORAGE_COMPACTION_TASK_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "node/base/err.h"
#include "storage/compaction_throttle.h"
#include "storage/memtable.h"
#include "storage/schema.h"
#include "storage/sstable.h"
#include "storage/vfs.h"

struct compaction_job {
    struct vfs *vfs;
    const char *table_dir;
    struct table_schema *schema;
    const uint8_t *col_valid; /* merge_opts.col_valid: columns whose cells are kept (NULL: all) */
    uint32_t col_valid_n;
    struct sstable *const *inputs; /* to merge (borrowed; the caller holds references) */
    size_t ninputs;
    struct sstable *const *others; /* live SSTables not in this compaction */
    size_t nothers;
    struct memtable *const *mems;  /* unflushed memtables */
    size_t nmems;
    uint32_t generation;           /* of the output */
    int32_t now_s;
    struct compaction_throttle *throttle; /* NULL: unthrottled */
    const atomic_bool *stop;              /* NULL: never stopped */
};

struct compaction_result {
    struct sstable *out; /* refs = 1; NULL when nothing survived */
    uint64_t partitions_in;  /* sum over the inputs */
    uint64_t partitions_out;
    uint64_t bytes_read;     /* inputs' Data.db bytes */
    uint64_t bytes_written;  /* output's Data.db bytes */
    uint64_t purge_checks;   /* partitions for which max_purgeable was computed */
};

/* Runs the compaction. ERR_CLOSED when stopped (nothing written). Inputs are left untouched. */
int compaction_task_run(const struct compaction_job *j, struct compaction_result *res,
                        struct errmsg *em);

#endif

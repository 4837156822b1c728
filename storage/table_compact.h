/*
 * table_compact: choosing and running one compaction of a table (the scheduling half of
 * Cassandra's CompactionManager + SizeTieredCompactionStrategy.getNextBackgroundTask; the
 * merging itself is compaction_task.h).
 *
 * Pick takes a view and claims the chosen SSTables (so concurrent compactions of the table
 * never share an input); run merges them with compaction_task_run, swaps the output in for the
 * inputs in the table's view (inputs become obsolete and their files go with their last
 * reader), and releases the claim. If the table was truncated meanwhile the output is
 * discarded.
 * Thread rule: pick and run may be called from any thread; run blocks (disk I/O, throttle).
 */
#ifndef RINGDB_STORAGE_TABLE_COMPACT_H
#define RINGDB_STORAGE_TABLE_COMPACT_H

#include <stdatomic.h>
#include <stdbool.h>

#include "storage/compaction_throttle.h"
#include "storage/table.h"

struct table_compaction {
    struct table_view *view; /* a reference: the other sources, for the purge oracle */
    struct sstable **inputs; /* claimed; malloc'd */
    size_t ninputs;
};

/*
 * Chooses work: the most interesting size-tiered bucket, or (major) every SSTable. Returns
 * true with *c filled, or false when there is nothing to do; *busy is set when a major
 * compaction has to wait for running ones.
 */
bool table_compact_pick(struct table *t, bool major, struct table_compaction *c, bool *busy);
/* Runs c, installs the result and releases c. ERR_CLOSED when stopped. */
int table_compact_run(struct table *t, struct table_compaction *c,
                      struct compaction_throttle *throttle, const atomic_bool *stop,
                      struct errmsg *em);

#endif

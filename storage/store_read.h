/*
 * store_read: the read path behind store_read() — gathering a view's sources for one partition
 * (bloom filters and token bounds skip SSTables that cannot hold it) or for a token range,
 * merging them live, applying the paging resume point and driving the visitor.
 *
 * Visitor protocol (see store.h): partition_start is called lazily, before the first live row
 * or, when the partition has no live row, for a live static row (unless the static row was
 * already returned on the previous page). partition_end follows every partition_start, unless
 * a callback returned READ_STOP, after which nothing more is called.
 * For rows.static_only (SELECT DISTINCT, static columns) partition_start is called for every
 * partition with a live static row or at least one live row, and row() never.
 * Thread rule: runs on the caller's thread; the view must stay referenced during the call.
 */
#ifndef RINGDB_STORAGE_STORE_READ_H
#define RINGDB_STORAGE_STORE_READ_H

#include "storage/store.h"
#include "storage/table.h"

int store_read_view(struct table *t, const struct table_view *v, const struct read_cmd *cmd,
                    const struct read_visitor *vis, struct errmsg *em);

#endif

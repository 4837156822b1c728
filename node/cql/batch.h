/*
 * batch: BATCH statements (Cassandra's BatchStatement), both as CQL text
 * (BEGIN [UNLOGGED] BATCH ... APPLY BATCH, markers numbered across the children) and as the
 * protocol's BATCH message (children by text or prepared id, values per child, built by
 * exec.c into a stmt with children). Every child is bound with the batch's one timestamp
 * (USING TIMESTAMP on the batch, else the request's default timestamp, else the node clock);
 * the writes are merged per partition (dml_build) and sent as one coordinator write with
 * writeType BATCH or UNLOGGED_BATCH.
 *
 * Not supported yet (answered with Invalid): COUNTER batches (no counters) and conditional
 * children. A LOGGED batch spanning partitions is not written through a batchlog: each
 * partition's update is atomic, the batch as a whole is not (see docs/architecture.md).
 * Thread rule: as stmt.h.
 */
#ifndef RINGDB_CQL_BATCH_H
#define RINGDB_CQL_BATCH_H

#include "node/cql/stmt.h"

/* Text BATCH: analyses the children with the batch's shared markers. */
int batch_prepare(struct bind_env *env, const struct catalog *c, const char *keyspace,
                  const struct ast_stmt *ast, struct stmt *st, struct errmsg *em);
/* Checks one child for the BATCH message or text (a modification, not conditional). */
int batch_check_child(const struct stmt *child, uint8_t batch_type, struct errmsg *em);
void batch_execute(struct stmt_run *run);

#endif

/*
 * schema_compaction: the compaction strategies a table may name (CQL "WITH compaction = {...}")
 * and the validation of their sub-options, as Cassandra 4.1's CompactionParams and each
 * strategy's static validateOptions do it, with their ConfigurationException messages.
 *
 * Accepted: SizeTieredCompactionStrategy, LeveledCompactionStrategy and
 * TimeWindowCompactionStrategy, by short or full class name. The store runs size-tiered
 * compaction for all three (docs/compat.md, "Differences on purpose"): the others are
 * validated, stored and shown back exactly, so schemas written for Cassandra load unchanged.
 * Thread rule: none (pure functions).
 */
#ifndef RINGDB_STORAGE_SCHEMA_COMPACTION_H
#define RINGDB_STORAGE_SCHEMA_COMPACTION_H

#include <stdbool.h>
#include <stdint.h>

#include "node/base/err.h"

#define SCHEMA_COMPACTION_STCS "org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy"
#define SCHEMA_COMPACTION_LCS "org.apache.cassandra.db.compaction.LeveledCompactionStrategy"
#define SCHEMA_COMPACTION_TWCS "org.apache.cassandra.db.compaction.TimeWindowCompactionStrategy"

/*
 * Checks the n sub-options (keys/vals, 'class' among them or not: it is skipped) for the strategy
 * cls names (short or full name, CompactionParams.classFromName). On success *full_class is the
 * full class name (static storage). Errors: ERR_CONFIG with Cassandra's message (unknown class,
 * unknown sub-options, bad values).
 */
int schema_compaction_check(const char *cls, const char *const *keys, const char *const *vals,
                            uint32_t n, const char **full_class, struct errmsg *em);

/* Whether the full class name is the strategy the store actually runs (size-tiered). */
bool schema_compaction_is_native(const char *full_class);

#endif

/*
 * config_keys: the key names of Cassandra 4.1's cassandra.yaml (current and old spellings), the
 * keys Cassandra 4.0 removed, and a nearest-name lookup for "did you mean" messages. Pure data.
 */
#ifndef RINGDB_NODE_CONFIG_KEYS_H
#define RINGDB_NODE_CONFIG_KEYS_H

#include <stdbool.h>
#include <stddef.h>

/* True when Cassandra 4.1 accepts name as a top-level cassandra.yaml key. */
bool config_keys_is_cassandra(const char *name);
/* True when name is a key Cassandra 4.0 removed (Thrift's rpc_port, start_rpc ...). */
bool config_keys_is_removed(const char *name);
/* The i-th Cassandra key in sorted order, or NULL past the end (tests walk the list). */
const char *config_keys_at(size_t i);
/* The Cassandra key, or one of extra[], closest to name by edit distance, when close enough to
   be a plausible typo; otherwise NULL. The result is a static string. */
const char *config_keys_nearest(const char *name, const char *const *extra, size_t extra_count);

#endif

/*
 * kv_table: the simplest store table, CREATE TABLE <ks>.<name> (k blob PRIMARY KEY, v blob), for
 * tests and benchmarks that exercise the write path rather than the data model: its schema, a
 * one-cell write, and a single-partition read of v.
 */
#ifndef RINGDB_TESTS_SUPPORT_KV_TABLE_H
#define RINGDB_TESTS_SUPPORT_KV_TABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "storage/schema.h"
#include "storage/store.h"

/* The finished schema (aborts on a schema error: the definition is constant). */
struct table_schema *kv_table_schema(const char *ks, const char *name, const struct uuid *id);

/* A write of (key, value) at ts_us; the pointers are borrowed and must outlive the apply. */
struct kv_table_update {
    struct cell cell;
    struct row row;
    struct partition_update u;
};
void kv_table_update_init(struct kv_table_update *k, const struct table_schema *s,
                          const uint8_t *key, uint32_t key_len, const uint8_t *value,
                          uint32_t value_len, int64_t ts_us);

/* store_apply, retried while the store answers ERR_OVERLOADED (waiting for it to be idle),
   then, when is_waited, store_wait_durable. */
int kv_table_put(struct store *st, const struct kv_table_update *k, bool is_waited,
                 struct errmsg *em);

/* Reads v of partition key: *found false when there is no live row; v is copied into value
   (up to cap bytes; *value_len is the full length). */
int kv_table_get(struct store *st, const struct uuid *table_id, const uint8_t *key,
                 uint32_t key_len, uint8_t *value, uint32_t cap, uint32_t *value_len, bool *found,
                 struct errmsg *em);

#endif

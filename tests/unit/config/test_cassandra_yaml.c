/* Loads a real Cassandra 4.1 cassandra.yaml (trimmed) and ringdb's sample config. */
#include <criterion/criterion.h>
#include <string.h>

#include "node/base/log.h"
#include "node/config.h"

#define MIB (1024ull * 1024)

static const struct config_ignored *find_ignored(const struct config *c, const char *key)
{
    for (size_t i = 0; i < c->ignored_count; i++)
        if (strcmp(c->ignored[i].key, key) == 0) return &c->ignored[i];
    return NULL;
}

Test(cassandra_yaml, default_41_file_loads_with_warnings_only)
{
    log_set_level(LOG_ERROR); /* the ~50 "ignored" warnings are expected here */
    struct config c;
    struct errmsg em;
    config_init(&c);
    errmsg_clear(&em);
    int rc = config_load_file(&c, RINGDB_SOURCE_DIR "/tests/data/cassandra-4.1.yaml", &em);
    cr_assert_eq(rc, 0, "%s", em.text);
    cr_assert_eq(config_finish(&c, &em), 0, "%s", em.text);
    cr_expect_str_eq(c.cluster_name, "Test Cluster");
    cr_expect_eq(c.num_tokens, 16);
    cr_expect_eq(c.commitlog_sync, COMMITLOG_SYNC_PERIODIC);
    cr_expect_eq(c.commitlog_sync_period_ms, 10000);
    cr_expect_eq(c.commitlog_segment_size_bytes, 32 * MIB);
    cr_expect_eq(c.compaction_throughput_bytes_per_s, 64 * MIB);
    cr_expect_eq(c.max_hint_window_ms, 3 * 3600000);
    cr_expect_eq(c.read_request_timeout_ms, 5000);
    cr_expect_eq(c.write_request_timeout_ms, 2000);
    cr_expect_eq(c.range_request_timeout_ms, 10000);
    cr_expect_eq(c.request_timeout_ms, 10000);
    cr_expect_str_eq(c.listen_address, "localhost");
    cr_expect_str_eq(c.rpc_address, "localhost");
    cr_expect_eq(c.seeds_count, 1);
    cr_expect_str_eq(c.seeds[0].host, "127.0.0.1");
    cr_expect_eq(c.seeds[0].port, 7000);
    cr_expect_eq(c.authenticator, CONFIG_AUTH_ALLOW_ALL);
    cr_expect_eq(c.endpoint_snitch, CONFIG_SNITCH_SIMPLE);
    cr_expect_gt(c.ignored_count, 40, "most of Cassandra's settings are ignored: %zu",
                 c.ignored_count);
    const struct config_ignored *p = find_ignored(&c, "partitioner");
    cr_assert_not_null(p);
    cr_expect_gt(p->line, 100);
    cr_expect_not_null(find_ignored(&c, "server_encryption_options"));
    cr_expect_not_null(find_ignored(&c, "replica_filtering_protection"));
    cr_expect_null(find_ignored(&c, "key_cache_size"), "null values are not warned about");
    config_deinit(&c);
    log_set_level(LOG_INFO);
}

Test(cassandra_yaml, sample_config_uses_only_ringdb_settings)
{
    struct config c;
    struct errmsg em;
    config_init(&c);
    errmsg_clear(&em);
    cr_assert_eq(config_load_file(&c, RINGDB_SOURCE_DIR "/conf/ringdb.yaml", &em), 0, "%s",
                 em.text);
    cr_assert_eq(config_finish(&c, &em), 0, "%s", em.text);
    cr_expect_eq(c.ignored_count, 0, "conf/ringdb.yaml sets nothing ringdb ignores");
    cr_expect_str_eq(c.listen_address, "127.0.0.1");
    cr_expect_str_eq(c.data_file_directories[0], "data/data");
    cr_expect_eq(c.ringdb_log_level, LOG_INFO);
    config_deinit(&c);
}

/* Unit tests for config: loading cassandra.yaml-style text, errors with lines, warnings. */
#include <criterion/criterion.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "node/base/log.h"
#include "node/config.h"
#include "node/config_keys.h"

#define MIB (1024ull * 1024)

static int load(struct config *c, const char *text, struct errmsg *em)
{
    config_init(c);
    errmsg_clear(em);
    return config_load_string(c, text, strlen(text), "t.yaml", em);
}

static uint64_t field_u64(const struct config *c, size_t off, int width)
{
    const char *p = (const char *)c + off;
    if (width == 4) return *(const uint32_t *)p;
    return *(const uint64_t *)p;
}

struct value_case {
    const char *yaml;
    size_t off;
    int width;
    uint64_t want;
};

#define U64F(f) offsetof(struct config, f), 8
#define U32F(f) offsetof(struct config, f), 4

/* 4.1 spellings and the pre-4.1 spellings land on the same field with the same value. */
static const struct value_case value_cases[] = {
    {"commitlog_sync_period: 2500ms", U64F(commitlog_sync_period_ms), 2500},
    {"commitlog_sync_period_in_ms: 2500", U64F(commitlog_sync_period_ms), 2500},
    {"commitlog_sync_period: 3s", U64F(commitlog_sync_period_ms), 3000},
    {"commitlog_segment_size: 64MiB", U64F(commitlog_segment_size_bytes), 64 * MIB},
    {"commitlog_segment_size: 1GiB", U64F(commitlog_segment_size_bytes), 1024 * MIB},
    {"commitlog_segment_size_in_mb: 64", U64F(commitlog_segment_size_bytes), 64 * MIB},
    {"max_hint_window: 1h", U64F(max_hint_window_ms), 3600000},
    {"max_hint_window_in_ms: 3600000", U64F(max_hint_window_ms), 3600000},
    {"read_request_timeout: 7s", U64F(read_request_timeout_ms), 7000},
    {"read_request_timeout_in_ms: 7000", U64F(read_request_timeout_ms), 7000},
    {"write_request_timeout: 2500ms", U64F(write_request_timeout_ms), 2500},
    {"write_request_timeout_in_ms: 2500", U64F(write_request_timeout_ms), 2500},
    {"range_request_timeout: 1m", U64F(range_request_timeout_ms), 60000},
    {"range_request_timeout_in_ms: 60000", U64F(range_request_timeout_ms), 60000},
    {"request_timeout: 12s", U64F(request_timeout_ms), 12000},
    {"request_timeout_in_ms: 12000", U64F(request_timeout_ms), 12000},
    {"compaction_throughput: 16MiB/s", U64F(compaction_throughput_bytes_per_s), 16 * MIB},
    {"compaction_throughput: 512KiB/s", U64F(compaction_throughput_bytes_per_s), 512 * 1024},
    {"compaction_throughput_mb_per_sec: 16", U64F(compaction_throughput_bytes_per_s), 16 * MIB},
    {"compaction_throughput: 0MiB/s", U64F(compaction_throughput_bytes_per_s), 0},
    {"memtable_heap_space: 512MiB", U64F(memtable_heap_space_bytes), 512 * MIB},
    {"memtable_heap_space_in_mb: 512", U64F(memtable_heap_space_bytes), 512 * MIB},
    {"commitlog_sync: group\ncommitlog_sync_group_window: 20ms",
     U64F(commitlog_sync_group_window_ms), 20},
    {"commitlog_sync: group\ncommitlog_sync_group_window_in_ms: 2.4",
     U64F(commitlog_sync_group_window_ms), 2},
    {"native_transport_max_frame_size: 32MiB", U64F(native_transport_max_frame_size_bytes),
     32 * MIB},
    {"native_transport_max_frame_size_in_mb: 32", U64F(native_transport_max_frame_size_bytes),
     32 * MIB},
    {"num_tokens: 256", U32F(num_tokens), 256},
    {"native_transport_port: 19042", U32F(native_transport_port), 19042},
    {"storage_port: 17000", U32F(storage_port), 17000},
    {"concurrent_reads: 64", U32F(concurrent_reads), 64},
    {"concurrent_writes: 48", U32F(concurrent_writes), 48},
    {"concurrent_compactors: 3", U32F(concurrent_compactors), 3},
    {"native_transport_max_threads: 256", U32F(native_transport_max_threads), 256},
};

Test(config, values_in_new_and_old_spellings)
{
    for (size_t i = 0; i < sizeof value_cases / sizeof value_cases[0]; i++) {
        struct config c;
        struct errmsg em;
        int rc = load(&c, value_cases[i].yaml, &em);
        cr_expect_eq(rc, 0, "case %zu '%s': %s", i, value_cases[i].yaml, em.text);
        if (rc == 0)
            cr_expect_eq(field_u64(&c, value_cases[i].off, value_cases[i].width),
                         value_cases[i].want, "case %zu '%s'", i, value_cases[i].yaml);
        cr_expect_eq(c.ignored_count, 0, "case %zu: nothing ignored", i);
        config_deinit(&c);
    }
}

Test(config, defaults_are_cassandra_41)
{
    struct config c;
    struct errmsg em;
    cr_assert_eq(load(&c, "", &em), 0, "%s", em.text);
    cr_expect_str_eq(c.cluster_name, "Test Cluster");
    cr_expect_eq(c.num_tokens, 16);
    cr_expect_eq(c.native_transport_port, 9042);
    cr_expect_eq(c.storage_port, 7000);
    cr_expect_eq(c.commitlog_sync, COMMITLOG_SYNC_PERIODIC);
    cr_expect_eq(c.commitlog_sync_period_ms, 10000);
    cr_expect_eq(c.commitlog_segment_size_bytes, 32 * MIB);
    cr_expect_eq(c.commit_failure_policy, CONFIG_COMMIT_FAILURE_STOP);
    cr_expect_eq(c.compaction_throughput_bytes_per_s, 64 * MIB);
    cr_expect_eq(c.max_hint_window_ms, 3 * 3600 * 1000);
    cr_expect_eq(c.read_request_timeout_ms, 5000);
    cr_expect_eq(c.write_request_timeout_ms, 2000);
    cr_expect_eq(c.range_request_timeout_ms, 10000);
    cr_expect_eq(c.request_timeout_ms, 10000);
    cr_expect_eq(c.authenticator, CONFIG_AUTH_ALLOW_ALL);
    cr_expect_eq(c.authorizer, CONFIG_AUTHZ_ALLOW_ALL);
    cr_expect_eq(c.endpoint_snitch, CONFIG_SNITCH_SIMPLE);
    cr_expect_float_eq(c.phi_convict_threshold, 8.0, 1e-9);
    cr_expect_eq(c.native_transport_max_frame_size_bytes, 16 * MIB);
    cr_expect_eq(c.native_transport_max_threads, 128);
    cr_expect_eq(c.concurrent_reads, 32);
    cr_expect_eq(c.concurrent_writes, 32);
    cr_expect(c.hinted_handoff_enabled);
    cr_expect(c.auto_snapshot);
    cr_expect(!c.incremental_backups);
    cr_expect_eq(c.seeds_count, 1);
    cr_expect_str_eq(c.seeds[0].host, "127.0.0.1");
    config_deinit(&c);
}

Test(config, null_and_empty_values_leave_defaults)
{
    struct config c;
    struct errmsg em;
    const char *y = "num_tokens:\ncluster_name: ~\nread_request_timeout: null\n"
                    "commitlog_segment_size: NULL\ndata_file_directories: []\n"
                    "key_cache_size:\n";
    cr_assert_eq(load(&c, y, &em), 0, "%s", em.text);
    cr_expect_eq(c.num_tokens, 16);
    cr_expect_str_eq(c.cluster_name, "Test Cluster");
    cr_expect_eq(c.read_request_timeout_ms, 5000);
    cr_expect_eq(c.commitlog_segment_size_bytes, 32 * MIB);
    cr_expect_str_eq(c.data_file_directories[0], "data/data");
    cr_expect_eq(c.ignored_count, 0, "a null Cassandra key sets nothing and warns about nothing");
    config_deinit(&c);
    /* A quoted empty string is a value, not null. */
    cr_assert_eq(load(&c, "cluster_name: ''\n", &em), 0, "%s", em.text);
    cr_expect_str_eq(c.cluster_name, "");
    config_deinit(&c);
}

struct error_case {
    const char *yaml;
    const char *want; /* substring of the message */
};

/* Typos (with line numbers and suggestions) and bad values: each is an error naming the key. */
static const struct error_case error_cases[] = {
    {"cluster_name: a\nnum_tokns: 4\n", "t.yaml:2: unknown key 'num_tokns' (did you mean "
                                        "'num_tokens'?)"},
    {"\n\n\ncomitlog_sync: batch\n", "t.yaml:4: unknown key 'comitlog_sync' (did you mean "
                                     "'commitlog_sync'?)"},
    {"ringdb_log_levle: debug\n", "did you mean 'ringdb_log_level'?"},
    {"zzzz_qqqq_wwww: 1\n", "t.yaml:1: unknown key 'zzzz_qqqq_wwww': neither"},
    {"rpc_port: 9160\n", "t.yaml:1: rpc_port: this setting was removed in Cassandra 4.0"},
    {"start_rpc: false\n", "removed in Cassandra 4.0"},
    {"commitlog_sync_period: 10\n", "t.yaml:1: commitlog_sync_period: bad value '10': expected "
                                    "a duration"},
    {"commitlog_sync_period: 10 s\n", "commitlog_sync_period: bad value '10 s'"},
    {"read_request_timeout: 500us\n", "the smallest unit accepted here is ms"},
    {"commitlog_segment_size: 32768KiB\n", "the smallest unit accepted here is MiB"},
    {"commitlog_segment_size: 4GiB\n", "out of range"},
    {"commitlog_segment_size_in_mb: 32MiB\n", "expected a non-negative integer"},
    {"read_request_timeout_in_ms: 5s\n", "read_request_timeout_in_ms: bad value '5s'"},
    {"compaction_throughput: 64MiB\n", "expected a rate"},
    {"num_tokens: 0\n", "num_tokens: bad value '0': out of range [1, 1024]"},
    {"num_tokens: many\n", "num_tokens: bad value 'many'"},
    {"native_transport_port: 70000\n", "out of range [1, 65535]"},
    {"concurrent_reads: 1\n", "concurrent_reads: bad value '1': out of range"},
    {"phi_convict_threshold: 20\n", "phi_convict_threshold: bad value '20': out of range [5, 16]"},
    {"hinted_handoff_enabled: maybe\n", "hinted_handoff_enabled: bad value 'maybe': expected "
                                        "true or false"},
    {"commitlog_sync: sometimes\n", "ringdb supports periodic, batch, group"},
    {"commit_failure_policy: panic\n", "ringdb supports stop, stop_commit, ignore, die"},
    {"authenticator: LdapAuthenticator\n", "authenticator: bad value 'LdapAuthenticator'"},
    {"authorizer: org.example.Mine\n", "ringdb supports AllowAllAuthorizer, CassandraAuthorizer"},
    {"role_manager: LDAPRoleManager\n", "role_manager: bad value"},
    {"endpoint_snitch: Ec2Snitch\n", "endpoint_snitch: bad value 'Ec2Snitch'"},
    {"ringdb_log_level: loud\n", "ringdb_log_level: bad value 'loud'"},
    {"listen_address:\n  - 127.0.0.1\n", "t.yaml:2: listen_address: expected a single value, "
                                         "found a list"},
    {"cluster_name:\n  a: b\n", "cluster_name: expected a single value, found a mapping"},
    {"data_file_directories: /var/lib/x\n", "data_file_directories: expected a list"},
    {"data_file_directories:\n  - a\n  -\n", "t.yaml:3: data_file_directories: an entry is "
                                             "empty"},
    {"seed_provider:\n  - class_name: org.example.K8sSeedProvider\n", "is not supported"},
    {"seed_provider:\n  - class_name: SimpleSeedProvider\n", "seeds: \"host,host:port\" is "
                                                             "missing"},
    {"seed_provider:\n  - class_name: SimpleSeedProvider\n    parameters:\n      - seeds: "
     "\"a:99999\"\n",
     "t.yaml:4: seeds: bad address 'a:99999'"},
    {"seed_provider:\n  - class_name: SimpleSeedProvider\n    parameters:\n      - seeds: \" , "
     "\"\n",
     "at least one seed is required"},
    {"cluster_name: a\ncluster_name: b\n", "t.yaml:2: cluster_name: set twice (first at line 1)"},
    {"commitlog_sync_period: 1s\ncommitlog_sync_period_in_ms: 1000\n",
     "t.yaml:2: commitlog_sync_period_in_ms: sets the same setting as commitlog_sync_period at "
     "line 1"},
    {"commitlog_sync: group\ncommitlog_sync_period: 10s\n", "t.yaml:2: commitlog_sync_period: "
                                                            "group sync is set (line 1)"},
    {"commitlog_sync: batch\ncommitlog_sync_period_in_ms: 10\n", "batch sync is set"},
    {"commitlog_sync_period: 0ms\n", "periodic sync needs a period above 0"},
    {"commitlog_sync: group\ncommitlog_sync_group_window: 0ms\n", "group sync needs a window"},
    {"client_encryption_options:\n  enabled: true\n", "t.yaml:2: client_encryption_options: "
                                                      "enabled: 'true' is not supported yet"},
    {"server_encryption_options:\n  internode_encryption: all\n", "internode_encryption: 'all' "
                                                                  "is not supported yet"},
    {"transparent_data_encryption_options:\n  enabled: yes\n", "is not supported yet"},
    {"cluster_name: [unclosed\n", "YAML syntax error"},
    {"a: b\n  c: d\n", "t.yaml:2:"},
    {"- just\n- a list\n", "expected 'key: value' lines at the top level"},
    {"? [a, b]\n: c\n", "a key must be a plain name"},
    {"cluster_name: x\n---\nnum_tokens: 3\n", "t.yaml:2: a second YAML document"},
};

Test(config, typos_and_bad_values_name_key_and_line)
{
    for (size_t i = 0; i < sizeof error_cases / sizeof error_cases[0]; i++) {
        struct config c;
        struct errmsg em;
        int rc = load(&c, error_cases[i].yaml, &em);
        cr_expect_eq(rc, ERR_CONFIG, "case %zu: rc %d for '%s'", i, rc, error_cases[i].yaml);
        cr_expect(strstr(em.text, error_cases[i].want) != NULL,
                  "case %zu: message '%s' lacks '%s'", i, em.text, error_cases[i].want);
        config_deinit(&c);
    }
}

/* Reads what the logger wrote to fd since offset 0. */
static size_t read_log(int fd, char *buf, size_t cap)
{
    off_t end = lseek(fd, 0, SEEK_END);
    cr_assert_geq(end, 0);
    ssize_t n = pread(fd, buf, cap - 1, 0);
    cr_assert_geq(n, 0);
    buf[n] = '\0';
    return (size_t)n;
}

static size_t count_lines_with(const char *text, const char *needle)
{
    size_t n = 0;
    for (const char *p = text; (p = strstr(p, needle)) != NULL; p += strlen(needle)) n++;
    return n;
}

Test(config, cassandra_keys_ringdb_ignores_warn_once_each)
{
    FILE *f = tmpfile();
    cr_assert_not_null(f);
    log_set_fd(fileno(f));
    struct config c;
    struct errmsg em;
    const char *y = "cluster_name: x\n"
                    "partitioner: org.apache.cassandra.dht.Murmur3Partitioner\n"
                    "key_cache_save_period: 4h\n"
                    "server_encryption_options:\n"
                    "  internode_encryption: none\n"
                    "  keystore: conf/.keystore\n"
                    "cross_node_timeout: true\n";
    int rc = load(&c, y, &em);
    log_set_fd(2);
    cr_assert_eq(rc, 0, "%s", em.text);
    cr_assert_eq(c.ignored_count, 4);
    const char *want_keys[] = {"partitioner", "key_cache_save_period", "server_encryption_options",
                               "cross_node_timeout"};
    int want_lines[] = {2, 3, 4, 7};
    for (size_t i = 0; i < 4; i++) {
        cr_expect_str_eq(c.ignored[i].key, want_keys[i]);
        cr_expect_eq(c.ignored[i].line, want_lines[i], "%s", want_keys[i]);
    }
    char log[8192];
    read_log(fileno(f), log, sizeof log);
    cr_expect_eq(count_lines_with(log, "WARN"), 4, "one warning per key: %s", log);
    cr_expect_eq(count_lines_with(log, "t.yaml:2: partitioner is a Cassandra setting ringdb does "
                                       "not use yet"),
                 1, "%s", log);
    cr_expect_eq(count_lines_with(log, "cross_node_timeout"), 1);
    fclose(f);
    config_deinit(&c);
}

Test(config, every_cassandra_41_key_is_accepted)
{
    const char *prev = NULL;
    size_t n = 0;
    for (const char *k; (k = config_keys_at(n)) != NULL; n++) {
        if (prev) cr_expect(strcmp(prev, k) < 0, "key list sorted and unique: %s, %s", prev, k);
        prev = k;
        char y[256];
        snprintf(y, sizeof y, "%s: ~\n", k);
        struct config c;
        struct errmsg em;
        cr_expect_eq(load(&c, y, &em), 0, "%s: %s", k, em.text);
        config_deinit(&c);
        cr_expect(config_keys_is_cassandra(k));
    }
    cr_expect_gt(n, 400, "the full 4.1 list, old spellings included");
    cr_expect(!config_keys_is_cassandra("ringdb_log_level"));
    cr_expect(!config_keys_is_cassandra("rpc_port"));
    cr_expect(config_keys_is_removed("rpc_port"));
}

Test(config, seeds_and_class_name_forms)
{
    struct config c;
    struct errmsg em;
    const char *y = "storage_port: 7100\n"
                    "seed_provider:\n"
                    "  - class_name: org.apache.cassandra.locator.SimpleSeedProvider\n"
                    "    parameters:\n"
                    "      - seeds: \"127.0.0.1:7000, 127.0.0.2,[::1]:7001,::2,db.example\"\n"
                    "authenticator: org.apache.cassandra.auth.PasswordAuthenticator\n"
                    "authorizer:\n"
                    "  class_name: CassandraAuthorizer\n"
                    "endpoint_snitch: org.apache.cassandra.locator.GossipingPropertyFileSnitch\n";
    cr_assert_eq(load(&c, y, &em), 0, "%s", em.text);
    cr_assert_eq(config_finish(&c, &em), 0, "%s", em.text);
    cr_assert_eq(c.seeds_count, 5);
    const char *hosts[] = {"127.0.0.1", "127.0.0.2", "::1", "::2", "db.example"};
    uint16_t ports[] = {7000, 7100, 7001, 7100, 7100};
    for (size_t i = 0; i < 5; i++) {
        cr_expect_str_eq(c.seeds[i].host, hosts[i]);
        cr_expect_eq(c.seeds[i].port, ports[i], "seed %zu", i);
    }
    cr_expect_eq(c.authenticator, CONFIG_AUTH_PASSWORD);
    cr_expect_eq(c.authorizer, CONFIG_AUTHZ_CASSANDRA);
    cr_expect_eq(c.endpoint_snitch, CONFIG_SNITCH_GOSSIPING_PROPERTY);
    config_deinit(&c);
}

Test(config, finish_resolves_and_checks_addresses)
{
    struct config c;
    struct errmsg em;
    cr_assert_eq(load(&c, "listen_address: 127.0.0.5\nrpc_address: 127.0.0.6\n", &em), 0);
    cr_assert_eq(config_finish(&c, &em), 0, "%s", em.text);
    cr_expect_str_eq(c.broadcast_address, "127.0.0.5");
    cr_expect_str_eq(c.broadcast_rpc_address, "127.0.0.6");
    cr_expect_gt(c.memtable_heap_space_bytes, 0, "unset memtable space is sized from RAM");
    cr_expect_geq(c.concurrent_compactors, 2);
    cr_expect_leq(c.concurrent_compactors, 8);
    config_deinit(&c);

    cr_assert_eq(load(&c, "rpc_address: 0.0.0.0\n", &em), 0);
    cr_expect_eq(config_finish(&c, &em), ERR_CONFIG);
    cr_expect(strstr(em.text, "broadcast_rpc_address must be set") != NULL, "%s", em.text);
    config_deinit(&c);

    cr_assert_eq(load(&c, "rpc_address: 0.0.0.0\nbroadcast_rpc_address: 10.0.0.1\n", &em), 0);
    cr_expect_eq(config_finish(&c, &em), 0, "%s", em.text);
    config_deinit(&c);

    cr_assert_eq(load(&c, "listen_address: 0.0.0.0\n", &em), 0);
    cr_expect_eq(config_finish(&c, &em), ERR_CONFIG);
    cr_expect(strstr(em.text, "listen_address cannot be a wildcard") != NULL, "%s", em.text);
    config_deinit(&c);

    cr_assert_eq(load(&c, "commitlog_directory: d\ndata_file_directories:\n  - d\n", &em), 0);
    cr_expect_eq(config_finish(&c, &em), ERR_CONFIG);
    config_deinit(&c);

    cr_assert_eq(load(&c, "read_request_timeout: 1ms\n", &em), 0);
    cr_expect_eq(config_finish(&c, &em), 0);
    cr_expect_eq(c.read_request_timeout_ms, 10, "raised to Cassandra's lowest accepted timeout");
    config_deinit(&c);
}

Test(config, store_settings_follow_the_config)
{
    struct config c;
    struct errmsg em;
    const char *y = "data_file_directories:\n  - /x/data\n  - /y/data\ncommitlog_directory: /x/cl\n"
                    "commitlog_sync: group\ncommitlog_sync_group_window: 20ms\n"
                    "commitlog_segment_size: 8MiB\nmemtable_heap_space: 64MiB\n"
                    "concurrent_compactors: 3\ncompaction_throughput: 0MiB/s\n"
                    "incremental_backups: true\nauto_snapshot: false\n"
                    "commit_failure_policy: ignore\n";
    cr_assert_eq(load(&c, y, &em), 0, "%s", em.text);
    cr_assert_eq(config_finish(&c, &em), 0, "%s", em.text);
    struct store_config sc;
    config_store_config(&c, &sc);
    cr_expect_str_eq(sc.data_dir, "/x/data");
    cr_expect_str_eq(sc.commitlog_dir, "/x/cl");
    cr_expect_eq(sc.sync_mode, COMMITLOG_SYNC_GROUP);
    cr_expect_eq(sc.sync_group_window_ms, 20);
    cr_expect_eq(sc.segment_bytes, 8 * MIB);
    cr_expect_eq(sc.memtable_space_bytes, 64 * MIB);
    cr_expect_eq(sc.concurrent_compactors, 3);
    cr_expect_eq(sc.compaction_bytes_per_s, 0);
    cr_expect(sc.incremental_backups);
    cr_expect(!sc.auto_snapshot);
    cr_expect(sc.commit_failure_ignore);
    cr_expect_null(sc.vfs);
    config_deinit(&c);
}

Test(config, deep_nesting_is_refused_quickly)
{
    /* 200000 nested lists: libyaml's loader would take minutes; the shape check stops at 65. */
    size_t depth = 200000;
    char *y = malloc(2 * depth + 64);
    cr_assert_not_null(y);
    size_t n = (size_t)snprintf(y, 64, "cluster_name: x\nmemtable: ");
    memset(y + n, '[', depth);
    memset(y + n + depth, ']', depth);
    y[n + 2 * depth] = '\0';
    struct config c;
    struct errmsg em;
    cr_expect_eq(load(&c, y, &em), ERR_CONFIG);
    cr_expect(strstr(em.text, "t.yaml:2: nested deeper than 64 levels") != NULL, "%s", em.text);
    config_deinit(&c);
    free(y);
}

Test(config, load_file_errors_name_the_file)
{
    struct config c;
    struct errmsg em;
    config_init(&c);
    errmsg_clear(&em);
    cr_expect_lt(config_load_file(&c, "/nonexistent/ringdb.yaml", &em), 0);
    cr_expect(strstr(em.text, "/nonexistent/ringdb.yaml: cannot open") != NULL, "%s", em.text);
    config_deinit(&c);

    char path[] = "/tmp/ringdb_cfg_XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    char chunk[4096];
    memset(chunk, '#', sizeof chunk);
    for (size_t i = 0; i <= CONFIG_FILE_MAX_BYTES / sizeof chunk; i++)
        cr_assert_eq(write(fd, chunk, sizeof chunk), (ssize_t)sizeof chunk);
    close(fd);
    config_init(&c);
    cr_expect_eq(config_load_file(&c, path, &em), ERR_CONFIG);
    cr_expect(strstr(em.text, "larger than") != NULL, "%s", em.text);
    config_deinit(&c);
    unlink(path);
}

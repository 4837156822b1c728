/*
 * config: the node's settings, read from a YAML file that uses Cassandra 4.1's cassandra.yaml
 * key names and value syntax, so an operator's own cassandra.yaml loads unchanged.
 *
 * Loading rules (they mirror Cassandra's YamlConfigurationLoader where it is strict):
 * - A key ringdb uses is parsed and validated; a bad value is an error naming the key, the file
 *   and the line ("conf/ringdb.yaml:14: commitlog_sync_period: ...").
 * - A key Cassandra 4.1 knows but ringdb does not use yet is accepted and ignored, with one
 *   warning naming it (config->ignored lists them).
 * - Any other key (a typo) is an error naming the key and the line, with the nearest known key
 *   as a suggestion. Keys removed in Cassandra 4.0 (Thrift's rpc_port...) are errors too.
 * - The pre-4.1 spellings (`commitlog_sync_period_in_ms: 10000`, `commitlog_segment_size_in_mb`,
 *   `compaction_throughput_mb_per_sec` ...) are accepted; giving both spellings of one setting,
 *   or one key twice, is an error.
 * - An empty or null value (`key:`, `key: ~`, `key: null`) leaves the setting unset, i.e. at its
 *   default, as in Cassandra.
 * - ringdb-only keys start with `ringdb_` (ringdb_log_level).
 *
 * After loading, config_finish() resolves what depends on other settings or on the machine
 * (broadcast addresses, seed ports, memtable space, compactors) and checks cross-key rules.
 *
 * Ownership: every string and array hangs off the config's arena; config_deinit frees them all.
 * Thread rule: filled by one thread at start-up, then read-only (immutable after publish).
 */
#ifndef RINGDB_NODE_CONFIG_H
#define RINGDB_NODE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "node/base/arena.h"
#include "node/base/err.h"
#include "node/base/log.h"
#include "storage/store.h"

#define CONFIG_FILE_MAX_BYTES (1024 * 1024) /* a config file larger than this is refused */
#define CONFIG_KEYS_MAX 2048                /* top-level keys in one file */
#define CONFIG_DEPTH_MAX 64                 /* nesting of lists and mappings */
#define CONFIG_SEEDS_MAX 64
#define CONFIG_DATA_DIRS_MAX 16
#define CONFIG_HOST_MAX 255 /* a seed's host name or address */
#define CONFIG_DEFAULT_PATH "conf/ringdb.yaml"

enum config_commit_failure_policy {
    CONFIG_COMMIT_FAILURE_STOP = 0, /* Cassandra default */
    CONFIG_COMMIT_FAILURE_STOP_COMMIT = 1,
    CONFIG_COMMIT_FAILURE_IGNORE = 2,
    CONFIG_COMMIT_FAILURE_DIE = 3,
};

enum config_authenticator {
    CONFIG_AUTH_ALLOW_ALL = 0, /* AllowAllAuthenticator */
    CONFIG_AUTH_PASSWORD = 1,  /* PasswordAuthenticator */
};

enum config_authorizer {
    CONFIG_AUTHZ_ALLOW_ALL = 0, /* AllowAllAuthorizer */
    CONFIG_AUTHZ_CASSANDRA = 1, /* CassandraAuthorizer */
};

enum config_snitch {
    CONFIG_SNITCH_SIMPLE = 0,             /* SimpleSnitch: one datacenter, one rack */
    CONFIG_SNITCH_GOSSIPING_PROPERTY = 1, /* GossipingPropertyFileSnitch */
    CONFIG_SNITCH_RACK_INFERRING = 2,     /* RackInferringSnitch: dc = 2nd octet, rack = 3rd */
};

/* One seed of seed_provider's "seeds" list; port is storage_port when not written. */
struct config_seed {
    char *host;
    uint16_t port;
};

/* A Cassandra key that was accepted but is not used (one warning each). */
struct config_ignored {
    char *key;
    int line;
};

struct config {
    struct arena arena; /* owns every string and array below */
    char *source;       /* the file name, for messages */

    char *cluster_name;        /* 'Test Cluster' */
    uint32_t num_tokens;       /* 16, as cassandra.yaml 4.1 ships it */
    struct config_seed *seeds; /* seed_provider SimpleSeedProvider "seeds"; 127.0.0.1 */
    size_t seeds_count;
    char *listen_address;           /* localhost */
    char *rpc_address;              /* localhost */
    char *broadcast_address;        /* unset: listen_address */
    char *broadcast_rpc_address;    /* unset: rpc_address (required if rpc_address is 0.0.0.0) */
    uint32_t native_transport_port; /* 9042 */
    uint32_t storage_port;          /* 7000 */

    char **data_file_directories; /* data/data (relative to the working directory) */
    size_t data_file_directories_count;
    char *commitlog_directory;    /* data/commitlog */
    char *hints_directory;        /* data/hints */
    char *saved_caches_directory; /* data/saved_caches */

    enum commitlog_sync commitlog_sync;                      /* periodic */
    uint64_t commitlog_sync_period_ms;                       /* 10000 */
    uint64_t commitlog_sync_group_window_ms;                 /* 15 */
    uint64_t commitlog_segment_size_bytes;                   /* 32 MiB */
    enum config_commit_failure_policy commit_failure_policy; /* stop */
    uint64_t memtable_heap_space_bytes;         /* unset: 1/4 of the heap Cassandra would size */
    uint32_t concurrent_compactors;             /* unset: min(8, max(2, min(disks, cores))) */
    uint64_t compaction_throughput_bytes_per_s; /* 64 MiB/s; 0 = unthrottled */
    bool incremental_backups;                   /* false */
    bool auto_snapshot;                         /* true */

    bool hinted_handoff_enabled;       /* true */
    uint64_t max_hint_window_ms;       /* 3h */
    uint64_t read_request_timeout_ms;  /* 5000 */
    uint64_t write_request_timeout_ms; /* 2000 */
    uint64_t range_request_timeout_ms; /* 10000 */
    uint64_t request_timeout_ms;       /* 10000 */

    enum config_authenticator authenticator; /* AllowAllAuthenticator */
    enum config_authorizer authorizer;       /* AllowAllAuthorizer */
    enum config_snitch endpoint_snitch;      /* SimpleSnitch */
    double phi_convict_threshold;            /* 8 */

    uint64_t native_transport_max_frame_size_bytes; /* 16 MiB */
    uint32_t native_transport_max_threads;          /* 128 */
    uint32_t concurrent_reads;                      /* 32 */
    uint32_t concurrent_writes;                     /* 32 */

    enum log_level ringdb_log_level; /* info */

    struct config_ignored *ignored; /* Cassandra keys accepted but unused, in file order */
    size_t ignored_count;
    size_t ignored_cap; /* private to the loader */
};

/* Fills every setting with its default. The config owns an arena from here on. */
void config_init(struct config *c);
/* Frees everything. Accepts a config that was only initialized. */
void config_deinit(struct config *c);

/* Reads path (at most CONFIG_FILE_MAX_BYTES) and applies its settings over the current ones.
   On error em names the file, the line and the key; the config is then only fit for deinit. */
int config_load_file(struct config *c, const char *path, struct errmsg *em);
/* The same for text in memory; name is used in messages. */
int config_load_string(struct config *c, const char *text, size_t len, const char *name,
                       struct errmsg *em);
/* Resolves derived settings and checks rules that involve several keys. Call once, after the
   last load. */
int config_finish(struct config *c, struct errmsg *em);

/* The store settings this config implies (strings borrowed from the config). */
void config_store_config(const struct config *c, struct store_config *out);

#endif

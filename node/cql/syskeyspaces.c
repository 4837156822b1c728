/*
 * syskeyspaces: see syskeyspaces.h. The definitions below are Cassandra 4.1's CREATE TABLE
 * texts, written as a column list and a PRIMARY KEY clause, parsed here once per process into
 * table schemas (types through cql_type_parse, options through table_schema_set_option).
 *
 * Differences from Cassandra 4.1, on purpose: tables Cassandra gives LeveledCompactionStrategy
 * (system.paxos) or TimeWindowCompactionStrategy (system_distributed.*repair_history) use the
 * store's only strategy, SizeTieredCompactionStrategy; system.paxos has the 4.0 columns.
 * Thread rule: built under pthread_once; immutable afterwards.
 */
#include "node/cql/syskeyspaces.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "node/base/assert.h"
#include "node/base/md5.h"

enum systab_kind { SYSTAB_STORED, SYSTAB_COMPUTED };

struct systab_def {
    const char *keyspace;
    const char *name;
    const char *comment;
    const char *columns;     /* "name type, name type, ..." */
    const char *primary_key; /* "((pk1, pk2), ck1, ck2)" */
    enum systab_kind kind;
    int32_t default_ttl_s;
    const char *compaction; /* option text, or NULL */
};

#define SYS "system"
#define SCH "system_schema"
#define AUTH "system_auth"
#define DIST "system_distributed"
#define TRACES "system_traces"
#define VIEWS "system_views"
#define VSCH "system_virtual_schema"
#define DAY_S (24 * 3600)

/* clang-format off */
static const struct systab_def defs[] = {
    /* system (SystemKeyspace) */
    {SYS, "IndexInfo", "built column indexes",
     "table_name text, index_name text, value blob", "((table_name), index_name)", SYSTAB_STORED, 0, NULL},
    {SYS, "available_ranges", "available keyspace/ranges during bootstrap/replace that are ready to be served",
     "keyspace_name text, ranges set<blob>", "((keyspace_name))", SYSTAB_STORED, 0, NULL},
    {SYS, "available_ranges_v2", "available keyspace/ranges during bootstrap/replace that are ready to be served",
     "keyspace_name text, full_ranges set<blob>, transient_ranges set<blob>", "((keyspace_name))", SYSTAB_STORED, 0, NULL},
    {SYS, "batches", "batches awaiting replay",
     "id timeuuid, mutations list<blob>, version int", "((id))", SYSTAB_STORED, 0,
     "{'class': 'SizeTieredCompactionStrategy', 'min_threshold': '2'}"},
    {SYS, "built_views", "built views",
     "keyspace_name text, view_name text, status_replicated boolean", "((keyspace_name), view_name)", SYSTAB_STORED, 0, NULL},
    {SYS, "compaction_history", "week-long compaction history",
     "id uuid, bytes_in bigint, bytes_out bigint, columnfamily_name text, compacted_at timestamp, "
     "keyspace_name text, rows_merged map<int, bigint>", "((id))", SYSTAB_STORED, 7 * DAY_S, NULL},
    {SYS, "local", "information about the local node",
     "key text, bootstrapped text, broadcast_address inet, broadcast_port int, cluster_name text, "
     "cql_version text, data_center text, gossip_generation int, host_id uuid, listen_address inet, "
     "listen_port int, native_protocol_version text, partitioner text, rack text, release_version text, "
     "rpc_address inet, rpc_port int, schema_version uuid, tokens set<text>, truncated_at map<uuid, blob>",
     "((key))", SYSTAB_COMPUTED, 0, NULL},
    {SYS, "paxos", "in-progress paxos proposals",
     "row_key blob, cf_id uuid, in_progress_ballot timeuuid, most_recent_commit blob, "
     "most_recent_commit_at timeuuid, most_recent_commit_version int, proposal blob, "
     "proposal_ballot timeuuid, proposal_version int", "((row_key), cf_id)", SYSTAB_STORED, 0, NULL},
    {SYS, "peer_events", "events related to peers",
     "peer inet, hints_dropped map<uuid, int>", "((peer))", SYSTAB_STORED, 0, NULL},
    {SYS, "peer_events_v2", "events related to peers",
     "peer inet, peer_port int, hints_dropped map<uuid, int>", "((peer), peer_port)", SYSTAB_STORED, 0, NULL},
    {SYS, "peers", "information about known peers in the cluster",
     "peer inet, data_center text, host_id uuid, preferred_ip inet, rack text, release_version text, "
     "rpc_address inet, schema_version uuid, tokens set<text>", "((peer))", SYSTAB_COMPUTED, 0, NULL},
    {SYS, "peers_v2", "information about known peers in the cluster",
     "peer inet, peer_port int, data_center text, host_id uuid, preferred_ip inet, preferred_port int, "
     "rack text, release_version text, native_address inet, native_port int, schema_version uuid, "
     "tokens set<text>", "((peer), peer_port)", SYSTAB_COMPUTED, 0, NULL},
    {SYS, "prepared_statements", "prepared statements",
     "prepared_id blob, logged_keyspace text, query_string text", "((prepared_id))", SYSTAB_STORED, 0, NULL},
    {SYS, "repairs", "repairs",
     "parent_id timeuuid, started_at timestamp, last_update timestamp, repaired_at timestamp, state int, "
     "coordinator inet, coordinator_port int, participants set<inet>, participants_wp set<text>, "
     "ranges set<blob>, cfids set<uuid>", "((parent_id))", SYSTAB_STORED, 0, NULL},
    {SYS, "size_estimates", "per-table primary range size estimates, table is deprecated in favor of table_estimates",
     "keyspace_name text, table_name text, range_start text, range_end text, mean_partition_size bigint, "
     "partitions_count bigint", "((keyspace_name), table_name, range_start, range_end)", SYSTAB_STORED, 0, NULL},
    {SYS, "sstable_activity", "historic sstable read rates",
     "keyspace_name text, columnfamily_name text, generation int, rate_120m double, rate_15m double",
     "((keyspace_name, columnfamily_name, generation))", SYSTAB_STORED, 0, NULL},
    {SYS, "table_estimates", "per-table range size estimates",
     "keyspace_name text, table_name text, range_type text, range_start text, range_end text, "
     "mean_partition_size bigint, partitions_count bigint",
     "((keyspace_name), table_name, range_type, range_start, range_end)", SYSTAB_STORED, 0, NULL},
    {SYS, "transferred_ranges", "record of transferred ranges for streaming operation",
     "operation text, peer inet, keyspace_name text, ranges set<blob>",
     "((operation, keyspace_name), peer)", SYSTAB_STORED, 0, NULL},
    {SYS, "transferred_ranges_v2", "record of transferred ranges for streaming operation",
     "operation text, peer inet, peer_port int, keyspace_name text, ranges set<blob>",
     "((operation, keyspace_name), peer, peer_port)", SYSTAB_STORED, 0, NULL},
    {SYS, "view_builds_in_progress", "views builds current progress",
     "keyspace_name text, view_name text, start_token text, end_token text, last_token text, keys_built bigint",
     "((keyspace_name), view_name, start_token, end_token)", SYSTAB_STORED, 0, NULL},

    /* system_schema (SchemaKeyspace) */
    {SCH, "aggregates", "user defined aggregate definitions",
     "keyspace_name text, aggregate_name text, argument_types frozen<list<text>>, final_func text, "
     "initcond text, return_type text, state_func text, state_type text",
     "((keyspace_name), aggregate_name, argument_types)", SYSTAB_COMPUTED, 0, NULL},
    {SCH, "columns", "column definitions",
     "keyspace_name text, table_name text, column_name text, clustering_order text, "
     "column_name_bytes blob, kind text, position int, type text",
     "((keyspace_name), table_name, column_name)", SYSTAB_COMPUTED, 0, NULL},
    {SCH, "dropped_columns", "dropped column registry",
     "keyspace_name text, table_name text, column_name text, dropped_time timestamp, kind text, type text",
     "((keyspace_name), table_name, column_name)", SYSTAB_COMPUTED, 0, NULL},
    {SCH, "functions", "user defined function definitions",
     "keyspace_name text, function_name text, argument_types frozen<list<text>>, "
     "argument_names frozen<list<text>>, body text, language text, return_type text, "
     "called_on_null_input boolean", "((keyspace_name), function_name, argument_types)", SYSTAB_COMPUTED, 0, NULL},
    {SCH, "indexes", "secondary index definitions",
     "keyspace_name text, table_name text, index_name text, kind text, options frozen<map<text, text>>",
     "((keyspace_name), table_name, index_name)", SYSTAB_COMPUTED, 0, NULL},
    {SCH, "keyspaces", "keyspace definitions",
     "keyspace_name text, durable_writes boolean, replication frozen<map<text, text>>",
     "((keyspace_name))", SYSTAB_COMPUTED, 0, NULL},
    {SCH, "tables", "table definitions",
     "keyspace_name text, table_name text, bloom_filter_fp_chance double, caching frozen<map<text, text>>, "
     "comment text, compaction frozen<map<text, text>>, compression frozen<map<text, text>>, memtable text, "
     "crc_check_chance double, dclocal_read_repair_chance double, default_time_to_live int, "
     "extensions frozen<map<text, blob>>, flags frozen<set<text>>, gc_grace_seconds int, id uuid, "
     "max_index_interval int, memtable_flush_period_in_ms int, min_index_interval int, "
     "read_repair_chance double, speculative_retry text, additional_write_policy text, cdc boolean, "
     "read_repair text", "((keyspace_name), table_name)", SYSTAB_COMPUTED, 0, NULL},
    {SCH, "triggers", "trigger definitions",
     "keyspace_name text, table_name text, trigger_name text, options frozen<map<text, text>>",
     "((keyspace_name), table_name, trigger_name)", SYSTAB_COMPUTED, 0, NULL},
    {SCH, "types", "user defined type definitions",
     "keyspace_name text, type_name text, field_names frozen<list<text>>, field_types frozen<list<text>>",
     "((keyspace_name), type_name)", SYSTAB_COMPUTED, 0, NULL},
    {SCH, "views", "view definitions",
     "keyspace_name text, view_name text, base_table_id uuid, base_table_name text, where_clause text, "
     "bloom_filter_fp_chance double, caching frozen<map<text, text>>, comment text, "
     "compaction frozen<map<text, text>>, compression frozen<map<text, text>>, memtable text, "
     "crc_check_chance double, dclocal_read_repair_chance double, default_time_to_live int, "
     "extensions frozen<map<text, blob>>, gc_grace_seconds int, id uuid, include_all_columns boolean, "
     "max_index_interval int, memtable_flush_period_in_ms int, min_index_interval int, "
     "read_repair_chance double, speculative_retry text, additional_write_policy text, cdc boolean, "
     "read_repair text", "((keyspace_name), view_name)", SYSTAB_COMPUTED, 0, NULL},

    /* system_auth (AuthKeyspace) */
    {AUTH, "network_permissions", "user network permissions",
     "role text, dcs frozen<set<text>>", "((role))", SYSTAB_STORED, 0, NULL},
    {AUTH, "resource_role_permissons_index", "index of db roles with permissions granted on a resource",
     "resource text, role text", "((resource), role)", SYSTAB_STORED, 0, NULL},
    {AUTH, "role_members", "role memberships lookup table",
     "role text, member text", "((role), member)", SYSTAB_STORED, 0, NULL},
    {AUTH, "role_permissions", "permissions granted to db roles",
     "role text, resource text, permissions set<text>", "((role), resource)", SYSTAB_STORED, 0, NULL},
    {AUTH, "roles", "role definitions",
     "role text, is_superuser boolean, can_login boolean, salted_hash text, member_of set<text>",
     "((role))", SYSTAB_STORED, 0, NULL},

    /* system_distributed (SystemDistributedKeyspace) */
    {DIST, "parent_repair_history", "Repair history",
     "parent_id timeuuid, keyspace_name text, columnfamily_names set<text>, started_at timestamp, "
     "finished_at timestamp, exception_message text, exception_stacktrace text, "
     "requested_ranges set<text>, successful_ranges set<text>, options map<text, text>",
     "((parent_id))", SYSTAB_STORED, 30 * DAY_S, NULL},
    {DIST, "partition_denylist", "Partition keys which have been denied access",
     "ks_name text, table_name text, key blob", "((ks_name, table_name), key)", SYSTAB_STORED, 0, NULL},
    {DIST, "repair_history", "Repair history",
     "keyspace_name text, columnfamily_name text, id timeuuid, parent_id timeuuid, range_begin text, "
     "range_end text, coordinator inet, coordinator_port int, participants set<inet>, "
     "participants_v2 set<text>, exception_message text, exception_stacktrace text, status text, "
     "started_at timestamp, finished_at timestamp",
     "((keyspace_name, columnfamily_name), id)", SYSTAB_STORED, 30 * DAY_S, NULL},
    {DIST, "view_build_status", "Materialized View build status",
     "keyspace_name text, view_name text, host_id uuid, status text",
     "((keyspace_name, view_name), host_id)", SYSTAB_STORED, 0, NULL},

    /* system_traces (TraceKeyspace) */
    {TRACES, "events", "tracing events",
     "session_id uuid, event_id timeuuid, activity text, source inet, source_port int, "
     "source_elapsed int, thread text", "((session_id), event_id)", SYSTAB_STORED, 0, NULL},
    {TRACES, "sessions", "tracing sessions",
     "session_id uuid, command text, client inet, coordinator inet, coordinator_port int, duration int, "
     "parameters map<text, text>, request text, started_at timestamp", "((session_id))", SYSTAB_STORED, 0, NULL},

    /* system_views (SystemViewsKeyspace; a subset, empty unless noted in vtable.c) */
    {VIEWS, "caches", "system caches",
     "name text, capacity_bytes bigint, entry_count int, hit_count bigint, hit_ratio double, "
     "recent_hit_rate_per_second bigint, recent_request_rate_per_second bigint, request_count bigint, "
     "size_bytes bigint", "((name))", SYSTAB_COMPUTED, 0, NULL},
    {VIEWS, "clients", "currently connected clients",
     "address inet, port int, client_options frozen<map<text, text>>, connection_stage text, "
     "driver_name text, driver_version text, hostname text, protocol_version int, request_count bigint, "
     "ssl_cipher_suite text, ssl_enabled boolean, ssl_protocol text, username text",
     "((address), port)", SYSTAB_COMPUTED, 0, NULL},
    {VIEWS, "settings", "current settings",
     "name text, value text", "((name))", SYSTAB_COMPUTED, 0, NULL},
    {VIEWS, "sstable_tasks", "current sstable tasks",
     "keyspace_name text, table_name text, task_id uuid, kind text, progress bigint, total bigint, unit text",
     "((keyspace_name), table_name, task_id)", SYSTAB_COMPUTED, 0, NULL},
    {VIEWS, "system_properties", "Cassandra relevant system properties",
     "name text, value text", "((name))", SYSTAB_COMPUTED, 0, NULL},
    {VIEWS, "thread_pools", "Thread pool metrics for all thread pools",
     "name text, active_tasks int, active_tasks_limit int, blocked_tasks bigint, "
     "blocked_tasks_all_time bigint, completed_tasks bigint, pending_tasks int",
     "((name))", SYSTAB_COMPUTED, 0, NULL},

    /* system_virtual_schema (VirtualSchemaKeyspace) */
    {VSCH, "columns", "virtual column definitions",
     "keyspace_name text, table_name text, column_name text, clustering_order text, "
     "column_name_bytes blob, kind text, position int, type text",
     "((keyspace_name), table_name, column_name)", SYSTAB_COMPUTED, 0, NULL},
    {VSCH, "keyspaces", "virtual keyspace definitions",
     "keyspace_name text", "((keyspace_name))", SYSTAB_COMPUTED, 0, NULL},
    {VSCH, "tables", "virtual table definitions",
     "keyspace_name text, table_name text, comment text", "((keyspace_name), table_name)", SYSTAB_COMPUTED, 0, NULL},
};
/* clang-format on */
#define NDEFS (sizeof defs / sizeof defs[0])

struct ks_def {
    const char *name;
    enum strategy_kind kind;
    uint32_t rf;
    bool is_virtual;
    int32_t gc_grace_s;    /* -1: Cassandra's default */
    int32_t flush_period_ms;
};

static const struct ks_def ks_defs[] = {
    {SYS, STRATEGY_LOCAL, 0, false, 0, 3600000},
    {SCH, STRATEGY_LOCAL, 0, false, 7 * DAY_S, 3600000},
    {AUTH, STRATEGY_SIMPLE, 1, false, 90 * DAY_S, 0},
    {DIST, STRATEGY_SIMPLE, 3, false, -1, 0},
    {TRACES, STRATEGY_SIMPLE, 2, false, 0, 0},
    {VIEWS, STRATEGY_LOCAL, 0, true, -1, 0},
    {VSCH, STRATEGY_LOCAL, 0, true, -1, 0},
};
#define NKS (sizeof ks_defs / sizeof ks_defs[0])

static struct table_schema *built[NDEFS];
static pthread_once_t built_once = PTHREAD_ONCE_INIT;

void syskeyspaces_table_id(const char *keyspace, const char *table, struct uuid *out)
{
    struct md5 m;
    md5_init(&m);
    md5_update(&m, keyspace, strlen(keyspace));
    md5_update(&m, table, strlen(table));
    md5_final(&m, out->b);
    out->b[6] = (uint8_t)((out->b[6] & 0x0f) | 0x30);
    out->b[8] = (uint8_t)((out->b[8] & 0x3f) | 0x80);
}

static const struct ks_def *find_ks_def(const char *name)
{
    for (size_t i = 0; i < NKS; i++)
        if (strcmp(ks_defs[i].name, name) == 0) return &ks_defs[i];
    return NULL;
}

/* Copies the next comma-separated item of *p (commas inside <> or () do not count). */
static bool next_item(const char **p, char *out, size_t cap)
{
    const char *s = *p;
    while (*s == ' ' || *s == ',')
        s++;
    if (!*s) return false;
    size_t n = 0;
    int depth = 0;
    for (; *s && (depth > 0 || *s != ','); s++) {
        if (*s == '<' || *s == '(') depth++;
        if (*s == '>' || *s == ')') depth--;
        ASSERT(n + 1 < cap);
        out[n++] = *s;
    }
    while (n > 0 && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
    *p = s;
    return true;
}

static const struct cql_type *column_type(const char *columns, const char *name, struct arena *a)
{
    char item[256];
    const char *p = columns;
    size_t nlen = strlen(name);
    while (next_item(&p, item, sizeof item)) {
        if (strncmp(item, name, nlen) != 0 || item[nlen] != ' ') continue;
        const struct cql_type *t = NULL;
        const char *ts = item + nlen + 1;
        int rc = cql_type_parse(ts, strlen(ts), NULL, NULL, NULL, a, &t, NULL);
        ASSERT(rc == 0);
        return t;
    }
    ASSERT(!"column in PRIMARY KEY not in the column list");
    return NULL;
}

static void add_key_columns(struct table_schema *s, const struct systab_def *d, struct arena *a)
{
    char pk[512], item[256], inner[256];
    snprintf(pk, sizeof pk, "%s", d->primary_key + 1); /* drop the outer '(' */
    pk[strlen(pk) - 1] = '\0';                           /* and the outer ')' */
    const char *p = pk;
    bool first = true;
    int ck = 0;
    while (next_item(&p, item, sizeof item)) {
        if (first) {
            ASSERT(item[0] == '(');
            snprintf(inner, sizeof inner, "%s", item + 1);
            inner[strlen(inner) - 1] = '\0';
            const char *q = inner;
            char col[128];
            for (int pos = 0; next_item(&q, col, sizeof col); pos++)
                ASSERT(table_schema_add_column(s, col, COLUMN_PARTITION_KEY, pos, false,
                                               column_type(d->columns, col, a), NULL) == 0);
            first = false;
            continue;
        }
        ASSERT(table_schema_add_column(s, item, COLUMN_CLUSTERING, ck++, false,
                                       column_type(d->columns, item, a), NULL) == 0);
    }
}

static struct table_schema *build_one(const struct systab_def *d)
{
    struct uuid id;
    syskeyspaces_table_id(d->keyspace, d->name, &id);
    struct table_schema *s = table_schema_new(d->keyspace, d->name, &id);
    struct arena a;
    arena_init(&a, 4096);
    add_key_columns(s, d, &a);
    char item[256];
    const char *p = d->columns;
    while (next_item(&p, item, sizeof item)) {
        char *sp = strchr(item, ' ');
        ASSERT(sp != NULL);
        *sp = '\0';
        if (table_schema_column(s, item)) continue; /* a key column */
        const struct cql_type *t = NULL;
        ASSERT(cql_type_parse(sp + 1, strlen(sp + 1), NULL, NULL, NULL, &a, &t, NULL) == 0);
        ASSERT(table_schema_add_column(s, item, COLUMN_REGULAR, -1, false, t, NULL) == 0);
    }
    arena_deinit(&a);
    const struct ks_def *k = find_ks_def(d->keyspace);
    char num[32];
    ASSERT(table_schema_set_option(s, "comment", d->comment, NULL) == 0);
    if (k->gc_grace_s >= 0) {
        snprintf(num, sizeof num, "%d", k->gc_grace_s);
        ASSERT(table_schema_set_option(s, "gc_grace_seconds", num, NULL) == 0);
    }
    snprintf(num, sizeof num, "%d", k->flush_period_ms);
    ASSERT(table_schema_set_option(s, "memtable_flush_period_in_ms", num, NULL) == 0);
    snprintf(num, sizeof num, "%d", d->default_ttl_s);
    ASSERT(table_schema_set_option(s, "default_time_to_live", num, NULL) == 0);
    if (d->compaction) ASSERT(table_schema_set_option(s, "compaction", d->compaction, NULL) == 0);
    ASSERT(table_schema_finish(s, NULL) == 0);
    return s;
}

static void build_all(void)
{
    for (size_t i = 0; i < NDEFS; i++)
        built[i] = build_one(&defs[i]);
}

static int find_def(const char *keyspace, const char *name)
{
    for (size_t i = 0; i < NDEFS; i++)
        if (strcmp(defs[i].keyspace, keyspace) == 0 && strcmp(defs[i].name, name) == 0)
            return (int)i;
    return -1;
}

struct table_schema *syskeyspaces_table(const char *keyspace, const char *name)
{
    int i = find_def(keyspace, name);
    if (i < 0) return NULL;
    pthread_once(&built_once, build_all);
    return built[i];
}

bool syskeyspaces_is_computed(const char *keyspace, const char *name)
{
    int i = find_def(keyspace, name);
    return i >= 0 && defs[i].kind == SYSTAB_COMPUTED;
}

const char *syskeyspaces_comment(const char *keyspace, const char *name)
{
    int i = find_def(keyspace, name);
    return i >= 0 ? defs[i].comment : "";
}

void syskeyspaces_add(struct catalog_edit *e)
{
    pthread_once(&built_once, build_all);
    for (size_t k = 0; k < NKS; k++) {
        const struct ks_def *kd = &ks_defs[k];
        catalog_edit_drop_keyspace(e, kd->name);
        struct catalog_ks_params p = {.name = kd->name,
                                      .durable_writes = true,
                                      .is_system = true,
                                      .is_virtual = kd->is_virtual};
        p.strategy.kind = kd->kind;
        p.strategy.rf = kd->rf;
        catalog_edit_put_keyspace(e, &p);
        for (size_t i = 0; i < NDEFS; i++)
            if (strcmp(defs[i].keyspace, kd->name) == 0) catalog_edit_put_table(e, built[i]);
    }
}

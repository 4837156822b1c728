/*
 * config: see config.h. libyaml builds a node tree of the document (with line marks); we walk
 * its top-level mapping once. Each key is looked up in `keys` (the settings ringdb uses, in
 * their 4.1 and pre-4.1 spellings); a hit is parsed by its kind (duration, size, rate, integer,
 * enum ...) straight into the struct field at its offset. A miss is checked against Cassandra
 * 4.1's key list (config_keys.c): known means "accepted, warned once", unknown means "error".
 *
 * Why a table of offsets: the ~45 settings then share one parser per value kind, and one line
 * per key documents its spelling, kind, bounds and unit, next to Cassandra's name for it.
 *
 * Invariant: after a successful load every field holds a validated value; a failed load leaves
 * the config only fit for config_deinit. Thread rule: start-up thread only.
 */
#include "node/config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#include "node/base/assert.h"
#include "node/base/mem.h"
#include "node/config_parse.h"
#include "node/config_keys.h"
#include "node/config_units.h"

#define MIB (1024ull * 1024)

static_assert(sizeof(enum commitlog_sync) == sizeof(int), "K_ENUM stores enums as int");
static_assert(sizeof(enum config_authenticator) == sizeof(int), "K_ENUM stores enums as int");
static_assert(sizeof(enum log_level) == sizeof(int), "K_ENUM stores enums as int");

static const struct config_enum_name sync_names[] = {{"periodic", COMMITLOG_SYNC_PERIODIC},
                                                     {"batch", COMMITLOG_SYNC_BATCH},
                                                     {"group", COMMITLOG_SYNC_GROUP},
                                                     {NULL, 0}};
static const struct config_enum_name failure_names[] = {
    {"stop", CONFIG_COMMIT_FAILURE_STOP},
    {"stop_commit", CONFIG_COMMIT_FAILURE_STOP_COMMIT},
    {"ignore", CONFIG_COMMIT_FAILURE_IGNORE},
    {"die", CONFIG_COMMIT_FAILURE_DIE},
    {NULL, 0}};
static const struct config_enum_name authenticator_names[] = {
    {"AllowAllAuthenticator", CONFIG_AUTH_ALLOW_ALL},
    {"PasswordAuthenticator", CONFIG_AUTH_PASSWORD},
    {NULL, 0}};
static const struct config_enum_name authorizer_names[] = {
    {"AllowAllAuthorizer", CONFIG_AUTHZ_ALLOW_ALL},
    {"CassandraAuthorizer", CONFIG_AUTHZ_CASSANDRA},
    {NULL, 0}};
static const struct config_enum_name role_manager_names[] = {{"CassandraRoleManager", 0},
                                                             {NULL, 0}};
static const struct config_enum_name snitch_names[] = {
    {"SimpleSnitch", CONFIG_SNITCH_SIMPLE},
    {"GossipingPropertyFileSnitch", CONFIG_SNITCH_GOSSIPING_PROPERTY},
    {"RackInferringSnitch", CONFIG_SNITCH_RACK_INFERRING},
    {NULL, 0}};
static const struct config_enum_name log_level_names[] = {
    {"error", LOG_ERROR}, {"warn", LOG_WARN}, {"info", LOG_INFO}, {"debug", LOG_DEBUG}, {NULL, 0}};

#define F(field) offsetof(struct config, field)
#define AUTH "org.apache.cassandra.auth."
#define LOCATOR "org.apache.cassandra.locator."
/* Row builders for the table: a 4.1 key, and an old spelling (O_*) that sets the same field. */
/* clang-format off */
#define STR(n, f) {.name = n, .kind = K_STRING, .offset = F(f)}
#define BOOL(n, f) {.name = n, .kind = K_BOOL, .offset = F(f)}
#define U32(n, f, lo, hi) {.name = n, .kind = K_U32, .offset = F(f), .min = lo, .max = hi}
#define DBL(n, f, lo, hi) {.name = n, .kind = K_DOUBLE, .offset = F(f), .min = lo, .max = hi}
#define DUR(n, f, hi) \
    {.name = n, .kind = K_DURATION, .offset = F(f), .max = hi, .unit = CONFIG_UNIT_MS}
#define O_MS(n, g, f, hi) {.name = n, .group = g, .kind = K_OLD_MS, .offset = F(f), .max = hi}
#define SIZE(n, f, lo, hi) \
    {.name = n, .kind = K_SIZE, .offset = F(f), .min = lo, .max = hi, .unit = CONFIG_UNIT_MIB}
#define O_MIB(n, g, f, lo, hi) \
    {.name = n, .group = g, .kind = K_OLD_MIB, .offset = F(f), .min = lo, .max = hi}
#define ENUM(n, off, list, pfx) \
    {.name = n, .kind = K_ENUM, .offset = off, .names = list, .prefix = pfx}
#define SPECIAL(n, fn) {.name = n, .kind = K_SPECIAL, .special = fn}
/* clang-format on */

/* The settings ringdb uses, with their Cassandra 4.1 names and bounds (canonical units). */
static const struct config_key keys[] = {
    STR("cluster_name", cluster_name),
    U32("num_tokens", num_tokens, 1, CONFIG_NUM_TOKENS_MAX),
    SPECIAL("seed_provider", config_parse_seed_provider),
    STR("listen_address", listen_address),
    STR("rpc_address", rpc_address),
    STR("broadcast_address", broadcast_address),
    STR("broadcast_rpc_address", broadcast_rpc_address),
    U32("native_transport_port", native_transport_port, 1, 65535),
    U32("storage_port", storage_port, 1, 65535),
    SPECIAL("data_file_directories", config_parse_data_dirs),
    STR("commitlog_directory", commitlog_directory),
    STR("hints_directory", hints_directory),
    STR("saved_caches_directory", saved_caches_directory),
    ENUM("commitlog_sync", F(commitlog_sync), sync_names, NULL),
    DUR("commitlog_sync_period", commitlog_sync_period_ms, UINT32_MAX),
    O_MS("commitlog_sync_period_in_ms", "commitlog_sync_period", commitlog_sync_period_ms,
         UINT32_MAX),
    DUR("commitlog_sync_group_window", commitlog_sync_group_window_ms, UINT32_MAX),
    {.name = "commitlog_sync_group_window_in_ms",
     .group = "commitlog_sync_group_window",
     .kind = K_OLD_MS_DOUBLE,
     .offset = F(commitlog_sync_group_window_ms),
     .max = UINT32_MAX},
    SIZE("commitlog_segment_size", commitlog_segment_size_bytes, 1 * MIB, 2047 * MIB),
    O_MIB("commitlog_segment_size_in_mb", "commitlog_segment_size", commitlog_segment_size_bytes,
          1 * MIB, 2047 * MIB),
    ENUM("commit_failure_policy", F(commit_failure_policy), failure_names, NULL),
    SIZE("memtable_heap_space", memtable_heap_space_bytes, 1 * MIB, CONFIG_MEMTABLE_SPACE_MAX),
    O_MIB("memtable_heap_space_in_mb", "memtable_heap_space", memtable_heap_space_bytes, 1 * MIB,
          CONFIG_MEMTABLE_SPACE_MAX),
    U32("concurrent_compactors", concurrent_compactors, 1, 64),
    {.name = "compaction_throughput",
     .kind = K_RATE,
     .offset = F(compaction_throughput_bytes_per_s),
     .max = UINT64_MAX},
    O_MIB("compaction_throughput_mb_per_sec", "compaction_throughput",
          compaction_throughput_bytes_per_s, 0, UINT64_MAX),
    BOOL("incremental_backups", incremental_backups),
    BOOL("auto_snapshot", auto_snapshot),
    BOOL("hinted_handoff_enabled", hinted_handoff_enabled),
    DUR("max_hint_window", max_hint_window_ms, INT32_MAX),
    O_MS("max_hint_window_in_ms", "max_hint_window", max_hint_window_ms, INT32_MAX),
    DUR("read_request_timeout", read_request_timeout_ms, CONFIG_TIMEOUT_MAX_MS),
    O_MS("read_request_timeout_in_ms", "read_request_timeout", read_request_timeout_ms,
         CONFIG_TIMEOUT_MAX_MS),
    DUR("write_request_timeout", write_request_timeout_ms, CONFIG_TIMEOUT_MAX_MS),
    O_MS("write_request_timeout_in_ms", "write_request_timeout", write_request_timeout_ms,
         CONFIG_TIMEOUT_MAX_MS),
    DUR("range_request_timeout", range_request_timeout_ms, CONFIG_TIMEOUT_MAX_MS),
    O_MS("range_request_timeout_in_ms", "range_request_timeout", range_request_timeout_ms,
         CONFIG_TIMEOUT_MAX_MS),
    DUR("request_timeout", request_timeout_ms, CONFIG_TIMEOUT_MAX_MS),
    O_MS("request_timeout_in_ms", "request_timeout", request_timeout_ms, CONFIG_TIMEOUT_MAX_MS),
    ENUM("authenticator", F(authenticator), authenticator_names, AUTH),
    ENUM("authorizer", F(authorizer), authorizer_names, AUTH),
    ENUM("role_manager", CONFIG_NO_FIELD, role_manager_names, AUTH),
    ENUM("endpoint_snitch", F(endpoint_snitch), snitch_names, LOCATOR),
    DBL("phi_convict_threshold", phi_convict_threshold, 5, 16),
    SIZE("native_transport_max_frame_size", native_transport_max_frame_size_bytes, 1 * MIB,
         2047 * MIB),
    O_MIB("native_transport_max_frame_size_in_mb", "native_transport_max_frame_size",
          native_transport_max_frame_size_bytes, 1 * MIB, 2047 * MIB),
    U32("native_transport_max_threads", native_transport_max_threads, 1, 4096),
    U32("concurrent_reads", concurrent_reads, 2, 4096),
    U32("concurrent_writes", concurrent_writes, 2, 4096),
    ENUM("ringdb_log_level", F(ringdb_log_level), log_level_names, NULL),
};

/* ringdb-only keys, offered as "did you mean" candidates beside Cassandra's. */
static const char *const ringdb_keys[] = {"ringdb_log_level"};

static const struct config_key *find_key(const char *name)
{
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strcmp(keys[i].name, name) == 0) return &keys[i];
    return NULL;
}

void config_init(struct config *c)
{
    memset(c, 0, sizeof *c);
    arena_init(&c->arena, 16 * 1024);
    struct arena *a = &c->arena;
    c->source = arena_strdup(a, "(defaults)");
    c->cluster_name = arena_strdup(a, "Test Cluster");
    c->num_tokens = 16;
    c->seeds = arena_zalloc(a, sizeof c->seeds[0]);
    c->seeds[0].host = arena_strdup(a, "127.0.0.1");
    c->seeds_count = 1;
    c->listen_address = arena_strdup(a, "localhost");
    c->rpc_address = arena_strdup(a, "localhost");
    c->native_transport_port = 9042;
    c->storage_port = 7000;
    c->data_file_directories = arena_zalloc(a, sizeof(char *));
    c->data_file_directories[0] = arena_strdup(a, "data/data");
    c->data_file_directories_count = 1;
    c->commitlog_directory = arena_strdup(a, "data/commitlog");
    c->hints_directory = arena_strdup(a, "data/hints");
    c->saved_caches_directory = arena_strdup(a, "data/saved_caches");
    c->commitlog_sync = COMMITLOG_SYNC_PERIODIC;
    c->commitlog_sync_period_ms = 10000;
    c->commitlog_sync_group_window_ms = 15;
    c->commitlog_segment_size_bytes = 32 * MIB;
    c->commit_failure_policy = CONFIG_COMMIT_FAILURE_STOP;
    c->compaction_throughput_bytes_per_s = 64 * MIB;
    c->auto_snapshot = true;
    c->hinted_handoff_enabled = true;
    c->max_hint_window_ms = 3 * 3600 * 1000;
    c->read_request_timeout_ms = 5000;
    c->write_request_timeout_ms = 2000;
    c->range_request_timeout_ms = 10000;
    c->request_timeout_ms = 10000;
    c->phi_convict_threshold = 8.0;
    c->native_transport_max_frame_size_bytes = 16 * MIB;
    c->native_transport_max_threads = 128;
    c->concurrent_reads = 32;
    c->concurrent_writes = 32;
    c->ringdb_log_level = LOG_INFO;
}

void config_deinit(struct config *c)
{
    if (!c) return;
    arena_deinit(&c->arena);
    memset(c, 0, sizeof *c);
}

/* ---- value kinds ------------------------------------------------------------------------ */

static int set_enum(struct config_parse *l, const struct config_key *k, yaml_node_t *v)
{
    const char *s;
    int r = config_parse_class_name(l, k->name, v, &s);
    if (r <= 0) return r;
    const char *name = s;
    if (k->prefix && strncmp(name, k->prefix, strlen(k->prefix)) == 0) name += strlen(k->prefix);
    for (const struct config_enum_name *e = k->names; e->name; e++) {
        if (strcmp(e->name, name) != 0) continue;
        if (k->offset != CONFIG_NO_FIELD) *(int *)((char *)l->c + k->offset) = e->value;
        return 0;
    }
    char choices[256] = "";
    size_t used = 0;
    for (const struct config_enum_name *e = k->names; e->name && used < sizeof choices; e++) {
        int n = snprintf(choices + used, sizeof choices - used, "%s%s", used ? ", " : "", e->name);
        if (n > 0) used += (size_t)n;
    }
    return config_parse_bad_value(l, k->name, v, s, "ringdb supports %s", choices);
}

static int check_range(struct config_parse *l, const struct config_key *k, yaml_node_t *v,
                       const char *s, uint64_t x)
{
    if (x >= k->min && x <= k->max) return 0;
    return config_parse_bad_value(
        l, k->name, v, s, "out of range [%llu, %llu]%s", (unsigned long long)k->min,
        (unsigned long long)k->max,
        k->kind == K_DURATION || k->kind == K_OLD_MS || k->kind == K_OLD_MS_DOUBLE ? " milliseconds"
        : k->kind == K_U32                                                         ? ""
                                                                                   : " bytes");
}

/* Parses a number-like scalar of kind k into canonical units. */
static int parse_number(const struct config_key *k, const char *s, uint64_t *x, const char **why)
{
    double d;
    switch (k->kind) {
    case K_U32:
    case K_OLD_MS:
        return config_units_uint(s, x, why);
    case K_OLD_MS_DOUBLE: /* Cassandra's MILLIS_DURATION_DOUBLE rounds to whole milliseconds */
        if (config_units_double(s, &d, why) != 0) return -1;
        if (d < 0 || d > 4e18) {
            *why = "expected a non-negative number of milliseconds";
            return -1;
        }
        *x = (uint64_t)(d + 0.5);
        return 0;
    case K_OLD_MIB:
        if (config_units_uint(s, x, why) != 0) return -1;
        if (config_units_mul_u64(*x, MIB, x) != 0) {
            *why = "size too large";
            return -1;
        }
        return 0;
    case K_DURATION:
        return config_units_duration_ms(s, (enum config_time_unit)k->unit, x, why);
    case K_SIZE:
        return config_units_size_bytes(s, (enum config_size_unit)k->unit, x, why);
    case K_RATE:
        return config_units_rate_bytes_per_s(s, x, why);
    default:
        UNREACHABLE();
    }
}

static int set_value(struct config_parse *l, const struct config_key *k, yaml_node_t *v)
{
    if (k->kind == K_SPECIAL) return k->special(l, v);
    if (k->kind == K_ENUM) return set_enum(l, k, v);
    const char *s;
    int r = config_parse_scalar(l, k->name, v, &s);
    if (r <= 0) return r; /* error, or null: the setting stays unset */
    void *field = (char *)l->c + k->offset;
    const char *why;
    switch (k->kind) {
    case K_STRING:
        *(char **)field = arena_strdup(&l->c->arena, s);
        return 0;
    case K_BOOL:
        if (config_units_bool(s, (bool *)field, &why) != 0)
            return config_parse_bad_value(l, k->name, v, s, "%s", why);
        return 0;
    case K_DOUBLE: {
        double d;
        if (config_units_double(s, &d, &why) != 0)
            return config_parse_bad_value(l, k->name, v, s, "%s", why);
        if (d < (double)k->min || d > (double)k->max)
            return config_parse_bad_value(l, k->name, v, s, "out of range [%llu, %llu]",
                                          (unsigned long long)k->min, (unsigned long long)k->max);
        *(double *)field = d;
        return 0;
    }
    default:
        break;
    }
    uint64_t x;
    if (parse_number(k, s, &x, &why) != 0)
        return config_parse_bad_value(l, k->name, v, s, "%s", why);
    if (check_range(l, k, v, s, x) != 0) return -1;
    if (k->kind == K_U32)
        *(uint32_t *)field = (uint32_t)x;
    else
        *(uint64_t *)field = x;
    return 0;
}

/* ---- the document walk ------------------------------------------------------------------ */

/* Records key's setting group as seen at line; two keys of one group in a file is an error. */
static int note_seen(struct config_parse *l, const char *group, const char *key, int line)
{
    for (size_t i = 0; i < l->seen_count; i++) {
        if (strcmp(l->seen[i].group, group) != 0) continue;
        if (strcmp(l->seen[i].key, key) == 0)
            return config_parse_fail(l, line, "%s: set twice (first at line %d)", key,
                                     l->seen[i].line);
        return config_parse_fail(l, line,
                                 "%s: sets the same setting as %s at line %d (old and new "
                                 "spellings of one key); keep one",
                                 key, l->seen[i].key, l->seen[i].line);
    }
    if (l->seen_count == CONFIG_KEYS_MAX)
        return config_parse_fail(l, line, "more than %d keys", CONFIG_KEYS_MAX);
    xgrow((void **)&l->seen, &l->seen_cap, l->seen_count + 1, sizeof l->seen[0]);
    l->seen[l->seen_count++] = (struct config_seen){group, key, line};
    return 0;
}

static int handle_unknown(struct config_parse *l, const char *key, int line, yaml_node_t *v)
{
    if (config_keys_is_removed(key))
        return config_parse_fail(l, line,
                                 "%s: this setting was removed in Cassandra 4.0 (Thrift is "
                                 "gone; clients use native_transport_port); delete it",
                                 key);
    if (!config_keys_is_cassandra(key)) {
        const char *near =
            config_keys_nearest(key, ringdb_keys, sizeof ringdb_keys / sizeof ringdb_keys[0]);
        if (near)
            return config_parse_fail(l, line, "unknown key '%s' (did you mean '%s'?)", key, near);
        return config_parse_fail(l, line,
                                 "unknown key '%s': neither a Cassandra 4.1 setting nor a "
                                 "ringdb_ setting",
                                 key);
    }
    if (config_parse_check_unsupported(l, key, v) != 0) return -1;
    if (v->type == YAML_SCALAR_NODE) {
        const char *s;
        int r = config_parse_scalar(l, key, v, &s);
        if (r <= 0) return r; /* null sets nothing: no warning */
    }
    struct config *c = l->c;
    if (c->ignored_count == c->ignored_cap) { /* grows in the arena: old arrays stay until deinit */
        size_t cap = c->ignored_cap ? 2 * c->ignored_cap : 16;
        struct config_ignored *bigger = arena_alloc(&c->arena, cap * sizeof bigger[0]);
        if (c->ignored_count) memcpy(bigger, c->ignored, c->ignored_count * sizeof bigger[0]);
        c->ignored = bigger;
        c->ignored_cap = cap;
    }
    c->ignored[c->ignored_count++] = (struct config_ignored){arena_strdup(&c->arena, key), line};
    log_warn("config", "%s:%d: %s is a Cassandra setting ringdb does not use yet; ignored", l->name,
             line, key);
    return 0;
}

static int walk_root(struct config_parse *l, yaml_node_t *root)
{
    if (root->type != YAML_MAPPING_NODE)
        return config_parse_fail(l, config_parse_line(root),
                                 "expected 'key: value' lines at the top level");
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
         p++) {
        yaml_node_t *kn = yaml_document_get_node(l->doc, p->key);
        yaml_node_t *vn = yaml_document_get_node(l->doc, p->value);
        ASSERT(kn && vn);
        int line = config_parse_line(kn);
        const char *key;
        if (config_parse_scalar(l, "(key)", kn, &key) <= 0)
            return config_parse_fail(l, line, "a key must be a plain name");
        const struct config_key *k = find_key(key);
        if (note_seen(l, k && k->group ? k->group : key, k ? k->name : key, line) != 0) return -1;
        int r = k ? set_value(l, k, vn) : handle_unknown(l, key, line, vn);
        if (r != 0) return r;
    }
    return config_parse_check_sync_keys(l);
}

static int syntax_error(const yaml_parser_t *p, const char *name, struct errmsg *em)
{
    return errmsg_set(em, ERR_CONFIG, "%s:%zu:%zu: YAML syntax error: %s%s%s", name,
                      p->problem_mark.line + 1, p->problem_mark.column + 1,
                      p->problem ? p->problem : "unreadable", p->context ? " " : "",
                      p->context ? p->context : "");
}

/* A first pass over the parser's events refuses nesting deeper than CONFIG_DEPTH_MAX and a
   second document before libyaml's loader builds the tree: its scanner is quadratic in the
   nesting depth (a 400 KB file of '[' takes minutes), and Cassandra reads one document. */
static int check_shape(const char *text, size_t len, const char *name, struct errmsg *em)
{
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p))
        return errmsg_set(em, ERR_CONFIG, "%s: cannot start the YAML parser", name);
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    int depth = 0, docs = 0, rc = 0;
    for (;;) { /* bounded: every event consumes input, and the stream ends */
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            rc = syntax_error(&p, name, em);
            break;
        }
        yaml_event_type_t type = ev.type;
        size_t line = ev.start_mark.line + 1;
        yaml_event_delete(&ev);
        if (type == YAML_STREAM_END_EVENT) break;
        if (type == YAML_SEQUENCE_END_EVENT || type == YAML_MAPPING_END_EVENT) depth--;
        if ((type == YAML_SEQUENCE_START_EVENT || type == YAML_MAPPING_START_EVENT) &&
            ++depth > CONFIG_DEPTH_MAX) {
            rc = errmsg_set(em, ERR_CONFIG, "%s:%zu: nested deeper than %d levels", name, line,
                            CONFIG_DEPTH_MAX);
            break;
        }
        if (type == YAML_DOCUMENT_START_EVENT && ++docs > 1) {
            rc = errmsg_set(em, ERR_CONFIG,
                            "%s:%zu: a second YAML document ('---'); put every "
                            "setting in one",
                            name, line);
            break;
        }
    }
    yaml_parser_delete(&p);
    return rc;
}

int config_load_string(struct config *c, const char *text, size_t len, const char *name,
                       struct errmsg *em)
{
    struct errmsg local;
    if (!em) em = &local;
    if (len > CONFIG_FILE_MAX_BYTES)
        return errmsg_set(em, ERR_CONFIG, "%s: larger than %d bytes", name, CONFIG_FILE_MAX_BYTES);
    int rc = check_shape(text, len, name, em);
    if (rc != 0) return rc;
    c->source = arena_strdup(&c->arena, name);
    struct config_parse l = {.c = c, .name = c->source, .em = em};
    yaml_parser_t parser;
    yaml_document_t doc;
    if (!yaml_parser_initialize(&parser))
        return errmsg_set(em, ERR_CONFIG, "%s: cannot start the YAML parser", name);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &doc)) {
        rc = syntax_error(&parser, name, em);
        yaml_parser_delete(&parser);
        return rc;
    }
    l.doc = &doc;
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    rc = root ? walk_root(&l, root) : 0; /* an empty file sets nothing */
    if (rc != 0) rc = ERR_CONFIG;
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    free(l.seen);
    return rc;
}

int config_load_file(struct config *c, const char *path, struct errmsg *em)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errmsg_set(em, -errno, "%s: cannot open: %s", path, strerror(errno));
    char *text = xmalloc(CONFIG_FILE_MAX_BYTES + 1);
    size_t len = 0;
    int rc = 0;
    for (;;) { /* bounded: at most CONFIG_FILE_MAX_BYTES + 1 bytes are read */
        ssize_t n = read(fd, text + len, CONFIG_FILE_MAX_BYTES + 1 - len);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            rc = errmsg_set(em, -errno, "%s: cannot read: %s", path, strerror(errno));
            break;
        }
        len += (size_t)n;
        if (n == 0 || len == CONFIG_FILE_MAX_BYTES + 1) break;
    }
    close(fd);
    if (rc == 0) rc = config_load_string(c, text, len, path, em);
    free(text);
    return rc;
}

/* ---- derived settings ------------------------------------------------------------------- */

static bool is_wildcard(const char *addr)
{
    return strcmp(addr, "0.0.0.0") == 0 || strcmp(addr, "::") == 0 ||
           strcmp(addr, "0:0:0:0:0:0:0:0") == 0;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
    return a > b ? a : b;
}

/* Cassandra sizes memtable_heap_space at 1/4 of the heap, and cassandra-env.sh sizes the heap
   at max(min(RAM/2, 1 GiB), min(RAM/4, 8 GiB)). ringdb has no heap; the same arithmetic keeps
   flush behaviour comparable on the same machine. */
static uint64_t default_memtable_space_bytes(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
    uint64_t ram = pages > 0 && page > 0 ? (uint64_t)pages * (uint64_t)page : 4096 * MIB;
    uint64_t heap = max_u64(min_u64(ram / 2, 1024 * MIB), min_u64(ram / 4, 8192 * MIB));
    return heap / 4;
}

/* Cassandra: min(8, max(2, min(number of data directories, number of cores))). */
static uint32_t default_compactors(size_t disks)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    uint64_t n = min_u64(disks, cores > 0 ? (uint64_t)cores : 1);
    return (uint32_t)min_u64(8, max_u64(2, n));
}

/* Cassandra's LOWEST_ACCEPTED_TIMEOUT: smaller request timeouts are raised, with a warning. */
static void raise_timeout(const struct config *c, const char *key, uint64_t *ms)
{
    if (*ms >= 10) return;
    log_warn("config", "%s: %s of %llums is below the lowest accepted 10ms; using 10ms", c->source,
             key, (unsigned long long)*ms);
    *ms = 10;
}

static int finish_addresses(struct config *c, struct errmsg *em)
{
    if (is_wildcard(c->listen_address))
        return errmsg_set(em, ERR_CONFIG,
                          "%s: listen_address cannot be a wildcard address (%s); "
                          "set the address other nodes reach this one at",
                          c->source, c->listen_address);
    if (!c->broadcast_address) c->broadcast_address = c->listen_address;
    if (!c->broadcast_rpc_address) {
        if (is_wildcard(c->rpc_address))
            return errmsg_set(em, ERR_CONFIG,
                              "%s: rpc_address is a wildcard address (%s), so "
                              "broadcast_rpc_address must be set to the address clients use",
                              c->source, c->rpc_address);
        c->broadcast_rpc_address = c->rpc_address;
    }
    if (is_wildcard(c->broadcast_address) || is_wildcard(c->broadcast_rpc_address))
        return errmsg_set(em, ERR_CONFIG,
                          "%s: broadcast_address and broadcast_rpc_address "
                          "cannot be wildcard addresses",
                          c->source);
    for (size_t i = 0; i < c->seeds_count; i++)
        if (c->seeds[i].port == 0) c->seeds[i].port = (uint16_t)c->storage_port;
    return 0;
}

int config_finish(struct config *c, struct errmsg *em)
{
    int rc = finish_addresses(c, em);
    if (rc != 0) return rc;
    for (size_t i = 0; i < c->data_file_directories_count; i++) {
        const char *d = c->data_file_directories[i];
        if (strcmp(d, c->commitlog_directory) == 0 || strcmp(d, c->hints_directory) == 0 ||
            strcmp(d, c->saved_caches_directory) == 0)
            return errmsg_set(em, ERR_CONFIG,
                              "%s: data_file_directories entry %s is also the "
                              "commit log, hints or saved caches directory",
                              c->source, d);
    }
    if (c->data_file_directories_count > 1)
        log_warn("config",
                 "%s: ringdb stores data in the first of the %zu "
                 "data_file_directories only (%s)",
                 c->source, c->data_file_directories_count, c->data_file_directories[0]);
    if (c->memtable_heap_space_bytes == 0)
        c->memtable_heap_space_bytes = default_memtable_space_bytes();
    if (c->concurrent_compactors == 0)
        c->concurrent_compactors = default_compactors(c->data_file_directories_count);
    raise_timeout(c, "read_request_timeout", &c->read_request_timeout_ms);
    raise_timeout(c, "write_request_timeout", &c->write_request_timeout_ms);
    raise_timeout(c, "range_request_timeout", &c->range_request_timeout_ms);
    raise_timeout(c, "request_timeout", &c->request_timeout_ms);
    return 0;
}

void config_store_config(const struct config *c, struct store_config *out)
{
    memset(out, 0, sizeof *out);
    out->data_dir = c->data_file_directories[0];
    out->commitlog_dir = c->commitlog_directory;
    out->sync_mode = c->commitlog_sync;
    out->sync_period_ms = (uint32_t)c->commitlog_sync_period_ms;
    out->sync_group_window_ms = (uint32_t)c->commitlog_sync_group_window_ms;
    out->segment_bytes = c->commitlog_segment_size_bytes;
    out->memtable_space_bytes = c->memtable_heap_space_bytes;
    out->concurrent_compactors = c->concurrent_compactors;
    out->compaction_bytes_per_s = c->compaction_throughput_bytes_per_s;
    out->incremental_backups = c->incremental_backups;
    out->auto_snapshot = c->auto_snapshot;
    out->commit_failure_ignore = c->commit_failure_policy == CONFIG_COMMIT_FAILURE_IGNORE;
    out->vfs = NULL;
}

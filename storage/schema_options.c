/*
 * schema_options: table options (CQL "WITH ...") — Cassandra 4.1 defaults, parsing and
 * validation of each option from CQL text, normalisation of the option maps, and the derived
 * fields the store reads (compression on/off and chunk size, STCS parameters).
 *
 * Normalisation matches what Cassandra 4.1 stores and prints (TableParams and the *Params
 * classes' asMap()):
 *   caching     {'keys': ALL|NONE, 'rows_per_partition': ALL|NONE|<n>}, both always present
 *   compaction  {'class': full name, 'max_threshold', 'min_threshold' filled in, other options}
 *   compression {'chunk_length_in_kb', 'class': full name, other options} or {'enabled': 'false'}
 *   speculative_retry / additional_write_policy: '99p', '50ms', 'ALWAYS', 'NEVER', 'MIN(99p,50ms)'
 * Compaction: STCS, LCS and TWCS are accepted, validated and shown back as Cassandra does
 * (storage/schema_compaction.h); the store runs size-tiered compaction for all of them, with the
 * map's thresholds and bucket options. Compression: LZ4 (or none) only.
 * Thread rule: builder only (one thread).
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "node/base/assert.h"
#include "storage/schema.h"
#include "storage/schema_compaction.h"
#include "storage/value_format.h"

#define OPT_MAP_MAX 64
#define OPT_TEXT_MAX 4096
#define MAX_TTL_S 630720000   /* 20 years, Cassandra's Attributes.MAX_TTL */
#define BLOOM_FP_MIN 6.71e-05 /* BloomCalculations.minSupportedBloomFilterFpChance() */

#define STCS_CLASS SCHEMA_COMPACTION_STCS
#define LZ4_CLASS "org.apache.cassandra.io.compress.LZ4Compressor"

/* ---- small parsers ------------------------------------------------------------------- */

static int parse_int(const char *name, const char *v, int64_t lo, int64_t hi, int32_t *out,
                     struct errmsg *em)
{
    char *end;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    if (errno || end == v || *end)
        return errmsg_set(em, ERR_SYNTAX, "Invalid integer value %s for '%s'", v, name);
    if (x < lo)
        return errmsg_set(em, ERR_CONFIG, "%s must be greater than or equal to %lld (got %s)", name,
                          (long long)lo, v);
    if (x > hi)
        return errmsg_set(em, ERR_CONFIG, "%s must be less than or equal to %lld (got %s)", name,
                          (long long)hi, v);
    *out = (int32_t)x;
    return 0;
}

static int parse_double(const char *name, const char *v, double *out, struct errmsg *em)
{
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    if (errno || end == v || *end || !isfinite(x))
        return errmsg_set(em, ERR_SYNTAX, "Invalid double value %s for '%s'", v, name);
    *out = x;
    return 0;
}

static int parse_bool(const char *name, const char *v, bool *out, struct errmsg *em)
{
    if (strcasecmp(v, "true") == 0)
        *out = true;
    else if (strcasecmp(v, "false") == 0)
        *out = false;
    else
        return errmsg_set(em, ERR_SYNTAX, "Invalid boolean value %s for '%s'", v, name);
    return 0;
}

/* "99p", "99.5PERCENTILE" -> "99p", "99.5p"; returns 0 or -1. */
static int retry_percentile(const char *v, size_t len, char *out, size_t cap)
{
    char num[64];
    if (len == 0 || len >= sizeof num) return -1;
    memcpy(num, v, len);
    num[len] = '\0';
    char *end;
    double p = strtod(num, &end);
    if (end == num || *end || !(p > 0 && p < 100)) return -1;
    /* DecimalFormat("#.####") */
    snprintf(out, cap, "%.4f", p);
    char *dot = strchr(out, '.');
    char *z = out + strlen(out);
    while (z > dot + 1 && z[-1] == '0')
        *--z = '\0';
    if (z == dot + 1) *dot = '\0';
    strncat(out, "p", cap - strlen(out) - 1);
    return 0;
}

static int retry_fixed(const char *v, size_t len, char *out, size_t cap)
{
    char num[64];
    if (len == 0 || len >= sizeof num) return -1;
    memcpy(num, v, len);
    num[len] = '\0';
    char *end;
    double ms = strtod(num, &end);
    if (end == num || *end || !(ms >= 0 && ms < 9e15)) return -1;
    snprintf(out, cap, "%lldms", (long long)ms);
    return 0;
}

static bool ends_with(const char *s, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);
    return len >= n && strncasecmp(s + len - n, suffix, n) == 0;
}

/* One percentile or fixed policy from s[0..len). */
static int retry_simple(const char *s, size_t len, char *out, size_t cap, bool *is_pct)
{
    *is_pct = true;
    if (ends_with(s, len, "PERCENTILE")) return retry_percentile(s, len - 10, out, cap);
    if (ends_with(s, len, "MS")) {
        *is_pct = false;
        return retry_fixed(s, len - 2, out, cap);
    }
    if (ends_with(s, len, "P")) return retry_percentile(s, len - 1, out, cap);
    return -1;
}

/* SpeculativeRetryPolicy.fromString + toString. */
static int parse_retry(const char *v, char *out, size_t cap)
{
    size_t len = strlen(v);
    if (strcasecmp(v, "NONE") == 0 || strcasecmp(v, "NEVER") == 0) {
        snprintf(out, cap, "NEVER");
        return 0;
    }
    if (strcasecmp(v, "ALWAYS") == 0) {
        snprintf(out, cap, "ALWAYS");
        return 0;
    }
    bool pct;
    if ((len > 5 && (strncasecmp(v, "MIN(", 4) == 0 || strncasecmp(v, "MAX(", 4) == 0)) &&
        v[len - 1] == ')') {
        const char *comma = memchr(v + 4, ',', len - 5);
        if (!comma) return -1;
        char a[64], b[64];
        bool pa, pb;
        const char *s1 = v + 4, *s2 = comma + 1;
        size_t l1 = (size_t)(comma - s1), l2 = (size_t)(v + len - 1 - s2);
        while (l1 && isspace((unsigned char)s1[l1 - 1]))
            l1--;
        while (l2 && isspace((unsigned char)*s2))
            s2++, l2--;
        if (retry_simple(s1, l1, a, sizeof a, &pa) || retry_simple(s2, l2, b, sizeof b, &pb) ||
            pa == pb)
            return -1;
        snprintf(out, cap, "%.3s(%s,%s)", v, pa ? a : b, pa ? b : a);
        for (int i = 0; i < 3; i++)
            out[i] = (char)toupper((unsigned char)out[i]);
        return 0;
    }
    return retry_simple(v, len, out, cap, &pct);
}

/* ---- maps ---------------------------------------------------------------------------- */

/* Builds a sorted map in the schema arena; duplicate keys are refused. */
static int make_map(struct arena *a, uint32_t n, const char *const *keys, const char *const *values,
                    struct str_map *out, struct errmsg *em)
{
    const char **k = arena_alloc(a, (n ? n : 1) * sizeof *k);
    const char **v = arena_alloc(a, (n ? n : 1) * sizeof *v);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t j = i;
        while (j > 0 && strcmp(k[j - 1], keys[i]) > 0) {
            k[j] = k[j - 1];
            v[j] = v[j - 1];
            j--;
        }
        if (j > 0 && strcmp(k[j - 1], keys[i]) == 0)
            return errmsg_set(em, ERR_SYNTAX, "Multiple definition for property %s", keys[i]);
        k[j] = arena_strdup(a, keys[i]);
        v[j] = arena_strdup(a, values[i]);
    }
    *out = (struct str_map){.n = n, .keys = k, .values = v};
    return 0;
}

/* A scratch list of key/value pairs while a map is normalised. */
struct kv {
    uint32_t n;
    const char *k[OPT_MAP_MAX];
    const char *v[OPT_MAP_MAX];
};

static const char *kv_get(const struct kv *m, const char *key)
{
    for (uint32_t i = 0; i < m->n; i++)
        if (strcmp(m->k[i], key) == 0) return m->v[i];
    return NULL;
}

static void kv_set(struct kv *m, const char *key, const char *val)
{
    for (uint32_t i = 0; i < m->n; i++) {
        if (strcmp(m->k[i], key) == 0) {
            m->v[i] = val;
            return;
        }
    }
    ASSERT(m->n < OPT_MAP_MAX);
    m->k[m->n] = key;
    m->v[m->n++] = val;
}

static void kv_del(struct kv *m, const char *key)
{
    for (uint32_t i = 0; i < m->n; i++) {
        if (strcmp(m->k[i], key) == 0) {
            m->k[i] = m->k[m->n - 1];
            m->v[i] = m->v[m->n - 1];
            m->n--;
            return;
        }
    }
}

static int caching_map(struct arena *a, const struct kv *in, struct kv *out, struct errmsg *em)
{
    const char *keys = "ALL", *rows = "NONE";
    for (uint32_t i = 0; i < in->n; i++) {
        const char *k = in->k[i], *v = in->v[i];
        if (strcmp(k, "keys") == 0) {
            if (strcasecmp(v, "ALL") && strcasecmp(v, "NONE"))
                return errmsg_set(em, ERR_CONFIG,
                                  "Invalid value '%s' for caching sub-option 'keys': only 'ALL' "
                                  "and 'NONE' are allowed",
                                  v);
            keys = strcasecmp(v, "ALL") == 0 ? "ALL" : "NONE";
        } else if (strcmp(k, "rows_per_partition") == 0) {
            char *end;
            long n = strtol(v, &end, 10);
            if (strcasecmp(v, "ALL") == 0)
                rows = "ALL";
            else if (strcasecmp(v, "NONE") == 0)
                rows = "NONE";
            else if (*v && !*end && n > 0 && n <= INT32_MAX)
                rows = arena_printf(a, "%ld", n);
            else
                return errmsg_set(em, ERR_CONFIG,
                                  "Invalid value '%s' for caching sub-option 'rows_per_partition': "
                                  "only 'ALL', 'NONE' or a positive integer are allowed",
                                  v);
        } else {
            return errmsg_set(
                em, ERR_CONFIG,
                "Invalid caching sub-options %s: only 'keys' and 'rows_per_partition' are allowed",
                k);
        }
    }
    out->n = 0;
    kv_set(out, "keys", keys);
    kv_set(out, "rows_per_partition", rows);
    return 0;
}

/* CompactionParams.fromMap/create: the class by its full name, min/max_threshold filled in
   (every strategy accepted here takes them), the other sub-options as given (strings). */
static int compaction_map(const struct kv *in, struct kv *out, struct errmsg *em)
{
    const char *cls = kv_get(in, "class");
    if (!cls)
        return errmsg_set(em, ERR_CONFIG,
                          "Missing sub-option 'class' for the 'compaction' option.");
    const char *full;
    int rc = schema_compaction_check(cls, in->k, in->v, in->n, &full, em);
    if (rc) return rc;
    *out = *in;
    kv_set(out, "class", full);
    if (!kv_get(out, "min_threshold")) kv_set(out, "min_threshold", "4");
    if (!kv_get(out, "max_threshold")) kv_set(out, "max_threshold", "32");
    return 0;
}

static int compression_map(const struct kv *in, struct kv *out, struct errmsg *em)
{
    *out = *in;
    const char *en = kv_get(in, "enabled");
    const char *cls = kv_get(in, "class");
    if (!cls) cls = kv_get(in, "sstable_compression");
    bool enabled = !(en && strcasecmp(en, "false") == 0) && !(cls && !*cls);
    if (en && strcasecmp(en, "false") && strcasecmp(en, "true"))
        return errmsg_set(em, ERR_CONFIG, "Invalid value '%s' for compression sub-option 'enabled'",
                          en);
    if (!enabled) {
        out->n = 0;
        kv_set(out, "enabled", "false");
        return 0;
    }
    if (!cls)
        return errmsg_set(em, ERR_CONFIG,
                          "Missing sub-option 'class' for the 'compression' option.");
    if (strcmp(cls, "LZ4Compressor") && strcmp(cls, LZ4_CLASS))
        return errmsg_set(
            em, ERR_CONFIG,
            "Could not create Compression for type %s: only LZ4Compressor is supported", cls);
    const char *kb = kv_get(in, "chunk_length_in_kb");
    if (!kb) kb = kv_get(in, "chunk_length_kb");
    if (!kb) kb = "16";
    char *end;
    long n = strtol(kb, &end, 10);
    if (!*kb || *end || n <= 0 || n > 65536 || (n & (n - 1)))
        return errmsg_set(em, ERR_CONFIG,
                          "chunk_length_in_kb must be a power of 2 between 1 and 65536 (got %s)",
                          kb);
    for (uint32_t i = 0; i < in->n; i++) {
        const char *k = in->k[i];
        if (strcmp(k, "class") && strcmp(k, "sstable_compression") && strcmp(k, "enabled") &&
            strcmp(k, "chunk_length_in_kb") && strcmp(k, "chunk_length_kb") &&
            strcmp(k, "min_compress_ratio") && strcmp(k, "crc_check_chance"))
            return errmsg_set(em, ERR_CONFIG, "Unknown compression options %s", k);
    }
    kv_del(out, "sstable_compression");
    kv_del(out, "chunk_length_kb");
    kv_del(out, "enabled");
    kv_del(out, "crc_check_chance");
    kv_set(out, "class", LZ4_CLASS);
    kv_set(out, "chunk_length_in_kb", kb);
    const char *ratio = kv_get(in, "min_compress_ratio");
    if (ratio) {
        double r;
        if (parse_double("min_compress_ratio", ratio, &r, em) || r < 0)
            return errmsg_set(em, ERR_CONFIG, "Invalid value %s for min_compress_ratio", ratio);
        if (r == 0) kv_del(out, "min_compress_ratio");
    }
    return 0;
}

int table_schema_set_map_option(struct table_schema *s, const char *name, uint32_t n,
                                const char *const *keys, const char *const *values,
                                struct errmsg *em)
{
    ASSERT(!s->finished);
    if (n > OPT_MAP_MAX)
        return errmsg_set(em, ERR_INVALID, "Too many entries in option %s (max %d)", name,
                          OPT_MAP_MAX);
    struct kv in = {.n = n}, out = {0};
    for (uint32_t i = 0; i < n; i++) {
        in.k[i] = keys[i];
        in.v[i] = values[i];
        for (uint32_t j = 0; j < i; j++)
            if (strcmp(keys[i], keys[j]) == 0)
                return errmsg_set(em, ERR_SYNTAX, "Multiple definition for property %s", keys[i]);
    }
    struct str_map *dst;
    int rc;
    if (strcmp(name, "caching") == 0) {
        dst = &s->opts.caching;
        rc = caching_map(&s->arena, &in, &out, em);
    } else if (strcmp(name, "compaction") == 0) {
        dst = &s->opts.compaction;
        rc = compaction_map(&in, &out, em);
    } else if (strcmp(name, "compression") == 0) {
        dst = &s->opts.compression;
        rc = compression_map(&in, &out, em);
    } else if (strcmp(name, "extensions") == 0) {
        dst = &s->opts.extensions;
        out = in;
        rc = 0;
    } else {
        return errmsg_set(em, ERR_SYNTAX, "Unknown property '%s'", name);
    }
    if (rc) return rc;
    /* validate a derivation on a scratch copy so errors surface now, not at finish */
    struct table_options probe = s->opts;
    struct str_map m;
    if ((rc = make_map(&s->arena, out.n, out.k, out.v, &m, em)) != 0) return rc;
    if (dst == &s->opts.compaction) probe.compaction = m;
    if (dst == &s->opts.compression) probe.compression = m;
    if ((rc = table_schema_options_derive(&probe, em)) != 0) return rc;
    *dst = m;
    return 0;
}

/* ---- CQL map text: {'k': 'v', 'n': 4, 'b': true} -------------------------------------- */

static void skip_ws(const char **p)
{
    while (isspace((unsigned char)**p))
        (*p)++;
}

/* Reads a quoted string or a bare constant into the arena. */
static int map_term(struct arena *a, const char **p, const char **out)
{
    skip_ws(p);
    const char *s = *p;
    if (*s == '\'') {
        char buf[OPT_TEXT_MAX];
        size_t n = 0;
        for (s++;; s++) {
            if (!*s) return -1;
            if (*s == '\'') {
                if (s[1] != '\'') break;
                s++;
            }
            if (n + 1 >= sizeof buf) return -1;
            buf[n++] = *s;
        }
        buf[n] = '\0';
        *out = arena_strdup(a, buf);
        *p = s + 1;
        return 0;
    }
    const char *start = s;
    while (*s && (isalnum((unsigned char)*s) || *s == '.' || *s == '-' || *s == '+' || *s == '_'))
        s++;
    if (s == start || (size_t)(s - start) >= OPT_TEXT_MAX) return -1;
    *out = arena_strndup(a, start, (size_t)(s - start));
    *p = s;
    return 0;
}

static int set_map_text(struct table_schema *s, const char *name, const char *text,
                        struct errmsg *em)
{
    struct kv m = {0};
    const char *p = text;
    skip_ws(&p);
    if (*p++ != '{') goto syntax;
    skip_ws(&p);
    if (*p == '}') {
        p++;
    } else {
        for (;;) {
            if (m.n == OPT_MAP_MAX)
                return errmsg_set(em, ERR_INVALID, "Too many entries in option %s", name);
            if (map_term(&s->arena, &p, &m.k[m.n])) goto syntax;
            skip_ws(&p);
            if (*p++ != ':') goto syntax;
            if (map_term(&s->arena, &p, &m.v[m.n])) goto syntax;
            m.n++;
            skip_ws(&p);
            if (*p == ',') {
                p++;
                continue;
            }
            if (*p++ != '}') goto syntax;
            break;
        }
    }
    skip_ws(&p);
    if (*p) goto syntax;
    return table_schema_set_map_option(s, name, m.n, m.k, m.v, em);
syntax:
    return errmsg_set(em, ERR_SYNTAX, "Invalid map value for property '%s': %s", name, text);
}

/* ---- scalar options ------------------------------------------------------------------ */

static int set_retry(struct table_schema *s, const char *name, const char *value, const char **dst,
                     struct errmsg *em)
{
    char norm[160];
    if (parse_retry(value, norm, sizeof norm) < 0)
        return errmsg_set(em, ERR_CONFIG, "Invalid value %s for option '%s'", value, name);
    *dst = arena_strdup(&s->arena, norm);
    return 0;
}

static int set_double_option(const char *name, const char *value, struct table_options *o,
                             struct errmsg *em)
{
    double d;
    int rc = parse_double(name, value, &d, em);
    if (rc) return rc;
    if (strcmp(name, "bloom_filter_fp_chance") == 0) {
        if (!(d > BLOOM_FP_MIN && d <= 1.0))
            return errmsg_set(
                em, ERR_CONFIG,
                "%s must be larger than 6.71E-5 and less than or equal to 1.0 (got %s)", name,
                value);
        o->bloom_filter_fp_chance = d;
    } else {
        if (!(d >= 0.0 && d <= 1.0))
            return errmsg_set(em, ERR_CONFIG, "%s should be between 0.0 and 1.0", name);
        o->crc_check_chance = d;
    }
    return 0;
}

static int set_int_option(const char *name, const char *value, struct table_options *o,
                          struct errmsg *em)
{
    if (strcmp(name, "gc_grace_seconds") == 0)
        return parse_int(name, value, 0, INT32_MAX, &o->gc_grace_seconds, em);
    if (strcmp(name, "default_time_to_live") == 0)
        return parse_int(name, value, 0, MAX_TTL_S, &o->default_time_to_live, em);
    if (strcmp(name, "memtable_flush_period_in_ms") == 0)
        return parse_int(name, value, 0, INT32_MAX, &o->memtable_flush_period_in_ms, em);
    if (strcmp(name, "min_index_interval") == 0)
        return parse_int(name, value, 1, INT32_MAX, &o->min_index_interval, em);
    ASSERT(strcmp(name, "max_index_interval") == 0);
    return parse_int(name, value, 1, INT32_MAX, &o->max_index_interval, em);
}

static bool is_one_of(const char *name, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(name, list[i]) == 0) return true;
    return false;
}

int table_schema_set_option(struct table_schema *s, const char *name, const char *value,
                            struct errmsg *em)
{
    static const char *const maps[] = {"caching", "compaction", "compression", "extensions"};
    static const char *const ints[] = {"gc_grace_seconds", "default_time_to_live",
                                       "memtable_flush_period_in_ms", "min_index_interval",
                                       "max_index_interval"};
    ASSERT(!s->finished);
    struct table_options *o = &s->opts;
    if (strlen(value) >= OPT_TEXT_MAX)
        return errmsg_set(em, ERR_INVALID, "Value of option %s too long", name);
    if (is_one_of(name, maps, 4)) return set_map_text(s, name, value, em);
    if (is_one_of(name, ints, 5)) return set_int_option(name, value, o, em);
    if (!strcmp(name, "bloom_filter_fp_chance") || !strcmp(name, "crc_check_chance"))
        return set_double_option(name, value, o, em);
    if (strcmp(name, "cdc") == 0) return parse_bool(name, value, &o->cdc, em);
    if (strcmp(name, "comment") == 0) {
        o->comment = arena_strdup(&s->arena, value);
        return 0;
    }
    if (strcmp(name, "speculative_retry") == 0)
        return set_retry(s, name, value, &o->speculative_retry, em);
    if (strcmp(name, "additional_write_policy") == 0)
        return set_retry(s, name, value, &o->additional_write_policy, em);
    if (strcmp(name, "read_repair") == 0) {
        if (strcasecmp(value, "BLOCKING") && strcasecmp(value, "NONE"))
            return errmsg_set(em, ERR_CONFIG, "Invalid value '%s' for option 'read_repair'", value);
        o->read_repair = strcasecmp(value, "NONE") == 0 ? "NONE" : "BLOCKING";
        return 0;
    }
    if (strcmp(name, "memtable") == 0) {
        if (strcmp(value, "default") != 0)
            return errmsg_set(em, ERR_CONFIG, "Memtable configuration \"%s\" not found.", value);
        o->memtable = "default";
        return 0;
    }
    return errmsg_set(em, ERR_SYNTAX, "Unknown property '%s'", name);
}

/* ---- defaults and derived fields ----------------------------------------------------- */

void table_schema_options_init(struct table_schema *s)
{
    static const char *const ck[] = {"keys", "rows_per_partition"};
    static const char *const cv[] = {"ALL", "NONE"};
    static const char *const pk[] = {"class", "max_threshold", "min_threshold"};
    static const char *const pv[] = {STCS_CLASS, "32", "4"};
    static const char *const zk[] = {"chunk_length_in_kb", "class"};
    static const char *const zv[] = {"16", LZ4_CLASS};
    struct table_options *o = &s->opts;
    *o = (struct table_options){
        .bloom_filter_fp_chance = 0.01,
        .gc_grace_seconds = 864000,
        .min_index_interval = 128,
        .max_index_interval = 2048,
        .crc_check_chance = 1.0,
        .comment = "",
        .speculative_retry = "99p",
        .additional_write_policy = "99p",
        .read_repair = "BLOCKING",
        .memtable = "default",
    };
    struct errmsg em;
    int rc = make_map(&s->arena, 2, ck, cv, &o->caching, &em);
    rc |= make_map(&s->arena, 3, pk, pv, &o->compaction, &em);
    rc |= make_map(&s->arena, 2, zk, zv, &o->compression, &em);
    rc |= table_schema_options_derive(o, &em);
    ASSERT(rc == 0);
}

static int map_double(const struct str_map *m, const char *key, double def, double *out,
                      struct errmsg *em)
{
    const char *v = str_map_get(m, key);
    if (!v) {
        *out = def;
        return 0;
    }
    if (parse_double(key, v, out, em))
        return errmsg_set(em, ERR_CONFIG, "%s is not a number (got %s)", key, v);
    return 0;
}

static int derive_stcs(struct table_options *o, struct errmsg *em)
{
    int32_t minth = 4, maxth = 32;
    const char *v;
    if ((v = str_map_get(&o->compaction, "min_threshold")) &&
        parse_int("min_threshold", v, INT32_MIN, INT32_MAX, &minth, em))
        return errmsg_set(em, ERR_CONFIG, "min_threshold is not an integer (got %s)", v);
    if ((v = str_map_get(&o->compaction, "max_threshold")) &&
        parse_int("max_threshold", v, INT32_MIN, INT32_MAX, &maxth, em))
        return errmsg_set(em, ERR_CONFIG, "max_threshold is not an integer (got %s)", v);
    if (minth <= 1)
        return errmsg_set(em, ERR_CONFIG, "Min compaction threshold cannot be less than 2 (got %d)",
                          minth);
    if (maxth < minth)
        return errmsg_set(em, ERR_CONFIG,
                          "Min compaction threshold (got %d) cannot be greater than max compaction "
                          "threshold (got %d)",
                          minth, maxth);
    double low, high, minsz;
    if (map_double(&o->compaction, "bucket_low", 0.5, &low, em) ||
        map_double(&o->compaction, "bucket_high", 1.5, &high, em) ||
        map_double(&o->compaction, "min_sstable_size", 50.0 * 1024 * 1024, &minsz, em))
        return em->code;
    if (low <= 0 || low >= 1)
        return errmsg_set(em, ERR_CONFIG, "bucket_low must be between 0 and 1 (got %g)", low);
    if (high <= low)
        return errmsg_set(
            em, ERR_CONFIG,
            "bucket_high value (%g) is less than or equal to the bucket_low value (%g)", high, low);
    if (minsz < 0 || minsz > 1e18)
        return errmsg_set(em, ERR_CONFIG, "min_sstable_size must be non-negative (got %g)", minsz);
    o->stcs_min_threshold = (uint32_t)minth;
    o->stcs_max_threshold = (uint32_t)maxth;
    o->stcs_bucket_low = low;
    o->stcs_bucket_high = high;
    o->stcs_min_sstable_bytes = (uint64_t)minsz;
    return 0;
}

int table_schema_options_derive(struct table_options *o, struct errmsg *em)
{
    if (o->max_index_interval < o->min_index_interval)
        return errmsg_set(
            em, ERR_CONFIG,
            "max_index_interval must be greater than or equal to min_index_interval (%d) (got %d)",
            o->min_index_interval, o->max_index_interval);
    const char *en = str_map_get(&o->compression, "enabled");
    o->compression_enabled = !(en && strcasecmp(en, "false") == 0);
    const char *kb = str_map_get(&o->compression, "chunk_length_in_kb");
    long n = kb ? strtol(kb, NULL, 10) : 16;
    if (n <= 0 || n > 65536) n = 16;
    o->chunk_length_bytes = (uint32_t)n * 1024;
    return derive_stcs(o, em);
}

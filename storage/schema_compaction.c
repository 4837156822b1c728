/*
 * schema_compaction: see schema_compaction.h. Each strategy is a row of a table: its class and
 * the sub-options its validateOptions removes from the "unchecked" set (AbstractCompactionStrategy's
 * common ones, SizeTieredCompactionStrategyOptions', min/max_threshold, and its own); a value check
 * per option that Cassandra checks, with its message. Options Cassandra accepts without a check
 * here (tombstone_*, provide_overlapping_tombstones ...) are accepted as given.
 */
#include "storage/schema_compaction.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PKG "org.apache.cassandra.db.compaction."
#define UNKNOWN_TEXT_MAX 512

/* AbstractCompactionStrategy, SizeTieredCompactionStrategyOptions and the thresholds: every
   strategy here accepts them. */
static const char *const common_keys[] = {
    "enabled",       "tombstone_threshold", "tombstone_compaction_interval",
    "unchecked_tombstone_compaction", "only_purge_repaired_tombstones", "log_all",
    "provide_overlapping_tombstones", "min_threshold", "max_threshold",
    "min_sstable_size", "bucket_low", "bucket_high", NULL,
};
static const char *const lcs_keys[] = {"sstable_size_in_mb", "fanout_size", NULL};
static const char *const twcs_keys[] = {
    "compaction_window_unit", "compaction_window_size", "timestamp_resolution",
    "expired_sstable_check_frequency_seconds", "unsafe_aggressive_sstable_expiration", NULL,
};
static const char *const no_keys[] = {NULL};

struct strategy_def {
    const char *full;
    const char *const *own_keys;
    int (*check)(const char *const *keys, const char *const *vals, uint32_t n,
                 struct errmsg *em);
};

static const char *get(const char *const *keys, const char *const *vals, uint32_t n,
                       const char *key)
{
    for (uint32_t i = 0; i < n; i++)
        if (strcmp(keys[i], key) == 0) return vals[i];
    return NULL;
}

/* Java's Integer.parseInt / Long.parseLong: [+-]digits, within the type's range. */
static bool parse_java_long(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
    if (!*s) return false;
    char *end;
    errno = 0;
    long long x = strtoll(s, &end, 10);
    if (errno || *end || (*s != '+' && *s != '-' && (*s < '0' || *s > '9')) || x < lo || x > hi)
        return false;
    *out = x;
    return true;
}

static bool in_list(const char *v, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (strcmp(v, list[i]) == 0) return true;
    return false;
}

static int check_lcs(const char *const *keys, const char *const *vals, uint32_t n,
                     struct errmsg *em)
{
    const char *size = get(keys, vals, n, "sstable_size_in_mb");
    if (!size) size = "1";
    int64_t x;
    if (!parse_java_long(size, INT32_MIN, INT32_MAX, &x))
        return errmsg_set(em, ERR_CONFIG, "%s is not a parsable int (base10) for %s", size,
                          "sstable_size_in_mb");
    if (x < 1)
        return errmsg_set(em, ERR_CONFIG, "%s must be larger than 0, but was %lld",
                          "sstable_size_in_mb", (long long)x);
    const char *fan = get(keys, vals, n, "fanout_size");
    if (!fan) return 0;
    /* Cassandra names the sstable size, not the fanout, in this message. */
    if (!parse_java_long(fan, INT32_MIN, INT32_MAX, &x))
        return errmsg_set(em, ERR_CONFIG, "%s is not a parsable int (base10) for %s", size,
                          "fanout_size");
    if (x < 1)
        return errmsg_set(em, ERR_CONFIG, "%s must be larger than 0, but was %lld", "fanout_size",
                          (long long)x);
    return 0;
}

static int check_twcs(const char *const *keys, const char *const *vals, uint32_t n,
                      struct errmsg *em)
{
    static const char *const res_units[] = {"SECONDS", "MILLISECONDS", "MICROSECONDS",
                                            "NANOSECONDS", NULL};
    static const char *const win_units[] = {"MINUTES", "HOURS", "DAYS", NULL};
    const char *v = get(keys, vals, n, "timestamp_resolution");
    if (v && !in_list(v, res_units))
        return errmsg_set(em, ERR_CONFIG, "%s is not valid for %s", v, "timestamp_resolution");
    v = get(keys, vals, n, "compaction_window_unit");
    if (v && !in_list(v, win_units))
        return errmsg_set(em, ERR_CONFIG, "%s is not valid for %s", v, "compaction_window_unit");
    int64_t x;
    v = get(keys, vals, n, "compaction_window_size");
    if (v && !parse_java_long(v, INT32_MIN, INT32_MAX, &x))
        return errmsg_set(em, ERR_CONFIG, "%s is not a parsable int (base10) for %s", v,
                          "compaction_window_size");
    if (v && x < 1)
        return errmsg_set(em, ERR_CONFIG, "%lld must be greater than 1 for %s", (long long)x,
                          "compaction_window_size");
    v = get(keys, vals, n, "expired_sstable_check_frequency_seconds");
    if (v && !parse_java_long(v, INT64_MIN, INT64_MAX, &x))
        return errmsg_set(em, ERR_CONFIG, "%s is not a parsable int (base10) for %s", v,
                          "expired_sstable_check_frequency_seconds");
    if (v && x < 0)
        return errmsg_set(em, ERR_CONFIG, "%s must not be negative, but was %lld",
                          "expired_sstable_check_frequency_seconds", (long long)x);
    v = get(keys, vals, n, "unsafe_aggressive_sstable_expiration");
    if (v && strcasecmp(v, "true") && strcasecmp(v, "false"))
        return errmsg_set(em, ERR_CONFIG, "%s is not 'true' or 'false' (%s)",
                          "unsafe_aggressive_sstable_expiration", v);
    if (v && strcasecmp(v, "true") == 0)
        return errmsg_set(em, ERR_CONFIG,
                          "%s is requested but not allowed, restart cassandra with -D%s=true to "
                          "allow it",
                          "unsafe_aggressive_sstable_expiration",
                          "cassandra.allow_unsafe_aggressive_sstable_expiration");
    return 0;
}

static const struct strategy_def strategies[] = {
    {SCHEMA_COMPACTION_STCS, no_keys, NULL},
    {SCHEMA_COMPACTION_LCS, lcs_keys, check_lcs},
    {SCHEMA_COMPACTION_TWCS, twcs_keys, check_twcs},
};

/* CompactionParams.classFromName + FBUtilities.classForName. */
static int find_strategy(const char *cls, const struct strategy_def **out, struct errmsg *em)
{
    bool qualified = strchr(cls, '.') != NULL;
    for (size_t i = 0; i < sizeof strategies / sizeof strategies[0]; i++) {
        const char *full = strategies[i].full;
        if (strcmp(cls, qualified ? full : full + strlen(PKG)) == 0) {
            *out = &strategies[i];
            return 0;
        }
    }
    return errmsg_set(em, ERR_CONFIG, "Unable to find compaction strategy class '%s%s'",
                      qualified ? "" : PKG, cls);
}

/* CompactionParams.validate: "Properties specified [a, b] are not understood by X". */
static int check_unknown(const struct strategy_def *d, const char *const *keys, uint32_t n,
                         struct errmsg *em)
{
    char text[UNKNOWN_TEXT_MAX];
    size_t len = 0;
    bool any = false;
    for (uint32_t i = 0; i < n; i++) {
        const char *k = keys[i];
        if (strcmp(k, "class") == 0 || in_list(k, common_keys) || in_list(k, d->own_keys))
            continue;
        int w = snprintf(text + len, sizeof text - len, "%s%s", any ? ", " : "", k);
        if (w > 0) len += (size_t)w < sizeof text - len ? (size_t)w : sizeof text - len - 1;
        any = true;
    }
    if (!any) return 0;
    return errmsg_set(em, ERR_CONFIG, "Properties specified [%s] are not understood by %s", text,
                      strrchr(d->full, '.') + 1);
}

int schema_compaction_check(const char *cls, const char *const *keys, const char *const *vals,
                            uint32_t n, const char **full_class, struct errmsg *em)
{
    const struct strategy_def *d = NULL;
    int rc = find_strategy(cls, &d, em);
    if (rc) return rc;
    const char *en = get(keys, vals, n, "enabled");
    if (en && strcasecmp(en, "true") && strcasecmp(en, "false"))
        return errmsg_set(em, ERR_CONFIG, "enabled should either be 'true' or 'false', not %s",
                          en);
    if (d->check && (rc = d->check(keys, vals, n, em))) return rc;
    if ((rc = check_unknown(d, keys, n, em))) return rc;
    *full_class = d->full;
    return 0;
}

bool schema_compaction_is_native(const char *full_class)
{
    return full_class && strcmp(full_class, SCHEMA_COMPACTION_STCS) == 0;
}

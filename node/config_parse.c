/*
 * config_parse: see config_parse.h. Everything here reads libyaml nodes and reports problems as
 * "file:line: key: ..." so an operator can go straight to the line. Node lookups go through
 * yaml_document_get_node, which returns NULL for an index out of range; nothing here recurses
 * into user data (a YAML alias cannot make the walk loop or blow up).
 */
#include "node/config_parse.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "node/base/assert.h"
#include "node/base/mem.h"
#include "node/config_units.h"

int config_parse_line(const yaml_node_t *n)
{
    return (int)n->start_mark.line + 1;
}

int config_parse_fail(struct config_parse *p, int line, const char *fmt, ...)
{
    char msg[ERRMSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return errmsg_set(p->em, ERR_CONFIG, "%s:%d: %s", p->name, line, msg);
}

int config_parse_bad_value(struct config_parse *p, const char *key, const yaml_node_t *v,
                           const char *text, const char *fmt, ...)
{
    char why[ERRMSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    return config_parse_fail(p, config_parse_line(v), "%s: bad value '%.80s': %s", key, text, why);
}

static bool is_null_scalar(const yaml_node_t *v)
{
    if (v->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) return false;
    const char *s = (const char *)v->data.scalar.value;
    return s[0] == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
           strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

int config_parse_scalar(struct config_parse *p, const char *key, const yaml_node_t *v,
                        const char **out)
{
    if (v->type != YAML_SCALAR_NODE)
        return config_parse_fail(p, config_parse_line(v), "%s: expected a single value, found %s",
                                 key, v->type == YAML_SEQUENCE_NODE ? "a list" : "a mapping");
    if (memchr(v->data.scalar.value, '\0', v->data.scalar.length))
        return config_parse_fail(p, config_parse_line(v), "%s: the value contains a NUL byte", key);
    if (is_null_scalar(v)) return 0;
    *out = (const char *)v->data.scalar.value;
    return 1;
}

/* The value of `name` in mapping m, or NULL. */
static yaml_node_t *map_get(struct config_parse *p, const yaml_node_t *m, const char *name)
{
    if (m->type != YAML_MAPPING_NODE) return NULL;
    for (yaml_node_pair_t *q = m->data.mapping.pairs.start; q < m->data.mapping.pairs.top; q++) {
        yaml_node_t *k = yaml_document_get_node(p->doc, q->key);
        if (k && k->type == YAML_SCALAR_NODE && strcmp((char *)k->data.scalar.value, name) == 0)
            return yaml_document_get_node(p->doc, q->value);
    }
    return NULL;
}

/* Cassandra's ParameterizedClass may be written as a mapping or as a one-element list of one
   (seed_provider's traditional form). Returns the mapping, or NULL (error set). */
static const yaml_node_t *class_mapping(struct config_parse *p, const char *key,
                                        const yaml_node_t *v)
{
    if (v->type == YAML_SEQUENCE_NODE) {
        size_t n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
        if (n != 1) {
            config_parse_fail(p, config_parse_line(v), "%s: expected one class, found %zu", key, n);
            return NULL;
        }
        v = yaml_document_get_node(p->doc, v->data.sequence.items.start[0]);
    }
    if (!v || v->type != YAML_MAPPING_NODE) {
        config_parse_fail(p, v ? config_parse_line(v) : 0,
                          "%s: expected 'class_name: ...' with optional 'parameters:'", key);
        return NULL;
    }
    return v;
}

int config_parse_class_name(struct config_parse *p, const char *key, const yaml_node_t *v,
                            const char **out)
{
    if (v->type == YAML_SCALAR_NODE) return config_parse_scalar(p, key, v, out);
    const yaml_node_t *m = class_mapping(p, key, v);
    if (!m) return ERR_CONFIG;
    const yaml_node_t *cn = map_get(p, m, "class_name");
    if (!cn) return config_parse_fail(p, config_parse_line(m), "%s: class_name is missing", key);
    return config_parse_scalar(p, key, cn, out);
}

/* ---- seed_provider ---------------------------------------------------------------------- */

/* Splits one "host", "host:port", "[v6]:port" or bare IPv6 entry of length n. */
static int parse_seed(struct config_parse *p, const yaml_node_t *v, const char *s, size_t n,
                      struct config_seed *out)
{
    const char *host = s, *port = NULL;
    size_t host_len = n;
    const char *colon = memchr(s, ':', n);
    if (n > 0 && s[0] == '[') {
        const char *close = memchr(s, ']', n);
        if (!close)
            return config_parse_fail(p, config_parse_line(v), "seeds: '%.*s': missing ]", (int)n,
                                     s);
        host = s + 1;
        host_len = (size_t)(close - host);
        if (close + 1 < s + n) {
            if (close[1] != ':') goto bad;
            port = close + 2;
        }
    } else if (colon && !memchr(colon + 1, ':', (size_t)(s + n - colon - 1))) {
        host_len = (size_t)(colon - s); /* exactly one colon: host:port (else bare IPv6) */
        port = colon + 1;
    }
    if (host_len == 0 || host_len > CONFIG_HOST_MAX) goto bad;
    out->host = arena_strndup(&p->c->arena, host, host_len);
    out->port = 0;
    if (port) {
        char digits[8];
        size_t plen = (size_t)(s + n - port);
        uint64_t x;
        const char *why;
        if (plen == 0 || plen >= sizeof digits) goto bad;
        memcpy(digits, port, plen);
        digits[plen] = '\0';
        if (config_units_uint(digits, &x, &why) != 0 || x == 0 || x > 65535) goto bad;
        out->port = (uint16_t)x;
    }
    return 0;
bad:
    return config_parse_fail(p, config_parse_line(v),
                             "seeds: bad address '%.*s' (expected host, host:port or [ipv6]:port)",
                             (int)(n > 80 ? 80 : n), s);
}

static int parse_seed_list(struct config_parse *p, const yaml_node_t *v, const char *list)
{
    struct config_seed *seeds = arena_zalloc(&p->c->arena, CONFIG_SEEDS_MAX * sizeof seeds[0]);
    size_t count = 0;
    const char *s = list;
    while (*s) { /* bounded by the string: each pass consumes at least one byte */
        const char *end = strchr(s, ',');
        if (!end) end = s + strlen(s);
        const char *a = s, *b = end;
        while (a < b && (*a == ' ' || *a == '\t'))
            a++;
        while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
            b--;
        if (a < b) {
            if (count == CONFIG_SEEDS_MAX)
                return config_parse_fail(p, config_parse_line(v), "seeds: more than %d seeds",
                                         CONFIG_SEEDS_MAX);
            if (parse_seed(p, v, a, (size_t)(b - a), &seeds[count]) != 0) return -1;
            count++;
        }
        s = *end ? end + 1 : end;
    }
    if (count == 0)
        return config_parse_fail(p, config_parse_line(v), "seeds: at least one seed is required");
    p->c->seeds = seeds;
    p->c->seeds_count = count;
    return 0;
}

int config_parse_seed_provider(struct config_parse *p, yaml_node_t *v)
{
    const char *cls;
    int r = config_parse_class_name(p, "seed_provider", v, &cls);
    if (r <= 0) return r;
    const char *simple = "org.apache.cassandra.locator.SimpleSeedProvider";
    if (strcmp(cls, simple) != 0 && strcmp(cls, "SimpleSeedProvider") != 0)
        return config_parse_fail(p, config_parse_line(v),
                                 "seed_provider: class '%.80s' is not supported; ringdb supports "
                                 "%s",
                                 cls, simple);
    const yaml_node_t *m = class_mapping(p, "seed_provider", v);
    yaml_node_t *params = m ? map_get(p, m, "parameters") : NULL;
    if (params && params->type == YAML_SEQUENCE_NODE &&
        params->data.sequence.items.top - params->data.sequence.items.start == 1)
        params = yaml_document_get_node(p->doc, params->data.sequence.items.start[0]);
    yaml_node_t *seeds = params ? map_get(p, params, "seeds") : NULL;
    if (!seeds)
        return config_parse_fail(p, config_parse_line(v),
                                 "seed_provider: parameters: - seeds: \"host,host:port\" is "
                                 "missing; at least one seed is required");
    const char *list;
    r = config_parse_scalar(p, "seeds", seeds, &list);
    if (r < 0) return r;
    if (r == 0)
        return config_parse_fail(p, config_parse_line(seeds),
                                 "seeds: at least one seed is "
                                 "required");
    return parse_seed_list(p, seeds, list);
}

/* ---- data_file_directories -------------------------------------------------------------- */

int config_parse_data_dirs(struct config_parse *p, yaml_node_t *v)
{
    if (v->type == YAML_SCALAR_NODE) {
        const char *s;
        int r = config_parse_scalar(p, "data_file_directories", v, &s);
        if (r <= 0) return r;
        return config_parse_fail(p, config_parse_line(v),
                                 "data_file_directories: expected a "
                                 "list ('- /path' lines), found a single value");
    }
    if (v->type != YAML_SEQUENCE_NODE)
        return config_parse_fail(p, config_parse_line(v),
                                 "data_file_directories: expected a list of directories");
    size_t n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
    if (n == 0) return 0; /* an empty list: unset */
    if (n > CONFIG_DATA_DIRS_MAX)
        return config_parse_fail(p, config_parse_line(v), "data_file_directories: more than %d",
                                 CONFIG_DATA_DIRS_MAX);
    char **dirs = arena_zalloc(&p->c->arena, n * sizeof dirs[0]);
    for (size_t i = 0; i < n; i++) {
        yaml_node_t *item = yaml_document_get_node(p->doc, v->data.sequence.items.start[i]);
        const char *s;
        ASSERT(item); /* libyaml keeps every item index valid */
        int r = config_parse_scalar(p, "data_file_directories", item, &s);
        if (r < 0) return r;
        if (r == 0)
            return config_parse_fail(p, config_parse_line(item),
                                     "data_file_directories: an entry is empty");
        dirs[i] = arena_strdup(&p->c->arena, s);
    }
    p->c->data_file_directories = dirs;
    p->c->data_file_directories_count = n;
    return 0;
}

/* ---- checks ----------------------------------------------------------------------------- */

/* Sub-settings that, if ignored, would leave data or traffic unprotected behind the operator's
   back. value_ok is the only value accepted (NULL: false-like booleans). */
static const struct {
    const char *key, *sub, *value_ok;
} unsupported[] = {
    {"client_encryption_options", "enabled", NULL},
    {"server_encryption_options", "enabled", NULL},
    {"server_encryption_options", "internode_encryption", "none"},
    {"transparent_data_encryption_options", "enabled", NULL},
};

int config_parse_check_unsupported(struct config_parse *p, const char *key, yaml_node_t *v)
{
    for (size_t i = 0; i < sizeof unsupported / sizeof unsupported[0]; i++) {
        if (strcmp(unsupported[i].key, key) != 0) continue;
        yaml_node_t *sub = map_get(p, v, unsupported[i].sub);
        const char *s;
        if (!sub || sub->type != YAML_SCALAR_NODE || config_parse_scalar(p, key, sub, &s) <= 0)
            continue;
        bool b, ok;
        const char *why;
        if (unsupported[i].value_ok)
            ok = strcmp(s, unsupported[i].value_ok) == 0;
        else
            ok = config_units_bool(s, &b, &why) == 0 && !b;
        if (!ok)
            return config_parse_fail(p, config_parse_line(sub),
                                     "%s: %s: '%.40s' is not supported yet (ringdb has no TLS or "
                                     "at-rest encryption); remove it or set it to %s",
                                     key, unsupported[i].sub, s,
                                     unsupported[i].value_ok ? unsupported[i].value_ok : "false");
    }
    return 0;
}

static const struct config_seen *seen(const struct config_parse *p, const char *group)
{
    for (size_t i = 0; i < p->seen_count; i++)
        if (strcmp(p->seen[i].group, group) == 0) return &p->seen[i];
    return NULL;
}

int config_parse_check_sync_keys(struct config_parse *p)
{
    const struct config_seen *mode = seen(p, "commitlog_sync");
    const struct config_seen *period = seen(p, "commitlog_sync_period");
    const struct config_seen *window = seen(p, "commitlog_sync_group_window");
    enum commitlog_sync m = p->c->commitlog_sync;
    if (m == COMMITLOG_SYNC_GROUP && period && mode)
        return config_parse_fail(p, period->line,
                                 "%s: group sync is set (line %d), but %s is "
                                 "found; only set commitlog_sync_group_window with group sync",
                                 period->key, mode->line, period->key);
    if (m == COMMITLOG_SYNC_BATCH && period && mode)
        return config_parse_fail(p, period->line,
                                 "%s: batch sync is set (line %d), but %s is "
                                 "found; batch sync does not use a period",
                                 period->key, mode->line, period->key);
    if (m == COMMITLOG_SYNC_PERIODIC && p->c->commitlog_sync_period_ms == 0)
        return config_parse_fail(p,
                                 period ? period->line
                                 : mode ? mode->line
                                        : 1,
                                 "commitlog_sync_period: periodic sync needs a period above 0");
    if (m == COMMITLOG_SYNC_GROUP && p->c->commitlog_sync_group_window_ms == 0)
        return config_parse_fail(p,
                                 window ? window->line
                                 : mode ? mode->line
                                        : 1,
                                 "commitlog_sync_group_window: group sync needs a window above 0");
    return 0;
}

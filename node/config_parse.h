/*
 * config_parse: the loader's internals shared by config.c (key table, document walk) and
 * config_parse.c (scalar access, error messages with file:line, the structured keys
 * seed_provider and data_file_directories, cross-key checks of one file). Not a public API:
 * only node/config*.c include it.
 *
 * Thread rule: a struct config_parse lives on the stack of one config_load_string call.
 */
#ifndef RINGDB_NODE_CONFIG_PARSE_H
#define RINGDB_NODE_CONFIG_PARSE_H

#include <stddef.h>
#include <stdint.h>
#include <yaml.h>

#include "node/config.h"

#define CONFIG_NO_FIELD SIZE_MAX               /* an enum key that is validated but not stored */
#define CONFIG_NUM_TOKENS_MAX 1024             /* vnodes per node */
#define CONFIG_TIMEOUT_MAX_MS (86400000ull)    /* one day: any request timeout above is a mistake */
#define CONFIG_MEMTABLE_SPACE_MAX (1ull << 40) /* 1 TiB */

enum config_kind {
    K_STRING,        /* any non-empty text */
    K_BOOL,          /* true/false */
    K_U32,           /* plain integer, bounded by [min, max], stored as uint32_t */
    K_DOUBLE,        /* decimal, bounded by [min, max] */
    K_DURATION,      /* "10000ms": uint64_t milliseconds; unit = smallest unit accepted */
    K_OLD_MS,        /* pre-4.1 "_in_ms" integer: uint64_t milliseconds */
    K_OLD_MS_DOUBLE, /* pre-4.1 "_in_ms" that Cassandra read as a double */
    K_SIZE,          /* "32MiB": uint64_t bytes; unit = smallest unit accepted */
    K_OLD_MIB,       /* pre-4.1 "_in_mb" / "_mb_per_sec" integer: uint64_t bytes (per second) */
    K_RATE,          /* "64MiB/s": uint64_t bytes per second */
    K_ENUM,          /* one of names[] (after stripping prefix), stored as int */
    K_SPECIAL,       /* parsed by special() */
};

struct config_enum_name {
    const char *name;
    int value;
};

struct config_parse;

struct config_key {
    const char *name;
    const char *group; /* old spelling: the 4.1 key it stands for; NULL for a 4.1 key */
    enum config_kind kind;
    size_t offset;     /* of the field in struct config (CONFIG_NO_FIELD: not stored) */
    uint64_t min, max; /* bounds in canonical units (ms, bytes, bytes/s, plain) */
    int unit;          /* K_DURATION: enum config_time_unit; K_SIZE: enum config_size_unit */
    const struct config_enum_name *names; /* K_ENUM, NULL-terminated */
    const char *prefix;                   /* K_ENUM: accepted Java package prefix */
    int (*special)(struct config_parse *p, yaml_node_t *value);
};

struct config_seen {
    const char *group; /* the setting (4.1 name) */
    const char *key;   /* as written */
    int line;
};

struct config_parse {
    struct config *c;
    yaml_document_t *doc;
    const char *name; /* file name for messages */
    struct errmsg *em;
    struct config_seen *seen; /* keys met so far in this file (heap, freed after the load) */
    size_t seen_count;
    size_t seen_cap;
};

/* 1-based line of a node. */
int config_parse_line(const yaml_node_t *n);
/* Fills p->em with "file:line: message" and returns ERR_CONFIG. */
int config_parse_fail(struct config_parse *p, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "file:line: key: bad value 'text': reason". */
int config_parse_bad_value(struct config_parse *p, const char *key, const yaml_node_t *v,
                           const char *text, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Gets a scalar's text: returns 1 (*out set), 0 for null/empty (the setting stays unset), or
   an error (a list or mapping where one value belongs, a NUL byte). */
int config_parse_scalar(struct config_parse *p, const char *key, const yaml_node_t *v,
                        const char **out);
/* As config_parse_scalar, also accepting Cassandra's ParameterizedClass forms
   ({class_name: X, parameters: ...} or a one-element list of it): *out = X. */
int config_parse_class_name(struct config_parse *p, const char *key, const yaml_node_t *v,
                            const char **out);

/* K_SPECIAL parsers. */
int config_parse_seed_provider(struct config_parse *p, yaml_node_t *v);
int config_parse_data_dirs(struct config_parse *p, yaml_node_t *v);
/* For a Cassandra key ringdb ignores: refuses settings that would silently weaken security if
   ignored (client/internode TLS, transparent data encryption switched on). */
int config_parse_check_unsupported(struct config_parse *p, const char *key, yaml_node_t *v);
/* Cassandra's commitlog_sync rules over the keys of this file (batch/group vs. period). */
int config_parse_check_sync_keys(struct config_parse *p);

#endif

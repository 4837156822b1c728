/*
 * log: one line per event, "UTC-time LEVEL module message key=value ...", to stderr.
 *
 * The level is checked before the arguments are formatted, so a disabled log_debug costs one
 * comparison. The logger is one of the two mutable globals the house style allows (the other is
 * the node instance). Thread-safe: each line is formatted into a local buffer and written with a
 * single write(2), so lines from different threads never interleave.
 */
#ifndef RINGDB_BASE_LOG_H
#define RINGDB_BASE_LOG_H

#include <stdint.h>

enum log_level { LOG_ERROR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

extern enum log_level log_level_current;

void log_set_level(enum log_level level);
/* Parses "error|warn|info|debug" (any case). Returns 0, or -1 if unknown. */
int log_level_parse(const char *name, enum log_level *out);
/* Redirects output to fd (default 2). Used by the daemon's log file option and by tests. */
void log_set_fd(int fd);

void log_write(enum log_level level, const char *module, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define LOG_AT(level, module, ...)                                                                 \
    do {                                                                                           \
        if ((level) <= log_level_current) log_write((level), (module), __VA_ARGS__);               \
    } while (0)

#define log_error(module, ...) LOG_AT(LOG_ERROR, module, __VA_ARGS__)
#define log_warn(module, ...) LOG_AT(LOG_WARN, module, __VA_ARGS__)
#define log_info(module, ...) LOG_AT(LOG_INFO, module, __VA_ARGS__)
#define log_debug(module, ...) LOG_AT(LOG_DEBUG, module, __VA_ARGS__)

/*
 * A rate limiter for repeating conditions: at most one line per interval. Embed one per call
 * site (static), e.g. `static struct log_limit lim; if (log_limit_allow(&lim, 10000)) ...`.
 * Returns 1 when the caller may log; *suppressed counts the lines skipped since the last one.
 */
struct log_limit {
    int64_t last_ms;
    uint64_t suppressed;
};
int log_limit_allow(struct log_limit *lim, int64_t interval_ms);

#endif

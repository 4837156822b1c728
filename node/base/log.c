/* log: see log.h. Formats into a stack buffer and emits it with one write(2). */
#include "node/base/log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "node/base/clock.h"

enum log_level log_level_current = LOG_INFO;
static _Atomic int log_fd = 2;

static const char *const level_names[] = {"ERROR", "WARN", "INFO", "DEBUG"};

void log_set_level(enum log_level level)
{
    log_level_current = level;
}

int log_level_parse(const char *name, enum log_level *out)
{
    for (int i = 0; i < 4; i++) {
        if (strcasecmp(name, level_names[i]) == 0 ||
            (i == 1 && strcasecmp(name, "warning") == 0)) {
            *out = (enum log_level)i;
            return 0;
        }
    }
    return -1;
}

void log_set_fd(int fd)
{
    atomic_store(&log_fd, fd);
}

void log_write(enum log_level level, const char *module, const char *fmt, ...)
{
    char line[2048];
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    int n = snprintf(line, sizeof line, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %-5s %s ",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                     tm.tm_sec, ts.tv_nsec / 1000000, level_names[level], module);
    if (n < 0) return;
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
    va_end(ap);
    size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
    if (len > sizeof line - 2) len = sizeof line - 2;
    line[len++] = '\n';
    ssize_t w = write(atomic_load(&log_fd), line, len);
    (void)w;
}

int log_limit_allow(struct log_limit *lim, int64_t interval_ms)
{
    int64_t now = clock_mono_ms();
    if (lim->last_ms != 0 && now - lim->last_ms < interval_ms) {
        lim->suppressed++;
        return 0;
    }
    lim->last_ms = now;
    return 1;
}

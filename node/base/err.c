/* err: names and CQL mapping of the project error codes. */
#include "node/base/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct {
    int code;
    const char *name;
} names[] = {
    {ERR_SERVER, "ERR_SERVER"},
    {ERR_PROTOCOL, "ERR_PROTOCOL"},
    {ERR_AUTH, "ERR_AUTH"},
    {ERR_UNAVAILABLE, "ERR_UNAVAILABLE"},
    {ERR_OVERLOADED, "ERR_OVERLOADED"},
    {ERR_BOOTSTRAPPING, "ERR_BOOTSTRAPPING"},
    {ERR_TRUNCATE, "ERR_TRUNCATE"},
    {ERR_WRITE_TIMEOUT, "ERR_WRITE_TIMEOUT"},
    {ERR_READ_TIMEOUT, "ERR_READ_TIMEOUT"},
    {ERR_READ_FAILURE, "ERR_READ_FAILURE"},
    {ERR_FUNCTION, "ERR_FUNCTION"},
    {ERR_WRITE_FAILURE, "ERR_WRITE_FAILURE"},
    {ERR_SYNTAX, "ERR_SYNTAX"},
    {ERR_UNAUTHORIZED, "ERR_UNAUTHORIZED"},
    {ERR_INVALID, "ERR_INVALID"},
    {ERR_CONFIG, "ERR_CONFIG"},
    {ERR_ALREADY_EXISTS, "ERR_ALREADY_EXISTS"},
    {ERR_UNPREPARED, "ERR_UNPREPARED"},
    {ERR_CORRUPT, "ERR_CORRUPT"},
    {ERR_NOT_FOUND, "ERR_NOT_FOUND"},
    {ERR_CLOSED, "ERR_CLOSED"},
    {ERR_LIMIT, "ERR_LIMIT"},
    {ERR_READ_ONLY, "ERR_READ_ONLY"},
};

const char *err_name(int code)
{
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].code == code) return names[i].name;
    if (code < 0 && code > -4096) {
        const char *s = strerrorname_np(-code);
        if (s) return s;
    }
    return "ERR_UNKNOWN";
}

int err_cql_code(int code)
{
    if (code == ERR_LIMIT) return 0x2200;
    if (code <= ERR_BASE && code >= ERR_BASE - 0x2500) return ERR_BASE - code;
    return 0x0000;
}

int errmsg_set(struct errmsg *em, int code, const char *fmt, ...)
{
    if (!em) return code;
    em->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(em->text, sizeof em->text, fmt, ap);
    va_end(ap);
    return code;
}

void errmsg_clear(struct errmsg *em)
{
    if (!em) return;
    em->code = 0;
    em->text[0] = '\0';
}

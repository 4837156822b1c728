/*
 * err: project error codes. A fallible function returns int: 0 on success, negative on failure.
 * Negative errno values (-EIO, -ENOSPC ...) pass through unchanged; project codes live in their
 * own range far below any errno (LMDB's trick) and map one-to-one to CQL error codes.
 *
 * Errors that reach a client carry a message: struct errmsg is filled at the point of failure,
 * e.g. `return errmsg_set(em, ERR_INVALID, "unknown column %s", name);`.
 */
#ifndef RINGDB_BASE_ERR_H
#define RINGDB_BASE_ERR_H

#include <stddef.h>

enum err_code {
    ERR_BASE = -100000,
    ERR_SERVER = ERR_BASE - 0x0000,         /* CQL 0x0000 Server error (a bug) */
    ERR_PROTOCOL = ERR_BASE - 0x000A,       /* CQL 0x000A Protocol error */
    ERR_AUTH = ERR_BASE - 0x0100,           /* CQL 0x0100 Bad credentials */
    ERR_UNAVAILABLE = ERR_BASE - 0x1000,    /* CQL 0x1000 Unavailable */
    ERR_OVERLOADED = ERR_BASE - 0x1001,     /* CQL 0x1001 Overloaded */
    ERR_BOOTSTRAPPING = ERR_BASE - 0x1002,  /* CQL 0x1002 Is_bootstrapping */
    ERR_TRUNCATE = ERR_BASE - 0x1003,       /* CQL 0x1003 Truncate_error */
    ERR_WRITE_TIMEOUT = ERR_BASE - 0x1100,  /* CQL 0x1100 Write_timeout */
    ERR_READ_TIMEOUT = ERR_BASE - 0x1200,   /* CQL 0x1200 Read_timeout */
    ERR_READ_FAILURE = ERR_BASE - 0x1300,   /* CQL 0x1300 Read_failure */
    ERR_FUNCTION = ERR_BASE - 0x1400,       /* CQL 0x1400 Function_failure */
    ERR_WRITE_FAILURE = ERR_BASE - 0x1500,  /* CQL 0x1500 Write_failure */
    ERR_SYNTAX = ERR_BASE - 0x2000,         /* CQL 0x2000 Syntax error */
    ERR_UNAUTHORIZED = ERR_BASE - 0x2100,   /* CQL 0x2100 Unauthorized */
    ERR_INVALID = ERR_BASE - 0x2200,        /* CQL 0x2200 Invalid */
    ERR_CONFIG = ERR_BASE - 0x2300,         /* CQL 0x2300 Config error (and bad config files) */
    ERR_ALREADY_EXISTS = ERR_BASE - 0x2400, /* CQL 0x2400 Already_exists */
    ERR_UNPREPARED = ERR_BASE - 0x2500,     /* CQL 0x2500 Unprepared */
    /* Codes with no CQL counterpart of their own (they map to Server error unless noted). */
    ERR_CORRUPT = ERR_BASE - 0x10000,   /* data on disk or wire failed a check; names file+offset */
    ERR_NOT_FOUND = ERR_BASE - 0x10001, /* a looked-up thing does not exist */
    ERR_CLOSED = ERR_BASE - 0x10002,    /* the object is shutting down */
    ERR_LIMIT = ERR_BASE - 0x10003,     /* a named maximum would be exceeded (maps to Invalid) */
    ERR_READ_ONLY = ERR_BASE - 0x10004, /* the store refuses writes (disk full, failed sync) */
};

/* A short constant name, e.g. "ERR_INVALID" or "EIO". */
const char *err_name(int code);
/* The CQL error code a client sees for this error (0x0000 for codes without one). */
int err_cql_code(int code);

#define ERRMSG_MAX 512

struct errmsg {
    int code;
    char text[ERRMSG_MAX];
};

/* Fills em (when not NULL) and returns code, so a caller can `return errmsg_set(...)`. */
int errmsg_set(struct errmsg *em, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void errmsg_clear(struct errmsg *em);

#endif

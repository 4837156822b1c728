/*
 * cqlerr: ERROR response bodies (v4 §9): <code int><message string> and the extra fields of
 *   0x1000 Unavailable     <cl><required int><alive int>
 *   0x1100 Write_timeout   <cl><received int><blockfor int><write_type string>
 *   0x1200 Read_timeout    <cl><received int><blockfor int><data_present byte>
 *   0x1300 Read_failure    <cl><received int><blockfor int><numfailures int><data_present byte>
 *   0x1400 Function_failure <keyspace string><function string><arg_types string list>
 *   0x1500 Write_failure   <cl><received int><blockfor int><numfailures int><write_type string>
 *   0x2400 Already_exists  <keyspace string><table string> (table "" for a keyspace)
 *   0x2500 Unprepared      <id short bytes>
 * Every other code is message-only. Protocol v3 has no 0x1300/0x1400/0x1500: they are sent as
 * Read_timeout, Write_timeout and Invalid (0x2200), as Cassandra's ErrorMessage codec does.
 * Codes equal err_cql_code() of node/base/err.h.
 * Pure. Thread rule: none.
 */
#ifndef RINGDB_CQLPROTO_CQLERR_H
#define RINGDB_CQLPROTO_CQLERR_H

#include <stdbool.h>
#include <stdint.h>

#include "node/base/arena.h"
#include "node/base/buf.h"
#include "node/base/err.h"
#include "node/cqlproto/cqlwire.h"

enum cqlerr_code {
    CQLERR_SERVER = 0x0000,
    CQLERR_PROTOCOL = 0x000A,
    CQLERR_AUTH = 0x0100,
    CQLERR_UNAVAILABLE = 0x1000,
    CQLERR_OVERLOADED = 0x1001,
    CQLERR_BOOTSTRAPPING = 0x1002,
    CQLERR_TRUNCATE = 0x1003,
    CQLERR_WRITE_TIMEOUT = 0x1100,
    CQLERR_READ_TIMEOUT = 0x1200,
    CQLERR_READ_FAILURE = 0x1300,
    CQLERR_FUNCTION_FAILURE = 0x1400,
    CQLERR_WRITE_FAILURE = 0x1500,
    CQLERR_SYNTAX = 0x2000,
    CQLERR_UNAUTHORIZED = 0x2100,
    CQLERR_INVALID = 0x2200,
    CQLERR_CONFIG = 0x2300,
    CQLERR_ALREADY_EXISTS = 0x2400,
    CQLERR_UNPREPARED = 0x2500,
};

/* Fields beyond code and message are used only by the codes listed above. */
struct cqlerr {
    int32_t code;
    struct cqlwire_str message;
    uint16_t cl;
    int32_t required;    /* Unavailable */
    int32_t alive;       /* Unavailable */
    int32_t received;    /* timeouts and failures */
    int32_t blockfor;    /* timeouts and failures */
    int32_t numfailures; /* failures */
    bool data_present;   /* read timeout and failure */
    struct cqlwire_str write_type; /* "SIMPLE", "BATCH", "UNLOGGED_BATCH", "COUNTER", ... */
    struct cqlwire_str keyspace;   /* Already_exists, Function_failure */
    struct cqlwire_str table;      /* Already_exists */
    struct cqlwire_str function;   /* Function_failure */
    struct cqlwire_str *arg_types; /* Function_failure */
    uint16_t narg_types;
    struct cqlwire_value id; /* Unprepared: the [short bytes] id the client sent */
};

/* code = err_cql_code(em->code), message = em->text (borrowed from em); other fields zero. */
void cqlerr_from_errmsg(struct cqlerr *e, const struct errmsg *em);
/* Appends the ERROR body for protocol version (3 or 4). */
void cqlerr_put(struct buf *b, const struct cqlerr *e, int version);
/* Reads an ERROR body: 0 or ERR_PROTOCOL. Unknown codes are message-only. */
int cqlerr_get(struct rbuf *r, struct arena *a, struct cqlerr *out);
/* "Unavailable", "Invalid" ...; "Unknown" otherwise. */
const char *cqlerr_name(int32_t code);

#endif

/*
 * cqlreq: request messages (v4 §4.1), decoded by the server and encoded by our tools, from and
 * to one struct so both directions are tested against each other.
 *
 *   STARTUP        [string map] options (CQL_VERSION, COMPRESSION, DRIVER_NAME ...)
 *   AUTH_RESPONSE  [bytes] token (SASL PLAIN: "\0user\0password")
 *   OPTIONS        empty
 *   QUERY          [long string] query, <query_parameters>
 *   PREPARE        [long string] query
 *   EXECUTE        [short bytes] id, <query_parameters>
 *   BATCH          <type byte><n short> n x (<kind byte 0: [long string] | 1: [short bytes] id>
 *                  <n short> n x ([name string] if 0x40)[value]) <consistency><flags byte>
 *                  [<serial consistency>][<timestamp long>]
 *   REGISTER       [string list] event types
 * <query_parameters> = <consistency><flags byte>[<n short> n x ([name string])[value]]
 *   [<page_size int>][<paging_state bytes>][<serial consistency>][<timestamp long>]
 * With frame flag 0x04 (v4) a [bytes map] custom payload precedes the message.
 *
 * Decoding: the body must already be decompressed (cqlframe_body_load). Strings and values
 * point into the body; arrays are allocated in the caller's arena; nothing else is allocated.
 * Every count is checked against the bytes remaining (a value needs at least 4 bytes, a batch
 * statement 5), so a hostile frame cannot make the arena grow beyond a few times the body.
 * Errors are ERR_PROTOCOL with a message naming the message and field (sent back as ERROR
 * 0x000A on the request's stream).
 * Pure. Thread rule: none.
 */
#ifndef RINGDB_CQLPROTO_CQLREQ_H
#define RINGDB_CQLPROTO_CQLREQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "node/base/arena.h"
#include "node/base/buf.h"
#include "node/base/err.h"
#include "node/cqlproto/cqlframe.h"
#include "node/cqlproto/cqlwire.h"

/* QUERY/EXECUTE <flags> (BATCH uses 0x10, 0x20 and 0x40). */
enum cqlreq_flag {
    CQLREQ_FLAG_VALUES = 0x01,
    CQLREQ_FLAG_SKIP_METADATA = 0x02,
    CQLREQ_FLAG_PAGE_SIZE = 0x04,
    CQLREQ_FLAG_PAGING_STATE = 0x08,
    CQLREQ_FLAG_SERIAL_CL = 0x10,
    CQLREQ_FLAG_TIMESTAMP = 0x20,
    CQLREQ_FLAG_NAMES = 0x40,
};

enum cqlreq_batch_type {
    CQLREQ_BATCH_LOGGED = 0,
    CQLREQ_BATCH_UNLOGGED = 1,
    CQLREQ_BATCH_COUNTER = 2,
};

/* Bound values per statement and statements per batch: the [short] counts' own limit. */
#define CQLREQ_VALUES_MAX 65535
#define CQLREQ_BATCH_STATEMENTS_MAX 65535

/* <query_parameters>: which fields are meaningful is given by flags (encode writes exactly
 * what flags says). */
struct cqlreq_params {
    uint16_t cl;
    uint8_t flags;
    uint16_t nvalues;                   /* with CQLREQ_FLAG_VALUES */
    const struct cqlwire_value *values; /* len CQLWIRE_NULL / CQLWIRE_UNSET for null / unset */
    const struct cqlwire_str *names;    /* with CQLREQ_FLAG_NAMES (and VALUES) */
    int32_t page_size;                  /* with CQLREQ_FLAG_PAGE_SIZE; <= 0 means no paging */
    struct cqlwire_value paging_state;  /* with CQLREQ_FLAG_PAGING_STATE */
    uint16_t serial_cl;                 /* with CQLREQ_FLAG_SERIAL_CL; else CQLCL_SERIAL */
    int64_t timestamp_us;               /* with CQLREQ_FLAG_TIMESTAMP */
};

struct cqlreq_batch_stmt {
    uint8_t kind;              /* 0: query string, 1: prepared id */
    struct cqlwire_str query;  /* kind 0 */
    struct cqlwire_value id;   /* kind 1 */
    uint16_t nvalues;
    const struct cqlwire_value *values;
    const struct cqlwire_str *names; /* with CQLREQ_FLAG_NAMES in the batch flags */
};

struct cqlreq_batch {
    uint8_t type; /* enum cqlreq_batch_type */
    uint16_t nstmts;
    const struct cqlreq_batch_stmt *stmts;
    uint16_t cl;
    uint8_t flags;      /* CQLREQ_FLAG_SERIAL_CL, _TIMESTAMP, _NAMES */
    uint16_t serial_cl; /* with CQLREQ_FLAG_SERIAL_CL; else CQLCL_SERIAL */
    int64_t timestamp_us;
};

struct cqlreq {
    uint8_t version;     /* 3 or 4 */
    uint8_t frame_flags; /* tracing (0x02) and custom payload (0x04) as sent */
    int16_t stream;
    uint8_t opcode;      /* CQLFRAME_OP_* of a request */
    const struct cqlwire_pair *payload; /* custom payload [bytes map] (frame flag 0x04) */
    uint16_t npayload;
    /* STARTUP */
    const struct cqlwire_pair *options;
    uint16_t noptions;
    /* AUTH_RESPONSE */
    struct cqlwire_value token;
    /* QUERY, PREPARE */
    struct cqlwire_str query;
    /* EXECUTE */
    struct cqlwire_value id;
    /* QUERY, EXECUTE */
    struct cqlreq_params params;
    /* BATCH */
    struct cqlreq_batch batch;
    /* REGISTER: the names as sent and a mask of 1 << enum cqlevent_type */
    const struct cqlwire_str *events;
    uint16_t nevents;
    uint8_t event_mask;
};

/*
 * Decodes the (decompressed) body of a request frame with header h into out.
 * Returns 0, or ERR_PROTOCOL with em filled.
 */
int cqlreq_decode(const struct cqlframe_header *h, const uint8_t *body, size_t len,
                  struct arena *a, struct cqlreq *out, struct errmsg *em);
/*
 * Appends a request frame for req (its version, stream, opcode, frame_flags and payload) to b.
 * compress: lz4 the body (never for STARTUP and OPTIONS, which precede negotiation or are
 * empty). Returns 0, or ERR_LIMIT if the body would exceed body_max.
 */
int cqlreq_encode(struct buf *b, const struct cqlreq *req, bool compress, uint32_t body_max,
                  struct errmsg *em);

/* The STARTUP option named key (exact match), or NULL. */
const struct cqlwire_str *cqlreq_startup_option(const struct cqlreq *req, const char *key);

#endif

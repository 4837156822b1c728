/*
 * cqlresp: response messages (v4 §4.2): ERROR, READY, AUTHENTICATE, SUPPORTED, RESULT (Void,
 * Rows, Set_keyspace, Prepared, Schema_change), EVENT, AUTH_CHALLENGE, AUTH_SUCCESS. Encoded by
 * the server, decoded by our tools, from and to one struct.
 *
 * A response body is [tracing id uuid if flag 0x02][warnings string list if 0x08]
 * [custom payload bytes map if 0x04]<message>. Warnings and payloads do not exist in v3 and
 * are dropped when encoding for it.
 *
 * Server use, for a streamed Rows result:
 *     size_t at = cqlresp_begin(out, &head);           head: version, stream, RESULT, warnings
 *     cqlrows_begin(&w, out, &meta, version); cells...; cqlrows_finish(&w, paging, n);
 *     cqlframe_end(out, at, compress, body_max, &em);
 * Small responses: fill a struct cqlresp and call cqlresp_encode, or cqlresp_write_error.
 * Prepared: <id short bytes><bind metadata><result metadata> (cqlrows.h); v4 bind metadata
 * carries pk indexes.
 *
 * Decoding: strings, cells and ids point into the (decompressed) body, arrays go in an arena.
 * Pure. Thread rule: none.
 */
#ifndef RINGDB_CQLPROTO_CQLRESP_H
#define RINGDB_CQLPROTO_CQLRESP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "node/base/arena.h"
#include "node/base/buf.h"
#include "node/base/err.h"
#include "node/cqlproto/cqlerr.h"
#include "node/cqlproto/cqlevent.h"
#include "node/cqlproto/cqlframe.h"
#include "node/cqlproto/cqlrows.h"
#include "node/cqlproto/cqlwire.h"

/* RESULT <kind int>. */
enum cqlresp_kind {
    CQLRESP_KIND_VOID = 0x0001,
    CQLRESP_KIND_ROWS = 0x0002,
    CQLRESP_KIND_SET_KEYSPACE = 0x0003,
    CQLRESP_KIND_PREPARED = 0x0004,
    CQLRESP_KIND_SCHEMA_CHANGE = 0x0005,
};

struct cqlresp_prepared {
    struct cqlwire_value id;     /* [short bytes]: MD5 of keyspace + query, as Cassandra */
    struct cqlrows_meta bind;    /* bind variables (+ pk indexes in v4) */
    struct cqlrows_meta result;  /* result columns, or No_metadata with 0 columns */
};

struct cqlresp {
    uint8_t version; /* 3 or 4 */
    int16_t stream;
    uint8_t opcode;      /* CQLFRAME_OP_* of a response */
    uint8_t frame_flags; /* decoded: as sent; encoding derives them */
    bool has_tracing_id;
    uint8_t tracing_id[16];
    const struct cqlwire_str *warnings;
    uint16_t nwarnings;
    const struct cqlwire_pair *payload;
    uint16_t npayload;
    /* ERROR */
    struct cqlerr error;
    /* AUTHENTICATE: the authenticator class */
    struct cqlwire_str authenticator;
    /* SUPPORTED */
    const struct cqlwire_multi *supported;
    uint16_t nsupported;
    /* AUTH_CHALLENGE, AUTH_SUCCESS (may be null) */
    struct cqlwire_value token;
    /* RESULT */
    int32_t kind;
    struct cqlwire_str keyspace;          /* Set_keyspace */
    struct cqlrows rows;                  /* Rows */
    struct cqlresp_prepared prepared;     /* Prepared */
    struct cqlevent_schema schema_change; /* Schema_change */
    /* EVENT */
    struct cqlevent event;
};

/*
 * Appends the header and the body prefix (tracing id, warnings, payload) of a response for
 * head->version, stream, opcode; returns the frame's offset for cqlframe_end.
 */
size_t cqlresp_begin(struct buf *b, const struct cqlresp *head);

/* RESULT message bodies, kind included. */
void cqlresp_put_void(struct buf *b);
void cqlresp_put_set_keyspace(struct buf *b, struct cqlwire_str keyspace);
void cqlresp_put_prepared(struct buf *b, const struct cqlresp_prepared *p, int version);
void cqlresp_put_schema_change(struct buf *b, const struct cqlevent_schema *sc, int version);

/* A whole response frame from r. Returns 0, or ERR_LIMIT if the body exceeds body_max. */
int cqlresp_encode(struct buf *b, const struct cqlresp *r, bool compress, uint32_t body_max,
                   struct errmsg *em);
/* A whole, uncompressed ERROR frame (the usual answer to a failed request). */
void cqlresp_write_error(struct buf *b, uint8_t version, int16_t stream, const struct cqlerr *e);

/*
 * Decodes the (decompressed) body of a response frame with header h. Returns 0, or
 * ERR_PROTOCOL with em filled.
 */
int cqlresp_decode(const struct cqlframe_header *h, const uint8_t *body, size_t len,
                   struct arena *a, struct cqlresp *out, struct errmsg *em);

#endif

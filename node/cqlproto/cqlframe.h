/*
 * cqlframe: the 9-byte frame header of CQL native protocol v3/v4, a streaming frame decoder,
 * frame building, and lz4 body compression.
 *
 * Header (big-endian, v3 and v4 alike; v1/v2 used 8 bytes and are refused):
 *   offset size meaning
 *   0      1    version: bit 7 = direction (1 response), low 7 bits = protocol version
 *   1      1    flags: 0x01 compressed, 0x02 tracing, 0x04 custom payload, 0x08 warning,
 *               0x10 use-beta; other bits ignored
 *   2      2    stream id (int16); requests >= 0, server events -1
 *   4      1    opcode (CQLFRAME_OP_*)
 *   5      4    body length (bytes after the header; limited to body_max)
 *
 * Why a streaming decoder that owns its buffer: a connection reads whatever the socket has
 * (half a header, or fifty pipelined frames), so the decoder keeps partial input and hands out
 * complete frames; it also offers its free space to the reader (libuv's alloc_cb) so bytes are
 * not copied twice. A frame's body points into the decoder and stays valid until the next call
 * that adds input (cqlframe_decoder_space / cqlframe_decoder_feed): every frame returned between
 * two reads stays valid together. Keep a body longer by cqlframe_body_load (copies into an arena,
 * decompressing if flagged).
 *
 * Errors are ERR_PROTOCOL with Cassandra's wording in the errmsg and a reason in frame->fault:
 *   CQLFRAME_FAULT_VERSION   unsupported version: answer ERROR 0x000A in a v4 header on
 *                            frame->h.stream, then close (drivers step down on it)
 *   CQLFRAME_FAULT_TOO_LARGE body over body_max: the decoder skips the body, the connection
 *                            may go on after an ERROR on that stream
 *   others                   the decoder stays failed; answer and close
 *
 * lz4 body (v4 §5, as the drivers do it): [4-byte big-endian uncompressed length][raw LZ4
 * block]. Empty bodies are never compressed. Decompression must produce exactly the declared
 * length, and the declared length is limited like a frame body.
 *
 * Thread rule: a decoder belongs to one connection (one thread).
 */
#ifndef RINGDB_CQLPROTO_CQLFRAME_H
#define RINGDB_CQLPROTO_CQLFRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "node/base/arena.h"
#include "node/base/buf.h"
#include "node/base/err.h"

#define CQLFRAME_HEADER_SIZE 9
/* Cassandra 4.1 native_transport_max_frame_size default. */
#define CQLFRAME_BODY_MAX_DEFAULT (16u * 1024 * 1024)
/* The spec's hard limit (§2.5): no configuration may go above it. */
#define CQLFRAME_BODY_MAX_LIMIT (256u * 1024 * 1024)

#define CQLFRAME_VERSION_MIN 3
#define CQLFRAME_VERSION_MAX 4
#define CQLFRAME_RESPONSE 0x80 /* direction bit of the version byte */

enum cqlframe_flag {
    CQLFRAME_FLAG_COMPRESSION = 0x01,
    CQLFRAME_FLAG_TRACING = 0x02,
    CQLFRAME_FLAG_CUSTOM_PAYLOAD = 0x04,
    CQLFRAME_FLAG_WARNING = 0x08,
    CQLFRAME_FLAG_USE_BETA = 0x10,
};

enum cqlframe_opcode {
    CQLFRAME_OP_ERROR = 0x00,
    CQLFRAME_OP_STARTUP = 0x01,
    CQLFRAME_OP_READY = 0x02,
    CQLFRAME_OP_AUTHENTICATE = 0x03,
    CQLFRAME_OP_OPTIONS = 0x05,
    CQLFRAME_OP_SUPPORTED = 0x06,
    CQLFRAME_OP_QUERY = 0x07,
    CQLFRAME_OP_RESULT = 0x08,
    CQLFRAME_OP_PREPARE = 0x09,
    CQLFRAME_OP_EXECUTE = 0x0A,
    CQLFRAME_OP_REGISTER = 0x0B,
    CQLFRAME_OP_EVENT = 0x0C,
    CQLFRAME_OP_BATCH = 0x0D,
    CQLFRAME_OP_AUTH_CHALLENGE = 0x0E,
    CQLFRAME_OP_AUTH_RESPONSE = 0x0F,
    CQLFRAME_OP_AUTH_SUCCESS = 0x10,
};

enum cqlframe_fault {
    CQLFRAME_FAULT_NONE = 0,
    CQLFRAME_FAULT_VERSION,   /* version not 3 or 4 (0x42, 0x41, 5, 1, 2 ...) */
    CQLFRAME_FAULT_MISMATCH,  /* version differs from the connection's first frame */
    CQLFRAME_FAULT_DIRECTION, /* a response where a request was expected, or the reverse */
    CQLFRAME_FAULT_OPCODE,    /* unknown opcode, or one that goes the other way */
    CQLFRAME_FAULT_TOO_LARGE, /* body length over body_max */
};

struct cqlframe_header {
    uint8_t version; /* protocol version without the direction bit */
    bool is_response;
    uint8_t flags;
    int16_t stream;
    uint8_t opcode;
    uint32_t body_len;
};

/* A complete frame from the decoder. */
struct cqlframe {
    struct cqlframe_header h;
    const uint8_t *body; /* h.body_len bytes, as sent (still compressed if flagged) */
    enum cqlframe_fault fault; /* set when cqlframe_decoder_next fails */
};

/* "QUERY", "RESULT" ...; "UNKNOWN" for other values. */
const char *cqlframe_opcode_name(uint8_t opcode);
bool cqlframe_opcode_is_request(uint8_t opcode);
bool cqlframe_opcode_is_response(uint8_t opcode);

/* Parses 9 header bytes (no checks). */
void cqlframe_header_parse(const uint8_t p[CQLFRAME_HEADER_SIZE], struct cqlframe_header *h);
/* Writes 9 header bytes. */
void cqlframe_header_write(uint8_t p[CQLFRAME_HEADER_SIZE], const struct cqlframe_header *h);
/*
 * Checks a parsed header: version 3/4 (and equal to conn_version unless that is 0), direction,
 * opcode known for that direction, body_len <= body_max. Returns CQLFRAME_FAULT_NONE or the
 * fault, with em filled in Cassandra's words.
 */
enum cqlframe_fault cqlframe_header_check(const struct cqlframe_header *h, bool expect_response,
                                          uint8_t conn_version, uint32_t body_max,
                                          struct errmsg *em);

/* ---- streaming decoder ---- */

struct cqlframe_decoder {
    uint8_t *data;
    size_t cap;
    size_t start;   /* first unconsumed byte */
    size_t end;     /* end of buffered input */
    size_t discard; /* body bytes of a too-large frame still to drop */
    uint32_t body_max;
    bool expect_response; /* client side: decodes responses */
    uint8_t version;      /* protocol version of the first frame; 0 before it */
    enum cqlframe_fault failed; /* sticky fault: the connection must close */
};

/* body_max is clamped to CQLFRAME_BODY_MAX_LIMIT. No allocation until input arrives. */
void cqlframe_decoder_init(struct cqlframe_decoder *d, uint32_t body_max, bool expect_response);
void cqlframe_decoder_deinit(struct cqlframe_decoder *d);
/*
 * Zero-copy input: returns free space for *len (>= 1) bytes to read into, then call
 * cqlframe_decoder_commit with the count actually read. May move buffered bytes, which ends the
 * validity of frames returned earlier. Take frames (cqlframe_decoder_next until it returns 0 or
 * an error) before asking for space again: the buffer never holds more than one frame plus one
 * read. After a fatal fault further input is dropped.
 */
uint8_t *cqlframe_decoder_space(struct cqlframe_decoder *d, size_t *len);
void cqlframe_decoder_commit(struct cqlframe_decoder *d, size_t n);
/* Copying input: space + memcpy + commit. */
void cqlframe_decoder_feed(struct cqlframe_decoder *d, const void *p, size_t n);
/*
 * Next complete frame: 1 and *f filled; 0 when more bytes are needed; ERR_PROTOCOL with em and
 * f->fault (f->h is filled as far as the header was read; for CQLFRAME_FAULT_VERSION its stream
 * is the one to answer on).
 */
int cqlframe_decoder_next(struct cqlframe_decoder *d, struct cqlframe *f, struct errmsg *em);
/* Bytes buffered but not yet returned as frames. */
size_t cqlframe_decoder_pending(const struct cqlframe_decoder *d);

/* ---- frame building ---- */

/*
 * Appends a header with body length 0 for (version | direction, flags, stream, opcode) and
 * returns its offset in b; append the body, then call cqlframe_end.
 */
size_t cqlframe_begin(struct buf *b, uint8_t version, bool is_response, uint8_t flags,
                      int16_t stream, uint8_t opcode);
/*
 * Finishes the frame that starts at offset start: when compress is set and the body is not
 * empty, replaces the body by its lz4 form and sets flag 0x01; patches the length. Returns 0, or
 * ERR_LIMIT (frame removed from b, em filled) if the body is over body_max.
 */
int cqlframe_end(struct buf *b, size_t start, bool compress, uint32_t body_max,
                 struct errmsg *em);

/* ---- lz4 ---- */

/* Appends [4-byte BE length][LZ4 block of in]; in may point into out's own data. */
void cqlframe_lz4_compress(const uint8_t *in, size_t len, struct buf *out);
/*
 * Decompresses a v4 lz4 body into a; the declared length must be <= out_max and must be what
 * the block decompresses to. Returns 0, or ERR_PROTOCOL with em filled.
 */
int cqlframe_lz4_decompress(const uint8_t *in, size_t len, uint32_t out_max, struct arena *a,
                            const uint8_t **out, size_t *out_len, struct errmsg *em);
/*
 * The body of f as the message decoders want it, in a: decompressed when flag 0x01 is set
 * (ERR_PROTOCOL if lz4 was not negotiated, i.e. lz4_enabled is false), otherwise copied.
 */
int cqlframe_body_load(const struct cqlframe *f, bool lz4_enabled, uint32_t body_max,
                       struct arena *a, const uint8_t **body, size_t *len, struct errmsg *em);

#endif

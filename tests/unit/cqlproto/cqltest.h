/* Helpers shared by the cqlproto unit tests. */
#ifndef RINGDB_TESTS_CQLTEST_H
#define RINGDB_TESTS_CQLTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "node/base/arena.h"
#include "node/base/buf.h"
#include "node/cqlproto/cqlframe.h"

/* Hex (whitespace ignored) to bytes in a; *len gets the byte count. */
uint8_t *cqltest_unhex(struct arena *a, const char *hex, size_t *len);
/*
 * Runs one whole frame through the streaming decoder (fed one byte at a time when bytewise)
 * and cqlframe_body_load (lz4 allowed). Returns what cqlframe_decoder_next returned for it, or
 * the body_load error.
 */
int cqltest_frame(const uint8_t *p, size_t len, bool expect_response, bool bytewise,
                  struct arena *a, struct cqlframe_header *h, const uint8_t **body,
                  size_t *body_len);

#endif

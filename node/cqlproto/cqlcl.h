/*
 * cqlcl: the protocol's [consistency] values (v4 §3) and their names. The enum values are the
 * wire values, so a decoded [consistency] is used as is. Names are Cassandra's ("LOCAL_QUORUM"),
 * as cqlsh's CONSISTENCY command and error messages print them.
 * Pure, constant tables only.
 */
#ifndef RINGDB_CQLPROTO_CQLCL_H
#define RINGDB_CQLPROTO_CQLCL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "node/base/buf.h"

enum cqlcl {
    CQLCL_ANY = 0x0000,
    CQLCL_ONE = 0x0001,
    CQLCL_TWO = 0x0002,
    CQLCL_THREE = 0x0003,
    CQLCL_QUORUM = 0x0004,
    CQLCL_ALL = 0x0005,
    CQLCL_LOCAL_QUORUM = 0x0006,
    CQLCL_EACH_QUORUM = 0x0007,
    CQLCL_SERIAL = 0x0008,
    CQLCL_LOCAL_SERIAL = 0x0009,
    CQLCL_LOCAL_ONE = 0x000A,
};

#define CQLCL_MAX CQLCL_LOCAL_ONE

bool cqlcl_is_valid(uint16_t cl);
/* SERIAL or LOCAL_SERIAL (the only levels allowed as a serial consistency). */
bool cqlcl_is_serial(uint16_t cl);
/* "ONE", "LOCAL_QUORUM" ...; NULL for a value that is not a consistency level. */
const char *cqlcl_name(uint16_t cl);
/* Case-insensitive name to level: 0, or ERR_INVALID for an unknown name. */
int cqlcl_parse(const char *s, size_t len, uint16_t *out);
/* Reads a [consistency]: 0, or ERR_PROTOCOL if truncated or not a known level. */
int cqlcl_get(struct rbuf *r, uint16_t *out);

#endif

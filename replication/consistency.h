/*
 * consistency: consistency levels and their arithmetic (Cassandra's ConsistencyLevel):
 * how many replica responses a request blocks for, and whether enough replicas are alive to
 * try at all (else Unavailable, with required and alive counts for the error body).
 * Values equal the CQL protocol's [consistency] codes. Pure.
 */
#ifndef RINGDB_REPLICATION_CONSISTENCY_H
#define RINGDB_REPLICATION_CONSISTENCY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "node/base/err.h"
#include "ring/strategy.h"

enum consistency {
    CL_ANY = 0x0000,
    CL_ONE = 0x0001,
    CL_TWO = 0x0002,
    CL_THREE = 0x0003,
    CL_QUORUM = 0x0004,
    CL_ALL = 0x0005,
    CL_LOCAL_QUORUM = 0x0006,
    CL_EACH_QUORUM = 0x0007,
    CL_SERIAL = 0x0008,
    CL_LOCAL_SERIAL = 0x0009,
    CL_LOCAL_ONE = 0x000A,
};

/* "ONE", "LOCAL_QUORUM" ...; NULL for an unknown code. */
const char *consistency_name(int cl);
/* Parses a name (any case); returns 0 or -1. */
int consistency_parse(const char *name, enum consistency *out);
bool consistency_is_valid(int cl);
bool consistency_is_dc_local(enum consistency cl);

static inline uint32_t quorum_for(uint32_t rf)
{
    return rf / 2 + 1;
}

/* Responses needed for cl under strategy s; local_dc names the coordinator's data center. */
uint32_t consistency_block_for(enum consistency cl, const struct strategy *s,
                               const char *local_dc);

/* Live replica counts, overall and per data center, for the availability check. */
struct replica_counts {
    uint32_t alive;
    uint32_t alive_local;
    uint32_t ndcs;
    struct {
        const char *dc;
        uint32_t alive;
    } dcs[STRATEGY_DCS_MAX];
};

/*
 * Whether the request may proceed. On failure returns ERR_UNAVAILABLE with *required and
 * *alive set as the Unavailable error body carries them. ANY always proceeds for writes (the
 * coordinator stores a hint).
 */
int consistency_check_available(enum consistency cl, const struct strategy *s,
                                const char *local_dc, const struct replica_counts *c,
                                uint32_t *required, uint32_t *alive);

/* Rejects levels an operation cannot use, with Cassandra's messages (ERR_INVALID). */
int consistency_validate_for_write(enum consistency cl, struct errmsg *em);
int consistency_validate_for_read(enum consistency cl, struct errmsg *em);

#endif

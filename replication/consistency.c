/* consistency: see consistency.h. */
#include "replication/consistency.h"

#include <string.h>
#include <strings.h>

static const char *const names[] = {"ANY",          "ONE",          "TWO",    "THREE",
                                    "QUORUM",       "ALL",          "LOCAL_QUORUM",
                                    "EACH_QUORUM",  "SERIAL",       "LOCAL_SERIAL",
                                    "LOCAL_ONE"};

const char *consistency_name(int cl)
{
    return consistency_is_valid(cl) ? names[cl] : NULL;
}

bool consistency_is_valid(int cl)
{
    return cl >= CL_ANY && cl <= CL_LOCAL_ONE;
}

int consistency_parse(const char *name, enum consistency *out)
{
    for (int i = 0; i <= CL_LOCAL_ONE; i++) {
        if (strcasecmp(name, names[i]) == 0) {
            *out = (enum consistency)i;
            return 0;
        }
    }
    return -1;
}

bool consistency_is_dc_local(enum consistency cl)
{
    return cl == CL_LOCAL_ONE || cl == CL_LOCAL_QUORUM || cl == CL_LOCAL_SERIAL;
}

static uint32_t each_quorum(const struct strategy *s)
{
    if (s->kind != STRATEGY_NTS) return quorum_for(strategy_total_rf(s));
    uint32_t n = 0;
    for (uint32_t i = 0; i < s->ndcs; i++) n += quorum_for(s->dcs[i].rf);
    return n;
}

uint32_t consistency_block_for(enum consistency cl, const struct strategy *s, const char *local_dc)
{
    switch (cl) {
    case CL_ANY:
    case CL_ONE:
    case CL_LOCAL_ONE: return 1;
    case CL_TWO: return 2;
    case CL_THREE: return 3;
    case CL_QUORUM:
    case CL_SERIAL: return quorum_for(strategy_total_rf(s));
    case CL_ALL: return strategy_total_rf(s);
    case CL_LOCAL_QUORUM:
    case CL_LOCAL_SERIAL:
        if (s->kind != STRATEGY_NTS) return quorum_for(strategy_total_rf(s));
        return quorum_for(strategy_dc_rf(s, local_dc));
    case CL_EACH_QUORUM: return each_quorum(s);
    }
    return 1;
}

static uint32_t dc_alive(const struct replica_counts *c, const char *dc)
{
    for (uint32_t i = 0; i < c->ndcs; i++)
        if (strcmp(c->dcs[i].dc, dc) == 0) return c->dcs[i].alive;
    return 0;
}

static int each_quorum_available(const struct strategy *s, const struct replica_counts *c,
                                 uint32_t *required, uint32_t *alive)
{
    for (uint32_t i = 0; i < s->ndcs; i++) {
        uint32_t need = quorum_for(s->dcs[i].rf), have = dc_alive(c, s->dcs[i].dc);
        if (have < need) {
            *required = need;
            *alive = have;
            return ERR_UNAVAILABLE;
        }
    }
    return 0;
}

int consistency_check_available(enum consistency cl, const struct strategy *s,
                                const char *local_dc, const struct replica_counts *c,
                                uint32_t *required, uint32_t *alive)
{
    if (cl == CL_ANY) return 0;
    if (cl == CL_EACH_QUORUM && s->kind == STRATEGY_NTS)
        return each_quorum_available(s, c, required, alive);
    uint32_t need = consistency_block_for(cl, s, local_dc);
    bool local = consistency_is_dc_local(cl) && s->kind == STRATEGY_NTS;
    uint32_t have = local ? c->alive_local : c->alive;
    if (have >= need) return 0;
    *required = need;
    *alive = have;
    return ERR_UNAVAILABLE;
}

int consistency_validate_for_write(enum consistency cl, struct errmsg *em)
{
    if (!consistency_is_valid((int)cl))
        return errmsg_set(em, ERR_PROTOCOL, "Unknown consistency level %d", (int)cl);
    if (cl == CL_SERIAL || cl == CL_LOCAL_SERIAL)
        return errmsg_set(em, ERR_INVALID,
                          "You must use conditional updates for serializable writes");
    return 0;
}

int consistency_validate_for_read(enum consistency cl, struct errmsg *em)
{
    if (!consistency_is_valid((int)cl))
        return errmsg_set(em, ERR_PROTOCOL, "Unknown consistency level %d", (int)cl);
    if (cl == CL_ANY)
        return errmsg_set(em, ERR_INVALID,
                          "ANY ConsistencyLevel is only supported for writes");
    return 0;
}

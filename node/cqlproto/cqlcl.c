/* cqlcl: consistency level values and names. See cqlcl.h. */
#include "node/cqlproto/cqlcl.h"

#include <string.h>
#include <strings.h>

#include "node/base/err.h"

static const char *const names[] = {
    [CQLCL_ANY] = "ANY",
    [CQLCL_ONE] = "ONE",
    [CQLCL_TWO] = "TWO",
    [CQLCL_THREE] = "THREE",
    [CQLCL_QUORUM] = "QUORUM",
    [CQLCL_ALL] = "ALL",
    [CQLCL_LOCAL_QUORUM] = "LOCAL_QUORUM",
    [CQLCL_EACH_QUORUM] = "EACH_QUORUM",
    [CQLCL_SERIAL] = "SERIAL",
    [CQLCL_LOCAL_SERIAL] = "LOCAL_SERIAL",
    [CQLCL_LOCAL_ONE] = "LOCAL_ONE",
};

bool cqlcl_is_valid(uint16_t cl)
{
    return cl <= CQLCL_MAX;
}

bool cqlcl_is_serial(uint16_t cl)
{
    return cl == CQLCL_SERIAL || cl == CQLCL_LOCAL_SERIAL;
}

const char *cqlcl_name(uint16_t cl)
{
    return cqlcl_is_valid(cl) ? names[cl] : NULL;
}

int cqlcl_parse(const char *s, size_t len, uint16_t *out)
{
    for (uint16_t i = 0; i <= CQLCL_MAX; i++) {
        if (strlen(names[i]) == len && strncasecmp(names[i], s, len) == 0) {
            *out = i;
            return 0;
        }
    }
    return ERR_INVALID;
}

int cqlcl_get(struct rbuf *r, uint16_t *out)
{
    uint16_t v;
    if (rbuf_be16(r, &v) < 0) return ERR_PROTOCOL;
    if (!cqlcl_is_valid(v)) {
        r->pos -= 2;
        return ERR_PROTOCOL;
    }
    *out = v;
    return 0;
}

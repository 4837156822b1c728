/* cqlerr: ERROR response bodies. See cqlerr.h. */
#include "node/cqlproto/cqlerr.h"

#include <string.h>

#include "node/cqlproto/cqlcl.h"

static const struct {
    int32_t code;
    const char *name;
} names[] = {
    {CQLERR_SERVER, "Server error"},
    {CQLERR_PROTOCOL, "Protocol error"},
    {CQLERR_AUTH, "Bad credentials"},
    {CQLERR_UNAVAILABLE, "Unavailable"},
    {CQLERR_OVERLOADED, "Overloaded"},
    {CQLERR_BOOTSTRAPPING, "Is_bootstrapping"},
    {CQLERR_TRUNCATE, "Truncate_error"},
    {CQLERR_WRITE_TIMEOUT, "Write_timeout"},
    {CQLERR_READ_TIMEOUT, "Read_timeout"},
    {CQLERR_READ_FAILURE, "Read_failure"},
    {CQLERR_FUNCTION_FAILURE, "Function_failure"},
    {CQLERR_WRITE_FAILURE, "Write_failure"},
    {CQLERR_SYNTAX, "Syntax error"},
    {CQLERR_UNAUTHORIZED, "Unauthorized"},
    {CQLERR_INVALID, "Invalid"},
    {CQLERR_CONFIG, "Config error"},
    {CQLERR_ALREADY_EXISTS, "Already_exists"},
    {CQLERR_UNPREPARED, "Unprepared"},
};

const char *cqlerr_name(int32_t code)
{
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].code == code) return names[i].name;
    return "Unknown";
}

void cqlerr_from_errmsg(struct cqlerr *e, const struct errmsg *em)
{
    memset(e, 0, sizeof *e);
    e->code = err_cql_code(em->code);
    e->message = cqlwire_str_c(em->text);
}

/* The code a client of this version knows (v3 lacks the failure codes). */
static int32_t code_for_version(int32_t code, int version)
{
    if (version >= 4) return code;
    switch (code) {
    case CQLERR_READ_FAILURE:
        return CQLERR_READ_TIMEOUT;
    case CQLERR_WRITE_FAILURE:
        return CQLERR_WRITE_TIMEOUT;
    case CQLERR_FUNCTION_FAILURE:
        return CQLERR_INVALID;
    default:
        return code;
    }
}

void cqlerr_put(struct buf *b, const struct cqlerr *e, int version)
{
    int32_t code = code_for_version(e->code, version);
    bool failure = code == CQLERR_READ_FAILURE || code == CQLERR_WRITE_FAILURE;
    cqlwire_put_int(b, code);
    cqlwire_put_str(b, e->message);
    switch (code) {
    case CQLERR_UNAVAILABLE:
        cqlwire_put_short(b, e->cl);
        cqlwire_put_int(b, e->required);
        cqlwire_put_int(b, e->alive);
        break;
    case CQLERR_WRITE_TIMEOUT:
    case CQLERR_WRITE_FAILURE:
    case CQLERR_READ_TIMEOUT:
    case CQLERR_READ_FAILURE:
        cqlwire_put_short(b, e->cl);
        cqlwire_put_int(b, e->received);
        cqlwire_put_int(b, e->blockfor);
        if (failure) cqlwire_put_int(b, e->numfailures);
        if (code == CQLERR_WRITE_TIMEOUT || code == CQLERR_WRITE_FAILURE)
            cqlwire_put_str(b, e->write_type);
        else
            cqlwire_put_byte(b, e->data_present ? 1 : 0);
        break;
    case CQLERR_FUNCTION_FAILURE:
        cqlwire_put_str(b, e->keyspace);
        cqlwire_put_str(b, e->function);
        cqlwire_put_string_list(b, e->arg_types, e->narg_types);
        break;
    case CQLERR_ALREADY_EXISTS:
        cqlwire_put_str(b, e->keyspace);
        cqlwire_put_str(b, e->table);
        break;
    case CQLERR_UNPREPARED:
        cqlwire_put_short_bytes(b, e->id.p, e->id.len > 0 ? (size_t)e->id.len : 0);
        break;
    default:
        break;
    }
}

static int get_timeout(struct rbuf *r, struct cqlerr *e)
{
    bool failure = e->code == CQLERR_READ_FAILURE || e->code == CQLERR_WRITE_FAILURE;
    bool write = e->code == CQLERR_WRITE_TIMEOUT || e->code == CQLERR_WRITE_FAILURE;
    if (cqlcl_get(r, &e->cl) < 0 || cqlwire_get_int(r, &e->received) < 0 ||
        cqlwire_get_int(r, &e->blockfor) < 0)
        return ERR_PROTOCOL;
    if (failure && cqlwire_get_int(r, &e->numfailures) < 0) return ERR_PROTOCOL;
    if (write) return cqlwire_get_string(r, &e->write_type);
    uint8_t dp;
    if (cqlwire_get_byte(r, &dp) < 0) return ERR_PROTOCOL;
    e->data_present = dp != 0;
    return 0;
}

static int get_extra(struct rbuf *r, struct arena *a, struct cqlerr *e)
{
    switch (e->code) {
    case CQLERR_UNAVAILABLE:
        if (cqlcl_get(r, &e->cl) < 0 || cqlwire_get_int(r, &e->required) < 0 ||
            cqlwire_get_int(r, &e->alive) < 0)
            return ERR_PROTOCOL;
        return 0;
    case CQLERR_WRITE_TIMEOUT:
    case CQLERR_WRITE_FAILURE:
    case CQLERR_READ_TIMEOUT:
    case CQLERR_READ_FAILURE:
        return get_timeout(r, e);
    case CQLERR_FUNCTION_FAILURE:
        if (cqlwire_get_string(r, &e->keyspace) < 0 || cqlwire_get_string(r, &e->function) < 0 ||
            cqlwire_get_string_list(r, a, &e->arg_types, &e->narg_types) < 0)
            return ERR_PROTOCOL;
        return 0;
    case CQLERR_ALREADY_EXISTS:
        if (cqlwire_get_string(r, &e->keyspace) < 0 || cqlwire_get_string(r, &e->table) < 0)
            return ERR_PROTOCOL;
        return 0;
    case CQLERR_UNPREPARED:
        return cqlwire_get_short_bytes(r, &e->id);
    default:
        return 0;
    }
}

int cqlerr_get(struct rbuf *r, struct arena *a, struct cqlerr *out)
{
    size_t save = r->pos;
    struct cqlerr e;
    memset(&e, 0, sizeof e);
    if (cqlwire_get_int(r, &e.code) < 0 || cqlwire_get_string(r, &e.message) < 0 ||
        get_extra(r, a, &e) < 0) {
        r->pos = save;
        return ERR_PROTOCOL;
    }
    *out = e;
    return 0;
}

/*
 * functions: see functions.h. The table below lists every native function once per
 * signature; blob conversions are generated from the native types. Generic definitions
 * (min/max take any comparable type, token the partition key, fromJson its receiver's type)
 * get their concrete types at resolution (functions_inst).
 */
#include "node/cql/functions.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "node/base/be.h"
#include "node/base/uuid.h"
#include "node/cql/functions_int.h"
#include "ring/partitioner.h"
#include "storage/value_json.h"

#define ANY CQL_CUSTOM

static int fn_now(const struct functions_call_ctx *c, const struct bind_value *a,
                  struct bind_value *out)
{
    (void)a;
    struct uuid u;
    timeuuid_now(&u);
    return functions_out_bytes(c, u.b, 16, out);
}

static int fn_uuid(const struct functions_call_ctx *c, const struct bind_value *a,
                   struct bind_value *out)
{
    (void)a;
    struct uuid u;
    uuid_random(&u);
    return functions_out_bytes(c, u.b, 16, out);
}

static int fn_current_timestamp(const struct functions_call_ctx *c, const struct bind_value *a,
                                struct bind_value *out)
{
    (void)a;
    return functions_out_i64(c, c->now_ms, out);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

static int out_date_of_ms(const struct functions_call_ctx *c, int64_t ms, struct bind_value *out)
{
    int64_t days = floor_div(ms, 86400000LL) + (1LL << 31);
    if (days < 0 || days > (int64_t)UINT32_MAX)
        return errmsg_set(c->em, ERR_INVALID, "Timestamp %lld is out of the date range",
                          (long long)ms);
    return functions_out_i32(c, (int32_t)(uint32_t)days, out);
}

static int fn_current_date(const struct functions_call_ctx *c, const struct bind_value *a,
                           struct bind_value *out)
{
    (void)a;
    return out_date_of_ms(c, c->now_ms, out);
}

static int fn_current_time(const struct functions_call_ctx *c, const struct bind_value *a,
                           struct bind_value *out)
{
    (void)a;
    int64_t ms = c->now_ms - floor_div(c->now_ms, 86400000LL) * 86400000LL;
    return functions_out_i64(c, ms * 1000000LL, out);
}

static int64_t arg_i64(const struct bind_value *a)
{
    return (int64_t)be64_load(a->p);
}

static int fn_min_timeuuid(const struct functions_call_ctx *c, const struct bind_value *a,
                           struct bind_value *out)
{
    struct uuid u;
    timeuuid_from_ms(arg_i64(&a[0]), false, &u);
    return functions_out_bytes(c, u.b, 16, out);
}

static int fn_max_timeuuid(const struct functions_call_ctx *c, const struct bind_value *a,
                           struct bind_value *out)
{
    struct uuid u;
    timeuuid_from_ms(arg_i64(&a[0]), true, &u);
    return functions_out_bytes(c, u.b, 16, out);
}

static int64_t timeuuid_ms(const struct bind_value *a)
{
    struct uuid u;
    memcpy(u.b, a->p, 16);
    return timeuuid_unix_ms(&u);
}

static int64_t date_ms(const struct bind_value *a)
{
    return ((int64_t)be32_load(a->p) - (1LL << 31)) * 86400000LL;
}

static int fn_timeuuid_to_ts(const struct functions_call_ctx *c, const struct bind_value *a,
                             struct bind_value *out)
{
    return functions_out_i64(c, timeuuid_ms(&a[0]), out);
}

static int fn_timeuuid_to_date(const struct functions_call_ctx *c, const struct bind_value *a,
                               struct bind_value *out)
{
    return out_date_of_ms(c, timeuuid_ms(&a[0]), out);
}

static int fn_ts_to_date(const struct functions_call_ctx *c, const struct bind_value *a,
                         struct bind_value *out)
{
    return out_date_of_ms(c, arg_i64(&a[0]), out);
}

static int fn_date_to_ts(const struct functions_call_ctx *c, const struct bind_value *a,
                         struct bind_value *out)
{
    return functions_out_i64(c, date_ms(&a[0]), out);
}

static int fn_identity(const struct functions_call_ctx *c, const struct bind_value *a,
                       struct bind_value *out)
{
    (void)c;
    *out = a[0];
    return 0;
}

/* blobAsX: the blob must be a valid X. */
static int fn_blob_as(const struct functions_call_ctx *c, const struct bind_value *a,
                      struct bind_value *out)
{
    if (cql_value_validate(c->ret, a[0].p, a[0].len, c->em) != 0) return ERR_INVALID;
    *out = a[0];
    return 0;
}

static int fn_token(const struct functions_call_ctx *c, const struct bind_value *a,
                    struct bind_value *out)
{
    int64_t t;
    if (c->nargs == 1) {
        t = partitioner_token(a[0].p, a[0].len);
    } else {
        const uint8_t *vals[64];
        uint32_t lens[64];
        if (c->nargs > 64) return errmsg_set(c->em, ERR_INVALID, "too many token() arguments");
        for (uint32_t i = 0; i < c->nargs; i++) {
            vals[i] = a[i].p;
            lens[i] = a[i].len;
        }
        struct buf k;
        buf_init(&k);
        partitioner_compose(&k, vals, lens, c->nargs);
        t = partitioner_token(k.data, k.len);
        buf_deinit(&k);
    }
    return functions_out_i64(c, t, out);
}

static int fn_to_json(const struct functions_call_ctx *c, const struct bind_value *a,
                      struct bind_value *out)
{
    struct buf b;
    buf_init(&b);
    int rc = value_json_format(c->params[0], a[0].p, a[0].len, &b);
    if (rc == 0) rc = functions_out_bytes(c, b.data, b.len, out);
    buf_deinit(&b);
    return rc;
}

static int fn_from_json(const struct functions_call_ctx *c, const struct bind_value *a,
                        struct bind_value *out)
{
    struct buf b;
    buf_init(&b);
    bool is_null = false;
    int rc =
        value_json_parse(c->ret, (const char *)a[0].p, a[0].len, c->now_ms, &b, &is_null, c->em);
    if (rc == 0 && is_null)
        *out = (struct bind_value){.kind = BIND_NULL};
    else if (rc == 0)
        rc = functions_out_bytes(c, b.data, b.len, out);
    buf_deinit(&b);
    return rc;
}

#define T(id) (enum cql_type_id)(id)
static const struct functions_def defs[] = {
    {"now", 0, {0}, CQL_TIMEUUID, fn_now, FUNCTIONS_NONDET},
    {"currenttimeuuid", 0, {0}, CQL_TIMEUUID, fn_now, FUNCTIONS_NONDET},
    {"uuid", 0, {0}, CQL_UUID, fn_uuid, FUNCTIONS_NONDET},
    {"currenttimestamp", 0, {0}, CQL_TIMESTAMP, fn_current_timestamp, FUNCTIONS_NONDET},
    {"currentdate", 0, {0}, CQL_DATE, fn_current_date, FUNCTIONS_NONDET},
    {"currenttime", 0, {0}, CQL_TIME, fn_current_time, FUNCTIONS_NONDET},
    {"mintimeuuid", 1, {CQL_TIMESTAMP}, CQL_TIMEUUID, fn_min_timeuuid, 0},
    {"maxtimeuuid", 1, {CQL_TIMESTAMP}, CQL_TIMEUUID, fn_max_timeuuid, 0},
    {"dateof", 1, {CQL_TIMEUUID}, CQL_TIMESTAMP, fn_timeuuid_to_ts, 0},
    {"unixtimestampof", 1, {CQL_TIMEUUID}, CQL_BIGINT, fn_timeuuid_to_ts, 0},
    {"todate", 1, {CQL_TIMEUUID}, CQL_DATE, fn_timeuuid_to_date, 0},
    {"todate", 1, {CQL_TIMESTAMP}, CQL_DATE, fn_ts_to_date, 0},
    {"todate", 1, {CQL_DATE}, CQL_DATE, fn_identity, 0},
    {"totimestamp", 1, {CQL_TIMEUUID}, CQL_TIMESTAMP, fn_timeuuid_to_ts, 0},
    {"totimestamp", 1, {CQL_DATE}, CQL_TIMESTAMP, fn_date_to_ts, 0},
    {"totimestamp", 1, {CQL_TIMESTAMP}, CQL_TIMESTAMP, fn_identity, 0},
    {"tounixtimestamp", 1, {CQL_TIMEUUID}, CQL_BIGINT, fn_timeuuid_to_ts, 0},
    {"tounixtimestamp", 1, {CQL_TIMESTAMP}, CQL_BIGINT, fn_identity, 0},
    {"tounixtimestamp", 1, {CQL_DATE}, CQL_BIGINT, fn_date_to_ts, 0},
    {"token", -1, {0}, CQL_BIGINT, fn_token, FUNCTIONS_TOKEN},
    {"tojson", 1, {ANY}, CQL_VARCHAR, fn_to_json, FUNCTIONS_SELECTOR_ONLY},
    {"fromjson", 1, {CQL_VARCHAR}, ANY, fn_from_json, FUNCTIONS_FROM_JSON},
    {"count", 1, {ANY}, CQL_BIGINT, NULL, FUNCTIONS_AGG},
    {"min", 1, {ANY}, ANY, NULL, FUNCTIONS_AGG},
    {"max", 1, {ANY}, ANY, NULL, FUNCTIONS_AGG},
    {"sum", 1, {ANY}, ANY, NULL, FUNCTIONS_AGG | FUNCTIONS_NUMERIC},
    {"avg", 1, {ANY}, ANY, NULL, FUNCTIONS_AGG | FUNCTIONS_NUMERIC},
};
#undef T
#define NDEFS (sizeof defs / sizeof defs[0])

/* The blob conversions: "intasblob" and "blobasint" for every native type. */
static const enum cql_type_id blob_types[] = {
    CQL_ASCII, CQL_BIGINT, CQL_BLOB,      CQL_BOOLEAN,  CQL_COUNTER, CQL_DECIMAL,  CQL_DOUBLE,
    CQL_FLOAT, CQL_INT,    CQL_TIMESTAMP, CQL_UUID,     CQL_VARCHAR, CQL_VARINT,   CQL_TIMEUUID,
    CQL_INET,  CQL_DATE,   CQL_TIME,      CQL_SMALLINT, CQL_TINYINT, CQL_DURATION,
};
#define NBLOB (sizeof blob_types / sizeof blob_types[0])
static struct functions_def blob_defs[2 * NBLOB + 1];
static char blob_names[2 * NBLOB + 1][32];
static pthread_once_t blob_once = PTHREAD_ONCE_INIT;

static void blob_init(void)
{
    size_t n = 0;
    for (size_t i = 0; i < NBLOB; i++) {
        const char *tn = cql_type_native_name(blob_types[i]);
        snprintf(blob_names[n], sizeof blob_names[n], "%sasblob", tn);
        blob_defs[n] =
            (struct functions_def){blob_names[n], 1, {blob_types[i]}, CQL_BLOB, fn_identity, 0};
        n++;
        snprintf(blob_names[n], sizeof blob_names[n], "blobas%s", tn);
        blob_defs[n] =
            (struct functions_def){blob_names[n], 1, {CQL_BLOB}, blob_types[i], fn_blob_as, 0};
        n++;
    }
    /* "varchar" spellings resolve too (Cassandra registers both text and varchar names). */
    snprintf(blob_names[n], sizeof blob_names[n], "varcharasblob");
    blob_defs[n] =
        (struct functions_def){blob_names[n], 1, {CQL_VARCHAR}, CQL_BLOB, fn_identity, 0};
}

size_t functions_defs_all(const struct functions_def **out, size_t max)
{
    pthread_once(&blob_once, blob_init);
    size_t n = 0;
    for (size_t i = 0; i < NDEFS && n < max; i++)
        out[n++] = &defs[i];
    for (size_t i = 0; i < 2 * NBLOB + 1 && n < max; i++)
        out[n++] = &blob_defs[i];
    return n;
}

int functions_call(const struct functions_inst *f, struct arena *a, int64_t now_ms,
                   const struct bind_value *args, struct bind_value *out, struct errmsg *em)
{
    for (uint32_t i = 0; i < f->nargs; i++) {
        if (args[i].kind == BIND_UNSET)
            return errmsg_set(em, ERR_INVALID,
                              "Invalid unset value for argument in call to "
                              "function %s",
                              f->name);
        if (args[i].kind == BIND_NULL) {
            *out = (struct bind_value){.kind = BIND_NULL};
            return 0;
        }
        /* An empty value of a fixed-size type (blobAsInt(0x)) has no meaning: null. */
        if (args[i].len == 0 && f->params[i]->id != CQL_VARCHAR && f->params[i]->id != CQL_ASCII &&
            f->params[i]->id != CQL_BLOB) {
            *out = (struct bind_value){.kind = BIND_NULL};
            return 0;
        }
    }
    struct functions_call_ctx c = {.arena = a,
                                   .now_ms = now_ms,
                                   .em = em,
                                   .ret = f->ret,
                                   .params = f->params,
                                   .nargs = f->nargs};
    return f->def->apply(&c, args, out);
}

static const struct cql_type *count_params[1];
static struct functions_inst count_inst;
static pthread_once_t count_once = PTHREAD_ONCE_INIT;

static void count_init(void)
{
    const struct functions_def *d = NULL;
    for (size_t i = 0; i < NDEFS && !d; i++)
        if (strcmp(defs[i].name, "count") == 0) d = &defs[i];
    count_params[0] = cql_type_native(CQL_BIGINT);
    count_inst = (struct functions_inst){.def = d,
                                         .name = "count",
                                         .ret = cql_type_native(CQL_BIGINT),
                                         .nargs = 1,
                                         .params = count_params,
                                         .aggregate = true};
}

const struct functions_inst *functions_count_rows(void)
{
    pthread_once(&count_once, count_init);
    return &count_inst;
}

int functions_out_bytes(const struct functions_call_ctx *c, const void *p, size_t n,
                        struct bind_value *out)
{
    *out = (struct bind_value){.kind = BIND_VALUE,
                               .len = (uint32_t)n,
                               .p = n ? arena_dup(c->arena, p, n) : (const uint8_t *)""};
    return 0;
}

int functions_out_i64(const struct functions_call_ctx *c, int64_t v, struct bind_value *out)
{
    uint8_t b[8];
    be64_store(b, (uint64_t)v);
    return functions_out_bytes(c, b, 8, out);
}

int functions_out_i32(const struct functions_call_ctx *c, int32_t v, struct bind_value *out)
{
    uint8_t b[4];
    be32_store(b, (uint32_t)v);
    return functions_out_bytes(c, b, 4, out);
}

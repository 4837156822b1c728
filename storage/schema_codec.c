/*
 * schema_codec: the binary form of a finished table schema (catalog file, snapshots).
 *
 *   offset  size  meaning
 *   0       4     magic "RDBS"
 *   4       1     version (1)
 *   5       4     body length n (u32 big-endian)
 *   9       n     body (below)
 *   9+n     4     CRC32C of bytes [0, 9+n)
 *
 *   body: keyspace, name (varint length + bytes each), table id (16 bytes),
 *         next_column_id (varint), ncolumns (varint), per column:
 *           name, id (varint), kind (u8), position (zigzag), reversed (u8), type (cql_type_encode)
 *         ndropped (varint), per dropped column:
 *           name, id (varint), kind (u8), dropped_time_us (zigzag), type
 *         nscalar (varint), per scalar option: name, value text (as table_schema_set_option takes)
 *         nmaps (varint), per map option: name, count (varint), then count × (key, value)
 *
 * Decoding checks the magic, version, length and checksum, bounds every count by the bytes
 * left and the schema limits, then rebuilds the schema through the same option setters and
 * table_schema_finish, so a decoded schema passed every rule a new one does. Any failure is
 * ERR_CORRUPT with a message naming the offset.
 * Thread rule: pure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/base/be.h"
#include "node/base/crc32c.h"
#include "storage/schema.h"

#define SCHEMA_MAGIC "RDBS"
#define SCHEMA_VERSION 1
#define SCHEMA_HEADER 9
#define SCHEMA_STR_MAX 65535
#define SCHEMA_OPTS_MAX 64

static void put_str(struct buf *b, const char *s)
{
    buf_put_vbytes(b, s, strlen(s));
}

static void put_double(struct buf *b, const char *name, double v)
{
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%.17g", v);
    put_str(b, name);
    put_str(b, tmp);
}

static void put_int(struct buf *b, const char *name, int32_t v)
{
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%d", v);
    put_str(b, name);
    put_str(b, tmp);
}

static void put_scalars(struct buf *b, const struct table_options *o)
{
    buf_put_varint(b, 13);
    put_double(b, "bloom_filter_fp_chance", o->bloom_filter_fp_chance);
    put_int(b, "gc_grace_seconds", o->gc_grace_seconds);
    put_int(b, "default_time_to_live", o->default_time_to_live);
    put_int(b, "memtable_flush_period_in_ms", o->memtable_flush_period_in_ms);
    put_int(b, "min_index_interval", o->min_index_interval);
    put_int(b, "max_index_interval", o->max_index_interval);
    put_double(b, "crc_check_chance", o->crc_check_chance);
    put_str(b, "cdc");
    put_str(b, o->cdc ? "true" : "false");
    put_str(b, "comment");
    put_str(b, o->comment);
    put_str(b, "speculative_retry");
    put_str(b, o->speculative_retry);
    put_str(b, "additional_write_policy");
    put_str(b, o->additional_write_policy);
    put_str(b, "read_repair");
    put_str(b, o->read_repair);
    put_str(b, "memtable");
    put_str(b, o->memtable);
}

static void put_map(struct buf *b, const char *name, const struct str_map *m)
{
    put_str(b, name);
    buf_put_varint(b, m->n);
    for (uint32_t i = 0; i < m->n; i++) {
        put_str(b, m->keys[i]);
        put_str(b, m->values[i]);
    }
}

void table_schema_encode(const struct table_schema *s, struct buf *out)
{
    size_t start = out->len;
    buf_append(out, SCHEMA_MAGIC, 4);
    buf_put_u8(out, SCHEMA_VERSION);
    buf_put_be32(out, 0); /* body length, patched below */
    put_str(out, s->keyspace);
    put_str(out, s->name);
    buf_append(out, s->id.b, 16);
    buf_put_varint(out, s->next_column_id);
    buf_put_varint(out, s->ncolumns);
    for (uint16_t i = 0; i < s->ncolumns; i++) {
        const struct column_def *c = &s->columns[i];
        put_str(out, c->name);
        buf_put_varint(out, c->id);
        buf_put_u8(out, (uint8_t)c->kind);
        buf_put_zigzag(out, c->position);
        buf_put_u8(out, c->reversed);
        cql_type_encode(c->type, out);
    }
    buf_put_varint(out, s->ndropped);
    for (uint16_t i = 0; i < s->ndropped; i++) {
        const struct dropped_column *d = &s->dropped[i];
        put_str(out, d->name);
        buf_put_varint(out, d->id);
        buf_put_u8(out, (uint8_t)d->kind);
        buf_put_zigzag(out, d->dropped_time_us);
        cql_type_encode(d->type, out);
    }
    put_scalars(out, &s->opts);
    buf_put_varint(out, 4);
    put_map(out, "caching", &s->opts.caching);
    put_map(out, "compaction", &s->opts.compaction);
    put_map(out, "compression", &s->opts.compression);
    put_map(out, "extensions", &s->opts.extensions);
    be32_store(out->data + start + 5, (uint32_t)(out->len - start - SCHEMA_HEADER));
    buf_put_be32(out, crc32c(out->data + start, out->len - start));
}

/* ---- decoding ------------------------------------------------------------------------ */

struct dec {
    struct rbuf r;
    struct arena *a; /* the schema's arena */
    struct errmsg *em;
};

static int corrupt(struct dec *d, const char *what)
{
    return errmsg_set(d->em, ERR_CORRUPT, "schema: %s at offset %zu", what,
                      d->r.pos + SCHEMA_HEADER);
}

/* A NUL-free string into the arena (or a scratch copy when a is NULL is not needed). */
static int get_str(struct dec *d, const char **out, const char *what)
{
    const uint8_t *p;
    size_t n;
    if (rbuf_vbytes(&d->r, SCHEMA_STR_MAX, &p, &n) < 0 || memchr(p, 0, n)) return corrupt(d, what);
    *out = arena_strndup(d->a, (const char *)p, n);
    return 0;
}

static int get_count(struct dec *d, uint64_t max, size_t min_bytes_each, uint64_t *out,
                     const char *what)
{
    if (rbuf_varint(&d->r, out) < 0 || *out > max || *out * min_bytes_each > rbuf_left(&d->r))
        return corrupt(d, what);
    return 0;
}

static int get_columns(struct dec *d, struct table_schema *s)
{
    uint64_t next, n;
    if (rbuf_varint(&d->r, &next) < 0 || next > UINT16_MAX) return corrupt(d, "next column id");
    s->next_column_id = (uint16_t)next;
    if (get_count(d, SCHEMA_COLUMNS_MAX, 9, &n, "column count")) return ERR_CORRUPT;
    s->columns = arena_alloc(d->a, (n ? n : 1) * sizeof *s->columns);
    s->columns_cap = (uint16_t)(n ? n : 1);
    for (uint64_t i = 0; i < n; i++) {
        struct column_def *c = &s->columns[i];
        uint64_t id;
        uint8_t kind, rev;
        int64_t pos;
        if (get_str(d, &c->name, "column name")) return ERR_CORRUPT;
        if (rbuf_varint(&d->r, &id) < 0 || id >= next || rbuf_u8(&d->r, &kind) < 0 ||
            kind > COLUMN_STATIC || rbuf_zigzag(&d->r, &pos) < 0 || pos < -1 ||
            pos >= SCHEMA_COLUMNS_MAX || rbuf_u8(&d->r, &rev) < 0 || rev > 1)
            return corrupt(d, "column header");
        bool key = kind == COLUMN_PARTITION_KEY || kind == COLUMN_CLUSTERING;
        if (key != (pos >= 0) || (rev && kind != COLUMN_CLUSTERING) || !c->name[0])
            return corrupt(d, "column kind/position");
        if (cql_type_decode(&d->r, d->a, &c->type)) return corrupt(d, "column type");
        c->id = (uint16_t)id;
        c->kind = (enum column_kind)kind;
        c->position = (int16_t)pos;
        c->reversed = rev;
        for (uint64_t k = 0; k < i; k++)
            if (s->columns[k].id == c->id || strcmp(s->columns[k].name, c->name) == 0)
                return corrupt(d, "duplicate column");
        s->ncolumns = (uint16_t)(i + 1);
    }
    return 0;
}

static int get_dropped(struct dec *d, struct table_schema *s)
{
    uint64_t n;
    if (get_count(d, SCHEMA_COLUMNS_MAX, 9, &n, "dropped count")) return ERR_CORRUPT;
    s->dropped = arena_alloc(d->a, (n ? n : 1) * sizeof *s->dropped);
    s->dropped_cap = (uint16_t)(n ? n : 1);
    for (uint64_t i = 0; i < n; i++) {
        struct dropped_column *x = &s->dropped[i];
        uint64_t id;
        uint8_t kind;
        if (get_str(d, &x->name, "dropped name")) return ERR_CORRUPT;
        if (rbuf_varint(&d->r, &id) < 0 || id >= s->next_column_id || rbuf_u8(&d->r, &kind) < 0 ||
            (kind != COLUMN_REGULAR && kind != COLUMN_STATIC) ||
            rbuf_zigzag(&d->r, &x->dropped_time_us) < 0)
            return corrupt(d, "dropped column header");
        if (cql_type_decode(&d->r, d->a, &x->type)) return corrupt(d, "dropped column type");
        x->id = (uint16_t)id;
        x->kind = (enum column_kind)kind;
        for (uint64_t k = 0; k < i; k++)
            if (s->dropped[k].id == x->id) return corrupt(d, "duplicate dropped column");
        s->ndropped = (uint16_t)(i + 1);
    }
    return 0;
}

static int get_options(struct dec *d, struct table_schema *s)
{
    uint64_t n;
    struct errmsg inner;
    if (get_count(d, SCHEMA_OPTS_MAX, 2, &n, "option count")) return ERR_CORRUPT;
    for (uint64_t i = 0; i < n; i++) {
        const char *name, *value;
        if (get_str(d, &name, "option name") || get_str(d, &value, "option value"))
            return ERR_CORRUPT;
        if (table_schema_set_option(s, name, value, &inner))
            return errmsg_set(d->em, ERR_CORRUPT, "schema: option %s: %s", name, inner.text);
    }
    if (get_count(d, SCHEMA_OPTS_MAX, 2, &n, "map count")) return ERR_CORRUPT;
    for (uint64_t i = 0; i < n; i++) {
        const char *name, *keys[SCHEMA_OPTS_MAX], *values[SCHEMA_OPTS_MAX];
        uint64_t m;
        if (get_str(d, &name, "map name") || get_count(d, SCHEMA_OPTS_MAX, 2, &m, "map size"))
            return ERR_CORRUPT;
        for (uint64_t k = 0; k < m; k++)
            if (get_str(d, &keys[k], "map key") || get_str(d, &values[k], "map value"))
                return ERR_CORRUPT;
        if (table_schema_set_map_option(s, name, (uint32_t)m, keys, values, &inner))
            return errmsg_set(d->em, ERR_CORRUPT, "schema: option %s: %s", name, inner.text);
    }
    return 0;
}

static int check_frame(const uint8_t *p, size_t len, struct errmsg *em)
{
    if (len < SCHEMA_HEADER + 4 || memcmp(p, SCHEMA_MAGIC, 4) != 0)
        return errmsg_set(em, ERR_CORRUPT, "schema: bad magic or short (%zu bytes)", len);
    if (p[4] != SCHEMA_VERSION)
        return errmsg_set(em, ERR_CORRUPT, "schema: unsupported version %u at offset 4", p[4]);
    uint32_t body = be32_load(p + 5);
    if ((size_t)body != len - SCHEMA_HEADER - 4)
        return errmsg_set(em, ERR_CORRUPT, "schema: body length %u does not match %zu bytes", body,
                          len);
    if (crc32c(p, len - 4) != be32_load(p + len - 4))
        return errmsg_set(em, ERR_CORRUPT, "schema: checksum mismatch at offset %zu", len - 4);
    return 0;
}

int table_schema_decode(const uint8_t *p, size_t len, cql_udt_lookup_cb lookup, void *ctx,
                        struct table_schema **out, struct errmsg *em)
{
    (void)lookup;
    (void)ctx;
    int rc = check_frame(p, len, em);
    if (rc) return rc;
    struct rbuf hdr;
    rbuf_init(&hdr, p + SCHEMA_HEADER, len - SCHEMA_HEADER - 4);
    /* names first, so the builder can be created with them */
    const uint8_t *ks, *nm, *idb;
    size_t ksn, nmn;
    if (rbuf_vbytes(&hdr, SCHEMA_NAME_MAX, &ks, &ksn) < 0 ||
        rbuf_vbytes(&hdr, SCHEMA_NAME_MAX, &nm, &nmn) < 0 || rbuf_bytes(&hdr, 16, &idb) < 0 ||
        memchr(ks, 0, ksn) || memchr(nm, 0, nmn))
        return errmsg_set(em, ERR_CORRUPT, "schema: bad table name at offset %d", SCHEMA_HEADER);
    char ksbuf[SCHEMA_NAME_MAX + 1], nmbuf[SCHEMA_NAME_MAX + 1];
    memcpy(ksbuf, ks, ksn);
    ksbuf[ksn] = '\0';
    memcpy(nmbuf, nm, nmn);
    nmbuf[nmn] = '\0';
    struct uuid id;
    memcpy(id.b, idb, 16);
    struct table_schema *s = table_schema_new(ksbuf, nmbuf, &id);
    struct dec d = {.r = hdr, .a = &s->arena, .em = em};
    if ((rc = get_columns(&d, s)) || (rc = get_dropped(&d, s)) || (rc = get_options(&d, s)))
        goto fail;
    if (rbuf_left(&d.r) != 0) {
        rc = corrupt(&d, "trailing bytes");
        goto fail;
    }
    struct errmsg inner;
    if (table_schema_finish(s, &inner)) {
        rc = errmsg_set(em, ERR_CORRUPT, "schema: %s", inner.text);
        goto fail;
    }
    *out = s;
    return 0;
fail:
    table_schema_unref(s);
    return rc ? rc : ERR_CORRUPT;
}

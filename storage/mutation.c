/*
 * mutation: the PartitionUpdate codec and its validation against a table schema (see
 * mutation.h and docs/formats.md#mutation).
 *
 * Decoding checks structure only (lengths, counts, flags, via row_codec); validation checks
 * meaning (clustering shapes and order, column ids and kinds, value types, collection paths).
 * The coordinator validates before it sends; a replica validates what it receives; commit-log
 * replay only decodes (the record was validated when it was written) and the memtable copes
 * with anything that decodes.
 * Thread rule: stateless.
 */
#include "storage/mutation.h"

#include <string.h>

#include "node/base/murmur3.h"
#include "storage/row_codec.h"

#define MUTATION_VERSION 1
#define MUTATION_FLAG_STATIC 1
#define TTL_MAX_S 630720000 /* Cassandra's MAX_TTL: 20 years */

void mutation_encode(const struct partition_update *u, struct buf *out)
{
    buf_put_u8(out, MUTATION_VERSION);
    buf_append(out, u->table_id.b, sizeof u->table_id.b);
    buf_put_vbytes(out, u->key, u->key_len);
    deletion_encode(u->partition_deletion, out);
    buf_put_u8(out, u->static_row ? MUTATION_FLAG_STATIC : 0);
    if (u->static_row) row_encode(u->static_row, out);
    buf_put_varint(out, u->nrts);
    for (uint32_t i = 0; i < u->nrts; i++) range_tombstone_encode(&u->rts[i], out);
    buf_put_varint(out, u->nrows);
    for (uint32_t i = 0; i < u->nrows; i++) row_encode(&u->rows[i], out);
}

static int corrupt(struct errmsg *em, const char *what, size_t off)
{
    return errmsg_set(em, ERR_CORRUPT, "mutation: bad %s at offset %zu", what, off);
}

static int decode_head(struct rbuf *r, struct partition_update *u, uint8_t *flags,
                       struct errmsg *em)
{
    uint8_t version;
    const uint8_t *id;
    size_t n;
    if (rbuf_u8(r, &version) < 0 || version != MUTATION_VERSION)
        return corrupt(em, "version", r->pos);
    if (rbuf_bytes(r, sizeof u->table_id.b, &id) < 0) return corrupt(em, "table id", r->pos);
    memcpy(u->table_id.b, id, sizeof u->table_id.b);
    if (rbuf_vbytes(r, MUTATION_KEY_MAX, &u->key, &n) < 0) return corrupt(em, "key", r->pos);
    u->key_len = (uint32_t)n;
    u->token = murmur3_token(u->key, u->key_len);
    if (deletion_decode(r, &u->partition_deletion) < 0)
        return corrupt(em, "partition deletion", r->pos);
    if (rbuf_u8(r, flags) < 0 || (*flags & ~MUTATION_FLAG_STATIC))
        return corrupt(em, "flags", r->pos);
    return 0;
}

int mutation_decode(const uint8_t *p, size_t len, struct arena *a, struct partition_update *out,
                    struct errmsg *em)
{
    struct rbuf r;
    struct partition_update u = {0};
    uint8_t flags;
    uint64_t n;
    rbuf_init(&r, p, len);
    int rc = decode_head(&r, &u, &flags, em);
    if (rc < 0) return rc;
    if (flags & MUTATION_FLAG_STATIC) {
        u.static_row = arena_alloc(a, sizeof *u.static_row);
        if (row_decode(&r, a, u.static_row) < 0 || !(u.static_row->flags & ROW_STATIC))
            return corrupt(em, "static row", r.pos);
    }
    /* a range tombstone takes at least 6 bytes, a row at least 3 */
    if (rbuf_varint(&r, &n) < 0 || n > MUTATION_RTS_MAX || n > rbuf_left(&r) / 6)
        return corrupt(em, "range tombstone count", r.pos);
    u.nrts = (uint32_t)n;
    u.rts = n ? arena_alloc(a, (size_t)n * sizeof *u.rts) : NULL;
    for (uint32_t i = 0; i < u.nrts; i++)
        if (range_tombstone_decode(&r, &u.rts[i]) < 0) return corrupt(em, "range tombstone", r.pos);
    if (rbuf_varint(&r, &n) < 0 || n > MUTATION_ROWS_MAX || n > rbuf_left(&r) / 3)
        return corrupt(em, "row count", r.pos);
    u.nrows = (uint32_t)n;
    u.rows = n ? arena_alloc(a, (size_t)n * sizeof *u.rows) : NULL;
    for (uint32_t i = 0; i < u.nrows; i++)
        if (row_decode(&r, a, &u.rows[i]) < 0 || (u.rows[i].flags & ROW_STATIC))
            return corrupt(em, "row", r.pos);
    if (rbuf_left(&r)) return corrupt(em, "trailing bytes", r.pos);
    *out = u;
    return 0;
}

/* ---- validation ---- */

static int validate_path(const struct column_def *col, const struct cell *c, struct errmsg *em)
{
    const struct cql_type *t = col->type;
    switch (t->id) {
    case CQL_LIST:
        if (c->path_len != 16)
            return errmsg_set(em, ERR_INVALID, "list cell path of %s is not a timeuuid",
                              col->name);
        return 0;
    case CQL_SET:
    case CQL_MAP:
        return cql_value_validate(t->sub[0], c->path, c->path_len, em);
    case CQL_UDT:
        if (c->path_len != 2 || ((uint32_t)c->path[0] << 8 | c->path[1]) >= t->nsub)
            return errmsg_set(em, ERR_INVALID, "bad field path for %s", col->name);
        return 0;
    default:
        return errmsg_set(em, ERR_INVALID, "cell path on column %s", col->name);
    }
}

static const struct cql_type *element_value_type(const struct column_def *col,
                                                 const struct cell *c)
{
    const struct cql_type *t = col->type;
    if (!cql_type_is_multicell(t)) return t; /* frozen collections and UDTs: one value */
    switch (t->id) {
    case CQL_LIST: return t->sub[0];
    case CQL_SET: return NULL; /* elements live in the path; the value is empty */
    case CQL_MAP: return t->sub[1];
    case CQL_UDT: return t->sub[(uint32_t)c->path[0] << 8 | c->path[1]];
    default: return t;
    }
}

static int validate_cell(const struct table_schema *s, bool is_static, const struct cell *c,
                         struct errmsg *em)
{
    const struct column_def *col = table_schema_column_by_id(s, c->col);
    if (!col) return errmsg_set(em, ERR_INVALID, "unknown column id %u", c->col);
    enum column_kind want = is_static ? COLUMN_STATIC : COLUMN_REGULAR;
    if (col->kind != want)
        return errmsg_set(em, ERR_INVALID, "column %s cannot be set in this row", col->name);
    if (c->ts_us == TS_NONE) return errmsg_set(em, ERR_INVALID, "cell without timestamp");
    if ((c->flags & CELL_EXPIRING) && (c->ttl_s <= 0 || c->ttl_s > TTL_MAX_S))
        return errmsg_set(em, ERR_INVALID, "ttl %d out of range", c->ttl_s);
    bool multi = cql_type_is_multicell(col->type);
    if (multi != (c->path_len > 0))
        return errmsg_set(em, ERR_INVALID, "column %s: %s", col->name,
                          multi ? "collection cell without path" : "unexpected cell path");
    if (multi) {
        int rc = validate_path(col, c, em);
        if (rc < 0) return rc;
    }
    if (c->flags & CELL_TOMBSTONE) {
        if (c->value_len) return errmsg_set(em, ERR_INVALID, "tombstone with a value");
        return 0;
    }
    const struct cql_type *vt = element_value_type(col, c);
    if (!vt) {
        if (c->value_len) return errmsg_set(em, ERR_INVALID, "set cell with a value");
        return 0;
    }
    return cql_value_validate(vt, c->value, c->value_len, em);
}

static int validate_row(const struct table_schema *s, const struct row *r, bool is_static,
                        struct errmsg *em)
{
    int rc;
    if (is_static) {
        if (r->ck_len || !(r->flags & ROW_STATIC))
            return errmsg_set(em, ERR_INVALID, "malformed static row");
    } else if ((rc = clustering_validate(s, r->ck, r->ck_len, false, em)) < 0) {
        return rc;
    }
    if (r->liveness.ttl_s < 0 || r->liveness.ttl_s > TTL_MAX_S)
        return errmsg_set(em, ERR_INVALID, "row ttl %d out of range", r->liveness.ttl_s);
    for (uint16_t i = 0; i < r->ncomplex; i++) {
        const struct column_def *col = table_schema_column_by_id(s, r->complex[i].col);
        if (!col || !cql_type_is_multicell(col->type))
            return errmsg_set(em, ERR_INVALID, "collection deletion on column id %u",
                              r->complex[i].col);
        if (i && r->complex[i].col <= r->complex[i - 1].col)
            return errmsg_set(em, ERR_INVALID, "collection deletions not sorted");
    }
    for (uint32_t i = 0; i < r->ncells; i++) {
        if (i && cell_cmp_position(&r->cells[i - 1], &r->cells[i]) >= 0)
            return errmsg_set(em, ERR_INVALID, "cells not sorted or duplicated");
        if ((rc = validate_cell(s, is_static, &r->cells[i], em)) < 0) return rc;
    }
    return 0;
}

static int validate_rt(const struct table_schema *s, const struct range_tombstone *rt,
                       struct errmsg *em)
{
    const struct cbound *a = &rt->range.start, *b = &rt->range.end;
    if ((a->kind != BOUND_INCL_START && a->kind != BOUND_EXCL_START) ||
        (b->kind != BOUND_INCL_END && b->kind != BOUND_EXCL_END))
        return errmsg_set(em, ERR_INVALID, "malformed range tombstone bounds");
    if (deletion_is_live(rt->del)) return errmsg_set(em, ERR_INVALID, "live range tombstone");
    int rc = clustering_validate(s, a->prefix, a->len, true, em);
    if (rc == 0) rc = clustering_validate(s, b->prefix, b->len, true, em);
    return rc;
}

int mutation_validate(const struct partition_update *u, const struct table_schema *s,
                      struct errmsg *em)
{
    int rc;
    if (uuid_cmp_bytes(&u->table_id, &s->id) != 0)
        return errmsg_set(em, ERR_INVALID, "update for another table");
    if (u->key_len == 0 || u->key_len > MUTATION_KEY_MAX)
        return errmsg_set(em, ERR_INVALID, "partition key of %u bytes", u->key_len);
    if (u->nrows > MUTATION_ROWS_MAX || u->nrts > MUTATION_RTS_MAX)
        return errmsg_set(em, ERR_LIMIT, "too many rows or range tombstones in one update");
    if (u->static_row && (rc = validate_row(s, u->static_row, true, em)) < 0) return rc;
    for (uint32_t i = 0; i < u->nrts; i++)
        if ((rc = validate_rt(s, &u->rts[i], em)) < 0) return rc;
    for (uint32_t i = 0; i < u->nrows; i++) {
        const struct row *r = &u->rows[i];
        if ((rc = validate_row(s, r, false, em)) < 0) return rc;
        if (i && clustering_cmp(s, u->rows[i - 1].ck, u->rows[i - 1].ck_len, r->ck,
                                r->ck_len) >= 0)
            return errmsg_set(em, ERR_INVALID, "rows not sorted or duplicated");
    }
    return 0;
}

int mutation_validate_clustering(const struct partition_update *u, const struct table_schema *s,
                                 struct errmsg *em)
{
    int rc;
    for (uint32_t i = 0; i < u->nrts; i++)
        if ((rc = validate_rt(s, &u->rts[i], em)) < 0) return rc;
    for (uint32_t i = 0; i < u->nrows; i++)
        if ((rc = clustering_validate(s, u->rows[i].ck, u->rows[i].ck_len, false, em)) < 0)
            return rc;
    if (u->static_row && u->static_row->ck_len)
        return errmsg_set(em, ERR_INVALID, "malformed static row");
    return 0;
}

static size_t row_data_size(const struct row *r)
{
    size_t n = r->ck_len;
    for (uint32_t i = 0; i < r->ncells; i++) n += r->cells[i].path_len + r->cells[i].value_len;
    return n;
}

size_t mutation_data_size(const struct partition_update *u)
{
    size_t n = u->key_len;
    if (u->static_row) n += row_data_size(u->static_row);
    for (uint32_t i = 0; i < u->nrts; i++) n += u->rts[i].range.start.len + u->rts[i].range.end.len;
    for (uint32_t i = 0; i < u->nrows; i++) n += row_data_size(&u->rows[i]);
    return n;
}

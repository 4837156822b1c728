/*
 * catalog_codec: see catalog_codec.h for the format. Encoding walks the sorted catalog, so the
 * bytes (and the schema version computed from them) depend only on the content. Decoding reads
 * through a bounds-checked cursor; every failure names the source and the offset.
 */
#include "node/cql/catalog_codec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/base/be.h"
#include "node/base/crc32c.h"
#include "storage/vfs.h"

#define CATALOG_MAGIC "RDBCATLG"
#define CATALOG_FORMAT_VERSION 1
#define CATALOG_HEADER_BYTES 20
#define CATALOG_STR_MAX 65535
#define CATALOG_PATH_MAX 4096

static void put_str(struct buf *b, const char *s)
{
    buf_put_vbytes(b, s, strlen(s));
}

static void put_map(struct buf *b, const struct str_map *m)
{
    buf_put_varint(b, m->n);
    for (uint32_t i = 0; i < m->n; i++) {
        put_str(b, m->keys[i]);
        put_str(b, m->values[i]);
    }
}

bool catalog_codec_is_persisted(const struct catalog_keyspace *ks)
{
    return !ks->is_virtual && !catalog_is_local_system_keyspace(ks->name);
}

static void encode_keyspace(const struct catalog_keyspace *ks, struct buf *b)
{
    put_str(b, ks->name);
    buf_put_u8(b, ks->durable_writes ? 1 : 0);
    put_map(b, &ks->replication);
    if (ks->is_system) { /* parameters only: the code defines the contents */
        buf_put_varint(b, 0);
        buf_put_varint(b, 0);
        buf_put_varint(b, 0);
        return;
    }
    buf_put_varint(b, ks->ntypes);
    for (uint32_t i = 0; i < ks->ntypes; i++)
        cql_type_encode(ks->types[i], b);
    buf_put_varint(b, ks->ntables);
    struct buf t;
    buf_init(&t);
    for (uint32_t i = 0; i < ks->ntables; i++) {
        buf_reset(&t);
        table_schema_encode(ks->tables[i], &t);
        buf_put_vbytes(b, t.data, t.len);
    }
    buf_deinit(&t);
    buf_put_varint(b, ks->nindexes);
    for (uint32_t i = 0; i < ks->nindexes; i++) {
        const struct catalog_index *ix = &ks->indexes[i];
        put_str(b, ix->table);
        put_str(b, ix->name);
        put_str(b, ix->kind);
        put_map(b, &ix->options);
    }
}

void catalog_codec_encode(const struct catalog *c, struct buf *out)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < c->nkeyspaces; i++)
        n += catalog_codec_is_persisted(&c->keyspaces[i]);
    buf_put_varint(out, n);
    for (uint32_t i = 0; i < c->nkeyspaces; i++)
        if (catalog_codec_is_persisted(&c->keyspaces[i])) encode_keyspace(&c->keyspaces[i], out);
}

/* ---- decoding ----------------------------------------------------------------------- */

struct dec {
    struct rbuf r;
    size_t base; /* offset of the body in the file, for messages */
    const char *what;
    struct arena arena; /* strings while decoding */
    struct errmsg *em;
};

static int corrupt(struct dec *d, const char *fmt, const char *arg)
{
    char why[ERRMSG_MAX];
    int n = snprintf(why, sizeof why, fmt, arg);
    if (n < 0) why[0] = '\0';
    return errmsg_set(d->em, ERR_CORRUPT, "schema catalog %s is corrupt at offset %zu: %s",
                      d->what, d->base + d->r.pos, why);
}

static int get_str(struct dec *d, const char **out, const char *field)
{
    const uint8_t *p;
    size_t n;
    if (rbuf_vbytes(&d->r, CATALOG_STR_MAX, &p, &n) < 0 || memchr(p, 0, n))
        return corrupt(d, "bad %s", field);
    *out = arena_strndup(&d->arena, (const char *)p, n);
    return 0;
}

static int get_count(struct dec *d, uint64_t max, uint64_t *out, const char *field)
{
    /* every counted item takes at least one byte, so more items than bytes is corrupt */
    if (rbuf_varint(&d->r, out) < 0 || *out > max || *out > rbuf_left(&d->r))
        return corrupt(d, "bad %s count", field);
    return 0;
}

static int get_map(struct dec *d, const char **keys, const char **vals, uint32_t *n,
                   const char *field)
{
    uint64_t cnt;
    int rc = get_count(d, CATALOG_MAP_MAX, &cnt, field);
    for (uint64_t i = 0; rc == 0 && i < cnt; i++) {
        rc = get_str(d, &keys[i], field);
        if (rc == 0) rc = get_str(d, &vals[i], field);
        for (uint64_t k = 0; rc == 0 && k < i; k++)
            if (strcmp(keys[k], keys[i]) >= 0) rc = corrupt(d, "unsorted %s", field);
    }
    *n = (uint32_t)cnt;
    return rc;
}

static int get_types(struct dec *d, struct catalog_edit *e, const char *ks)
{
    uint64_t n;
    int rc = get_count(d, CATALOG_TYPES_MAX, &n, "type");
    for (uint64_t i = 0; rc == 0 && i < n; i++) {
        const struct cql_type *t;
        if (cql_type_decode(&d->r, &d->arena, &t) < 0 || t->id != CQL_UDT || t->frozen ||
            strcmp(t->udt_keyspace, ks) != 0 || !catalog_valid_name(t->udt_name, SCHEMA_NAME_MAX))
            return corrupt(d, "bad user type in keyspace %s", ks);
        catalog_edit_put_type(e, t);
    }
    return rc;
}

static int get_tables(struct dec *d, struct catalog_edit *e, const char *ks)
{
    uint64_t n;
    int rc = get_count(d, CATALOG_TABLES_MAX, &n, "table");
    for (uint64_t i = 0; rc == 0 && i < n; i++) {
        const uint8_t *p;
        size_t len;
        if (rbuf_vbytes(&d->r, CATALOG_FILE_MAX_BYTES, &p, &len) < 0)
            return corrupt(d, "bad table in keyspace %s", ks);
        struct table_schema *s;
        struct errmsg tem;
        if (table_schema_decode(p, len, NULL, NULL, &s, &tem) != 0)
            return corrupt(d, "bad table: %s", tem.text);
        if (strcmp(s->keyspace, ks) != 0 || catalog_edit_table(e, ks, s->name)) {
            table_schema_unref(s);
            return corrupt(d, "misplaced or duplicate table in keyspace %s", ks);
        }
        catalog_edit_put_table(e, s);
        table_schema_unref(s);
    }
    return rc;
}

static int get_indexes(struct dec *d, struct catalog_edit *e, const char *ks)
{
    uint64_t n;
    int rc = get_count(d, CATALOG_INDEXES_MAX, &n, "index");
    for (uint64_t i = 0; rc == 0 && i < n; i++) {
        struct catalog_index ix;
        const char *k[CATALOG_MAP_MAX], *v[CATALOG_MAP_MAX];
        rc = get_str(d, &ix.table, "index table");
        if (rc == 0) rc = get_str(d, &ix.name, "index name");
        if (rc == 0) rc = get_str(d, &ix.kind, "index kind");
        if (rc == 0) rc = get_map(d, k, v, &ix.options.n, "index options");
        if (rc != 0) return rc;
        if (!catalog_edit_table(e, ks, ix.table))
            return corrupt(d, "index on unknown table %s", ix.table);
        ix.options.keys = k;
        ix.options.values = v;
        catalog_edit_put_index(e, ks, &ix);
    }
    return rc;
}

static int get_keyspace(struct dec *d, struct catalog_edit *e)
{
    const char *name, *k[CATALOG_MAP_MAX], *v[CATALOG_MAP_MAX];
    uint8_t flags;
    uint32_t nrepl;
    int rc = get_str(d, &name, "keyspace name");
    if (rc == 0 && !catalog_valid_name(name, SCHEMA_NAME_MAX)) rc = corrupt(d, "bad keyspace name %s", name);
    if (rc == 0 && rbuf_u8(&d->r, &flags) < 0) rc = corrupt(d, "truncated keyspace %s", name);
    if (rc == 0) rc = get_map(d, k, v, &nrepl, "replication");
    if (rc != 0) return rc;
    struct catalog_ks_params p = {.name = name, .durable_writes = (flags & 1) != 0};
    struct errmsg sem;
    if (strategy_parse(k, v, nrepl, NULL, 0, false, name, &p.strategy, &sem) != 0)
        return corrupt(d, "bad replication: %s", sem.text);
    bool system = catalog_is_system_keyspace_name(name);
    if (system) {
        if (!catalog_edit_has_keyspace(e, name) || catalog_is_local_system_keyspace(name))
            return corrupt(d, "unexpected system keyspace %s", name);
        p.is_system = true;
    } else if (catalog_edit_has_keyspace(e, name)) {
        return corrupt(d, "duplicate keyspace %s", name);
    }
    catalog_edit_put_keyspace(e, &p);
    rc = get_types(d, e, name);
    if (rc == 0) rc = get_tables(d, e, name);
    if (rc == 0) rc = get_indexes(d, e, name);
    return rc;
}

int catalog_codec_decode(const uint8_t *p, size_t len, const char *what, struct catalog_edit *e,
                         struct errmsg *em)
{
    struct dec d = {.what = what, .em = em};
    rbuf_init(&d.r, p, len);
    arena_init(&d.arena, 16 * 1024);
    uint64_t n;
    int rc = get_count(&d, CATALOG_KEYSPACES_MAX, &n, "keyspace");
    for (uint64_t i = 0; rc == 0 && i < n; i++)
        rc = get_keyspace(&d, e);
    if (rc == 0 && rbuf_left(&d.r) != 0) rc = corrupt(&d, "%s", "trailing bytes");
    arena_deinit(&d.arena);
    return rc;
}

/* ---- file ---------------------------------------------------------------------------- */

void catalog_codec_file(const struct catalog *c, struct buf *out)
{
    size_t start = out->len;
    buf_append(out, CATALOG_MAGIC, 8);
    buf_put_be32(out, CATALOG_FORMAT_VERSION);
    size_t len_pos = out->len;
    buf_put_be64(out, 0);
    catalog_codec_encode(c, out);
    be64_store(out->data + len_pos, (uint64_t)(out->len - start - CATALOG_HEADER_BYTES));
    buf_put_be32(out, crc32c(out->data + start, out->len - start));
}

int catalog_codec_read_image(const uint8_t *p, size_t len, const char *path,
                             struct catalog_edit *e, struct errmsg *em)
{
    if (len < CATALOG_HEADER_BYTES + 4 || memcmp(p, CATALOG_MAGIC, 8) != 0)
        return errmsg_set(em, ERR_CORRUPT, "schema catalog %s is corrupt: bad header", path);
    uint32_t version = be32_load(p + 8);
    if (version != CATALOG_FORMAT_VERSION)
        return errmsg_set(em, ERR_CORRUPT, "schema catalog %s has unknown format version %u",
                          path, version);
    uint64_t n = be64_load(p + 12);
    if (n != len - CATALOG_HEADER_BYTES - 4)
        return errmsg_set(em, ERR_CORRUPT,
                          "schema catalog %s is corrupt: body length %llu but file size %zu",
                          path, (unsigned long long)n, len);
    uint32_t want = be32_load(p + len - 4), got = crc32c(p, len - 4);
    if (want != got)
        return errmsg_set(em, ERR_CORRUPT,
                          "schema catalog %s is corrupt: checksum mismatch (stored %08x, "
                          "computed %08x)",
                          path, want, got);
    return catalog_codec_decode(p + CATALOG_HEADER_BYTES, (size_t)n, path, e, em);
}

int catalog_codec_path(const char *data_dir, char *out, size_t cap)
{
    int n = snprintf(out, cap, "%s/%s/%s", data_dir, CATALOG_DIR_NAME, CATALOG_FILE_NAME);
    return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

int catalog_codec_load(struct vfs *v, const char *data_dir, struct catalog_edit *e,
                       struct errmsg *em)
{
    char path[CATALOG_PATH_MAX];
    if (catalog_codec_path(data_dir, path, sizeof path) < 0)
        return errmsg_set(em, -ENAMETOOLONG, "data directory path too long: %s", data_dir);
    uint8_t *p = NULL;
    size_t len = 0;
    int rc = vfs_read_all(v, path, CATALOG_FILE_MAX_BYTES, &p, &len);
    if (rc == -ENOENT) return ERR_NOT_FOUND;
    if (rc == -EFBIG)
        return errmsg_set(em, ERR_CORRUPT, "schema catalog %s is larger than %u bytes", path,
                          CATALOG_FILE_MAX_BYTES);
    if (rc < 0)
        return errmsg_set(em, rc, "cannot read schema catalog %s: %s", path, strerror(-rc));
    rc = catalog_codec_read_image(p, len, path, e, em);
    free(p);
    return rc;
}

int catalog_codec_save(struct vfs *v, const char *data_dir, const struct catalog *c,
                       struct errmsg *em)
{
    char path[CATALOG_PATH_MAX], dir[CATALOG_PATH_MAX];
    int n = snprintf(dir, sizeof dir, "%s/%s", data_dir, CATALOG_DIR_NAME);
    if (n < 0 || (size_t)n >= sizeof dir || catalog_codec_path(data_dir, path, sizeof path) < 0)
        return errmsg_set(em, -ENAMETOOLONG, "data directory path too long: %s", data_dir);
    int rc = vfs_mkdir_p(v, dir);
    struct buf b;
    buf_init(&b);
    if (rc == 0) {
        catalog_codec_file(c, &b);
        rc = vfs_write_atomic(v, path, b.data, b.len);
    }
    buf_deinit(&b);
    if (rc < 0)
        return errmsg_set(em, rc, "cannot write schema catalog %s: %s", path, strerror(-rc));
    return 0;
}

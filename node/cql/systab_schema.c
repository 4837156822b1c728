/* systab_schema: see systab_schema.h. */
#include "node/cql/systab_schema.h"

#include <string.h>

#include "node/cql/syskeyspaces.h"

const char *systab_schema_kind_name(enum column_kind k)
{
    switch (k) {
    case COLUMN_PARTITION_KEY: return "partition_key";
    case COLUMN_CLUSTERING: return "clustering";
    case COLUMN_STATIC: return "static";
    case COLUMN_REGULAR: break;
    }
    return "regular";
}

/* Calls fn for every keyspace of the wanted kind whose partition the read wants. */
static void each_keyspace(const struct vtable_ctx *ctx, struct systab_rows *r, bool is_virtual,
                          void (*fn)(struct systab_rows *r, const struct catalog_keyspace *ks))
{
    const struct catalog *c = ctx->catalog;
    for (uint32_t i = 0; c && i < c->nkeyspaces; i++) {
        const struct catalog_keyspace *ks = &c->keyspaces[i];
        struct systab_val k = systab_text(ks->name);
        if (ks->is_virtual == is_virtual && systab_row_wants(r, &k, 1)) fn(r, ks);
    }
}

static void put_text_map(struct systab_rows *r, const char *col, const struct str_map *m)
{
    struct buf b;
    buf_init(&b);
    systab_val_text_map(&b, m);
    systab_row_bytes(r, col, b.data, b.len);
    buf_deinit(&b);
}

static void put_type(struct systab_rows *r, const char *col, const struct cql_type *t)
{
    struct buf b;
    buf_init(&b);
    cql_type_format(t, &b);
    systab_row_bytes(r, col, b.data, b.len);
    buf_deinit(&b);
}

static void keyspace_row(struct systab_rows *r, const struct catalog_keyspace *ks)
{
    struct systab_val k = systab_text(ks->name);
    systab_row_begin(r, &k, 1, NULL, 0);
    systab_row_bool(r, "durable_writes", ks->durable_writes);
    put_text_map(r, "replication", &ks->replication);
    systab_row_end(r);
}

void systab_schema_gen_keyspaces(const struct vtable_ctx *ctx, struct systab_rows *r)
{
    each_keyspace(ctx, r, false, keyspace_row);
}

static bool has_counters(const struct table_schema *s)
{
    for (uint16_t i = 0; i < s->ncolumns; i++)
        if (s->columns[i].type->id == CQL_COUNTER) return true;
    return false;
}

static void table_options(struct systab_rows *r, const struct table_schema *s)
{
    const struct table_options *o = &s->opts;
    systab_row_text(r, "additional_write_policy", o->additional_write_policy);
    systab_row_double(r, "bloom_filter_fp_chance", o->bloom_filter_fp_chance);
    put_text_map(r, "caching", &o->caching);
    systab_row_bool(r, "cdc", o->cdc);
    systab_row_text(r, "comment", o->comment);
    put_text_map(r, "compaction", &o->compaction);
    put_text_map(r, "compression", &o->compression);
    systab_row_text(r, "memtable", o->memtable);
    systab_row_double(r, "crc_check_chance", o->crc_check_chance);
    systab_row_double(r, "dclocal_read_repair_chance", 0.0);
    systab_row_int(r, "default_time_to_live", o->default_time_to_live);
    put_text_map(r, "extensions", &o->extensions);
    systab_row_int(r, "gc_grace_seconds", o->gc_grace_seconds);
    systab_row_uuid(r, "id", &s->id);
    systab_row_int(r, "max_index_interval", o->max_index_interval);
    systab_row_int(r, "memtable_flush_period_in_ms", o->memtable_flush_period_in_ms);
    systab_row_int(r, "min_index_interval", o->min_index_interval);
    systab_row_double(r, "read_repair_chance", 0.0);
    systab_row_text(r, "read_repair", o->read_repair);
    systab_row_text(r, "speculative_retry", o->speculative_retry);
}

static void tables_rows(struct systab_rows *r, const struct catalog_keyspace *ks)
{
    for (uint32_t t = 0; t < ks->ntables; t++) {
        const struct table_schema *s = ks->tables[t];
        struct systab_val k = systab_text(ks->name), ck = systab_text(s->name);
        systab_row_begin(r, &k, 1, &ck, 1);
        table_options(r, s);
        static const char *const compound[] = {"compound"};
        static const char *const counter[] = {"compound", "counter"};
        struct buf b;
        buf_init(&b);
        bool cnt = has_counters(s);
        systab_val_text_set(&b, cnt ? counter : compound, cnt ? 2 : 1);
        systab_row_bytes(r, "flags", b.data, b.len);
        buf_deinit(&b);
        systab_row_end(r);
    }
}

void systab_schema_gen_tables(const struct vtable_ctx *ctx, struct systab_rows *r)
{
    each_keyspace(ctx, r, false, tables_rows);
}

static void columns_rows(struct systab_rows *r, const struct catalog_keyspace *ks)
{
    for (uint32_t t = 0; t < ks->ntables; t++) {
        const struct table_schema *s = ks->tables[t];
        for (uint16_t i = 0; i < s->ncolumns; i++) {
            const struct column_def *c = &s->columns[i];
            struct systab_val k = systab_text(ks->name);
            struct systab_val ck[2] = {systab_text(s->name), systab_text(c->name)};
            systab_row_begin(r, &k, 1, ck, 2);
            systab_row_text(r, "clustering_order", c->kind != COLUMN_CLUSTERING ? "none"
                                                   : c->reversed              ? "desc"
                                                                              : "asc");
            systab_row_text(r, "column_name_bytes", c->name);
            systab_row_text(r, "kind", systab_schema_kind_name(c->kind));
            systab_row_int(r, "position", c->position);
            put_type(r, "type", c->type);
            systab_row_end(r);
        }
    }
}

void systab_schema_gen_columns(const struct vtable_ctx *ctx, struct systab_rows *r)
{
    each_keyspace(ctx, r, false, columns_rows);
}

static void dropped_rows(struct systab_rows *r, const struct catalog_keyspace *ks)
{
    for (uint32_t t = 0; t < ks->ntables; t++) {
        const struct table_schema *s = ks->tables[t];
        for (uint16_t i = 0; i < s->ndropped; i++) {
            const struct dropped_column *d = &s->dropped[i];
            struct systab_val k = systab_text(ks->name);
            struct systab_val ck[2] = {systab_text(s->name), systab_text(d->name)};
            systab_row_begin(r, &k, 1, ck, 2);
            systab_row_bigint(r, "dropped_time", d->dropped_time_us / 1000);
            systab_row_text(r, "kind", systab_schema_kind_name(d->kind));
            put_type(r, "type", d->type);
            systab_row_end(r);
        }
    }
}

void systab_schema_gen_dropped_columns(const struct vtable_ctx *ctx, struct systab_rows *r)
{
    each_keyspace(ctx, r, false, dropped_rows);
}

static void types_rows(struct systab_rows *r, const struct catalog_keyspace *ks)
{
    for (uint32_t t = 0; t < ks->ntypes; t++) {
        const struct cql_type *u = ks->types[t];
        struct systab_val k = systab_text(ks->name), ck = systab_text(u->udt_name);
        systab_row_begin(r, &k, 1, &ck, 1);
        struct buf names, types, one;
        buf_init(&names);
        buf_init(&types);
        buf_init(&one);
        buf_put_be32(&names, u->nsub);
        buf_put_be32(&types, u->nsub);
        for (uint16_t i = 0; i < u->nsub; i++) {
            size_t n = strlen(u->field_names[i]);
            buf_put_be32(&names, (uint32_t)n);
            buf_append(&names, u->field_names[i], n);
            buf_reset(&one);
            cql_type_format(u->sub[i], &one);
            buf_put_be32(&types, (uint32_t)one.len);
            buf_append(&types, one.data, one.len);
        }
        systab_row_bytes(r, "field_names", names.data, names.len);
        systab_row_bytes(r, "field_types", types.data, types.len);
        buf_deinit(&names);
        buf_deinit(&types);
        buf_deinit(&one);
        systab_row_end(r);
    }
}

void systab_schema_gen_types(const struct vtable_ctx *ctx, struct systab_rows *r)
{
    each_keyspace(ctx, r, false, types_rows);
}

static void indexes_rows(struct systab_rows *r, const struct catalog_keyspace *ks)
{
    for (uint32_t i = 0; i < ks->nindexes; i++) {
        const struct catalog_index *ix = &ks->indexes[i];
        struct systab_val k = systab_text(ks->name);
        struct systab_val ck[2] = {systab_text(ix->table), systab_text(ix->name)};
        systab_row_begin(r, &k, 1, ck, 2);
        systab_row_text(r, "kind", ix->kind);
        put_text_map(r, "options", &ix->options);
        systab_row_end(r);
    }
}

void systab_schema_gen_indexes(const struct vtable_ctx *ctx, struct systab_rows *r)
{
    each_keyspace(ctx, r, false, indexes_rows);
}

static void virtual_keyspace_row(struct systab_rows *r, const struct catalog_keyspace *ks)
{
    struct systab_val k = systab_text(ks->name);
    systab_row_begin(r, &k, 1, NULL, 0);
    systab_row_end(r);
}

void systab_schema_gen_virtual_keyspaces(const struct vtable_ctx *ctx, struct systab_rows *r)
{
    each_keyspace(ctx, r, true, virtual_keyspace_row);
}

static void virtual_tables_rows(struct systab_rows *r, const struct catalog_keyspace *ks)
{
    for (uint32_t t = 0; t < ks->ntables; t++) {
        const struct table_schema *s = ks->tables[t];
        struct systab_val k = systab_text(ks->name), ck = systab_text(s->name);
        systab_row_begin(r, &k, 1, &ck, 1);
        systab_row_text(r, "comment", s->opts.comment);
        systab_row_end(r);
    }
}

void systab_schema_gen_virtual_tables(const struct vtable_ctx *ctx, struct systab_rows *r)
{
    each_keyspace(ctx, r, true, virtual_tables_rows);
}

void systab_schema_gen_virtual_columns(const struct vtable_ctx *ctx, struct systab_rows *r)
{
    each_keyspace(ctx, r, true, columns_rows);
}

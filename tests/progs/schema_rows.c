/*
 * schema_rows: prints, as one JSON object, every row of system_schema.* and
 * system_virtual_schema.* for a sample schema (the system keyspaces plus the CQL statements
 * given as arguments, planned with the real DDL code), keyed by table name ("keyspaces",
 * "tables", ..., "virtual_keyspaces", ...). Each row is an object of every column of the table
 * (null when absent), values as SELECT JSON prints them. tests/unit/schema/driver_schema.py
 * feeds them to the Python driver's SchemaParserV4, as a driver would get them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/base/clock.h"
#include "node/cql/catalog.h"
#include "node/cql/ddl.h"
#include "node/cql/parser.h"
#include "node/cql/syskeyspaces.h"
#include "node/cql/vtable.h"
#include "ring/partitioner.h"
#include "storage/row.h"
#include "storage/value_json.h"

struct out {
    const struct table_schema *s;
    struct pkey key;
    struct buf *b;
    bool first;
};

static void put_col(struct buf *b, const struct column_def *c, const uint8_t *v, size_t len,
                    bool present)
{
    value_json_append_string(b, c->name, strlen(c->name));
    buf_put_u8(b, ':');
    if (!present || value_json_format(c->type, v, len, b) != 0) buf_printf(b, "null");
}

static int on_start(void *arg, const struct pkey *key, const struct row *st)
{
    (void)st;
    ((struct out *)arg)->key = *key;
    return READ_CONTINUE;
}

static int on_row(void *arg, const struct row *r)
{
    struct out *o = arg;
    const struct table_schema *s = o->s;
    buf_printf(o->b, "%s{", o->first ? "" : ",");
    o->first = false;
    put_col(o->b, &s->columns[0], o->key.key, o->key.len, true); /* one text partition key */
    uint32_t pos = 0, len;
    const uint8_t *v;
    for (uint16_t i = 0; i < s->nck; i++) {
        clustering_next(r->ck, r->ck_len, &pos, &v, &len);
        buf_put_u8(o->b, ',');
        put_col(o->b, &s->columns[s->npk + i], v, len, true);
    }
    for (uint16_t i = s->npk + s->nck; i < s->ncolumns; i++) {
        const struct cell *cell = NULL;
        for (uint32_t k = 0; k < r->ncells; k++)
            if (r->cells[k].col == s->columns[i].id) cell = &r->cells[k];
        buf_put_u8(o->b, ',');
        put_col(o->b, &s->columns[i], cell ? cell->value : NULL, cell ? cell->value_len : 0,
                cell != NULL);
    }
    buf_put_u8(o->b, '}');
    return READ_CONTINUE;
}

static int on_end(void *arg)
{
    (void)arg;
    return READ_CONTINUE;
}

static void dump(const struct catalog *c, const char *ks, const char *name, const char *key,
                 struct buf *b)
{
    const struct vtable *vt = vtable_find(ks, name);
    struct vtable_ctx ctx = {.catalog = c, .now_s = clock_real_s()};
    struct read_cmd cmd = {.table_id = vt->schema->id, .now_s = ctx.now_s,
                           .range = token_range_all()};
    struct out o = {.s = vt->schema, .b = b, .first = true};
    struct read_visitor v = {on_start, on_row, on_end, &o};
    struct errmsg em;
    buf_printf(b, "\"%s\":[", key);
    if (vt->read(vt, &ctx, &cmd, &v, &em) != 0) {
        fprintf(stderr, "read %s.%s: %s\n", ks, name, em.text);
        exit(1);
    }
    buf_put_u8(b, ']');
}

int main(int argc, char **argv)
{
    struct catalog_edit *e = catalog_edit_begin(NULL);
    syskeyspaces_add(e);
    struct catalog *c = catalog_edit_finish(e);
    const char *dcs[] = {"datacenter1"};
    for (int i = 1; i < argc; i++) {
        struct arena a;
        arena_init(&a, 4096);
        struct ast_stmt *s;
        struct errmsg em;
        struct ddl_plan plan;
        struct ddl_ctx ctx = {.base = c, .known_dcs = dcs, .nknown = 1, .nnodes = 1,
                              .now_us = clock_real_us()};
        if (parser_parse(argv[i], strlen(argv[i]), &a, &s, &em) != 0 ||
            ddl_plan(&ctx, s, &plan, &em) != 0) {
            fprintf(stderr, "%s: %s\n", argv[i], em.text);
            return 1;
        }
        if (plan.next) {
            catalog_unref(c);
            c = plan.next;
            plan.next = NULL;
        }
        arena_deinit(&a);
    }
    static const char *const tables[] = {"keyspaces", "tables", "columns", "types", "functions",
                                         "aggregates", "triggers", "indexes", "views"};
    struct buf b;
    buf_init(&b);
    buf_put_u8(&b, '{');
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        dump(c, "system_schema", tables[i], tables[i], &b);
        buf_put_u8(&b, ',');
    }
    dump(c, "system_virtual_schema", "keyspaces", "virtual_keyspaces", &b);
    buf_put_u8(&b, ',');
    dump(c, "system_virtual_schema", "tables", "virtual_tables", &b);
    buf_put_u8(&b, ',');
    dump(c, "system_virtual_schema", "columns", "virtual_columns", &b);
    buf_printf(&b, "}\n");
    fwrite(b.data, 1, b.len, stdout);
    buf_deinit(&b);
    vtable_cache_clear();
    catalog_unref(c);
    return 0;
}

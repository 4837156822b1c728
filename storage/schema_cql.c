/*
 * schema_cql: CREATE TABLE text exactly as Cassandra 4.1's DESCRIBE TABLE prints it
 * (TableMetadata.appendCqlTo + TableParams.appendCqlTo, CqlBuilder indenting by 4 spaces):
 *
 *   CREATE TABLE ks.t (
 *       a int,
 *       c text,
 *       s text static,
 *       v map<text, int>,
 *       PRIMARY KEY (a, c)
 *   ) WITH CLUSTERING ORDER BY (c DESC)
 *       AND additional_write_policy = '99p'
 *       ...
 *       AND speculative_retry = '99p';
 *
 * A single-column primary key without clustering prints inline ("id int PRIMARY KEY"). Names
 * are quoted as ColumnIdentifier.maybeQuote does; option maps print with sorted keys; doubles
 * print as Java's Double.toString; the options come in Cassandra's fixed (almost alphabetical:
 * memtable sits after compression) order.
 * Thread rule: pure; reads a finished schema.
 */
#include <string.h>

#include "node/base/assert.h"
#include "storage/cql_ident.h"
#include "storage/schema.h"
#include "storage/value_format.h"

static void put_s(struct buf *out, const char *s)
{
    buf_append(out, s, strlen(s));
}

static void put_quoted(struct buf *out, const char *s)
{
    cql_ident_append_string(out, s, strlen(s));
}

static void put_map(struct buf *out, const struct str_map *m, bool hex_values)
{
    buf_put_u8(out, '{');
    for (uint32_t i = 0; i < m->n; i++) {
        if (i) put_s(out, ", ");
        put_quoted(out, m->keys[i]);
        put_s(out, ": ");
        if (hex_values) {
            put_s(out, "0x");
            for (const char *p = m->values[i]; *p; p++)
                buf_printf(out, "%02x", (uint8_t)*p);
        } else {
            put_quoted(out, m->values[i]);
        }
    }
    buf_put_u8(out, '}');
}

#define AND "\n    AND "

void table_schema_format_options(const struct table_schema *s, struct buf *out)
{
    const struct table_options *o = &s->opts;
    put_s(out, "additional_write_policy = ");
    put_quoted(out, o->additional_write_policy);
    put_s(out, AND "bloom_filter_fp_chance = ");
    value_format_java_double(out, o->bloom_filter_fp_chance);
    put_s(out, AND "caching = ");
    put_map(out, &o->caching, false);
    put_s(out, AND "cdc = ");
    put_s(out, o->cdc ? "true" : "false");
    put_s(out, AND "comment = ");
    put_quoted(out, o->comment);
    put_s(out, AND "compaction = ");
    put_map(out, &o->compaction, false);
    put_s(out, AND "compression = ");
    put_map(out, &o->compression, false);
    put_s(out, AND "memtable = ");
    put_quoted(out, o->memtable);
    put_s(out, AND "crc_check_chance = ");
    value_format_java_double(out, o->crc_check_chance);
    buf_printf(out, AND "default_time_to_live = %d", o->default_time_to_live);
    put_s(out, AND "extensions = ");
    put_map(out, &o->extensions, true);
    buf_printf(out, AND "gc_grace_seconds = %d", o->gc_grace_seconds);
    buf_printf(out, AND "max_index_interval = %d", o->max_index_interval);
    buf_printf(out, AND "memtable_flush_period_in_ms = %d", o->memtable_flush_period_in_ms);
    buf_printf(out, AND "min_index_interval = %d", o->min_index_interval);
    put_s(out, AND "read_repair = ");
    put_quoted(out, o->read_repair);
    put_s(out, AND "speculative_retry = ");
    put_quoted(out, o->speculative_retry);
}

static void put_key_list(struct buf *out, const struct table_schema *s, uint16_t from, uint16_t n)
{
    for (uint16_t i = 0; i < n; i++) {
        if (i) put_s(out, ", ");
        cql_ident_append(out, s->columns[from + i].name);
    }
}

/*
 * Cassandra's "create order" (TableMetadata.allColumnsInCreateOrder): partition key, clustering,
 * then static columns and regular columns, each simple ones (frozen included) before complex
 * (multi-cell) ones, by name within a group. SELECT * uses a different, globally alphabetical
 * order, which is the order of s->columns.
 */
static bool in_create_group(const struct column_def *c, int group)
{
    enum column_kind kind = group < 2 ? COLUMN_STATIC : COLUMN_REGULAR;
    bool complex = group % 2 == 1;
    return c->kind == kind && cql_type_is_multicell(c->type) == complex;
}

static void put_column(struct buf *out, const struct column_def *c, bool single, bool last)
{
    put_s(out, "    ");
    cql_ident_append(out, c->name);
    buf_put_u8(out, ' ');
    cql_type_format(c->type, out);
    if (c->kind == COLUMN_STATIC) put_s(out, " static");
    if (single && c->kind == COLUMN_PARTITION_KEY) put_s(out, " PRIMARY KEY");
    if (!single || !last) buf_put_u8(out, ',');
    buf_put_u8(out, '\n');
}

void table_schema_format_cql(const struct table_schema *s, struct buf *out)
{
    ASSERT(s->finished);
    put_s(out, "CREATE TABLE ");
    cql_ident_append(out, s->keyspace);
    buf_put_u8(out, '.');
    cql_ident_append(out, s->name);
    put_s(out, " (\n");
    bool single = s->npk == 1 && s->nck == 0;
    uint16_t keys = (uint16_t)(s->npk + s->nck), printed = 0;
    for (uint16_t i = 0; i < keys; i++)
        put_column(out, &s->columns[i], single, ++printed == s->ncolumns);
    for (int group = 0; group < 4; group++)
        for (uint16_t i = keys; i < s->ncolumns; i++)
            if (in_create_group(&s->columns[i], group))
                put_column(out, &s->columns[i], single, ++printed == s->ncolumns);
    ASSERT(printed == s->ncolumns);
    if (!single) {
        put_s(out, "    PRIMARY KEY (");
        if (s->npk > 1) buf_put_u8(out, '(');
        put_key_list(out, s, 0, s->npk);
        if (s->npk > 1) buf_put_u8(out, ')');
        if (s->nck) {
            put_s(out, ", ");
            put_key_list(out, s, s->npk, s->nck);
        }
        put_s(out, ")\n");
    }
    put_s(out, ") WITH ");
    if (s->nck) {
        put_s(out, "CLUSTERING ORDER BY (");
        for (uint16_t i = 0; i < s->nck; i++) {
            const struct column_def *c = &s->columns[s->npk + i];
            if (i) put_s(out, ", ");
            cql_ident_append(out, c->name);
            put_s(out, c->reversed ? " DESC" : " ASC");
        }
        put_s(out, ")" AND);
    }
    table_schema_format_options(s, out);
    buf_put_u8(out, ';');
}

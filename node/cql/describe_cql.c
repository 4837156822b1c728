/* describe_cql: see describe_cql.h. */
#include "node/cql/describe_cql.h"

#include <stdio.h>
#include <string.h>

#include "storage/cql_ident.h"

#define LOCATOR_PREFIX "org.apache.cassandra.locator."
#define AND "\n    AND "

static void put_s(struct buf *out, const char *s)
{
    buf_append(out, s, strlen(s));
}

static void put_quoted(struct buf *out, const char *s)
{
    cql_ident_append_string(out, s, strlen(s));
}

static void put_qualified(struct buf *out, const char *ks, const char *name)
{
    cql_ident_append(out, ks);
    buf_put_u8(out, '.');
    cql_ident_append(out, name);
}

struct repl_out {
    struct buf *out;
};

static void repl_pair(void *arg, const char *key, const char *value)
{
    struct buf *out = ((struct repl_out *)arg)->out;
    if (strcmp(key, "class") == 0) {
        /* ReplicationParams.appendCqlTo: locator classes by their simple name */
        size_t n = strlen(LOCATOR_PREFIX);
        put_s(out, "{'class': ");
        put_quoted(out, strncmp(value, LOCATOR_PREFIX, n) == 0 ? value + n : value);
        return;
    }
    put_s(out, ", ");
    put_quoted(out, key);
    put_s(out, ": ");
    put_quoted(out, value);
}

void describe_cql_replication(const struct strategy *s, struct buf *out)
{
    struct repl_out r = {out};
    strategy_each_option(s, repl_pair, &r); /* class first, then the options sorted */
    buf_put_u8(out, '}');
}

void describe_cql_keyspace(const struct catalog_keyspace *ks, struct buf *out)
{
    if (ks->is_virtual) {
        put_s(out, "/*\nWarning: Keyspace ");
        cql_ident_append(out, ks->name);
        put_s(out, " is a virtual keyspace and cannot be recreated with CQL.\n"
                   "Structure, for reference:\nVIRTUAL KEYSPACE ");
        cql_ident_append(out, ks->name);
        put_s(out, ";\n*/");
        return;
    }
    put_s(out, "CREATE KEYSPACE ");
    cql_ident_append(out, ks->name);
    put_s(out, " WITH replication = ");
    describe_cql_replication(&ks->strategy, out);
    put_s(out, "  AND durable_writes = ");
    put_s(out, ks->durable_writes ? "true" : "false");
    buf_put_u8(out, ';');
}

/* Offset of "\n) WITH " in a CREATE TABLE text (the end of the column list). */
static size_t with_offset(const struct buf *b)
{
    static const char mark[] = "\n) WITH ";
    for (size_t i = 0; i + sizeof mark - 1 <= b->len; i++)
        if (memcmp(b->data + i, mark, sizeof mark - 1) == 0) return i + sizeof mark - 1;
    return b->len;
}

static void virtual_table(const struct table_schema *s, struct buf *out)
{
    struct buf b;
    buf_init(&b);
    table_schema_format_cql(s, &b);
    size_t w = with_offset(&b);
    put_s(out, "/*\nWarning: Table ");
    put_qualified(out, s->keyspace, s->name);
    put_s(out, " is a virtual table and cannot be recreated with CQL.\nStructure, for reference:\n"
               "VIRTUAL TABLE");
    static const char create[] = "CREATE TABLE";
    buf_append(out, b.data + sizeof create - 1, w - (sizeof create - 1));
    if (s->nck) { /* keep "CLUSTERING ORDER BY (...)\n    AND " of the CREATE TABLE text */
        static const char and[] = AND;
        for (size_t i = w; i + sizeof and - 1 <= b.len; i++)
            if (memcmp(b.data + i, and, sizeof and - 1) == 0) {
                buf_append(out, b.data + w, i + sizeof and - 1 - w);
                break;
            }
    }
    put_s(out, "comment = ");
    put_quoted(out, s->opts.comment);
    put_s(out, ";\n*/");
    buf_deinit(&b);
}

/* The table with its dropped (and not re-added) columns put back, for WITH INTERNALS. */
static struct table_schema *with_dropped(const struct table_schema *s)
{
    struct table_schema *t = table_schema_copy(s);
    for (uint16_t i = 0; i < s->ndropped; i++) {
        const struct dropped_column *d = &s->dropped[i];
        if (table_schema_column(t, d->name)) continue;
        if (table_schema_add_column(t, d->name, d->kind, -1, false, d->type, NULL) != 0) {
            table_schema_unref(t);
            return table_schema_ref((struct table_schema *)s);
        }
    }
    if (table_schema_finish(t, NULL) != 0) {
        table_schema_unref(t);
        return table_schema_ref((struct table_schema *)s);
    }
    return t;
}

static void internals(const struct table_schema *s, struct buf *out)
{
    struct table_schema *t = with_dropped(s);
    struct buf b;
    buf_init(&b);
    table_schema_format_cql(t, &b);
    size_t w = with_offset(&b);
    char id[UUID_STR_LEN + 1];
    uuid_format(&s->id, id);
    buf_append(out, b.data, w);
    buf_printf(out, "ID = %s" AND, id);
    buf_append(out, b.data + w, b.len - w);
    buf_deinit(&b);
    table_schema_unref(t);
    for (uint16_t i = 0; i < s->ndropped; i++) {
        const struct dropped_column *d = &s->dropped[i];
        put_s(out, "\nALTER TABLE ");
        put_qualified(out, s->keyspace, s->name);
        put_s(out, " DROP ");
        cql_ident_append(out, d->name);
        buf_printf(out, " USING TIMESTAMP %lld;", (long long)d->dropped_time_us);
        const struct column_def *c = table_schema_column(s, d->name);
        if (!c) continue;
        put_s(out, "\nALTER TABLE ");
        put_qualified(out, s->keyspace, s->name);
        put_s(out, " ADD ");
        cql_ident_append(out, c->name);
        buf_put_u8(out, ' ');
        cql_type_format(c->type, out);
        if (c->kind == COLUMN_STATIC) put_s(out, " static");
        buf_put_u8(out, ';');
    }
}

void describe_cql_table(const struct catalog_keyspace *ks, const struct table_schema *s,
                        bool with_internals, struct buf *out)
{
    if (ks->is_virtual)
        virtual_table(s, out);
    else if (with_internals)
        internals(s, out);
    else
        table_schema_format_cql(s, out);
}

void describe_cql_type(const struct cql_type *t, struct buf *out)
{
    put_s(out, "CREATE TYPE ");
    put_qualified(out, t->udt_keyspace, t->udt_name);
    put_s(out, " (\n");
    for (uint16_t i = 0; i < t->nsub; i++) {
        put_s(out, "    ");
        cql_ident_append(out, t->field_names[i]);
        buf_put_u8(out, ' ');
        cql_type_format(t->sub[i], out);
        put_s(out, i + 1 < t->nsub ? ",\n" : "\n");
    }
    put_s(out, ");");
}

void describe_cql_index(const struct catalog_keyspace *ks, const struct catalog_index *ix,
                        struct buf *out)
{
    bool custom = strcmp(ix->kind, "CUSTOM") == 0;
    put_s(out, custom ? "CREATE CUSTOM INDEX " : "CREATE INDEX ");
    cql_ident_append(out, ix->name);
    put_s(out, " ON ");
    put_qualified(out, ks->name, ix->table);
    const char *target = str_map_get(&ix->options, "target");
    put_s(out, " (");
    put_s(out, target ? target : "");
    buf_put_u8(out, ')');
    if (custom) {
        const char *cls = str_map_get(&ix->options, "class_name");
        put_s(out, " USING ");
        put_quoted(out, cls ? cls : "");
        bool first = true;
        for (uint32_t i = 0; i < ix->options.n; i++) {
            const char *k = ix->options.keys[i];
            if (strcmp(k, "target") == 0 || strcmp(k, "class_name") == 0) continue;
            put_s(out, first ? " WITH OPTIONS = {" : ", ");
            first = false;
            put_quoted(out, k);
            put_s(out, ": ");
            put_quoted(out, ix->options.values[i]);
        }
        if (!first) buf_put_u8(out, '}');
    }
    buf_put_u8(out, ';');
}

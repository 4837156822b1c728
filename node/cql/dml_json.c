/*
 * dml_json: INSERT ... JSON (Cassandra's Json.Prepared / JsonInsertStatement): the document
 * must be a JSON object; keys name columns ("\"Foo\"" keeps case, others are lower-cased),
 * values convert with the column type's fromJson (storage/value_json.h). Columns the
 * document does not name are set to null (DEFAULT NULL) or left alone (DEFAULT UNSET).
 */
#include <string.h>

#include "node/cql/dml_int.h"
#include "storage/value_json.h"

static int convert(struct bind_env *env, const struct column_def *d, const struct json_value *j,
                   struct bind_value *out, struct errmsg *em)
{
    struct buf b;
    buf_init(&b);
    bool is_null = false;
    struct errmsg e;
    int rc = value_json_to_value(d->type, j, env->now_ms, &b, &is_null, &e);
    if (rc) {
        buf_deinit(&b);
        return errmsg_set(em, ERR_INVALID, "Error decoding JSON value for %s: %s", d->name, e.text);
    }
    if (is_null)
        *out = (struct bind_value){.kind = BIND_NULL};
    else
        *out =
            (struct bind_value){BIND_VALUE, (uint32_t)b.len,
                                b.len ? arena_dup(env->arena, b.data, b.len) : (const uint8_t *)""};
    buf_deinit(&b);
    return 0;
}

int dml_json_bind(struct bind_env *env, const struct stmt *st, struct dml_bound *o,
                  struct errmsg *em)
{
    const struct dml_plan *p = st->dml;
    const struct table_schema *t = st->table;
    struct bind_value v;
    int rc = bind_term(env, p->json_value, &p->json_recv, &v, em);
    if (rc) return rc;
    if (v.kind != BIND_VALUE)
        return errmsg_set(em, ERR_INVALID, "Got %s for INSERT JSON values",
                          v.kind == BIND_NULL ? "null" : "unset value");
    const struct json_value *doc;
    struct errmsg e;
    if (value_json_parse_doc((const char *)v.p, v.len, env->arena, &doc, &e) != 0 ||
        doc->kind != JSON_OBJECT)
        return errmsg_set(em, ERR_INVALID,
                          "Could not decode JSON string as a map: %s. (String was: %.*s)",
                          doc && doc->kind != JSON_OBJECT ? "not a JSON object" : e.text,
                          v.len > 200 ? 200 : (int)v.len, (const char *)v.p);
    struct bind_value *vals = arena_zalloc(env->arena, (t->ncolumns + 1) * sizeof *vals);
    bool *given = arena_zalloc(env->arena, t->ncolumns + 1);
    for (uint32_t i = 0; i < doc->n; i++) {
        const char *name = value_json_key_name(env->arena, doc->keys[i], doc->key_lens[i]);
        const struct column_def *d = table_schema_column(t, name);
        if (!d)
            return errmsg_set(em, ERR_INVALID, "JSON values map contains unrecognized column: %s",
                              name);
        uint16_t col = (uint16_t)(d - t->columns);
        if ((rc = convert(env, d, &doc->items[i], &vals[col], em))) return rc;
        given[col] = true;
    }
    o->values = arena_zalloc(env->arena, (t->ncolumns + 1) * sizeof *o->values);
    o->value_cols = arena_zalloc(env->arena, (t->ncolumns + 1) * sizeof *o->value_cols);
    bool ck_missing = false, any_regular = false, any_static = false;
    for (uint16_t c = 0; c < t->ncolumns; c++) {
        enum column_kind k = t->columns[c].kind;
        if (k == COLUMN_CLUSTERING && !given[c]) ck_missing = true;
        if (given[c] && k == COLUMN_REGULAR) any_regular = true;
        if (given[c] && k == COLUMN_STATIC) any_static = true;
        if (!given[c] && (k == COLUMN_PARTITION_KEY || k == COLUMN_CLUSTERING)) continue;
        if (!given[c]) vals[c].kind = p->default_unset ? BIND_UNSET : BIND_NULL;
        o->values[o->nvalues] = vals[c];
        o->value_cols[o->nvalues++] = c;
    }
    o->static_only = ck_missing && any_static && !any_regular;
    return 0;
}

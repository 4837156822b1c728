/*
 * describe: see describe.h. Every DESCRIBE builds its whole element list (cheap: schemas are
 * small), then the page [offset, offset + page_size) is written with the Rows writer.
 * Element order as Cassandra: keyspaces by name; in a keyspace its CREATE KEYSPACE, its types
 * (a type after the types it uses), then each table by name followed by its indexes by name.
 */
#include "node/cql/describe.h"

#include <stdio.h>
#include <string.h>

#include "node/base/be.h"
#include "node/cql/describe_cql.h"
#include "node/cqlproto/cqlrows.h"
#include "node/local.h"
#include "ring/partitioner.h"
#include "ring/strategy.h"
#include "storage/cql_ident.h"

#define PAGING_VERSION 0x0001
#define PAGING_STATE_BYTES (2 + 16 + 8)
#define DESCRIBE_ROWS_MAX (1u << 20)

struct drow {
    const char *ks, *type, *name, *create;
};

struct dlist {
    struct arena a;
    struct drow *rows;
    size_t n, cap;
    bool elements;       /* rows carry create_statement */
    bool internals;
};

static const char *quoted(struct dlist *l, const char *name)
{
    struct buf b;
    buf_init(&b);
    cql_ident_append(&b, name);
    const char *s = arena_strndup(&l->a, (const char *)b.data, b.len);
    buf_deinit(&b);
    return s;
}

static void add(struct dlist *l, const char *ks, const char *type, const char *name,
                const struct buf *create)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        struct drow *r = arena_alloc(&l->a, cap * sizeof *r);
        if (l->n) memcpy(r, l->rows, l->n * sizeof *r);
        l->rows = r;
        l->cap = cap;
    }
    l->rows[l->n++] = (struct drow){
        .ks = quoted(l, ks),
        .type = type,
        .name = quoted(l, name),
        .create = create ? arena_strndup(&l->a, (const char *)create->data, create->len) : NULL};
}

static void add_keyspace(struct dlist *l, const struct catalog_keyspace *ks)
{
    struct buf b;
    buf_init(&b);
    describe_cql_keyspace(ks, &b);
    add(l, ks->name, "keyspace", ks->name, &b);
    buf_deinit(&b);
}

static void add_index(struct dlist *l, const struct catalog_keyspace *ks,
                      const struct catalog_index *ix)
{
    struct buf b;
    buf_init(&b);
    describe_cql_index(ks, ix, &b);
    add(l, ks->name, "index", ix->name, &b);
    buf_deinit(&b);
}

/* The table and its indexes (sorted by name, as the catalog keeps them). */
static void add_table(struct dlist *l, const struct catalog_keyspace *ks,
                      const struct table_schema *t)
{
    struct buf b;
    buf_init(&b);
    describe_cql_table(ks, t, l->internals, &b);
    add(l, ks->name, "table", t->name, &b);
    buf_deinit(&b);
    for (uint32_t i = 0; i < ks->nindexes; i++)
        if (strcmp(ks->indexes[i].table, t->name) == 0) add_index(l, ks, &ks->indexes[i]);
}

static void add_type(struct dlist *l, const struct catalog_keyspace *ks, const struct cql_type *t)
{
    struct buf b;
    buf_init(&b);
    describe_cql_type(t, &b);
    add(l, ks->name, "type", t->udt_name, &b);
    buf_deinit(&b);
}

static bool mentions(const struct cql_type *t, const char *ks, const char *name)
{
    if (t->id == CQL_UDT && strcmp(t->udt_keyspace, ks) == 0 && strcmp(t->udt_name, name) == 0)
        return true;
    for (uint16_t i = 0; i < t->nsub; i++)
        if (mentions(t->sub[i], ks, name)) return true;
    return false;
}

/* Types in name order, each after the types it uses (Types.sortedStream). */
static void add_types(struct dlist *l, const struct catalog_keyspace *ks)
{
    uint8_t *done = arena_zalloc(&l->a, ks->ntypes + 1);
    for (uint32_t emitted = 0, pass = 0; emitted < ks->ntypes && pass <= ks->ntypes; pass++) {
        for (uint32_t i = 0; i < ks->ntypes; i++) {
            if (done[i]) continue;
            bool ready = true;
            for (uint32_t k = 0; k < ks->ntypes && ready; k++)
                if (k != i && !done[k] && mentions(ks->types[i], ks->name, ks->types[k]->udt_name))
                    ready = false;
            if (!ready && pass < ks->ntypes) continue;
            done[i] = 1;
            emitted++;
            add_type(l, ks, ks->types[i]);
        }
    }
}

static void keyspace_elements(struct dlist *l, const struct catalog_keyspace *ks, bool only)
{
    add_keyspace(l, ks);
    if (only) return;
    add_types(l, ks);
    for (uint32_t t = 0; t < ks->ntables; t++)
        add_table(l, ks, ks->tables[t]);
}

/* ---- resolving names -------------------------------------------------------------------- */

static const char *use_ks(const struct describe_req *q)
{
    return q->session_keyspace && q->session_keyspace[0] ? q->session_keyspace : NULL;
}

static int element_keyspace(const struct catalog *c, const struct describe_req *q,
                            const struct catalog_keyspace **out, struct errmsg *em)
{
    const char *ks = q->d->name.keyspace ? q->d->name.keyspace : use_ks(q);
    if (!ks) return errmsg_set(em, ERR_INVALID, "No keyspace specified and no current keyspace");
    if (!(*out = catalog_keyspace(c, ks)))
        return errmsg_set(em, ERR_INVALID, "'%s' not found in keyspaces", ks);
    return 0;
}

static int describe_table(struct dlist *l, const struct catalog_keyspace *ks, const char *name,
                          struct errmsg *em)
{
    const struct table_schema *t = catalog_ks_table(ks, name);
    if (!t)
        return errmsg_set(em, ERR_INVALID, "Table '%s' not found in keyspace '%s'", name,
                          ks->name);
    add_table(l, ks, t);
    return 0;
}

static int describe_index(struct dlist *l, const struct catalog_keyspace *ks, const char *name,
                          struct errmsg *em)
{
    const struct catalog_index *ix = catalog_ks_index(ks, name);
    if (!ix)
        return errmsg_set(em, ERR_INVALID, "Table for existing index '%s' not found in '%s'",
                          name, ks->name);
    add_index(l, ks, ix);
    return 0;
}

/* DESCRIBE name: a keyspace, else a table, an index (in this order), in the keyspace in use. */
static int describe_generic(const struct catalog *c, const struct describe_req *q,
                            struct dlist *l, struct errmsg *em)
{
    const struct ast_qname *n = &q->d->name;
    const char *ksname = n->keyspace;
    if (!ksname) {
        const struct catalog_keyspace *k = catalog_keyspace(c, n->name);
        if (k) {
            keyspace_elements(l, k, false);
            return 0;
        }
        ksname = use_ks(q) ? use_ks(q) : n->name;
    }
    const struct catalog_keyspace *ks = catalog_keyspace(c, ksname);
    if (!ks) return errmsg_set(em, ERR_INVALID, "'%s' not found in keyspaces", ksname);
    if (catalog_ks_table(ks, n->name)) return describe_table(l, ks, n->name, em);
    if (catalog_ks_index(ks, n->name)) return describe_index(l, ks, n->name, em);
    return errmsg_set(em, ERR_INVALID, "'%s' not found in keyspace '%s'", n->name, ksname);
}

static int describe_element(const struct catalog *c, const struct describe_req *q,
                            struct dlist *l, struct errmsg *em)
{
    const struct ast_describe *d = q->d;
    const struct catalog_keyspace *ks;
    int rc = element_keyspace(c, q, &ks, em);
    if (rc) return rc;
    const char *name = d->name.name;
    switch (d->kind) {
    case AST_DESC_TABLE: return describe_table(l, ks, name, em);
    case AST_DESC_INDEX: return describe_index(l, ks, name, em);
    case AST_DESC_TYPE: {
        const struct cql_type *t = catalog_ks_type(ks, name);
        if (!t)
            return errmsg_set(em, ERR_INVALID, "User defined type '%s' not found in '%s'", name,
                              ks->name);
        add_type(l, ks, t);
        return 0;
    }
    case AST_DESC_VIEW:
        return errmsg_set(em, ERR_INVALID, "Materialized view '%s' not found in '%s'", name,
                          ks->name);
    case AST_DESC_FUNCTION:
        return errmsg_set(em, ERR_INVALID, "User defined function '%s' not found in '%s'", name,
                          ks->name);
    default:
        return errmsg_set(em, ERR_INVALID, "User defined aggregate '%s' not found in '%s'", name,
                          ks->name);
    }
}

/* KEYSPACES, TABLES, TYPES, FUNCTIONS, AGGREGATES: names only. */
static int listing(const struct catalog *c, const struct describe_req *q, struct dlist *l,
                   struct errmsg *em)
{
    enum ast_describe_kind kind = q->d->kind;
    l->elements = false;
    const char *use = kind == AST_DESC_KEYSPACES ? NULL : use_ks(q);
    if (use && !catalog_keyspace(c, use))
        return errmsg_set(em, ERR_INVALID, "'%s' not found in keyspaces", use);
    for (uint32_t i = 0; i < c->nkeyspaces; i++) {
        const struct catalog_keyspace *ks = &c->keyspaces[i];
        if (use && strcmp(ks->name, use) != 0) continue;
        if (kind == AST_DESC_KEYSPACES) add(l, ks->name, "keyspace", ks->name, NULL);
        for (uint32_t t = 0; kind == AST_DESC_TABLES && t < ks->ntables; t++)
            add(l, ks->name, "table", ks->tables[t]->name, NULL);
        for (uint32_t t = 0; kind == AST_DESC_TYPES && t < ks->ntypes; t++)
            add(l, ks->name, "type", ks->types[t]->udt_name, NULL);
    }
    return 0;
}

static int collect(const struct catalog *c, const struct describe_req *q, struct dlist *l,
                   struct errmsg *em)
{
    const struct ast_describe *d = q->d;
    l->elements = true;
    l->internals = d->with_internals;
    switch (d->kind) {
    case AST_DESC_KEYSPACES:
    case AST_DESC_TABLES:
    case AST_DESC_TYPES:
    case AST_DESC_FUNCTIONS:
    case AST_DESC_AGGREGATES: return listing(c, q, l, em);
    case AST_DESC_SCHEMA:
        for (uint32_t i = 0; i < c->nkeyspaces; i++)
            if (d->full || !catalog_is_system_keyspace_name(c->keyspaces[i].name))
                keyspace_elements(l, &c->keyspaces[i], false);
        return 0;
    case AST_DESC_KEYSPACE: {
        const char *ks = d->has_name ? d->name.name : use_ks(q);
        if (!ks)
            return errmsg_set(em, ERR_INVALID, "No keyspace specified and no current keyspace");
        const struct catalog_keyspace *k = catalog_keyspace(c, ks);
        if (!k) return errmsg_set(em, ERR_INVALID, "'%s' not found in keyspaces", ks);
        keyspace_elements(l, k, d->only);
        return 0;
    }
    case AST_DESC_GENERIC: return describe_generic(c, q, l, em);
    default: return describe_element(c, q, l, em);
    }
}

/* ---- paging and output -------------------------------------------------------------------- */

static int read_offset(const struct catalog *c, const struct describe_req *q, uint64_t *off,
                       struct errmsg *em)
{
    *off = 0;
    if (!q->paging_state) return 0;
    const uint8_t *p = q->paging_state;
    if (q->paging_state_len != PAGING_STATE_BYTES || be16_load(p) != PAGING_VERSION)
        return errmsg_set(em, ERR_INVALID, "Invalid paging state.");
    if (memcmp(p + 2, c->version.b, 16) != 0)
        return errmsg_set(em, ERR_INVALID,
                          "The schema has changed since the previous page of the DESCRIBE "
                          "statement result. Please retry the DESCRIBE statement.");
    *off = be64_load(p + 18);
    return 0;
}

static void put_text(struct cqlrows_writer *w, const char *s)
{
    cqlrows_cell(w, s, strlen(s));
}

static void write_rows(const struct catalog *c, const struct describe_req *q,
                       const struct dlist *l, uint64_t off, struct buf *out)
{
    static const char *const names[] = {"keyspace_name", "type", "name", "create_statement"};
    struct cqlrows_col cols[4];
    int32_t ncols = l->elements ? 4 : 3;
    for (int32_t i = 0; i < ncols; i++)
        cols[i] = (struct cqlrows_col){.keyspace = {"system", 6},
                                       .table = {"describe", 8},
                                       .name = {names[i], strlen(names[i])},
                                       .type = cql_type_native(CQL_VARCHAR)};
    struct cqlrows_meta meta = {.ncols = ncols, .cols = cols};
    struct cqlrows_writer w;
    cqlrows_begin(&w, out, &meta, q->version);
    uint64_t end = l->n;
    if (q->page_size > 0 && off + (uint64_t)q->page_size < end) end = off + (uint64_t)q->page_size;
    for (uint64_t i = off; i < end; i++) {
        const struct drow *r = &l->rows[i];
        put_text(&w, r->ks);
        put_text(&w, r->type);
        put_text(&w, r->name);
        if (l->elements) put_text(&w, r->create);
    }
    if (end < l->n) {
        uint8_t st[PAGING_STATE_BYTES];
        be16_store(st, PAGING_VERSION);
        memcpy(st + 2, c->version.b, 16);
        be64_store(st + 18, end);
        cqlrows_finish(&w, st, sizeof st);
    } else {
        cqlrows_finish(&w, NULL, 0);
    }
}

/* "/127.0.0.1:7000", as Cassandra's InetAddressAndPort.toString. */
static void endpoint(struct buf *b, const char *addr, uint16_t port)
{
    buf_printf(b, strchr(addr, ':') ? "/[%s]:%u" : "/%s:%u", addr, port);
}

static void put_elem(struct buf *b, const void *p, size_t n)
{
    buf_put_be32(b, (uint32_t)n);
    buf_append(b, p, n);
}

/* range_ownership: the end token of every ring range -> its replicas' endpoints. */
static void range_ownership(const struct describe_req *q, const struct catalog_keyspace *ks,
                            struct buf *out)
{
    const struct local_node *n = q->local;
    const struct token_map *m = q->ring;
    uint32_t ntok = m ? m->ntokens : n->ntokens;
    buf_put_be32(out, ntok);
    struct buf list, ep;
    buf_init(&list);
    buf_init(&ep);
    for (uint32_t i = 0; i < ntok; i++) {
        int64_t t = m ? m->tokens[i] : n->tokens[i];
        char ts[TOKEN_STR_MAX];
        token_format(t, ts);
        put_elem(out, ts, strlen(ts));
        buf_reset(&list);
        uint32_t idx[STRATEGY_RF_MAX];
        size_t nrep = m ? strategy_replicas(&ks->strategy, m, t, 0, idx, STRATEGY_RF_MAX) : 1;
        buf_put_be32(&list, (uint32_t)nrep);
        for (size_t r = 0; r < nrep; r++) {
            buf_reset(&ep);
            endpoint(&ep, m ? m->nodes[idx[r]].addr : n->broadcast_address, n->storage_port);
            put_elem(&list, ep.data, ep.len);
        }
        put_elem(out, list.data, list.len);
    }
    buf_deinit(&list);
    buf_deinit(&ep);
}

static const char *trim(const char *s, const char *prefix)
{
    size_t n = strlen(prefix);
    return strncmp(s, prefix, n) == 0 ? s + n : s;
}

static int describe_cluster(const struct catalog *c, const struct describe_req *q,
                            struct buf *out)
{
    const struct cql_type *text = cql_type_native(CQL_VARCHAR);
    const struct cql_type *lsub[1] = {text};
    struct cql_type list = {.id = CQL_LIST, .nsub = 1, .sub = lsub};
    const struct cql_type *msub[2] = {text, &list};
    struct cql_type map = {.id = CQL_MAP, .nsub = 2, .sub = msub};
    static const char *const names[] = {"cluster", "partitioner", "snitch", "range_ownership"};
    const char *use = use_ks(q);
    const struct catalog_keyspace *ks = use && !catalog_is_system_keyspace_name(use)
                                            ? catalog_keyspace(c, use)
                                            : NULL;
    bool ranges = ks && q->local;
    struct cqlrows_col cols[4];
    for (int i = 0; i < 4; i++)
        cols[i] = (struct cqlrows_col){.keyspace = {"system", 6},
                                       .table = {"describe", 8},
                                       .name = {names[i], strlen(names[i])},
                                       .type = i == 3 ? &map : text};
    struct cqlrows_meta meta = {.ncols = ranges ? 4 : 3, .cols = cols};
    struct cqlrows_writer w;
    cqlrows_begin(&w, out, &meta, q->version);
    put_text(&w, q->local ? q->local->cluster_name : "");
    put_text(&w, trim(PARTITIONER_NAME, "org.apache.cassandra.dht."));
    put_text(&w, trim(q->local && q->local->snitch ? q->local->snitch
                                                   : "org.apache.cassandra.locator.SimpleSnitch",
                      "org.apache.cassandra.locator."));
    if (ranges) {
        struct buf b;
        buf_init(&b);
        range_ownership(q, ks, &b);
        cqlrows_cell(&w, b.data, b.len);
        buf_deinit(&b);
    }
    cqlrows_finish(&w, NULL, 0);
    return 0;
}

int describe_execute(const struct catalog *c, const struct describe_req *q, struct buf *out,
                     struct errmsg *em)
{
    if (q->d->kind == AST_DESC_CLUSTER) return describe_cluster(c, q, out);
    uint64_t off;
    int rc = read_offset(c, q, &off, em);
    if (rc) return rc;
    struct dlist l = {0};
    arena_init(&l.a, 16 * 1024);
    rc = collect(c, q, &l, em);
    if (rc == 0 && l.n > DESCRIBE_ROWS_MAX)
        rc = errmsg_set(em, ERR_INVALID, "DESCRIBE result too large (%zu rows)", l.n);
    if (rc == 0) write_rows(c, q, &l, off < l.n ? off : l.n, out);
    arena_deinit(&l.a);
    return rc;
}

/*
 * selection: compiling the SELECT clause (see selection.h). Value access is in
 * selection_get.c, per-row evaluation and output in selection_exec.c.
 */
#include "node/cql/selection.h"

#include <string.h>

#include "node/cql/ast_print.h"

struct compile {
    struct bind_env *env;
    const struct table_schema *t;
    struct selection *sel;
    struct errmsg *em;
};

static struct selection_node *node_new(struct compile *c, enum selection_kind kind)
{
    struct selection_node *n = arena_zalloc(c->env->arena, sizeof *n);
    n->kind = kind;
    return n;
}

static int compile(struct compile *c, const struct ast_term *t, struct selection_node **out,
                   const char **name);

static const char *term_text(struct arena *a, const struct ast_term *t)
{
    struct buf b;
    buf_init(&b);
    ast_print_term(t, &b);
    char *s = arena_strndup(a, b.data ? (const char *)b.data : "", b.len);
    buf_deinit(&b);
    return s;
}

static int column(struct compile *c, const struct ast_ident *id, uint16_t *col)
{
    const struct column_def *d = table_schema_column(c->t, id->name);
    if (!d) return errmsg_set(c->em, ERR_INVALID, "Undefined column name %s", id->name);
    *col = (uint16_t)(d - c->t->columns);
    return 0;
}

static int writetime(struct compile *c, const struct ast_term *t, struct selection_node **out,
                     const char **name)
{
    const char *fname = t->kind == AST_T_TTL ? "ttl" : "writeTime";
    if (t->kind == AST_T_MAXWRITETIME || t->u.of->kind != AST_T_COLUMN)
        return errmsg_set(c->em, ERR_INVALID, "%s is not supported on %s",
                          t->kind == AST_T_MAXWRITETIME ? "maxwritetime" : fname,
                          term_text(c->env->arena, t->u.of));
    uint16_t col = 0;
    int rc = column(c, &t->u.of->u.column, &col);
    if (rc) return rc;
    const struct column_def *d = &c->t->columns[col];
    if (d->kind == COLUMN_PARTITION_KEY || d->kind == COLUMN_CLUSTERING)
        return errmsg_set(c->em, ERR_INVALID,
                          "Cannot use selection function %s on PRIMARY KEY part %s", fname,
                          d->name);
    if (cql_type_is_multicell(d->type))
        return errmsg_set(c->em, ERR_INVALID,
                          "Cannot use selection function %s on non-frozen %s %s", fname,
                          d->type->id == CQL_UDT ? "UDT" : "collection", d->name);
    struct selection_node *n = node_new(c, t->kind == AST_T_TTL ? SEL_TTL : SEL_WRITETIME);
    n->col = col;
    n->type = cql_type_native(t->kind == AST_T_TTL ? CQL_INT : CQL_BIGINT);
    *name =
        arena_printf(c->env->arena, "%s(%s)", t->kind == AST_T_TTL ? "ttl" : "writetime", d->name);
    *out = n;
    return 0;
}

/* A term used as a selector: bound per execution; its type from want, else its own. */
static int term_node(struct compile *c, const struct ast_term *t, struct selection_node **out,
                     const char **name)
{
    struct selection_node *n = node_new(c, SEL_TERM);
    n->term = t;
    n->type = bind_term_type(c->env, t);
    n->slot = c->sel->nslots++;
    *name = term_text(c->env->arena, t);
    *out = n;
    return 0;
}

/* Gives a TERM node its receiver (type) and records its markers. */
static int term_bind(struct compile *c, struct selection_node *n, const struct cql_type *type,
                     const char *recv_name)
{
    if (!type)
        return errmsg_set(c->em, ERR_INVALID,
                          "Cannot infer type for term %s in selection clause (try using a cast to "
                          "force a type)",
                          term_text(c->env->arena, n->term));
    n->type = type;
    n->recv = (struct bind_recv){c->t->keyspace, c->t->name, recv_name, type, NULL};
    struct bind_value v;
    return bind_term(c->env, n->term, &n->recv, &v, c->em);
}

static int function(struct compile *c, const struct ast_term *t, struct selection_node **out,
                    const char **name)
{
    struct arena *a = c->env->arena;
    const struct ast_term_list *al = &t->u.func.args;
    const char *fname = t->u.func.name.name;
    if (!t->u.func.name.keyspace && strcmp(fname, "count") == 0 && al->n == 1 &&
        al->items[0]->kind == AST_T_INTEGER) {
        if (strcmp(al->items[0]->u.lit.text, "1") != 0)
            return errmsg_set(c->em, ERR_INVALID, "Only COUNT(1) is supported, got COUNT(%s)",
                              al->items[0]->u.lit.text);
        struct selection_node *n = node_new(c, SEL_COUNT_ROWS);
        n->fn = functions_count_rows();
        n->type = n->fn->ret;
        n->slot = c->sel->naggs++;
        *name = "count";
        *out = n;
        return 0;
    }
    struct selection_node **args = arena_zalloc(a, (al->n ? al->n : 1) * sizeof *args);
    struct functions_arg *fa = arena_zalloc(a, (al->n ? al->n : 1) * sizeof *fa);
    const char **names = arena_zalloc(a, (al->n ? al->n : 1) * sizeof *names);
    int rc;
    for (uint32_t i = 0; i < al->n; i++) {
        if ((rc = compile(c, al->items[i], &args[i], &names[i]))) return rc;
        fa[i].type = args[i]->type;
        fa[i].term = args[i]->kind == SEL_TERM ? args[i]->term : NULL;
    }
    const struct functions_inst *f;
    if ((rc = functions_resolve(a, t->u.func.name.keyspace, fname, al->n, fa, c->t, NULL, &f,
                                c->em)))
        return rc;
    struct buf b;
    buf_init(&b);
    buf_printf(&b, "%s(", f->name);
    for (uint32_t i = 0; i < al->n; i++) {
        if (args[i]->kind == SEL_TERM &&
            (rc = term_bind(c, args[i], f->params[i], arena_printf(a, "arg%u(%s)", i, f->name))))
            break;
        if (f->aggregate && (args[i]->kind == SEL_AGGREGATE || args[i]->kind == SEL_COUNT_ROWS))
            rc = errmsg_set(c->em, ERR_INVALID,
                            "aggregate functions cannot be used as arguments of aggregate "
                            "functions");
        buf_printf(&b, "%s%s", i ? ", " : "", names[i]);
    }
    buf_put_u8(&b, ')');
    *name = arena_strndup(a, (const char *)b.data, b.len);
    buf_deinit(&b);
    if (rc) return rc;
    struct selection_node *n = node_new(c, f->aggregate ? SEL_AGGREGATE : SEL_FUNCTION);
    n->fn = f;
    n->nargs = al->n;
    n->args = args;
    n->type = f->ret;
    if (f->aggregate) n->slot = c->sel->naggs++;
    *out = n;
    return 0;
}

static int cast(struct compile *c, const struct ast_term *t, struct selection_node **out,
                const char **name)
{
    struct arena *a = c->env->arena;
    struct selection_node *arg;
    const char *an;
    const struct cql_type *to;
    int rc = compile(c, t->u.cast.arg, &arg, &an);
    if (rc == 0) rc = ast_type_resolve(t->u.cast.type, c->t->keyspace, NULL, NULL, a, &to, c->em);
    if (rc) return rc;
    if (arg->kind == SEL_TERM && (rc = term_bind(c, arg, arg->type, an))) return rc;
    if (!arg->type) return errmsg_set(c->em, ERR_INVALID, "Cannot infer the type of %s", an);
    const struct functions_inst *f;
    if ((rc = functions_resolve_cast(a, arg->type, to, &f, c->em))) return rc;
    struct selection_node *n = node_new(c, SEL_FUNCTION);
    n->fn = f;
    n->nargs = 1;
    n->args = arena_dup(a, &arg, sizeof arg);
    n->type = to;
    *name = arena_printf(a, "cast(%s as %s)", an, bind_type_name(a, to));
    *out = n;
    return 0;
}

static int field(struct compile *c, const struct ast_term *t, struct selection_node **out,
                 const char **name)
{
    struct arena *a = c->env->arena;
    struct selection_node *base;
    const char *bn;
    int rc = compile(c, t->u.field.base, &base, &bn);
    if (rc) return rc;
    const struct cql_type *bt = base->type;
    if (!bt || bt->id != CQL_UDT)
        return errmsg_set(c->em, ERR_INVALID,
                          "Invalid field selection: %s of type %s is not a user "
                          "type",
                          bn, bt ? bind_type_name(a, bt) : "unknown");
    uint16_t f = 0;
    while (f < bt->nsub && strcmp(bt->field_names[f], t->u.field.field.name) != 0)
        f++;
    if (f == bt->nsub)
        return errmsg_set(c->em, ERR_INVALID, "%s of type %s has no field %s", bn,
                          bind_type_name(a, bt), t->u.field.field.name);
    struct selection_node *n = node_new(c, SEL_FIELD);
    n->args = arena_dup(a, &base, sizeof base);
    n->nargs = 1;
    n->field = f;
    n->type = bt->sub[f];
    *name = arena_printf(a, "%s.%s", bn, bt->field_names[f]);
    *out = n;
    return 0;
}

static int element(struct compile *c, const struct ast_term *t, struct selection_node **out,
                   const char **name)
{
    struct arena *a = c->env->arena;
    struct selection_node *base;
    const char *bn;
    int rc = compile(c, t->u.element.base, &base, &bn);
    if (rc) return rc;
    const struct cql_type *bt = base->type;
    if (!bt || (bt->id != CQL_MAP && bt->id != CQL_SET))
        return errmsg_set(c->em, ERR_INVALID,
                          "Element selection is only allowed on sets and maps, but %s is a %s", bn,
                          bt ? bind_type_name(a, bt) : "term");
    struct selection_node *n = node_new(c, SEL_ELEMENT);
    n->args = arena_dup(a, &base, sizeof base);
    n->nargs = 1;
    n->term = t->u.element.key;
    n->slot = c->sel->nslots++;
    n->type = bt->id == CQL_MAP ? bt->sub[1] : bt->sub[0];
    n->recv = (struct bind_recv){c->t->keyspace, c->t->name, arena_printf(a, "key(%s)", bn),
                                 bt->sub[0], NULL};
    struct bind_value v;
    if ((rc = bind_term(c->env, n->term, &n->recv, &v, c->em))) return rc;
    *name = arena_printf(a, "%s[%s]", bn, term_text(a, n->term));
    *out = n;
    return 0;
}

static int compile(struct compile *c, const struct ast_term *t, struct selection_node **out,
                   const char **name)
{
    switch (t->kind) {
    case AST_T_COLUMN: {
        struct selection_node *n = node_new(c, SEL_COLUMN);
        int rc = column(c, &t->u.column, &n->col);
        if (rc) return rc;
        n->type = c->t->columns[n->col].type;
        *name = c->t->columns[n->col].name;
        *out = n;
        return 0;
    }
    case AST_T_WRITETIME:
    case AST_T_MAXWRITETIME:
    case AST_T_TTL:
        return writetime(c, t, out, name);
    case AST_T_COUNT_ROWS: {
        struct selection_node *n = node_new(c, SEL_COUNT_ROWS);
        n->fn = functions_count_rows();
        n->type = n->fn->ret;
        n->slot = c->sel->naggs++;
        *name = "count";
        *out = n;
        return 0;
    }
    case AST_T_FUNCTION:
        return function(c, t, out, name);
    case AST_T_CAST:
        return cast(c, t, out, name);
    case AST_T_FIELD:
        return field(c, t, out, name);
    case AST_T_ELEMENT:
        return element(c, t, out, name);
    case AST_T_SLICE:
        return errmsg_set(c->em, ERR_INVALID, "Slice selection (%s) is not supported",
                          term_text(c->env->arena, t));
    case AST_T_BINOP:
    case AST_T_NEGATE:
        return errmsg_set(c->em, ERR_INVALID,
                          "Arithmetic operations are not supported in the selection clause");
    default:
        return term_node(c, t, out, name);
    }
}

static void set_flags(struct selection *s)
{
    const struct table_schema *t = s->t;
    bool has_static = false;
    s->pk_only = true;
    for (uint32_t i = 0; i < s->n; i++) {
        const struct selection_node *n = s->nodes[i];
        if (n->kind == SEL_AGGREGATE || n->kind == SEL_COUNT_ROWS) s->aggregate = true;
        uint16_t col = n->col;
        const struct selection_node *x = n;
        while ((x->kind == SEL_FIELD || x->kind == SEL_ELEMENT || x->kind == SEL_FUNCTION) &&
               x->nargs == 1)
            x = x->args[0];
        col = x->col;
        bool is_col = x->kind == SEL_COLUMN || x->kind == SEL_WRITETIME || x->kind == SEL_TTL;
        if (!is_col) {
            s->pk_only = false;
            if (x->kind != SEL_TERM) s->has_regular = true;
            continue;
        }
        enum column_kind k = t->columns[col].kind;
        if (k == COLUMN_STATIC) has_static = true;
        if (k != COLUMN_PARTITION_KEY) s->pk_only = false;
        if (k == COLUMN_CLUSTERING || k == COLUMN_REGULAR) s->has_regular = true;
    }
    s->static_only = has_static && !s->has_regular && !s->wildcard;
    s->has_static = has_static || s->wildcard;
}

static void build_meta(struct selection *s, struct arena *a)
{
    const struct table_schema *t = s->t;
    uint32_t n = s->json ? 1 : s->n;
    struct cqlrows_col *cols = arena_zalloc(a, (n ? n : 1) * sizeof *cols);
    for (uint32_t i = 0; i < n; i++) {
        cols[i].keyspace = cqlwire_str_c(t->keyspace);
        cols[i].table = cqlwire_str_c(t->name);
        cols[i].name = cqlwire_str_c(s->json ? "[json]" : s->names[i]);
        cols[i].type = s->json ? cql_type_native(CQL_VARCHAR) : s->nodes[i]->type;
    }
    s->meta = (struct cqlrows_meta){.ncols = (int32_t)n, .cols = cols};
}

int selection_prepare(struct bind_env *env, const struct table_schema *t,
                      const struct ast_select *s, struct selection **out, struct errmsg *em)
{
    struct arena *a = env->arena;
    struct selection *sel = arena_zalloc(a, sizeof *sel);
    struct compile c = {env, t, sel, em};
    sel->t = t;
    sel->json = s->json;
    sel->wildcard = s->nsel == 0;
    sel->n = sel->wildcard ? t->ncolumns : s->nsel;
    sel->nodes = arena_zalloc(a, (sel->n ? sel->n : 1) * sizeof *sel->nodes);
    sel->names = arena_zalloc(a, (sel->n ? sel->n : 1) * sizeof *sel->names);
    for (uint32_t i = 0; i < sel->n; i++) {
        if (sel->wildcard) {
            struct selection_node *n = node_new(&c, SEL_COLUMN);
            n->col = (uint16_t)i;
            n->type = t->columns[i].type;
            sel->nodes[i] = n;
            sel->names[i] = t->columns[i].name;
            continue;
        }
        int rc = compile(&c, s->sel[i].expr, &sel->nodes[i], &sel->names[i]);
        if (rc == 0 && sel->nodes[i]->kind == SEL_TERM)
            rc = term_bind(&c, sel->nodes[i], sel->nodes[i]->type, sel->names[i]);
        if (rc) return rc;
        if (s->sel[i].alias) sel->names[i] = s->sel[i].alias;
    }
    set_flags(sel);
    build_meta(sel, a);
    *out = sel;
    return 0;
}

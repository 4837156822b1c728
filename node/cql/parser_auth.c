/*
 * parser_auth: see parser_auth.h. Parser.g's role, user and permission statements:
 *
 *   CREATE ROLE [IF NOT EXISTS] r [WITH opt (AND opt)*]   ALTER ROLE [IF EXISTS] r [WITH ...]
 *     opt: PASSWORD = 's' | HASHED PASSWORD = 's' | LOGIN = bool | SUPERUSER = bool
 *        | OPTIONS = {map} | ACCESS TO ALL DATACENTERS | ACCESS TO DATACENTERS {'dc', ...}
 *   DROP ROLE [IF EXISTS] r
 *   CREATE USER [IF NOT EXISTS] u [WITH [HASHED] PASSWORD 's'] [SUPERUSER | NOSUPERUSER]
 *   ALTER USER [IF EXISTS] u [WITH PASSWORD 's'] [SUPERUSER | NOSUPERUSER]   DROP USER [IF EXISTS] u
 *   LIST ROLES [OF r] [NORECURSIVE]   LIST USERS
 *   GRANT r TO r   REVOKE r FROM r
 *   GRANT perms ON resource TO r   REVOKE perms ON resource FROM r
 *   LIST perms [ON resource] [OF r] [NORECURSIVE]
 *     perms: ALL [PERMISSIONS] | perm [PERMISSION] (',' perm [PERMISSION])*
 *     resource: ALL KEYSPACES | KEYSPACE k | [TABLE] t | ALL ROLES | ROLE r | ALL FUNCTIONS
 *             [IN KEYSPACE k] | FUNCTION f(types) | ALL MBEANS | MBEAN 's' | MBEANS 's'
 *
 * User names keep their case even unquoted (Parser.g's username: setName(text, true)).
 * Defaults (CREATE USER logs in, CREATE ROLE does not) are the executor's: options not written
 * stay AST_UNSET. Permissions are filtered to what the resource supports, as Cassandra does.
 */
#include "node/cql/parser_auth.h"

#include "node/base/assert.h"
#include "node/cql/parser_term.h"

static_assert(AST_CREATE_USER - AST_CREATE_ROLE == 3 && AST_ALTER_USER - AST_ALTER_ROLE == 3 &&
                  AST_DROP_USER - AST_DROP_ROLE == 3,
              "USER statement kinds follow the ROLE ones");

static bool if_cond(struct parser *p, bool not_exists, bool *out)
{
    if (!parser_core_accept_kw(p, KW_IF)) return true;
    *out = true;
    if (not_exists && !parser_core_expect_kw(p, KW_NOT)) return false;
    return parser_core_expect_kw(p, KW_EXISTS);
}

static bool duplicate(struct parser *p, const char *option)
{
    return parser_core_fail_msg(p, ERR_SYNTAX, "Multiple definition for property %s", option);
}

/* '=' BOOLEAN into a tristate */
static bool bool_option(struct parser *p, int8_t *out, const char *name)
{
    if (*out != AST_UNSET) return duplicate(p, name);
    if (!parser_core_expect(p, LEX_EQ)) return false;
    const struct lexer_token *t = parser_core_peek(p, 0);
    if (t->type != LEX_BOOLEAN) return parser_core_fail_mismatch(p, "BOOLEAN");
    *out = (p->text[t->offset] | 32) == 't' ? AST_TRUE : AST_FALSE;
    parser_core_advance(p);
    return true;
}

static bool password_option(struct parser *p, const char **out, bool equals, const char *name)
{
    if (*out) return duplicate(p, name);
    if (!parser_core_expect_kw(p, KW_PASSWORD)) return false;
    if (equals && !parser_core_expect(p, LEX_EQ)) return false;
    return parser_core_string(p, out, NULL);
}

/* ACCESS TO ALL DATACENTERS | ACCESS TO DATACENTERS '{' 'dc' (',' 'dc')* '}' after ACCESS */
static bool access_option(struct parser *p, struct ast_role_opts *o)
{
    if (o->has_dcs) return duplicate(p, "ACCESS TO DATACENTERS");
    o->has_dcs = true;
    if (!parser_core_expect_kw(p, KW_TO)) return false;
    if (parser_core_accept_kw(p, KW_ALL)) {
        o->dcs_all = true;
        return parser_core_expect_kw(p, KW_DATACENTERS);
    }
    if (!parser_core_expect_kw(p, KW_DATACENTERS) || !parser_core_expect(p, LEX_LBRACE))
        return false;
    uint32_t cap = 0;
    do {
        const char **dc = parser_core_push(p, &o->dcs, &o->ndcs, &cap, sizeof *dc);
        if (!dc || !parser_core_string(p, dc, NULL)) return false;
    } while (parser_core_accept(p, LEX_COMMA));
    return parser_core_expect(p, LEX_RBRACE);
}

static bool role_option(struct parser *p, struct ast_role_opts *o)
{
    if (parser_core_is_kw(p, 0, KW_PASSWORD)) return password_option(p, &o->password, true,
                                                                     "PASSWORD");
    if (parser_core_accept_kw(p, KW_HASHED))
        return password_option(p, &o->hashed_password, true, "HASHED_PASSWORD");
    if (parser_core_accept_kw(p, KW_LOGIN)) return bool_option(p, &o->login, "LOGIN");
    if (parser_core_accept_kw(p, KW_SUPERUSER)) return bool_option(p, &o->superuser, "SUPERUSER");
    if (parser_core_accept_kw(p, KW_ACCESS)) return access_option(p, o);
    if (parser_core_accept_kw(p, KW_OPTIONS)) {
        if (o->options) return duplicate(p, "OPTIONS");
        return parser_core_expect(p, LEX_EQ) && (o->options = parser_term_const_map(p, "options"));
    }
    return parser_core_fail_noviable(p);
}

static bool check_passwords(struct parser *p, const struct ast_role_opts *o)
{
    if (o->password && o->hashed_password)
        return parser_core_fail_msg(p, ERR_SYNTAX,
                                    "Options 'password' and 'hashed password' are mutually "
                                    "exclusive");
    return true;
}

/* username: IDENT (case kept) | STRING; a quoted name is refused as in Parser.g */
static bool username(struct parser *p, const char **out)
{
    const struct lexer_token *t = parser_core_peek(p, 0);
    if (t->type == LEX_STRING) return parser_core_string(p, out, NULL);
    if (t->type == LEX_QUOTED_NAME)
        return parser_core_fail_msg(p, ERR_SYNTAX,
                                    "Quoted strings are are not supported for user names and "
                                    "USER is deprecated, please use ROLE");
    if (!parser_core_is_ident(p, 0)) return parser_core_fail_noviable(p);
    *out = arena_strndup(p->arena, p->text + t->offset, t->len);
    parser_core_advance(p);
    return true;
}

static bool user_options(struct parser *p, struct ast_role_opts *o, bool create)
{
    if (parser_core_accept_kw(p, KW_WITH)) {
        bool hashed = create && parser_core_accept_kw(p, KW_HASHED);
        if (!password_option(p, hashed ? &o->hashed_password : &o->password, false, "PASSWORD"))
            return false;
    }
    if (parser_core_accept_kw(p, KW_SUPERUSER))
        o->superuser = AST_TRUE;
    else if (parser_core_accept_kw(p, KW_NOSUPERUSER))
        o->superuser = AST_FALSE;
    return true;
}

struct ast_stmt *parser_auth_role(struct parser *p, enum ast_stmt_kind role_kind,
                                  struct ast_pos pos, bool *handled)
{
    bool user = parser_core_is_kw(p, 0, KW_USER);
    *handled = user || parser_core_is_kw(p, 0, KW_ROLE);
    if (!*handled) return NULL;
    /* CREATE_ROLE -> CREATE_USER ... keep the enum layout in step */
    enum ast_stmt_kind kind = user ? role_kind + (AST_CREATE_USER - AST_CREATE_ROLE) : role_kind;
    struct ast_stmt *st = ast_stmt_new(p->arena, kind, pos);
    struct ast_role_stmt *r = &st->u.role;
    r->opts.login = r->opts.superuser = AST_UNSET;
    parser_core_advance(p);
    if (!if_cond(p, role_kind == AST_CREATE_ROLE, &r->if_cond)) return NULL;
    if (!(user ? username(p, &r->name) : parser_core_role_name(p, &r->name))) return NULL;
    if (role_kind == AST_DROP_ROLE) return st;
    if (user) {
        if (!user_options(p, &r->opts, role_kind == AST_CREATE_ROLE)) return NULL;
    } else if (parser_core_accept_kw(p, KW_WITH)) {
        do {
            if (!role_option(p, &r->opts)) return NULL;
        } while (parser_core_accept_kw(p, KW_AND));
    }
    return check_passwords(p, &r->opts) ? st : NULL;
}

/* ---- permissions and resources ---- */

static const struct {
    enum lexer_kw kw;
    uint32_t bit;
} perm_kws[] = {{KW_CREATE, AST_PERM_CREATE},       {KW_ALTER, AST_PERM_ALTER},
                {KW_DROP, AST_PERM_DROP},           {KW_SELECT, AST_PERM_SELECT},
                {KW_MODIFY, AST_PERM_MODIFY},       {KW_AUTHORIZE, AST_PERM_AUTHORIZE},
                {KW_DESCRIBE, AST_PERM_DESCRIBE},   {KW_EXECUTE, AST_PERM_EXECUTE}};

static uint32_t perm_at(const struct parser *p)
{
    for (size_t i = 0; i < sizeof perm_kws / sizeof perm_kws[0]; i++)
        if (parser_core_is_kw(p, 0, perm_kws[i].kw)) return perm_kws[i].bit;
    return 0;
}

/* Whether GRANT / REVOKE / LIST is followed by permissions rather than a role name. */
static bool permissions_follow(const struct parser *p)
{
    if (perm_at(p)) return true;
    return parser_core_is_kw(p, 0, KW_ALL) && !parser_core_is_kw(p, 1, KW_TO) &&
           !parser_core_is_kw(p, 1, KW_FROM);
}

static bool permission_list(struct parser *p, struct ast_permissions *pm)
{
    if (parser_core_accept_kw(p, KW_ALL)) {
        parser_core_accept_kw(p, KW_PERMISSIONS);
        pm->all = true;
        pm->perms = AST_PERM_ALL_BITS;
        return true;
    }
    do {
        uint32_t bit = perm_at(p);
        if (!bit) return parser_core_fail_noviable(p);
        pm->perms |= bit;
        parser_core_advance(p);
        parser_core_accept_kw(p, KW_PERMISSION);
    } while (parser_core_accept(p, LEX_COMMA));
    return true;
}

static bool function_args(struct parser *p, struct ast_resource *r)
{
    uint32_t cap = 0;
    if (!parser_core_expect(p, LEX_LPAREN)) return false;
    if (parser_core_accept(p, LEX_RPAREN)) return true;
    do {
        struct ast_type **t = parser_core_push(p, &r->args, &r->nargs, &cap, sizeof *t);
        if (!t || !(*t = parser_core_type(p))) return false;
    } while (parser_core_accept(p, LEX_COMMA));
    return parser_core_expect(p, LEX_RPAREN);
}

static bool keyspace_resource(struct parser *p, struct ast_resource *r)
{
    struct ast_ident ks;
    if (!parser_core_ident(p, &ks)) return false;
    r->name.name = ks.name;
    r->name.pos = ks.pos;
    return true;
}

/* ALL KEYSPACES | ALL ROLES | ALL FUNCTIONS [IN KEYSPACE k] | ALL MBEANS, after ALL */
static bool all_resource(struct parser *p, struct ast_resource *r)
{
    if (parser_core_accept_kw(p, KW_KEYSPACES)) {
        r->kind = AST_RES_ALL_KEYSPACES;
    } else if (parser_core_accept_kw(p, KW_ROLES)) {
        r->kind = AST_RES_ALL_ROLES;
    } else if (parser_core_accept_kw(p, KW_MBEANS)) {
        r->kind = AST_RES_ALL_MBEANS;
    } else if (parser_core_accept_kw(p, KW_FUNCTIONS)) {
        r->kind = AST_RES_ALL_FUNCTIONS;
        if (parser_core_accept_kw(p, KW_IN)) {
            r->kind = AST_RES_ALL_FUNCTIONS_IN_KEYSPACE;
            return parser_core_expect_kw(p, KW_KEYSPACE) && keyspace_resource(p, r);
        }
    } else {
        return parser_core_fail_noviable(p);
    }
    return true;
}

static bool resource(struct parser *p, struct ast_resource *r)
{
    bool named = parser_core_is_ident(p, 1) || parser_core_is(p, 1, LEX_STRING);
    if (parser_core_is_kw(p, 0, KW_ALL) && !parser_core_is(p, 1, LEX_DOT)) {
        parser_core_advance(p);
        return all_resource(p, r);
    }
    if (parser_core_accept_kw(p, KW_KEYSPACE)) {
        r->kind = AST_RES_KEYSPACE;
        return keyspace_resource(p, r);
    }
    if (parser_core_is_kw(p, 0, KW_ROLE) && named) {
        parser_core_advance(p);
        r->kind = AST_RES_ROLE;
        r->name.pos = parser_core_pos(p);
        return parser_core_role_name(p, &r->name.name);
    }
    if (parser_core_is_kw(p, 0, KW_FUNCTION) && parser_core_is_ident(p, 1)) {
        parser_core_advance(p);
        r->kind = AST_RES_FUNCTION;
        return parser_core_qname(p, &r->name) && function_args(p, r);
    }
    if ((parser_core_is_kw(p, 0, KW_MBEAN) || parser_core_is_kw(p, 0, KW_MBEANS)) &&
        parser_core_is(p, 1, LEX_STRING)) {
        r->kind = parser_core_is_kw(p, 0, KW_MBEAN) ? AST_RES_MBEAN : AST_RES_MBEANS;
        parser_core_advance(p);
        r->name.pos = parser_core_pos(p);
        return parser_core_string(p, &r->name.name, NULL);
    }
    parser_core_accept_kw(p, KW_TABLE);
    r->kind = AST_RES_TABLE;
    return parser_core_qname(p, &r->name);
}

static const char *resource_class(enum ast_resource_kind k)
{
    switch (k) {
    case AST_RES_ALL_ROLES:
    case AST_RES_ROLE: return "RoleResource";
    case AST_RES_ALL_FUNCTIONS:
    case AST_RES_ALL_FUNCTIONS_IN_KEYSPACE:
    case AST_RES_FUNCTION: return "FunctionResource";
    case AST_RES_ALL_MBEANS:
    case AST_RES_MBEAN:
    case AST_RES_MBEANS: return "JMXResource";
    default: return "DataResource";
    }
}

/* filterPermissions: keep what the resource supports; nothing left is an error */
static bool filter_permissions(struct parser *p, struct ast_permissions *pm)
{
    pm->perms &= ast_resource_perms(pm->resource.kind);
    if (pm->perms) return true;
    return parser_core_fail_msg(p, ERR_SYNTAX,
                                "Resource type %s does not support any of the requested "
                                "permissions",
                                resource_class(pm->resource.kind));
}

struct ast_stmt *parser_auth_grant(struct parser *p, bool revoke)
{
    struct ast_pos pos = parser_core_pos(p);
    parser_core_advance(p);
    enum lexer_kw to = revoke ? KW_FROM : KW_TO;
    if (!permissions_follow(p)) {
        struct ast_stmt *st = ast_stmt_new(p->arena, revoke ? AST_REVOKE_ROLE : AST_GRANT_ROLE,
                                           pos);
        if (!parser_core_role_name(p, &st->u.grant_role.role) || !parser_core_expect_kw(p, to))
            return NULL;
        return parser_core_role_name(p, &st->u.grant_role.grantee) ? st : NULL;
    }
    struct ast_stmt *st = ast_stmt_new(p->arena,
                                       revoke ? AST_REVOKE_PERMISSIONS : AST_GRANT_PERMISSIONS, pos);
    struct ast_permissions *pm = &st->u.perms;
    pm->has_resource = true;
    if (!permission_list(p, pm) || !parser_core_expect_kw(p, KW_ON)) return NULL;
    if (!resource(p, &pm->resource) || !filter_permissions(p, pm)) return NULL;
    if (!parser_core_expect_kw(p, to)) return NULL;
    return parser_core_role_name(p, &pm->role) ? st : NULL;
}

/* [OF role] [NORECURSIVE] */
static bool of_role(struct parser *p, const char **role, bool *norecursive)
{
    if (parser_core_accept_kw(p, KW_OF) && !parser_core_role_name(p, role)) return false;
    *norecursive = parser_core_accept_kw(p, KW_NORECURSIVE);
    return true;
}

struct ast_stmt *parser_auth_list(struct parser *p)
{
    struct ast_pos pos = parser_core_pos(p);
    parser_core_advance(p);
    if (parser_core_accept_kw(p, KW_USERS)) return ast_stmt_new(p->arena, AST_LIST_USERS, pos);
    if (parser_core_accept_kw(p, KW_ROLES)) {
        struct ast_stmt *st = ast_stmt_new(p->arena, AST_LIST_ROLES, pos);
        struct ast_list_roles *lr = &st->u.list_roles;
        return of_role(p, &lr->of, &lr->norecursive) ? st : NULL;
    }
    if (!permissions_follow(p)) {
        parser_core_fail_noviable(p);
        return NULL;
    }
    struct ast_stmt *st = ast_stmt_new(p->arena, AST_LIST_PERMISSIONS, pos);
    struct ast_permissions *pm = &st->u.perms;
    if (!permission_list(p, pm)) return NULL;
    if (parser_core_accept_kw(p, KW_ON)) {
        pm->has_resource = true;
        if (!resource(p, &pm->resource) || !filter_permissions(p, pm)) return NULL;
    }
    return of_role(p, &pm->role, &pm->norecursive) ? st : NULL;
}

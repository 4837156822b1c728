/* auth_resource: see auth_resource.h. */
#include "node/cql/auth_resource.h"

#include <string.h>

#include "node/base/assert.h"
#include "node/base/buf.h"
#include "node/cql/ast_print.h"

static const char *const perm_names[AUTH_PERMS_COUNT] = {
    "CREATE", "ALTER", "DROP", "SELECT", "MODIFY", "AUTHORIZE", "DESCRIBE", "EXECUTE"};

static_assert(AST_PERM_EXECUTE == 1u << (AUTH_PERMS_COUNT - 1), "one name per permission bit");

const char *auth_perm_name(uint32_t bit_index)
{
    return bit_index < AUTH_PERMS_COUNT ? perm_names[bit_index] : "?";
}

uint32_t auth_perm_bit(const char *name, size_t len)
{
    for (uint32_t i = 0; i < AUTH_PERMS_COUNT; i++)
        if (strlen(perm_names[i]) == len && memcmp(perm_names[i], name, len) == 0) return 1u << i;
    return 0;
}

static const char *function_args(const struct ast_resource *in, struct arena *a)
{
    struct buf b;
    buf_init(&b);
    for (uint32_t i = 0; i < in->nargs; i++) {
        if (i) buf_append(&b, ", ", 2);
        ast_print_type(in->args[i], &b);
    }
    const char *s = arena_strndup(a, (const char *)b.data, b.len);
    buf_deinit(&b);
    return s;
}

int auth_resource_from_ast(const struct ast_resource *in, const char *session_keyspace,
                           struct arena *a, struct auth_resource *out, struct errmsg *em)
{
    memset(out, 0, sizeof *out);
    out->kind = in->kind;
    switch (in->kind) {
    case AST_RES_KEYSPACE:
    case AST_RES_ALL_FUNCTIONS_IN_KEYSPACE: out->keyspace = in->name.name; break;
    case AST_RES_TABLE:
        out->keyspace = in->name.keyspace;
        out->name = in->name.name;
        if (!out->keyspace) {
            if (!session_keyspace || !*session_keyspace)
                return errmsg_set(em, ERR_INVALID,
                                  "No keyspace has been specified. USE a keyspace, or explicitly "
                                  "specify keyspace.tablename");
            out->keyspace = arena_strdup(a, session_keyspace);
        }
        break;
    case AST_RES_FUNCTION:
        if (!in->name.keyspace)
            return errmsg_set(em, ERR_INVALID,
                              "In this context function name must be explictly qualified by a "
                              "keyspace");
        out->keyspace = in->name.keyspace;
        out->name = in->name.name;
        out->fn_args = function_args(in, a);
        break;
    case AST_RES_ROLE:
    case AST_RES_MBEAN:
    case AST_RES_MBEANS: out->name = in->name.name; break;
    default: break;
    }
    return 0;
}

const char *auth_resource_name(const struct auth_resource *r, struct arena *a)
{
    switch (r->kind) {
    case AST_RES_ALL_KEYSPACES: return "data";
    case AST_RES_KEYSPACE: return arena_printf(a, "data/%s", r->keyspace);
    case AST_RES_TABLE: return arena_printf(a, "data/%s/%s", r->keyspace, r->name);
    case AST_RES_ALL_ROLES: return "roles";
    case AST_RES_ROLE: return arena_printf(a, "roles/%s", r->name);
    case AST_RES_ALL_FUNCTIONS: return "functions";
    case AST_RES_ALL_FUNCTIONS_IN_KEYSPACE: return arena_printf(a, "functions/%s", r->keyspace);
    case AST_RES_FUNCTION:
        return arena_printf(a, "functions/%s/%s[%s]", r->keyspace, r->name, r->fn_args);
    case AST_RES_ALL_MBEANS: return "mbean";
    case AST_RES_MBEAN:
    case AST_RES_MBEANS: return arena_printf(a, "mbean/%s", r->name);
    }
    return "?";
}

const char *auth_resource_display(const struct auth_resource *r, struct arena *a)
{
    switch (r->kind) {
    case AST_RES_ALL_KEYSPACES: return "<all keyspaces>";
    case AST_RES_KEYSPACE: return arena_printf(a, "<keyspace %s>", r->keyspace);
    case AST_RES_TABLE: return arena_printf(a, "<table %s.%s>", r->keyspace, r->name);
    case AST_RES_ALL_ROLES: return "<all roles>";
    case AST_RES_ROLE: return arena_printf(a, "<role %s>", r->name);
    case AST_RES_ALL_FUNCTIONS: return "<all functions>";
    case AST_RES_ALL_FUNCTIONS_IN_KEYSPACE:
        return arena_printf(a, "<all functions in %s>", r->keyspace);
    case AST_RES_FUNCTION:
        return arena_printf(a, "<function %s.%s(%s)>", r->keyspace, r->name, r->fn_args);
    case AST_RES_ALL_MBEANS: return "<all mbeans>";
    case AST_RES_MBEAN:
    case AST_RES_MBEANS: return arena_printf(a, "<mbean %s>", r->name);
    }
    return "?";
}

/* "root/rest": the part after the root's '/', or NULL when name is not under root. */
static const char *under(const char *name, const char *root)
{
    size_t n = strlen(root);
    if (strncmp(name, root, n) != 0 || name[n] != '/' || name[n + 1] == '\0') return NULL;
    return name + n + 1;
}

int auth_resource_parse(const char *name, struct arena *a, struct auth_resource *out)
{
    memset(out, 0, sizeof *out);
    const char *rest;
    if (strcmp(name, "data") == 0) {
        out->kind = AST_RES_ALL_KEYSPACES;
    } else if ((rest = under(name, "data"))) {
        const char *slash = strchr(rest, '/');
        out->kind = slash ? AST_RES_TABLE : AST_RES_KEYSPACE;
        out->keyspace = slash ? arena_strndup(a, rest, (size_t)(slash - rest)) : rest;
        if (slash) out->name = slash + 1;
        if (slash && (slash == rest || !slash[1] || strchr(slash + 1, '/'))) return ERR_INVALID;
    } else if (strcmp(name, "roles") == 0) {
        out->kind = AST_RES_ALL_ROLES;
    } else if ((rest = under(name, "roles"))) {
        out->kind = AST_RES_ROLE;
        out->name = rest;
    } else if (strcmp(name, "functions") == 0) {
        out->kind = AST_RES_ALL_FUNCTIONS;
    } else if ((rest = under(name, "functions")) && !strchr(rest, '/')) {
        out->kind = AST_RES_ALL_FUNCTIONS_IN_KEYSPACE;
        out->keyspace = rest;
    } else if (strcmp(name, "mbean") == 0) {
        out->kind = AST_RES_ALL_MBEANS;
    } else if ((rest = under(name, "mbean"))) {
        out->kind = AST_RES_MBEAN;
        out->name = rest;
    } else {
        return ERR_INVALID;
    }
    return 0;
}

uint32_t auth_resource_chain(const struct auth_resource *r,
                             struct auth_resource out[AUTH_RESOURCE_CHAIN_MAX])
{
    uint32_t n = 0;
    out[n++] = *r;
    switch (r->kind) {
    case AST_RES_TABLE:
        out[n++] = (struct auth_resource){.kind = AST_RES_KEYSPACE, .keyspace = r->keyspace};
        out[n++] = (struct auth_resource){.kind = AST_RES_ALL_KEYSPACES};
        break;
    case AST_RES_KEYSPACE: out[n++] = (struct auth_resource){.kind = AST_RES_ALL_KEYSPACES}; break;
    case AST_RES_ROLE: out[n++] = (struct auth_resource){.kind = AST_RES_ALL_ROLES}; break;
    case AST_RES_FUNCTION:
        out[n++] = (struct auth_resource){.kind = AST_RES_ALL_FUNCTIONS_IN_KEYSPACE,
                                          .keyspace = r->keyspace};
        out[n++] = (struct auth_resource){.kind = AST_RES_ALL_FUNCTIONS};
        break;
    case AST_RES_ALL_FUNCTIONS_IN_KEYSPACE:
        out[n++] = (struct auth_resource){.kind = AST_RES_ALL_FUNCTIONS};
        break;
    case AST_RES_MBEAN:
    case AST_RES_MBEANS: out[n++] = (struct auth_resource){.kind = AST_RES_ALL_MBEANS}; break;
    default: break;
    }
    return n;
}

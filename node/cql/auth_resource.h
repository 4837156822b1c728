/*
 * auth_resource: what a permission is granted on (Cassandra's IResource: DataResource,
 * RoleResource, FunctionResource, JMXResource), with its two spellings:
 *
 *   kind                     stored name (role_permissions.resource)   shown (LIST, errors)
 *   ALL KEYSPACES            data                                      <all keyspaces>
 *   KEYSPACE ks              data/ks                                   <keyspace ks>
 *   TABLE ks.t               data/ks/t                                 <table ks.t>
 *   ALL ROLES                roles                                     <all roles>
 *   ROLE r                   roles/r                                   <role r>
 *   ALL FUNCTIONS            functions                                 <all functions>
 *   ALL FUNCTIONS IN ks      functions/ks                              <all functions in ks>
 *   FUNCTION ks.f(int)       (never stored: ringdb has no UDFs)        <function ks.f(int)>
 *   ALL MBEANS               mbean                                     <all mbeans>
 *   MBEAN[S] 'p'             mbean/p                                   <mbean p>
 *
 * The chain of a resource is the resource then its parents up to the root (Resources.chain):
 * data/ks/t -> data/ks -> data. Pure; strings live in the caller's arena.
 */
#ifndef RINGDB_CQL_AUTH_RESOURCE_H
#define RINGDB_CQL_AUTH_RESOURCE_H

#include <stdint.h>

#include "node/base/arena.h"
#include "node/base/err.h"
#include "node/cql/ast.h"

#define AUTH_RESOURCE_CHAIN_MAX 3

struct auth_resource {
    enum ast_resource_kind kind;
    const char *keyspace; /* KEYSPACE, TABLE, ALL_FUNCTIONS_IN_KEYSPACE, FUNCTION */
    const char *name;     /* TABLE, ROLE, FUNCTION, MBEAN(S) */
    const char *fn_args;  /* FUNCTION: "int, text" */
};

/*
 * The resource a statement names. A table without keyspace takes session_keyspace ("" or NULL:
 * ERR_INVALID "No keyspace has been specified. USE a keyspace, or explicitly specify
 * keyspace.tablename", Cassandra's maybeCorrectResource); a function must be qualified.
 */
int auth_resource_from_ast(const struct ast_resource *in, const char *session_keyspace,
                           struct arena *a, struct auth_resource *out, struct errmsg *em);
const char *auth_resource_name(const struct auth_resource *r, struct arena *a);
const char *auth_resource_display(const struct auth_resource *r, struct arena *a);
/* Back from a stored name; ERR_INVALID for a name ringdb never writes. */
int auth_resource_parse(const char *name, struct arena *a, struct auth_resource *out);
/* The resource and its parents, nearest first; returns how many (1..AUTH_RESOURCE_CHAIN_MAX). */
uint32_t auth_resource_chain(const struct auth_resource *r,
                             struct auth_resource out[AUTH_RESOURCE_CHAIN_MAX]);

/* Permission names in Cassandra's Permission enum order (bit i = enum ast_perm 1 << i). */
#define AUTH_PERMS_COUNT 8
const char *auth_perm_name(uint32_t bit_index);
/* The bit of a stored permission name, 0 if unknown. */
uint32_t auth_perm_bit(const char *name, size_t len);

#endif

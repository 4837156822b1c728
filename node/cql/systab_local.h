/*
 * systab_local: the rows of system.local (this node, key 'local') and of system.peers /
 * system.peers_v2 (the peers in vtable_ctx; none on a single node), with the columns and
 * values drivers read (client-requirements §3): release_version, cql_version,
 * native_protocol_version '4', the Murmur3 partitioner, tokens as set<text> of decimals,
 * bootstrapped 'COMPLETED', the catalog's schema_version.
 * Thread rule: pure generators over immutable inputs.
 */
#ifndef RINGDB_CQL_SYSTAB_LOCAL_H
#define RINGDB_CQL_SYSTAB_LOCAL_H

#include "node/cql/systab_row.h"
#include "node/cql/vtable.h"

void systab_local_gen_local(const struct vtable_ctx *ctx, struct systab_rows *rows);
void systab_local_gen_peers(const struct vtable_ctx *ctx, struct systab_rows *rows);
void systab_local_gen_peers_v2(const struct vtable_ctx *ctx, struct systab_rows *rows);

#endif

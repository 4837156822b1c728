/* systab_local: see systab_local.h. */
#include "node/cql/systab_local.h"

#include <arpa/inet.h>
#include <string.h>

#include "node/local.h"
#include "node/version.h"
#include "ring/partitioner.h"

#define NATIVE_PROTOCOL_VERSION "4"

static void put_tokens(struct systab_rows *r, const int64_t *tokens, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        char t[TOKEN_STR_MAX];
        token_format(tokens[i], t);
        systab_row_set_elem(r, "tokens", t, strlen(t));
    }
}

void systab_local_gen_local(const struct vtable_ctx *ctx, struct systab_rows *r)
{
    const struct local_node *n = ctx->local;
    struct systab_val key = systab_text("local");
    systab_row_begin(r, &key, 1, NULL, 0);
    systab_row_text(r, "bootstrapped", "COMPLETED");
    systab_row_text(r, "cql_version", RINGDB_CQL_VERSION);
    systab_row_text(r, "native_protocol_version", NATIVE_PROTOCOL_VERSION);
    systab_row_text(r, "partitioner", PARTITIONER_NAME);
    systab_row_text(r, "release_version", RINGDB_RELEASE_VERSION);
    if (ctx->catalog) systab_row_uuid(r, "schema_version", &ctx->catalog->version);
    if (n) {
        systab_row_inet(r, "broadcast_address", n->broadcast_address);
        systab_row_int(r, "broadcast_port", n->storage_port);
        systab_row_text(r, "cluster_name", n->cluster_name);
        systab_row_text(r, "data_center", n->dc);
        systab_row_int(r, "gossip_generation", n->gossip_generation);
        systab_row_uuid(r, "host_id", &n->host_id);
        systab_row_inet(r, "listen_address", n->listen_address);
        systab_row_int(r, "listen_port", n->storage_port);
        systab_row_text(r, "rack", n->rack);
        systab_row_inet(r, "rpc_address", n->broadcast_rpc_address);
        systab_row_int(r, "rpc_port", n->native_port);
        put_tokens(r, n->tokens, n->ntokens);
    }
    systab_row_end(r);
}

/* The partition key of a peer row: its address as inet bytes (none if unparsable). */
static bool peer_key(const struct vtable_peer *p, uint8_t b[16], struct systab_val *out)
{
    if (inet_pton(AF_INET, p->peer, b) == 1) {
        *out = (struct systab_val){b, 4};
        return true;
    }
    if (inet_pton(AF_INET6, p->peer, b) == 1) {
        *out = (struct systab_val){b, 16};
        return true;
    }
    return false;
}

static void peer_common(struct systab_rows *r, const struct vtable_peer *p)
{
    systab_row_text(r, "data_center", p->dc);
    systab_row_uuid(r, "host_id", &p->host_id);
    systab_row_text(r, "rack", p->rack);
    systab_row_text(r, "release_version", p->release_version);
    if (p->has_schema_version) systab_row_uuid(r, "schema_version", &p->schema_version);
    put_tokens(r, p->tokens, p->ntokens);
}

void systab_local_gen_peers(const struct vtable_ctx *ctx, struct systab_rows *r)
{
    for (uint32_t i = 0; i < ctx->npeers; i++) {
        const struct vtable_peer *p = &ctx->peers[i];
        uint8_t b[16];
        struct systab_val key;
        if (!peer_key(p, b, &key)) continue;
        systab_row_begin(r, &key, 1, NULL, 0);
        peer_common(r, p);
        systab_row_inet(r, "rpc_address", p->native_address);
        systab_row_end(r);
    }
}

void systab_local_gen_peers_v2(const struct vtable_ctx *ctx, struct systab_rows *r)
{
    for (uint32_t i = 0; i < ctx->npeers; i++) {
        const struct vtable_peer *p = &ctx->peers[i];
        uint8_t b[16], port[4];
        struct systab_val key;
        if (!peer_key(p, b, &key)) continue;
        port[0] = port[1] = 0;
        port[2] = (uint8_t)(p->peer_port >> 8);
        port[3] = (uint8_t)p->peer_port;
        struct systab_val ck = {port, 4};
        systab_row_begin(r, &key, 1, &ck, 1);
        peer_common(r, p);
        systab_row_inet(r, "native_address", p->native_address);
        systab_row_int(r, "native_port", p->native_port);
        systab_row_end(r);
    }
}

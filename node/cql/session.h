/*
 * session: what a client connection carries between requests: its protocol version, its
 * current keyspace (USE), and who it authenticated as. Owned by the connection (server);
 * read and updated by the executor on the connection's loop thread only.
 */
#ifndef RINGDB_CQL_SESSION_H
#define RINGDB_CQL_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "storage/schema.h"

#define SESSION_ROLE_MAX 256

struct cql_session {
    uint8_t version;                        /* negotiated protocol version (3 or 4) */
    char keyspace[SCHEMA_NAME_MAX + 1];     /* "" when no USE yet */
    char role[SESSION_ROLE_MAX];            /* "" = anonymous (AllowAllAuthenticator) */
    bool authenticated;
    bool is_superuser;
};

#endif

/* version: what this build reports about itself, and the Cassandra version it behaves as. */
#ifndef RINGDB_NODE_VERSION_H
#define RINGDB_NODE_VERSION_H

#define RINGDB_VERSION "0.1.0"
/* Reported as system.local.release_version: drivers and cqlsh pick code paths from it. */
#define RINGDB_RELEASE_VERSION "4.1.3"
#define RINGDB_CQL_VERSION "3.4.6"

const char *version_string(void);

#endif

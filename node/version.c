/* version: see version.h. */
#include "node/version.h"

const char *version_string(void)
{
    return "ringdb " RINGDB_VERSION " (Cassandra " RINGDB_RELEASE_VERSION " compatible)";
}

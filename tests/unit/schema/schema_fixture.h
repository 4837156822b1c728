/*
 * schema_fixture: helpers shared by the schema tests: temporary directories, small tables
 * built from a column list, catalogs with the system keyspaces.
 */
#ifndef RINGDB_TESTS_SCHEMA_FIXTURE_H
#define RINGDB_TESTS_SCHEMA_FIXTURE_H

#include <stddef.h>

#include "node/cql/catalog.h"
#include "storage/schema.h"

/* A new empty directory under $TMPDIR (or /tmp); the path is static storage per slot. */
const char *sfx_tmpdir(void);
/* rm -rf of a directory made by sfx_tmpdir. */
void sfx_rmdir(const char *path);
/*
 * A finished table ks.name from "k text, c int, v text" with npk partition-key columns and nck
 * clustering columns taken in order from the front of the list (aborts on error).
 */
struct table_schema *sfx_table(const char *ks, const char *name, const char *columns, int npk,
                               int nck);
/* A catalog with the system keyspaces and, when ks != NULL, a SimpleStrategy RF 1 keyspace. */
struct catalog *sfx_catalog(const char *ks);

#endif

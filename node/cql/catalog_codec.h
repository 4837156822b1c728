/*
 * catalog_codec: the persisted form of a catalog, <data_dir>/system_schema/catalog.db, and the
 * canonical bytes the schema version is the MD5 of.
 *
 * What is persisted: every user keyspace in full (parameters, UDTs, tables, indexes), and the
 * parameters only (replication, durable_writes) of the replicated system keyspaces
 * (system_auth, system_distributed, system_traces), whose tables are defined by the code
 * (syskeyspaces.h) but whose replication users may ALTER. The local system keyspaces (system,
 * system_schema) and the virtual ones are never written: they come from the code.
 *
 * File (see docs/formats.md "Schema catalog"):
 *   offset  size  meaning
 *   0       8     magic "RDBCATLG"
 *   8       4     be32 format version (1)
 *   12      8     be64 body length n (at most CATALOG_FILE_MAX_BYTES)
 *   20      n     body
 *   20+n    4     be32 CRC32C of bytes [0, 20+n)
 * Body: varint nkeyspaces, then per keyspace (sorted by name):
 *   vbytes name | u8 flags (1 = durable_writes) | varint nrepl, nrepl x (vbytes key, vbytes value)
 *   | varint ntypes, ntypes x cql_type_encode (UDT) | varint ntables, ntables x vbytes
 *   (table_schema_encode) | varint nindexes, nindexes x (vbytes table, vbytes name, vbytes kind,
 *   varint nopts, nopts x (vbytes key, vbytes value))
 *
 * Decoding validates everything (magic, version, length, checksum, every count against the
 * bytes left and the CATALOG_* limits, replication through strategy_parse, tables through
 * table_schema_decode) and reports ERR_CORRUPT with the file name and offset.
 * Thread rule: pure apart from the file functions, which block (call them off the loop).
 */
#ifndef RINGDB_CQL_CATALOG_CODEC_H
#define RINGDB_CQL_CATALOG_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "node/base/buf.h"
#include "node/base/err.h"
#include "node/cql/catalog.h"

struct vfs;

#define CATALOG_FILE_NAME "catalog.db"
#define CATALOG_DIR_NAME "system_schema"

/* True for a keyspace the catalog file holds (user or replicated system keyspace). */
bool catalog_codec_is_persisted(const struct catalog_keyspace *ks);
/* Appends the canonical body (no header): the schema version's input. */
void catalog_codec_encode(const struct catalog *c, struct buf *out);
/* Applies a body to e: user keyspaces are put with everything in them; for a system keyspace
   already in e only its parameters change. what names the source in messages. */
int catalog_codec_decode(const uint8_t *p, size_t len, const char *what, struct catalog_edit *e,
                         struct errmsg *em);

/* Appends the whole file image (header, body, checksum). */
void catalog_codec_file(const struct catalog *c, struct buf *out);
/* Checks a file image and applies its body to e. */
int catalog_codec_read_image(const uint8_t *p, size_t len, const char *path,
                             struct catalog_edit *e, struct errmsg *em);
/* <data_dir>/system_schema/catalog.db, into out (at least 4096 bytes). */
int catalog_codec_path(const char *data_dir, char *out, size_t cap);
/* Loads the file into e: 0, ERR_NOT_FOUND when there is no file (first start), ERR_CORRUPT, or
   a negative errno; em names the file. */
int catalog_codec_load(struct vfs *v, const char *data_dir, struct catalog_edit *e,
                       struct errmsg *em);
/* Writes c atomically (tmp file, fsync, rename, fsync dir), creating the directory. */
int catalog_codec_save(struct vfs *v, const char *data_dir, const struct catalog *c,
                       struct errmsg *em);

#endif

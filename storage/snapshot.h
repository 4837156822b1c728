/*
 * snapshot: nodetool snapshot / clearsnapshot and incremental backups, in Cassandra 4.1's
 * layout. A snapshot of a table is a directory <table dir>/snapshots/<tag>/ holding a hard link
 * to every component of every live SSTable (so it costs no copy and survives compaction
 * deleting the originals), a manifest.json listing the SSTables' Data.db files exactly as
 * Cassandra writes it:
 *     {"files":["rb-1-big-Data.db",...],"created_at":"2024-01-02T03:04:05.678Z",
 *      "expires_at":null,"ephemeral":false}
 * and a schema.cql with the table's CREATE TABLE statement. With incremental_backups, each
 * SSTable written by a flush is also hard-linked into <table dir>/backups/.
 *
 * The caller (store/table) supplies the SSTables of a view it holds a reference on, after
 * flushing. Every file is synced before the function returns (links, then the directory).
 * Thread rule: thread-safe for different tags; do not create and clear the same tag at once.
 */
#ifndef RINGDB_STORAGE_SNAPSHOT_H
#define RINGDB_STORAGE_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include "node/base/err.h"
#include "storage/schema.h"
#include "storage/sstable.h"
#include "storage/vfs.h"

#define SNAPSHOT_TAG_MAX 200
#define SNAPSHOT_DIR "snapshots"
#define BACKUP_DIR "backups"

/* True if tag can name a snapshot directory (non-empty, at most SNAPSHOT_TAG_MAX bytes, no
   '/', no NUL, not "." or ".."). */
bool snapshot_tag_valid(const char *tag);

/*
 * Creates <table_dir>/snapshots/<tag>/ with links to every component of ss[0..n), a
 * manifest.json (created_at = created_ms, UTC) and schema.cql. ERR_ALREADY_EXISTS when the
 * snapshot exists, ERR_INVALID for a bad tag. On failure the partial snapshot is removed.
 */
int snapshot_create(struct vfs *v, const char *table_dir, const char *tag,
                    struct sstable *const *ss, size_t n, const struct table_schema *schema,
                    int64_t created_ms, struct errmsg *em);

/* Removes the snapshot tag of the table (tag NULL or "": every snapshot). A missing snapshot
   is not an error (Cassandra's clearsnapshot). */
int snapshot_clear(struct vfs *v, const char *table_dir, const char *tag, struct errmsg *em);

/* Lists the table's snapshot tags (malloc'd array of malloc'd strings, sorted). */
int snapshot_list(struct vfs *v, const char *table_dir, char ***tags, size_t *n,
                  struct errmsg *em);
void snapshot_list_free(char **tags, size_t n);

/* Incremental backup: links every component of s into <table_dir>/backups/. */
int snapshot_backup(struct vfs *v, const char *table_dir, struct sstable *s, struct errmsg *em);

/* Appends the manifest JSON for the given Data.db file names (pure; exposed for tests). */
void snapshot_manifest_json(const char *const *data_files, size_t n, int64_t created_ms,
                            struct buf *out);

#endif

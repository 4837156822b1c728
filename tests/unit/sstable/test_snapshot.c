/* Unit tests for snapshots and incremental backups: hard links (same inode), the Cassandra
   manifest, schema.cql, clearing, listing, and snapshots outliving compacted-away files. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "node/base/arena.h"
#include "node/base/buf.h"
#include "node/base/log.h"
#include "storage/snapshot.h"
#include "tests/support/sst_fixture.h"

static char *dir;
static struct arena A;
static struct table_schema *S;
static struct sstable *T[2];

static void setup(void)
{
    log_set_level(LOG_WARN);
    dir = fx_tmpdir();
    arena_init(&A, 0);
    S = fx_schema(true, 16384);
    struct fx_part *p = fx_parts(&A, 10, 3, 20, 1);
    struct errmsg em;
    cr_assert_eq(fx_write(dir, 1, S, p, 10, &T[0], &em), 0, "%s", em.text);
    cr_assert_eq(fx_write(dir, 2, S, p, 5, &T[1], &em), 0, "%s", em.text);
}

static void teardown(void)
{
    sstable_unref(T[0]);
    sstable_unref(T[1]);
    table_schema_unref(S);
    fx_rmdir(dir);
    free(dir);
    arena_deinit(&A);
}

TestSuite(snapshot, .init = setup, .fini = teardown);

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    static char buf[65536];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static const char *base(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

Test(snapshot, files_are_hard_links_and_manifest_lists_them)
{
    struct errmsg em;
    /* 2024-01-02T03:04:05.678Z */
    cr_assert_eq(snapshot_create(vfs_default(), dir, "snap1", T, 2, S, 1704164645678, &em), 0,
                 "%s", em.text);
    for (int t = 0; t < 2; t++) {
        char **paths;
        size_t n;
        cr_assert_eq(sstable_components(T[t], &paths, &n), 0);
        for (size_t i = 0; i < n; i++) {
            char snap[4200];
            snprintf(snap, sizeof snap, "%s/snapshots/snap1/%s", dir, base(paths[i]));
            struct stat a, b;
            cr_assert_eq(stat(paths[i], &a), 0);
            cr_assert_eq(stat(snap, &b), 0, "%s", snap);
            cr_assert_eq(a.st_ino, b.st_ino, "%s is not a hard link", snap);
            cr_assert_geq(a.st_nlink, 2);
            free(paths[i]);
        }
        free(paths);
    }
    char path[4200];
    snprintf(path, sizeof path, "%s/snapshots/snap1/manifest.json", dir);
    cr_assert_str_eq(read_text(path),
                     "{\"files\":[\"rb-1-big-Data.db\",\"rb-2-big-Data.db\"],"
                     "\"created_at\":\"2024-01-02T03:04:05.678Z\",\"expires_at\":null,"
                     "\"ephemeral\":false}");
    snprintf(path, sizeof path, "%s/snapshots/snap1/schema.cql", dir);
    cr_assert(strncmp(read_text(path), "CREATE TABLE ks.t", 17) == 0, "%s", read_text(path));
}

Test(snapshot, duplicate_and_invalid_tags_are_refused)
{
    struct errmsg em;
    cr_assert_eq(snapshot_create(vfs_default(), dir, "a", T, 2, S, 0, &em), 0);
    cr_assert_eq(snapshot_create(vfs_default(), dir, "a", T, 2, S, 0, &em), ERR_ALREADY_EXISTS);
    const char *bad[] = {"", ".", "..", "x/y"};
    for (size_t i = 0; i < 4; i++)
        cr_assert_eq(snapshot_create(vfs_default(), dir, bad[i], T, 2, S, 0, &em), ERR_INVALID,
                     "tag '%s'", bad[i]);
}

Test(snapshot, snapshot_outlives_obsolete_sstable)
{
    struct errmsg em;
    cr_assert_eq(snapshot_create(vfs_default(), dir, "keep", T, 2, S, 0, &em), 0);
    sstable_mark_obsolete(T[0]);
    sstable_unref(T[0]);
    T[0] = NULL;
    char path[4200];
    snprintf(path, sizeof path, "%s/rb-1-big-Data.db", dir);
    struct stat st;
    cr_assert_neq(stat(path, &st), 0);
    /* The snapshot directory opens as an SSTable directory. */
    char sdir[4200];
    snprintf(sdir, sizeof sdir, "%s/snapshots/keep", dir);
    struct sstable *t;
    cr_assert_eq(sstable_open(vfs_default(), sdir, 1, S, &t, &em), 0, "%s", em.text);
    cr_assert_eq(sstable_get_stats(t)->partitions, 10);
    sstable_unref(t);
}

Test(snapshot, list_and_clear)
{
    struct errmsg em;
    char **tags;
    size_t n;
    cr_assert_eq(snapshot_list(vfs_default(), dir, &tags, &n, &em), 0);
    cr_assert_eq(n, 0);
    snapshot_list_free(tags, n);
    cr_assert_eq(snapshot_create(vfs_default(), dir, "b", T, 2, S, 0, &em), 0);
    cr_assert_eq(snapshot_create(vfs_default(), dir, "a", T, 1, S, 0, &em), 0);
    cr_assert_eq(snapshot_create(vfs_default(), dir, "c", T, 1, S, 0, &em), 0);
    cr_assert_eq(snapshot_list(vfs_default(), dir, &tags, &n, &em), 0);
    cr_assert_eq(n, 3);
    cr_assert_str_eq(tags[0], "a");
    cr_assert_str_eq(tags[2], "c");
    snapshot_list_free(tags, n);
    cr_assert_eq(snapshot_clear(vfs_default(), dir, "b", &em), 0, "%s", em.text);
    cr_assert_eq(snapshot_clear(vfs_default(), dir, "missing", &em), 0);
    cr_assert_eq(snapshot_list(vfs_default(), dir, &tags, &n, &em), 0);
    cr_assert_eq(n, 2);
    snapshot_list_free(tags, n);
    cr_assert_eq(snapshot_clear(vfs_default(), dir, NULL, &em), 0, "%s", em.text);
    cr_assert_eq(snapshot_list(vfs_default(), dir, &tags, &n, &em), 0);
    cr_assert_eq(n, 0);
    snapshot_list_free(tags, n);
    /* The live files are untouched. */
    char path[4200];
    snprintf(path, sizeof path, "%s/rb-1-big-Data.db", dir);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_nlink, 1);
}

Test(snapshot, incremental_backup_links_flushed_sstables)
{
    struct errmsg em;
    cr_assert_eq(snapshot_backup(vfs_default(), dir, T[1], &em), 0, "%s", em.text);
    cr_assert_eq(snapshot_backup(vfs_default(), dir, T[1], &em), 0, "again: %s", em.text);
    char a[4200], b[4200];
    snprintf(a, sizeof a, "%s/rb-2-big-Index.db", dir);
    snprintf(b, sizeof b, "%s/backups/rb-2-big-Index.db", dir);
    struct stat x, y;
    cr_assert_eq(stat(a, &x), 0);
    cr_assert_eq(stat(b, &y), 0);
    cr_assert_eq(x.st_ino, y.st_ino);
}

Test(snapshot, manifest_json_escapes_and_formats_time)
{
    const char *files[] = {"a\"b", "c"};
    struct buf b;
    buf_init(&b);
    snapshot_manifest_json(files, 2, 0, &b);
    buf_put_u8(&b, 0);
    cr_assert_str_eq((const char *)b.data,
                     "{\"files\":[\"a\\\"b\",\"c\"],\"created_at\":\"1970-01-01T00:00:00.000Z\","
                     "\"expires_at\":null,\"ephemeral\":false}");
    buf_deinit(&b);
}

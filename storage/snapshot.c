/*
 * snapshot: see snapshot.h. Links go through the vfs; removing a snapshot directory uses
 * rmdir(2) directly because struct vfs has no rmdir (the fault layer wraps the real file
 * system, so tests see the same behaviour).
 */
#include "storage/snapshot.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "node/base/log.h"
#include "node/base/mem.h"

#define SNAPSHOT_PATH_MAX 4096
#define SNAPSHOT_FILES_MAX (1u << 20)

bool snapshot_tag_valid(const char *tag)
{
    if (!tag) return false;
    size_t n = strnlen(tag, SNAPSHOT_TAG_MAX + 1);
    return n > 0 && n <= SNAPSHOT_TAG_MAX && !strchr(tag, '/') && strcmp(tag, ".") != 0 &&
           strcmp(tag, "..") != 0;
}

/* out = a/b; false when it does not fit. */
static bool path_join(char *out, size_t cap, const char *a, const char *b)
{
    int w = snprintf(out, cap, "%s/%s", a, b);
    return w > 0 && (size_t)w < cap;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static void json_string(struct buf *out, const char *s)
{
    buf_put_u8(out, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') buf_printf(out, "\\%c", c);
        else if (c < 0x20) buf_printf(out, "\\u%04x", c);
        else buf_put_u8(out, c);
    }
    buf_put_u8(out, '"');
}

void snapshot_manifest_json(const char *const *data_files, size_t n, int64_t created_ms,
                            struct buf *out)
{
    time_t secs = (time_t)(created_ms / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    char ts[64];
    snprintf(ts, sizeof ts, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
             (int)(created_ms % 1000));
    buf_printf(out, "{\"files\":[");
    for (size_t i = 0; i < n; i++) {
        if (i) buf_put_u8(out, ',');
        json_string(out, data_files[i]);
    }
    buf_printf(out, "],\"created_at\":\"%s\",\"expires_at\":null,\"ephemeral\":false}", ts);
}

/* Links every component of s into dir. */
static int link_sstable(struct vfs *v, struct sstable *s, const char *dir, bool exist_ok,
                        struct errmsg *em)
{
    char **paths;
    size_t n;
    int rc = sstable_components(s, &paths, &n);
    if (rc < 0) return errmsg_set(em, rc, "cannot list sstable components");
    char to[SNAPSHOT_PATH_MAX];
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (!path_join(to, sizeof to, dir, base_name(paths[i]))) {
            rc = errmsg_set(em, ERR_INVALID, "snapshot path too long: %s", dir);
            break;
        }
        rc = vfs_link(v, paths[i], to);
        if (rc == -EEXIST && exist_ok) rc = 0;
        if (rc < 0) rc = errmsg_set(em, rc, "cannot link %s to %s: %s", paths[i], to,
                                    strerror(-rc));
    }
    for (size_t i = 0; i < n; i++) free(paths[i]);
    free(paths);
    return rc;
}

static int write_meta_files(struct vfs *v, const char *dir, struct sstable *const *ss, size_t n,
                            const struct table_schema *schema, int64_t created_ms,
                            struct errmsg *em)
{
    char **names = xmalloc((n ? n : 1) * sizeof *names);
    for (size_t i = 0; i < n; i++) {
        char name[64];
        snprintf(name, sizeof name, "rb-%u-big-Data.db", sstable_generation(ss[i]));
        names[i] = xstrdup(name);
    }
    struct buf b;
    buf_init(&b);
    snapshot_manifest_json((const char *const *)names, n, created_ms, &b);
    char path[SNAPSHOT_PATH_MAX];
    int rc = path_join(path, sizeof path, dir, "manifest.json") ? 0 : -ENAMETOOLONG;
    if (rc == 0) rc = vfs_write_atomic(v, path, b.data, b.len);
    if (rc == 0) {
        buf_reset(&b);
        table_schema_format_cql(schema, &b);
        buf_put_u8(&b, '\n');
        rc = path_join(path, sizeof path, dir, "schema.cql") ? 0 : -ENAMETOOLONG;
        if (rc == 0) rc = vfs_write_atomic(v, path, b.data, b.len);
    }
    if (rc < 0) rc = errmsg_set(em, rc, "%s: cannot write: %s", path, strerror(-rc));
    buf_deinit(&b);
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
    return rc;
}

static int ignore_entry(void *arg, const char *name)
{
    (void)arg;
    (void)name;
    return 1;
}

int snapshot_create(struct vfs *v, const char *table_dir, const char *tag,
                    struct sstable *const *ss, size_t n, const struct table_schema *schema,
                    int64_t created_ms, struct errmsg *em)
{
    if (!snapshot_tag_valid(tag)) return errmsg_set(em, ERR_INVALID, "invalid snapshot name");
    char dir[SNAPSHOT_PATH_MAX];
    int w = snprintf(dir, sizeof dir, "%s/%s/%s", table_dir, SNAPSHOT_DIR, tag);
    if (w <= 0 || (size_t)w >= sizeof dir - 64)
        return errmsg_set(em, ERR_INVALID, "snapshot path too long");
    if (vfs_list_dir(v, dir, ignore_entry, NULL) == 0)
        return errmsg_set(em, ERR_ALREADY_EXISTS, "Snapshot %s already exists.", tag);
    int rc = vfs_mkdir_p(v, dir);
    if (rc < 0) return errmsg_set(em, rc, "%s: cannot create: %s", dir, strerror(-rc));
    for (size_t i = 0; i < n && rc == 0; i++) rc = link_sstable(v, ss[i], dir, false, em);
    if (rc == 0) rc = write_meta_files(v, dir, ss, n, schema, created_ms, em);
    if (rc == 0 && (rc = vfs_sync_dir(v, dir)) < 0)
        errmsg_set(em, rc, "%s: sync failed: %s", dir, strerror(-rc));
    if (rc < 0) {
        struct errmsg ignored;
        snapshot_clear(v, table_dir, tag, &ignored);
        return rc;
    }
    log_info("snapshot", "created snapshot dir=%s tag=%s sstables=%zu", table_dir, tag, n);
    return 0;
}

struct names {
    char **v;
    size_t n, cap;
    bool too_many;
};

static int collect_name(void *arg, const char *name)
{
    struct names *l = arg;
    if (l->n >= SNAPSHOT_FILES_MAX) {
        l->too_many = true;
        return 1;
    }
    xgrow((void **)&l->v, &l->cap, l->n + 1, sizeof *l->v);
    l->v[l->n++] = xstrdup(name);
    return 0;
}

static int remove_dir(struct vfs *v, const char *dir, struct errmsg *em)
{
    struct names l = {0};
    int rc = vfs_list_dir(v, dir, collect_name, &l);
    if (rc == -ENOENT) return 0;
    if (rc == 0 && l.too_many) rc = -E2BIG;
    char path[SNAPSHOT_PATH_MAX];
    for (size_t i = 0; i < l.n && rc == 0; i++) {
        rc = path_join(path, sizeof path, dir, l.v[i]) ? vfs_unlink(v, path) : -ENAMETOOLONG;
        if (rc == -ENOENT) rc = 0;
    }
    snapshot_list_free(l.v, l.n);
    if (rc == 0 && rmdir(dir) < 0 && errno != ENOENT) rc = -errno;
    if (rc < 0) return errmsg_set(em, rc, "%s: cannot remove: %s", dir, strerror(-rc));
    return 0;
}

int snapshot_clear(struct vfs *v, const char *table_dir, const char *tag, struct errmsg *em)
{
    char dir[SNAPSHOT_PATH_MAX];
    if (tag && *tag) {
        if (!snapshot_tag_valid(tag)) return errmsg_set(em, ERR_INVALID, "invalid snapshot name");
        snprintf(dir, sizeof dir, "%s/%s/%s", table_dir, SNAPSHOT_DIR, tag);
        return remove_dir(v, dir, em);
    }
    char **tags = NULL;
    size_t n = 0;
    int rc = snapshot_list(v, table_dir, &tags, &n, em);
    for (size_t i = 0; i < n && rc == 0; i++) {
        snprintf(dir, sizeof dir, "%s/%s/%s", table_dir, SNAPSHOT_DIR, tags[i]);
        rc = remove_dir(v, dir, em);
    }
    snapshot_list_free(tags, n);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int snapshot_list(struct vfs *v, const char *table_dir, char ***tags, size_t *n,
                  struct errmsg *em)
{
    char dir[SNAPSHOT_PATH_MAX];
    snprintf(dir, sizeof dir, "%s/%s", table_dir, SNAPSHOT_DIR);
    struct names l = {0};
    int rc = vfs_list_dir(v, dir, collect_name, &l);
    if (rc == -ENOENT) rc = 0;
    if (rc == 0 && l.too_many) rc = -E2BIG;
    if (rc < 0) {
        snapshot_list_free(l.v, l.n);
        return errmsg_set(em, rc, "%s: cannot list: %s", dir, strerror(-rc));
    }
    if (l.n) qsort(l.v, l.n, sizeof *l.v, cmp_str);
    *tags = l.v;
    *n = l.n;
    return 0;
}

void snapshot_list_free(char **tags, size_t n)
{
    for (size_t i = 0; i < n; i++) free(tags[i]);
    free(tags);
}

int snapshot_backup(struct vfs *v, const char *table_dir, struct sstable *s, struct errmsg *em)
{
    char dir[SNAPSHOT_PATH_MAX];
    int w = snprintf(dir, sizeof dir, "%s/%s", table_dir, BACKUP_DIR);
    if (w <= 0 || (size_t)w >= sizeof dir - 64)
        return errmsg_set(em, ERR_INVALID, "backup path too long");
    int rc = vfs_mkdir(v, dir);
    if (rc < 0) return errmsg_set(em, rc, "%s: cannot create: %s", dir, strerror(-rc));
    rc = link_sstable(v, s, dir, true, em);
    if (rc == 0 && (rc = vfs_sync_dir(v, dir)) < 0)
        errmsg_set(em, rc, "%s: sync failed: %s", dir, strerror(-rc));
    return rc;
}

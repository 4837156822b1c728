/*
 * vfs_fault: the fault-injecting file layer (see vfs_fault.h).
 *
 * Shape: one struct fault_track per path the layer has seen, holding what an OS crash could take
 * away: the size at the last fdatasync, the byte ranges written since (merged while they are
 * contiguous, as appends are), whether the directory entry is durable yet, and a pending rename.
 * Writes go to the inner vfs while the mutex is held, so a range is recorded atomically with the
 * write. Each range carries the sync epoch it was written in; a sync bumps the epoch when it
 * starts and, when it succeeds, forgets the ranges of older epochs (a write racing with the sync
 * stays "unsynced", which is a legal crash outcome).
 *
 * Invariants: tracks are listed by path at most once; a track is freed when it is unlisted and
 * no open file refers to it; ranges are merged only within one epoch.
 * Thread rule: every field of struct vfs_fault sits behind mu.
 */
#include "storage/vfs_fault.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "node/base/log.h"
#include "node/base/mem.h"

#define FAULT_EXTENTS_MAX 65536u
#define FAULT_ZERO_CHUNK 65536u

struct fault_extent {
    uint64_t off;
    uint64_t end;
    uint64_t epoch; /* the sync epoch the write happened in */
};

struct fault_track {
    struct fault_track *next;
    char *path;
    char *renamed_from; /* a rename not yet made durable by a directory sync */
    uint64_t synced_bytes;
    struct fault_extent *ext;
    size_t ext_len;
    size_t ext_cap;
    bool is_ext_overflow; /* too many ranges: drop will only truncate */
    bool is_new;          /* created since its directory's last sync */
    bool is_listed;
    int open_files;
};

struct vfs_fault {
    struct vfs base; /* first: a struct vfs * is a struct vfs_fault * */
    struct vfs *inner;
    pthread_mutex_t mu;
    struct vfs_fault_config cfg;
    struct vfs_fault_counts counts;
    bool is_frozen;
    bool is_disk_full;
    uint64_t epoch; /* bumped when a sync starts: older extents are covered by it */
    struct fault_track *tracks;
};

struct fault_file {
    struct vfile base;
    struct vfile *inner;
    struct fault_track *track;
};

static struct vfs_fault *fault_of(struct vfs *v)
{
    return (struct vfs_fault *)v;
}

static struct fault_file *ffile_of(struct vfile *f)
{
    return (struct fault_file *)f;
}

static bool rule_hits(const struct vfs_fault_rule *r, uint64_t k)
{
    return r->at != 0 && (k == r->at || (r->is_sticky && k > r->at));
}

static bool path_counts(const struct vfs_fault *f, const char *path)
{
    return f->cfg.path_filter[0] == '\0' || strstr(path, f->cfg.path_filter) != NULL;
}

/* ---- tracks ---- */

static struct fault_track *track_find(struct vfs_fault *f, const char *path)
{
    for (struct fault_track *t = f->tracks; t; t = t->next)
        if (strcmp(t->path, path) == 0) return t;
    return NULL;
}

static struct fault_track *track_add(struct vfs_fault *f, const char *path)
{
    struct fault_track *t = xcalloc(1, sizeof *t);
    t->path = xstrdup(path);
    t->is_listed = true;
    t->next = f->tracks;
    f->tracks = t;
    return t;
}

static void track_free(struct fault_track *t)
{
    free(t->path);
    free(t->renamed_from);
    free(t->ext);
    free(t);
}

static void track_unlist(struct vfs_fault *f, struct fault_track *t)
{
    for (struct fault_track **pp = &f->tracks; *pp; pp = &(*pp)->next) {
        if (*pp != t) continue;
        *pp = t->next;
        break;
    }
    t->is_listed = false;
    t->next = NULL;
    if (t->open_files == 0) track_free(t);
}

static void track_add_extent(struct fault_track *t, uint64_t epoch, uint64_t off, uint64_t end)
{
    if (end <= off || t->is_ext_overflow) return;
    if (t->ext_len > 0) {
        struct fault_extent *last = &t->ext[t->ext_len - 1];
        if (last->epoch == epoch && off <= last->end && end >= last->off) {
            if (off < last->off) last->off = off;
            if (end > last->end) last->end = end;
            return;
        }
    }
    if (t->ext_len == FAULT_EXTENTS_MAX) {
        t->is_ext_overflow = true;
        log_warn("vfs_fault", "too many unsynced ranges; drop will only truncate path=%s", t->path);
        return;
    }
    xgrow((void **)&t->ext, &t->ext_cap, t->ext_len + 1, sizeof *t->ext);
    t->ext[t->ext_len++] = (struct fault_extent){off, end, epoch};
}

static void track_clip(struct fault_track *t, uint64_t len)
{
    if (t->synced_bytes > len) t->synced_bytes = len;
    for (size_t i = 0; i < t->ext_len; i++) {
        if (t->ext[i].end > len) t->ext[i].end = len;
        if (t->ext[i].off > t->ext[i].end) t->ext[i].off = t->ext[i].end;
    }
}

/* True when path's directory is dir (both as given; trailing slashes of dir ignored). */
static bool path_in_dir(const char *path, const char *dir)
{
    size_t dl = strlen(dir);
    while (dl > 1 && dir[dl - 1] == '/')
        dl--;
    const char *slash = strrchr(path, '/');
    if (!slash) return dl == 1 && dir[0] == '.';
    size_t pl = (size_t)(slash - path);
    if (pl == 0) pl = 1; /* "/name" lives in "/" */
    return pl == dl && strncmp(path, dir, dl) == 0;
}

/* ---- file operations ---- */

static int probe_exists(struct vfs *inner, const char *path, bool *exists)
{
    struct vfile *p = NULL;
    int rc = vfs_open(inner, path, O_RDONLY, 0, &p);
    if (rc == 0) {
        vfile_close(p);
        *exists = true;
        return 0;
    }
    if (rc == -ENOENT) {
        *exists = false;
        return 0;
    }
    return rc;
}

static int fault_open(struct vfs *v, const char *path, int flags, mode_t mode, struct vfile **out)
{
    struct vfs_fault *f = fault_of(v);
    bool mutating = (flags & (O_CREAT | O_TRUNC)) != 0;
    pthread_mutex_lock(&f->mu);
    bool frozen = f->is_frozen;
    bool known = track_find(f, path) != NULL;
    pthread_mutex_unlock(&f->mu);
    if (frozen && mutating) return -EIO;
    bool exists = known;
    int rc = 0;
    if (!known && (flags & O_CREAT)) rc = probe_exists(f->inner, path, &exists);
    if (rc < 0) return rc;
    struct vfile *inner = NULL;
    rc = vfs_open(f->inner, path, flags, mode, &inner);
    if (rc < 0) return rc;
    uint64_t size = 0;
    if (!known && exists && !(flags & O_TRUNC)) rc = vfile_size(inner, &size);
    if (rc < 0) {
        vfile_close(inner);
        return rc;
    }
    pthread_mutex_lock(&f->mu);
    struct fault_track *t = track_find(f, path);
    if (!t) {
        t = track_add(f, path);
        t->synced_bytes = size;
        t->is_new = !exists;
    }
    if (flags & O_TRUNC) track_clip(t, 0);
    t->open_files++;
    pthread_mutex_unlock(&f->mu);
    struct fault_file *ff = xcalloc(1, sizeof *ff);
    ff->base.vfs = v;
    ff->base.path = xstrdup(path);
    ff->inner = inner;
    ff->track = t;
    *out = &ff->base;
    return 0;
}

_Noreturn static void fault_crash(void)
{
    kill(getpid(), SIGKILL);
    _exit(137);
}

static int fault_pwrite(struct vfile *vf, const void *p, size_t n, uint64_t off)
{
    struct fault_file *ff = ffile_of(vf);
    struct vfs_fault *f = fault_of(vf->vfs);
    pthread_mutex_lock(&f->mu);
    if (f->is_frozen) {
        pthread_mutex_unlock(&f->mu);
        return -EIO;
    }
    bool crash = false, fail = false;
    int err = 0;
    if (path_counts(f, ffile_of(vf)->track->path)) {
        uint64_t k = ++f->counts.writes;
        crash = f->cfg.crash_at_write == k;
        fail = !crash && rule_hits(&f->cfg.write, k);
        err = f->cfg.write.err ? f->cfg.write.err : EIO;
        if (fail && err == ENOSPC && f->cfg.write.is_sticky) f->is_disk_full = true;
        if (crash || fail) f->counts.injected++;
    }
    size_t part = n;
    if (crash) part = f->cfg.is_crash_torn ? n / 2 : 0;
    if (fail) part = f->cfg.is_short_write ? n / 2 : 0;
    int rc = part > 0 ? vfile_pwrite(ff->inner, p, part, off) : 0;
    if (rc == 0) track_add_extent(ff->track, f->epoch, off, off + part);
    pthread_mutex_unlock(&f->mu);
    if (crash) fault_crash();
    if (fail && rc == 0) return -err;
    return rc;
}

static int fault_pread(struct vfile *vf, void *p, size_t n, uint64_t off, size_t *got)
{
    return vfile_pread(ffile_of(vf)->inner, p, n, off, got);
}

static int fault_sync(struct vfile *vf)
{
    struct fault_file *ff = ffile_of(vf);
    struct vfs_fault *f = fault_of(vf->vfs);
    struct fault_track *t = ff->track;
    pthread_mutex_lock(&f->mu);
    int err = 0;
    if (f->is_frozen) err = EIO;
    if (!err && path_counts(f, ffile_of(vf)->track->path) &&
        rule_hits(&f->cfg.sync, ++f->counts.syncs)) {
        err = f->cfg.sync.err ? f->cfg.sync.err : EIO;
        f->counts.injected++;
    }
    uint64_t size = 0;
    int rc = err ? -err : vfile_size(ff->inner, &size);
    uint64_t epoch = f->epoch++;
    pthread_mutex_unlock(&f->mu);
    if (rc < 0) return rc;
    rc = vfile_sync(ff->inner);
    if (rc < 0) return rc;
    /* Everything written before the sync started is durable now. */
    pthread_mutex_lock(&f->mu);
    size_t kept = 0;
    for (size_t i = 0; i < t->ext_len; i++)
        if (t->ext[i].epoch > epoch) t->ext[kept++] = t->ext[i];
    t->ext_len = kept;
    if (size > t->synced_bytes) t->synced_bytes = size;
    pthread_mutex_unlock(&f->mu);
    return 0;
}

static int fault_allocate(struct vfile *vf, uint64_t off, uint64_t len)
{
    struct vfs_fault *f = fault_of(vf->vfs);
    pthread_mutex_lock(&f->mu);
    int err = 0;
    if (f->is_frozen) err = EIO;
    if (!err && path_counts(f, ffile_of(vf)->track->path)) {
        bool hit = rule_hits(&f->cfg.allocate, ++f->counts.allocates);
        if (hit) err = f->cfg.allocate.err ? f->cfg.allocate.err : ENOSPC;
        if (!hit && f->is_disk_full) err = ENOSPC;
        if (err) f->counts.injected++;
    }
    pthread_mutex_unlock(&f->mu);
    if (err) return -err;
    return vfile_allocate(ffile_of(vf)->inner, off, len);
}

static int fault_truncate(struct vfile *vf, uint64_t len)
{
    struct fault_file *ff = ffile_of(vf);
    struct vfs_fault *f = fault_of(vf->vfs);
    pthread_mutex_lock(&f->mu);
    int rc = f->is_frozen ? -EIO : vfile_truncate(ff->inner, len);
    if (rc == 0) track_clip(ff->track, len);
    pthread_mutex_unlock(&f->mu);
    return rc;
}

static int fault_size(struct vfile *vf, uint64_t *out)
{
    return vfile_size(ffile_of(vf)->inner, out);
}

static int fault_close(struct vfile *vf)
{
    struct fault_file *ff = ffile_of(vf);
    struct vfs_fault *f = fault_of(vf->vfs);
    pthread_mutex_lock(&f->mu);
    struct fault_track *t = ff->track;
    t->open_files--;
    if (!t->is_listed && t->open_files == 0) track_free(t);
    pthread_mutex_unlock(&f->mu);
    int rc = vfile_close(ff->inner);
    free(ff->base.path);
    free(ff);
    return rc;
}

/* ---- namespace operations ---- */

static int fault_rename(struct vfs *v, const char *from, const char *to)
{
    struct vfs_fault *f = fault_of(v);
    pthread_mutex_lock(&f->mu);
    int rc = f->is_frozen ? -EIO : vfs_rename(f->inner, from, to);
    if (rc == 0) {
        struct fault_track *old = track_find(f, to);
        if (old) track_unlist(f, old);
        struct fault_track *t = track_find(f, from);
        if (t) {
            if (!t->is_new && !t->renamed_from) t->renamed_from = xstrdup(from);
            free(t->path);
            t->path = xstrdup(to);
        }
    }
    pthread_mutex_unlock(&f->mu);
    return rc;
}

static int fault_unlink(struct vfs *v, const char *path)
{
    struct vfs_fault *f = fault_of(v);
    pthread_mutex_lock(&f->mu);
    int rc = f->is_frozen ? -EIO : vfs_unlink(f->inner, path);
    if (rc == 0) {
        struct fault_track *t = track_find(f, path);
        if (t) track_unlist(f, t);
    }
    pthread_mutex_unlock(&f->mu);
    return rc;
}

static int fault_link(struct vfs *v, const char *from, const char *to)
{
    struct vfs_fault *f = fault_of(v);
    pthread_mutex_lock(&f->mu);
    int rc = f->is_frozen ? -EIO : vfs_link(f->inner, from, to);
    if (rc == 0 && !track_find(f, to)) {
        struct fault_track *src = track_find(f, from);
        struct fault_track *t = track_add(f, to);
        t->is_new = true;
        t->synced_bytes = src ? src->synced_bytes : 0;
    }
    pthread_mutex_unlock(&f->mu);
    return rc;
}

static int fault_mkdir(struct vfs *v, const char *path)
{
    struct vfs_fault *f = fault_of(v);
    pthread_mutex_lock(&f->mu);
    bool frozen = f->is_frozen;
    pthread_mutex_unlock(&f->mu);
    return frozen ? -EIO : vfs_mkdir(f->inner, path);
}

static int fault_sync_dir(struct vfs *v, const char *path)
{
    struct vfs_fault *f = fault_of(v);
    pthread_mutex_lock(&f->mu);
    bool frozen = f->is_frozen;
    pthread_mutex_unlock(&f->mu);
    if (frozen) return -EIO;
    int rc = vfs_sync_dir(f->inner, path);
    if (rc < 0) return rc;
    pthread_mutex_lock(&f->mu);
    for (struct fault_track *t = f->tracks; t; t = t->next) {
        if (!path_in_dir(t->path, path)) continue;
        t->is_new = false;
        free(t->renamed_from);
        t->renamed_from = NULL;
    }
    pthread_mutex_unlock(&f->mu);
    return 0;
}

static int fault_list_dir(struct vfs *v, const char *dir, int (*cb)(void *arg, const char *name),
                          void *arg)
{
    return vfs_list_dir(fault_of(v)->inner, dir, cb, arg);
}

static const struct vfs_ops fault_ops = {
    .open = fault_open,
    .pwrite = fault_pwrite,
    .pread = fault_pread,
    .sync = fault_sync,
    .allocate = fault_allocate,
    .truncate = fault_truncate,
    .size = fault_size,
    .close = fault_close,
    .rename = fault_rename,
    .unlink = fault_unlink,
    .link = fault_link,
    .mkdir = fault_mkdir,
    .sync_dir = fault_sync_dir,
    .list_dir = fault_list_dir,
};

/* ---- lifecycle and control ---- */

struct vfs_fault *vfs_fault_create(struct vfs *inner)
{
    struct vfs_fault *f = xcalloc(1, sizeof *f);
    f->base.ops = &fault_ops;
    f->inner = inner;
    pthread_mutex_init(&f->mu, NULL);
    return f;
}

void vfs_fault_destroy(struct vfs_fault *f)
{
    if (!f) return;
    while (f->tracks) {
        struct fault_track *t = f->tracks;
        if (t->open_files != 0)
            log_error("vfs_fault", "destroyed with an open file path=%s", t->path);
        f->tracks = t->next;
        t->open_files = 0;
        track_free(t);
    }
    pthread_mutex_destroy(&f->mu);
    free(f);
}

struct vfs *vfs_fault_vfs(struct vfs_fault *f)
{
    return &f->base;
}

void vfs_fault_set(struct vfs_fault *f, const struct vfs_fault_config *c)
{
    pthread_mutex_lock(&f->mu);
    f->cfg = *c;
    f->cfg.path_filter[VFS_FAULT_FILTER_MAX - 1] = '\0';
    memset(&f->counts, 0, sizeof f->counts);
    f->is_disk_full = false;
    pthread_mutex_unlock(&f->mu);
}

void vfs_fault_clear(struct vfs_fault *f)
{
    pthread_mutex_lock(&f->mu);
    memset(&f->cfg, 0, sizeof f->cfg);
    f->is_disk_full = false;
    pthread_mutex_unlock(&f->mu);
}

void vfs_fault_get_counts(struct vfs_fault *f, struct vfs_fault_counts *out)
{
    pthread_mutex_lock(&f->mu);
    *out = f->counts;
    pthread_mutex_unlock(&f->mu);
}

void vfs_fault_set_frozen(struct vfs_fault *f, bool is_frozen)
{
    pthread_mutex_lock(&f->mu);
    f->is_frozen = is_frozen;
    pthread_mutex_unlock(&f->mu);
}

static int zero_range(struct vfile *file, uint64_t off, uint64_t end)
{
    static const uint8_t zeros[FAULT_ZERO_CHUNK];
    while (off < end) {
        size_t n = end - off < FAULT_ZERO_CHUNK ? (size_t)(end - off) : FAULT_ZERO_CHUNK;
        int rc = vfile_pwrite(file, zeros, n, off);
        if (rc < 0) return rc;
        off += n;
    }
    return 0;
}

/* Rolls one surviving file back to what its last fdatasync guaranteed. Called with mu held. */
static int drop_track_data(struct vfs_fault *f, struct fault_track *t)
{
    int rc = 0;
    if (t->renamed_from) {
        rc = vfs_rename(f->inner, t->path, t->renamed_from);
        if (rc < 0) return rc;
        free(t->path);
        t->path = t->renamed_from;
        t->renamed_from = NULL;
    }
    struct vfile *file = NULL;
    rc = vfs_open(f->inner, t->path, O_WRONLY, 0, &file);
    if (rc == -ENOENT) return 0;
    for (size_t i = 0; i < t->ext_len && rc == 0; i++) {
        uint64_t end = t->ext[i].end < t->synced_bytes ? t->ext[i].end : t->synced_bytes;
        if (t->ext[i].off < end) rc = zero_range(file, t->ext[i].off, end);
    }
    if (rc == 0) rc = vfile_truncate(file, t->synced_bytes);
    int crc = vfile_close(file);
    t->ext_len = 0;
    t->is_ext_overflow = false;
    return rc < 0 ? rc : crc;
}

int vfs_fault_drop_unsynced(struct vfs_fault *f)
{
    pthread_mutex_lock(&f->mu);
    int first = 0;
    struct fault_track *t = f->tracks;
    while (t) {
        struct fault_track *next = t->next;
        int rc = 0;
        if (t->is_new) {
            rc = vfs_unlink(f->inner, t->path);
            if (rc == -ENOENT) rc = 0;
            track_unlist(f, t);
        } else {
            rc = drop_track_data(f, t);
        }
        if (rc < 0 && first == 0) first = rc;
        t = next;
    }
    pthread_mutex_unlock(&f->mu);
    return first;
}

/* ---- the RINGDB_FAULTS spec ---- */

#define FAULT_SPEC_MAX 1024

static int parse_count(const char *s, uint64_t *out)
{
    if (*s < '0' || *s > '9') return -1;
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end != '\0') return -1;
    *out = v;
    return 0;
}

static int parse_errno(const char *s, int *out)
{
    if (strcmp(s, "EIO") == 0)
        *out = EIO;
    else if (strcmp(s, "ENOSPC") == 0)
        *out = ENOSPC;
    else
        return -1;
    return 0;
}

static int parse_bool(const char *s, bool *out)
{
    if (strcmp(s, "1") == 0 || strcmp(s, "true") == 0)
        *out = true;
    else if (strcmp(s, "0") == 0 || strcmp(s, "false") == 0)
        *out = false;
    else
        return -1;
    return 0;
}

/* "fail_X=N": the Nth call fails once; "fail_Xs_from=N": and every later one. */
static int parse_rule(const char *val, bool is_sticky, uint64_t skip, struct vfs_fault_rule *r)
{
    uint64_t n = 0;
    if (parse_count(val, &n) < 0 || n > UINT64_MAX - skip) return -1;
    r->at = n + skip;
    r->is_sticky = is_sticky;
    return r->at == 0 ? -1 : 0;
}

static int parse_pair(const char *key, const char *val, struct vfs_fault_config *c)
{
    uint64_t n = 0;
    if (strcmp(key, "path") == 0) {
        size_t len = strlen(val);
        if (len >= VFS_FAULT_FILTER_MAX) return -1;
        memcpy(c->path_filter, val, len + 1);
        return 0;
    }
    if (strcmp(key, "fail_write") == 0) return parse_rule(val, false, 0, &c->write);
    if (strcmp(key, "fail_writes_from") == 0) return parse_rule(val, true, 0, &c->write);
    if (strcmp(key, "eio_after_writes") == 0 || strcmp(key, "enospc_after_writes") == 0) {
        c->write.err = strcmp(key, "eio_after_writes") == 0 ? EIO : ENOSPC;
        return parse_rule(val, true, 1, &c->write);
    }
    if (strcmp(key, "write_errno") == 0) return parse_errno(val, &c->write.err);
    if (strcmp(key, "short_write") == 0) return parse_bool(val, &c->is_short_write);
    if (strcmp(key, "crash_at_write") == 0 || strcmp(key, "crash_after_writes") == 0) {
        if (parse_count(val, &n) < 0 || n == UINT64_MAX) return -1;
        c->crash_at_write = strcmp(key, "crash_after_writes") == 0 ? n + 1 : n;
        return c->crash_at_write == 0 ? -1 : 0;
    }
    if (strcmp(key, "crash_torn") == 0) return parse_bool(val, &c->is_crash_torn);
    if (strcmp(key, "fail_sync") == 0) return parse_rule(val, false, 0, &c->sync);
    if (strcmp(key, "fail_syncs_from") == 0) return parse_rule(val, true, 0, &c->sync);
    if (strcmp(key, "sync_errno") == 0) return parse_errno(val, &c->sync.err);
    if (strcmp(key, "fail_allocate") == 0) return parse_rule(val, false, 0, &c->allocate);
    if (strcmp(key, "fail_allocates_from") == 0) return parse_rule(val, true, 0, &c->allocate);
    if (strcmp(key, "allocate_errno") == 0) return parse_errno(val, &c->allocate.err);
    return -1;
}

int vfs_fault_parse(const char *spec, struct vfs_fault_config *out, struct errmsg *em)
{
    size_t len = strlen(spec);
    if (len >= FAULT_SPEC_MAX)
        return errmsg_set(em, ERR_CONFIG, "%s: longer than %u bytes", VFS_FAULT_ENV,
                          FAULT_SPEC_MAX);
    char buf[FAULT_SPEC_MAX];
    memcpy(buf, spec, len + 1);
    struct vfs_fault_config c;
    memset(&c, 0, sizeof c);
    char *p = buf;
    while (*p) {
        char *end = strchr(p, ',');
        if (end) *end = '\0';
        char *eq = strchr(p, '=');
        if (!eq || eq == p)
            return errmsg_set(em, ERR_CONFIG, "%s: expected key=value, got '%s'", VFS_FAULT_ENV, p);
        *eq = '\0';
        if (parse_pair(p, eq + 1, &c) < 0)
            return errmsg_set(em, ERR_CONFIG, "%s: bad pair '%s=%s'", VFS_FAULT_ENV, p, eq + 1);
        if (!end) break;
        p = end + 1;
    }
    *out = c;
    return 0;
}

int vfs_fault_create_from_env(struct vfs *inner, struct vfs_fault **out, struct errmsg *em)
{
    const char *spec = getenv(VFS_FAULT_ENV);
    *out = NULL;
    if (!spec || !*spec) return 0;
    struct vfs_fault_config c;
    int rc = vfs_fault_parse(spec, &c, em);
    if (rc < 0) return rc;
    struct vfs_fault *f = vfs_fault_create(inner);
    vfs_fault_set(f, &c);
    log_warn("vfs_fault", "fault injection enabled spec=%s", spec);
    *out = f;
    return 0;
}

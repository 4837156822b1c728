/* vfs: the real file system behind struct vfs (see vfs.h), and the convenience wrappers. */
#include "storage/vfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "node/base/mem.h"

struct os_file {
    struct vfile base;
    int fd;
};

static int os_open(struct vfs *v, const char *path, int flags, mode_t mode, struct vfile **out)
{
    int fd = open(path, flags | O_CLOEXEC, mode);
    if (fd < 0) return -errno;
    struct os_file *f = xcalloc(1, sizeof *f);
    f->base.vfs = v;
    f->base.path = xstrdup(path);
    f->fd = fd;
    *out = &f->base;
    return 0;
}

static int os_fd(struct vfile *f)
{
    return ((struct os_file *)f)->fd;
}

static int os_pwrite(struct vfile *f, const void *p, size_t n, uint64_t off)
{
    const uint8_t *b = p;
    while (n > 0) {
        ssize_t w = pwrite(os_fd(f), b, n, (off_t)off);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -errno;
        }
        b += w;
        n -= (size_t)w;
        off += (uint64_t)w;
    }
    return 0;
}

static int os_pread(struct vfile *f, void *p, size_t n, uint64_t off, size_t *got)
{
    uint8_t *b = p;
    size_t total = 0;
    while (total < n) {
        ssize_t r = pread(os_fd(f), b + total, n - total, (off_t)(off + total));
        if (r < 0) {
            if (errno == EINTR) continue;
            return -errno;
        }
        if (r == 0) break;
        total += (size_t)r;
    }
    *got = total;
    return 0;
}

static int os_sync(struct vfile *f)
{
    return fdatasync(os_fd(f)) < 0 ? -errno : 0;
}

static int os_allocate(struct vfile *f, uint64_t off, uint64_t len)
{
    int rc = posix_fallocate(os_fd(f), (off_t)off, (off_t)len);
    return rc ? -rc : 0;
}

static int os_truncate(struct vfile *f, uint64_t len)
{
    return ftruncate(os_fd(f), (off_t)len) < 0 ? -errno : 0;
}

static int os_size(struct vfile *f, uint64_t *out)
{
    struct stat st;
    if (fstat(os_fd(f), &st) < 0) return -errno;
    *out = (uint64_t)st.st_size;
    return 0;
}

static int os_close(struct vfile *f)
{
    struct os_file *of = (struct os_file *)f;
    int rc = close(of->fd) < 0 ? -errno : 0;
    free(of->base.path);
    free(of);
    return rc;
}

static int os_rename(struct vfs *v, const char *from, const char *to)
{
    (void)v;
    return rename(from, to) < 0 ? -errno : 0;
}

static int os_unlink(struct vfs *v, const char *path)
{
    (void)v;
    return unlink(path) < 0 ? -errno : 0;
}

static int os_link(struct vfs *v, const char *from, const char *to)
{
    (void)v;
    return link(from, to) < 0 ? -errno : 0;
}

static int os_mkdir(struct vfs *v, const char *path)
{
    (void)v;
    if (mkdir(path, 0755) == 0) return 0;
    if (errno != EEXIST) return -errno;
    struct stat st; /* EEXIST is success only for a directory, not for a file of that name */
    if (stat(path, &st) < 0) return -errno;
    return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

static int os_sync_dir(struct vfs *v, const char *path)
{
    (void)v;
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -errno;
    int rc = fsync(fd) < 0 ? -errno : 0;
    close(fd);
    return rc;
}

static int os_list_dir(struct vfs *v, const char *dir, int (*cb)(void *arg, const char *name),
                       void *arg)
{
    (void)v;
    DIR *d = opendir(dir);
    if (!d) return -errno;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        if (cb(arg, e->d_name)) break;
    }
    closedir(d);
    return 0;
}

static int os_map(struct vfile *f, uint64_t off, size_t len, void **out)
{
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, os_fd(f), (off_t)off);
    if (p == MAP_FAILED) return -errno;
    *out = p;
    return 0;
}

static int os_unmap(struct vfile *f, void *p, size_t len)
{
    (void)f;
    return munmap(p, len) < 0 ? -errno : 0;
}

static const struct vfs_ops os_ops = {
    .open = os_open,
    .pwrite = os_pwrite,
    .pread = os_pread,
    .sync = os_sync,
    .allocate = os_allocate,
    .truncate = os_truncate,
    .size = os_size,
    .close = os_close,
    .rename = os_rename,
    .unlink = os_unlink,
    .link = os_link,
    .mkdir = os_mkdir,
    .sync_dir = os_sync_dir,
    .list_dir = os_list_dir,
    .map = os_map,
    .unmap = os_unmap,
};

static struct vfs os_vfs = {.ops = &os_ops};

struct vfs *vfs_default(void)
{
    return &os_vfs;
}

int vfs_open(struct vfs *v, const char *path, int flags, mode_t mode, struct vfile **out)
{
    return v->ops->open(v, path, flags, mode, out);
}

int vfile_pwrite(struct vfile *f, const void *p, size_t n, uint64_t off)
{
    return f->vfs->ops->pwrite(f, p, n, off);
}

int vfile_pread(struct vfile *f, void *p, size_t n, uint64_t off, size_t *got)
{
    return f->vfs->ops->pread(f, p, n, off, got);
}

int vfile_pread_full(struct vfile *f, void *p, size_t n, uint64_t off)
{
    size_t got = 0;
    int rc = vfile_pread(f, p, n, off, &got);
    if (rc < 0) return rc;
    return got == n ? 0 : -ENODATA;
}

int vfile_sync(struct vfile *f)
{
    return f->vfs->ops->sync(f);
}

int vfile_allocate(struct vfile *f, uint64_t off, uint64_t len)
{
    return f->vfs->ops->allocate(f, off, len);
}

int vfile_truncate(struct vfile *f, uint64_t len)
{
    return f->vfs->ops->truncate(f, len);
}

int vfile_size(struct vfile *f, uint64_t *out)
{
    return f->vfs->ops->size(f, out);
}

int vfile_close(struct vfile *f)
{
    if (!f) return 0;
    return f->vfs->ops->close(f);
}

bool vfile_can_map(const struct vfile *f)
{
    return f->vfs->ops->map != NULL && f->vfs->ops->unmap != NULL;
}

int vfile_map(struct vfile *f, uint64_t off, size_t len, void **out)
{
    if (!vfile_can_map(f)) return -ENOTSUP;
    return f->vfs->ops->map(f, off, len, out);
}

int vfile_unmap(struct vfile *f, void *p, size_t len)
{
    return f->vfs->ops->unmap(f, p, len);
}

int vfs_rename(struct vfs *v, const char *from, const char *to)
{
    return v->ops->rename(v, from, to);
}

int vfs_unlink(struct vfs *v, const char *path)
{
    return v->ops->unlink(v, path);
}

int vfs_link(struct vfs *v, const char *from, const char *to)
{
    return v->ops->link(v, from, to);
}

int vfs_mkdir(struct vfs *v, const char *path)
{
    return v->ops->mkdir(v, path);
}

int vfs_mkdir_p(struct vfs *v, const char *path)
{
    size_t n = strlen(path);
    char *p = xstrdup(path);
    int rc = 0;
    for (size_t i = 1; i <= n && rc == 0; i++) {
        if (p[i] != '/' && p[i] != '\0') continue;
        char save = p[i];
        p[i] = '\0';
        rc = vfs_mkdir(v, p);
        p[i] = save;
    }
    free(p);
    return rc;
}

int vfs_sync_dir(struct vfs *v, const char *path)
{
    return v->ops->sync_dir(v, path);
}

int vfs_list_dir(struct vfs *v, const char *dir, int (*cb)(void *arg, const char *name),
                 void *arg)
{
    return v->ops->list_dir(v, dir, cb, arg);
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) return xstrdup(".");
    if (slash == path) return xstrdup("/");
    return xstrndup(path, (size_t)(slash - path));
}

int vfs_write_atomic(struct vfs *v, const char *path, const void *p, size_t n)
{
    size_t len = strlen(path) + 5;
    char *tmp = xmalloc(len);
    snprintf(tmp, len, "%s.tmp", path);
    struct vfile *f = NULL;
    int rc = vfs_open(v, tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644, &f);
    if (rc == 0) rc = vfile_pwrite(f, p, n, 0);
    if (rc == 0) rc = vfile_sync(f);
    int crc = vfile_close(f);
    if (rc == 0) rc = crc;
    if (rc == 0) rc = vfs_rename(v, tmp, path);
    if (rc == 0) {
        char *dir = dir_of(path);
        rc = vfs_sync_dir(v, dir);
        free(dir);
    } else {
        vfs_unlink(v, tmp);
    }
    free(tmp);
    return rc;
}

int vfs_read_all(struct vfs *v, const char *path, size_t max, uint8_t **out, size_t *len)
{
    struct vfile *f = NULL;
    int rc = vfs_open(v, path, O_RDONLY, 0, &f);
    if (rc < 0) return rc;
    uint64_t size = 0;
    rc = vfile_size(f, &size);
    if (rc == 0 && size > max) rc = -EFBIG;
    uint8_t *p = NULL;
    if (rc == 0) {
        p = xmalloc((size_t)size + 1);
        rc = vfile_pread_full(f, p, (size_t)size, 0);
    }
    vfile_close(f);
    if (rc < 0) {
        free(p);
        return rc;
    }
    p[size] = '\0';
    *out = p;
    *len = (size_t)size;
    return 0;
}

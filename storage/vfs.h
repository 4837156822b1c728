/*
 * vfs: the seam between the store and the file system (LevelDB's Env). Every byte the store
 * reads or writes goes through a struct vfs, so tests can swap in the fault layer
 * (vfs_fault.h: short writes, EIO, ENOSPC, a crash after N writes, loss of unsynced data)
 * without touching the store.
 *
 * Conventions: functions return 0 or a negative errno; writes are all-or-error (a short write
 * from the OS is retried; a fault layer's short write returns -EIO after writing part);
 * paths are absolute or relative to the process cwd.
 * Thread rule: a struct vfs is shared by all threads; a struct vfile may be used by several
 * threads at once only for pread/pwrite at distinct offsets (as the OS allows).
 */
#ifndef RINGDB_STORAGE_VFS_H
#define RINGDB_STORAGE_VFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct vfile;
struct vfs;

struct vfs_ops {
    int (*open)(struct vfs *v, const char *path, int flags, mode_t mode, struct vfile **out);
    int (*pwrite)(struct vfile *f, const void *p, size_t n, uint64_t off);
    int (*pread)(struct vfile *f, void *p, size_t n, uint64_t off, size_t *got);
    int (*sync)(struct vfile *f); /* fdatasync */
    int (*allocate)(struct vfile *f, uint64_t off, uint64_t len); /* posix_fallocate */
    int (*truncate)(struct vfile *f, uint64_t len);
    int (*size)(struct vfile *f, uint64_t *out);
    int (*close)(struct vfile *f);
    int (*rename)(struct vfs *v, const char *from, const char *to);
    int (*unlink)(struct vfs *v, const char *path);
    int (*link)(struct vfs *v, const char *from, const char *to);
    int (*mkdir)(struct vfs *v, const char *path); /* one level; EEXIST is success */
    int (*sync_dir)(struct vfs *v, const char *path);
    /* Calls cb for each entry name of dir (not "." or ".."); cb returns non-zero to stop. */
    int (*list_dir)(struct vfs *v, const char *dir, int (*cb)(void *arg, const char *name),
                    void *arg);
    /* Optional (NULL: not offered, as by the fault layer): maps bytes [off, off + len) of the
       file shared and writable (off a multiple of the page size, the range inside the file).
       A store into the mapping is in the OS page cache at once, as after a pwrite (a kill -9
       loses nothing); sync makes it durable. Unmapped by unmap with the same p and len. */
    int (*map)(struct vfile *f, uint64_t off, size_t len, void **out);
    int (*unmap)(struct vfile *f, void *p, size_t len);
};

struct vfs {
    const struct vfs_ops *ops;
};

struct vfile {
    struct vfs *vfs;
    char *path; /* owned by the file */
};

/* The real file system (a process-wide singleton). */
struct vfs *vfs_default(void);

/* Convenience wrappers over v->ops. */
int vfs_open(struct vfs *v, const char *path, int flags, mode_t mode, struct vfile **out);
int vfile_pwrite(struct vfile *f, const void *p, size_t n, uint64_t off);
/* Reads exactly n bytes or fails: -EIO... or ERR_CORRUPT-free -ENODATA when the file is short. */
int vfile_pread_full(struct vfile *f, void *p, size_t n, uint64_t off);
int vfile_pread(struct vfile *f, void *p, size_t n, uint64_t off, size_t *got);
int vfile_sync(struct vfile *f);
int vfile_allocate(struct vfile *f, uint64_t off, uint64_t len);
int vfile_truncate(struct vfile *f, uint64_t len);
int vfile_size(struct vfile *f, uint64_t *out);
int vfile_close(struct vfile *f); /* accepts NULL */
bool vfile_can_map(const struct vfile *f);
/* -ENOTSUP when the vfs does not offer mapping; else see vfs_ops.map. */
int vfile_map(struct vfile *f, uint64_t off, size_t len, void **out);
int vfile_unmap(struct vfile *f, void *p, size_t len);
int vfs_rename(struct vfs *v, const char *from, const char *to);
int vfs_unlink(struct vfs *v, const char *path);
int vfs_link(struct vfs *v, const char *from, const char *to);
int vfs_mkdir(struct vfs *v, const char *path);
int vfs_mkdir_p(struct vfs *v, const char *path);
int vfs_sync_dir(struct vfs *v, const char *path);
int vfs_list_dir(struct vfs *v, const char *dir, int (*cb)(void *arg, const char *name),
                 void *arg);
/* Writes a whole small file atomically: tmp file, write, sync, rename, sync dir. */
int vfs_write_atomic(struct vfs *v, const char *path, const void *p, size_t n);
/* Reads a whole small file (at most max bytes) into malloc'd memory. */
int vfs_read_all(struct vfs *v, const char *path, size_t max, uint8_t **out, size_t *len);

#endif

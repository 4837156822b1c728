/*
 * vfs_fault: a struct vfs wrapping another one and injecting disk faults (LevelDB's
 * FaultInjectionTestEnv, SQLite's I/O-error tests). Tests configure it directly; a daemon can be
 * given one through the RINGDB_FAULTS environment variable (vfs_fault_create_from_env), so
 * process-level tests inject faults into a real node.
 *
 * Faults (counts are 1-based and include only files whose path contains the path filter):
 *   - the Nth pwrite fails (once, or "sticky": it and every later one) with EIO or ENOSPC,
 *     optionally after writing the first half of its bytes (a short write);
 *   - the Nth pwrite kills the process with SIGKILL, optionally after writing half of it;
 *   - the Nth fdatasync fails (once or sticky), with EIO by default;
 *   - the Nth posix_fallocate fails (once or sticky), with ENOSPC by default. Once a sticky
 *     ENOSPC write fault has tripped, every allocation fails with ENOSPC too (the disk is full).
 *   - freezing: every mutating call fails with EIO (the "process" is dead; nothing more reaches
 *     the disk), so objects can be closed without their shutdown writes landing.
 *   - losing unsynced data: the layer tracks, per file, its size at the last fdatasync and the
 *     byte ranges written since; vfs_fault_drop_unsynced() zeroes those ranges, truncates each
 *     file to its synced size, deletes files created since their directory's last sync and undoes
 *     renames not yet made durable by a directory sync (what an OS crash may do).
 * Simplifications: an unlink is durable at once; the contents of a file replaced by a rename
 * are not restored; O_TRUNC of an existing file counts as an unsynced truncation to 0.
 *
 * Thread rule: all state sits behind one mutex; usable from any thread, like the vfs it wraps.
 */
#ifndef RINGDB_STORAGE_VFS_FAULT_H
#define RINGDB_STORAGE_VFS_FAULT_H

#include <stdbool.h>
#include <stdint.h>

#include "node/base/err.h"
#include "storage/vfs.h"

#define VFS_FAULT_FILTER_MAX 128
#define VFS_FAULT_ENV "RINGDB_FAULTS"

struct vfs_fault_rule {
    uint64_t at;    /* the Nth counted call fails (1-based); 0 = never */
    bool is_sticky; /* ... and every later one too */
    int err;        /* positive errno; 0 = the rule's default (EIO, or ENOSPC for allocate) */
};

struct vfs_fault_config {
    char path_filter[VFS_FAULT_FILTER_MAX]; /* substring a path must contain; "" = every file */
    struct vfs_fault_rule write;
    bool is_short_write;     /* a failing write first writes half its bytes */
    uint64_t crash_at_write; /* the Nth counted write kills the process (SIGKILL); 0 = never */
    bool is_crash_torn;      /* ... after writing half of it */
    struct vfs_fault_rule sync;
    struct vfs_fault_rule allocate;
};

struct vfs_fault_counts {
    uint64_t writes; /* counted pwrite calls (matching the filter), failed ones included */
    uint64_t syncs;
    uint64_t allocates;
    uint64_t injected; /* faults injected so far */
};

struct vfs_fault;

/* Wraps inner (borrowed; must outlive the result). Starts with no faults configured. */
struct vfs_fault *vfs_fault_create(struct vfs *inner);
/* Accepts NULL. Every file opened through it must be closed first. */
void vfs_fault_destroy(struct vfs_fault *f);
/* The struct vfs to hand to the store; valid until vfs_fault_destroy. */
struct vfs *vfs_fault_vfs(struct vfs_fault *f);

/* Replaces the fault configuration and resets the counters. */
void vfs_fault_set(struct vfs_fault *f, const struct vfs_fault_config *c);
/* Removes every fault (space came back); counters and tracking stay. */
void vfs_fault_clear(struct vfs_fault *f);
void vfs_fault_get_counts(struct vfs_fault *f, struct vfs_fault_counts *out);

void vfs_fault_set_frozen(struct vfs_fault *f, bool is_frozen);
/* Simulates an OS crash (see above). Returns 0 or the first error from the inner vfs. */
int vfs_fault_drop_unsynced(struct vfs_fault *f);

/*
 * Parses a fault spec: comma-separated key=value pairs (no spaces), e.g.
 * "path=CommitLog,enospc_after_writes=100". Keys:
 *   path=S                 only files whose path contains S
 *   fail_write=N           the Nth write fails once        fail_writes_from=N  ... and all later
 *   eio_after_writes=N     writes after the first N fail with EIO (sticky)
 *   enospc_after_writes=N  writes after the first N fail with ENOSPC (sticky: a full disk)
 *   write_errno=EIO|ENOSPC short_write=0|1
 *   crash_at_write=N       SIGKILL at the Nth write     crash_after_writes=N  at write N+1
 *   crash_torn=0|1
 *   fail_sync=N, fail_syncs_from=N, sync_errno=EIO|ENOSPC
 *   fail_allocate=N, fail_allocates_from=N, allocate_errno=EIO|ENOSPC
 * Returns 0 or ERR_CONFIG (message names the bad pair).
 */
int vfs_fault_parse(const char *spec, struct vfs_fault_config *out, struct errmsg *em);

/* If RINGDB_FAULTS is set: *out = a fault layer over inner configured from it (destroy it with
   vfs_fault_destroy after the store is closed); otherwise *out = NULL. Errors: ERR_CONFIG. */
int vfs_fault_create_from_env(struct vfs *inner, struct vfs_fault **out, struct errmsg *em);

#endif

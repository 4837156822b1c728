/* Unit tests for the fault-injecting file layer (storage/vfs_fault.h). */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "node/base/err.h"
#include "storage/vfs_fault.h"
#include "tests/unit/commitlog/tutil.h"

static char *dir;
static struct vfs_fault *fault;
static struct vfs *fv;

static void setup(void)
{
    dir = tutil_mkdtemp("vfsfault");
    fault = vfs_fault_create(vfs_default());
    fv = vfs_fault_vfs(fault);
}

static void teardown(void)
{
    vfs_fault_destroy(fault);
    tutil_rmtree(dir);
}

static struct vfile *open_file(const char *name, int flags)
{
    char *p = tutil_path(dir, name);
    struct vfile *f = NULL;
    cr_assert_eq(vfs_open(fv, p, flags, 0644, &f), 0);
    free(p);
    return f;
}

static long file_size(const char *name)
{
    char *p = tutil_path(dir, name);
    uint8_t *b = NULL;
    long n = tutil_read_file(p, &b);
    free(b);
    free(p);
    return n;
}

static void write_n(struct vfile *f, int count, uint64_t *off, int expect_from, int err)
{
    uint8_t rec[100];
    memset(rec, 'x', sizeof rec);
    for (int i = 1; i <= count; i++) {
        int rc = vfile_pwrite(f, rec, sizeof rec, *off);
        if (expect_from && i >= expect_from) {
            cr_assert_eq(rc, -err, "write %d: rc=%d", i, rc);
        } else {
            cr_assert_eq(rc, 0, "write %d: rc=%d", i, rc);
            *off += sizeof rec;
        }
    }
}

TestSuite(vfs_fault, .init = setup, .fini = teardown);

Test(vfs_fault, nth_write_fails_once_then_writes_work)
{
    struct vfs_fault_config c = {.write = {.at = 3, .err = EIO}};
    vfs_fault_set(fault, &c);
    struct vfile *f = open_file("a", O_RDWR | O_CREAT);
    uint8_t rec[100] = {0};
    uint64_t off = 0;
    for (int i = 1; i <= 5; i++) {
        int rc = vfile_pwrite(f, rec, sizeof rec, off);
        cr_assert_eq(rc, i == 3 ? -EIO : 0, "write %d rc=%d", i, rc);
        if (rc == 0) off += sizeof rec;
    }
    struct vfs_fault_counts n;
    vfs_fault_get_counts(fault, &n);
    cr_assert_eq(n.writes, 5);
    cr_assert_eq(n.injected, 1);
    vfile_close(f);
    cr_assert_eq(file_size("a"), 400);
}

Test(vfs_fault, sticky_enospc_fills_the_disk_until_cleared)
{
    struct vfs_fault_config c = {.write = {.at = 3, .is_sticky = true, .err = ENOSPC}};
    vfs_fault_set(fault, &c);
    struct vfile *f = open_file("a", O_RDWR | O_CREAT);
    uint64_t off = 0;
    cr_assert_eq(vfile_allocate(f, 0, 4096), 0, "allocation works before the disk fills");
    write_n(f, 6, &off, 3, ENOSPC);
    cr_assert_eq(vfile_allocate(f, 0, 8192), -ENOSPC, "a full disk refuses allocations");
    vfs_fault_clear(fault);
    write_n(f, 2, &off, 0, 0);
    cr_assert_eq(vfile_allocate(f, 0, 8192), 0);
    cr_assert_eq(off, 400);
    vfile_close(f);
}

Test(vfs_fault, short_write_writes_half_then_fails)
{
    struct vfs_fault_config c = {.write = {.at = 2}, .is_short_write = true};
    vfs_fault_set(fault, &c);
    struct vfile *f = open_file("a", O_RDWR | O_CREAT);
    uint64_t off = 0;
    write_n(f, 2, &off, 2, EIO);
    vfile_close(f);
    cr_assert_eq(file_size("a"), 150, "first write whole, second half");
}

Test(vfs_fault, sync_and_allocate_failures)
{
    struct vfs_fault_config c = {.sync = {.at = 2}, .allocate = {.at = 1, .err = ENOSPC}};
    vfs_fault_set(fault, &c);
    struct vfile *f = open_file("a", O_RDWR | O_CREAT);
    cr_assert_eq(vfile_allocate(f, 0, 4096), -ENOSPC);
    cr_assert_eq(vfile_allocate(f, 0, 4096), 0);
    cr_assert_eq(vfile_sync(f), 0);
    cr_assert_eq(vfile_sync(f), -EIO);
    cr_assert_eq(vfile_sync(f), 0);
    vfile_close(f);
}

Test(vfs_fault, path_filter_limits_what_counts)
{
    struct vfs_fault_config c = {.write = {.at = 1, .is_sticky = true}};
    snprintf(c.path_filter, sizeof c.path_filter, "CommitLog");
    vfs_fault_set(fault, &c);
    struct vfile *other = open_file("data.db", O_RDWR | O_CREAT);
    struct vfile *log = open_file("CommitLog-1-1.log", O_RDWR | O_CREAT);
    uint64_t off1 = 0, off2 = 0;
    write_n(other, 3, &off1, 0, 0);
    write_n(log, 2, &off2, 1, EIO);
    struct vfs_fault_counts n;
    vfs_fault_get_counts(fault, &n);
    cr_assert_eq(n.writes, 2, "only the matching file's writes count");
    vfile_close(other);
    vfile_close(log);
}

Test(vfs_fault, frozen_layer_refuses_every_mutation)
{
    struct vfile *f = open_file("a", O_RDWR | O_CREAT);
    vfs_fault_set_frozen(fault, true);
    uint8_t b[4] = {1, 2, 3, 4};
    cr_assert_eq(vfile_pwrite(f, b, 4, 0), -EIO);
    cr_assert_eq(vfile_sync(f), -EIO);
    cr_assert_eq(vfile_allocate(f, 0, 10), -EIO);
    cr_assert_eq(vfs_sync_dir(fv, dir), -EIO);
    char *p = tutil_path(dir, "b");
    struct vfile *g = NULL;
    cr_assert_eq(vfs_open(fv, p, O_RDWR | O_CREAT, 0644, &g), -EIO);
    free(p);
    vfs_fault_set_frozen(fault, false);
    cr_assert_eq(vfile_pwrite(f, b, 4, 0), 0);
    vfile_close(f);
}

Test(vfs_fault, drop_unsynced_truncates_to_the_last_sync)
{
    struct vfile *f = open_file("a", O_RDWR | O_CREAT);
    cr_assert_eq(vfs_sync_dir(fv, dir), 0, "the file's name is durable");
    uint64_t off = 0;
    write_n(f, 3, &off, 0, 0);
    cr_assert_eq(vfile_sync(f), 0);
    write_n(f, 2, &off, 0, 0);
    cr_assert_eq(file_size("a"), 500);
    cr_assert_eq(vfs_fault_drop_unsynced(fault), 0);
    cr_assert_eq(file_size("a"), 300);
    vfile_close(f);
}

Test(vfs_fault, drop_unsynced_zeroes_writes_into_preallocated_space)
{
    struct vfile *f = open_file("a", O_RDWR | O_CREAT);
    cr_assert_eq(vfile_allocate(f, 0, 4096), 0);
    uint8_t one[10];
    memset(one, 0xAB, sizeof one);
    cr_assert_eq(vfile_pwrite(f, one, 10, 0), 0);
    cr_assert_eq(vfile_sync(f), 0);
    cr_assert_eq(vfs_sync_dir(fv, dir), 0);
    cr_assert_eq(vfile_pwrite(f, one, 10, 10), 0);
    cr_assert_eq(vfile_pwrite(f, one, 10, 100), 0);
    cr_assert_eq(vfs_fault_drop_unsynced(fault), 0);
    vfile_close(f);
    char *p = tutil_path(dir, "a");
    uint8_t *b = NULL;
    cr_assert_eq(tutil_read_file(p, &b), 4096, "preallocated size was synced");
    for (int i = 0; i < 10; i++)
        cr_assert_eq(b[i], 0xAB, "synced bytes stay");
    for (int i = 10; i < 4096; i++)
        cr_assert_eq(b[i], 0, "unsynced byte %d lost", i);
    free(b);
    free(p);
}

Test(vfs_fault, write_during_sync_epoch_is_not_merged_into_synced_range)
{
    struct vfile *f = open_file("a", O_RDWR | O_CREAT);
    cr_assert_eq(vfs_sync_dir(fv, dir), 0);
    uint64_t off = 0;
    write_n(f, 1, &off, 0, 0);
    cr_assert_eq(vfile_sync(f), 0);
    write_n(f, 1, &off, 0, 0); /* contiguous with synced data, but a new epoch */
    cr_assert_eq(vfs_fault_drop_unsynced(fault), 0);
    cr_assert_eq(file_size("a"), 100);
    vfile_close(f);
}

Test(vfs_fault, drop_unsynced_removes_files_whose_directory_was_not_synced)
{
    struct vfile *f = open_file("new", O_RDWR | O_CREAT);
    uint64_t off = 0;
    write_n(f, 1, &off, 0, 0);
    cr_assert_eq(vfile_sync(f), 0, "data synced, directory entry not");
    vfile_close(f);
    struct vfile *g = open_file("kept", O_RDWR | O_CREAT);
    off = 0;
    write_n(g, 1, &off, 0, 0);
    cr_assert_eq(vfile_sync(g), 0);
    vfile_close(g);
    cr_assert_eq(vfs_sync_dir(fv, dir), 0);
    struct vfile *h = open_file("late", O_RDWR | O_CREAT);
    vfile_close(h);
    cr_assert_eq(vfs_fault_drop_unsynced(fault), 0);
    cr_assert_eq(file_size("new"), 100, "created before the dir sync: kept");
    cr_assert_eq(file_size("kept"), 100);
    cr_assert_eq(file_size("late"), -1, "created after the dir sync: gone");
}

Test(vfs_fault, drop_unsynced_undoes_a_rename_without_dir_sync)
{
    struct vfile *f = open_file("old", O_RDWR | O_CREAT);
    uint64_t off = 0;
    write_n(f, 1, &off, 0, 0);
    cr_assert_eq(vfile_sync(f), 0);
    vfile_close(f);
    cr_assert_eq(vfs_sync_dir(fv, dir), 0);
    char *from = tutil_path(dir, "old"), *to = tutil_path(dir, "new");
    cr_assert_eq(vfs_rename(fv, from, to), 0);
    cr_assert_eq(vfs_fault_drop_unsynced(fault), 0);
    cr_assert_eq(file_size("old"), 100);
    cr_assert_eq(file_size("new"), -1);
    cr_assert_eq(vfs_rename(fv, from, to), 0);
    cr_assert_eq(vfs_sync_dir(fv, dir), 0);
    cr_assert_eq(vfs_fault_drop_unsynced(fault), 0);
    cr_assert_eq(file_size("new"), 100, "a synced rename stays");
    free(from);
    free(to);
}

Test(vfs_fault, crash_at_write_kills_the_process)
{
    static const bool torn[] = {false, true};
    for (int t = 0; t < 2; t++) {
        pid_t pid = fork();
        cr_assert_geq(pid, 0);
        if (pid == 0) {
            struct vfs_fault_config c = {.crash_at_write = 3, .is_crash_torn = torn[t]};
            vfs_fault_set(fault, &c);
            struct vfile *f = open_file(torn[t] ? "torn" : "clean", O_RDWR | O_CREAT);
            uint8_t rec[100] = {0};
            for (int i = 0; i < 5; i++)
                vfile_pwrite(f, rec, sizeof rec, (uint64_t)i * 100);
            _exit(0);
        }
        int status = 0;
        cr_assert_eq(waitpid(pid, &status, 0), pid);
        cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
        cr_assert_eq(file_size(torn[t] ? "torn" : "clean"), torn[t] ? 250 : 200);
    }
}

Test(vfs_fault, parse_spec_table)
{
    static const struct {
        const char *spec;
        uint64_t write_at;
        bool sticky;
        int err;
        uint64_t crash_at;
        uint64_t sync_at;
        const char *filter;
    } cases[] = {
        {"enospc_after_writes=100", 101, true, ENOSPC, 0, 0, ""},
        {"eio_after_writes=0", 1, true, EIO, 0, 0, ""},
        {"fail_write=7,write_errno=ENOSPC", 7, false, ENOSPC, 0, 0, ""},
        {"fail_writes_from=2,path=CommitLog", 2, true, 0, 0, 0, "CommitLog"},
        {"crash_after_writes=10", 0, false, 0, 11, 0, ""},
        {"crash_at_write=4,fail_sync=3", 0, false, 0, 4, 3, ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct vfs_fault_config c;
        struct errmsg em;
        cr_assert_eq(vfs_fault_parse(cases[i].spec, &c, &em), 0, "%s", cases[i].spec);
        cr_assert_eq(c.write.at, cases[i].write_at, "%s", cases[i].spec);
        cr_assert_eq(c.write.is_sticky, cases[i].sticky, "%s", cases[i].spec);
        cr_assert_eq(c.write.err, cases[i].err, "%s", cases[i].spec);
        cr_assert_eq(c.crash_at_write, cases[i].crash_at, "%s", cases[i].spec);
        cr_assert_eq(c.sync.at, cases[i].sync_at, "%s", cases[i].spec);
        cr_assert_str_eq(c.path_filter, cases[i].filter);
    }
    static const char *const bad[] = {
        "x=1",           "fail_write=",       "fail_write=0", "fail_write=-1",
        "fail_write=1x", "write_errno=EPERM", "novalue",      "=3",
        "short_write=2"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct vfs_fault_config c;
        struct errmsg em;
        cr_assert_eq(vfs_fault_parse(bad[i], &c, &em), ERR_CONFIG, "%s", bad[i]);
        cr_assert(strstr(em.text, "RINGDB_FAULTS") != NULL);
    }
}

Test(vfs_fault, env_variable_creates_a_layer)
{
    struct vfs_fault *f = NULL;
    struct errmsg em;
    unsetenv(VFS_FAULT_ENV);
    cr_assert_eq(vfs_fault_create_from_env(vfs_default(), &f, &em), 0);
    cr_assert_null(f);
    setenv(VFS_FAULT_ENV, "fail_write=1", 1);
    cr_assert_eq(vfs_fault_create_from_env(vfs_default(), &f, &em), 0);
    cr_assert_not_null(f);
    char *p = tutil_path(dir, "env");
    struct vfile *file = NULL;
    cr_assert_eq(vfs_open(vfs_fault_vfs(f), p, O_RDWR | O_CREAT, 0644, &file), 0);
    cr_assert_eq(vfile_pwrite(file, "abc", 3, 0), -EIO);
    vfile_close(file);
    vfs_fault_destroy(f);
    setenv(VFS_FAULT_ENV, "bogus", 1);
    cr_assert_eq(vfs_fault_create_from_env(vfs_default(), &f, &em), ERR_CONFIG);
    unsetenv(VFS_FAULT_ENV);
    free(p);
}

Test(vfs_fault, path_filter_follows_a_rename_of_an_open_file)
{
    struct vfs_fault_config c = {.write = {.at = 1, .is_sticky = true}};
    snprintf(c.path_filter, sizeof c.path_filter, ".log");
    vfs_fault_set(fault, &c);
    struct vfile *f = open_file("seg.spare", O_RDWR | O_CREAT);
    uint64_t off = 0;
    write_n(f, 1, &off, 0, 0);
    char *from = tutil_path(dir, "seg.spare"), *to = tutil_path(dir, "seg.log");
    cr_assert_eq(vfs_rename(fv, from, to), 0);
    write_n(f, 1, &off, 1, EIO);
    vfile_close(f);
    free(from);
    free(to);
}

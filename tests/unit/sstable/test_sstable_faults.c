/* SSTable writes under disk faults (storage/vfs_fault.h): a failing write or sync at any point
   fails the write with that error and leaves no SSTable and no temporary file; an OS crash
   (unsynced data lost) after finish keeps a complete, readable SSTable, and one before finish
   leaves only leftovers that sstable_list removes. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "node/base/arena.h"
#include "node/base/log.h"
#include "storage/sstable.h"
#include "storage/vfs_fault.h"
#include "tests/support/sst_fixture.h"

static char *dir;
static struct arena A;
static struct table_schema *S;
static struct fx_part *P;
static struct vfs_fault *F;
#define NPARTS 40u

static void setup(void)
{
    log_set_level(LOG_ERROR);
    dir = fx_tmpdir();
    arena_init(&A, 0);
    S = fx_schema(true, 1024);
    P = fx_parts(&A, NPARTS, 3, 100, 5);
    F = vfs_fault_create(vfs_default());
}

static void teardown(void)
{
    vfs_fault_destroy(F);
    table_schema_unref(S);
    fx_rmdir(dir);
    free(dir);
    arena_deinit(&A);
}

TestSuite(sstable_faults, .init = setup, .fini = teardown);

/* Writes P as generation gen; with finish false, returns the open writer in *open_w. */
static int write_via(struct vfs *v, uint32_t gen, bool finish, struct sstable **out,
                     struct sstable_writer **open_w, struct errmsg *em)
{
    struct sstable_write_opts o = {.expected_partitions = NPARTS};
    struct sstable_writer *w;
    int rc = sstable_writer_open(v, dir, gen, S, &o, &w, em);
    if (rc < 0) return rc;
    for (uint32_t i = 0; i < NPARTS && rc == 0; i++) {
        struct fx_src src;
        fx_src_init(&src, &P[i]);
        rc = sstable_writer_add(w, &P[i].key, &src.base, em);
    }
    if (rc < 0) {
        sstable_writer_abort(w);
        return rc;
    }
    if (!finish) {
        *open_w = w;
        return 0;
    }
    return sstable_writer_finish(w, out, em);
}

static int count_one(void *arg, const char *name)
{
    (void)name;
    (*(int *)arg)++;
    return 0;
}

static int count_entries(void)
{
    int n = 0;
    cr_assert_eq(vfs_list_dir(vfs_default(), dir, count_one, &n), 0);
    return n;
}

static void expect_nothing_left(const char *what)
{
    uint32_t *gens;
    size_t n;
    struct errmsg em;
    cr_assert_eq(sstable_list(vfs_default(), dir, &gens, &n, &em), 0);
    cr_assert_eq(n, 0, "%s: an SSTable survived", what);
    free(gens);
    cr_assert_eq(count_entries(), 0, "%s: files left behind", what);
}

Test(sstable_faults, failing_write_at_every_point)
{
    struct sstable *t;
    struct errmsg em;
    cr_assert_eq(write_via(vfs_fault_vfs(F), 1, true, &t, NULL, &em), 0, "%s", em.text);
    struct vfs_fault_counts c;
    vfs_fault_get_counts(F, &c);
    uint64_t writes = c.writes;
    cr_assert_gt(writes, 10);
    sstable_mark_obsolete(t);
    sstable_unref(t);
    const int errs[] = {EIO, ENOSPC};
    for (uint64_t at = 1; at <= writes; at++) {
        for (int e = 0; e < 2; e++) {
            struct vfs_fault_config fc = {.write = {at, e == 1, errs[e]}, .is_short_write = e};
            vfs_fault_set(F, &fc);
            int rc = write_via(vfs_fault_vfs(F), 2, true, &t, NULL, &em);
            char what[64];
            snprintf(what, sizeof what, "write %llu errno %d", (unsigned long long)at, errs[e]);
            cr_assert_eq(rc, -errs[e], "%s: rc=%d", what, rc);
            cr_assert(strstr(em.text, dir) != NULL, "%s: message %s", what, em.text);
            expect_nothing_left(what);
        }
    }
}

Test(sstable_faults, failing_sync_at_every_point)
{
    struct sstable *t;
    struct errmsg em;
    vfs_fault_set(F, &(struct vfs_fault_config){0});
    cr_assert_eq(write_via(vfs_fault_vfs(F), 1, true, &t, NULL, &em), 0, "%s", em.text);
    struct vfs_fault_counts c;
    vfs_fault_get_counts(F, &c);
    cr_assert_geq(c.syncs, 7);
    sstable_mark_obsolete(t);
    sstable_unref(t);
    for (uint64_t at = 1; at <= c.syncs; at++) {
        struct vfs_fault_config fc = {.sync = {at, false, EIO}};
        vfs_fault_set(F, &fc);
        cr_assert_eq(write_via(vfs_fault_vfs(F), 3, true, &t, NULL, &em), -EIO, "sync %llu",
                     (unsigned long long)at);
        expect_nothing_left("sync");
    }
}

Test(sstable_faults, crash_after_finish_keeps_the_sstable)
{
    struct sstable *t;
    struct errmsg em;
    cr_assert_eq(write_via(vfs_fault_vfs(F), 4, true, &t, NULL, &em), 0, "%s", em.text);
    sstable_unref(t);
    cr_assert_eq(vfs_fault_drop_unsynced(F), 0);
    uint32_t *gens;
    size_t n;
    cr_assert_eq(sstable_list(vfs_default(), dir, &gens, &n, &em), 0);
    cr_assert_eq(n, 1);
    free(gens);
    cr_assert_eq(sstable_open(vfs_default(), dir, 4, S, &t, &em), 0, "%s", em.text);
    for (uint32_t i = 0; i < NPARTS; i++) {
        const struct row *want[3] = {&P[i].rows[0], &P[i].rows[1], &P[i].rows[2]};
        char msg[128] = "";
        cr_assert_eq(fx_check_partition(t, &P[i], NULL, want, 3, msg, sizeof msg), 0, "%s", msg);
    }
    sstable_unref(t);
}

Test(sstable_faults, crash_before_finish_leaves_only_leftovers)
{
    struct sstable_writer *w;
    struct errmsg em;
    cr_assert_eq(write_via(vfs_fault_vfs(F), 5, false, NULL, &w, &em), 0, "%s", em.text);
    /* The process dies (kill -9): nothing more reaches the disk, so the abort's unlinks fail
       and the temporary files stay, as they would. */
    vfs_fault_set_frozen(F, true);
    sstable_writer_abort(w);
    vfs_fault_set_frozen(F, false);
    cr_assert_gt(count_entries(), 0);
    uint32_t *gens;
    size_t n;
    cr_assert_eq(sstable_list(vfs_default(), dir, &gens, &n, &em), 0);
    cr_assert_eq(n, 0);
    free(gens);
    cr_assert_eq(count_entries(), 0);
}

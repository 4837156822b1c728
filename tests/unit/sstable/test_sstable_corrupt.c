/* Corruption detection: every byte of every component of a small SSTable is flipped in turn;
   every open, lookup and scan must then either return exactly the original data or fail with
   ERR_CORRUPT (never wrong data, never a crash). */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "node/base/arena.h"
#include "node/base/log.h"
#include "storage/sstable.h"
#include "tests/support/sst_fixture.h"

static char *dir;
static struct arena A;

static void setup(void)
{
    /* Corruption is logged on every read: keep the output quiet. */
    log_set_fd(open("/dev/null", O_WRONLY | O_CLOEXEC));
    dir = fx_tmpdir();
    arena_init(&A, 0);
}

static void teardown(void)
{
    log_set_fd(2);
    fx_rmdir(dir);
    free(dir);
    arena_deinit(&A);
}

TestSuite(sstable_corrupt, .init = setup, .fini = teardown);

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *p = malloc((size_t)n + 1);
    cr_assert_eq(fread(p, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return p;
}

static void put_byte(const char *path, size_t off, uint8_t v)
{
    FILE *f = fopen(path, "r+b");
    cr_assert_not_null(f);
    fseek(f, (long)off, SEEK_SET);
    fputc(v, f);
    fclose(f);
}

/* 0: every read returned the original data; ERR_CORRUPT: some read said so. Anything else
   (wrong data, another error) fails the test. */
static int read_everything(struct table_schema *s, const struct fx_part *p, uint32_t n,
                           const char *what)
{
    struct sstable *t;
    struct errmsg em;
    int rc = sstable_open(vfs_default(), dir, 1, s, &t, &em);
    if (rc < 0) {
        cr_assert_eq(rc, ERR_CORRUPT, "%s: open rc=%d %s", what, rc, em.text);
        return rc;
    }
    int result = 0;
    for (uint32_t i = 0; i < n; i++) {
        const struct row **want = arena_alloc(&A, p[i].nrows * sizeof *want);
        for (uint32_t j = 0; j < p[i].nrows; j++) want[j] = &p[i].rows[j];
        char msg[128] = "";
        for (int rev = 0; rev < 2; rev++) {
            if (rev)
                for (uint32_t j = 0; j < p[i].nrows; j++) want[j] = &p[i].rows[p[i].nrows - 1 - j];
            struct rows_spec spec = {0, NULL, rev, false};
            rc = fx_check_partition(t, &p[i], &spec, want, p[i].nrows, msg, sizeof msg);
            cr_assert(rc == 0 || rc == ERR_CORRUPT, "%s: partition %u rc=%d %s", what, i, rc,
                      msg);
            if (rc) result = rc;
        }
    }
    struct token_range all = token_range_all();
    struct range_iter *it;
    cr_assert_eq(sstable_scan(t, &all, &it, &em), 0);
    for (uint32_t i = 0;; i++) {
        struct pkey k;
        rc = it->ops->next(it, &k);
        if (rc < 0) {
            cr_assert_eq(rc, ERR_CORRUPT, "%s: scan rc=%d", what, rc);
            result = rc;
            break;
        }
        if (!k.key) {
            cr_assert_eq(i, n, "%s: scan ended early", what);
            break;
        }
        cr_assert(i < n && pkey_cmp(&k, &p[i].key) == 0, "%s: scan key %u differs", what, i);
    }
    it->ops->close(it);
    sstable_unref(t);
    return result;
}

static void flip_every_byte(bool compression)
{
    struct table_schema *s = fx_schema(compression, 1024);
    struct fx_part *p = fx_parts(&A, 6, 4, 60, 1000);
    struct sstable *t;
    struct errmsg em;
    cr_assert_eq(fx_write(dir, 1, s, p, 6, &t, &em), 0, "%s", em.text);
    char **paths;
    size_t nc;
    cr_assert_eq(sstable_components(t, &paths, &nc), 0);
    sstable_unref(t);
    cr_assert_eq(read_everything(s, p, 6, "intact"), 0);
    size_t flips = 0, detected = 0;
    for (size_t c = 0; c < nc; c++) {
        size_t len;
        uint8_t *orig = slurp(paths[c], &len);
        for (size_t i = 0; i < len; i++) {
            char what[4200];
            snprintf(what, sizeof what, "%s byte %zu", paths[c], i);
            put_byte(paths[c], i, (uint8_t)(orig[i] ^ 0xFF));
            detected += read_everything(s, p, 6, what) == ERR_CORRUPT;
            flips++;
            put_byte(paths[c], i, orig[i]);
        }
        free(orig);
        free(paths[c]);
    }
    free(paths);
    cr_assert_gt(flips, 500);
    /* Every component is checksummed, so every flip is noticed by some read. */
    cr_assert_eq(detected, flips, "detected %zu of %zu", detected, flips);
    table_schema_unref(s);
}

Test(sstable_corrupt, every_flipped_byte_is_detected_compressed, .timeout = 120)
{
    flip_every_byte(true);
}

Test(sstable_corrupt, every_flipped_byte_is_detected_uncompressed, .timeout = 120)
{
    flip_every_byte(false);
}

Test(sstable_corrupt, message_names_file_chunk_and_offset)
{
    struct table_schema *s = fx_schema(true, 1024);
    struct fx_part *p = fx_parts(&A, 6, 4, 60, 1000);
    struct sstable *t;
    struct errmsg em;
    cr_assert_eq(fx_write(dir, 1, s, p, 6, &t, &em), 0, "%s", em.text);
    sstable_unref(t);
    char path[4200];
    snprintf(path, sizeof path, "%s/rb-1-big-Data.db", dir);
    size_t len;
    uint8_t *orig = slurp(path, &len);
    put_byte(path, 5, (uint8_t)(orig[5] ^ 1));
    free(orig);
    cr_assert_eq(sstable_open(vfs_default(), dir, 1, s, &t, &em), 0);
    struct part_iter *it;
    struct rows_spec spec = {0};
    int rc = sstable_open_partition(t, &p[0].key, &spec, &it, &em);
    cr_assert_eq(rc, ERR_CORRUPT);
    cr_assert(strstr(em.text, "rb-1-big-Data.db") != NULL, "%s", em.text);
    cr_assert(strstr(em.text, "chunk 0 at offset 0") != NULL, "%s", em.text);
    sstable_unref(t);
    snprintf(path, sizeof path, "%s/rb-1-big-Index.db", dir);
    orig = slurp(path, &len);
    put_byte(path, 3, (uint8_t)(orig[3] ^ 1));
    free(orig);
    cr_assert_eq(sstable_open(vfs_default(), dir, 1, s, &t, &em), 0);
    rc = sstable_open_partition(t, &p[5].key, &spec, &it, &em);
    cr_assert_eq(rc, ERR_CORRUPT);
    cr_assert(strstr(em.text, "rb-1-big-Index.db: index block at offset 0") != NULL, "%s",
              em.text);
    sstable_unref(t);
    table_schema_unref(s);
}

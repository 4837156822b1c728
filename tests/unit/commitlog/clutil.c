/* Commit-log test helpers (see clutil.h). */
#include "tests/unit/commitlog/clutil.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "node/base/be.h"
#include "node/base/log.h"
#include "node/base/mem.h"
#include "tests/unit/commitlog/tutil.h"

void clutil_table_id(int i, struct uuid *out)
{
    memset(out->b, 0, 16);
    out->b[0] = 0xC0;
    out->b[15] = (uint8_t)(i + 1);
    out->b[14] = (uint8_t)((i + 1) >> 8);
}

size_t clutil_payload(int table, uint32_t seq, size_t max_len, uint8_t *out)
{
    size_t len = 8 + (size_t)((seq * 2654435761u) % 200u);
    if (len > max_len) len = max_len;
    if (len < 8) len = 8;
    be32_store(out, (uint32_t)table);
    be32_store(out + 4, seq);
    for (size_t i = 8; i < len; i++)
        out[i] = (uint8_t)(seq * 31u + (uint32_t)table + i);
    return len;
}

static int check_payload(int table, uint32_t seq, const uint8_t *p, size_t len)
{
    uint8_t buf[256];
    size_t want = clutil_payload(table, seq, sizeof buf, buf);
    return len >= 8 && len <= want && memcmp(buf, p, len) == 0 ? 0 : -1;
}

static struct commitlog_config config(const char *dir, enum commitlog_sync mode,
                                      uint64_t segment_bytes, struct vfs *vfs, bool ignore)
{
    return (struct commitlog_config){.dir = dir,
                                     .sync_mode = mode,
                                     .period_ms = 50,
                                     .group_window_ms = 5,
                                     .segment_bytes = segment_bytes,
                                     .ignore_errors = ignore,
                                     .vfs = vfs};
}

struct commitlog *clutil_open(const char *dir, enum commitlog_sync mode, uint64_t segment_bytes,
                              struct vfs *vfs, bool ignore_errors)
{
    struct commitlog_config c = config(dir, mode, segment_bytes, vfs, ignore_errors);
    struct commitlog *cl = NULL;
    struct errmsg em = {0};
    int rc = commitlog_open(&c, &cl, &em);
    cr_assert_eq(rc, 0, "commitlog_open: %s (%s)", err_name(rc), em.text);
    return cl;
}

int clutil_open_rc(const char *dir, enum commitlog_sync mode, uint64_t segment_bytes,
                   struct vfs *vfs, bool ignore_errors, struct errmsg *em)
{
    struct commitlog_config c = config(dir, mode, segment_bytes, vfs, ignore_errors);
    struct commitlog *cl = NULL;
    int rc = commitlog_open(&c, &cl, em);
    if (rc == 0) commitlog_close(cl);
    return rc;
}

int clutil_append_rc(struct commitlog *cl, int table, uint32_t seq, size_t max_len, store_pos *pos)
{
    uint8_t buf[256];
    struct uuid id;
    clutil_table_id(table, &id);
    size_t len = clutil_payload(table, seq, max_len < sizeof buf ? max_len : sizeof buf, buf);
    return commitlog_append(cl, &id, buf, len, pos);
}

store_pos clutil_append(struct commitlog *cl, int table, uint32_t seq, size_t max_len)
{
    store_pos pos = 0;
    int rc = clutil_append_rc(cl, table, seq, max_len, &pos);
    cr_assert_eq(rc, 0, "append %d/%u: %s", table, seq, err_name(rc));
    return pos;
}

static int replay_cb(void *arg, const struct uuid *table_id, const uint8_t *rec, size_t len,
                     store_pos pos)
{
    struct clutil_replay *r = arg;
    if (len < 8) {
        r->bad++;
        return 0;
    }
    int table = (int)be32_load(rec);
    uint32_t seq = be32_load(rec + 4);
    struct uuid want;
    clutil_table_id(table, &want);
    if (uuid_cmp_bytes(&want, table_id) != 0 || check_payload(table, seq, rec, len) < 0) r->bad++;
    xgrow((void **)&r->recs, &r->cap, r->len + 1, sizeof *r->recs);
    r->recs[r->len++] = (struct clutil_rec){table, seq, pos};
    return table == r->skip_table ? COMMITLOG_REPLAY_SKIPPED : 0;
}

int clutil_replay(struct commitlog *cl, struct clutil_replay *r)
{
    struct errmsg em = {0};
    return commitlog_replay(cl, replay_cb, r, &em);
}

void clutil_replay_free(struct clutil_replay *r)
{
    free(r->recs);
    memset(r, 0, sizeof *r);
}

void clutil_reopen_replay(const char *dir, bool ignore_errors, struct clutil_replay *r)
{
    struct commitlog *cl = clutil_open(dir, COMMITLOG_SYNC_BATCH, 64 << 10, NULL, ignore_errors);
    cr_assert_eq(clutil_replay(cl, r), 0);
    cr_assert_eq(r->bad, 0, "replayed records match their payloads");
    commitlog_close(cl);
}

static int log_fd = -1;

void clutil_log_capture(void)
{
    const char *base = getenv("TMPDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/ringdb-cltest-log-XXXXXX", base && *base ? base : "/tmp");
    log_fd = mkstemp(path);
    cr_assert_geq(log_fd, 0);
    unlink(path); /* read back through the descriptor; nothing is left behind */
    log_set_fd(log_fd);
}

int clutil_log_count(const char *s)
{
    struct stat st;
    if (log_fd < 0 || fstat(log_fd, &st) < 0) return -1;
    char *buf = xmalloc((size_t)st.st_size + 1);
    ssize_t n = pread(log_fd, buf, (size_t)st.st_size, 0);
    if (n < 0) n = 0;
    buf[n] = '\0';
    int count = 0;
    for (const char *p = buf; (p = strstr(p, s)) != NULL; p += strlen(s))
        count++;
    free(buf);
    return count;
}

char *clutil_segment_path(const char *dir, uint32_t id)
{
    char name[64];
    snprintf(name, sizeof name, "CommitLog-1-%u.log", id);
    return tutil_path(dir, name);
}

void clutil_flip_byte(const char *path, long off)
{
    int fd = open(path, O_RDWR);
    cr_assert_geq(fd, 0, "%s", path);
    uint8_t b = 0;
    cr_assert_eq(pread(fd, &b, 1, off), 1);
    b ^= 0x5A;
    cr_assert_eq(pwrite(fd, &b, 1, off), 1);
    close(fd);
}

void clutil_truncate(const char *path, long len)
{
    cr_assert_eq(truncate(path, len), 0, "%s", path);
}

void clutil_copy_dir(const char *src, const char *dst)
{
    DIR *d = opendir(src);
    cr_assert_not_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        char *from = tutil_path(src, e->d_name), *to = tutil_path(dst, e->d_name);
        uint8_t *buf = NULL;
        long n = tutil_read_file(from, &buf);
        cr_assert_geq(n, 0);
        cr_assert_eq(tutil_write_file(to, buf, (size_t)n), 0);
        free(buf);
        free(from);
        free(to);
    }
    closedir(d);
}

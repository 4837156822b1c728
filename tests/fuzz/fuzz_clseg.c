/*
 * fuzz_clseg: commit-log segments built from fuzzer input, through the scanner and through
 * commitlog_open's validation (gaps, durable-position evidence, torn-tail cuts, sealing) and
 * replay. The harness encodes records with real CRCs, so the fuzzer explores structure (records,
 * markers, holes, garbage, cut records, bad headers, several segments) rather than checksums.
 *
 * Input: byte 0 = segment count (1..4) and flags (bit 4: ignore_errors, bit 5: files are
 * exactly as long as their content instead of preallocated to 4 KiB); then ops, each an opcode
 * byte and arguments:
 *   0 t L d payload[L]  record of table t%3+1, length L, durable position choice d
 *   1 d                 marker                  2 n bytes[n]   garbage
 *   3 n                 n*8 zero bytes           4 k            cut k%36+1 bytes off the end
 *   5                   next segment             6              this segment's header is bad
 * Properties: the scanner's items tile the buffer inside bounds; open returns 0 or ERR_CORRUPT;
 * after a successful open and replay, a second open succeeds and replays the same records.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "node/base/assert.h"
#include "node/base/crc32c.h"
#include "node/base/log.h"
#include "storage/clseg.h"
#include "storage/commitlog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SEG_BYTES 4096u
#define SEGS_MAX 4

struct seg {
    uint8_t buf[SEG_BYTES];
    uint32_t len;
    bool is_bad_header;
};

static uint64_t pick_durable(uint8_t d, uint32_t id, uint32_t off)
{
    switch (d % 4) {
    case 0:
        return 0;
    case 1:
        return clseg_pos(id, off);
    case 2:
        return clseg_pos(id + 1, 0);
    default:
        return clseg_pos(id, off / 2);
    }
}

static void put(struct seg *s, const uint8_t *p, size_t n)
{
    if (n > SEG_BYTES - s->len) n = SEG_BYTES - s->len;
    memcpy(s->buf + s->len, p, n);
    s->len += (uint32_t)n;
}

/* Builds the segments; returns how many. */
static int build(const uint8_t *data, size_t size, struct seg *segs)
{
    int nsegs = 1 + (data[0] & 3);
    size_t i = 1;
    int cur = 0;
    for (int k = 0; k < nsegs; k++) {
        memset(&segs[k], 0, sizeof segs[k]);
        segs[k].len = CLSEG_SEGMENT_HEADER_BYTES;
    }
    uint8_t rec[CLSEG_RECORD_OVERHEAD + 256];
    while (i < size) {
        struct seg *s = &segs[cur];
        uint32_t id = (uint32_t)cur + 1;
        uint8_t op = data[i++] % 7;
        uint8_t a = i < size ? data[i] : 0, b = i + 1 < size ? data[i + 1] : 0;
        if (op == 0) {
            struct uuid t = {{0}};
            t.b[15] = (uint8_t)(a % 3 + 1);
            uint8_t d = i + 2 < size ? data[i + 2] : 0;
            i += 3;
            size_t len = b;
            if (len > size - (i < size ? i : size)) len = i < size ? size - i : 0;
            size_t n = clseg_record_encode(rec, 1000 + id, &t, pick_durable(d, id, s->len),
                                           data + i, (uint32_t)len, crc32c(data + i, len));
            put(s, rec, n);
            i += len;
        } else if (op == 1) {
            i++;
            size_t n = clseg_record_encode(rec, 1000 + id, NULL, pick_durable(a, id, s->len), NULL,
                                           0, crc32c(NULL, 0));
            put(s, rec, n);
        } else if (op == 2) {
            i++;
            size_t n = a < size - (i < size ? i : size) ? a : (i < size ? size - i : 0);
            put(s, data + i, n);
            i += n;
        } else if (op == 3) {
            i++;
            uint8_t z[8 * 256] = {0};
            put(s, z, (size_t)a * 8);
        } else if (op == 4) {
            i++;
            uint32_t cut = (uint32_t)(a % 36) + 1;
            s->len = s->len > CLSEG_SEGMENT_HEADER_BYTES + cut ? s->len - cut
                                                               : CLSEG_SEGMENT_HEADER_BYTES;
            memset(s->buf + s->len, 0, SEG_BYTES - s->len);
        } else if (op == 5) {
            if (cur + 1 < nsegs) cur++;
        } else {
            s->is_bad_header = true;
        }
    }
    for (int k = 0; k < nsegs; k++) {
        clseg_header_encode(segs[k].buf, (uint32_t)k + 1, 1000 + (uint64_t)k + 1);
        if (segs[k].is_bad_header) segs[k].buf[5] ^= 0x40;
    }
    return nsegs;
}

static void check_scan(const struct seg *s, uint64_t nonce)
{
    struct clseg_scan sc;
    struct clseg_item it;
    clseg_scan_init(&sc, s->buf, s->len, nonce, COMMITLOG_RECORD_MAX);
    uint32_t prev = CLSEG_SEGMENT_HEADER_BYTES;
    int items = 0;
    while (clseg_scan_next(&sc, &it)) {
        ASSERT(it.off == prev && it.end <= s->len && it.end >= it.off);
        prev = it.kind == CLSEG_END ? s->len : it.end;
        ASSERT(++items <= (int)SEG_BYTES);
    }
}

static int count_cb(void *arg, const struct uuid *id, const uint8_t *rec, size_t len, store_pos pos)
{
    (void)id, (void)rec, (void)len, (void)pos;
    (*(uint64_t *)arg)++;
    return 0;
}

static int open_replay(const char *dir, bool ignore, uint64_t *records)
{
    struct commitlog_config c = {.dir = dir,
                                 .sync_mode = COMMITLOG_SYNC_BATCH,
                                 .segment_bytes = SEG_BYTES,
                                 .ignore_errors = ignore};
    struct commitlog *cl = NULL;
    struct errmsg em;
    int rc = commitlog_open(&c, &cl, &em);
    if (rc < 0) return rc;
    *records = 0;
    rc = commitlog_replay(cl, count_cb, records, &em);
    commitlog_close(cl);
    return rc;
}

static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) abort();
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        char path[700];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    static int null_fd = -1;
    if (null_fd < 0) {
        null_fd = open("/dev/null", O_WRONLY);
        log_set_fd(null_fd); /* corruption reports are expected here */
    }
    static struct seg segs[SEGS_MAX];
    int n = build(data, size, segs);
    for (int k = 0; k < n; k++)
        check_scan(&segs[k], 1000 + (uint64_t)k + 1);
    char dir[] = "/dev/shm/fuzz_clseg-XXXXXX"; /* tmpfs: fsync is free, the fuzzer fast */
    if (!mkdtemp(dir)) abort();
    bool is_exact = data[0] & 0x20;
    for (int k = 0; k < n; k++) {
        char path[700];
        snprintf(path, sizeof path, "%s/CommitLog-1-%d.log", dir, k + 1);
        FILE *f = fopen(path, "wb");
        if (!f) abort();
        size_t len = is_exact ? segs[k].len : SEG_BYTES;
        if (fwrite(segs[k].buf, 1, len, f) != len) abort();
        fclose(f);
    }
    bool ignore = data[0] & 0x10;
    uint64_t first = 0, second = 0;
    int rc = open_replay(dir, ignore, &first);
    ASSERT(rc == 0 || rc == ERR_CORRUPT);
    if (rc == 0) {
        ASSERT(open_replay(dir, ignore, &second) == 0);
        ASSERT(first == second);
    }
    remove_dir(dir);
    return 0;
}

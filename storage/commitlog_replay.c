/*
 * commitlog_replay: validation of the segments found at open, and replay (Cassandra's
 * CommitLogReplayer and CommitLogSegmentReader).
 *
 * Validation reads every old segment once and records each damaged region ("gap": bytes that are
 * no record, a bad header, or an older segment ending without its end marker), plus the last
 * intact record and the durable position D it carries. Then, gap by gap in log order:
 *   - no intact record after it: a zero gap is just the preallocated tail; anything else is a
 *     torn tail, cut off (the file truncated, newer segments deleted) with one warning;
 *   - an intact record after it and the gap lies before D: those bytes had been fsynced before
 *     a later record was written, so this is corruption: ERR_CORRUPT naming file and offset,
 *     or with ignore_errors one error line and the region is skipped;
 *   - an intact record after it but the gap lies at or after D: nothing proves the region was
 *     ever synced; an OS crash can leave such holes in the unsynced tail (pages written back out
 *     of order), so it is cut like a torn tail: no acknowledged batch-mode write lies there.
 * Afterwards each surviving old segment that lacks its end marker (its writer was killed, or its
 * tail was just cut) gets one, and all are fsynced: positions this run reports as durable (above
 * every old position) are then true for the old bytes as well, and a marker missing later can
 * only mean damage.
 *
 * Replay reads the segments again and calls back for every intact record; after a successful
 * validation the only damage left is what ignore_errors skips.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "node/base/assert.h"
#include "node/base/crc32c.h"
#include "node/base/log.h"
#include "node/base/mem.h"
#include "storage/clseg.h"
#include "storage/commitlog_int.h"

#define GAPS_MAX 4096u

struct gap {
    struct cl_segment *seg;
    uint32_t off;
    uint32_t end;
    bool is_zero;
    bool is_missing_marker;
    uint64_t records_before; /* intact records before the gap */
};

struct validation {
    struct gap *gaps;
    size_t len;
    size_t cap;
    uint64_t records;
    bool has_record;
    store_pos last_start;   /* where the last intact record (or marker) starts */
    store_pos last_durable; /* D of that record */
};

/* One buffer for every segment a pass reads: a segment is read with one pread into memory
   that is already mapped (a fresh 32 MiB malloc per segment cost a page fault per 4 KiB,
   about as much as the read itself). Grows to the largest segment; freed after the pass. */
struct seg_buf {
    uint8_t *p;
    size_t cap;
};

/* Reads a whole segment into b; *len = 0 for an empty file. */
static int read_segment(struct commitlog *cl, struct cl_segment *seg, struct seg_buf *b,
                        uint32_t *len, struct errmsg *em)
{
    struct vfile *f = NULL;
    uint64_t size = 0;
    int rc = vfs_open(cl->vfs, seg->path, O_RDONLY, 0, &f);
    if (rc == 0) rc = vfile_size(f, &size);
    if (rc == 0 && size > COMMITLOG_SEGMENT_MAX) {
        vfile_close(f);
        return errmsg_set(em, ERR_CORRUPT, "commit log segment %s is larger than %u bytes",
                          seg->path, COMMITLOG_SEGMENT_MAX);
    }
    if (rc == 0 && size > b->cap) {
        free(b->p);
        b->p = xmalloc((size_t)size);
        b->cap = (size_t)size;
    }
    if (rc == 0 && size > 0) rc = vfile_pread_full(f, b->p, (size_t)size, 0);
    vfile_close(f);
    if (rc < 0)
        return errmsg_set(em, rc, "cannot read commit log segment %s: %s", seg->path, err_name(rc));
    *len = (uint32_t)size;
    return 0;
}

static bool all_zero(const uint8_t *p, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (p[i]) return false;
    return true;
}

/* Checks the header; a segment that is empty or all zeros has none (nonce 0, no records). */
static int segment_head(struct cl_segment *seg, const uint8_t *buf, uint32_t len, bool *is_empty)
{
    uint32_t id = 0;
    *is_empty = false;
    if (clseg_header_decode(buf, len, &id, &seg->nonce) == 0 && id == seg->id) return 0;
    *is_empty = all_zero(buf, len);
    return *is_empty ? 0 : -1;
}

static int add_gap(struct validation *v, struct cl_segment *seg, uint32_t off, uint32_t end,
                   bool is_zero, bool is_missing_marker, struct errmsg *em)
{
    if (v->len == GAPS_MAX)
        return errmsg_set(em, ERR_CORRUPT,
                          "commit log has more than %u damaged regions (last in %s at offset %u)",
                          GAPS_MAX, seg->path, off);
    xgrow((void **)&v->gaps, &v->cap, v->len + 1, sizeof *v->gaps);
    v->gaps[v->len++] = (struct gap){seg, off, end, is_zero, is_missing_marker, v->records};
    return 0;
}

/* Scans one segment's bytes into the validation state. */
static int scan_segment(struct validation *v, struct cl_segment *seg, const uint8_t *buf,
                        uint32_t len, bool is_newest, struct errmsg *em)
{
    bool is_empty;
    if (segment_head(seg, buf, len, &is_empty) < 0)
        return add_gap(v, seg, 0, len, false, false, em);
    if (is_empty) return 0;
    seg->has_header = true;
    seg->write_off = CLSEG_SEGMENT_HEADER_BYTES;
    struct clseg_scan s;
    struct clseg_item it;
    clseg_scan_init(&s, buf, len, seg->nonce, COMMITLOG_RECORD_MAX);
    int rc = 0;
    while (rc == 0 && clseg_scan_next(&s, &it)) {
        if (it.kind == CLSEG_RECORD || it.kind == CLSEG_MARKER) {
            seg->write_off = it.end;
            seg->is_sealed = it.kind == CLSEG_MARKER;
            v->records += it.kind == CLSEG_RECORD;
            v->has_record = true;
            v->last_start = clseg_pos(seg->id, it.off);
            v->last_durable = it.durable_pos;
        } else if (it.kind == CLSEG_GAP) {
            rc = add_gap(v, seg, it.off, it.end, it.is_zero, false, em);
        } else if (!is_newest) { /* CLSEG_END without a marker before it */
            rc = add_gap(v, seg, it.off, it.end, true, true, em);
        }
    }
    return rc;
}

static void delete_segment(struct commitlog *cl, struct cl_segment *seg)
{
    struct cl_segment **pp = &cl->segs;
    while (*pp != seg)
        pp = &(*pp)->next;
    *pp = seg->next;
    cl->stats.segments--;
    int rc = vfs_unlink(cl->vfs, seg->path);
    if (rc < 0 && rc != -ENOENT)
        log_warn("commitlog", "cannot delete segment path=%s err=%s", seg->path, err_name(rc));
    commitlog__segment_free(seg);
}

/* Cuts the log at g: truncates g's segment there (or deletes it) and deletes newer ones. */
static int cut_tail(struct commitlog *cl, const struct validation *v, const struct gap *g,
                    struct errmsg *em)
{
    log_warn("commitlog",
             "torn tail truncated file=%s offset=%u dropped_records=%llu (not synced before the "
             "crash)",
             g->seg->path, g->off, (unsigned long long)(v->records - g->records_before));
    while (g->seg->next)
        delete_segment(cl, g->seg->next);
    if (g->off == 0) { /* not even the header is intact */
        delete_segment(cl, g->seg);
        return 0;
    }
    struct vfile *f = NULL;
    g->seg->write_off = g->off;
    g->seg->is_sealed = false;
    int rc = vfs_open(cl->vfs, g->seg->path, O_RDWR, 0, &f);
    if (rc == 0) rc = vfile_truncate(f, g->off);
    if (rc == 0) rc = vfile_sync(f);
    vfile_close(f);
    if (rc < 0)
        return errmsg_set(em, rc, "cannot truncate commit log segment %s: %s", g->seg->path,
                          err_name(rc));
    return 0;
}

static const char *gap_reason(const struct gap *g)
{
    if (g->is_missing_marker) return "the segment ends early: its end marker is missing";
    if (g->off == 0) return "bad segment header";
    if (g->is_zero) return "zeroed bytes where synced records were";
    return "a record fails its checksum";
}

/* Decides what each gap is (see the file head). */
static int judge_gaps(struct commitlog *cl, struct validation *v, struct errmsg *em)
{
    for (size_t i = 0; i < v->len; i++) {
        struct gap *g = &v->gaps[i];
        store_pos at = clseg_pos(g->seg->id, g->off);
        bool is_record_after = v->has_record && at < v->last_start;
        if (!is_record_after && g->is_zero) continue;
        if (!is_record_after || at >= v->last_durable) return cut_tail(cl, v, g, em);
        if (!cl->cfg.ignore_errors) {
            log_error("commitlog", "corrupt segment file=%s offset=%u reason=\"%s\"", g->seg->path,
                      g->off, gap_reason(g));
            return errmsg_set(em, ERR_CORRUPT,
                              "commit log segment %s is corrupt at offset %u (%s); set "
                              "commit_failure_policy: ignore to skip damaged records",
                              g->seg->path, g->off, gap_reason(g));
        }
        log_error("commitlog",
                  "skipping damaged region file=%s offset=%u bytes=%u reason=\"%s\" "
                  "(commit_failure_policy: ignore)",
                  g->seg->path, g->off, g->end - g->off, gap_reason(g));
    }
    return 0;
}

/* Ends an old segment that has no marker (its writer was killed, or its tail was cut) with one,
   so that once this run writes records, a missing marker can only mean damage. */
static int seal(struct cl_segment *s, struct vfile *f)
{
    uint8_t m[CLSEG_MARKER_BYTES];
    store_pos at = clseg_pos(s->id, s->write_off); /* durable once the fsync below is done */
    clseg_record_encode(m, s->nonce, NULL, at, NULL, 0, crc32c(NULL, 0));
    int rc = vfile_pwrite(f, m, sizeof m, s->write_off);
    if (rc == 0) {
        s->write_off += (uint32_t)sizeof m;
        s->is_sealed = true;
    }
    return rc;
}

/* Seals and fsyncs what survived validation, so this run may count every old byte as durable
   (positions it reports are above every old position). */
static int sync_old_segments(struct commitlog *cl, struct errmsg *em)
{
    int rc = 0;
    for (struct cl_segment *s = cl->segs; s && rc == 0; s = s->next) {
        bool is_sealing = s->has_header && !s->is_sealed;
        struct vfile *f = NULL;
        rc = vfs_open(cl->vfs, s->path, is_sealing ? O_RDWR : O_RDONLY, 0, &f);
        if (rc == 0 && is_sealing) rc = seal(s, f);
        if (rc == 0) rc = vfile_sync(f);
        vfile_close(f);
        if (rc < 0)
            errmsg_set(em, rc, "cannot seal commit log segment %s: %s", s->path, err_name(rc));
    }
    if (rc == 0 && cl->segs) rc = vfs_sync_dir(cl->vfs, cl->dir);
    if (rc < 0 && em && em->code != rc)
        errmsg_set(em, rc, "cannot sync commit log directory %s: %s", cl->dir, err_name(rc));
    return rc;
}

int commitlog__validate(struct commitlog *cl, struct errmsg *em)
{
    struct validation v = {0};
    int rc = 0;
    struct seg_buf b = {0};
    for (struct cl_segment *s = cl->segs; s && rc == 0; s = s->next) {
        uint32_t len = 0;
        rc = read_segment(cl, s, &b, &len, em);
        if (rc == 0) rc = scan_segment(&v, s, b.p, len, s->next == NULL, em);
    }
    free(b.p);
    if (rc == 0) rc = judge_gaps(cl, &v, em);
    if (rc == 0) rc = sync_old_segments(cl, em);
    free(v.gaps);
    return rc;
}

/* ---- replay ---- */

static int replay_segment(struct commitlog *cl, struct cl_segment *seg, struct seg_buf *b,
                          commitlog_replay_cb cb, void *arg, uint64_t *records, struct errmsg *em)
{
    uint32_t len = 0;
    int rc = read_segment(cl, seg, b, &len, em);
    const uint8_t *buf = b->p;
    bool is_empty = false;
    if (rc < 0 || segment_head(seg, buf, len, &is_empty) < 0 || is_empty)
        return rc; /* a bad header survives validation only under ignore_errors */
    struct clseg_scan s;
    struct clseg_item it;
    clseg_scan_init(&s, buf, len, seg->nonce, COMMITLOG_RECORD_MAX);
    while (rc == 0 && clseg_scan_next(&s, &it)) {
        if (it.kind != CLSEG_RECORD) continue;
        store_pos pos = clseg_pos(seg->id, it.end);
        rc = cb(arg, &it.table_id, it.payload, it.len, pos);
        if (rc < 0) {
            if (!em || em->code != rc)
                errmsg_set(em, rc, "commit log replay stopped at %s offset %u: %s", seg->path,
                           it.off, err_name(rc));
            break;
        }
        (*records)++;
        if (rc == COMMITLOG_REPLAY_SKIPPED) {
            rc = 0;
            continue;
        }
        pthread_mutex_lock(&cl->mu);
        commitlog__mark(seg, &it.table_id, pos);
        pthread_mutex_unlock(&cl->mu);
    }
    return rc;
}

/* The newest segment file is never deleted (it keeps ids growing across restarts), so an old
   segment that is still the newest would stay, and be read again at every start, until this
   run appended. Starting this run's first segment at once lets every old segment go as soon as
   its tables have flushed (the store flushes what it replayed); the new name is synced first,
   since from then on it is what keeps new ids above the old ones. */
static void start_first_segment(struct commitlog *cl)
{
    bool has_old = false;
    int rc = 0;
    pthread_mutex_lock(&cl->mu);
    for (const struct cl_segment *s = cl->segs; s; s = s->next)
        has_old |= s->is_old;
    if (has_old && !cl->active) rc = commitlog__switch_segment(cl);
    pthread_mutex_unlock(&cl->mu);
    if (!has_old) return;
    if (rc == 0) rc = vfs_sync_dir(cl->vfs, cl->dir);
    if (rc < 0) {
        log_warn("commitlog",
                 "cannot start a segment after replay (the newest old segment stays until the "
                 "first write) dir=%s err=%s",
                 cl->dir, err_name(rc));
        return;
    }
    commitlog__collect_garbage(cl);
}

int commitlog_replay(struct commitlog *cl, commitlog_replay_cb cb, void *arg, struct errmsg *em)
{
    ASSERT(!cl->is_replay_done);
    uint64_t records = 0;
    uint32_t segments = 0;
    int rc = 0;
    struct seg_buf b = {0};
    for (struct cl_segment *s = cl->segs; s && rc == 0; s = s->next) {
        if (!s->is_old) continue;
        rc = replay_segment(cl, s, &b, cb, arg, &records, em);
        segments++;
    }
    free(b.p);
    if (rc < 0) return rc;
    pthread_mutex_lock(&cl->mu);
    for (struct cl_segment *s = cl->segs; s; s = s->next)
        if (s->is_old) s->is_replayed = true;
    cl->is_replay_done = true;
    pthread_mutex_unlock(&cl->mu);
    log_info("commitlog", "replayed dir=%s segments=%u records=%llu", cl->dir, segments,
             (unsigned long long)records);
    commitlog__collect_garbage(cl);
    start_first_segment(cl);
    return 0;
}

/*
 * commitlog: open/close, append and segment management (Cassandra's CommitLog and
 * CommitLogSegmentManager). The sync thread is in commitlog_sync.c, validation and replay in
 * commitlog_replay.c, the byte layout in clseg.h; shared state in commitlog_int.h.
 *
 * Append path: the record is assembled and copied into the active segment while holding the
 * mutex, so every acknowledged record has reached the OS (a kill -9 loses nothing appended) and
 * records land contiguously in position order. The copy goes into a shared mapping of a window
 * (MAP_WINDOW_BYTES) of the preallocated segment, as Cassandra's memory-mapped segments: the
 * bytes are in the page cache at once, with no system call per append (a pwrite per append was
 * half the cost of a write); the window moves forward as the segment fills, so at most one
 * window per log is mapped (resident memory stays small), and the sync thread's fdatasync of
 * the file makes mapped stores durable as it does written ones. A vfs without mapping (the
 * fault layer), a failed mmap or a record over half a window falls back to one pwrite.
 * Mapping relies on the preallocation: a store into a mapped page never allocates (on a
 * copy-on-write file system a full disk could still raise SIGBUS there; ringdb expects ext4 or
 * XFS for its commit log, as Cassandra does). When the active segment cannot take the record plus the
 * end-of-segment marker, the append writes the marker and switches to the spare segment the
 * sync thread preallocated (posix_fallocate, header written and synced), so switching costs no
 * I/O beyond the marker and a rename. Without a spare (allocation is behind, or failed with
 * ENOSPC) the append creates one inline (allocated, not zero-filled); its error is the
 * append's error.
 *
 * A failed write does not advance the write offset: the next append overwrites the partial
 * bytes, and a crash before that leaves them as a tail that fails its CRC (truncated at replay).
 */
#include "storage/commitlog.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "node/base/assert.h"
#include "node/base/be.h"
#include "node/base/crc32c.h"
#include "node/base/log.h"
#include "node/base/mem.h"
#include "storage/clseg.h"
#include "storage/commitlog_int.h"

#define SEGMENT_NAME_PREFIX "CommitLog-1-"
#define SEGMENT_NAME_SUFFIX ".log"
#define SPARE_NAME_SUFFIX ".spare"
#define OLD_SEGMENTS_MAX 100000u
#define ZERO_CHUNK_BYTES (256u << 10)
#define MAP_WINDOW_BYTES (1u << 20) /* a multiple of every page size in use */

static char *segment_path(const struct commitlog *cl, uint32_t id, const char *suffix)
{
    size_t n = strlen(cl->dir) + 48;
    char *p = xmalloc(n);
    snprintf(p, n, "%s/" SEGMENT_NAME_PREFIX "%u%s", cl->dir, id, suffix);
    return p;
}

char *commitlog__segment_path(const struct commitlog *cl, uint32_t id)
{
    return segment_path(cl, id, SEGMENT_NAME_SUFFIX);
}

/* Drops seg's mapped window (its stores stay in the page cache for the next fdatasync). */
static void segment_unmap(struct cl_segment *seg)
{
    if (!seg->map) return;
    int rc = vfile_unmap(seg->file, seg->map, seg->map_len);
    ASSERT(rc == 0); /* munmap of a mapping we made fails only on a bug */
    seg->map = NULL;
    seg->map_off = seg->map_len = 0;
}

void commitlog__segment_free(struct cl_segment *seg)
{
    if (!seg) return;
    segment_unmap(seg);
    vfile_close(seg->file);
    free(seg->path);
    free(seg->marks);
    free(seg);
}

/* ---- segment files ---- */

static uint64_t new_nonce(void)
{
    struct uuid u;
    uuid_random(&u);
    return be64_load(u.b);
}

/* Writes the header and zeros over the whole (allocated) file, then syncs it: the extents are
   then written, not "unwritten", so a later fdatasync of records flushes data only, with no
   extent conversion to make durable (PostgreSQL's wal_init_zero; on ext4 it made sync rounds
   2-5x faster here). The header goes out with the first chunk. Only for batch and group modes,
   where writers wait for those syncs: in periodic mode nobody waits for a sync, and writing
   every segment twice doubled the commit log's share of the disk writes for nothing. */
static int zero_fill(struct vfile *f, const uint8_t *head, uint64_t bytes)
{
    uint8_t *chunk = xcalloc(1, ZERO_CHUNK_BYTES);
    memcpy(chunk, head, CLSEG_SEGMENT_HEADER_BYTES);
    int rc = 0;
    for (uint64_t off = 0; off < bytes && rc == 0; off += ZERO_CHUNK_BYTES) {
        size_t n = bytes - off < ZERO_CHUNK_BYTES ? (size_t)(bytes - off) : ZERO_CHUNK_BYTES;
        rc = vfile_pwrite(f, chunk, n, off);
        if (off == 0) memset(chunk, 0, CLSEG_SEGMENT_HEADER_BYTES);
    }
    free(chunk);
    return rc == 0 ? vfile_sync(f) : rc;
}

int commitlog__segment_create(struct commitlog *cl, uint32_t id, bool is_spare,
                              struct cl_segment **out)
{
    char *path = segment_path(cl, id, is_spare ? SPARE_NAME_SUFFIX : SEGMENT_NAME_SUFFIX);
    struct vfile *f = NULL;
    int rc = vfs_open(cl->vfs, path, O_RDWR | O_CREAT | O_EXCL, 0644, &f);
    if (rc < 0) {
        free(path);
        return rc;
    }
    uint64_t nonce = new_nonce();
    uint8_t head[CLSEG_SEGMENT_HEADER_BYTES];
    clseg_header_encode(head, id, nonce);
    rc = vfile_allocate(f, 0, cl->cfg.segment_bytes);
    bool is_zeroed = is_spare && cl->cfg.sync_mode != COMMITLOG_SYNC_PERIODIC;
    if (rc == 0 && is_zeroed)
        rc = zero_fill(f, head, cl->cfg.segment_bytes);
    else if (rc == 0)
        rc = vfile_pwrite(f, head, sizeof head, 0);
    if (rc == 0 && is_spare && !is_zeroed) rc = vfile_sync(f);
    if (rc < 0) {
        vfile_close(f);
        vfs_unlink(cl->vfs, path);
        free(path);
        return rc;
    }
    struct cl_segment *seg = xcalloc(1, sizeof *seg);
    seg->id = id;
    seg->nonce = nonce;
    seg->path = path;
    seg->file = f;
    seg->write_off = CLSEG_SEGMENT_HEADER_BYTES;
    seg->is_spare = is_spare;
    seg->needs_dir_sync = !is_spare;
    *out = seg;
    return 0;
}

static void segment_list_append(struct commitlog *cl, struct cl_segment *seg)
{
    struct cl_segment **pp = &cl->segs;
    while (*pp) {
        ASSERT((*pp)->id < seg->id);
        pp = &(*pp)->next;
    }
    seg->next = NULL;
    *pp = seg;
}

/* Whether bytes [off, off + n) of seg lie in its mapped window, moving the window there when
   they can: mapping is offered, the bytes fit in one window, and mmap succeeds. */
static bool segment_window(struct commitlog *cl, struct cl_segment *seg, uint32_t off, size_t n)
{
    if (seg->map && off >= seg->map_off && off + n <= (uint64_t)seg->map_off + seg->map_len)
        return true;
    if (!vfile_can_map(seg->file) || n > MAP_WINDOW_BYTES / 2) return false;
    segment_unmap(seg);
    uint64_t start = off & ~(uint64_t)(MAP_WINDOW_BYTES - 1);
    if (off + n > start + MAP_WINDOW_BYTES) start = off & ~(uint64_t)(MAP_WINDOW_BYTES / 2 - 1);
    uint64_t len = cl->cfg.segment_bytes - start;
    if (len > MAP_WINDOW_BYTES) len = MAP_WINDOW_BYTES;
    ASSERT(off + n <= start + len);
    void *p;
    int rc = vfile_map(seg->file, start, (size_t)len, &p);
    if (rc < 0) {
        static struct log_limit lim;
        if (log_limit_allow(&lim, 60000))
            log_warn("commitlog", "mmap failed, appending with pwrite err=%s", err_name(rc));
        return false;
    }
    seg->map = p;
    seg->map_off = (uint32_t)start;
    seg->map_len = (uint32_t)len;
    return true;
}

/* Puts n bytes at offset off of seg: a copy into its mapped window, else a pwrite. */
static int segment_write(struct commitlog *cl, struct cl_segment *seg, const void *p, size_t n,
                         uint32_t off)
{
    if (!segment_window(cl, seg, off, n)) return vfile_pwrite(seg->file, p, n, off);
    memcpy(seg->map + (off - seg->map_off), p, n);
    return 0;
}

/* Writes the end-of-segment (or clean-shutdown) marker at seg's write offset; the caller
   advances the offset once the marker is to stay. Called with mu held. */
static int write_marker(struct commitlog *cl, struct cl_segment *seg)
{
    uint8_t m[CLSEG_MARKER_BYTES];
    clseg_record_encode(m, seg->nonce, NULL, cl->synced_pos, NULL, 0, crc32c(NULL, 0));
    ASSERT(seg->write_off + sizeof m <= cl->cfg.segment_bytes);
    return segment_write(cl, seg, m, sizeof m, seg->write_off);
}

/* Gives the spare its segment name: from now on it is part of the log. The name becomes durable
   with the directory sync the sync thread does before it counts the segment's bytes durable. */
static int name_spare(struct commitlog *cl, struct cl_segment *seg)
{
    char *path = commitlog__segment_path(cl, seg->id);
    int rc = vfs_rename(cl->vfs, seg->path, path);
    if (rc < 0) {
        free(path);
        return rc;
    }
    free(seg->path);
    seg->path = path;
    seg->is_spare = false;
    seg->needs_dir_sync = true;
    return 0;
}

/* Makes the spare (or an inline-created segment) the active one. Called with mu held. */
static int switch_segment(struct commitlog *cl)
{
    struct cl_segment *next = cl->spare;
    cl->spare = NULL;
    int rc = 0;
    if (!next) {
        if (cl->next_id == UINT32_MAX) return ERR_LIMIT;
        rc = commitlog__segment_create(cl, cl->next_id++, false, &next);
        if (rc < 0) return rc;
    }
    if (cl->active) rc = write_marker(cl, cl->active);
    if (rc == 0 && next->is_spare) rc = name_spare(cl, next);
    if (rc < 0) {
        cl->spare = next; /* keep it for the retry; the next append overwrites the marker */
        return rc;
    }
    if (cl->active) {
        cl->active->write_off += CLSEG_MARKER_BYTES;
        segment_unmap(cl->active); /* full: only the sync thread's fdatasync is left */
    }
    log_debug("commitlog", "switch from=%u to=%u inline=%d", cl->active ? cl->active->id : 0,
              next->id, next->needs_dir_sync);
    segment_list_append(cl, next);
    cl->active = next;
    cl->written_pos = clseg_pos(next->id, next->write_off);
    cl->stats.segments++;
    pthread_cond_signal(&cl->alloc_cv); /* time to prepare the next spare */
    return 0;
}

int commitlog__switch_segment(struct commitlog *cl)
{
    return switch_segment(cl);
}

/* ---- marks: which tables have unflushed data in a segment ---- */

static size_t mark_search(const struct cl_segment *seg, const struct uuid *id, bool *found)
{
    size_t lo = 0, hi = seg->marks_len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = uuid_cmp_bytes(&seg->marks[mid].table_id, id);
        if (c == 0) {
            *found = true;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = false;
    return lo;
}

void commitlog__mark(struct cl_segment *seg, const struct uuid *table_id, store_pos end)
{
    bool found;
    size_t i = mark_search(seg, table_id, &found);
    if (found) {
        if (seg->marks[i].end < end) seg->marks[i].end = end;
        return;
    }
    xgrow((void **)&seg->marks, &seg->marks_cap, seg->marks_len + 1, sizeof *seg->marks);
    memmove(seg->marks + i + 1, seg->marks + i, (seg->marks_len - i) * sizeof *seg->marks);
    seg->marks[i] = (struct cl_mark){*table_id, end};
    seg->marks_len++;
}

static void unmark(struct cl_segment *seg, const struct uuid *table_id, store_pos upto)
{
    bool found;
    size_t i = mark_search(seg, table_id, &found);
    if (!found || seg->marks[i].end > upto) return;
    memmove(seg->marks + i, seg->marks + i + 1, (seg->marks_len - i - 1) * sizeof *seg->marks);
    seg->marks_len--;
}

static uint32_t newest_id(const struct commitlog *cl)
{
    uint32_t id = 0;
    for (const struct cl_segment *s = cl->segs; s; s = s->next)
        id = s->id;
    return id; /* not the spare's: a spare file is deleted at the next open */
}

static bool is_deletable(struct commitlog *cl, const struct cl_segment *s, uint32_t newest)
{
    if (s == cl->active || s->marks_len > 0 || s->id == newest) return false;
    if (s->is_old) return s->is_replayed;
    if (clseg_pos(s->id, s->write_off) <= cl->synced_pos) return true;
    cl->is_gc_pending = true; /* clean but not yet synced: retried after the next sync round */
    return false;
}

void commitlog__collect_garbage(struct commitlog *cl)
{
    struct cl_segment *dead = NULL;
    pthread_mutex_lock(&cl->mu);
    cl->is_gc_pending = false;
    cl->gc_synced_pos = cl->synced_pos;
    uint32_t newest = newest_id(cl);
    struct cl_segment **pp = &cl->segs;
    while (*pp) {
        struct cl_segment *s = *pp;
        if (!is_deletable(cl, s, newest)) {
            pp = &s->next;
            continue;
        }
        *pp = s->next;
        s->next = dead;
        dead = s;
        cl->stats.segments--;
    }
    pthread_mutex_unlock(&cl->mu);
    while (dead) {
        struct cl_segment *s = dead;
        dead = s->next;
        vfile_close(s->file);
        s->file = NULL;
        int rc = vfs_unlink(cl->vfs, s->path);
        if (rc < 0 && rc != -ENOENT)
            log_warn("commitlog", "cannot delete segment path=%s err=%s", s->path, err_name(rc));
        else
            log_debug("commitlog", "segment deleted path=%s", s->path);
        commitlog__segment_free(s);
    }
}

void commitlog_mark_flushed(struct commitlog *cl, const struct uuid *table_id, store_pos upto)
{
    pthread_mutex_lock(&cl->mu);
    for (struct cl_segment *s = cl->segs; s; s = s->next)
        unmark(s, table_id, upto);
    pthread_mutex_unlock(&cl->mu);
    commitlog__collect_garbage(cl);
}

void commitlog_forget_table(struct commitlog *cl, const struct uuid *table_id)
{
    commitlog_mark_flushed(cl, table_id, UINT64_MAX);
}

/* ---- append ---- */

static int check_record(const struct commitlog *cl, size_t len)
{
    if (len > COMMITLOG_RECORD_MAX) return ERR_LIMIT;
    uint64_t need =
        CLSEG_SEGMENT_HEADER_BYTES + CLSEG_RECORD_OVERHEAD + (uint64_t)len + CLSEG_MARKER_BYTES;
    return need > cl->cfg.segment_bytes ? ERR_LIMIT : 0;
}

int commitlog_append(struct commitlog *cl, const struct uuid *table_id, const uint8_t *rec,
                     size_t len, store_pos *pos)
{
    ASSERT(table_id && !uuid_is_nil(table_id));
    int rc = check_record(cl, len);
    if (rc < 0) return rc;
    uint32_t payload_crc = crc32c(rec, len);
    size_t need = CLSEG_RECORD_OVERHEAD + len;
    pthread_mutex_lock(&cl->mu);
    if (cl->sync_error)
        rc = ERR_READ_ONLY;
    else if (cl->is_stopping)
        rc = ERR_CLOSED;
    else if (!cl->active ||
             cl->active->write_off + need + CLSEG_MARKER_BYTES > cl->cfg.segment_bytes)
        rc = switch_segment(cl);
    if (rc < 0) goto fail;
    struct cl_segment *seg = cl->active;
    xgrow((void **)&cl->wbuf, &cl->wbuf_cap, need, 1);
    clseg_record_encode(cl->wbuf, seg->nonce, table_id, cl->synced_pos, rec, (uint32_t)len,
                        payload_crc);
    rc = segment_write(cl, seg, cl->wbuf, need, seg->write_off);
    if (rc < 0) goto fail;
    seg->write_off += (uint32_t)need;
    cl->written_pos = clseg_pos(seg->id, seg->write_off);
    commitlog__mark(seg, table_id, cl->written_pos);
    cl->stats.appends++;
    cl->stats.bytes += need;
    *pos = cl->written_pos;
    pthread_mutex_unlock(&cl->mu);
    return 0;
fail:
    pthread_mutex_unlock(&cl->mu);
    if (rc != ERR_CLOSED) {
        static struct log_limit lim;
        if (log_limit_allow(&lim, 10000))
            log_error("commitlog", "append failed err=%s dir=%s", err_name(rc), cl->dir);
    }
    return rc;
}

store_pos commitlog_position(struct commitlog *cl)
{
    pthread_mutex_lock(&cl->mu);
    /* The end of the last append (or, before any, the start of the first id this log may
       use): every later append ends after it. Not a guess at the next segment: while the
       sync thread prepares a spare it already holds an id below next_id, and a bound naming
       next_id would cover the records about to go into that spare (a truncation or a
       flush would then make replay skip them). */
    store_pos p = cl->written_pos;
    pthread_mutex_unlock(&cl->mu);
    return p;
}

void commitlog_get_stats(struct commitlog *cl, struct commitlog_stats *out)
{
    pthread_mutex_lock(&cl->mu);
    *out = cl->stats;
    out->written_pos = cl->written_pos;
    out->synced_pos = cl->synced_pos;
    out->is_spare_ready = cl->spare != NULL;
    pthread_mutex_unlock(&cl->mu);
}

/* ---- open / close ---- */

static int check_config(const struct commitlog_config *c, struct errmsg *em)
{
    if (!c->dir || !*c->dir) return errmsg_set(em, ERR_CONFIG, "commitlog_directory is empty");
    if (c->segment_bytes < COMMITLOG_SEGMENT_MIN || c->segment_bytes > COMMITLOG_SEGMENT_MAX)
        return errmsg_set(em, ERR_CONFIG, "commitlog_segment_size %llu out of range %u..%u",
                          (unsigned long long)c->segment_bytes, COMMITLOG_SEGMENT_MIN,
                          COMMITLOG_SEGMENT_MAX);
    if (c->sync_mode != COMMITLOG_SYNC_PERIODIC && c->sync_mode != COMMITLOG_SYNC_BATCH &&
        c->sync_mode != COMMITLOG_SYNC_GROUP)
        return errmsg_set(em, ERR_CONFIG, "unknown commitlog_sync mode %d", (int)c->sync_mode);
    if (c->sync_mode == COMMITLOG_SYNC_PERIODIC && c->period_ms == 0)
        return errmsg_set(em, ERR_CONFIG, "commitlog_sync_period must be > 0");
    return 0;
}

/* Parses "CommitLog-1-<id><suffix>"; returns 0 and the id, or -1 for any other name. */
static int parse_segment_name(const char *name, const char *suffix, uint32_t *id)
{
    size_t plen = strlen(SEGMENT_NAME_PREFIX), slen = strlen(suffix);
    size_t n = strlen(name);
    if (n <= plen + slen || strncmp(name, SEGMENT_NAME_PREFIX, plen) != 0 ||
        strcmp(name + n - slen, suffix) != 0)
        return -1;
    uint64_t v = 0;
    for (size_t i = plen; i < n - slen; i++) {
        if (name[i] < '0' || name[i] > '9' || i - plen >= 10) return -1;
        v = v * 10 + (uint64_t)(name[i] - '0');
    }
    if (v == 0 || v >= UINT32_MAX) return -1;
    *id = (uint32_t)v;
    return 0;
}

struct list_ctx {
    struct commitlog *cl;
    uint32_t *ids;
    size_t len;
    size_t cap;
    uint32_t *spare_ids;
    size_t spares_len;
    size_t spares_cap;
};

static void list_add(uint32_t **ids, size_t *len, size_t *cap, uint32_t id)
{
    xgrow((void **)ids, cap, *len + 1, sizeof **ids);
    (*ids)[(*len)++] = id;
}

static int list_cb(void *arg, const char *name)
{
    struct list_ctx *ctx = arg;
    uint32_t id;
    bool is_segment = parse_segment_name(name, SEGMENT_NAME_SUFFIX, &id) == 0;
    if (!is_segment && parse_segment_name(name, SPARE_NAME_SUFFIX, &id) < 0) return 0;
    if (ctx->len + ctx->spares_len >= OLD_SEGMENTS_MAX) return 1;
    if (is_segment)
        list_add(&ctx->ids, &ctx->len, &ctx->cap, id);
    else
        list_add(&ctx->spare_ids, &ctx->spares_len, &ctx->spares_cap, id);
    return 0;
}

/* Spares left by an earlier run never held records: delete them, but keep ids above theirs
   (commitlog_position may have reported a position in one). */
static void remove_old_spares(struct commitlog *cl, const struct list_ctx *ctx)
{
    for (size_t i = 0; i < ctx->spares_len; i++) {
        uint32_t id = ctx->spare_ids[i];
        if (id >= cl->next_id) cl->next_id = id + 1;
        char *path = segment_path(cl, id, SPARE_NAME_SUFFIX);
        int rc = vfs_unlink(cl->vfs, path);
        if (rc < 0 && rc != -ENOENT)
            log_warn("commitlog", "cannot delete spare segment path=%s err=%s", path, err_name(rc));
        free(path);
    }
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Lists the existing segments into cl->segs as old segments, sorted by id. */
static int load_old_segments(struct commitlog *cl, struct errmsg *em)
{
    struct list_ctx ctx = {.cl = cl};
    int rc = vfs_list_dir(cl->vfs, cl->dir, list_cb, &ctx);
    if (rc == 0 && ctx.len + ctx.spares_len >= OLD_SEGMENTS_MAX)
        rc = errmsg_set(em, ERR_LIMIT, "more than %u commit log segments in %s", OLD_SEGMENTS_MAX,
                        cl->dir);
    else if (rc < 0)
        errmsg_set(em, rc, "cannot list commit log directory %s: %s", cl->dir, err_name(rc));
    if (rc == 0) remove_old_spares(cl, &ctx);
    if (rc == 0 && ctx.len > 0) qsort(ctx.ids, ctx.len, sizeof *ctx.ids, cmp_u32);
    for (size_t i = 0; rc == 0 && i < ctx.len; i++) {
        struct cl_segment *seg = xcalloc(1, sizeof *seg);
        seg->id = ctx.ids[i];
        seg->path = commitlog__segment_path(cl, seg->id);
        seg->is_old = true;
        segment_list_append(cl, seg);
        cl->stats.segments++;
        if (seg->id >= cl->next_id) cl->next_id = seg->id + 1;
    }
    free(ctx.ids);
    free(ctx.spare_ids);
    return rc;
}

static void free_all(struct commitlog *cl)
{
    while (cl->segs) {
        struct cl_segment *s = cl->segs;
        cl->segs = s->next;
        commitlog__segment_free(s);
    }
    commitlog__segment_free(cl->spare);
    pthread_cond_destroy(&cl->sync_cv);
    pthread_cond_destroy(&cl->alloc_cv);
    pthread_cond_destroy(&cl->done_cv);
    pthread_mutex_destroy(&cl->mu);
    free(cl->cbs);
    free(cl->sync_segs);
    free(cl->wbuf);
    free(cl->dir);
    free(cl);
}

int commitlog_open(const struct commitlog_config *c, struct commitlog **out, struct errmsg *em)
{
    int rc = check_config(c, em);
    if (rc < 0) return rc;
    struct commitlog *cl = xcalloc(1, sizeof *cl);
    cl->cfg = *c;
    cl->dir = xstrdup(c->dir);
    cl->cfg.dir = cl->dir;
    cl->vfs = c->vfs ? c->vfs : vfs_default();
    cl->next_id = c->first_id ? c->first_id : 1;
    pthread_mutex_init(&cl->mu, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC); /* the sync thread's timed waits */
    pthread_cond_init(&cl->sync_cv, &attr);
    pthread_cond_init(&cl->alloc_cv, &attr);
    pthread_condattr_destroy(&attr);
    pthread_cond_init(&cl->done_cv, NULL);
    rc = vfs_mkdir_p(cl->vfs, cl->dir);
    if (rc < 0) {
        errmsg_set(em, rc, "cannot create commit log directory %s: %s", cl->dir, err_name(rc));
        goto fail;
    }
    rc = load_old_segments(cl, em);
    if (rc == 0) rc = commitlog__validate(cl, em);
    if (rc < 0) goto fail;
    cl->written_pos = cl->synced_pos = clseg_pos(cl->next_id, 0);
    /* The first spare is prepared in the background (zero-filling takes a while): an append
       before it is ready creates its segment inline. */
    rc = commitlog__sync_start(cl);
    if (rc < 0) {
        errmsg_set(em, rc, "cannot start the commit log threads");
        goto fail;
    }
    log_info("commitlog", "opened dir=%s mode=%s old_segments=%u next_id=%u", cl->dir,
             c->sync_mode == COMMITLOG_SYNC_PERIODIC ? "periodic"
             : c->sync_mode == COMMITLOG_SYNC_BATCH  ? "batch"
                                                     : "group", cl->stats.segments, cl->next_id);
    *out = cl;
    return 0;
fail:
    commitlog__sync_stop(cl); /* joins whichever thread started */
    free_all(cl);
    return rc;
}

void commitlog_close(struct commitlog *cl)
{
    if (!cl) return;
    int rc = commitlog_sync(cl);
    pthread_mutex_lock(&cl->mu);
    if (rc == 0 && cl->active && !cl->sync_error) {
        /* A clean-shutdown marker whose durable position covers everything: proof for the
           next start that any damage before it is corruption, not a torn tail. */
        rc = write_marker(cl, cl->active);
        if (rc == 0) cl->active->write_off += CLSEG_MARKER_BYTES;
        if (rc == 0) cl->written_pos = clseg_pos(cl->active->id, cl->active->write_off);
    }
    pthread_mutex_unlock(&cl->mu);
    if (rc == 0) rc = commitlog_sync(cl);
    if (rc < 0) log_warn("commitlog", "unclean close dir=%s err=%s", cl->dir, err_name(rc));
    commitlog__sync_stop(cl);
    log_info("commitlog", "closed dir=%s appends=%llu syncs=%llu", cl->dir,
             (unsigned long long)cl->stats.appends, (unsigned long long)cl->stats.syncs);
    free_all(cl);
}

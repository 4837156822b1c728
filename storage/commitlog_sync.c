/*
 * commitlog_sync: the sync thread, durability waits and callbacks (Cassandra's
 * AbstractCommitLogService with its Periodic/Batch/Group subclasses).
 *
 * Writers never fsync. One thread does every fdatasync and wakes everyone its sync covered:
 *   periodic  a sync at most period_ms after data became pending; writers never wait.
 *   batch     a sync as soon as someone waits; writers arriving during an fsync are covered by
 *             the next one, so N concurrent writers share one fsync per round. Gathering: the
 *             writers a round covered come back (append, wait) just after it; without care the
 *             next round starts with only those that arrived during the fsync, and the writers
 *             split into two halves taking turns. So after a round the next one waits until as
 *             many demands arrived as the round covered (a lone writer: at once), but never
 *             longer than the last fsync took, capped at GATHER_MAX_NS.
 *   group     like batch, but at most one sync starts per group_window_ms, so under load each
 *             fsync gathers everything appended during the window.
 * A round: note target = written_pos, collect the segments holding bytes after synced_pos, drop
 * the mutex, sync the directory (for inline-created segments) and each file in id order, take the
 * mutex, publish synced_pos = target, wake waiters, run callbacks outside the mutex. A failed
 * round sets the sticky sync_error: every waiter and callback not yet covered gets it.
 * A second thread, the allocator, keeps one preallocated spare segment ready (zero-filled in
 * batch and group modes).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "node/base/assert.h"
#include "node/base/clock.h"
#include "node/base/log.h"
#include "node/base/mem.h"
#include "storage/clseg.h"
#include "storage/commitlog_int.h"

#define SPARE_RETRY_NS 1000000000LL
#define GATHER_MAX_NS 1000000LL
#define MS_NS 1000000LL

static bool is_gathered(const struct commitlog *cl)
{
    return cl->arrivals - cl->gather_base >= cl->gather_need;
}

/* Whether a sync round is due now; otherwise *deadline (ns) is when to look again. */
static bool sync_due(struct commitlog *cl, int64_t now, int64_t *deadline)
{
    bool pending = cl->written_pos > cl->synced_pos && !cl->sync_error;
    enum commitlog_sync mode = cl->cfg.sync_mode;
    if (!pending) {
        if (mode == COMMITLOG_SYNC_PERIODIC) *deadline = now + cl->cfg.period_ms * MS_NS;
        return false;
    }
    if (cl->force_pos > cl->synced_pos || cl->is_stopping) return true;
    int64_t at;
    if (mode == COMMITLOG_SYNC_PERIODIC) {
        at = cl->last_sync_ns + cl->cfg.period_ms * MS_NS;
    } else if (cl->want_pos <= cl->synced_pos) {
        return false;
    } else if (mode == COMMITLOG_SYNC_BATCH) {
        if (is_gathered(cl)) return true;
        at = cl->gather_deadline_ns;
    } else {
        at = cl->last_sync_ns + cl->cfg.group_window_ms * MS_NS;
    }
    if (now >= at) return true;
    *deadline = at;
    return false;
}

/* Calls back everything the last round settled. Called with mu held; drops it meanwhile. */
static void run_callbacks(struct commitlog *cl, bool is_final)
{
    size_t n = 0;
    for (size_t i = 0; i < cl->cbs_len; i++)
        if (cl->cbs[i].pos <= cl->synced_pos || cl->sync_error || is_final) n++;
    if (n == 0) return;
    struct cl_callback *ready = xmalloc(n * sizeof *ready);
    int *status = xmalloc(n * sizeof *status);
    size_t kept = 0, k = 0;
    for (size_t i = 0; i < cl->cbs_len; i++) {
        struct cl_callback c = cl->cbs[i];
        if (c.pos <= cl->synced_pos)
            status[k] = 0;
        else if (cl->sync_error)
            status[k] = cl->sync_error;
        else if (is_final)
            status[k] = ERR_CLOSED;
        else {
            cl->cbs[kept++] = c;
            continue;
        }
        ready[k++] = c;
    }
    cl->cbs_len = kept;
    pthread_mutex_unlock(&cl->mu);
    for (size_t i = 0; i < n; i++)
        ready[i].cb(ready[i].arg, status[i]);
    free(ready);
    free(status);
    pthread_mutex_lock(&cl->mu);
}

/* One sync round. Called with mu held; drops it for the I/O. */
static void do_sync(struct commitlog *cl, int64_t now)
{
    store_pos target = cl->written_pos;
    size_t n = 0;
    bool needs_dir_sync = false;
    for (struct cl_segment *s = cl->segs; s; s = s->next) {
        if (!s->file || clseg_pos(s->id, s->write_off) <= cl->synced_pos) continue;
        if (s->id > clseg_pos_segment(target)) break;
        xgrow((void **)&cl->sync_segs, &cl->sync_segs_cap, n + 1, sizeof *cl->sync_segs);
        cl->sync_segs[n++] = s;
        needs_dir_sync |= s->needs_dir_sync;
    }
    cl->last_sync_ns = now;
    uint64_t covered = cl->arrivals - cl->round_start_arrivals;
    cl->round_start_arrivals = cl->arrivals;
    pthread_mutex_unlock(&cl->mu);
    /* The segments stay alive: deletion needs them fully synced, and only we advance that. */
    int64_t t0 = clock_mono_ns();
    int rc = needs_dir_sync ? vfs_sync_dir(cl->vfs, cl->dir) : 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = vfile_sync(cl->sync_segs[i]->file);
    int64_t t1 = clock_mono_ns();
    pthread_mutex_lock(&cl->mu);
    cl->stats.syncs++;
    cl->stats.sync_ns += (uint64_t)(t1 - t0);
    cl->gather_base = cl->arrivals;
    cl->gather_need = covered;
    cl->gather_deadline_ns = t1 + (t1 - t0 < GATHER_MAX_NS ? t1 - t0 : GATHER_MAX_NS);
    if (rc == 0) {
        if (target > cl->synced_pos) cl->synced_pos = target;
        if (cl->is_gc_pending) pthread_cond_signal(&cl->alloc_cv);
        for (size_t i = 0; i < n; i++)
            cl->sync_segs[i]->needs_dir_sync = false;
    } else if (!cl->sync_error) {
        cl->sync_error = rc;
        log_error("commitlog", "fsync failed, commit log is now read-only dir=%s err=%s", cl->dir,
                  err_name(rc));
    }
    pthread_cond_broadcast(&cl->done_cv);
    run_callbacks(cl, false);
}

/* Preallocates the next spare segment. Called with mu held; drops it for the I/O. */
static void make_spare(struct commitlog *cl, int64_t now)
{
    if (cl->next_id == UINT32_MAX) {
        cl->spare_retry_ns = INT64_MAX;
        return;
    }
    uint32_t id = cl->next_id++;
    pthread_mutex_unlock(&cl->mu);
    struct cl_segment *seg = NULL;
    int rc = commitlog__segment_create(cl, id, true, &seg);
    pthread_mutex_lock(&cl->mu);
    if (rc < 0) {
        static struct log_limit lim;
        if (log_limit_allow(&lim, 60000))
            log_warn("commitlog", "cannot preallocate a segment dir=%s err=%s", cl->dir,
                     err_name(rc));
        cl->spare_retry_ns = now + SPARE_RETRY_NS;
        return;
    }
    /* An append may have created a newer segment inline meanwhile: ids must stay ordered. */
    if (!cl->spare && !cl->is_stopping && (!cl->active || cl->active->id < id)) {
        log_debug("commitlog", "spare ready id=%u", id);
        cl->spare = seg;
        return;
    }
    log_debug("commitlog", "spare discarded id=%u", id);
    pthread_mutex_unlock(&cl->mu);
    vfile_close(seg->file);
    seg->file = NULL;
    vfs_unlink(cl->vfs, seg->path);
    commitlog__segment_free(seg);
    pthread_mutex_lock(&cl->mu);
}

static void wait_until(struct commitlog *cl, pthread_cond_t *cv, int64_t deadline_ns)
{
    if (deadline_ns == INT64_MAX) {
        pthread_cond_wait(cv, &cl->mu);
        return;
    }
    struct timespec ts = {.tv_sec = deadline_ns / 1000000000LL,
                          .tv_nsec = deadline_ns % 1000000000LL};
    pthread_cond_timedwait(cv, &cl->mu, &ts);
}

static void *sync_main(void *arg)
{
    struct commitlog *cl = arg;
    pthread_mutex_lock(&cl->mu);
    for (;;) {
        int64_t now = clock_mono_ns();
        int64_t deadline = INT64_MAX;
        if (sync_due(cl, now, &deadline)) {
            do_sync(cl, now);
            continue;
        }
        if (cl->is_stopping) break;
        wait_until(cl, &cl->sync_cv, deadline);
    }
    pthread_mutex_unlock(&cl->mu);
    return NULL;
}

/* The allocator thread (Cassandra's COMMIT-LOG-ALLOCATOR): keeps one spare segment ready, so
   its preparation never delays a sync round, and deletes clean segments once they are synced. */
static void *alloc_main(void *arg)
{
    struct commitlog *cl = arg;
    pthread_mutex_lock(&cl->mu);
    while (!cl->is_stopping) {
        int64_t now = clock_mono_ns();
        if (!cl->spare && now >= cl->spare_retry_ns) {
            make_spare(cl, now);
            continue;
        }
        if (cl->is_gc_pending && cl->synced_pos > cl->gc_synced_pos) {
            pthread_mutex_unlock(&cl->mu);
            commitlog__collect_garbage(cl);
            pthread_mutex_lock(&cl->mu);
            continue;
        }
        wait_until(cl, &cl->alloc_cv, cl->spare ? INT64_MAX : cl->spare_retry_ns);
    }
    pthread_mutex_unlock(&cl->mu);
    return NULL;
}

int commitlog__sync_start(struct commitlog *cl)
{
    int rc = pthread_create(&cl->thread, NULL, sync_main, cl);
    if (rc) return -rc;
    cl->is_thread_started = true;
    rc = pthread_create(&cl->alloc_thread, NULL, alloc_main, cl);
    if (rc) return -rc;
    cl->is_alloc_started = true;
    return 0;
}

void commitlog__sync_stop(struct commitlog *cl)
{
    pthread_mutex_lock(&cl->mu);
    cl->is_stopping = true;
    pthread_cond_signal(&cl->sync_cv);
    pthread_cond_signal(&cl->alloc_cv);
    pthread_mutex_unlock(&cl->mu);
    if (cl->is_thread_started) pthread_join(cl->thread, NULL);
    if (cl->is_alloc_started) pthread_join(cl->alloc_thread, NULL);
    cl->is_thread_started = cl->is_alloc_started = false;
    pthread_mutex_lock(&cl->mu);
    cl->is_thread_done = true;
    pthread_cond_broadcast(&cl->done_cv);
    run_callbacks(cl, true);
    pthread_mutex_unlock(&cl->mu);
}

/* ---- waiting ---- */

/* Records a demand for pos to become durable. Called with mu held. */
static void want(struct commitlog *cl, store_pos pos)
{
    if (pos <= cl->synced_pos) return;
    cl->arrivals++;
    bool is_wake = cl->want_pos < pos || (cl->cfg.sync_mode == COMMITLOG_SYNC_BATCH &&
                                          cl->arrivals - cl->gather_base == cl->gather_need);
    if (cl->want_pos < pos) cl->want_pos = pos;
    if (is_wake) pthread_cond_signal(&cl->sync_cv);
}

/* Waits for synced_pos >= pos. Called with mu held. */
static int wait_synced(struct commitlog *cl, store_pos pos)
{
    while (cl->synced_pos < pos && !cl->sync_error && !cl->is_thread_done)
        pthread_cond_wait(&cl->done_cv, &cl->mu);
    if (cl->synced_pos >= pos) return 0;
    return cl->sync_error ? cl->sync_error : ERR_CLOSED;
}

bool commitlog_is_durable(struct commitlog *cl, store_pos pos)
{
    if (cl->cfg.sync_mode == COMMITLOG_SYNC_PERIODIC) return true;
    pthread_mutex_lock(&cl->mu);
    bool ok = pos <= cl->synced_pos;
    pthread_mutex_unlock(&cl->mu);
    return ok;
}

int commitlog_wait(struct commitlog *cl, store_pos pos)
{
    pthread_mutex_lock(&cl->mu);
    ASSERT(pos <= cl->written_pos || pos <= cl->synced_pos);
    int rc = 0;
    if (cl->cfg.sync_mode == COMMITLOG_SYNC_PERIODIC) {
        rc = pos <= cl->synced_pos ? 0 : cl->sync_error;
    } else {
        want(cl, pos);
        rc = wait_synced(cl, pos);
    }
    pthread_mutex_unlock(&cl->mu);
    return rc;
}

void commitlog_on_durable(struct commitlog *cl, store_pos pos, store_durable_cb cb, void *arg)
{
    pthread_mutex_lock(&cl->mu);
    int status = 1; /* 1: queue it */
    if (pos <= cl->synced_pos)
        status = 0;
    else if (cl->sync_error)
        status = cl->sync_error;
    else if (cl->cfg.sync_mode == COMMITLOG_SYNC_PERIODIC)
        status = 0;
    else if (cl->is_stopping || cl->is_thread_done)
        status = ERR_CLOSED;
    else if (cl->cbs_len >= COMMITLOG_CALLBACKS_MAX)
        status = ERR_OVERLOADED;
    if (status == 1) {
        xgrow((void **)&cl->cbs, &cl->cbs_cap, cl->cbs_len + 1, sizeof *cl->cbs);
        cl->cbs[cl->cbs_len++] = (struct cl_callback){pos, cb, arg};
        want(cl, pos);
    }
    pthread_mutex_unlock(&cl->mu);
    if (status != 1) cb(arg, status);
}

int commitlog_sync(struct commitlog *cl)
{
    pthread_mutex_lock(&cl->mu);
    store_pos target = cl->written_pos;
    if (cl->force_pos < target) cl->force_pos = target;
    want(cl, target);
    pthread_cond_signal(&cl->sync_cv);
    int rc = wait_synced(cl, target);
    pthread_mutex_unlock(&cl->mu);
    return rc;
}

/*
 * store_bg: see store_bg.h. One mutex (mu) guards both queues and the counters; it is never
 * held across I/O. Tables in the compaction queue hold a reference each and appear at most
 * once.
 */
#include "storage/store_bg.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "node/base/clock.h"
#include "node/base/log.h"
#include "node/base/mem.h"
#include "storage/compaction_throttle.h"
#include "storage/snapshot.h"
#include "storage/table_compact.h"

#define FLUSH_RETRY_S 1

struct flush_entry {
    struct flush_entry *next;
    struct table *t;
    struct table_flush_job job;
    uint64_t seq;
};

struct store_bg {
    struct store_bg_config cfg;
    pthread_mutex_t mu;
    pthread_cond_t flush_cv, compact_cv, done_cv;
    bool stopping;
    /* flushes */
    struct flush_entry *head, *tail;
    bool flushing;
    uint64_t seq_next, seq_done, fail_seq;
    int fail_rc;
    pthread_t flusher;
    bool flusher_started;
    /* compactions */
    struct table **cq;
    size_t ncq, cq_cap;
    uint32_t compacting;
    pthread_t compactors[STORE_BG_COMPACTORS_MAX];
    uint32_t ncompactors;
    struct compaction_throttle throttle;
    atomic_bool stop;
};

/* Waits on cv (mu held) for at most ms milliseconds. */
static void wait_until(struct store_bg *bg, pthread_cond_t *cv, int64_t ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t ns = (int64_t)ts.tv_nsec + (ms % 1000) * 1000000;
    ts.tv_sec += (time_t)(ms / 1000 + ns / 1000000000);
    ts.tv_nsec = (long)(ns % 1000000000);
    pthread_cond_timedwait(cv, &bg->mu, &ts);
}

/* ---- flushes ---- */

size_t store_bg_flush(struct store_bg *bg, struct table *t)
{
    struct flush_entry *e = xcalloc(1, sizeof *e);
    if (!table_switch(t, &e->job)) {
        free(e);
        return 0;
    }
    e->t = table_ref(t);
    size_t bytes = memtable_bytes(e->job.mem);
    pthread_mutex_lock(&bg->mu);
    e->seq = ++bg->seq_next;
    if (bg->tail) bg->tail->next = e;
    else bg->head = e;
    bg->tail = e;
    pthread_cond_signal(&bg->flush_cv);
    pthread_mutex_unlock(&bg->mu);
    return bytes;
}

uint64_t store_bg_flush_seq(struct store_bg *bg)
{
    pthread_mutex_lock(&bg->mu);
    uint64_t s = bg->seq_next;
    pthread_mutex_unlock(&bg->mu);
    return s;
}

uint64_t store_bg_flushed_seq(struct store_bg *bg)
{
    pthread_mutex_lock(&bg->mu);
    uint64_t s = bg->seq_done;
    pthread_mutex_unlock(&bg->mu);
    return s;
}

int store_bg_wait_flushed(struct store_bg *bg, uint64_t since, uint64_t seq)
{
    int rc = 0;
    pthread_mutex_lock(&bg->mu);
    while (bg->seq_done < seq) {
        if (bg->fail_seq > since && bg->fail_seq <= seq) {
            rc = bg->fail_rc;
            break;
        }
        pthread_cond_wait(&bg->done_cv, &bg->mu);
    }
    pthread_mutex_unlock(&bg->mu);
    return rc;
}

static void queue_compaction_locked(struct store_bg *bg, struct table *t)
{
    if (bg->ncompactors == 0 || bg->stopping) return;
    for (size_t i = 0; i < bg->ncq; i++)
        if (bg->cq[i] == t) return;
    xgrow((void **)&bg->cq, &bg->cq_cap, bg->ncq + 1, sizeof *bg->cq);
    bg->cq[bg->ncq++] = table_ref(t);
    pthread_cond_signal(&bg->compact_cv);
}

void store_bg_check_compaction(struct store_bg *bg, struct table *t)
{
    pthread_mutex_lock(&bg->mu);
    queue_compaction_locked(bg, t);
    pthread_mutex_unlock(&bg->mu);
}

/* The head flush is done (mu held): dequeue it, account, wake waiters. */
static void pop_flush(struct store_bg *bg, struct flush_entry *e, size_t bytes)
{
    bg->head = e->next;
    if (!bg->head) bg->tail = NULL;
    bg->seq_done = e->seq;
    if (bg->fail_seq == e->seq) bg->fail_seq = 0; /* it failed before but made it now */
    bg->cfg.released_cb(bg->cfg.arg, bytes); /* before waking waiters: they see it released */
    pthread_cond_broadcast(&bg->done_cv);
}

static void after_flush(struct store_bg *bg, struct table *t, struct sstable *sst)
{
    if (sst && bg->cfg.incremental_backups) {
        struct errmsg em = {0};
        if (snapshot_backup(table_vfs(t), table_dir(t), sst, &em) < 0)
            log_error("storage", "incremental backup failed dir=%s msg=\"%s\"", table_dir(t),
                      em.text);
    }
    sstable_unref(sst);
}

static void flush_failed(struct store_bg *bg, struct flush_entry *e, int rc, const char *msg)
{
    static struct log_limit lim;
    if (log_limit_allow(&lim, 10000))
        log_error("storage", "flush failed dir=%s err=%s msg=\"%s\"", table_dir(e->t),
                  err_name(rc), msg);
    bg->fail_seq = e->seq;
    bg->fail_rc = rc;
    pthread_cond_broadcast(&bg->done_cv);
    if (bg->stopping) { /* give up: the commit log still holds the data */
        size_t bytes = memtable_bytes(e->job.mem);
        memtable_unref(e->job.mem);
        table_unref(e->t);
        pop_flush(bg, e, bytes);
        free(e);
        return;
    }
    int64_t until_ms = clock_mono_ms() + FLUSH_RETRY_S * 1000;
    for (int64_t now_ms; !bg->stopping && (now_ms = clock_mono_ms()) < until_ms;)
        wait_until(bg, &bg->flush_cv, until_ms - now_ms);
}

static void *flush_main(void *arg)
{
    struct store_bg *bg = arg;
    int64_t next_tick_ms = clock_mono_ms() + STORE_BG_TICK_MS;
    pthread_mutex_lock(&bg->mu);
    for (;;) {
        while (!bg->head && !bg->stopping) {
            int64_t now_ms = clock_mono_ms();
            if (now_ms >= next_tick_ms) {
                next_tick_ms = now_ms + STORE_BG_TICK_MS;
                if (bg->cfg.tick_cb) {
                    pthread_mutex_unlock(&bg->mu);
                    bg->cfg.tick_cb(bg->cfg.arg);
                    pthread_mutex_lock(&bg->mu);
                }
                continue;
            }
            wait_until(bg, &bg->flush_cv, next_tick_ms - now_ms);
        }
        struct flush_entry *e = bg->head;
        if (!e) break;
        bg->flushing = true;
        pthread_mutex_unlock(&bg->mu);
        struct errmsg em = {0};
        size_t bytes = 0;
        struct sstable *sst = NULL;
        int rc = table_flush(e->t, &e->job, &bytes, &sst, &em);
        if (rc == 0) after_flush(bg, e->t, sst);
        pthread_mutex_lock(&bg->mu);
        bg->flushing = false;
        if (rc < 0) {
            flush_failed(bg, e, rc, em.text);
            continue;
        }
        queue_compaction_locked(bg, e->t);
        pop_flush(bg, e, bytes);
        table_unref(e->t);
        free(e);
    }
    pthread_mutex_unlock(&bg->mu);
    return NULL;
}

/* ---- compactions ---- */

/* One background step for t: returns true when it compacted something. */
static bool compact_once(struct store_bg *bg, struct table *t)
{
    struct table_compaction c;
    bool busy;
    if (!table_compact_pick(t, false, &c, &busy)) return false;
    struct errmsg em = {0};
    int rc = table_compact_run(t, &c, &bg->throttle, &bg->stop, &em);
    if (rc < 0 && rc != ERR_CLOSED)
        log_error("storage", "compaction failed dir=%s err=%s msg=\"%s\"", table_dir(t),
                  err_name(rc), em.text);
    return rc == 0;
}

static void *compact_main(void *arg)
{
    struct store_bg *bg = arg;
    pthread_mutex_lock(&bg->mu);
    for (;;) {
        while (!bg->ncq && !bg->stopping) pthread_cond_wait(&bg->compact_cv, &bg->mu);
        if (bg->stopping) break;
        struct table *t = bg->cq[0];
        bg->cq[0] = bg->cq[--bg->ncq];
        bg->compacting++;
        pthread_mutex_unlock(&bg->mu);
        bool again = compact_once(bg, t);
        pthread_mutex_lock(&bg->mu);
        if (again) queue_compaction_locked(bg, t);
        bg->compacting--;
        pthread_cond_broadcast(&bg->done_cv);
        pthread_mutex_unlock(&bg->mu);
        table_unref(t);
        pthread_mutex_lock(&bg->mu);
    }
    pthread_mutex_unlock(&bg->mu);
    return NULL;
}

int store_bg_compact_major(struct store_bg *bg, struct table *t, struct errmsg *em)
{
    pthread_mutex_lock(&bg->mu);
    bg->compacting++; /* counted from before the pick: a waiting major sees every claim */
    int rc = 0;
    for (;;) {
        struct table_compaction c;
        bool busy;
        pthread_mutex_unlock(&bg->mu);
        bool found = table_compact_pick(t, true, &c, &busy);
        if (found) rc = table_compact_run(t, &c, &bg->throttle, &bg->stop, em);
        pthread_mutex_lock(&bg->mu);
        if (found || !busy) break;
        /* wait for a running compaction to end (ours counts as one), then retry */
        if (bg->compacting > 1) pthread_cond_wait(&bg->done_cv, &bg->mu);
    }
    bg->compacting--;
    pthread_cond_broadcast(&bg->done_cv);
    pthread_mutex_unlock(&bg->mu);
    return rc;
}

/* ---- lifecycle ---- */

void store_bg_wait_idle(struct store_bg *bg)
{
    pthread_mutex_lock(&bg->mu);
    while (bg->head || bg->flushing || bg->ncq || bg->compacting)
        pthread_cond_wait(&bg->done_cv, &bg->mu);
    pthread_mutex_unlock(&bg->mu);
}

int store_bg_start(const struct store_bg_config *c, struct store_bg **out, struct errmsg *em)
{
    struct store_bg *bg = xcalloc(1, sizeof *bg);
    bg->cfg = *c;
    pthread_mutex_init(&bg->mu, NULL);
    pthread_cond_init(&bg->flush_cv, NULL);
    pthread_cond_init(&bg->compact_cv, NULL);
    pthread_cond_init(&bg->done_cv, NULL);
    compaction_throttle_init(&bg->throttle, c->compaction_bytes_per_s);
    atomic_init(&bg->stop, false);
    if (pthread_create(&bg->flusher, NULL, flush_main, bg) != 0) goto fail;
    bg->flusher_started = true;
    uint32_t n = c->compactors < STORE_BG_COMPACTORS_MAX ? c->compactors : STORE_BG_COMPACTORS_MAX;
    for (; bg->ncompactors < n; bg->ncompactors++)
        if (pthread_create(&bg->compactors[bg->ncompactors], NULL, compact_main, bg) != 0)
            goto fail;
    *out = bg;
    return 0;
fail:
    store_bg_stop(bg);
    return errmsg_set(em, ERR_SERVER, "cannot start the store's background threads");
}

void store_bg_stop(struct store_bg *bg)
{
    if (!bg) return;
    atomic_store(&bg->stop, true);
    pthread_mutex_lock(&bg->mu);
    bg->stopping = true;
    pthread_cond_broadcast(&bg->flush_cv);
    pthread_cond_broadcast(&bg->compact_cv);
    pthread_mutex_unlock(&bg->mu);
    if (bg->flusher_started) pthread_join(bg->flusher, NULL);
    for (uint32_t i = 0; i < bg->ncompactors; i++) pthread_join(bg->compactors[i], NULL);
    for (size_t i = 0; i < bg->ncq; i++) table_unref(bg->cq[i]);
    free(bg->cq);
    compaction_throttle_deinit(&bg->throttle);
    pthread_cond_destroy(&bg->flush_cv);
    pthread_cond_destroy(&bg->compact_cv);
    pthread_cond_destroy(&bg->done_cv);
    pthread_mutex_destroy(&bg->mu);
    free(bg);
}

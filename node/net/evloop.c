/* evloop: see evloop.h. Invariant: batch_n counts the list batch_head..batch_tail, never
 * above EVLOOP_BATCH_MAX, and batch_prepare and batch_check are active exactly while the list
 * is not empty. Why both: jobs queued by I/O callbacks (poll phase) go out in the check phase
 * right after; jobs queued anywhere else (timers, idle, check, or outside uv_run) go out in the
 * next prepare phase, before the loop may block in poll. */
#include "node/net/evloop.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "node/base/assert.h"
#include "node/base/log.h"
#include "node/base/mem.h"

static _Thread_local struct evloop *current;

struct evloop *evloop_current(void)
{
    return current;
}

static void drain(uv_async_t *h)
{
    struct evloop *l = h->data;
    pthread_mutex_lock(&l->mu);
    struct evloop_task *t = l->head;
    l->head = l->tail = NULL;
    pthread_mutex_unlock(&l->mu);
    while (t) {
        struct evloop_task *next = t->next;
        t->fn(t);
        t = next;
    }
}

static int setup(struct evloop *l, uint32_t index)
{
    l->index = index;
    pthread_mutex_init(&l->mu, NULL);
    int rc = uv_async_init(l->uv, &l->wake, drain);
    if (rc < 0) return rc;
    l->wake.data = l;
    rc = uv_prepare_init(l->uv, &l->batch_prepare);
    ASSERT(rc == 0); /* neither can fail on unix */
    rc = uv_check_init(l->uv, &l->batch_check);
    ASSERT(rc == 0);
    l->batch_prepare.data = l;
    l->batch_check.data = l;
    return 0;
}

int evloop_attach(struct evloop *l, uv_loop_t *uv, uint32_t index)
{
    memset(l, 0, sizeof *l);
    l->uv = uv;
    current = l;
    return setup(l, index);
}

int evloop_create(struct evloop *l, uint32_t index)
{
    memset(l, 0, sizeof *l);
    int rc = uv_loop_init(&l->own);
    if (rc < 0) return rc;
    l->uv = &l->own;
    l->own_loop = true;
    return setup(l, index);
}

static void *loop_main(void *arg)
{
    struct evloop *l = arg;
    current = l;
    uv_run(l->uv, UV_RUN_DEFAULT);
    return NULL;
}

int evloop_start(struct evloop *l)
{
    ASSERT(l->own_loop && !l->has_thread);
    int rc = pthread_create(&l->thread, NULL, loop_main, l);
    if (rc != 0) return -rc;
    l->has_thread = true;
    return 0;
}

void evloop_post(struct evloop *l, struct evloop_task *t)
{
    t->next = NULL;
    pthread_mutex_lock(&l->mu);
    ASSERT(!l->closing);
    if (l->tail) l->tail->next = t;
    else l->head = t;
    l->tail = t;
    pthread_mutex_unlock(&l->mu);
    uv_async_send(&l->wake);
}

static void work_cb(uv_work_t *req)
{
    struct evloop_work *w = req->data;
    w->work_fn(w);
}

static void after_work_cb(uv_work_t *req, int status)
{
    (void)status;
    struct evloop_work *w = req->data;
    w->done_fn(w);
}

static void submit_task(struct evloop_task *t)
{
    struct evloop_work *w = (struct evloop_work *)((char *)t - offsetof(struct evloop_work, done_task));
    w->req.data = w;
    int rc = uv_queue_work(w->loop->uv, &w->req, work_cb, after_work_cb);
    ASSERT(rc == 0);
}

void evloop_work(struct evloop_work *w)
{
    /* uv_queue_work must be called on the loop's thread: hop there first if needed. */
    w->done_task.fn = submit_task;
    if (evloop_current() == w->loop) submit_task(&w->done_task);
    else evloop_post(w->loop, &w->done_task);
}

/* One pool job carrying a batch of evloop_work_batched jobs. */
struct batch {
    uv_work_t req;
    struct evloop_work *head;
};

static void batch_work_cb(uv_work_t *req)
{
    struct batch *b = req->data;
    for (struct evloop_work *w = b->head; w; w = w->batch_next) w->work_fn(w);
}

static void batch_after_cb(uv_work_t *req, int status)
{
    (void)status;
    struct batch *b = req->data;
    struct evloop_work *w = b->head;
    free(b);
    while (w) {
        struct evloop_work *next = w->batch_next; /* done_fn may free w */
        w->done_fn(w);
        w = next;
    }
}

static void batch_submit(struct evloop *l)
{
    if (!l->batch_head) return;
    struct batch *b = xmalloc(sizeof *b);
    b->head = l->batch_head;
    b->req.data = b;
    l->batch_head = l->batch_tail = NULL;
    l->batch_n = 0;
    uv_prepare_stop(&l->batch_prepare);
    uv_check_stop(&l->batch_check);
    int rc = uv_queue_work(l->uv, &b->req, batch_work_cb, batch_after_cb);
    ASSERT(rc == 0);
}

static void batch_prepare_cb(uv_prepare_t *h)
{
    batch_submit(h->data);
}

static void batch_check_cb(uv_check_t *h)
{
    batch_submit(h->data);
}

void evloop_work_batched(struct evloop_work *w)
{
    struct evloop *l = w->loop;
    if (evloop_current() != l) {
        evloop_work(w);
        return;
    }
    w->batch_next = NULL;
    if (l->batch_tail) l->batch_tail->batch_next = w;
    else {
        l->batch_head = w;
        uv_prepare_start(&l->batch_prepare, batch_prepare_cb);
        uv_check_start(&l->batch_check, batch_check_cb);
    }
    l->batch_tail = w;
    if (++l->batch_n == EVLOOP_BATCH_MAX) batch_submit(l);
}

static void closed_cb(uv_handle_t *h)
{
    (void)h;
}

void evloop_close(struct evloop *l)
{
    ASSERT(evloop_current() == l);
    batch_submit(l);
    uv_close((uv_handle_t *)&l->batch_prepare, closed_cb);
    uv_close((uv_handle_t *)&l->batch_check, closed_cb);
    drain(&l->wake);
    pthread_mutex_lock(&l->mu);
    l->closing = true;
    pthread_mutex_unlock(&l->mu);
    uv_close((uv_handle_t *)&l->wake, closed_cb);
}

void evloop_join(struct evloop *l)
{
    if (l->has_thread) {
        pthread_join(l->thread, NULL);
        l->has_thread = false;
    }
    if (l->own_loop) {
        int rc = uv_loop_close(l->uv);
        if (rc != 0) log_warn("evloop", "loop close left handles open index=%u rc=%d", l->index, rc);
    }
    pthread_mutex_destroy(&l->mu);
}

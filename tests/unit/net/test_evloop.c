/* Unit tests for evloop: cross-thread posting and thread-pool work returning to the loop. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdatomic.h>

#include "node/net/evloop.h"

#define NTASKS 2000

struct counted {
    struct evloop_task task;
    int seq;
};

static struct evloop loop;
static int next_expected;
static bool order_ok = true;
static bool thread_ok = true;
static struct counted tasks[NTASKS];

static void count_fn(struct evloop_task *t)
{
    struct counted *c = (struct counted *)t;
    if (evloop_current() != &loop) thread_ok = false;
    if (c->seq != next_expected) order_ok = false;
    next_expected++;
    if (next_expected == NTASKS) evloop_close(&loop);
}

static void *poster(void *arg)
{
    (void)arg;
    for (int i = 0; i < NTASKS; i++) {
        tasks[i].seq = i;
        tasks[i].task.fn = count_fn;
        evloop_post(&loop, &tasks[i].task);
    }
    return NULL;
}

Test(evloop, tasks_from_another_thread_run_in_order_on_the_loop)
{
    cr_assert_eq(evloop_create(&loop, 1), 0);
    cr_assert_eq(evloop_start(&loop), 0);
    pthread_t t;
    pthread_create(&t, NULL, poster, NULL);
    pthread_join(t, NULL);
    evloop_join(&loop); /* returns once the last task closed the loop */
    cr_assert_eq(next_expected, NTASKS);
    cr_assert(order_ok, "FIFO order");
    cr_assert(thread_ok, "every task ran on the loop thread");
}

static struct evloop wloop;
static pthread_t loop_thread;
static atomic_int work_elsewhere;
static atomic_int done_on_loop;

static void work_fn(struct evloop_work *w)
{
    (void)w;
    if (!pthread_equal(pthread_self(), loop_thread)) atomic_fetch_add(&work_elsewhere, 1);
}

static void done_fn(struct evloop_work *w)
{
    (void)w;
    if (evloop_current() == &wloop) atomic_fetch_add(&done_on_loop, 1);
    if (atomic_load(&done_on_loop) == 8) evloop_close(&wloop);
}

static void record_thread(struct evloop_task *t)
{
    (void)t;
    loop_thread = pthread_self();
}

Test(evloop, work_runs_off_the_loop_and_completes_on_it)
{
    cr_assert_eq(evloop_create(&wloop, 2), 0);
    struct evloop_task rec = {.fn = record_thread};
    evloop_post(&wloop, &rec);
    cr_assert_eq(evloop_start(&wloop), 0);
    static struct evloop_work w[8];
    for (int i = 0; i < 8; i++) {
        w[i].loop = &wloop;
        w[i].work_fn = work_fn;
        w[i].done_fn = done_fn;
        evloop_work(&w[i]); /* from the test thread: hops to the loop first */
    }
    evloop_join(&wloop);
    cr_assert_eq(atomic_load(&done_on_loop), 8);
    cr_assert_eq(atomic_load(&work_elsewhere), 8);
}

/* evloop_work_batched: jobs submitted in one loop iteration (more than one batch's worth) run
   off the loop, complete on it in submission order, and the loop still closes cleanly. */
#define NBATCHED (2 * EVLOOP_BATCH_MAX + 7)

static struct evloop bloop;
static pthread_t bloop_thread;
static struct evloop_work bw[NBATCHED];
static atomic_int b_elsewhere;
static int b_done;
static bool b_order_ok = true;
static bool b_thread_ok = true;

static void b_work(struct evloop_work *w)
{
    (void)w;
    if (!pthread_equal(pthread_self(), bloop_thread)) atomic_fetch_add(&b_elsewhere, 1);
}

static void b_done_fn(struct evloop_work *w)
{
    if (evloop_current() != &bloop) b_thread_ok = false;
    if (w != &bw[b_done]) b_order_ok = false;
    if (++b_done == NBATCHED) evloop_close(&bloop);
}

static void submit_batched(struct evloop_task *t)
{
    (void)t;
    bloop_thread = pthread_self();
    for (int i = 0; i < NBATCHED; i++) {
        bw[i].loop = &bloop;
        bw[i].work_fn = b_work;
        bw[i].done_fn = b_done_fn;
        evloop_work_batched(&bw[i]);
    }
}

Test(evloop, batched_work_runs_off_the_loop_and_completes_in_order)
{
    cr_assert_eq(evloop_create(&bloop, 3), 0);
    struct evloop_task t = {.fn = submit_batched};
    evloop_post(&bloop, &t);
    cr_assert_eq(evloop_start(&bloop), 0);
    evloop_join(&bloop);
    cr_assert_eq(b_done, NBATCHED);
    cr_assert_eq(atomic_load(&b_elsewhere), NBATCHED);
    cr_assert(b_order_ok, "completions in submission order");
    cr_assert(b_thread_ok, "completions on the loop thread");
}

/* Called off the loop's thread, evloop_work_batched hops to the loop like evloop_work. */
static struct evloop oloop;
static atomic_int o_done;

static void o_work(struct evloop_work *w)
{
    (void)w;
}

static void o_done_fn(struct evloop_work *w)
{
    (void)w;
    if (evloop_current() == &oloop && atomic_fetch_add(&o_done, 1) + 1 == 4)
        evloop_close(&oloop);
}

Test(evloop, batched_work_from_another_thread_completes_on_the_loop)
{
    cr_assert_eq(evloop_create(&oloop, 4), 0);
    cr_assert_eq(evloop_start(&oloop), 0);
    static struct evloop_work w[4];
    for (int i = 0; i < 4; i++) {
        w[i].loop = &oloop;
        w[i].work_fn = o_work;
        w[i].done_fn = o_done_fn;
        evloop_work_batched(&w[i]);
    }
    evloop_join(&oloop);
    cr_assert_eq(atomic_load(&o_done), 4);
}

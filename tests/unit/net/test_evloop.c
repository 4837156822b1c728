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

/*
 * evloop: a libuv loop that other threads can hand work to, and the set of loops a node runs
 * (one per core: loop 0 is the daemon's main loop, the others run on their own threads).
 *
 * Why: event-loop threads own their state and never block, so work that must block (fsync
 * waits, SSTable reads, schema writes) runs elsewhere and its completion has to come back to
 * the loop that owns the connection. libuv allows exactly one cross-thread call,
 * uv_async_send; evloop_post() queues a task under a short mutex and wakes the loop with it.
 * Tasks run in FIFO order on the loop thread. evloop_work() runs a function on libuv's thread
 * pool and its completion on the loop (a thin uv_queue_work wrapper that can be called from
 * any thread). evloop_work_batched() is for many short jobs (single-partition reads): the jobs
 * a loop submits during one iteration of its loop go to the pool together, at most
 * EVLOOP_BATCH_MAX to a pool job, so one wake-up each way serves a batch instead of one job
 * (with 16 requests in flight on 50 connections, per-job hand-offs spent ~30% of the CPU in the
 * scheduler; docs/benchmarks.md "CQL round trips").
 *
 * Thread rule: evloop_post and evloop_work may be called from any thread; everything else from
 * the owning thread (init/start from the thread that creates the loops).
 */
#ifndef RINGDB_NET_EVLOOP_H
#define RINGDB_NET_EVLOOP_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#define EVLOOP_MAX 64
#define EVLOOP_BATCH_MAX 64 /* jobs per pool job of evloop_work_batched */

struct evloop_task {
    struct evloop_task *next;
    void (*fn)(struct evloop_task *t); /* runs on the loop thread */
};

struct evloop_work;

struct evloop {
    uv_loop_t *uv;        /* the loop (owned when own_loop) */
    uv_loop_t own;        /* storage for a loop this evloop created */
    uv_async_t wake;
    uv_prepare_t batch_prepare;      /* submit the batch before the loop can block in poll */
    uv_check_t batch_check;          /* ... and right after poll's callbacks queued it */
    struct evloop_work *batch_head;  /* loop thread only: jobs not yet submitted */
    struct evloop_work *batch_tail;
    uint32_t batch_n;
    pthread_mutex_t mu;
    struct evloop_task *head, *tail;
    pthread_t thread;
    uint32_t index;       /* 0 .. n-1 in its set */
    bool own_loop;
    bool has_thread;
    bool closing;
};

/* Attaches to an existing loop run by the caller (the daemon's main loop). */
int evloop_attach(struct evloop *l, uv_loop_t *uv, uint32_t index);
/* Creates a new loop; evloop_start() runs it on a new thread. */
int evloop_create(struct evloop *l, uint32_t index);
int evloop_start(struct evloop *l);
/* Queues t to run on l's thread. Safe from any thread, including l's own. */
void evloop_post(struct evloop *l, struct evloop_task *t);

/* A blocking job for the thread pool whose completion runs on the loop. */
struct evloop_work {
    uv_work_t req;
    struct evloop_task done_task;
    struct evloop *loop;
    void (*work_fn)(struct evloop_work *w); /* thread pool: may block */
    void (*done_fn)(struct evloop_work *w); /* loop thread */
    struct evloop_work *batch_next;         /* private */
};
/* Submits w (filled by the caller with loop, work_fn, done_fn). Any thread. */
void evloop_work(struct evloop_work *w);
/* Like evloop_work, for short jobs: w joins the batch of this loop iteration; the batch's jobs
   run one after the other on a pool thread and complete on the loop in submission order.
   Called off w->loop's thread it is evloop_work. A job that may block for long (an fsync
   wait, a scan) belongs in evloop_work: it would delay the rest of its batch. */
void evloop_work_batched(struct evloop_work *w);

/* Asks the loop to close its wake handle so it can end; from the loop's own thread. Tasks
   already queued still run. For a threaded loop, evloop_join() then waits for the thread. */
void evloop_close(struct evloop *l);
void evloop_join(struct evloop *l);

/* The evloop whose thread is calling, or NULL. */
struct evloop *evloop_current(void);

#endif

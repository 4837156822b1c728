/* compaction_throttle: see compaction_throttle.h. A reservation of n bytes moves next_ns
   forward by n / rate seconds; the caller sleeps until the old next_ns. Idle time is not
   banked (no burst beyond one reservation), like a RateLimiter with no stored permits. */
#include "storage/compaction_throttle.h"

#include <errno.h>
#include <time.h>

#include "node/base/clock.h"

void compaction_throttle_init(struct compaction_throttle *t, uint64_t bytes_per_s)
{
    pthread_mutex_init(&t->mu, NULL);
    t->bytes_per_s = bytes_per_s;
    t->next_ns = 0;
}

void compaction_throttle_deinit(struct compaction_throttle *t)
{
    if (t) pthread_mutex_destroy(&t->mu);
}

void compaction_throttle_set_rate(struct compaction_throttle *t, uint64_t bytes_per_s)
{
    pthread_mutex_lock(&t->mu);
    t->bytes_per_s = bytes_per_s;
    pthread_mutex_unlock(&t->mu);
}

void compaction_throttle_acquire(struct compaction_throttle *t, uint64_t bytes)
{
    pthread_mutex_lock(&t->mu);
    uint64_t rate = t->bytes_per_s;
    if (rate == 0) {
        pthread_mutex_unlock(&t->mu);
        return;
    }
    int64_t now = clock_mono_ns();
    if (t->next_ns < now) t->next_ns = now;
    int64_t start = t->next_ns;
    t->next_ns += (int64_t)((double)bytes * 1e9 / (double)rate);
    pthread_mutex_unlock(&t->mu);
    int64_t wait = start - now;
    if (wait <= 0) return;
    struct timespec ts = {(time_t)(wait / 1000000000), (long)(wait % 1000000000)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

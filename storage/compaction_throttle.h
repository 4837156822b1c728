/*
 * compaction_throttle: a byte-rate limiter shared by every compaction of a store
 * (Cassandra's compaction_throughput, a Guava RateLimiter there). acquire(n) reserves n bytes
 * of the budget and sleeps until the reservation starts: a caller pays for what it takes before
 * its next acquire, never more than one reservation at a time per caller.
 * Thread rule: thread-safe; acquire blocks, so call it only from background threads.
 */
#ifndef RINGDB_STORAGE_COMPACTION_THROTTLE_H
#define RINGDB_STORAGE_COMPACTION_THROTTLE_H

#include <pthread.h>
#include <stdint.h>

struct compaction_throttle {
    pthread_mutex_t mu;
    uint64_t bytes_per_s; /* 0: unthrottled */
    int64_t next_ns;      /* monotonic time when the next reservation may start */
};

void compaction_throttle_init(struct compaction_throttle *t, uint64_t bytes_per_s);
void compaction_throttle_deinit(struct compaction_throttle *t);
void compaction_throttle_set_rate(struct compaction_throttle *t, uint64_t bytes_per_s);
/* Waits as needed so that bytes pass at no more than the rate. */
void compaction_throttle_acquire(struct compaction_throttle *t, uint64_t bytes);

#endif

/*
 * clock: the process's clocks. Pure cores never call these: they take time as an argument
 * (a fake clock in tests). Write timestamps are microseconds since the Unix epoch (Cassandra);
 * local deletion times and TTL expiry are seconds.
 */
#ifndef RINGDB_BASE_CLOCK_H
#define RINGDB_BASE_CLOCK_H

#include <stdint.h>

int64_t clock_mono_ns(void);
int64_t clock_mono_ms(void);
int64_t clock_real_us(void);
int64_t clock_real_ms(void);
int32_t clock_real_s(void);

#endif

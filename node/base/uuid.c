/* uuid: see uuid.h. timeuuid_now keeps a process-wide last timestamp so ids never repeat. */
#include "node/base/uuid.h"

#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <string.h>

#include "node/base/be.h"
#include "node/base/clock.h"

static const char hex[] = "0123456789abcdef";

void uuid_format(const struct uuid *u, char out[UUID_STR_LEN + 1])
{
    size_t o = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out[o++] = '-';
        out[o++] = hex[u->b[i] >> 4];
        out[o++] = hex[u->b[i] & 15];
    }
    out[o] = '\0';
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int uuid_parse(const char *s, size_t len, struct uuid *out)
{
    if (len != UUID_STR_LEN) return -1;
    struct uuid u;
    size_t j = 0;
    for (size_t i = 0; i < len;) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-') return -1;
            i++;
            continue;
        }
        int hi = hexval(s[i]), lo = hexval(s[i + 1]);
        if (hi < 0 || lo < 0) return -1;
        u.b[j++] = (uint8_t)(hi << 4 | lo);
        i += 2;
    }
    *out = u;
    return 0;
}

void uuid_random(struct uuid *out)
{
    randombytes_buf(out->b, 16);
    out->b[6] = (uint8_t)((out->b[6] & 0x0f) | 0x40);
    out->b[8] = (uint8_t)((out->b[8] & 0x3f) | 0x80);
}

int uuid_version(const struct uuid *u)
{
    return u->b[6] >> 4;
}

bool uuid_is_nil(const struct uuid *u)
{
    static const uint8_t zero[16];
    return memcmp(u->b, zero, 16) == 0;
}

/* Two big-endian 64-bit halves: the same order as memcmp, without the libc call (the store
   looks tables up by id on every read and write). */
int uuid_cmp_bytes(const struct uuid *a, const struct uuid *b)
{
    uint64_t x = be64_load(a->b), y = be64_load(b->b);
    if (x == y) {
        x = be64_load(a->b + 8);
        y = be64_load(b->b + 8);
    }
    return x < y ? -1 : x > y;
}

static void set_v1(struct uuid *out, uint64_t ts, uint16_t clock_seq, const uint8_t node[6])
{
    uint32_t time_low = (uint32_t)ts;
    uint16_t time_mid = (uint16_t)(ts >> 32);
    uint16_t time_hi = (uint16_t)((ts >> 48) & 0x0fff) | 0x1000;
    out->b[0] = (uint8_t)(time_low >> 24);
    out->b[1] = (uint8_t)(time_low >> 16);
    out->b[2] = (uint8_t)(time_low >> 8);
    out->b[3] = (uint8_t)time_low;
    out->b[4] = (uint8_t)(time_mid >> 8);
    out->b[5] = (uint8_t)time_mid;
    out->b[6] = (uint8_t)(time_hi >> 8);
    out->b[7] = (uint8_t)time_hi;
    out->b[8] = (uint8_t)(((clock_seq >> 8) & 0x3f) | 0x80);
    out->b[9] = (uint8_t)clock_seq;
    memcpy(out->b + 10, node, 6);
}

static pthread_once_t node_once = PTHREAD_ONCE_INIT;
static uint8_t node_id[6];
static uint16_t node_clock_seq;
static _Atomic uint64_t last_ts;

static void node_init(void)
{
    randombytes_buf(node_id, sizeof node_id);
    node_id[0] |= 0x01; /* multicast bit: a random node id, per RFC 4122 4.5 */
    randombytes_buf(&node_clock_seq, sizeof node_clock_seq);
}

void timeuuid_now(struct uuid *out)
{
    pthread_once(&node_once, node_init);
    uint64_t now = (uint64_t)(clock_real_us() * 10 + TIMEUUID_EPOCH_OFFSET);
    uint64_t prev = atomic_load(&last_ts), next;
    do {
        next = now > prev ? now : prev + 1;
    } while (!atomic_compare_exchange_weak(&last_ts, &prev, next));
    set_v1(out, next, node_clock_seq, node_id);
}

void timeuuid_from_ms(int64_t unix_ms, bool max, struct uuid *out)
{
    /* Cassandra: min uses the lowest clock/node bytes (signed-byte order: 0x80...), max the highest. */
    uint64_t ts = (uint64_t)(unix_ms * 10000 + TIMEUUID_EPOCH_OFFSET);
    if (max) ts += 9999;
    static const uint8_t min_node[6] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80};
    static const uint8_t max_node[6] = {0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f};
    set_v1(out, ts, max ? 0x3f7f : 0x0080, max ? max_node : min_node);
    out->b[8] = max ? 0xbf : 0x80;
    out->b[9] = max ? 0x7f : 0x80;
}

uint64_t timeuuid_ts100ns(const struct uuid *u)
{
    const uint8_t *b = u->b;
    uint64_t time_low = (uint64_t)b[0] << 24 | (uint64_t)b[1] << 16 | (uint64_t)b[2] << 8 | b[3];
    uint64_t time_mid = (uint64_t)b[4] << 8 | b[5];
    uint64_t time_hi = ((uint64_t)b[6] << 8 | b[7]) & 0x0fff;
    return time_hi << 48 | time_mid << 32 | time_low;
}

int64_t timeuuid_unix_ms(const struct uuid *u)
{
    return ((int64_t)timeuuid_ts100ns(u) - TIMEUUID_EPOCH_OFFSET) / 10000;
}

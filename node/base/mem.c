/* mem: see mem.h. */
#include "node/base/mem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "node/base/log.h"

static _Noreturn void oom(size_t size)
{
    log_write(LOG_ERROR, "mem", "out of memory size=%zu", size);
    abort();
}

void *xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p) oom(size);
    return p;
}

/* Small zeroed blocks: malloc + memset. glibc's calloc bypasses the per-thread cache, so on
   hot paths (an iterator per read) it cost several times a cached malloc. Big ones keep calloc
   (fresh mmap'd memory needs no memset). */
#define XCALLOC_MEMSET_MAX 4096

void *xcalloc(size_t count, size_t size)
{
    if (count == 0) count = 1;
    if (size == 0) size = 1;
    if (size <= XCALLOC_MEMSET_MAX / count) {
        void *p = xmalloc(count * size);
        memset(p, 0, count * size);
        return p;
    }
    void *p = calloc(count, size);
    if (!p) oom(count * size);
    return p;
}

void *xrealloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size ? size : 1);
    if (!p) oom(size);
    return p;
}

char *xstrdup(const char *s)
{
    return xmemdup(s, strlen(s) + 1);
}

char *xstrndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *p = xmalloc(len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

void *xmemdup(const void *p, size_t n)
{
    void *q = xmalloc(n);
    if (n) memcpy(q, p, n);
    return q;
}

void xgrow(void **ptr, size_t *cap, size_t need, size_t elem_size)
{
    if (need <= *cap) return;
    size_t ncap = *cap ? *cap : 8;
    while (ncap < need) ncap *= 2;
    if (ncap > SIZE_MAX / elem_size) oom(SIZE_MAX);
    *ptr = xrealloc(*ptr, ncap * elem_size);
    *cap = ncap;
}

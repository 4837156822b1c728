/* arena: see arena.h. Large requests get a block of their own so small ones do not waste it. */
#include "node/base/arena.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/base/assert.h"
#include "node/base/mem.h"

struct arena_block {
    struct arena_block *next;
    size_t size;
    _Alignas(16) uint8_t data[];
};

void arena_init(struct arena *a, size_t block_size)
{
    memset(a, 0, sizeof *a);
    a->block_size = block_size ? block_size : ARENA_BLOCK_DEFAULT;
}

void arena_init_buf(struct arena *a, size_t block_size, void *buf, size_t len)
{
    arena_init(a, block_size);
    uintptr_t p = ((uintptr_t)buf + 15) & ~(uintptr_t)15;
    size_t skip = p - (uintptr_t)buf;
    ASSERT(len >= ARENA_BUF_MIN && len - skip > sizeof(struct arena_block));
    struct arena_block *b = (struct arena_block *)p;
    b->next = NULL;
    b->size = len - skip - sizeof *b;
    a->head = a->first = b;
    a->first_borrowed = true;
    a->ptr = b->data;
    a->end = b->data + b->size;
}

/* Frees the blocks chained from b except keep. */
static void free_chain(struct arena_block *b, const struct arena_block *keep)
{
    while (b) {
        struct arena_block *next = b->next;
        if (b != keep) free(b);
        b = next;
    }
}

void arena_reset(struct arena *a)
{
    free_chain(a->head, a->first_borrowed ? a->first : NULL);
    a->head = NULL;
    a->ptr = a->end = NULL;
    a->reserved_bytes = a->used_bytes = 0;
    if (a->first_borrowed) {
        a->head = a->first;
        a->first->next = NULL;
        a->ptr = a->first->data;
        a->end = a->first->data + a->first->size;
    } else {
        a->first = NULL;
    }
}

void arena_rewind(struct arena *a)
{
    struct arena_block *f = a->first;
    if (!f) return;
    free_chain(a->head, f);
    f->next = NULL;
    a->head = f;
    a->ptr = f->data;
    a->end = f->data + f->size;
    a->used_bytes = 0;
    a->reserved_bytes = a->first_borrowed ? 0 : sizeof *f + f->size;
}

void arena_deinit(struct arena *a)
{
    if (a) arena_reset(a);
}

static struct arena_block *new_block(struct arena *a, size_t size)
{
    struct arena_block *b = xmalloc(sizeof *b + size);
    b->size = size;
    a->reserved_bytes += sizeof *b + size;
    return b;
}

void *arena_alloc(struct arena *a, size_t size)
{
    size_t need = (size + 7) & ~(size_t)7;
    ASSERT(need >= size);
    a->used_bytes += need;
    if ((size_t)(a->end - a->ptr) >= need && a->ptr) {
        void *p = a->ptr;
        a->ptr += need;
        return p;
    }
    if (need > a->block_size / 4) {
        /* Big: its own block, linked behind head so head keeps its free space. */
        struct arena_block *b = new_block(a, need);
        if (a->head) {
            b->next = a->head->next;
            a->head->next = b;
        } else {
            b->next = NULL;
            a->head = a->first = b;
            a->ptr = a->end = b->data + need;
        }
        return b->data;
    }
    struct arena_block *b = new_block(a, a->block_size);
    b->next = a->head;
    if (!a->head) a->first = b;
    a->head = b;
    a->ptr = b->data + need;
    a->end = b->data + b->size;
    return b->data;
}

void *arena_zalloc(struct arena *a, size_t size)
{
    void *p = arena_alloc(a, size);
    memset(p, 0, size);
    return p;
}

void *arena_dup(struct arena *a, const void *p, size_t size)
{
    void *q = arena_alloc(a, size);
    if (size) memcpy(q, p, size);
    return q;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    ASSERT(n >= 0);
    char *p = arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

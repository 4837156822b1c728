/*
 * arena: bump allocation in chained blocks, freed all at once. Used per request and per
 * memtable so hot paths make no per-cell malloc. Allocations are 8-byte aligned and never move.
 * Thread rule: one owner at a time (the memtable's writer holds the memtable mutex).
 * The struct is embedded by its owner: arena_init / arena_deinit.
 */
#ifndef RINGDB_BASE_ARENA_H
#define RINGDB_BASE_ARENA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena_block;

struct arena {
    struct arena_block *head; /* current block; older blocks chain behind it */
    uint8_t *ptr;             /* next free byte in head */
    uint8_t *end;             /* end of head */
    size_t block_size;
    size_t reserved_bytes; /* bytes obtained from malloc, headers included */
    size_t used_bytes;     /* bytes handed out */
    struct arena_block *first; /* the oldest block: what arena_rewind keeps */
    bool first_borrowed;       /* first is the caller's memory (arena_init_buf): never freed */
};

#define ARENA_BLOCK_DEFAULT (64 * 1024)

void arena_init(struct arena *a, size_t block_size);
/* Like arena_init, with buf (len bytes, borrowed: it must outlive the arena) as the first
   block, so an arena that stays small never mallocs (per-request scratch carved from a request
   arena). len must hold the block header plus some data (ARENA_BUF_MIN). */
#define ARENA_BUF_MIN 64
void arena_init_buf(struct arena *a, size_t block_size, void *buf, size_t len);
void arena_deinit(struct arena *a);
/* Frees every block; the arena is empty and reusable. */
void arena_reset(struct arena *a);
/* Empties the arena but keeps its first block (no malloc for the next allocations that fit):
   for scratch reset per row or per request. Everything allocated before is invalid. */
void arena_rewind(struct arena *a);
/* Returns size bytes, 8-byte aligned, valid until reset/deinit. Never NULL (aborts on OOM). */
void *arena_alloc(struct arena *a, size_t size);
void *arena_zalloc(struct arena *a, size_t size);
void *arena_dup(struct arena *a, const void *p, size_t size);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif

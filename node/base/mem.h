/*
 * mem: allocation that never returns NULL. Out of memory is not recoverable here: it logs and
 * aborts (STYLE.md). Capacity limits are checked *before* allocating and return ERR_OVERLOADED.
 */
#ifndef RINGDB_BASE_MEM_H
#define RINGDB_BASE_MEM_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
void *xmemdup(const void *p, size_t n);
/* Grows *ptr (an array of elem_size elements with capacity *cap) to hold at least need. */
void xgrow(void **ptr, size_t *cap, size_t need, size_t elem_size);

#endif

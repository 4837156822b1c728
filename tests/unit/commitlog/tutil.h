/* Helpers shared by the commit-log and fault-layer tests: temp dirs and whole-file access. */
#ifndef RINGDB_TESTS_UNIT_COMMITLOG_TUTIL_H
#define RINGDB_TESTS_UNIT_COMMITLOG_TUTIL_H

#include <stddef.h>
#include <stdint.h>

/* A fresh directory under $TMPDIR (or /tmp); returns a malloc'd path. */
char *tutil_mkdtemp(const char *tag);
/* Removes dir and everything under it, and frees the string. */
void tutil_rmtree(char *dir);
/* Joins dir and name into a malloc'd path. */
char *tutil_path(const char *dir, const char *name);
/* Reads a whole file into malloc'd memory; returns its size, or -1. */
long tutil_read_file(const char *path, uint8_t **out);
int tutil_write_file(const char *path, const void *p, size_t n);
/* Counts directory entries whose name starts with prefix. */
int tutil_count_files(const char *dir, const char *prefix);

#endif

/* Commit-log test helpers: opening logs, deterministic records, replay collection, log capture. */
#ifndef RINGDB_TESTS_UNIT_COMMITLOG_CLUTIL_H
#define RINGDB_TESTS_UNIT_COMMITLOG_CLUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "storage/commitlog.h"

#define CLUTIL_TABLES_MAX 64

struct clutil_rec {
    int table;
    uint32_t seq;
    store_pos pos;
};

struct clutil_replay {
    struct clutil_rec *recs;
    size_t len;
    size_t cap;
    int skip_table; /* records of this table return COMMITLOG_REPLAY_SKIPPED (-1: none) */
    int bad;        /* records whose payload did not match their header */
};

/* Table i's id (deterministic, never nil). */
void clutil_table_id(int i, struct uuid *out);
/* Record (table, seq): a self-checking payload of a length derived from seq, up to max_len. */
size_t clutil_payload(int table, uint32_t seq, size_t max_len, uint8_t *out);

struct commitlog *clutil_open(const char *dir, enum commitlog_sync mode, uint64_t segment_bytes,
                              struct vfs *vfs, bool ignore_errors);
/* Opens expecting a failure; returns the code and fills em. */
int clutil_open_rc(const char *dir, enum commitlog_sync mode, uint64_t segment_bytes,
                   struct vfs *vfs, bool ignore_errors, struct errmsg *em);
/* Appends record (table, seq) and returns its position (asserts success). */
store_pos clutil_append(struct commitlog *cl, int table, uint32_t seq, size_t max_len);
int clutil_append_rc(struct commitlog *cl, int table, uint32_t seq, size_t max_len, store_pos *pos);

/* Replays into r (which the caller zeroes, sets skip_table, and frees with clutil_replay_free). */
int clutil_replay(struct commitlog *cl, struct clutil_replay *r);
void clutil_replay_free(struct clutil_replay *r);
/* Opens dir, replays, closes; returns the records (asserts the open works). */
void clutil_reopen_replay(const char *dir, bool ignore_errors, struct clutil_replay *r);

/* Captures log lines into a temp file from now on; clutil_log_count counts lines containing s. */
void clutil_log_capture(void);
int clutil_log_count(const char *s);
/* Path of segment id in dir (malloc'd). */
char *clutil_segment_path(const char *dir, uint32_t id);
/* Flips one byte of a file. */
void clutil_flip_byte(const char *path, long off);
void clutil_truncate(const char *path, long len);
/* Copies every file of src into dst (an existing empty directory). */
void clutil_copy_dir(const char *src, const char *dst);

#endif

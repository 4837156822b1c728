/*
 * store_read: see store_read.h.
 *
 * Paging: the resume point becomes a clipped copy of the slices for the resumed partition
 * (after resume_ck going forward, before it in reverse), so a page never re-reads the rows the
 * previous pages returned. Sources are opened per partition; a single-partition read makes one
 * part_iter per source that may hold the key, and no other allocation except the merge's.
 */
#include "storage/store_read.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "node/base/mem.h"
#include "storage/bloom.h"
#include "storage/merge.h"

#define READ_STACK_SOURCES 16

struct read_ctx {
    struct table *t;
    const struct table_view *v;
    const struct read_cmd *cmd;
    const struct read_visitor *vis;
    struct errmsg *em;
    struct rows_spec spec;        /* what sources are asked for (never static_only) */
    struct rows_spec resume_spec; /* spec clipped after the resume clustering */
    struct slice *resume_slices;
};

/* The slices of spec that lie after (forward) or before (reversed) ck. */
static void clip_resume(struct read_ctx *c)
{
    const struct table_schema *s = c->v->schema;
    const struct rows_spec *in = &c->spec;
    c->resume_spec = *in;
    if (!c->cmd->resume_key.key || !c->cmd->resume_ck) return;
    struct slice all = slice_all();
    uint32_t n = in->nslices ? in->nslices : 1;
    const struct slice *sl = in->nslices ? in->slices : &all;
    c->resume_slices = xcalloc(n, sizeof *c->resume_slices);
    struct cbound b = {.prefix = c->cmd->resume_ck, .len = c->cmd->resume_ck_len};
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++) {
        struct slice x = sl[i];
        if (!in->reversed) {
            b.kind = BOUND_EXCL_START;
            if (bound_cmp(s, &x.end, &b) < 0) continue;
            if (bound_cmp(s, &x.start, &b) < 0) x.start = b;
        } else {
            b.kind = BOUND_EXCL_END;
            if (bound_cmp(s, &x.start, &b) > 0) continue;
            if (bound_cmp(s, &x.end, &b) > 0) x.end = b;
        }
        c->resume_slices[k++] = x;
    }
    c->resume_spec.slices = c->resume_slices;
    c->resume_spec.nslices = k;
    if (k == 0) { /* nothing left: an empty slice, since nslices == 0 would mean everything */
        c->resume_slices[0].start = (struct cbound){.kind = BOUND_EXCL_START};
        c->resume_slices[0].end = (struct cbound){.kind = BOUND_EXCL_END};
        c->resume_spec.nslices = 1;
    }
}

/* Feeds one merged partition to the visitor. Returns 0, READ_STOP, or an error. */
static int emit(struct read_ctx *c, const struct pkey *key, struct part_iter *m,
                bool static_done)
{
    const struct read_visitor *vis = c->vis;
    const struct row *st = m->static_row, *r;
    bool started = false;
    int rc, vr = READ_CONTINUE;
    if (c->cmd->rows.static_only) {
        if (!st) {
            if ((rc = part_iter_next(m, &r)) < 0) return rc;
            if (!r) return 0;
        } else if (static_done) {
            return 0;
        }
        vr = vis->partition_start(vis->arg, key, st);
        if (vr == READ_STOP) return READ_STOP;
        return vis->partition_end(vis->arg) == READ_STOP ? READ_STOP : 0;
    }
    for (;;) {
        if ((rc = part_iter_next(m, &r)) < 0) return rc;
        if (!r) break;
        if (!started) {
            started = true;
            vr = vis->partition_start(vis->arg, key, st);
            if (vr != READ_CONTINUE) break;
        }
        vr = vis->row(vis->arg, r);
        if (vr != READ_CONTINUE) break;
    }
    if (vr == READ_STOP) return READ_STOP;
    if (!started && st && !static_done) {
        started = true;
        if (vis->partition_start(vis->arg, key, st) == READ_STOP) return READ_STOP;
    }
    if (started && vis->partition_end(vis->arg) == READ_STOP) return READ_STOP;
    return 0;
}

static bool resumes_here(const struct read_ctx *c, const struct pkey *key)
{
    return c->cmd->resume_key.key && pkey_cmp(&c->cmd->resume_key, key) == 0;
}

static struct merge_opts live_opts(const struct read_ctx *c)
{
    struct merge_opts o = {.schema = c->v->schema,
                           .mode = MERGE_LIVE,
                           .now_s = c->cmd->now_s,
                           .reversed = c->spec.reversed,
                           .col_valid = c->v->col_valid,
                           .col_valid_n = c->v->col_valid_n};
    return o;
}

static void close_all(struct part_iter **its, size_t n)
{
    for (size_t i = 0; i < n; i++) part_iter_close(its[i]);
}

/* True when an SSTable of the view may hold the key (its token span and bloom filter). */
static bool sstables_may_hold(const struct table_view *v, const struct pkey *key)
{
    uint64_t h[2];
    bool hashed = false;
    for (uint32_t i = 0; i < v->nsst; i++) {
        const struct sstable_stats *ss = sstable_get_stats(v->ssts[i]);
        if (key->token < ss->first_token || key->token > ss->last_token) continue;
        if (!hashed) bloom_hash(key->key, key->len, h);
        hashed = true;
        if (sstable_may_contain_hash(v->ssts[i], h)) return true;
    }
    return false;
}

static int read_single(struct read_ctx *c)
{
    if (c->cmd->memory_only && sstables_may_hold(c->v, &c->cmd->key)) return -EWOULDBLOCK;
    const struct table_view *v = c->v;
    const struct pkey *key = &c->cmd->key;
    bool resume = resumes_here(c, key);
    const struct rows_spec *spec = resume ? &c->resume_spec : &c->spec;
    struct part_iter *stack[READ_STACK_SOURCES];
    size_t cap = v->nmem + v->nsst, n = 0;
    struct part_iter **its = cap <= READ_STACK_SOURCES ? stack : xmalloc(cap * sizeof *its);
    int rc = 0;
    for (uint32_t i = 0; i < v->nmem && rc == 0; i++) {
        rc = memtable_open_partition(v->mems[i], key, spec, &its[n]);
        if (rc == 0 && its[n]) n++;
    }
    uint64_t h[2];
    bool hashed = false;
    for (uint32_t i = 0; i < v->nsst && rc == 0; i++) {
        struct sstable *s = v->ssts[i];
        const struct sstable_stats *ss = sstable_get_stats(s);
        if (key->token < ss->first_token || key->token > ss->last_token) continue;
        if (!hashed) bloom_hash(key->key, key->len, h);
        hashed = true;
        bool may = sstable_may_contain_hash(s, h);
        table_note_bloom(c->t, !may);
        if (!may) continue;
        rc = sstable_find_partition(s, key, spec, &its[n], c->em);
        if (rc == 0 && its[n]) n++;
    }
    struct part_iter *m = NULL;
    if (rc == 0) {
        struct merge_opts o = live_opts(c);
        rc = merge_open(&o, its, n, &m); /* takes the sources */
        n = 0;
    }
    if (rc == 0) rc = emit(c, key, m, resume && c->cmd->resume_static_done);
    part_iter_close(m);
    close_all(its, n);
    if (its != stack) free(its);
    return rc == READ_STOP ? 0 : rc;
}

static bool overlaps(const struct sstable_stats *ss, const struct token_range *r)
{
    struct token_range span = {ss->first_token, ss->last_token, true, true};
    return token_range_contains(r, ss->first_token) || token_range_contains(r, ss->last_token) ||
           token_range_contains(&span, r->start);
}

static int open_scans(struct read_ctx *c, const struct token_range *r, struct range_iter **its,
                      size_t *n)
{
    const struct table_view *v = c->v;
    int rc = 0;
    *n = 0;
    for (uint32_t i = 0; i < v->nmem && rc == 0; i++) {
        rc = memtable_scan(v->mems[i], r, &its[*n]);
        if (rc == 0) (*n)++;
    }
    for (uint32_t i = 0; i < v->nsst && rc == 0; i++) {
        if (!overlaps(sstable_get_stats(v->ssts[i]), r)) continue;
        rc = sstable_scan(v->ssts[i], r, &its[*n], c->em);
        if (rc == 0) (*n)++;
    }
    if (rc < 0) {
        for (size_t i = 0; i < *n; i++) its[i]->ops->close(its[i]);
        *n = 0;
    }
    return rc;
}

static int read_range(struct read_ctx *c)
{
    const struct pkey *resume = c->cmd->resume_key.key ? &c->cmd->resume_key : NULL;
    struct token_range r = c->cmd->range;
    if (resume && (resume->token > r.start || (resume->token == r.start && !r.start_incl))) {
        if (!token_range_contains(&r, resume->token)) return 0; /* resumed past the end */
        r.start = resume->token;
        r.start_incl = true;
    }
    size_t cap = c->v->nmem + c->v->nsst, n;
    struct range_iter **its = xcalloc(cap ? cap : 1, sizeof *its);
    int rc = open_scans(c, &r, its, &n);
    struct merge_range *mr = NULL;
    if (rc == 0) rc = merge_range_open(its, n, &mr);
    free(its);
    struct merge_opts o = live_opts(c);
    while (rc == 0) {
        struct pkey k;
        if ((rc = merge_range_next(mr, &k)) < 0 || !k.key) break;
        int cmp = resume ? pkey_cmp(&k, resume) : 1;
        if (cmp < 0) continue;
        struct part_iter *m;
        rc = merge_range_open_partition(mr, &o, cmp == 0 ? &c->resume_spec : &c->spec, &m);
        if (rc < 0) break;
        rc = emit(c, &k, m, cmp == 0 && c->cmd->resume_static_done);
        part_iter_close(m);
    }
    merge_range_close(mr);
    return rc == READ_STOP ? 0 : rc;
}

int store_read_view(struct table *t, const struct table_view *v, const struct read_cmd *cmd,
                    const struct read_visitor *vis, struct errmsg *em)
{
    struct read_ctx c = {.t = t, .v = v, .cmd = cmd, .vis = vis, .em = em, .spec = cmd->rows};
    c.spec.static_only = false; /* sources are read for rows: DISTINCT needs to see one */
    clip_resume(&c);
    int rc = cmd->single ? read_single(&c) : read_range(&c);
    free(c.resume_slices);
    return rc;
}

/*
 * sstable_list: finds the complete SSTables of a table directory and removes what unfinished
 * writes left behind. Complete means TOC.txt exists under its final name (the writer renames it
 * last); every ".tmp" file and every component of a generation without a TOC is deleted.
 * Call it when the table is opened, before any writer of that directory starts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/base/log.h"
#include "node/base/mem.h"
#include "storage/sstable.h"
#include "storage/sstable_format.h"

#define SSTABLE_LIST_FILES_MAX (1u << 22)

struct entry {
    char *name;
    uint32_t gen;
    enum sstable_component c;
    bool tmp;
};

struct listing {
    struct entry *e;
    size_t n, cap;
    bool too_many;
};

static int collect(void *arg, const char *name)
{
    struct listing *l = arg;
    struct entry e;
    if (!sstable_format_parse_name(name, &e.gen, &e.c, &e.tmp)) return 0;
    if (l->n >= SSTABLE_LIST_FILES_MAX) {
        l->too_many = true;
        return 1;
    }
    e.name = xstrdup(name);
    xgrow((void **)&l->e, &l->cap, l->n + 1, sizeof *l->e);
    l->e[l->n++] = e;
    return 0;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* The generations with a final TOC.txt, sorted. */
static size_t complete_gens(const struct listing *l, uint32_t *out)
{
    size_t n = 0;
    for (size_t i = 0; i < l->n; i++)
        if (l->e[i].c == SSTABLE_TOC && !l->e[i].tmp) out[n++] = l->e[i].gen;
    qsort(out, n, sizeof *out, cmp_u32);
    return n;
}

int sstable_list(struct vfs *v, const char *table_dir, uint32_t **gens, size_t *n,
                 struct errmsg *em)
{
    struct listing l = {0};
    int rc = vfs_list_dir(v, table_dir, collect, &l);
    if (rc == 0 && l.too_many) rc = errmsg_set(em, ERR_LIMIT, "%s: too many files", table_dir);
    else if (rc < 0) rc = errmsg_set(em, rc, "%s: cannot list: %s", table_dir, strerror(-rc));
    uint32_t *out = xmalloc((l.n ? l.n : 1) * sizeof *out);
    size_t nout = rc == 0 ? complete_gens(&l, out) : 0;
    for (size_t i = 0; rc == 0 && i < l.n; i++) {
        struct entry *e = &l.e[i];
        if (!e->tmp && bsearch(&e->gen, out, nout, sizeof *out, cmp_u32)) continue;
        char path[4096];
        int w = snprintf(path, sizeof path, "%s/%s", table_dir, e->name);
        if (w <= 0 || (size_t)w >= sizeof path) continue;
        int urc = vfs_unlink(v, path);
        if (urc < 0 && urc != -ENOENT)
            log_warn("sstable", "cannot delete leftover path=%s err=%s", path, strerror(-urc));
        else
            log_info("sstable", "deleted leftover of an unfinished write path=%s", path);
    }
    for (size_t i = 0; i < l.n; i++) free(l.e[i].name);
    free(l.e);
    if (rc < 0) {
        free(out);
        return rc;
    }
    *gens = out;
    *n = nout;
    return 0;
}

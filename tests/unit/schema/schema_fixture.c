/* schema_fixture: see schema_fixture.h. */
#include "schema_fixture.h"

#include <criterion/criterion.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "node/cql/syskeyspaces.h"

const char *sfx_tmpdir(void)
{
    static __thread char path[8][512];
    static __thread int slot;
    char *p = path[slot++ % 8];
    const char *base = getenv("TMPDIR");
    snprintf(p, 512, "%s/ringdb-schema-XXXXXX", base && *base ? base : "/tmp");
    cr_assert(mkdtemp(p) != NULL);
    return p;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void sfx_rmdir(const char *path)
{
    nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

struct table_schema *sfx_table(const char *ks, const char *name, const char *columns, int npk,
                               int nck)
{
    struct uuid id;
    uuid_random(&id);
    struct table_schema *s = table_schema_new(ks, name, &id);
    struct arena a;
    arena_init(&a, 4096);
    const char *p = columns;
    for (int i = 0; *p; i++) {
        char item[256];
        size_t n = 0;
        int depth = 0;
        while (*p == ' ' || *p == ',')
            p++;
        for (; *p && (depth || *p != ','); p++) {
            depth += *p == '<' ? 1 : *p == '>' ? -1 : 0;
            cr_assert(n + 1 < sizeof item);
            item[n++] = *p;
        }
        item[n] = '\0';
        char *sp = strchr(item, ' ');
        cr_assert(sp != NULL);
        *sp = '\0';
        const struct cql_type *t;
        struct errmsg em;
        cr_assert(cql_type_parse(sp + 1, strlen(sp + 1), ks, NULL, NULL, &a, &t, &em) == 0, "%s",
                  em.text);
        enum column_kind kind = i < npk        ? COLUMN_PARTITION_KEY
                                : i < npk + nck ? COLUMN_CLUSTERING
                                                : COLUMN_REGULAR;
        int pos = i < npk ? i : i < npk + nck ? i - npk : -1;
        cr_assert(table_schema_add_column(s, item, kind, pos, false, t, &em) == 0, "%s", em.text);
    }
    arena_deinit(&a);
    struct errmsg em;
    cr_assert(table_schema_finish(s, &em) == 0, "%s", em.text);
    return s;
}

struct catalog *sfx_catalog(const char *ks)
{
    struct catalog_edit *e = catalog_edit_begin(NULL);
    syskeyspaces_add(e);
    if (ks) {
        struct catalog_ks_params p = {.name = ks, .durable_writes = true};
        p.strategy.kind = STRATEGY_SIMPLE;
        p.strategy.rf = 1;
        catalog_edit_put_keyspace(e, &p);
    }
    return catalog_edit_finish(e);
}

/* Store-level disk-full tests: with the fault layer failing writes with ENOSPC, the store refuses
   writes with a clear error, and every acknowledged write is readable after a restart. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "node/base/be.h"
#include "node/base/clock.h"
#include "storage/store.h"
#include "storage/vfs_fault.h"
#include "tests/support/kv_table.h"
#include "tests/unit/commitlog/tutil.h"

static char *dir;
static struct vfs_fault *fault;
static const struct uuid kv_id = {{0xE0, 0x05, 0x9C, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}};

static void setup(void)
{
    dir = tutil_mkdtemp("storeenospc");
    fault = vfs_fault_create(vfs_default());
}

static void teardown(void)
{
    vfs_fault_destroy(fault);
    tutil_rmtree(dir);
}

TestSuite(store_enospc, .init = setup, .fini = teardown, .timeout = 120);

struct db {
    struct store *st;
    struct table_schema *schema;
    char data[512], log[512];
};

static void db_open(struct db *db, struct vfs *vfs)
{
    snprintf(db->data, sizeof db->data, "%s/data", dir);
    snprintf(db->log, sizeof db->log, "%s/commitlog", dir);
    struct store_config c;
    store_config_defaults(&c);
    c.data_dir = db->data;
    c.commitlog_dir = db->log;
    c.sync_mode = COMMITLOG_SYNC_BATCH;
    c.segment_bytes = 64 << 10;
    c.vfs = vfs;
    struct errmsg em = {0};
    db->schema = kv_table_schema("t", "kv", &kv_id);
    cr_assert_eq(store_open(&c, &db->st, &em), 0, "%s", em.text);
    cr_assert_eq(store_add_table(db->st, db->schema, &em), 0, "%s", em.text);
    cr_assert_eq(store_replay(db->st, &em), 0, "%s", em.text);
}

static void db_close(struct db *db)
{
    store_close(db->st);
    table_schema_unref(db->schema);
}

/* Writes row n (value "value-<n>") and waits until it is durable; returns the error. */
static int put(struct db *db, uint32_t n, struct errmsg *em)
{
    uint8_t key[4], value[32];
    be32_store(key, n);
    int vlen = snprintf((char *)value, sizeof value, "value-%u", n);
    struct kv_table_update k;
    kv_table_update_init(&k, db->schema, key, 4, value, (uint32_t)vlen, clock_real_us());
    return kv_table_put(db->st, &k, true, em);
}

static bool get(struct db *db, uint32_t n)
{
    uint8_t key[4], value[32];
    be32_store(key, n);
    char want[32];
    int wlen = snprintf(want, sizeof want, "value-%u", n);
    uint32_t vlen = 0;
    bool found = false;
    struct errmsg em = {0};
    cr_assert_eq(kv_table_get(db->st, &kv_id, key, 4, value, sizeof value, &vlen, &found, &em), 0,
                 "%s", em.text);
    return found && vlen == (uint32_t)wlen && memcmp(value, want, vlen) == 0;
}

static void fill_disk(const char *filter)
{
    struct vfs_fault_config c = {.write = {.at = 1, .is_sticky = true, .err = ENOSPC}};
    snprintf(c.path_filter, sizeof c.path_filter, "%s", filter);
    vfs_fault_set(fault, &c);
}

Test(store_enospc, full_commit_log_refuses_writes_and_recovers_when_space_returns)
{
    struct db db;
    db_open(&db, vfs_fault_vfs(fault));
    struct errmsg em = {0};
    for (uint32_t i = 0; i < 50; i++)
        cr_assert_eq(put(&db, i, &em), 0, "%s", em.text);
    fill_disk("CommitLog");
    for (uint32_t i = 50; i < 60; i++) {
        memset(&em, 0, sizeof em);
        int rc = put(&db, i, &em);
        cr_assert_eq(rc, -ENOSPC, "write %u refused: %s", i, err_name(rc));
        cr_assert(strstr(em.text, "ENOSPC") != NULL, "a clear message: '%s'", em.text);
    }
    for (uint32_t i = 0; i < 50; i++)
        cr_assert(get(&db, i), "acknowledged %u readable", i);
    cr_assert_not(get(&db, 55), "a refused write left nothing behind");
    vfs_fault_clear(fault);
    for (uint32_t i = 60; i < 70; i++)
        cr_assert_eq(put(&db, i, &em), 0, "%s", em.text);
    db_close(&db);

    db_open(&db, NULL);
    for (uint32_t i = 0; i < 70; i++)
        cr_assert_eq(get(&db, i), i < 50 || i >= 60, "row %u after restart", i);
    db_close(&db);
}

Test(store_enospc, full_disk_then_crash_keeps_every_acknowledged_write)
{
    struct db db;
    db_open(&db, vfs_fault_vfs(fault));
    struct errmsg em = {0};
    for (uint32_t i = 0; i < 40; i++)
        cr_assert_eq(put(&db, i, &em), 0, "%s", em.text);
    fill_disk(""); /* every file: flushes fail too */
    int refused = 0;
    for (uint32_t i = 40; i < 60; i++)
        refused += put(&db, i, &em) == -ENOSPC;
    cr_assert_eq(refused, 20);
    vfs_fault_set_frozen(fault, true); /* the process dies: nothing more reaches the disk */
    db_close(&db);
    vfs_fault_set_frozen(fault, false);
    vfs_fault_clear(fault);

    db_open(&db, NULL);
    for (uint32_t i = 0; i < 60; i++)
        cr_assert_eq(get(&db, i), i < 40, "row %u after restart", i);
    db_close(&db);
}

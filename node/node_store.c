/*
 * node_store: see node_store.h. The store logs its own replay counts ("commit log replayed
 * applied=... skipped=... bad=..."); the lines here add the directories and the time taken.
 */
#include "node/node_store.h"

#include <sys/resource.h>

#include "node/base/clock.h"
#include "node/base/log.h"
#include "node/node.h"
#include "storage/vfs_fault.h"

static const char *sync_name(enum commitlog_sync s)
{
    return s == COMMITLOG_SYNC_BATCH ? "batch" : s == COMMITLOG_SYNC_GROUP ? "group" : "periodic";
}

static double ms_since(int64_t t0_ns)
{
    return (double)(clock_mono_ns() - t0_ns) / 1e6;
}

/* The file layer: RINGDB_FAULTS (storage/vfs_fault.h) lets process tests inject disk faults
   into a real node; vfs_fault_create_from_env logs the one warning line that says so. */
static int open_vfs(struct node *n, struct errmsg *em)
{
    int rc = vfs_fault_create_from_env(vfs_default(), &n->faults, em);
    if (rc != 0) return rc;
    n->vfs = n->faults ? vfs_fault_vfs(n->faults) : vfs_default();
    return 0;
}

static void close_vfs(struct node *n)
{
    vfs_fault_destroy(n->faults);
    n->faults = NULL;
    n->vfs = NULL;
}

int node_store_open(struct node *n, struct errmsg *em)
{
    struct store_config sc;
    config_store_config(n->cfg, &sc);
    int64_t t0 = clock_mono_ns();
    int rc = open_vfs(n, em);
    if (rc != 0) return rc;
    sc.vfs = n->vfs;
    rc = store_open(&sc, &n->store, em);
    if (rc != 0) {
        close_vfs(n); /* a failed phase is not closed by node.c */
        return rc;
    }
    log_info("node",
             "store opened data_dir=%s commitlog_dir=%s commitlog_sync=%s "
             "memtable_space_mib=%llu compactors=%u ms=%.1f",
             sc.data_dir, sc.commitlog_dir, sync_name(sc.sync_mode),
             (unsigned long long)(sc.memtable_space_bytes >> 20), sc.concurrent_compactors,
             ms_since(t0));
    return 0;
}

/* CPU time of the whole process (every thread): replay runs on two threads and competes
   with other processes, so wall time alone says little on a loaded machine. */
static double cpu_ms(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) < 0) return 0;
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

int node_store_replay(struct node *n, struct errmsg *em)
{
    int64_t t0 = clock_mono_ns();
    double cpu0_ms = cpu_ms();
    int rc = store_replay(n->store, em);
    if (rc != 0) return rc;
    log_info("node", "commit log replay done ms=%.1f cpu_ms=%.1f", ms_since(t0),
             cpu_ms() - cpu0_ms);
    return 0;
}

void node_store_close(struct node *n)
{
    if (n->store) {
        int64_t t0 = clock_mono_ns();
        store_close(n->store);
        n->store = NULL;
        log_info("node", "store closed (memtables flushed) ms=%.1f", ms_since(t0));
    }
    close_vfs(n);
}

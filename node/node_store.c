/*
 * node_store: see node_store.h.
 *
 * RINGDB_HAVE_STORE is defined by node/CMakeLists.txt once storage/store.c exists: until the
 * store lands on main, this phase only creates the data and commit log directories and says in
 * the log that nothing is stored.
 */
#include "node/node_store.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "node/base/clock.h"
#include "node/base/log.h"
#include "node/node.h"

static const char *sync_name(enum commitlog_sync s)
{
    return s == COMMITLOG_SYNC_BATCH ? "batch" : s == COMMITLOG_SYNC_GROUP ? "group" : "periodic";
}

#ifdef RINGDB_HAVE_STORE

int node_store_start(struct node *n, struct errmsg *em)
{
    struct store_config sc;
    config_store_config(n->cfg, &sc);
    int64_t t0 = clock_mono_ns();
    int rc = store_open(&sc, &n->store, em);
    if (rc != 0) return rc;
    rc = store_replay(n->store, em);
    if (rc != 0) {
        store_close(n->store);
        n->store = NULL;
        return rc;
    }
    log_info("node", "store opened data_dir=%s commitlog_dir=%s commitlog_sync=%s ms=%.1f",
             sc.data_dir, sc.commitlog_dir, sync_name(sc.sync_mode),
             (double)(clock_mono_ns() - t0) / 1e6);
    return 0;
}

void node_store_close(struct node *n)
{
    if (!n->store) return;
    int64_t t0 = clock_mono_ns();
    store_close(n->store);
    n->store = NULL;
    log_info("node", "store closed ms=%.1f", (double)(clock_mono_ns() - t0) / 1e6);
}

#else

/* mkdir -p for the interim phase. */
static int make_dirs(const char *path, struct errmsg *em)
{
    char buf[4096];
    size_t len = strlen(path);
    if (len == 0 || len >= sizeof buf) return errmsg_set(em, -ENAMETOOLONG, "bad path %s", path);
    memcpy(buf, path, len + 1);
    for (size_t i = 1; i <= len; i++) {
        if (buf[i] != '/' && buf[i] != '\0') continue;
        char c = buf[i];
        buf[i] = '\0';
        if (mkdir(buf, 0755) != 0 && errno != EEXIST)
            return errmsg_set(em, -errno, "cannot create %s: %s", buf, strerror(errno));
        buf[i] = c;
    }
    return 0;
}

int node_store_start(struct node *n, struct errmsg *em)
{
    const struct config *c = n->cfg;
    int rc = make_dirs(c->data_file_directories[0], em);
    if (rc == 0) rc = make_dirs(c->commitlog_directory, em);
    if (rc != 0) return rc;
    log_warn("node",
             "store not built into this binary yet: nothing is stored data_dir=%s "
             "commitlog_dir=%s commitlog_sync=%s",
             c->data_file_directories[0], c->commitlog_directory, sync_name(c->commitlog_sync));
    return 0;
}

void node_store_close(struct node *n)
{
    (void)n;
}

#endif

/*
 * schema_mgr: owns the current catalog and changes it (Cassandra's MigrationManager +
 * SchemaKeyspace). DDL statements are validated against the current catalog with Cassandra's
 * error messages, applied one at a time, persisted durably (the catalog file is written
 * atomically and fsynced off the event loop), then published; tables are registered with the
 * store before the new catalog becomes visible. Each change is pushed to clients as a
 * SCHEMA_CHANGE event (node/cql/events.h) and answered as a RESULT SCHEMA_CHANGE.
 *
 * Start-up order (node.c): store_open -> schema_mgr_open (loads the catalog, registers every
 * table with the store) -> store_replay -> the CQL server.
 *
 * A statement is planned against the current catalog (node/cql/ddl.h, pure), then, on libuv's
 * thread pool: new tables are registered and altered ones replaced in the store, the catalog
 * file is written (fsync), the new catalog is published, dropped tables are unregistered (and
 * snapshotted when auto_snapshot). If the store or the file write fails, the store changes are
 * undone and nothing is published. Statements are queued and run one at a time, whatever
 * loop they come from. st may be NULL (tests, tools): then only the catalog changes.
 * Threads: schema_mgr_current from any thread; execute from a request's loop thread.
 */
#ifndef RINGDB_CQL_SCHEMA_MGR_H
#define RINGDB_CQL_SCHEMA_MGR_H

#include "node/base/err.h"
#include "node/cql/ast.h"
#include "node/cql/catalog.h"
#include "node/cql/exec.h"

struct schema_mgr;
struct store;
struct vfs;
struct cql_events;

int schema_mgr_open(struct vfs *v, const char *data_dir, struct store *st,
                    struct schema_mgr **out, struct errmsg *em);
void schema_mgr_close(struct schema_mgr *m);
/* Events go out once the server exists (it is created after the schema manager). */
void schema_mgr_set_events(struct schema_mgr *m, struct cql_events *ev);

/* The current catalog with a reference the caller releases (catalog_unref). Any thread. */
struct catalog *schema_mgr_current(struct schema_mgr *m);

/* Runs a DDL statement (CREATE/ALTER/DROP KEYSPACE/TABLE/TYPE/INDEX, TRUNCATE) for r; answers
   through r->done_cb exactly once on r->loop (the write to disk runs off the loop). */
void schema_mgr_execute(struct schema_mgr *m, struct cql_request *r, const struct ast_stmt *s);

/* At most this many DDL statements wait behind the one running; more are ERR_OVERLOADED. */
#define SCHEMA_MGR_QUEUE_MAX 1024

struct local_node;
/* The node's identity: its data center is the one NetworkTopologyStrategy may name until
   schema_mgr_set_topology says more. Call before serving requests. */
void schema_mgr_set_local(struct schema_mgr *m, const struct local_node *local);
const struct local_node *schema_mgr_local(struct schema_mgr *m);
/* The cluster's data centers and node count (replication checks and warnings). Any thread. */
void schema_mgr_set_topology(struct schema_mgr *m, const char *const *dcs, size_t ndcs,
                             uint32_t nnodes);

#endif

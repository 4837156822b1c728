/*
 * coordinator: runs a client's writes and reads at a consistency level (Cassandra's
 * StorageProxy + AbstractWriteResponseHandler + ReadCallback, for the replicas this node can
 * reach). For each partition it asks ring/ for the replicas of the token (the keyspace's
 * strategy over the current token map), checks availability with consistency.h (Unavailable
 * with required/alive exactly as Cassandra counts them), then sends the mutation or the read to
 * each replica and waits for block_for answers.
 *
 * Today the only replica it can reach is the local one, called in-process: writes go through
 * store_apply and are acknowledged once store_on_durable says the commit log holds them
 * (WriteTimeout after write_request_timeout with received/blockfor/writeType); reads run
 * store_read on libuv's thread pool because they do disk I/O (single-partition reads batched
 * per loop iteration with evloop_work_batched, token ranges one pool job each) — except a
 * one-partition read no SSTable can hold (bloom filters), which reads only memtables and runs
 * on the loop itself (read_cmd.memory_only; the pool hand-off costs more), with the caller's
 * visitor writing the result, and stop with ReadTimeout past their deadline. Remote replicas and
 * messaging plug in behind the same calls.
 *
 * Completion: done_cb runs exactly once on the request's loop (possibly before the call
 * returns). Thread rule: coordinator_write/read are called on a loop thread; the coordinator
 * itself is shared by every loop (its ring is swapped under a mutex).
 */
#ifndef RINGDB_REPLICATION_COORDINATOR_H
#define RINGDB_REPLICATION_COORDINATOR_H

#include <stdbool.h>
#include <stdint.h>

#include "node/base/err.h"
#include "node/base/uuid.h"
#include "node/net/evloop.h"
#include "replication/consistency.h"
#include "ring/strategy.h"
#include "ring/token_map.h"
#include "storage/mutation.h"
#include "storage/store.h"

struct coordinator;

struct coordinator_config {
    struct store *store;
    struct token_map *ring;    /* finished; the coordinator takes a reference */
    struct uuid local_host_id; /* this node, in ring */
    uint32_t write_timeout_ms; /* write_request_timeout */
    uint32_t read_timeout_ms;  /* read_request_timeout */
    uint32_t range_timeout_ms; /* range_request_timeout (token range reads) */
};

int coordinator_create(const struct coordinator_config *cfg, struct coordinator **out,
                       struct errmsg *em);
void coordinator_destroy(struct coordinator *c); /* accepts NULL; no request may be running */
/* Replaces the ring (a topology change); takes a reference. Any thread. */
void coordinator_set_ring(struct coordinator *c, struct token_map *ring);

/* Why a request failed, with the fields of the CQL error body. */
struct coordinator_error {
    struct errmsg em; /* code: ERR_UNAVAILABLE, ERR_WRITE_TIMEOUT, ERR_WRITE_FAILURE ... */
    uint16_t cl;
    int32_t required, alive; /* Unavailable */
    int32_t received, blockfor, numfailures;
    bool data_present;
    const char *write_type; /* "SIMPLE", "BATCH", "UNLOGGED_BATCH", "CAS" */
};

/* Write types as the protocol names them. */
#define COORD_WRITE_SIMPLE "SIMPLE"
#define COORD_WRITE_BATCH "BATCH"
#define COORD_WRITE_UNLOGGED_BATCH "UNLOGGED_BATCH"
#define COORD_WRITE_CAS "CAS"

struct coordinator_write;
typedef void (*coordinator_write_cb)(struct coordinator_write *w, int status);

/* One statement's or batch's mutations; embedded by the caller, valid until done_cb. */
struct coordinator_write {
    struct evloop *loop;
    const struct partition_update *muts;
    uint32_t nmuts;
    enum consistency cl;
    const struct strategy *strategy;          /* the keyspace's replication */
    const struct strategy *const *strategies; /* per mutation (a batch over keyspaces), or NULL */
    const char *write_type;
    coordinator_write_cb done_cb;
    void *user;
    struct coordinator_error err; /* on failure */
};
void coordinator_write(struct coordinator *c, struct coordinator_write *w);

struct coordinator_read;
typedef void (*coordinator_read_cb)(struct coordinator_read *rd, int status);

/* A read of one or more commands run in order with one visitor (a SELECT's partitions, or
   its token range); embedded by the caller, valid until done_cb. */
struct coordinator_read {
    struct evloop *loop;
    const struct read_cmd *cmds;
    uint32_t ncmds;
    enum consistency cl;
    const struct strategy *strategy;
    const struct read_visitor *visitor;
    /* Checked after each command on the worker thread: true stops the read (page full). */
    bool (*stopped)(void *arg);
    coordinator_read_cb done_cb;
    void *user;
    struct coordinator_error err;
    /* Private. */
    struct coordinator *c;
    struct evloop_work work;
    int status;
    struct read_visitor wrap; /* the visitor, watching the deadline */
    int64_t deadline_ns;
    uint32_t calls;
    bool timed_out;
};
/* Reads past their deadline (read_request_timeout, or range_request_timeout for a token
   range) are stopped by the visitor wrapper and answer ReadTimeout (received 0). */
void coordinator_read(struct coordinator *c, struct coordinator_read *rd);

struct coordinator_cas;
typedef void (*coordinator_cas_cb)(struct coordinator_cas *op, int status);

/*
 * A compare-and-set on one partition (Cassandra's StorageProxy.cas; Paxos once there are
 * several replicas). Today: under a per-partition lock of this node, read cmd with visitor,
 * call decide (on the worker thread) for the writes to make (none: not applied), apply them
 * and wait until they are durable, then unlock. Linearizable for clients of this node only:
 * a keyspace whose data has several replicas needs Paxos (not implemented), so serial_cl is
 * checked for availability like any other level. Embedded by the caller, valid until done_cb.
 */
struct coordinator_cas {
    struct evloop *loop;
    struct read_cmd cmd; /* single partition */
    enum consistency serial_cl;
    enum consistency cl; /* the commit's */
    const struct strategy *strategy;
    const struct read_visitor *visitor;
    int (*decide)(void *arg, const struct partition_update **muts, uint32_t *n, struct errmsg *em);
    void *arg;
    coordinator_cas_cb done_cb;
    void *user;
    struct coordinator_error err;
    /* Private. */
    struct coordinator *c;
    struct evloop_work work;
    int status;
};
void coordinator_cas(struct coordinator *c, struct coordinator_cas *op);

/* Availability of token's replicas at cl (what both paths check first): 0 or ERR_UNAVAILABLE
   with err filled. Exposed for tests and for statements that check before doing work. */
int coordinator_check_available(struct coordinator *c, const struct strategy *s, int64_t token,
                                enum consistency cl, struct coordinator_error *err);

#endif

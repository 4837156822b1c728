/*
 * fixture: an executor over a real store in a temp dir, a (fake until it lands) schema
 * manager, a one-node ring and the coordinator, driven on a test loop without sockets:
 * requests are built as the server would decode them and submitted with exec_submit; the
 * loop runs until the answer comes back, which is decoded with the protocol codec.
 */
#ifndef RINGDB_TESTS_UNIT_EXEC_FIXTURE_H
#define RINGDB_TESTS_UNIT_EXEC_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "node/base/arena.h"
#include "node/cql/exec.h"
#include "node/cqlproto/cqlreq.h"
#include "node/cqlproto/cqlresp.h"
#include "node/local.h"
#include "node/net/evloop.h"
#include "replication/coordinator.h"
#include "ring/token_map.h"
#include "storage/store.h"

struct xf {
    char dir[256];
    struct store *store;
    struct schema_mgr *schema;
    struct token_map *ring;
    struct coordinator *coord;
    struct exec *x;
    uv_loop_t uv;
    struct evloop loop;
    struct cql_session session;
    struct local_node local;
    /* the last answer */
    int status;
    struct errmsg em;
    struct cqlerr err;
    uint32_t nwarnings;
    const char *warnings[CQL_WARNINGS_MAX];
    struct cqlresp resp;
    struct arena arena; /* the last answer's decoded parts */
    struct buf body;
};

void xf_open(struct xf *f);
/* xf_open with a commit-log sync mode (group: window_ms) and a coordinator write timeout. */
void xf_open_cfg(struct xf *f, enum commitlog_sync mode, uint32_t window_ms,
                 uint32_t write_timeout_ms);
/* xf_open, then keyspace ks (SimpleStrategy RF 1) as the session keyspace. */
void xf_open_ks(struct xf *f);
void xf_close(struct xf *f);

/* A request of opcode op with params; fills f's last answer and returns its status. */
int xf_submit(struct xf *f, struct cqlreq *req);
/* QUERY at ONE with no values, no paging. */
int xf_query(struct xf *f, const char *cql);
/* QUERY that must succeed (criterion assert with the error text). */
void xf_ok(struct xf *f, const char *cql);
/* QUERY with a page size and an optional paging state (len < 0: none). */
int xf_query_paged(struct xf *f, const char *cql, int32_t page_size, const uint8_t *state,
                   int32_t state_len);
/* PREPARE; on success *id (16 bytes) is copied out. */
int xf_prepare(struct xf *f, const char *cql, uint8_t id[16]);
/* EXECUTE with n values. */
int xf_execute(struct xf *f, const uint8_t *id, size_t id_len, const struct cqlwire_value *vals,
               uint16_t n, int32_t page_size, bool skip_metadata);

/* Rows of the last answer (asserts it is a Rows result). */
int32_t xf_nrows(struct xf *f);
const struct cqlwire_value *xf_cell(struct xf *f, int32_t row, int32_t col);
/* The last Rows result as text: rows separated by '\n', cells by '|', values as cqlsh shows
   them, "null" for null. */
const char *xf_rows_text(struct xf *f);

/* A value helper: p/len as a cqlwire_value (len < 0: null). */
struct cqlwire_value xf_val(const void *p, int32_t len);

#endif

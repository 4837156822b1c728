/* fixture: see fixture.h. */
#include "tests/unit/exec/fixture.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/base/clock.h"
#include "node/base/log.h"
#include "node/cql/schema_mgr.h"
#include "storage/value_format.h"
#include "tests/support/sst_fixture.h"

static struct ring_node local_node(void)
{
    struct ring_node n;
    memset(&n, 0, sizeof n);
    uuid_parse("11111111-2222-3333-4444-555555555555", 36, &n.host_id);
    snprintf(n.addr, sizeof n.addr, "127.0.0.1");
    snprintf(n.dc, sizeof n.dc, "datacenter1");
    snprintf(n.rack, sizeof n.rack, "rack1");
    return n;
}

void xf_open(struct xf *f)
{
    xf_open_cfg(f, COMMITLOG_SYNC_PERIODIC, 0, 2000);
}

void xf_open_cfg(struct xf *f, enum commitlog_sync mode, uint32_t window_ms,
                 uint32_t write_timeout_ms)
{
    memset(f, 0, sizeof *f);
    char *d = fx_tmpdir();
    snprintf(f->dir, sizeof f->dir, "%s", d);
    free(d);
    char data[300], cl[300];
    snprintf(data, sizeof data, "%s/data", f->dir);
    snprintf(cl, sizeof cl, "%s/commitlog", f->dir);
    struct store_config c;
    store_config_defaults(&c);
    c.data_dir = data;
    c.commitlog_dir = cl;
    c.sync_mode = mode;
    if (window_ms) c.sync_group_window_ms = window_ms;
    c.auto_snapshot = false;
    struct errmsg em;
    log_set_level(LOG_WARN);
    cr_assert_eq(store_open(&c, &f->store, &em), 0, "store_open: %s", em.text);
    cr_assert_eq(schema_mgr_open(NULL, data, f->store, &f->schema, &em), 0, "%s", em.text);
    cr_assert_eq(store_replay(f->store, &em), 0, "store_replay: %s", em.text);
    f->ring = token_map_create();
    struct ring_node n = local_node();
    static int64_t tokens[4] = {-6000000000000000000LL, -1000, 3000000000000000000LL,
                                7000000000000000000LL};
    f->local.host_id = n.host_id;
    f->local.cluster_name = "Test Cluster";
    snprintf(f->local.dc, sizeof f->local.dc, "%s", n.dc);
    snprintf(f->local.rack, sizeof f->local.rack, "%s", n.rack);
    snprintf(f->local.listen_address, sizeof f->local.listen_address, "127.0.0.1");
    snprintf(f->local.rpc_address, sizeof f->local.rpc_address, "127.0.0.1");
    snprintf(f->local.broadcast_address, sizeof f->local.broadcast_address, "127.0.0.1");
    snprintf(f->local.broadcast_rpc_address, sizeof f->local.broadcast_rpc_address, "127.0.0.1");
    f->local.native_port = 9042;
    f->local.ntokens = 4;
    f->local.tokens = tokens;
    f->local.snitch = "org.apache.cassandra.locator.SimpleSnitch";
    schema_mgr_set_local(f->schema, &f->local);
    cr_assert_eq(token_map_add_node(f->ring, &n, tokens, 4, &em), 0, "%s", em.text);
    token_map_finish(f->ring);
    struct coordinator_config cc = {.store = f->store,
                                    .ring = f->ring,
                                    .local_host_id = n.host_id,
                                    .write_timeout_ms = write_timeout_ms,
                                    .read_timeout_ms = 5000};
    cr_assert_eq(coordinator_create(&cc, &f->coord, &em), 0, "%s", em.text);
    struct exec_env env = {
        .store = f->store, .schema = f->schema, .coord = f->coord, .local = &f->local};
    cr_assert_eq(exec_create(&env, &f->x, &em), 0, "%s", em.text);
    cr_assert_eq(uv_loop_init(&f->uv), 0);
    cr_assert_eq(evloop_attach(&f->loop, &f->uv, 0), 0);
    f->session.version = 4;
    arena_init(&f->arena, 4096);
    buf_init(&f->body);
}

void xf_open_ks(struct xf *f)
{
    xf_open(f);
    xf_ok(f, "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', "
             "'replication_factor': 1}");
    xf_ok(f, "USE ks");
}

static void close_cb(uv_handle_t *h)
{
    (void)h;
}

void xf_close(struct xf *f)
{
    exec_destroy(f->x);
    coordinator_destroy(f->coord);
    token_map_unref(f->ring);
    schema_mgr_close(f->schema);
    store_close(f->store);
    evloop_close(&f->loop);
    uv_walk(&f->uv, (uv_walk_cb)(void (*)(void))close_cb, NULL);
    while (uv_run(&f->uv, UV_RUN_NOWAIT) != 0) {
    }
    uv_loop_close(&f->uv);
    arena_deinit(&f->arena);
    buf_deinit(&f->body);
    fx_rmdir(f->dir);
}

struct pending {
    struct cql_request r;
    struct arena arena;
    bool done;
    int status;
};

static void done_cb(struct cql_request *r, int status)
{
    struct pending *p = r->user;
    p->done = true;
    p->status = status;
}

int xf_submit(struct xf *f, struct cqlreq *req)
{
    struct pending *p = calloc(1, sizeof *p);
    arena_init(&p->arena, 4096);
    req->version = 4;
    p->r.loop = &f->loop;
    p->r.session = &f->session;
    p->r.req = req;
    p->r.arena = &p->arena;
    p->r.done_cb = done_cb;
    p->r.user = p;
    buf_init(&p->r.body);
    exec_submit(f->x, &p->r);
    int64_t deadline = clock_mono_ms() + 20000;
    while (!p->done) {
        cr_assert(clock_mono_ms() < deadline, "request did not complete");
        uv_run(&f->uv, UV_RUN_ONCE);
    }
    arena_reset(&f->arena);
    buf_reset(&f->body);
    buf_append(&f->body, p->r.body.data, p->r.body.len);
    f->status = p->status;
    f->em = p->r.em;
    f->err = p->r.err;
    f->nwarnings = p->r.nwarnings;
    memcpy(f->warnings, p->r.warnings, sizeof f->warnings);
    memset(&f->resp, 0, sizeof f->resp);
    if (p->status == 0) {
        struct cqlframe_header h = {.version = 4,
                                    .is_response = true,
                                    .opcode = CQLFRAME_OP_RESULT,
                                    .body_len = (uint32_t)f->body.len};
        struct errmsg em;
        cr_assert_eq(cqlresp_decode(&h, f->body.data, f->body.len, &f->arena, &f->resp, &em), 0,
                     "the RESULT body does not decode: %s", em.text);
    }
    buf_deinit(&p->r.body);
    arena_deinit(&p->arena);
    free(p);
    return f->status;
}

int xf_query_paged(struct xf *f, const char *cql, int32_t page_size, const uint8_t *state,
                   int32_t state_len)
{
    struct cqlreq req;
    memset(&req, 0, sizeof req);
    req.opcode = CQLFRAME_OP_QUERY;
    req.query = cqlwire_str_c(cql);
    req.params.cl = 1;
    if (page_size > 0) {
        req.params.flags |= CQLREQ_FLAG_PAGE_SIZE;
        req.params.page_size = page_size;
    }
    if (state_len >= 0) {
        req.params.flags |= CQLREQ_FLAG_PAGING_STATE;
        req.params.paging_state = (struct cqlwire_value){state, state_len};
    }
    return xf_submit(f, &req);
}

int xf_query(struct xf *f, const char *cql)
{
    return xf_query_paged(f, cql, 0, NULL, -1);
}

void xf_ok(struct xf *f, const char *cql)
{
    int rc = xf_query(f, cql);
    cr_assert_eq(rc, 0, "%s\n  -> %s", cql, f->em.text);
}

int xf_prepare(struct xf *f, const char *cql, uint8_t id[16])
{
    struct cqlreq req;
    memset(&req, 0, sizeof req);
    req.opcode = CQLFRAME_OP_PREPARE;
    req.query = cqlwire_str_c(cql);
    int rc = xf_submit(f, &req);
    if (rc == 0) {
        cr_assert_eq(f->resp.kind, CQLRESP_KIND_PREPARED);
        cr_assert_eq(f->resp.prepared.id.len, 16);
        memcpy(id, f->resp.prepared.id.p, 16);
    }
    return rc;
}

int xf_execute(struct xf *f, const uint8_t *id, size_t id_len, const struct cqlwire_value *vals,
               uint16_t n, int32_t page_size, bool skip_metadata)
{
    struct cqlreq req;
    memset(&req, 0, sizeof req);
    req.opcode = CQLFRAME_OP_EXECUTE;
    req.id = (struct cqlwire_value){id, (int32_t)id_len};
    req.params.cl = 1;
    req.params.flags = CQLREQ_FLAG_VALUES | (skip_metadata ? CQLREQ_FLAG_SKIP_METADATA : 0);
    req.params.nvalues = n;
    req.params.values = vals;
    if (page_size > 0) {
        req.params.flags |= CQLREQ_FLAG_PAGE_SIZE;
        req.params.page_size = page_size;
    }
    return xf_submit(f, &req);
}

int32_t xf_nrows(struct xf *f)
{
    cr_assert_eq(f->resp.kind, CQLRESP_KIND_ROWS, "not a Rows result (kind %d)", f->resp.kind);
    return f->resp.rows.nrows;
}

const struct cqlwire_value *xf_cell(struct xf *f, int32_t row, int32_t col)
{
    cr_assert(row < xf_nrows(f) && col < f->resp.rows.meta.ncols);
    return cqlrows_at(&f->resp.rows, row, col);
}

const char *xf_rows_text(struct xf *f)
{
    struct buf b;
    buf_init(&b);
    const struct cqlrows *rows = &f->resp.rows;
    for (int32_t r = 0; r < xf_nrows(f); r++) {
        if (r) buf_put_u8(&b, '\n');
        for (int32_t c = 0; c < rows->meta.ncols; c++) {
            if (c) buf_put_u8(&b, '|');
            const struct cqlwire_value *v = cqlrows_at(rows, r, c);
            if (v->len < 0)
                buf_append(&b, "null", 4);
            else
                value_format_cql(rows->meta.cols[c].type, v->p, (size_t)v->len, VALUE_STYLE_CQLSH,
                                 &b);
        }
    }
    char *s = arena_strndup(&f->arena, b.data ? (const char *)b.data : "", b.len);
    buf_deinit(&b);
    return s;
}

struct cqlwire_value xf_val(const void *p, int32_t len)
{
    return (struct cqlwire_value){p, len};
}

/*
 * cql_server_bench: the protocol server alone (node/cql/server.h) with a trivial in-process
 * executor, to measure what the server itself costs per request (frames, loops, writes), beside
 * redis-benchmark PING/SET and the full ringdb. Not a database: PREPARE answers a fixed id,
 * EXECUTE of a SELECT answers one row with a 100-byte value, everything else answers Void.
 *
 *   cql_server_bench [--port 9042] [--loops N] [--accept one|reuseport] [--log debug]
 * Runs on 127.0.0.1 until SIGINT/SIGTERM; loop 0 is the main thread's loop, as in the daemon.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/base/log.h"
#include "node/cql/server.h"
#include "node/cqlproto/cqlresp.h"
#include "node/cqlproto/cqlrows.h"

static struct cql_server *srv;
static uv_signal_t sigs[2];

static struct cqlrows_col col = {{"ks", 2}, {"t", 1}, {"value", 5}, NULL};

static void put_prepared(struct cql_request *r)
{
    bool select = r->req->query.len >= 6 && strncasecmp(r->req->query.p, "SELECT", 6) == 0;
    struct cqlresp_prepared p;
    memset(&p, 0, sizeof p);
    p.id.p = (const uint8_t *)(select ? "bench-select" : "bench-insert");
    p.id.len = 12;
    if (select) {
        p.result.ncols = 1;
        p.result.cols = &col;
    } else {
        p.result.flags = CQLROWS_NO_METADATA;
    }
    cqlresp_put_prepared(&r->body, &p, r->req->version);
}

static void put_row(struct cql_request *r)
{
    static const uint8_t value[100];
    struct cqlrows_meta m;
    memset(&m, 0, sizeof m);
    m.ncols = 1;
    if (r->req->params.flags & CQLREQ_FLAG_SKIP_METADATA) m.flags = CQLROWS_NO_METADATA;
    else m.cols = &col;
    struct cqlrows_writer w;
    cqlrows_begin(&w, &r->body, &m, r->req->version);
    cqlrows_cell(&w, value, sizeof value);
    cqlrows_finish(&w, NULL, 0);
}

static void submit(void *ctx, struct cql_request *r)
{
    (void)ctx;
    if (r->req->opcode == CQLFRAME_OP_PREPARE) put_prepared(r);
    else if (r->req->opcode == CQLFRAME_OP_EXECUTE && r->req->id.len == 12 &&
             memcmp(r->req->id.p, "bench-select", 12) == 0)
        put_row(r);
    else cqlresp_put_void(&r->body);
    r->done_cb(r, 0);
}

static void on_signal(uv_signal_t *h, int signum)
{
    (void)h;
    (void)signum;
    cql_server_stop(srv);
    for (int i = 0; i < 2; i++) uv_close((uv_handle_t *)&sigs[i], NULL);
}

int main(int argc, char **argv)
{
    struct cql_server_config c;
    cql_server_config_default(&c);
    c.submit = submit;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--port") == 0) c.port = (uint16_t)strtoul(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--loops") == 0) c.loops = (uint32_t)strtoul(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--log") == 0 && strcmp(argv[i + 1], "debug") == 0)
            log_set_level(LOG_DEBUG);
        else if (strcmp(argv[i], "--accept") == 0)
            c.accept = strcmp(argv[i + 1], "reuseport") == 0 ? CQL_SERVER_ACCEPT_REUSEPORT
                                                             : CQL_SERVER_ACCEPT_ONE;
        else {
            fprintf(stderr, "usage: cql_server_bench [--port P] [--loops N] "
                            "[--accept one|reuseport] [--log debug]\n");
            return 2;
        }
    }
    col.type = cql_type_native(CQL_BLOB);
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct errmsg em;
    if (cql_server_create(&c, &loop, &srv, &em) != 0) {
        fprintf(stderr, "cql_server_bench: %s\n", em.text);
        return 1;
    }
    int nums[2] = {SIGINT, SIGTERM};
    for (int i = 0; i < 2; i++) {
        uv_signal_init(&loop, &sigs[i]);
        uv_signal_start(&sigs[i], on_signal, nums[i]);
    }
    uv_run(&loop, UV_RUN_DEFAULT);
    cql_server_destroy(srv);
    return uv_loop_close(&loop) == 0 ? 0 : 1;
}

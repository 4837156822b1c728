/* Protocol server: concurrent streams, limits, malformed frames. */
#include <criterion/criterion.h>
#include <string.h>

#include "node/base/be.h"
#include "tests/unit/server/fake_exec.h"
#include "tests/support/tclient.h"

static struct cql_server *srv;
static struct tclient cl;

static void connect_ready(bool lz4)
{
    cr_assert_eq(tclient_connect(&cl, cql_server_port(srv)), 0);
    cr_assert_eq(tclient_handshake(&cl, 4, lz4), 0);
}

/* Completions come from another thread after different delays: answers follow the delays, not
 * the order of the requests, and each carries its own stream id. */
Test(server_streams, pipelined_requests_are_answered_out_of_order_by_stream)
{
    srv = fake_server_start(NULL);
    connect_ready(true);
    static const struct {
        int16_t stream;
        const char *q;
    } reqs[] = {{1, "sleep 300"}, {2, "sleep 150"}, {3, "sleep 0"}, {4, "rows"}};
    for (int i = 0; i < 4; i++) cr_assert_eq(tclient_query(&cl, reqs[i].stream, reqs[i].q), 0);
    bool seen[5] = {false};
    int16_t order[4];
    for (int i = 0; i < 4; i++) {
        struct cqlresp r;
        cr_assert_eq(tclient_recv(&cl, &r, TCLIENT_TIMEOUT_MS), 1);
        int16_t st = cl.last.stream;
        cr_assert(st >= 1 && st <= 4 && !seen[st]);
        seen[st] = true;
        order[i] = st;
        const char *cell = tclient_cell0(&cl, &r);
        cr_assert_str_eq(cell, st == 4 ? "hello" : reqs[st - 1].q, "stream %d", st);
    }
    cr_assert_eq(order[2], 2, "sleep 150 before sleep 300");
    cr_assert_eq(order[3], 1);
    tclient_close(&cl);
    fake_server_stop(srv);
}

/* Many streams at once across several connections. */
Test(server_streams, many_streams_on_many_connections_all_answered)
{
    srv = fake_server_start(NULL);
    enum { NCONN = 8, NREQ = 200 };
    struct tclient cs[NCONN];
    for (int c = 0; c < NCONN; c++) {
        cr_assert_eq(tclient_connect(&cs[c], cql_server_port(srv)), 0);
        cr_assert_eq(tclient_handshake(&cs[c], 4, c % 2 == 0), 0);
    }
    char q[32];
    for (int i = 0; i < NREQ; i++)
        for (int c = 0; c < NCONN; c++) {
            snprintf(q, sizeof q, i % 3 ? "echo %d" : "sleep %d", i % 3 ? i : i % 7);
            cr_assert_eq(tclient_query(&cs[c], (int16_t)i, q), 0);
        }
    for (int c = 0; c < NCONN; c++) {
        bool seen[NREQ] = {false};
        for (int i = 0; i < NREQ; i++) {
            struct cqlresp r;
            cr_assert_eq(tclient_recv(&cs[c], &r, TCLIENT_TIMEOUT_MS), 1);
            int16_t st = cs[c].last.stream;
            cr_assert(st >= 0 && st < NREQ && !seen[st]);
            seen[st] = true;
            snprintf(q, sizeof q, st % 3 ? "echo %d" : "sleep %d", st % 3 ? st : st % 7);
            cr_assert_str_eq(tclient_cell0(&cs[c], &r), q);
        }
        tclient_close(&cs[c]);
    }
    fake_server_stop(srv);
}

static void small_frames(struct cql_server_config *c)
{
    c->frame_body_max = 1024;
}

Test(server_streams, oversized_frame_gets_protocol_error_and_close)
{
    srv = fake_server_start(small_frames);
    struct tclient other;
    cr_assert_eq(tclient_connect(&other, cql_server_port(srv)), 0);
    cr_assert_eq(tclient_handshake(&other, 4, false), 0);
    connect_ready(false);
    uint8_t frame[9 + 2048];
    memset(frame, 'a', sizeof frame);
    uint8_t hdr[9] = {4, 0, 0, 42, CQLFRAME_OP_QUERY, 0, 0, 0x08, 0x00};
    memcpy(frame, hdr, 9);
    cr_assert_eq(tclient_send_raw(&cl, frame, sizeof frame), 0);
    struct cqlresp r;
    cr_assert_eq(tclient_recv(&cl, &r, TCLIENT_TIMEOUT_MS), 1);
    cr_assert_eq(r.opcode, CQLFRAME_OP_ERROR);
    cr_assert_eq(r.error.code, CQLERR_PROTOCOL);
    cr_assert_eq(cl.last.stream, 42);
    cr_assert(cqlwire_str_eq(r.error.message,
                             "Request is too big: length 2048 exceeds maximum allowed length 1024."));
    cr_assert(tclient_wait_closed(&cl, TCLIENT_TIMEOUT_MS));
    tclient_close(&cl);
    /* The server and its other connections are unaffected. */
    cr_assert_eq(tclient_query(&other, 1, "rows"), 0);
    cr_assert_eq(tclient_recv(&other, &r, TCLIENT_TIMEOUT_MS), 1);
    cr_assert_str_eq(tclient_cell0(&other, &r), "hello");
    tclient_close(&other);
    fake_server_stop(srv);
}

/* Garbage: a response direction bit, an unknown opcode, a body that does not decode. */
Test(server_streams, malformed_frames_get_protocol_error_and_close)
{
    static const uint8_t cases[][13] = {
        {0x84, 0, 0, 5, CQLFRAME_OP_OPTIONS, 0, 0, 0, 0},                /* a response */
        {0x04, 0, 0, 6, 0x33, 0, 0, 0, 0},                               /* no such opcode */
        {0x04, 0, 0, 7, CQLFRAME_OP_QUERY, 0, 0, 0, 4, 0xff, 0xff, 0xff, 0xff}, /* bad string */
    };
    static const int16_t streams[] = {5, 6, 7};
    static const size_t lens[] = {9, 9, 13};
    srv = fake_server_start(NULL);
    for (int i = 0; i < 3; i++) {
        connect_ready(false);
        cr_assert_eq(tclient_send_raw(&cl, cases[i], lens[i]), 0);
        struct cqlresp r;
        cr_assert_eq(tclient_recv(&cl, &r, TCLIENT_TIMEOUT_MS), 1, "case %d", i);
        cr_assert_eq(r.opcode, CQLFRAME_OP_ERROR);
        cr_assert_eq(r.error.code, CQLERR_PROTOCOL);
        cr_assert_eq(cl.last.stream, streams[i]);
        cr_assert(tclient_wait_closed(&cl, TCLIENT_TIMEOUT_MS), "case %d closes", i);
        tclient_close(&cl);
    }
    fake_server_stop(srv);
}

static void few_inflight(struct cql_server_config *c)
{
    c->inflight_max = 4;
}

static bool wait_count(atomic_uint *v, unsigned want, int timeout_ms)
{
    int64_t deadline = tclient_now_ms() + timeout_ms;
    while (atomic_load(v) < want) {
        if (tclient_now_ms() > deadline) return false;
        struct timespec ts = {0, 2000000};
        nanosleep(&ts, NULL);
    }
    return true;
}

/* inflight_max requests reach the executor; the rest wait in the socket until answers go. */
Test(server_streams, inflight_limit_applies_backpressure)
{
    srv = fake_server_start(few_inflight);
    connect_ready(false);
    for (int i = 0; i < 10; i++) cr_assert_eq(tclient_query(&cl, (int16_t)i, "hold"), 0);
    cr_assert(wait_count(&fake_exec_submitted, 4, TCLIENT_TIMEOUT_MS));
    /* A negative check needs a bounded wait: nothing more may arrive while 4 are held. */
    struct timespec ts = {0, 100000000};
    nanosleep(&ts, NULL);
    cr_assert_eq(atomic_load(&fake_exec_submitted), 4);
    for (int done = 0; done < 10;) {
        fake_exec_release();
        struct cqlresp r;
        cr_assert_eq(tclient_recv(&cl, &r, TCLIENT_TIMEOUT_MS), 1);
        cr_assert_eq(r.opcode, CQLFRAME_OP_RESULT);
        done++;
    }
    cr_assert_eq(atomic_load(&fake_exec_submitted), 10);
    tclient_close(&cl);
    fake_server_stop(srv);
}

static void few_inflight_bytes(struct cql_server_config *c)
{
    c->inflight_bytes_max = 10 * 1024;
}

/* The frames of requests in flight are bounded too: ~4 KB requests against a 10 KB budget. */
Test(server_streams, inflight_bytes_limit_applies_backpressure)
{
    srv = fake_server_start(few_inflight_bytes);
    connect_ready(false);
    static char query[4096];
    memset(query, ' ', sizeof query - 1);
    memcpy(query, "hold", 4);
    for (int i = 0; i < 8; i++) cr_assert_eq(tclient_query(&cl, (int16_t)i, query), 0);
    cr_assert(wait_count(&fake_exec_submitted, 3, TCLIENT_TIMEOUT_MS));
    struct timespec ts = {0, 100000000}; /* a negative check: nothing more may arrive */
    nanosleep(&ts, NULL);
    cr_assert_eq(atomic_load(&fake_exec_submitted), 3);
    for (int done = 0; done < 8; done++) {
        fake_exec_release();
        struct cqlresp r;
        cr_assert_eq(tclient_recv(&cl, &r, TCLIENT_TIMEOUT_MS), 1);
        cr_assert_eq(r.opcode, CQLFRAME_OP_RESULT);
    }
    tclient_close(&cl);
    fake_server_stop(srv);
}

/* With STARTUP THROW_ON_OVERLOAD=true (Cassandra 4.1), the extra requests get Overloaded. */
Test(server_streams, throw_on_overload_answers_overloaded)
{
    srv = fake_server_start(few_inflight);
    cr_assert_eq(tclient_connect(&cl, cql_server_port(srv)), 0);
    struct cqlwire_pair opts[2];
    memset(opts, 0, sizeof opts);
    opts[0].key = cqlwire_str_c("CQL_VERSION");
    opts[0].str = cqlwire_str_c("3.4.6");
    opts[1].key = cqlwire_str_c("THROW_ON_OVERLOAD");
    opts[1].str = cqlwire_str_c("true");
    struct cqlreq q;
    memset(&q, 0, sizeof q);
    q.version = 4;
    q.opcode = CQLFRAME_OP_STARTUP;
    q.options = opts;
    q.noptions = 2;
    cr_assert_eq(tclient_send(&cl, &q), 0);
    struct cqlresp r;
    cr_assert_eq(tclient_recv(&cl, &r, TCLIENT_TIMEOUT_MS), 1);
    cr_assert_eq(r.opcode, CQLFRAME_OP_READY);
    for (int i = 0; i < 6; i++) cr_assert_eq(tclient_query(&cl, (int16_t)(i + 1), "hold"), 0);
    for (int i = 0; i < 2; i++) {
        cr_assert_eq(tclient_recv(&cl, &r, TCLIENT_TIMEOUT_MS), 1);
        cr_assert_eq(r.opcode, CQLFRAME_OP_ERROR);
        cr_assert_eq(r.error.code, CQLERR_OVERLOADED);
        cr_assert(cl.last.stream == 5 || cl.last.stream == 6);
    }
    fake_exec_release();
    for (int i = 0; i < 4; i++) {
        cr_assert_eq(tclient_recv(&cl, &r, TCLIENT_TIMEOUT_MS), 1);
        cr_assert_eq(r.opcode, CQLFRAME_OP_RESULT);
    }
    tclient_close(&cl);
    fake_server_stop(srv);
}

static void small_output(struct cql_server_config *c)
{
    c->out_bytes_max = 64 * 1024;
}

/* A client that sends but does not read: the server stops reading once its output queue is
 * full, so it buffers a bounded amount; when the client reads, everything is answered. */
Test(server_streams, slow_reader_is_pushed_back_not_buffered)
{
    srv = fake_server_start(small_output);
    connect_ready(false);
    enum { N = 4000 };
    /* Requests padded to 4 KB, so they cannot all sit in the kernel's socket buffers. */
    static char query[4200];
    memset(query, 'p', sizeof query - 1);
    memcpy(query, "big 4096 ", 9);
    struct buf frames;
    buf_init(&frames);
    for (int i = 0; i < N; i++) {
        struct cqlreq q;
        memset(&q, 0, sizeof q);
        q.version = 4;
        q.stream = (int16_t)(i % 30000);
        q.opcode = CQLFRAME_OP_QUERY;
        q.query = cqlwire_str_c(query);
        q.params.cl = 1;
        cr_assert_eq(cqlreq_encode(&frames, &q, false, CQLFRAME_BODY_MAX_LIMIT, NULL), 0);
    }
    size_t sent = 0;
    int64_t until = tclient_now_ms() + 300;
    while (sent < frames.len && tclient_now_ms() < until) {
        long w = tclient_send_some(&cl, frames.data + sent, frames.len - sent);
        cr_assert_geq(w, 0);
        sent += (size_t)w;
    }
    unsigned submitted = atomic_load(&fake_exec_submitted);
    cr_assert_lt(submitted, N, "the server stopped taking requests (took %u)", submitted);
    cr_assert_lt(sent, frames.len, "the client was pushed back");
    int answered = 0;
    while (answered < N) {
        if (sent < frames.len) {
            long w = tclient_send_some(&cl, frames.data + sent, frames.len - sent);
            cr_assert_geq(w, 0);
            sent += (size_t)w;
        }
        struct cqlresp r;
        cr_assert_eq(tclient_recv(&cl, &r, TCLIENT_TIMEOUT_MS), 1, "answer %d", answered);
        cr_assert_eq(r.kind, CQLRESP_KIND_ROWS);
        answered++;
    }
    buf_deinit(&frames);
    tclient_close(&cl);
    fake_server_stop(srv);
}

static void two_connections(struct cql_server_config *c)
{
    c->connections_max = 2;
}

Test(server_streams, connection_limit_closes_extra_connections)
{
    srv = fake_server_start(two_connections);
    struct tclient a, b, c;
    cr_assert_eq(tclient_connect(&a, cql_server_port(srv)), 0);
    cr_assert_eq(tclient_handshake(&a, 4, false), 0);
    cr_assert_eq(tclient_connect(&b, cql_server_port(srv)), 0);
    cr_assert_eq(tclient_handshake(&b, 4, false), 0);
    cr_assert_eq(tclient_connect(&c, cql_server_port(srv)), 0);
    cr_assert(tclient_wait_closed(&c, TCLIENT_TIMEOUT_MS), "the third is refused");
    tclient_close(&c);
    tclient_close(&b);
    /* Once one is gone, a new one is accepted (the count drops when the server frees it). */
    int64_t deadline = tclient_now_ms() + TCLIENT_TIMEOUT_MS;
    while (cql_server_connections(srv) > 1 && tclient_now_ms() < deadline) {
        struct timespec ts = {0, 2000000};
        nanosleep(&ts, NULL);
    }
    cr_assert_eq(tclient_connect(&c, cql_server_port(srv)), 0);
    cr_assert_eq(tclient_handshake(&c, 4, false), 0);
    tclient_close(&c);
    tclient_close(&a);
    fake_server_stop(srv);
}

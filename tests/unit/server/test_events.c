/* Protocol server: REGISTER and events published from other threads (node/cql/events.h). */
#include <criterion/criterion.h>
#include <pthread.h>
#include <string.h>

#include "tests/unit/server/fake_exec.h"
#include "tests/support/tclient.h"

static struct cql_server *srv;

#define NEVENTS 50

static void schema_event(struct cqlevent *e, const char *table)
{
    memset(e, 0, sizeof *e);
    e->type = CQLEVENT_SCHEMA_CHANGE;
    e->schema.change = cqlwire_str_c("CREATED");
    e->schema.target = cqlwire_str_c("TABLE");
    e->schema.keyspace = cqlwire_str_c("ks");
    e->schema.name = cqlwire_str_c(table);
}

static void *publisher(void *arg)
{
    (void)arg;
    struct cql_events *ev = cql_server_events(srv);
    char name[16];
    for (int i = 0; i < NEVENTS; i++) {
        struct cqlevent e;
        snprintf(name, sizeof name, "t%d", i);
        schema_event(&e, name);
        cql_events_publish(ev, &e);
    }
    struct cqlevent st;
    memset(&st, 0, sizeof st);
    st.type = CQLEVENT_STATUS_CHANGE;
    st.change = cqlwire_str_c("UP");
    st.addr.addr_len = 4;
    memcpy(st.addr.addr, "\x7f\x00\x00\x02", 4);
    st.addr.port = 9042;
    cql_events_publish(ev, &st);
    return NULL;
}

static void do_register(struct tclient *t, const char *const *names, int n)
{
    cr_assert_eq(tclient_register(t, 1, names, n), 0);
    struct cqlresp r;
    cr_assert_eq(tclient_recv(t, &r, TCLIENT_TIMEOUT_MS), 1);
    cr_assert_eq(r.opcode, CQLFRAME_OP_READY);
    cr_assert_eq(t->last.stream, 1);
}

Test(server_events, registered_connections_get_events_on_stream_minus_one_in_order)
{
    srv = fake_server_start(NULL);
    uint16_t port = cql_server_port(srv);
    struct tclient a, b, c;
    cr_assert_eq(tclient_connect(&a, port), 0);
    cr_assert_eq(tclient_handshake(&a, 4, true), 0);
    static const char *const all[] = {"TOPOLOGY_CHANGE", "STATUS_CHANGE", "SCHEMA_CHANGE"};
    do_register(&a, all, 3);
    cr_assert_eq(tclient_connect(&b, port), 0);
    cr_assert_eq(tclient_handshake(&b, 3, false), 0);
    static const char *const status[] = {"STATUS_CHANGE"};
    do_register(&b, status, 1);
    cr_assert_eq(tclient_connect(&c, port), 0);
    cr_assert_eq(tclient_handshake(&c, 4, false), 0);

    pthread_t th;
    pthread_create(&th, NULL, publisher, NULL);
    pthread_join(th, NULL);

    char name[16];
    for (int i = 0; i < NEVENTS; i++) {
        struct cqlresp r;
        cr_assert_eq(tclient_recv(&a, &r, TCLIENT_TIMEOUT_MS), 1);
        cr_assert_eq(r.opcode, CQLFRAME_OP_EVENT);
        cr_assert_eq(a.last.stream, -1);
        cr_assert_neq(a.last.flags & CQLFRAME_FLAG_COMPRESSION, 0);
        cr_assert_eq(r.event.type, CQLEVENT_SCHEMA_CHANGE);
        snprintf(name, sizeof name, "t%d", i);
        cr_assert(cqlwire_str_eq(r.event.schema.name, name), "event %d in order", i);
        cr_assert(cqlwire_str_eq(r.event.schema.keyspace, "ks"));
    }
    struct cqlresp r;
    cr_assert_eq(tclient_recv(&a, &r, TCLIENT_TIMEOUT_MS), 1);
    cr_assert_eq(r.event.type, CQLEVENT_STATUS_CHANGE);
    /* b asked for STATUS_CHANGE only, in v3. */
    cr_assert_eq(tclient_recv(&b, &r, TCLIENT_TIMEOUT_MS), 1);
    cr_assert_eq(r.opcode, CQLFRAME_OP_EVENT);
    cr_assert_eq(b.last.version, 3);
    cr_assert_eq(b.last.stream, -1);
    cr_assert_eq(r.event.type, CQLEVENT_STATUS_CHANGE);
    cr_assert(cqlwire_str_eq(r.event.change, "UP"));
    cr_assert_eq(r.event.addr.port, 9042);
    /* c did not register: its next frame is the answer to its own request. */
    cr_assert_eq(tclient_options(&c, 3), 0);
    cr_assert_eq(tclient_recv(&c, &r, TCLIENT_TIMEOUT_MS), 1);
    cr_assert_eq(r.opcode, CQLFRAME_OP_SUPPORTED);
    cr_assert_eq(tclient_recv(&c, &r, 100), -1, "nothing else arrives");
    tclient_close(&a);
    tclient_close(&b);
    tclient_close(&c);
    fake_server_stop(srv);
}

Test(server_events, register_before_startup_is_refused)
{
    srv = fake_server_start(NULL);
    struct tclient t;
    cr_assert_eq(tclient_connect(&t, cql_server_port(srv)), 0);
    static const char *const names[] = {"SCHEMA_CHANGE"};
    cr_assert_eq(tclient_register(&t, 2, names, 1), 0);
    struct cqlresp r;
    cr_assert_eq(tclient_recv(&t, &r, TCLIENT_TIMEOUT_MS), 1);
    cr_assert_eq(r.opcode, CQLFRAME_OP_ERROR);
    cr_assert_eq(r.error.code, CQLERR_PROTOCOL);
    tclient_close(&t);
    fake_server_stop(srv);
}

Test(server_events, publishing_after_stop_is_harmless)
{
    srv = fake_server_start(NULL);
    cql_server_stop(srv);
    struct cqlevent e;
    schema_event(&e, "late");
    cql_events_publish(cql_server_events(srv), &e);
    cql_server_destroy(srv);
    fake_exec_stop();
}

static void small_output(struct cql_server_config *c)
{
    c->out_bytes_max = 64 * 1024;
}

/* A registered client that stops reading: once its output queue is over the limit, events
 * for it are dropped (bounded memory); after it catches up, new events reach it again. */
Test(server_events, events_for_a_client_that_does_not_read_are_dropped)
{
    srv = fake_server_start(small_output);
    struct tclient t;
    cr_assert_eq(tclient_connect(&t, cql_server_port(srv)), 0);
    cr_assert_eq(tclient_handshake(&t, 4, false), 0);
    static const char *const names[] = {"SCHEMA_CHANGE"};
    do_register(&t, names, 1);
    static char query[4200];
    memset(query, 'p', sizeof query - 1);
    memcpy(query, "big 4096 ", 9);
    struct buf frames;
    buf_init(&frames);
    enum { N = 4000 };
    for (int i = 0; i < N; i++) {
        struct cqlreq q;
        memset(&q, 0, sizeof q);
        q.version = 4;
        q.stream = (int16_t)(i % 30000 + 2);
        q.opcode = CQLFRAME_OP_QUERY;
        q.query = cqlwire_str_c(query);
        q.params.cl = 1;
        cr_assert_eq(cqlreq_encode(&frames, &q, false, CQLFRAME_BODY_MAX_LIMIT, NULL), 0);
    }
    /* Send until the server stops taking requests (it is paused on its full output queue). */
    size_t sent = 0;
    unsigned last = 0;
    int64_t stable_since = tclient_now_ms(), deadline = stable_since + TCLIENT_TIMEOUT_MS;
    while (tclient_now_ms() - stable_since < 150) {
        cr_assert_lt(tclient_now_ms(), deadline, "the server never paused");
        long w = tclient_send_some(&t, frames.data + sent, frames.len - sent);
        cr_assert_geq(w, 0);
        sent += (size_t)w;
        unsigned now = atomic_load(&fake_exec_submitted);
        if (now != last) {
            last = now;
            stable_since = tclient_now_ms();
        }
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    cr_assert_lt(sent, frames.len);
    struct cqlevent e;
    schema_event(&e, "dropped");
    for (int i = 0; i < 10; i++) cql_events_publish(cql_server_events(srv), &e);
    /* Catch up: every answer arrives, none of the dropped events does. */
    int answers = 0;
    while (answers < N) {
        if (sent < frames.len) {
            long w = tclient_send_some(&t, frames.data + sent, frames.len - sent);
            cr_assert_geq(w, 0);
            sent += (size_t)w;
        }
        struct cqlresp r;
        cr_assert_eq(tclient_recv(&t, &r, TCLIENT_TIMEOUT_MS), 1);
        cr_assert_eq(r.opcode, CQLFRAME_OP_RESULT, "no event while the client lagged");
        answers++;
    }
    schema_event(&e, "delivered");
    cql_events_publish(cql_server_events(srv), &e);
    struct cqlresp r;
    cr_assert_eq(tclient_recv(&t, &r, TCLIENT_TIMEOUT_MS), 1);
    cr_assert_eq(r.opcode, CQLFRAME_OP_EVENT);
    cr_assert(cqlwire_str_eq(r.event.schema.name, "delivered"));
    buf_deinit(&frames);
    tclient_close(&t);
    fake_server_stop(srv);
}

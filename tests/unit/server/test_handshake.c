/* Protocol server: the handshake as drivers do it (client-requirements.md §1, §2, §10). */
#include <criterion/criterion.h>
#include <string.h>

#include "tests/unit/server/fake_exec.h"
#include "tests/support/tclient.h"

static const struct cqlwire_multi *find_key(const struct cqlresp *r, const char *key)
{
    for (uint16_t i = 0; i < r->nsupported; i++)
        if (cqlwire_str_eq(r->supported[i].key, key)) return &r->supported[i];
    return NULL;
}

static void expect_supported(struct tclient *t, int16_t stream)
{
    struct cqlresp r;
    cr_assert_eq(tclient_recv(t, &r, TCLIENT_TIMEOUT_MS), 1);
    cr_assert_eq(r.opcode, CQLFRAME_OP_SUPPORTED);
    cr_assert_eq(t->last.stream, stream);
    const struct cqlwire_multi *m = find_key(&r, "CQL_VERSION");
    cr_assert(m && m->nvals == 1 && cqlwire_str_eq(m->vals[0], "3.4.6"));
    m = find_key(&r, "COMPRESSION");
    cr_assert(m && m->nvals == 1 && cqlwire_str_eq(m->vals[0], "lz4"));
    m = find_key(&r, "PROTOCOL_VERSIONS");
    cr_assert(m && m->nvals == 2 && cqlwire_str_eq(m->vals[0], "3/v3") &&
              cqlwire_str_eq(m->vals[1], "4/v4"));
}

Test(server_handshake, options_answers_supported_before_and_after_startup)
{
    struct cql_server *s = fake_server_start(NULL);
    struct tclient t;
    cr_assert_eq(tclient_connect(&t, cql_server_port(s)), 0);
    cr_assert_eq(tclient_options(&t, 0), 0);
    expect_supported(&t, 0);
    cr_assert_eq(tclient_handshake(&t, 4, true), 0);
    cr_assert_eq(tclient_options(&t, 9), 0); /* heartbeat, compressed from now on */
    expect_supported(&t, 9);
    tclient_close(&t);
    fake_server_stop(s);
}

/* The Python driver steps down 0x42 -> 0x41 -> 5 -> 4: each refused with ERROR 0x000A on the
 * same stream in a v4 header, then the connection closes. v1/v2 headers are 8 bytes. */
Test(server_handshake, unsupported_versions_get_v4_protocol_error_on_same_stream_then_close)
{
    static const struct {
        uint8_t version;
        uint8_t frame[9];
        int16_t stream;
    } cases[] = {
        {0x42, {0x42, 0, 0, 0, CQLFRAME_OP_OPTIONS, 0, 0, 0, 0}, 0},
        {0x41, {0x41, 0, 0, 3, CQLFRAME_OP_OPTIONS, 0, 0, 0, 0}, 3},
        {5, {5, 0, 0x01, 0x02, CQLFRAME_OP_OPTIONS, 0, 0, 0, 0}, 0x102},
        {2, {2, 0, 7, CQLFRAME_OP_OPTIONS, 0, 0, 0, 0, 0}, 7},
        {1, {1, 0, 1, CQLFRAME_OP_STARTUP, 0, 0, 0, 0, 0}, 1},
    };
    struct cql_server *s = fake_server_start(NULL);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct tclient t;
        cr_assert_eq(tclient_connect(&t, cql_server_port(s)), 0);
        cr_assert_eq(tclient_send_raw(&t, cases[i].frame, sizeof cases[i].frame), 0);
        struct cqlresp r;
        cr_assert_eq(tclient_recv(&t, &r, TCLIENT_TIMEOUT_MS), 1, "case %zu", i);
        cr_assert_eq(t.last.version, 4);
        cr_assert(t.last.is_response);
        cr_assert_eq(t.last.stream, cases[i].stream, "case %zu stream %d", i, t.last.stream);
        cr_assert_eq(r.opcode, CQLFRAME_OP_ERROR);
        cr_assert_eq(r.error.code, CQLERR_PROTOCOL);
        char want[128];
        snprintf(want, sizeof want,
                 "Invalid or unsupported protocol version (%u); supported versions are "
                 "(3/v3, 4/v4)", cases[i].version);
        cr_assert(cqlwire_str_eq(r.error.message, want), "%.*s", (int)r.error.message.len,
                  r.error.message.p);
        cr_assert(tclient_wait_closed(&t, TCLIENT_TIMEOUT_MS), "closed after the error");
        tclient_close(&t);
    }
    fake_server_stop(s);
}

Test(server_handshake, startup_ready_in_v3_and_v4_and_queries_answer)
{
    struct cql_server *s = fake_server_start(NULL);
    for (uint8_t v = 3; v <= 4; v++) {
        struct tclient t;
        cr_assert_eq(tclient_connect(&t, cql_server_port(s)), 0);
        t.version = v;
        cr_assert_eq(tclient_startup(&t, 5, "3.0.0", NULL), 0); /* Node.js sends 3.0.0 */
        struct cqlresp r;
        cr_assert_eq(tclient_recv(&t, &r, TCLIENT_TIMEOUT_MS), 1);
        cr_assert_eq(r.opcode, CQLFRAME_OP_READY);
        cr_assert_eq(t.last.version, v);
        cr_assert_eq(t.last.stream, 5);
        cr_assert_eq(tclient_query(&t, 6, "rows"), 0);
        cr_assert_eq(tclient_recv(&t, &r, TCLIENT_TIMEOUT_MS), 1);
        cr_assert_str_eq(tclient_cell0(&t, &r), "hello");
        cr_assert_eq(t.last.stream, 6);
        cr_assert_eq(t.last.version, v);
        tclient_close(&t);
    }
    fake_server_stop(s);
}

static void expect_error(struct tclient *t, int16_t stream, int32_t code, const char *text)
{
    struct cqlresp r;
    cr_assert_eq(tclient_recv(t, &r, TCLIENT_TIMEOUT_MS), 1);
    cr_assert_eq(r.opcode, CQLFRAME_OP_ERROR, "opcode %d", r.opcode);
    cr_assert_eq(t->last.stream, stream);
    cr_assert_eq(r.error.code, code, "code 0x%x", r.error.code);
    cr_assert(cqlwire_str_eq(r.error.message, text), "got '%.*s' want '%s'",
              (int)r.error.message.len, r.error.message.p, text);
}

/* Refused handshakes answer on the stream and leave the connection usable. */
Test(server_handshake, refused_startup_options_and_early_requests_are_protocol_errors)
{
    struct cql_server *s = fake_server_start(NULL);
    struct tclient t;
    cr_assert_eq(tclient_connect(&t, cql_server_port(s)), 0);
    cr_assert_eq(tclient_query(&t, 1, "rows"), 0);
    expect_error(&t, 1, CQLERR_PROTOCOL, "Unexpected message QUERY, expecting STARTUP or OPTIONS");
    cr_assert_eq(tclient_startup(&t, 2, NULL, NULL), 0);
    expect_error(&t, 2, CQLERR_PROTOCOL, "Missing value CQL_VERSION in STARTUP message");
    cr_assert_eq(tclient_startup(&t, 3, "3.5.0", NULL), 0);
    expect_error(&t, 3, CQLERR_PROTOCOL,
                 "Provided version 3.5.0 is not supported by this server (supported: 3.4.6)");
    cr_assert_eq(tclient_startup(&t, 4, "2.0.0", NULL), 0);
    expect_error(&t, 4, CQLERR_PROTOCOL,
                 "CQL version 2.0.0 is not supported by the binary protocol (supported version "
                 "are >= 3.0.0)");
    cr_assert_eq(tclient_startup(&t, 5, "three", NULL), 0);
    expect_error(&t, 5, CQLERR_PROTOCOL, "Invalid version value: three");
    cr_assert_eq(tclient_startup(&t, 6, "3.4.6", "snappy"), 0);
    expect_error(&t, 6, CQLERR_PROTOCOL, "Unknown compression algorithm: snappy");
    cr_assert_eq(tclient_handshake(&t, 4, false), 0);
    cr_assert_eq(tclient_startup(&t, 7, "3.4.6", NULL), 0);
    expect_error(&t, 7, CQLERR_PROTOCOL,
                 "Unexpected message STARTUP, the connection is already initialized");
    cr_assert_eq(tclient_query(&t, 8, "error"), 0);
    expect_error(&t, 8, CQLERR_INVALID, "fake error");
    tclient_close(&t);
    fake_server_stop(s);
}

/* lz4 is on right after READY: the request after it is compressed and so are the answers. */
Test(server_handshake, lz4_switches_on_after_ready_in_both_directions)
{
    struct cql_server *s = fake_server_start(NULL);
    struct tclient t;
    cr_assert_eq(tclient_connect(&t, cql_server_port(s)), 0);
    cr_assert_eq(tclient_startup(&t, 0, "3.4.6", "lz4"), 0);
    struct cqlresp r;
    cr_assert_eq(tclient_recv(&t, &r, TCLIENT_TIMEOUT_MS), 1);
    cr_assert_eq(r.opcode, CQLFRAME_OP_READY);
    cr_assert_eq(t.last.flags & CQLFRAME_FLAG_COMPRESSION, 0, "READY itself is not compressed");
    t.lz4 = true;
    cr_assert_eq(tclient_query(&t, 1, "echo compressed both ways"), 0);
    cr_assert_eq(tclient_recv(&t, &r, TCLIENT_TIMEOUT_MS), 1);
    cr_assert_neq(t.last.flags & CQLFRAME_FLAG_COMPRESSION, 0, "RESULT is compressed");
    cr_assert_str_eq(tclient_cell0(&t, &r), "echo compressed both ways");
    cr_assert_eq(tclient_query(&t, 2, "warn"), 0);
    cr_assert_eq(tclient_recv(&t, &r, TCLIENT_TIMEOUT_MS), 1);
    cr_assert_neq(t.last.flags & CQLFRAME_FLAG_WARNING, 0);
    cr_assert_eq(t.last.flags & CQLFRAME_FLAG_TRACING, 0);
    cr_assert_eq(r.nwarnings, 1);
    cr_assert(cqlwire_str_eq(r.warnings[0], "fake warning"));
    tclient_close(&t);
    fake_server_stop(s);
}

/* A compressed frame before lz4 was negotiated cannot be read: Protocol error, then close. */
Test(server_handshake, compressed_frame_without_negotiation_closes)
{
    struct cql_server *s = fake_server_start(NULL);
    struct tclient t;
    cr_assert_eq(tclient_connect(&t, cql_server_port(s)), 0);
    cr_assert_eq(tclient_handshake(&t, 4, false), 0);
    t.lz4 = true; /* the server did not agree */
    cr_assert_eq(tclient_query(&t, 3, "rows"), 0);
    struct cqlresp r;
    cr_assert_eq(tclient_recv(&t, &r, TCLIENT_TIMEOUT_MS), 1);
    cr_assert_eq(r.opcode, CQLFRAME_OP_ERROR);
    cr_assert_eq(r.error.code, CQLERR_PROTOCOL);
    cr_assert_eq(t.last.stream, 3);
    cr_assert(tclient_wait_closed(&t, TCLIENT_TIMEOUT_MS));
    tclient_close(&t);
    fake_server_stop(s);
}

Test(server_handshake, prepare_execute_batch_reach_the_executor)
{
    struct cql_server *s = fake_server_start(NULL);
    struct tclient t;
    cr_assert_eq(tclient_connect(&t, cql_server_port(s)), 0);
    cr_assert_eq(tclient_handshake(&t, 4, true), 0);
    struct cqlreq q;
    memset(&q, 0, sizeof q);
    q.version = 4;
    q.stream = 11;
    q.opcode = CQLFRAME_OP_PREPARE;
    q.query = cqlwire_str_c("INSERT INTO ks.t (key, value) VALUES (?, ?)");
    cr_assert_eq(tclient_send(&t, &q), 0);
    struct cqlresp r;
    cr_assert_eq(tclient_recv(&t, &r, TCLIENT_TIMEOUT_MS), 1);
    cr_assert_eq(r.kind, CQLRESP_KIND_PREPARED);
    cr_assert_eq(r.prepared.id.len, 6);
    q.opcode = CQLFRAME_OP_EXECUTE;
    q.stream = 12;
    q.id.p = (const uint8_t *)"fakeid";
    q.id.len = 6;
    q.params.cl = 1;
    cr_assert_eq(tclient_send(&t, &q), 0);
    cr_assert_eq(tclient_recv(&t, &r, TCLIENT_TIMEOUT_MS), 1);
    cr_assert_eq(r.kind, CQLRESP_KIND_VOID);
    cr_assert_eq(t.last.stream, 12);
    tclient_close(&t);
    fake_server_stop(s);
}

/*
 * cql_badframes: sends truncated, oversized, wrong-version, garbage and malformed frames to a
 * running ringdb (each on its own connection) and checks that each gets an ERROR or a close,
 * while a well-behaved client connected the whole time keeps getting answers after every case.
 * Run by tests/cluster/cql_badframes.sh.  Usage: cql_badframes PORT
 * Exit 0 when every case passed; 1 (with the failing case on stderr) otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "node/base/be.h"
#include "tests/support/tclient.h"

#define GARBAGE_CASES 24
#define IDLE_CHECK_MS 200

static uint16_t port;
static struct tclient good;
static int16_t good_stream;
static uint64_t rng = 0x2545F4914F6CDD1Dull;
static int failures;

static uint64_t next_rand(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545F4914F6CDD1Dull;
}

static void fail(const char *name, const char *why)
{
    fprintf(stderr, "FAIL %s: %s\n", name, why);
    failures++;
}

/* The well-behaved client: a heartbeat and a query, each must be answered on its stream. */
static void check_good(const char *after)
{
    struct cqlresp r;
    int16_t s1 = good_stream++, s2 = good_stream++;
    if (good_stream > 30000) good_stream = 1;
    if (tclient_options(&good, s1) != 0 ||
        tclient_query(&good, s2, "SELECT release_version FROM system.local WHERE key='local'") != 0) {
        fail(after, "the good client cannot send");
        return;
    }
    bool got1 = false, got2 = false;
    for (int i = 0; i < 2; i++) {
        if (tclient_recv(&good, &r, TCLIENT_TIMEOUT_MS) != 1) {
            fail(after, "the good client got no answer");
            return;
        }
        if (good.last.stream == s1 && r.opcode == CQLFRAME_OP_SUPPORTED) got1 = true;
        if (good.last.stream == s2 &&
            (r.opcode == CQLFRAME_OP_RESULT || r.opcode == CQLFRAME_OP_ERROR))
            got2 = true;
    }
    if (!got1 || !got2) fail(after, "the good client got wrong answers");
}

/* After the bad bytes: an ERROR frame (then, if must_close, a close) or a close. */
static void expect_error_or_close(struct tclient *t, const char *name, bool shut, bool must_close)
{
    if (shut) shutdown(t->fd, SHUT_WR);
    check_good(name); /* while the bad connection is being dealt with */
    struct cqlresp r;
    int rc = tclient_recv(t, &r, TCLIENT_TIMEOUT_MS);
    if (rc == 1 && r.opcode != CQLFRAME_OP_ERROR) fail(name, "answered with something else");
    else if (rc < 0) fail(name, "neither an error nor a close");
    else if (rc == 1 && must_close && !tclient_wait_closed(t, TCLIENT_TIMEOUT_MS))
        fail(name, "not closed after the error");
}

static void open_bad(struct tclient *t, const char *name, bool ready)
{
    if (tclient_connect(t, port) != 0) {
        fail(name, "cannot connect");
        exit(1);
    }
    if (ready && tclient_handshake(t, 4, false) != 0) fail(name, "handshake failed");
}

static void raw_case(const char *name, bool ready, const void *p, size_t n, bool shut,
                     bool must_close)
{
    struct tclient t;
    open_bad(&t, name, ready);
    if (tclient_send_raw(&t, p, n) != 0) fail(name, "send failed");
    expect_error_or_close(&t, name, shut, must_close);
    tclient_close(&t);
}

static void header(uint8_t *h, uint8_t version, uint8_t flags, int16_t stream, uint8_t op,
                   uint32_t len)
{
    h[0] = version;
    h[1] = flags;
    be16_store(h + 2, (uint16_t)stream);
    h[4] = op;
    be32_store(h + 5, len);
}

static void truncated_cases(void)
{
    uint8_t f[9 + 40];
    memset(f, 'q', sizeof f);
    header(f, 4, 0, 1, CQLFRAME_OP_QUERY, 100);
    raw_case("truncated header then EOF", true, f, 5, true, false);
    raw_case("truncated body then EOF", true, f, sizeof f, true, false);
    /* A frame still arriving is not an error: the server waits, and serves others meanwhile. */
    struct tclient t;
    open_bad(&t, "truncated body, idle", true);
    tclient_send_raw(&t, f, sizeof f);
    check_good("truncated body, idle");
    struct cqlresp r;
    if (tclient_recv(&t, &r, IDLE_CHECK_MS) == 1) fail("truncated body, idle", "answered early");
    tclient_close(&t);
}

static void size_and_version_cases(void)
{
    uint8_t h[9];
    header(h, 4, 0, 2, CQLFRAME_OP_QUERY, 0x7FFFFFFF);
    raw_case("oversized before STARTUP", false, h, 9, false, true);
    raw_case("oversized after STARTUP", true, h, 9, false, true);
    static const uint8_t versions[] = {0x42, 0x41, 5, 2, 1, 0, 0x7f};
    for (size_t i = 0; i < sizeof versions; i++) {
        char name[48];
        snprintf(name, sizeof name, "version 0x%02x", versions[i]);
        header(h, versions[i], 0, 0, CQLFRAME_OP_OPTIONS, 0);
        raw_case(name, false, h, 9, false, true);
    }
    header(h, 3, 0, 3, CQLFRAME_OP_OPTIONS, 0); /* v3 after a v4 handshake */
    raw_case("version changes mid-connection", true, h, 9, false, true);
    header(h, 0x84, 0, 4, CQLFRAME_OP_OPTIONS, 0);
    raw_case("response direction", false, h, 9, false, true);
    header(h, 4, 0, 5, 0x44, 0);
    raw_case("unknown opcode", false, h, 9, false, true);
}

static void body_cases(void)
{
    uint8_t f[9 + 64];
    for (size_t i = 9; i < sizeof f; i++) f[i] = (uint8_t)next_rand();
    header(f, 4, 0, 6, CQLFRAME_OP_QUERY, 64);
    be32_store(f + 9, 0x7FFFFF00); /* a [long string] longer than the body */
    raw_case("malformed QUERY body", true, f, sizeof f, false, true);
    header(f, 4, CQLFRAME_FLAG_COMPRESSION, 7, CQLFRAME_OP_QUERY, 64);
    raw_case("lz4 flag without lz4", true, f, sizeof f, false, true);
    uint8_t s[9 + 2];
    header(s, 4, 0, 8, CQLFRAME_OP_STARTUP, 2);
    s[9] = 0xff; /* a [string map] of 65535 entries with no bytes behind */
    s[10] = 0xff;
    raw_case("STARTUP map count beyond the body", false, s, sizeof s, false, true);
    /* lz4 negotiated, then a body that does not inflate. */
    struct tclient t;
    open_bad(&t, "bad lz4 body", false);
    if (tclient_handshake(&t, 4, true) != 0) fail("bad lz4 body", "handshake failed");
    tclient_send_raw(&t, f, sizeof f);
    expect_error_or_close(&t, "bad lz4 body", false, true);
    tclient_close(&t);
}

static void garbage_cases(void)
{
    uint8_t g[300];
    for (int c = 0; c < GARBAGE_CASES; c++) {
        size_t n = 1 + next_rand() % sizeof g;
        for (size_t i = 0; i < n; i++) g[i] = (uint8_t)next_rand();
        if (c % 3 == 0) g[0] = 4; /* a plausible version byte: the rest decides */
        char name[32];
        snprintf(name, sizeof name, "garbage %d (%zu bytes)", c, n);
        raw_case(name, c % 2 == 0, g, n, true, false);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: cql_badframes PORT\n");
        return 2;
    }
    port = (uint16_t)strtoul(argv[1], NULL, 10);
    if (tclient_connect(&good, port) != 0 || tclient_handshake(&good, 4, true) != 0) {
        fprintf(stderr, "FAIL: the good client cannot connect to port %u\n", port);
        return 1;
    }
    good_stream = 1;
    check_good("start");
    truncated_cases();
    size_and_version_cases();
    body_cases();
    garbage_cases();
    check_good("end");
    struct tclient t;
    if (tclient_connect(&t, port) != 0 || tclient_handshake(&t, 4, false) != 0)
        fail("end", "a new connection cannot start");
    tclient_close(&t);
    tclient_close(&good);
    if (failures) return 1;
    printf("PASS cql_badframes\n");
    return 0;
}

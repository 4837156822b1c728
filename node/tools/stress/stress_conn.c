/* stress_conn: see stress_conn.h. */
#include "node/tools/stress/stress_conn.h"

#include <netdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "node/base/assert.h"
#include "node/base/clock.h"
#include "node/base/mem.h"
#include "node/cqlproto/cqlcl.h"
#include "node/cqlproto/cqlreq.h"
#include "node/cqlproto/cqlresp.h"

#define TICK_MS 1
#define QUERY_MAX 512
#define SCRIPT_MAX 4

enum sconn_state { SC_CONNECTING, SC_STARTUP, SC_SCRIPT, SC_PREPARE, SC_RUN, SC_CLOSED };

struct shared {
    const struct stress_opts *o;
    struct sockaddr_storage addr;
    char statement[QUERY_MAX];
    char script[SCRIPT_MAX][QUERY_MAX];
    uint32_t nscript;
    atomic_ullong issued;    /* count mode */
    atomic_ullong completed; /* progress */
    atomic_bool stop;
    int64_t t0_ns;
    int64_t warm_end_ns;
    int64_t deadline_ns; /* 0: none */
};

struct thr;

struct sconn {
    uv_tcp_t tcp;
    uv_connect_t creq;
    uv_write_t wreq;
    struct thr *t;
    struct cqlframe_decoder dec;
    struct arena arena;
    struct buf out, wbuf;
    bool writing;
    enum sconn_state state;
    uint8_t id[256];
    uint16_t id_len;
    uint32_t inflight;
    uint32_t script_i;
    int64_t *sent_ns;      /* per stream */
    int16_t *free_streams; /* stack of unused stream ids */
    uint32_t nfree;
};

struct thr {
    uv_loop_t loop;
    uv_timer_t tick;
    pthread_t thread;
    struct shared *sh;
    const struct stress_opts *o;
    struct sconn *conns;
    uint32_t nconns;
    uint32_t nopen; /* connection handles not yet closed */
    struct stress_hist hist;
    uint64_t ok, errors, conn_failures;
    char first_error[256];
    uint64_t rng;
    double period_ns; /* rate mode: ns between operations of this thread */
    double due_ns;    /* rate mode: when the next operation is due */
    bool stopping;
    uint8_t *value;
    int64_t last_done_ns;
    atomic_bool finished; /* read by the progress printer */
};

static uint64_t next_rand(struct thr *t)
{
    t->rng ^= t->rng >> 12;
    t->rng ^= t->rng << 25;
    t->rng ^= t->rng >> 27;
    return t->rng * 0x2545F4914F6CDD1Dull;
}

static void note_error(struct thr *t, const char *fmt, const char *text, size_t len)
{
    if (t->first_error[0] == '\0')
        snprintf(t->first_error, sizeof t->first_error, fmt, (int)len, text);
}

static void conn_closed_cb(uv_handle_t *h)
{
    struct sconn *c = h->data;
    struct thr *t = c->t;
    if (--t->nopen == 0) uv_close((uv_handle_t *)&t->tick, NULL);
}

static void sconn_close(struct sconn *c)
{
    if (c->state == SC_CLOSED) return;
    c->t->errors += c->inflight; /* lost with the connection */
    c->inflight = 0;
    c->state = SC_CLOSED;
    uv_close((uv_handle_t *)&c->tcp, conn_closed_cb);
}

static void conn_failed(struct sconn *c, const char *why)
{
    c->t->conn_failures++;
    note_error(c->t, "connection failed: %.*s", why, strlen(why));
    sconn_close(c);
}

static void write_cb(uv_write_t *req, int status);

static void flush(struct sconn *c)
{
    if (c->state == SC_CLOSED || c->writing || c->out.len == 0) return;
    uv_buf_t b = uv_buf_init((char *)c->out.data, (unsigned)c->out.len);
    int n = uv_try_write((uv_stream_t *)&c->tcp, &b, 1);
    if (n == UV_EAGAIN) n = 0;
    if (n < 0) {
        conn_failed(c, uv_strerror(n));
        return;
    }
    if ((size_t)n == c->out.len) {
        c->out.len = 0;
        return;
    }
    struct buf tmp = c->wbuf;
    c->wbuf = c->out;
    c->out = tmp;
    c->out.len = 0;
    b = uv_buf_init((char *)c->wbuf.data + n, (unsigned)(c->wbuf.len - (size_t)n));
    c->wreq.data = c;
    if (uv_write(&c->wreq, (uv_stream_t *)&c->tcp, &b, 1, write_cb) != 0) {
        conn_failed(c, "write");
        return;
    }
    c->writing = true;
}

static void write_cb(uv_write_t *req, int status)
{
    struct sconn *c = req->data;
    c->writing = false;
    c->wbuf.len = 0;
    if (c->state == SC_CLOSED) return;
    if (status < 0) conn_failed(c, uv_strerror(status));
    else flush(c);
}

static void send_req(struct sconn *c, struct cqlreq *q, bool compress)
{
    q->version = c->t->o->protocol;
    int rc = cqlreq_encode(&c->out, q, compress && c->t->o->lz4, CQLFRAME_BODY_MAX_LIMIT, NULL);
    ASSERT(rc == 0);
}

static void send_query(struct sconn *c, uint8_t opcode, const char *text)
{
    struct cqlreq q;
    memset(&q, 0, sizeof q);
    q.opcode = opcode;
    q.query = cqlwire_str_c(text);
    q.params.cl = CQLCL_ONE;
    send_req(c, &q, true);
}

/* May another operation start now? *intended_ns: when it counts from. */
static bool may_issue(struct thr *t, int64_t now, int64_t *intended_ns)
{
    struct shared *sh = t->sh;
    if (t->stopping || atomic_load_explicit(&sh->stop, memory_order_relaxed)) return false;
    if (t->period_ns > 0) {
        if (t->due_ns > (double)now) return false;
        *intended_ns = (int64_t)t->due_ns;
        t->due_ns += t->period_ns;
    } else {
        *intended_ns = now;
    }
    if (t->o->count && atomic_fetch_add(&sh->issued, 1) >= t->o->count) {
        atomic_store(&sh->stop, true);
        return false;
    }
    return true;
}

static void send_op(struct sconn *c, int64_t intended_ns)
{
    struct thr *t = c->t;
    const struct stress_opts *o = t->o;
    int16_t stream = c->free_streams[--c->nfree];
    c->sent_ns[stream] = intended_ns;
    c->inflight++;
    char key[32];
    int klen = snprintf(key, sizeof key, "key:%012llu",
                        (unsigned long long)(next_rand(t) % (o->keys ? o->keys : 1)));
    struct cqlwire_value vals[2] = {{(const uint8_t *)key, klen},
                                    {t->value, (int32_t)o->value_size}};
    struct cqlreq q;
    memset(&q, 0, sizeof q);
    q.opcode = CQLFRAME_OP_EXECUTE;
    q.stream = stream;
    q.id.p = c->id;
    q.id.len = c->id_len;
    q.params.cl = o->cl;
    q.params.flags = CQLREQ_FLAG_VALUES;
    if (o->mode == STRESS_READ) q.params.flags |= CQLREQ_FLAG_SKIP_METADATA;
    q.params.values = vals;
    q.params.nvalues = o->mode == STRESS_WRITE ? 2 : 1;
    send_req(c, &q, true);
}

static void fill(struct sconn *c)
{
    if (c->state != SC_RUN) return;
    int64_t now = clock_mono_ns(), intended;
    while (c->inflight < c->t->o->inflight && may_issue(c->t, now, &intended))
        send_op(c, intended);
    if (c->inflight == 0 && (c->t->stopping || atomic_load(&c->t->sh->stop))) sconn_close(c);
}

static void on_run_response(struct sconn *c, const struct cqlframe *f)
{
    struct thr *t = c->t;
    int16_t st = f->h.stream;
    if (st < 0 || (uint32_t)st >= t->o->inflight) return; /* an event: not ours */
    int64_t now = clock_mono_ns();
    c->inflight--;
    c->free_streams[c->nfree++] = st;
    atomic_fetch_add_explicit(&t->sh->completed, 1, memory_order_relaxed);
    t->last_done_ns = now;
    if (f->h.opcode == CQLFRAME_OP_ERROR) {
        t->errors++;
        struct cqlresp r;
        const uint8_t *body;
        size_t len;
        arena_reset(&c->arena);
        if (cqlframe_body_load(f, true, CQLFRAME_BODY_MAX_LIMIT, &c->arena, &body, &len, NULL) ==
                0 &&
            cqlresp_decode(&f->h, body, len, &c->arena, &r, NULL) == 0)
            note_error(t, "%.*s", r.error.message.p, r.error.message.len);
        return;
    }
    if (now < t->sh->warm_end_ns) return;
    t->ok++;
    stress_hist_record(&t->hist, (uint64_t)(now - c->sent_ns[st]));
}

static void next_script(struct sconn *c)
{
    struct shared *sh = c->t->sh;
    if (c->script_i >= sh->nscript) {
        sconn_close(c);
        return;
    }
    send_query(c, CQLFRAME_OP_QUERY, sh->script[c->script_i++]);
    c->state = SC_SCRIPT;
}

/* A handshake/setup response: 0 to go on, -1 when the connection is given up. */
static int on_setup_response(struct sconn *c, const struct cqlframe *f)
{
    struct thr *t = c->t;
    struct cqlresp r;
    const uint8_t *body;
    size_t len;
    arena_reset(&c->arena);
    if (cqlframe_body_load(f, true, CQLFRAME_BODY_MAX_LIMIT, &c->arena, &body, &len, NULL) != 0 ||
        cqlresp_decode(&f->h, body, len, &c->arena, &r, NULL) != 0) {
        conn_failed(c, "undecodable response");
        return -1;
    }
    if (r.opcode == CQLFRAME_OP_ERROR && !(c->state == SC_SCRIPT &&
                                           r.error.code == CQLERR_ALREADY_EXISTS)) {
        note_error(t, "%.*s", r.error.message.p, r.error.message.len);
        t->conn_failures++;
        sconn_close(c);
        return -1;
    }
    switch (c->state) {
    case SC_STARTUP:
        if (r.opcode != CQLFRAME_OP_READY) {
            conn_failed(c, "authentication is not supported by ringstress");
            return -1;
        }
        if (t->sh->nscript) next_script(c);
        else {
            send_query(c, CQLFRAME_OP_PREPARE, t->sh->statement);
            c->state = SC_PREPARE;
        }
        return 0;
    case SC_SCRIPT:
        next_script(c);
        return 0;
    case SC_PREPARE:
        if (r.kind != CQLRESP_KIND_PREPARED || r.prepared.id.len <= 0 ||
            (size_t)r.prepared.id.len > sizeof c->id) {
            conn_failed(c, "PREPARE did not answer a prepared id");
            return -1;
        }
        memcpy(c->id, r.prepared.id.p, (size_t)r.prepared.id.len);
        c->id_len = (uint16_t)r.prepared.id.len;
        c->state = SC_RUN;
        fill(c);
        return 0;
    default:
        return 0;
    }
}

static void alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *b)
{
    (void)suggested;
    struct sconn *c = h->data;
    size_t len;
    uint8_t *p = cqlframe_decoder_space(&c->dec, &len);
    *b = uv_buf_init((char *)p, (unsigned)(len > UINT32_MAX ? UINT32_MAX : len));
}

static void read_cb(uv_stream_t *s, ssize_t nread, const uv_buf_t *b)
{
    (void)b;
    struct sconn *c = s->data;
    if (nread == 0) return;
    if (nread < 0) {
        if (c->state != SC_CLOSED) conn_failed(c, uv_strerror((int)nread));
        return;
    }
    cqlframe_decoder_commit(&c->dec, (size_t)nread);
    struct cqlframe f;
    struct errmsg em;
    int rc;
    while (c->state != SC_CLOSED && (rc = cqlframe_decoder_next(&c->dec, &f, &em)) != 0) {
        if (rc < 0) {
            conn_failed(c, em.text);
            return;
        }
        if (c->state == SC_RUN) on_run_response(c, &f);
        else if (on_setup_response(c, &f) != 0) return;
    }
    fill(c);
    flush(c);
}

static void connect_cb(uv_connect_t *req, int status)
{
    struct sconn *c = req->data;
    if (status < 0) {
        conn_failed(c, uv_strerror(status));
        return;
    }
    uv_tcp_nodelay(&c->tcp, 1);
    static const struct cqlwire_pair opt_plain[] = {{{"CQL_VERSION", 11}, {"3.4.6", 5}, {0}}};
    static const struct cqlwire_pair opt_lz4[] = {{{"CQL_VERSION", 11}, {"3.4.6", 5}, {0}},
                                                  {{"COMPRESSION", 11}, {"lz4", 3}, {0}}};
    struct cqlreq q;
    memset(&q, 0, sizeof q);
    q.opcode = CQLFRAME_OP_STARTUP;
    q.options = c->t->o->lz4 ? opt_lz4 : opt_plain;
    q.noptions = c->t->o->lz4 ? 2 : 1;
    send_req(c, &q, false);
    c->state = SC_STARTUP;
    uv_read_start((uv_stream_t *)&c->tcp, alloc_cb, read_cb);
    flush(c);
}

static void tick_cb(uv_timer_t *h)
{
    struct thr *t = h->data;
    int64_t now = clock_mono_ns();
    if (t->sh->deadline_ns && now >= t->sh->deadline_ns) t->stopping = true;
    for (uint32_t i = 0; i < t->nconns; i++) {
        fill(&t->conns[i]);
        flush(&t->conns[i]);
    }
}

static void thr_init(struct thr *t, struct shared *sh, uint32_t nconns, uint32_t index)
{
    const struct stress_opts *o = sh->o;
    memset(t, 0, sizeof *t);
    t->sh = sh;
    t->o = o;
    t->nconns = nconns;
    t->rng = 0x9E3779B97F4A7C15ull * (index + 1);
    stress_hist_init(&t->hist);
    t->value = xmalloc(o->value_size ? o->value_size : 1);
    for (uint32_t i = 0; i < o->value_size; i++) t->value[i] = (uint8_t)next_rand(t);
    if (o->rate > 0) t->period_ns = 1e9 * o->threads / o->rate;
    t->conns = xcalloc(nconns ? nconns : 1, sizeof *t->conns);
}

static void *thr_main(void *arg)
{
    struct thr *t = arg;
    uv_loop_init(&t->loop);
    uv_timer_init(&t->loop, &t->tick);
    t->tick.data = t;
    t->due_ns = (double)t->sh->t0_ns;
    for (uint32_t i = 0; i < t->nconns; i++) {
        struct sconn *c = &t->conns[i];
        c->t = t;
        cqlframe_decoder_init(&c->dec, CQLFRAME_BODY_MAX_LIMIT, true);
        arena_init(&c->arena, 0);
        buf_init(&c->out);
        buf_init(&c->wbuf);
        c->sent_ns = xcalloc(t->o->inflight, sizeof *c->sent_ns);
        c->free_streams = xcalloc(t->o->inflight, sizeof *c->free_streams);
        for (uint32_t s = 0; s < t->o->inflight; s++)
            c->free_streams[s] = (int16_t)(t->o->inflight - 1 - s);
        c->nfree = t->o->inflight;
        uv_tcp_init(&t->loop, &c->tcp);
        c->tcp.data = c->creq.data = c;
        t->nopen++;
        if (uv_tcp_connect(&c->creq, &c->tcp, (struct sockaddr *)&t->sh->addr, connect_cb) != 0)
            conn_failed(c, "connect");
    }
    if (t->nopen == 0) uv_close((uv_handle_t *)&t->tick, NULL);
    else uv_timer_start(&t->tick, tick_cb, TICK_MS, TICK_MS);
    uv_run(&t->loop, UV_RUN_DEFAULT);
    uv_loop_close(&t->loop);
    atomic_store(&t->finished, true);
    return NULL;
}

static void thr_deinit(struct thr *t)
{
    for (uint32_t i = 0; i < t->nconns; i++) {
        struct sconn *c = &t->conns[i];
        cqlframe_decoder_deinit(&c->dec);
        arena_deinit(&c->arena);
        buf_deinit(&c->out);
        buf_deinit(&c->wbuf);
        free(c->sent_ns);
        free(c->free_streams);
    }
    free(t->conns);
    free(t->value);
}

static int resolve(struct shared *sh, struct errmsg *em)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    char port[8];
    snprintf(port, sizeof port, "%u", sh->o->port);
    int rc = getaddrinfo(sh->o->host, port, &hints, &res);
    if (rc != 0 || !res)
        return errmsg_set(em, ERR_CONFIG, "cannot resolve %s: %s", sh->o->host, gai_strerror(rc));
    memcpy(&sh->addr, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
    return 0;
}

int stress_setup(const struct stress_opts *o, struct errmsg *em)
{
    struct shared *sh = xcalloc(1, sizeof *sh);
    sh->o = o;
    int rc = resolve(sh, em);
    if (rc == 0) {
        snprintf(sh->script[0], QUERY_MAX,
                 "CREATE KEYSPACE IF NOT EXISTS %s WITH replication = {'class': "
                 "'SimpleStrategy', 'replication_factor': %u}",
                 o->keyspace, o->replication_factor);
        snprintf(sh->script[1], QUERY_MAX,
                 "CREATE TABLE IF NOT EXISTS %s.%s (key text PRIMARY KEY, value blob)",
                 o->keyspace, o->table);
        sh->nscript = 2;
        struct thr t;
        thr_init(&t, sh, 1, 0);
        thr_main(&t);
        if (t.conn_failures || t.conns[0].script_i < sh->nscript)
            rc = errmsg_set(em, ERR_SERVER, "setup failed: %s",
                            t.first_error[0] ? t.first_error : "connection closed");
        thr_deinit(&t);
    }
    free(sh);
    return rc;
}

/* One line per second on stderr until every thread has finished. */
static void progress(struct shared *sh, struct thr *ts, uint32_t n)
{
    uint64_t last = 0;
    int64_t last_ns = clock_mono_ns();
    for (;;) {
        bool all_done = true;
        for (int ms = 0; ms < 1000; ms += 50) {
            struct timespec pause = {0, 50 * 1000000};
            nanosleep(&pause, NULL);
            all_done = true;
            for (uint32_t i = 0; i < n; i++)
                if (!atomic_load(&ts[i].finished)) all_done = false;
            if (all_done) return;
        }
        uint64_t done = atomic_load(&sh->completed);
        int64_t now_ns = clock_mono_ns();
        fprintf(stderr, "progress t=%.0fs ops/s=%.0f\n", (double)(now_ns - sh->t0_ns) / 1e9,
                (double)(done - last) * 1e9 / (double)(now_ns - last_ns));
        last = done;
        last_ns = now_ns;
    }
}

static void collect(struct thr *ts, uint32_t n, struct shared *sh, struct stress_result *res)
{
    int64_t end_ns = sh->warm_end_ns;
    for (uint32_t i = 0; i < n; i++) {
        struct thr *t = &ts[i];
        stress_hist_merge(&res->hist, &t->hist);
        res->ok += t->ok;
        res->errors += t->errors;
        res->conn_failures += t->conn_failures;
        if (!res->first_error[0] && t->first_error[0])
            snprintf(res->first_error, sizeof res->first_error, "%s", t->first_error);
        if (t->last_done_ns > end_ns) end_ns = t->last_done_ns;
    }
    res->elapsed_s = (double)(end_ns - sh->warm_end_ns) / 1e9;
}

int stress_run(const struct stress_opts *o, struct stress_result *res, struct errmsg *em)
{
    memset(res, 0, sizeof *res);
    stress_hist_init(&res->hist);
    struct shared *sh = xcalloc(1, sizeof *sh);
    sh->o = o;
    int rc = resolve(sh, em);
    if (rc != 0) {
        free(sh);
        return rc;
    }
    if (o->mode == STRESS_WRITE)
        snprintf(sh->statement, QUERY_MAX, "INSERT INTO %s.%s (key, value) VALUES (?, ?)",
                 o->keyspace, o->table);
    else
        snprintf(sh->statement, QUERY_MAX, "SELECT value FROM %s.%s WHERE key = ?", o->keyspace,
                 o->table);
    uint32_t n = o->threads;
    struct thr *ts = xcalloc(n, sizeof *ts);
    sh->t0_ns = clock_mono_ns();
    sh->warm_end_ns = sh->t0_ns + (int64_t)o->warmup_ms * 1000000;
    if (o->duration_ms) sh->deadline_ns = sh->warm_end_ns + (int64_t)o->duration_ms * 1000000;
    for (uint32_t i = 0; i < n; i++) {
        thr_init(&ts[i], sh, o->connections / n + (i < o->connections % n ? 1 : 0), i);
        pthread_create(&ts[i].thread, NULL, thr_main, &ts[i]);
    }
    if (o->progress) progress(sh, ts, n);
    for (uint32_t i = 0; i < n; i++) pthread_join(ts[i].thread, NULL);
    collect(ts, n, sh, res);
    for (uint32_t i = 0; i < n; i++) thr_deinit(&ts[i]);
    free(ts);
    free(sh);
    if (res->ok == 0 && res->errors == 0)
        return errmsg_set(em, ERR_SERVER, "no operation completed: %s",
                          res->first_error[0] ? res->first_error : "no connection");
    return 0;
}

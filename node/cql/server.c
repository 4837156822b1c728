/* server: see server.h. Creation order matters: everything that can fail (resolving, binding,
 * owned loops) happens before the caller's loop is touched, so a failed create leaves the
 * caller's loop as it was. */
#include "node/cql/server.h"

#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "node/base/assert.h"
#include "node/base/log.h"
#include "node/base/mem.h"
#include "node/cql/server_loop.h"

void cql_server_config_default(struct cql_server_config *c)
{
    memset(c, 0, sizeof *c);
    c->address = "127.0.0.1";
    c->port = 9042;
    unsigned n = uv_available_parallelism();
    c->loops = n < 1 ? 1 : n > CQL_SERVER_LOOPS_MAX ? CQL_SERVER_LOOPS_MAX : n;
    c->accept = CQL_SERVER_ACCEPT_ONE;
    c->connections_max = CQL_SERVER_CONNECTIONS_DEFAULT;
    c->frame_body_max = CQLFRAME_BODY_MAX_DEFAULT;
    c->inflight_max = CQL_SERVER_INFLIGHT_DEFAULT;
    c->inflight_bytes_max = CQL_SERVER_INFLIGHT_BYTES_DEFAULT;
    c->out_bytes_max = CQL_SERVER_OUT_BYTES_DEFAULT;
    c->events_max = CQL_SERVER_EVENTS_DEFAULT;
    c->auth_fail_delay_ms = CQL_SERVER_AUTH_FAIL_DELAY_MS_DEFAULT;
}

static int check_config(const struct cql_server_config *c, struct errmsg *em)
{
    if (!c->submit) return errmsg_set(em, ERR_CONFIG, "cql server: no executor");
    if (c->loops < 1 || c->loops > CQL_SERVER_LOOPS_MAX)
        return errmsg_set(em, ERR_CONFIG, "cql server: loops must be 1..%u, not %u",
                          CQL_SERVER_LOOPS_MAX, c->loops);
    if (c->connections_max < 1 || c->inflight_max < 1 || c->inflight_bytes_max < 1 ||
        c->out_bytes_max < 1 ||
        c->frame_body_max < 1 || c->frame_body_max > CQLFRAME_BODY_MAX_LIMIT)
        return errmsg_set(em, ERR_CONFIG, "cql server: a limit is out of range");
    if (c->auth && (!c->auth->ops || !c->auth->ops->verify || !c->auth->ops->authenticator))
        return errmsg_set(em, ERR_CONFIG, "cql server: incomplete authenticator");
    return 0;
}

/* rpc_address to a socket address (the first the resolver gives; blocking, start-up only). */
static int resolve(struct cql_server *s, struct errmsg *em)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    char port[8];
    snprintf(port, sizeof port, "%u", s->cfg.port);
    int rc = getaddrinfo(s->cfg.address, port, &hints, &res);
    if (rc != 0 || !res)
        return errmsg_set(em, ERR_CONFIG, "cannot resolve rpc_address '%s': %s", s->cfg.address,
                          gai_strerror(rc));
    ASSERT(res->ai_addrlen <= sizeof s->addr);
    memcpy(&s->addr, res->ai_addr, res->ai_addrlen);
    s->addr_len = res->ai_addrlen;
    freeaddrinfo(res);
    return 0;
}

static uint16_t sock_port(const struct sockaddr_storage *ss)
{
    if (ss->ss_family == AF_INET6) return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
    return ntohs(((const struct sockaddr_in *)ss)->sin_port);
}

static void set_port(struct sockaddr_storage *ss, uint16_t port)
{
    if (ss->ss_family == AF_INET6) ((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
    else ((struct sockaddr_in *)ss)->sin_port = htons(port);
}

/* Listening sockets: fds[0] only, or one per loop with REUSEPORT (all on the same port). */
static int open_listeners(struct cql_server *s, int *fds, struct errmsg *em)
{
    bool rp = s->cfg.accept == CQL_SERVER_ACCEPT_REUSEPORT;
    uint32_t n = rp ? s->nloops : 1;
    for (uint32_t i = 0; i < n; i++) {
        struct errmsg e2;
        int rc = server_loop_listen_socket((struct sockaddr *)&s->addr, s->addr_len, rp, &fds[i],
                                           &e2);
        if (rc != 0) {
            for (uint32_t j = 0; j < i; j++) close(fds[j]);
            return errmsg_set(em, rc, "cannot listen on %s:%u: %s", s->cfg.address, s->cfg.port,
                              e2.text);
        }
        if (i == 0) {
            struct sockaddr_storage got;
            socklen_t len = sizeof got;
            getsockname(fds[0], (struct sockaddr *)&got, &len);
            set_port(&s->addr, sock_port(&got));
            s->port = sock_port(&got);
        }
    }
    return 0;
}

static void name_address(struct cql_server *s)
{
    char host[INET6_ADDRSTRLEN] = "?";
    if (s->addr.ss_family == AF_INET6)
        uv_ip6_name((const struct sockaddr_in6 *)&s->addr, host, sizeof host);
    else
        uv_ip4_name((const struct sockaddr_in *)&s->addr, host, sizeof host);
    snprintf(s->addr_text, sizeof s->addr_text, "%s", host);
}

/* Stops and releases whatever create had set up. */
static void undo(struct cql_server *s, uv_loop_t *main_loop, const int *fds, uint32_t nfds)
{
    pthread_mutex_lock(&s->mu);
    s->stopping = true;
    pthread_mutex_unlock(&s->mu);
    for (uint32_t i = 0; i < s->nloops; i++) {
        struct server_loop *l = &s->loops[i];
        if (!l->inited) continue;
        if (main_loop && i == 0) {
            server_loop_abort_attached(l);
            continue;
        }
        if (!l->started && server_loop_start(l) != 0) continue; /* cannot be joined either */
        server_loop_post_stop(l);
    }
    for (uint32_t i = 0; i < s->nloops; i++)
        if (s->loops[i].inited && (s->loops[i].started || (main_loop && i == 0)))
            server_loop_deinit(&s->loops[i]);
    for (uint32_t i = 0; i < nfds; i++)
        if (fds[i] >= 0) close(fds[i]);
    pthread_mutex_destroy(&s->mu);
    free(s->loops);
    free(s);
}

/* Initialises the loops: owned ones first, the caller's loop 0 last (see the file head). */
static int init_loops(struct cql_server *s, uv_loop_t *main_loop, int *fds, struct errmsg *em)
{
    bool rp = s->cfg.accept == CQL_SERVER_ACCEPT_REUSEPORT;
    for (uint32_t k = 0; k < s->nloops; k++) {
        uint32_t i = main_loop ? (k + 1) % s->nloops : k;
        int fd = rp || i == 0 ? fds[i] : -1;
        fds[i] = -1; /* the loop owns it now */
        int rc = server_loop_init(s, i, i == 0 ? main_loop : NULL, fd, em);
        if (rc != 0) return rc;
    }
    for (uint32_t i = 0; i < s->nloops; i++) {
        int rc = server_loop_start(&s->loops[i]);
        if (rc != 0) return errmsg_set(em, rc, "cannot start event loop %u: %s", i, uv_strerror(rc));
    }
    return 0;
}

int cql_server_create(const struct cql_server_config *c, uv_loop_t *main_loop,
                      struct cql_server **out, struct errmsg *em)
{
    int rc = check_config(c, em);
    if (rc != 0) return rc;
    struct cql_server *s = xcalloc(1, sizeof *s);
    s->cfg = *c;
    s->events.srv = s;
    s->nloops = c->loops;
    s->attached = main_loop != NULL;
    pthread_mutex_init(&s->mu, NULL);
    atomic_init(&s->nconns, 0);
    s->loops = xcalloc(s->nloops, sizeof *s->loops);
    int fds[CQL_SERVER_LOOPS_MAX];
    for (uint32_t i = 0; i < CQL_SERVER_LOOPS_MAX; i++) fds[i] = -1;
    rc = resolve(s, em);
    if (rc == 0) rc = open_listeners(s, fds, em);
    if (rc == 0) {
        name_address(s);
        rc = init_loops(s, main_loop, fds, em);
    }
    if (rc != 0) {
        undo(s, main_loop, fds, s->nloops);
        return rc;
    }
    log_info("cql", "cql server listening address=%s port=%u loops=%u accept=%s",
             s->addr_text, s->port, s->nloops,
             c->accept == CQL_SERVER_ACCEPT_REUSEPORT ? "reuseport" : "one");
    *out = s;
    return 0;
}

void cql_server_stop(struct cql_server *s)
{
    pthread_mutex_lock(&s->mu);
    bool first = !s->stopping;
    s->stopping = true;
    if (first)
        for (uint32_t i = 0; i < s->nloops; i++) server_loop_post_stop(&s->loops[i]);
    pthread_mutex_unlock(&s->mu);
    if (first) log_info("cql", "cql server stopping connections=%u", cql_server_connections(s));
}

bool cql_server_is_stopped(const struct cql_server *s)
{
    for (uint32_t i = 0; i < s->nloops; i++)
        if (!atomic_load(&s->loops[i].done)) return false;
    return true;
}

void cql_server_destroy(struct cql_server *s)
{
    if (!s) return;
    cql_server_stop(s);
    for (uint32_t i = 0; i < s->nloops; i++) server_loop_deinit(&s->loops[i]);
    ASSERT(atomic_load(&s->nconns) == 0);
    pthread_mutex_destroy(&s->mu);
    free(s->loops);
    free(s);
}

uint16_t cql_server_port(const struct cql_server *s)
{
    return s->port;
}

uint32_t cql_server_loops(const struct cql_server *s)
{
    return s->nloops;
}

uint32_t cql_server_connections(const struct cql_server *s)
{
    return atomic_load(&((struct cql_server *)s)->nconns);
}

struct cql_events *cql_server_events(struct cql_server *s)
{
    return &s->events;
}

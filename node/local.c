/*
 * local: see local.h. At start-up the identity file is read (or made at first start: a random
 * v4 host id and num_tokens random distinct tokens, as Cassandra does without
 * allocate_tokens_for_local_replication_factor), checked against the configuration the way
 * Cassandra checks its system.local row (cluster name, data center, rack, token count), and
 * rewritten with the new gossip generation, max(now, saved + 1).
 *
 * local.db:
 *   offset  size  meaning
 *   0       8     magic "RDBLOCAL"
 *   8       4     be32 version (1)
 *   12      16    host id
 *   28      4     be32 gossip generation of the last start
 *   32      4     be32 ntokens (1 .. RING_TOKENS_PER_NODE_MAX)
 *   36      8 n   be64 tokens, sorted, distinct
 *   ..      ...   vbytes cluster name, vbytes data center, vbytes rack
 *   end-4   4     be32 CRC32C of everything before
 * Addresses are resolved (getaddrinfo, IPv4 first, like InetAddress.getByName) to text form.
 * Thread rule: start-up thread only; the result is immutable.
 */
#include "node/local.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "node/base/be.h"
#include "node/base/buf.h"
#include "node/base/crc32c.h"
#include "node/base/log.h"
#include "node/base/mem.h"
#include "node/config.h"
#include "ring/partitioner.h"
#include "storage/vfs.h"

#define LOCAL_MAGIC "RDBLOCAL"
#define LOCAL_VERSION 1
#define LOCAL_FILE_MAX (64 * 1024)
#define LOCAL_PATH_MAX 4096
#define RACKDC_FILE "cassandra-rackdc.properties"

struct saved {
    struct uuid host_id;
    int32_t generation;
    uint32_t ntokens;
    int64_t tokens[RING_TOKENS_PER_NODE_MAX];
    char cluster[256], dc[RING_NAME_MAX], rack[RING_NAME_MAX];
};

static uint64_t rand64(void *ctx)
{
    (void)ctx;
    uint64_t v = 0;
    while (getrandom(&v, sizeof v, 0) != (ssize_t)sizeof v) {
    }
    return v;
}

static int resolve(const char *host, char out[RING_ADDR_MAX], struct errmsg *em)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res = NULL;
    int rc = getaddrinfo(host, NULL, &hints, &res);
    if (rc != 0)
        return errmsg_set(em, ERR_CONFIG, "cannot resolve address %s: %s", host,
                          gai_strerror(rc));
    const struct addrinfo *pick = res;
    for (const struct addrinfo *ai = res; ai; ai = ai->ai_next)
        if (ai->ai_family == AF_INET) {
            pick = ai;
            break;
        }
    const void *addr = pick->ai_family == AF_INET
                           ? (const void *)&((struct sockaddr_in *)pick->ai_addr)->sin_addr
                           : (const void *)&((struct sockaddr_in6 *)pick->ai_addr)->sin6_addr;
    const char *ok = inet_ntop(pick->ai_family, addr, out, RING_ADDR_MAX);
    freeaddrinfo(res);
    return ok ? 0 : errmsg_set(em, ERR_CONFIG, "cannot format the address of %s", host);
}

static void copy_name(char dst[RING_NAME_MAX], const char *s, size_t n)
{
    if (n >= RING_NAME_MAX) n = RING_NAME_MAX - 1;
    memcpy(dst, s, n);
    dst[n] = '\0';
}

void local_node_parse_rackdc(const char *text, size_t len, char dc[RING_NAME_MAX],
                             char rack[RING_NAME_MAX])
{
    size_t i = 0;
    while (i < len) {
        size_t end = i;
        while (end < len && text[end] != '\n')
            end++;
        const char *l = text + i, *le = text + end;
        while (l < le && (*l == ' ' || *l == '\t'))
            l++;
        while (le > l && (le[-1] == ' ' || le[-1] == '\t' || le[-1] == '\r'))
            le--;
        const char *eq = memchr(l, '=', (size_t)(le - l));
        if (l < le && *l != '#' && *l != '!' && eq) {
            const char *k_end = eq, *v = eq + 1;
            while (k_end > l && (k_end[-1] == ' ' || k_end[-1] == '\t'))
                k_end--;
            while (v < le && (*v == ' ' || *v == '\t'))
                v++;
            size_t klen = (size_t)(k_end - l);
            if (klen == 2 && memcmp(l, "dc", 2) == 0) copy_name(dc, v, (size_t)(le - v));
            if (klen == 4 && memcmp(l, "rack", 4) == 0) copy_name(rack, v, (size_t)(le - v));
        }
        i = end + 1;
    }
}

/* The rackdc file next to the config file (Cassandra reads it from its conf directory). */
static void read_rackdc(struct vfs *v, const struct config *cfg, struct local_node *n)
{
    char path[LOCAL_PATH_MAX];
    const char *src = cfg->source ? cfg->source : "";
    const char *slash = strrchr(src, '/');
    int dirlen = slash ? (int)(slash - src) : 1;
    snprintf(path, sizeof path, "%.*s/%s", dirlen, slash ? src : ".", RACKDC_FILE);
    uint8_t *p = NULL;
    size_t len = 0;
    if (vfs_read_all(v, path, LOCAL_FILE_MAX, &p, &len) != 0) {
        log_warn("local", "Unable to read %s; using dc=%s rack=%s", path, n->dc, n->rack);
        return;
    }
    local_node_parse_rackdc((const char *)p, len, n->dc, n->rack);
    free(p);
}

/* Data center and rack from the configured snitch. */
static void snitch_location(struct vfs *v, const struct config *cfg, struct local_node *n)
{
    switch (cfg->endpoint_snitch) {
    case CONFIG_SNITCH_SIMPLE:
        n->snitch = "org.apache.cassandra.locator.SimpleSnitch";
        snprintf(n->dc, RING_NAME_MAX, "datacenter1");
        snprintf(n->rack, RING_NAME_MAX, "rack1");
        return;
    case CONFIG_SNITCH_GOSSIPING_PROPERTY:
        n->snitch = "org.apache.cassandra.locator.GossipingPropertyFileSnitch";
        snprintf(n->dc, RING_NAME_MAX, "UNKNOWN_DC");
        snprintf(n->rack, RING_NAME_MAX, "UNKNOWN_RACK");
        read_rackdc(v, cfg, n);
        return;
    case CONFIG_SNITCH_RACK_INFERRING: {
        n->snitch = "org.apache.cassandra.locator.RackInferringSnitch";
        struct in_addr a;
        uint8_t b[4] = {0, 0, 0, 0};
        if (inet_pton(AF_INET, n->broadcast_address, &a) == 1) memcpy(b, &a, 4);
        snprintf(n->dc, RING_NAME_MAX, "%u", b[1]);
        snprintf(n->rack, RING_NAME_MAX, "%u", b[2]);
        return;
    }
    }
}

static int corrupt(const char *path, const char *why, struct errmsg *em)
{
    return errmsg_set(em, ERR_CORRUPT, "local node file %s is corrupt: %s", path, why);
}

static int get_name(struct rbuf *r, char *out, size_t cap)
{
    const uint8_t *p;
    size_t n;
    if (rbuf_vbytes(r, cap - 1, &p, &n) < 0 || memchr(p, 0, n)) return -1;
    memcpy(out, p, n);
    out[n] = '\0';
    return 0;
}

static int decode(const uint8_t *p, size_t len, const char *path, struct saved *s,
                  struct errmsg *em)
{
    if (len < 40 || memcmp(p, LOCAL_MAGIC, 8) != 0) return corrupt(path, "bad header", em);
    if (be32_load(p + len - 4) != crc32c(p, len - 4)) return corrupt(path, "checksum", em);
    if (be32_load(p + 8) != LOCAL_VERSION) return corrupt(path, "unknown version", em);
    struct rbuf r;
    rbuf_init(&r, p + 12, len - 16);
    const uint8_t *id;
    uint32_t gen, n;
    if (rbuf_bytes(&r, 16, &id) < 0 || rbuf_be32(&r, &gen) < 0 || rbuf_be32(&r, &n) < 0 ||
        n == 0 || n > RING_TOKENS_PER_NODE_MAX || (uint64_t)n * 8 > rbuf_left(&r))
        return corrupt(path, "bad token count", em);
    memcpy(s->host_id.b, id, 16);
    s->generation = (int32_t)gen;
    s->ntokens = n;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t t;
        rbuf_be64(&r, &t);
        s->tokens[i] = (int64_t)t;
        if (i > 0 && s->tokens[i] <= s->tokens[i - 1]) return corrupt(path, "unsorted tokens", em);
    }
    if (get_name(&r, s->cluster, sizeof s->cluster) < 0 ||
        get_name(&r, s->dc, sizeof s->dc) < 0 || get_name(&r, s->rack, sizeof s->rack) < 0 ||
        rbuf_left(&r) != 0)
        return corrupt(path, "bad names", em);
    return 0;
}

static void encode(const struct saved *s, struct buf *b)
{
    buf_append(b, LOCAL_MAGIC, 8);
    buf_put_be32(b, LOCAL_VERSION);
    buf_append(b, s->host_id.b, 16);
    buf_put_be32(b, (uint32_t)s->generation);
    buf_put_be32(b, s->ntokens);
    for (uint32_t i = 0; i < s->ntokens; i++)
        buf_put_be64(b, (uint64_t)s->tokens[i]);
    buf_put_vbytes(b, s->cluster, strlen(s->cluster));
    buf_put_vbytes(b, s->dc, strlen(s->dc));
    buf_put_vbytes(b, s->rack, strlen(s->rack));
    buf_put_be32(b, crc32c(b->data, b->len));
}

/* The saved identity must match the configuration (Cassandra's start-up checks). */
static int check_saved(const struct saved *s, const struct config *cfg,
                       const struct local_node *n, struct errmsg *em)
{
    if (strcmp(s->cluster, cfg->cluster_name) != 0)
        return errmsg_set(em, ERR_CONFIG, "Saved cluster name %s != configured name %s",
                          s->cluster, cfg->cluster_name);
    if (strcmp(s->dc, n->dc) != 0)
        return errmsg_set(em, ERR_CONFIG,
                          "Cannot start node if snitch's data center (%s) differs from previous "
                          "data center (%s). Please fix the snitch configuration, decommission "
                          "and rebootstrap this node",
                          n->dc, s->dc);
    if (strcmp(s->rack, n->rack) != 0)
        return errmsg_set(em, ERR_CONFIG,
                          "Cannot start node if snitch's rack (%s) differs from previous rack "
                          "(%s). Please fix the snitch configuration, decommission and "
                          "rebootstrap this node",
                          n->rack, s->rack);
    if (s->ntokens != cfg->num_tokens)
        return errmsg_set(em, ERR_CONFIG, "Cannot change the number of tokens from %u to %u",
                          s->ntokens, cfg->num_tokens);
    return 0;
}

/* Reads the saved identity (0, ERR_NOT_FOUND at first start, or an error). */
static int load(struct vfs *v, const char *path, struct saved *s, struct errmsg *em)
{
    uint8_t *p = NULL;
    size_t len = 0;
    int rc = vfs_read_all(v, path, LOCAL_FILE_MAX, &p, &len);
    if (rc == -ENOENT) return ERR_NOT_FOUND;
    if (rc == -EFBIG) return corrupt(path, "too large", em);
    if (rc < 0) return errmsg_set(em, rc, "cannot read %s: %s", path, strerror(-rc));
    rc = decode(p, len, path, s, em);
    free(p);
    return rc;
}

static int addresses(const struct config *cfg, struct local_node *n, struct errmsg *em)
{
    int rc = resolve(cfg->listen_address, n->listen_address, em);
    if (rc == 0) rc = resolve(cfg->rpc_address, n->rpc_address, em);
    if (rc == 0)
        rc = resolve(cfg->broadcast_address ? cfg->broadcast_address : cfg->listen_address,
                     n->broadcast_address, em);
    if (rc == 0)
        rc = resolve(cfg->broadcast_rpc_address ? cfg->broadcast_rpc_address : cfg->rpc_address,
                     n->broadcast_rpc_address, em);
    n->native_port = (uint16_t)cfg->native_transport_port;
    n->storage_port = (uint16_t)cfg->storage_port;
    return rc;
}

/* Loads or makes the saved identity and writes it back with the new generation. */
static int identity(struct vfs *v, const struct config *cfg, struct local_node *n,
                    struct saved *s, struct errmsg *em)
{
    char dir[LOCAL_PATH_MAX], path[LOCAL_PATH_MAX];
    const char *data = cfg->data_file_directories[0];
    int n1 = snprintf(dir, sizeof dir, "%s/system", data);
    int n2 = snprintf(path, sizeof path, "%s/system/local.db", data);
    if (n1 < 0 || n2 < 0 || (size_t)n2 >= sizeof path)
        return errmsg_set(em, -ENAMETOOLONG, "data directory path too long: %s", data);
    int rc = load(v, path, s, em);
    int32_t now_s = (int32_t)time(NULL);
    if (rc == ERR_NOT_FOUND) {
        memset(s, 0, sizeof *s);
        uuid_random(&s->host_id);
        s->ntokens = cfg->num_tokens;
        token_generate(rand64, NULL, s->tokens, s->ntokens);
        snprintf(s->cluster, sizeof s->cluster, "%s", cfg->cluster_name);
        snprintf(s->dc, sizeof s->dc, "%s", n->dc);
        snprintf(s->rack, sizeof s->rack, "%s", n->rack);
        log_info("local", "new node identity host_id generated tokens=%u", s->ntokens);
    } else if (rc == 0) {
        rc = check_saved(s, cfg, n, em);
        if (rc != 0) return rc;
    } else {
        return rc;
    }
    s->generation = now_s > s->generation ? now_s : s->generation + 1;
    struct buf b;
    buf_init(&b);
    encode(s, &b);
    rc = vfs_mkdir_p(v, dir);
    if (rc == 0) rc = vfs_write_atomic(v, path, b.data, b.len);
    buf_deinit(&b);
    if (rc < 0) return errmsg_set(em, rc, "cannot write %s: %s", path, strerror(-rc));
    return 0;
}

int local_node_open(struct vfs *v, const struct config *cfg, struct local_node **out,
                    struct errmsg *em)
{
    if (!v) v = vfs_default();
    if (cfg->num_tokens == 0 || cfg->num_tokens > RING_TOKENS_PER_NODE_MAX)
        return errmsg_set(em, ERR_CONFIG, "num_tokens must be between 1 and %d",
                          RING_TOKENS_PER_NODE_MAX);
    struct local_node *n = xcalloc(1, sizeof *n);
    struct saved *s = xcalloc(1, sizeof *s);
    int rc = addresses(cfg, n, em);
    if (rc == 0) {
        snitch_location(v, cfg, n);
        rc = identity(v, cfg, n, s, em);
    }
    if (rc != 0) {
        free(s);
        free(n);
        return rc;
    }
    n->host_id = s->host_id;
    n->cluster_name = xstrdup(cfg->cluster_name);
    n->gossip_generation = s->generation;
    n->ntokens = s->ntokens;
    n->tokens = xmemdup(s->tokens, s->ntokens * sizeof *s->tokens);
    free(s);
    char id[UUID_STR_LEN + 1];
    uuid_format(&n->host_id, id);
    log_info("local", "node identity host_id=%s dc=%s rack=%s tokens=%u generation=%d", id,
             n->dc, n->rack, n->ntokens, n->gossip_generation);
    *out = n;
    return 0;
}

void local_node_close(struct local_node *n)
{
    if (!n) return;
    free((char *)n->cluster_name);
    free(n->tokens);
    free(n);
}

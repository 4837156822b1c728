/*
 * row: reconciliation rules and clustering order (see row.h).
 *
 * Every rule here is Cassandra 4.1's, named where it comes from: DeletionTime.supersedes,
 * LivenessInfo.supersedes, Cells.reconcile (CASSANDRA-14592 tie-breaking), ClusteringComparator
 * and ClusteringPrefix.Kind for bounds. Pure: no I/O, no clock, no allocation.
 *
 * Bound order at an equal prefix: Cassandra gives EXCL_END and INCL_START the same rank (and
 * INCL_END and EXCL_START); we refine that to EXCL_END < INCL_START and INCL_END < EXCL_START,
 * so an end that touches the next start sorts first and adjacent ranges never overlap.
 * Thread rule: stateless, any thread.
 */
#include "storage/row.h"

#include <string.h>

#include "node/base/assert.h"
#include "node/base/be.h"

bool deletion_supersedes(struct deletion a, struct deletion b)
{
    return a.ts_us > b.ts_us || (a.ts_us == b.ts_us && a.ldt_s > b.ldt_s);
}

bool liveness_is_live(struct liveness l, int32_t now_s)
{
    if (liveness_is_empty(l)) return false;
    return l.ttl_s == 0 || now_s < l.ldt_s;
}

bool liveness_supersedes(struct liveness a, struct liveness b)
{
    if (a.ts_us != b.ts_us) return a.ts_us > b.ts_us;
    bool a_exp = a.ttl_s > 0, b_exp = b.ttl_s > 0;
    /* LivenessInfo.supersedes: same kind -> larger expiry; otherwise the expiring one wins */
    if (a_exp == b_exp) return a.ldt_s > b.ldt_s;
    return a_exp;
}

bool cell_is_live(const struct cell *c, int32_t now_s)
{
    if (c->flags & CELL_TOMBSTONE) return false;
    if (c->flags & CELL_EXPIRING) return now_s < c->ldt_s;
    return true;
}

static int bytes_cmp(const uint8_t *a, uint32_t alen, const uint8_t *b, uint32_t blen)
{
    uint32_t n = alen < blen ? alen : blen;
    int c = n ? memcmp(a, b, n) : 0;
    if (c) return c;
    return alen < blen ? -1 : alen > blen;
}

const struct cell *cell_reconcile(const struct cell *a, const struct cell *b)
{
    if (a->ts_us != b->ts_us) return a->ts_us > b->ts_us ? a : b;
    bool a_del = (a->flags & (CELL_TOMBSTONE | CELL_EXPIRING)) != 0;
    bool b_del = (b->flags & (CELL_TOMBSTONE | CELL_EXPIRING)) != 0;
    if (a_del || b_del) {
        if (a_del != b_del) return a_del ? a : b;
        bool a_tomb = (a->flags & CELL_TOMBSTONE) != 0;
        bool b_tomb = (b->flags & CELL_TOMBSTONE) != 0;
        if (a_tomb != b_tomb) return a_tomb ? a : b;
        if (a->ldt_s != b->ldt_s) return a->ldt_s > b->ldt_s ? a : b;
    }
    return bytes_cmp(a->value, a->value_len, b->value, b->value_len) >= 0 ? a : b;
}

int cell_cmp_position(const struct cell *a, const struct cell *b)
{
    if (a->col != b->col) return a->col < b->col ? -1 : 1;
    if (a->path_len == 0 && b->path_len == 0) return 0;
    return bytes_cmp(a->path, a->path_len, b->path, b->path_len);
}

static struct deletion complex_del_of(const struct row *r, uint16_t col)
{
    for (uint16_t i = 0; i < r->ncomplex; i++)
        if (r->complex[i].col == col) return r->complex[i].del;
    return DELETION_LIVE;
}

bool row_has_live_data(const struct row *r, int32_t now_s)
{
    struct deletion d = r->deletion;
    if (liveness_is_live(r->liveness, now_s) && !deletion_deletes(d, r->liveness.ts_us))
        return true;
    for (uint32_t i = 0; i < r->ncells; i++) {
        const struct cell *c = &r->cells[i];
        if (!cell_is_live(c, now_s) || deletion_deletes(d, c->ts_us)) continue;
        if (r->ncomplex && deletion_deletes(complex_del_of(r, c->col), c->ts_us)) continue;
        return true;
    }
    return false;
}

/* ---- clustering encoding ---- */

int clustering_next(const uint8_t *ck, uint32_t len, uint32_t *pos, const uint8_t **v,
                    uint32_t *vlen)
{
    if (*pos == len) return 0;
    if (*pos > len || len - *pos < 2) return -1;
    uint32_t n = be16_load(ck + *pos);
    if (len - *pos - 2 < n) return -1;
    *v = ck + *pos + 2;
    *vlen = n;
    *pos += 2 + n;
    return 1;
}

int clustering_count(const uint8_t *ck, uint32_t len)
{
    uint32_t pos = 0, vlen;
    const uint8_t *v;
    int n = 0, rc;
    while ((rc = clustering_next(ck, len, &pos, &v, &vlen)) == 1) {
        if (n == CLUSTERING_COMPONENT_MAX) return -1;
        n++;
    }
    return rc < 0 ? -1 : n;
}

void clustering_append(struct buf *b, const uint8_t *v, uint32_t len)
{
    ASSERT(len <= CLUSTERING_COMPONENT_MAX); /* callers check values against the limit */
    buf_put_be16(b, (uint16_t)len);
    buf_append(b, v, len);
}

int clustering_validate(const struct table_schema *s, const uint8_t *ck, uint32_t len,
                        bool is_prefix, struct errmsg *em)
{
    int n = clustering_count(ck, len);
    if (n < 0) return errmsg_set(em, ERR_INVALID, "malformed clustering (%u bytes)", len);
    if (n > s->nck || (!is_prefix && n != s->nck))
        return errmsg_set(em, ERR_INVALID, "clustering has %d components, table %s.%s has %u",
                          n, s->keyspace, s->name, s->nck);
    uint32_t pos = 0, vlen = 0;
    const uint8_t *v = NULL;
    for (int i = 0; i < n; i++) {
        clustering_next(ck, len, &pos, &v, &vlen);
        const struct column_def *col = &s->columns[s->npk + i];
        int rc = cql_value_validate(col->type, v, vlen, em);
        if (rc < 0) return rc;
    }
    return 0;
}

/*
 * Compares the common components of a and b. Returns the first difference (with DESC columns
 * inverted) or 0, and the component counts through *na / *nb (counted only up to the first
 * difference, which is all the callers need when the result is non-zero).
 */
static int prefix_cmp(const struct table_schema *s, const uint8_t *a, uint32_t alen,
                      const uint8_t *b, uint32_t blen, int *na, int *nb)
{
    uint32_t pa = 0, pb = 0, la = 0, lb = 0;
    const uint8_t *va = NULL, *vb = NULL;
    int i = 0;
    for (;;) {
        int ra = clustering_next(a, alen, &pa, &va, &la);
        int rb = clustering_next(b, blen, &pb, &vb, &lb);
        if (ra != 1 || rb != 1) {
            *na = i + (ra == 1);
            *nb = i + (rb == 1);
            return 0;
        }
        if (i >= s->nck) { /* more components than the table has: order bytewise */
            int c = bytes_cmp(va, la, vb, lb);
            if (c) return c;
        } else {
            const struct column_def *col = &s->columns[s->npk + i];
            int c = cql_value_compare(col->type, va, la, vb, lb);
            if (c) return col->reversed ? -c : c;
        }
        i++;
    }
}

int clustering_cmp(const struct table_schema *s, const uint8_t *a, uint32_t alen,
                   const uint8_t *b, uint32_t blen)
{
    if (alen == blen && (alen == 0 || memcmp(a, b, alen) == 0)) return 0;
    int na, nb;
    int c = prefix_cmp(s, a, alen, b, blen, &na, &nb);
    if (c) return c < 0 ? -1 : 1;
    return na < nb ? -1 : na > nb;
}

/* ClusteringPrefix.Kind.comparedToClustering: where a bound sits against the clusterings it
   is a prefix of. */
static int kind_vs_clustering(uint8_t kind)
{
    return (kind == BOUND_INCL_START || kind == BOUND_EXCL_END) ? -1 : 1;
}

static int kind_rank(uint8_t kind)
{
    switch (kind) {
    case BOUND_EXCL_END: return 0;
    case BOUND_INCL_START: return 1;
    case BOUND_INCL_END: return 5;
    default: return 6; /* BOUND_EXCL_START */
    }
}

int bound_cmp_clustering(const struct table_schema *s, const struct cbound *b, const uint8_t *ck,
                         uint32_t ck_len)
{
    int nb, nc;
    int c = prefix_cmp(s, b->prefix, b->len, ck, ck_len, &nb, &nc);
    if (c) return c < 0 ? 1 : -1;
    if (nb <= nc) return -kind_vs_clustering(b->kind);
    return -1; /* the clustering is a strict prefix of the bound: it sorts first */
}

int bound_cmp(const struct table_schema *s, const struct cbound *a, const struct cbound *b)
{
    int na, nb;
    int c = prefix_cmp(s, a->prefix, a->len, b->prefix, b->len, &na, &nb);
    if (c) return c < 0 ? -1 : 1;
    if (na == nb) {
        int ra = kind_rank(a->kind), rb = kind_rank(b->kind);
        return ra < rb ? -1 : ra > rb;
    }
    return na < nb ? kind_vs_clustering(a->kind) : -kind_vs_clustering(b->kind);
}

bool slice_contains(const struct table_schema *s, const struct slice *sl, const uint8_t *ck,
                    uint32_t ck_len)
{
    return bound_cmp_clustering(s, &sl->start, ck, ck_len) > 0 &&
           bound_cmp_clustering(s, &sl->end, ck, ck_len) < 0;
}

struct slice slice_all(void)
{
    struct slice sl = {
        .start = {.prefix = NULL, .len = 0, .kind = BOUND_INCL_START},
        .end = {.prefix = NULL, .len = 0, .kind = BOUND_INCL_END},
    };
    return sl;
}

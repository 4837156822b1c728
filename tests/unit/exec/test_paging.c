/* exec: paging through results with several page sizes, limits and orders; resuming from a
   paging state; corrupt states refused. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "node/cql/paging.h"
#include "tests/unit/exec/fixture.h"

static struct xf F;

static void setup(void)
{
    xf_open_ks(&F);
    xf_ok(&F, "CREATE TABLE p (k int, c int, v int, s int static, PRIMARY KEY (k, c))");
    char q[160];
    for (int k = 0; k < 6; k++) {
        for (int c = 0; c < 4 + 5 * k; c++) {
            snprintf(q, sizeof q, "INSERT INTO p (k, c, v) VALUES (%d, %d, %d)", k, c, k * 100 + c);
            xf_ok(&F, q);
        }
    }
    xf_ok(&F, "INSERT INTO p (k, s) VALUES (10, 7)"); /* a static-only partition */
    /* Without clustering columns every partition is one row: resuming after it must skip the
       partition, not read it again. */
    xf_ok(&F, "CREATE TABLE n (k int, j int, v int, PRIMARY KEY ((k, j)))");
    for (int k = 0; k < 9; k++) {
        snprintf(q, sizeof q, "INSERT INTO n (k, j, v) VALUES (%d, %d, %d)", k, k % 2, k);
        xf_ok(&F, q);
    }
}

static void teardown(void)
{
    xf_close(&F);
}

TestSuite(exec_paging, .init = setup, .fini = teardown);

/* Every row of q, paging with page_size; *pages counts the pages. */
static char *page_all(const char *q, int32_t page_size, int *pages)
{
    struct buf all;
    buf_init(&all);
    uint8_t state[4096];
    int32_t state_len = -1;
    *pages = 0;
    for (;;) {
        int rc = xf_query_paged(&F, q, page_size, state_len >= 0 ? state : NULL, state_len);
        cr_assert_eq(rc, 0, "%s (page %d): %s", q, *pages, F.em.text);
        (*pages)++;
        cr_assert(xf_nrows(&F) <= page_size, "page of %d rows > %d", xf_nrows(&F), page_size);
        const char *t = xf_rows_text(&F);
        if (*t) {
            if (all.len) buf_put_u8(&all, '\n');
            buf_append(&all, t, strlen(t));
        }
        const struct cqlrows_meta *m = &F.resp.rows.meta;
        if (!(m->flags & CQLROWS_HAS_MORE_PAGES)) break;
        cr_assert(xf_nrows(&F) > 0, "an empty page with more pages");
        cr_assert(m->paging_state.len > 0 && (size_t)m->paging_state.len <= sizeof state);
        memcpy(state, m->paging_state.p, (size_t)m->paging_state.len);
        state_len = m->paging_state.len;
        cr_assert(*pages < 10000);
    }
    buf_put_u8(&all, 0);
    return (char *)all.data;
}

Test(exec_paging, pages_equal_the_unpaged_result)
{
    static const char *qs[] = {
        "SELECT k, c, v, s FROM p",
        "SELECT k, c FROM p WHERE k = 5",
        "SELECT k, c FROM p WHERE k IN (4, 1, 2)",
        "SELECT k, c FROM p WHERE k IN (4, 1, 2) AND c > 2",
        "SELECT k, c FROM p LIMIT 33",
        "SELECT k, c FROM p PER PARTITION LIMIT 3",
        "SELECT k, c FROM p PER PARTITION LIMIT 4 LIMIT 11",
        "SELECT c FROM p WHERE k = 5 ORDER BY c DESC",
        "SELECT c FROM p WHERE k = 5 ORDER BY c DESC LIMIT 9",
        "SELECT DISTINCT k FROM p",
        "SELECT k, c FROM p WHERE v > 150 ALLOW FILTERING",
        "SELECT k, c FROM p WHERE token(k) > 0",
        "SELECT k, count(*), max(c) FROM p GROUP BY k",
        "SELECT k, c, count(*) FROM p WHERE k IN (1, 3) GROUP BY k, c",
        "SELECT k, count(*) FROM p GROUP BY k LIMIT 4",
        "SELECT k, j, v FROM n",
        "SELECT k, v FROM n LIMIT 5",
        "SELECT k FROM n WHERE token(k, j) > 0",
        "SELECT k, v FROM n WHERE v > 2 ALLOW FILTERING",
    };
    static const int32_t sizes[] = {1, 2, 7, 50, 1000};
    for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
        xf_ok(&F, qs[i]);
        char *want = strdup(xf_rows_text(&F));
        int32_t nwant = xf_nrows(&F);
        cr_assert(nwant > 0, "%s", qs[i]);
        for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
            int pages;
            char *got = page_all(qs[i], sizes[k], &pages);
            cr_assert_str_eq(got, want, "%s with pages of %d", qs[i], sizes[k]);
            cr_assert_eq(pages, (nwant + sizes[k] - 1) / sizes[k],
                         "%s with pages of %d: %d pages for %d rows", qs[i], sizes[k], pages,
                         nwant);
            free(got);
        }
        free(want);
    }
}

Test(exec_paging, limit_counts_across_pages)
{
    int pages;
    char *got = page_all("SELECT k, c FROM p WHERE k = 5 LIMIT 10", 3, &pages);
    cr_assert_eq(pages, 4);
    int lines = 1;
    for (char *p = got; *p; p++)
        lines += *p == '\n';
    cr_assert_eq(lines, 10);
    free(got);
}

Test(exec_paging, a_state_is_valid_on_a_new_request)
{
    cr_assert_eq(xf_query_paged(&F, "SELECT c FROM p WHERE k = 3", 5, NULL, -1), 0);
    cr_assert_str_eq(xf_rows_text(&F), "0\n1\n2\n3\n4");
    struct cqlwire_value st = F.resp.rows.meta.paging_state;
    uint8_t copy[512];
    memcpy(copy, st.p, (size_t)st.len);
    int32_t n = st.len;
    /* Twice from the same state: the state is not a server-side cursor. */
    for (int i = 0; i < 2; i++) {
        cr_assert_eq(xf_query_paged(&F, "SELECT c FROM p WHERE k = 3", 5, copy, n), 0, "%s",
                     F.em.text);
        cr_assert_str_eq(xf_rows_text(&F), "5\n6\n7\n8\n9");
    }
}

Test(exec_paging, corrupt_states_are_protocol_errors)
{
    cr_assert_eq(xf_query_paged(&F, "SELECT k, c FROM p", 5, NULL, -1), 0);
    struct cqlwire_value st = F.resp.rows.meta.paging_state;
    uint8_t good[512], bad[512];
    memcpy(good, st.p, (size_t)st.len);
    int32_t n = st.len;
    for (int32_t i = 0; i < n; i++) {
        memcpy(bad, good, (size_t)n);
        bad[i] ^= 0x5a;
        cr_assert_eq(xf_query_paged(&F, "SELECT k, c FROM p", 5, bad, n), ERR_PROTOCOL, "byte %d",
                     i);
        cr_assert_str_eq(F.em.text, "Invalid value for the paging state");
    }
    for (int32_t len = 0; len < n; len++)
        cr_assert_neq(xf_query_paged(&F, "SELECT k, c FROM p", 5, good, len == 0 ? 1 : len), 0);
    static const uint8_t junk[] = "not a paging state at all";
    cr_assert_eq(xf_query_paged(&F, "SELECT k, c FROM p", 5, junk, sizeof junk), ERR_PROTOCOL);
    /* A well-formed state naming a key the IN list does not have. */
    struct paging_state ps = {.key = (const uint8_t *)"\0\0\0\x09", .key_len = 4};
    struct buf b;
    buf_init(&b);
    paging_encode(&ps, &b);
    cr_assert_eq(xf_query_paged(&F, "SELECT c FROM p WHERE k IN (1, 2)", 5, b.data, (int32_t)b.len),
                 ERR_PROTOCOL);
    /* A clustering of the wrong shape. */
    buf_reset(&b);
    ps = (struct paging_state){.flags = PAGING_HAS_CK,
                               .key = (const uint8_t *)"\0\0\0\x01",
                               .key_len = 4,
                               .ck = (const uint8_t *)"\0\x02zz",
                               .ck_len = 4};
    paging_encode(&ps, &b);
    cr_assert_eq(xf_query_paged(&F, "SELECT c FROM p", 5, b.data, (int32_t)b.len), ERR_PROTOCOL);
    buf_deinit(&b);
}

/* Unit tests for consistency-level arithmetic. */
#include <criterion/criterion.h>
#include <stdio.h>

#include "replication/consistency.h"

static struct strategy simple(uint32_t rf)
{
    struct strategy s = {.kind = STRATEGY_SIMPLE, .rf = rf};
    return s;
}

static struct strategy nts2(uint32_t rf1, uint32_t rf2)
{
    struct strategy s = {.kind = STRATEGY_NTS, .ndcs = 2};
    snprintf(s.dcs[0].dc, sizeof s.dcs[0].dc, "dc1");
    s.dcs[0].rf = rf1;
    snprintf(s.dcs[1].dc, sizeof s.dcs[1].dc, "dc2");
    s.dcs[1].rf = rf2;
    return s;
}

Test(consistency, block_for_table)
{
    struct strategy s3 = simple(3), s5 = simple(5), n = nts2(3, 2);
    static const struct {
        enum consistency cl;
        uint32_t s3, s5, nts;
    } cases[] = {
        {CL_ANY, 1, 1, 1},          {CL_ONE, 1, 1, 1},         {CL_LOCAL_ONE, 1, 1, 1},
        {CL_TWO, 2, 2, 2},          {CL_THREE, 3, 3, 3},       {CL_QUORUM, 2, 3, 3},
        {CL_ALL, 3, 5, 5},          {CL_LOCAL_QUORUM, 2, 3, 2}, {CL_EACH_QUORUM, 2, 3, 4},
        {CL_SERIAL, 2, 3, 3},       {CL_LOCAL_SERIAL, 2, 3, 2},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cr_assert_eq(consistency_block_for(cases[i].cl, &s3, "dc1"), cases[i].s3, "%s rf3",
                     consistency_name(cases[i].cl));
        cr_assert_eq(consistency_block_for(cases[i].cl, &s5, "dc1"), cases[i].s5, "%s rf5",
                     consistency_name(cases[i].cl));
        cr_assert_eq(consistency_block_for(cases[i].cl, &n, "dc1"), cases[i].nts, "%s nts",
                     consistency_name(cases[i].cl));
    }
}

Test(consistency, unavailable_reports_required_and_alive)
{
    struct strategy s = simple(3);
    struct replica_counts c = {.alive = 1, .alive_local = 1};
    uint32_t req = 0, alive = 0;
    cr_assert_eq(consistency_check_available(CL_ONE, &s, "dc1", &c, &req, &alive), 0);
    cr_assert_eq(consistency_check_available(CL_QUORUM, &s, "dc1", &c, &req, &alive),
                 ERR_UNAVAILABLE);
    cr_assert_eq(req, 2u);
    cr_assert_eq(alive, 1u);
    c.alive = 0;
    cr_assert_eq(consistency_check_available(CL_ANY, &s, "dc1", &c, &req, &alive), 0,
                 "ANY proceeds with a hint");
    struct strategy n = nts2(3, 3);
    struct replica_counts nc = {.alive = 5, .alive_local = 3, .ndcs = 2};
    nc.dcs[0].dc = "dc1";
    nc.dcs[0].alive = 3;
    nc.dcs[1].dc = "dc2";
    nc.dcs[1].alive = 1;
    cr_assert_eq(consistency_check_available(CL_LOCAL_QUORUM, &n, "dc1", &nc, &req, &alive), 0);
    cr_assert_eq(consistency_check_available(CL_EACH_QUORUM, &n, "dc1", &nc, &req, &alive),
                 ERR_UNAVAILABLE);
    cr_assert_eq(req, 2u);
    cr_assert_eq(alive, 1u);
}

Test(consistency, names_and_operation_rules)
{
    enum consistency cl;
    cr_assert_eq(consistency_parse("local_quorum", &cl), 0);
    cr_assert_eq(cl, CL_LOCAL_QUORUM);
    cr_assert_eq(consistency_parse("MOST", &cl), -1);
    cr_assert_str_eq(consistency_name(CL_LOCAL_ONE), "LOCAL_ONE");
    cr_assert_null(consistency_name(11));
    struct errmsg em;
    cr_assert_eq(consistency_validate_for_read(CL_ANY, &em), ERR_INVALID);
    cr_assert_str_eq(em.text, "ANY ConsistencyLevel is only supported for writes");
    cr_assert_eq(consistency_validate_for_write(CL_SERIAL, &em), ERR_INVALID);
    cr_assert_eq(consistency_validate_for_write(CL_ANY, &em), 0);
}

/* Unit tests for arena, uuid and error codes. */
#include <criterion/criterion.h>
#include <string.h>

#include "node/base/arena.h"
#include "node/base/err.h"
#include "node/base/uuid.h"

Test(arena, aligned_distinct_and_accounted)
{
    struct arena a;
    arena_init(&a, 1024);
    char *p1 = arena_alloc(&a, 3);
    char *p2 = arena_alloc(&a, 5);
    cr_assert_eq((uintptr_t)p1 % 8, 0);
    cr_assert_eq((uintptr_t)p2 % 8, 0);
    cr_assert_geq(p2 - p1, 8);
    char *big = arena_alloc(&a, 5000); /* bigger than the block: its own block */
    memset(big, 1, 5000);
    char *p3 = arena_alloc(&a, 8);
    cr_assert_eq(p3, p2 + 8, "small allocations keep using the current block");
    cr_assert_eq(a.used_bytes, 8u + 8u + 5000u + 8u);
    cr_assert_geq(a.reserved_bytes, 6024u);
    cr_assert_str_eq(arena_printf(&a, "%s-%d", "x", 42), "x-42");
    arena_deinit(&a);
}

Test(arena, rewind_keeps_the_first_block)
{
    struct arena a;
    arena_init(&a, 1024);
    char *p1 = arena_alloc(&a, 100);
    for (int i = 0; i < 30; i++) memset(arena_alloc(&a, 100), 2, 100); /* more blocks */
    memset(arena_alloc(&a, 5000), 3, 5000);                            /* a big one */
    arena_rewind(&a);
    cr_assert_eq(a.used_bytes, 0u);
    cr_assert_lt(a.reserved_bytes, 2048u, "only the first block is left");
    cr_assert_eq(arena_alloc(&a, 100), p1, "allocations start over in the first block");
    arena_rewind(&a);
    arena_rewind(&a);
    cr_assert_eq(arena_alloc(&a, 8), p1);
    arena_deinit(&a);
    struct arena e;
    arena_init(&e, 1024);
    arena_rewind(&e); /* empty: nothing to keep */
    cr_assert_eq(e.reserved_bytes, 0u);
    arena_deinit(&e);
}

Test(arena, borrowed_buffer_is_used_first_and_never_freed)
{
    _Alignas(16) static unsigned char buf[512];
    struct arena a;
    arena_init_buf(&a, 1024, buf + 3, sizeof buf - 3); /* misaligned on purpose */
    char *p1 = arena_alloc(&a, 40);
    cr_assert(p1 >= (char *)buf && p1 < (char *)buf + sizeof buf);
    cr_assert_eq((uintptr_t)p1 % 8, 0);
    cr_assert_eq(a.reserved_bytes, 0u, "no malloc yet");
    for (int i = 0; i < 20; i++) memset(arena_alloc(&a, 200), 4, 200); /* spills to the heap */
    cr_assert_gt(a.reserved_bytes, 0u);
    arena_rewind(&a);
    cr_assert_eq(a.reserved_bytes, 0u);
    cr_assert_eq(arena_alloc(&a, 40), p1);
    memset(arena_alloc(&a, 300), 5, 300);
    arena_reset(&a); /* frees the heap blocks, keeps the caller's */
    cr_assert_eq(arena_alloc(&a, 40), p1);
    arena_deinit(&a); /* ASan: nothing freed that was not malloc'd */
}

Test(uuid, cmp_bytes_orders_like_memcmp)
{
    static const uint8_t v[][16] = {
        {0}, {[0] = 1}, {[7] = 0xff}, {[8] = 1}, {[15] = 1}, {[0] = 0x80}, {[8] = 0x80, [15] = 2},
        {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
    };
    size_t n = sizeof v / sizeof v[0];
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            struct uuid a, b;
            memcpy(a.b, v[i], 16);
            memcpy(b.b, v[j], 16);
            int want = memcmp(a.b, b.b, 16);
            int got = uuid_cmp_bytes(&a, &b);
            cr_assert_eq(got < 0, want < 0, "%zu %zu", i, j);
            cr_assert_eq(got == 0, want == 0, "%zu %zu", i, j);
        }
}

Test(uuid, parse_format_roundtrip)
{
    const char *s = "123e4567-e89b-12d3-a456-426614174000";
    struct uuid u;
    cr_assert_eq(uuid_parse(s, strlen(s), &u), 0);
    char out[UUID_STR_LEN + 1];
    uuid_format(&u, out);
    cr_assert_str_eq(out, s);
    cr_assert_eq(uuid_version(&u), 1);
    cr_assert_eq(uuid_parse("123e4567-e89b-12d3-a456-42661417400", 35, &u), -1);
    cr_assert_eq(uuid_parse("123e4567xe89b-12d3-a456-426614174000", 36, &u), -1);
    cr_assert_eq(uuid_parse("g23e4567-e89b-12d3-a456-426614174000", 36, &u), -1);
}

Test(uuid, timeuuid_increases_and_keeps_time)
{
    struct uuid a, b;
    timeuuid_now(&a);
    for (int i = 0; i < 1000; i++) {
        timeuuid_now(&b);
        cr_assert_gt(timeuuid_ts100ns(&b), timeuuid_ts100ns(&a));
        a = b;
    }
    cr_assert_eq(uuid_version(&a), 1);
    struct uuid m;
    timeuuid_from_ms(1704164645678LL, false, &m);
    cr_assert_eq(timeuuid_unix_ms(&m), 1704164645678LL);
    struct uuid r;
    uuid_random(&r);
    cr_assert_eq(uuid_version(&r), 4);
}

Test(err, cql_codes_map_one_to_one)
{
    cr_assert_eq(err_cql_code(ERR_INVALID), 0x2200);
    cr_assert_eq(err_cql_code(ERR_SYNTAX), 0x2000);
    cr_assert_eq(err_cql_code(ERR_UNAVAILABLE), 0x1000);
    cr_assert_eq(err_cql_code(ERR_PROTOCOL), 0x000A);
    cr_assert_eq(err_cql_code(ERR_CORRUPT), 0x0000);
    cr_assert_eq(err_cql_code(-5), 0x0000);
    cr_assert_str_eq(err_name(ERR_UNPREPARED), "ERR_UNPREPARED");
    cr_assert_str_eq(err_name(-5), "EIO");
    struct errmsg em;
    cr_assert_eq(errmsg_set(&em, ERR_INVALID, "bad %s", "thing"), ERR_INVALID);
    cr_assert_str_eq(em.text, "bad thing");
}

/*
 * assert: ASSERT is on in every build (a broken invariant stops the process with a log line
 * naming the file, line and expression); DASSERT is for O(n) checks and is compiled only in
 * debug and sanitizer builds (RINGDB_DEBUG_ASSERTS). Never assert on input from the network, the
 * disk, the config or CQL: those return errors.
 */
#ifndef RINGDB_BASE_ASSERT_H
#define RINGDB_BASE_ASSERT_H

#include <assert.h> /* static_assert */

_Noreturn void assert_fail(const char *expr, const char *file, int line);

#define ASSERT(cond)                                                                               \
    do {                                                                                           \
        if (__builtin_expect(!(cond), 0)) assert_fail(#cond, __FILE__, __LINE__);                  \
    } while (0)

#ifdef RINGDB_DEBUG_ASSERTS
#define DASSERT(cond) ASSERT(cond)
#else
#define DASSERT(cond)                                                                              \
    do {                                                                                           \
        (void)sizeof(cond);                                                                        \
    } while (0)
#endif

#define UNREACHABLE() assert_fail("unreachable", __FILE__, __LINE__)

#endif

/* assert: the failure path of ASSERT. Logs, then aborts so a core dump keeps the state. */
#include "node/base/assert.h"

#include <stdlib.h>

#include "node/base/log.h"

_Noreturn void assert_fail(const char *expr, const char *file, int line)
{
    log_write(LOG_ERROR, "assert", "assertion failed: %s file=%s line=%d", expr, file, line);
    abort();
}

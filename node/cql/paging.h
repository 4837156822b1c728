/*
 * paging: the paging_state a SELECT hands back with Has_more_pages, self-contained so the next
 * page can be asked of any node (drivers resend the same query with these opaque bytes,
 * possibly to another coordinator; Cassandra's PagingState holds the same facts): where the
 * page stopped (partition key and last clustering returned) and the LIMIT / PER PARTITION LIMIT
 * budget left.
 *
 * Format (docs/formats.md "Paging state"), integers as LEB128 varints:
 *   offset  size  meaning
 *   0       1     version (1)
 *   1       1     flags: 0x01 clustering present, 0x02 the partition is finished (resume
 *                 after it), 0x04 rows remaining (LIMIT), 0x08 rows remaining in the partition
 *                 (PER PARTITION LIMIT)
 *   2       var   partition key length, then the key (serialized, CompositeType if composite)
 *   ...     var   [0x01] clustering length, then the encoded clustering (storage/row.h)
 *   ...     var   [0x04] rows remaining
 *   ...     var   [0x08] rows remaining in the partition
 *   end-4   4     CRC32C (big-endian) of every byte before it
 * Anything malformed (truncated, bad version or flags, lengths past the end, checksum) is
 * ERR_PROTOCOL "Invalid value for the paging state", as Cassandra answers; the SELECT checks the
 * key and clustering against the table before use.
 * Pure. Thread rule: none.
 */
#ifndef RINGDB_CQL_PAGING_H
#define RINGDB_CQL_PAGING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "node/base/buf.h"
#include "node/base/err.h"

#define PAGING_VERSION 1
#define PAGING_STATE_MAX_BYTES (256u << 10)

enum paging_flag {
    PAGING_HAS_CK = 0x01,
    PAGING_PARTITION_DONE = 0x02,
    PAGING_HAS_REMAINING = 0x04,
    PAGING_HAS_PP_REMAINING = 0x08,
};

struct paging_state {
    uint8_t flags;
    const uint8_t *key; /* points into the decoded bytes */
    uint32_t key_len;
    const uint8_t *ck;
    uint32_t ck_len;
    uint64_t remaining;
    uint64_t pp_remaining;
};

void paging_encode(const struct paging_state *s, struct buf *out);
int paging_decode(const uint8_t *p, size_t len, struct paging_state *out, struct errmsg *em);

#endif

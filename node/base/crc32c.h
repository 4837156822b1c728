/*
 * crc32c: CRC-32C (Castagnoli), the checksum on every commit-log record and SSTable block.
 * Uses the SSE4.2 crc32 instruction when the CPU has it, a slicing-by-8 table otherwise; both
 * give identical results (tested). crc32c_extend continues a running checksum.
 */
#ifndef RINGDB_BASE_CRC32C_H
#define RINGDB_BASE_CRC32C_H

#include <stddef.h>
#include <stdint.h>

uint32_t crc32c_extend(uint32_t crc, const void *data, size_t len);
static inline uint32_t crc32c(const void *data, size_t len)
{
    return crc32c_extend(0, data, len);
}
/* The portable path, exported so tests can compare it with the hardware one. */
uint32_t crc32c_extend_sw(uint32_t crc, const void *data, size_t len);

#endif

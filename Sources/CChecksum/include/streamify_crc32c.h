#ifndef STREAMIFY_CRC32C_H
#define STREAMIFY_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/// Whether this CPU has a CRC-32C instruction (SSE4.2 on x86-64, the CRC extension on arm64).
int streamify_crc32c_hardware_available(void);

/// Advances the running CRC-32C `state` (reflected, not inverted) over `count` bytes with the
/// CPU's instruction. Call only when streamify_crc32c_hardware_available() says so.
uint32_t streamify_crc32c_hardware_update(uint32_t state, const void *bytes, size_t count);

#endif

#ifndef STREAMIFY_PREFETCH_H
#define STREAMIFY_PREFETCH_H

/// Asks the CPU to bring the cache line at `address` in, for writing, without waiting for it.
/// A hint only: it never faults, whatever the address, and changes no memory.
static inline void streamify_prefetch_for_write(const void *address) {
    __builtin_prefetch(address, 1, 3);
}

#endif

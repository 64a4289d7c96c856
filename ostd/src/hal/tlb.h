// hal: TLB invalidation for one address space. On the host the software MMU has no TLB, so this
// only counts; the native-user engine will drop host user-window mappings here.
#pragma once

#include <cstdint>

#include <ostd/common/types.h>

namespace ostd::hal {

/// Invalidates translations of [start, start + len) in the address space whose page-table root
/// is at `root`. Called after the page-table entries changed. Any context.
void tlb_flush_range(Paddr root, Vaddr start, uint64_t len);

/// Invalidates every translation of the address space rooted at `root`.
void tlb_flush_all(Paddr root);

/// Number of range and full flushes issued since boot (host statistics for tests).
struct TlbFlushCounts {
    uint64_t ranges;
    uint64_t full;
};
TlbFlushCounts tlb_flush_counts();

}  // namespace ostd::hal

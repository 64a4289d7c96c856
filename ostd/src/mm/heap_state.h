// Kernel-heap state (lives in RAM next to the buddy allocator's), for init and teardown.
#pragma once

#include <atomic>
#include <cstdint>

#include <ostd/sync/spinlock.h>

namespace ostd::detail {

inline constexpr unsigned kSlabClasses = 8;  // 16, 32, ..., 2048 bytes

struct SlabClass {
    SpinLock lock;
    uint64_t partial_head ORRERY_GUARDED_BY(lock);  // slabs with free objects, via FrameMeta links
    uint64_t live ORRERY_GUARDED_BY(lock);
    uint64_t slabs ORRERY_GUARDED_BY(lock);
};

struct HeapState {
    SlabClass classes[kSlabClasses];
    std::atomic<uint64_t> large_frames;
    std::atomic<uint64_t> large_live;
};

extern HeapState* g_heap;

void heap_init(HeapState* state);
/// Frees cached empty slabs. Returns the number of live allocations (leaks).
uint64_t heap_teardown();

}  // namespace ostd::detail

// Host TLB: the software MMU caches no translations, so flushes are counted and nothing more.
#include "hal/tlb.h"

#include <atomic>

namespace ostd::hal {
namespace {
std::atomic<uint64_t> g_range_flushes{0};
std::atomic<uint64_t> g_full_flushes{0};
}  // namespace

void tlb_flush_range(Paddr, Vaddr, uint64_t) {
    g_range_flushes.fetch_add(1, std::memory_order_relaxed);
}

void tlb_flush_all(Paddr) {
    g_full_flushes.fetch_add(1, std::memory_order_relaxed);
}

TlbFlushCounts tlb_flush_counts() {
    return {g_range_flushes.load(std::memory_order_relaxed),
            g_full_flushes.load(std::memory_order_relaxed)};
}

}  // namespace ostd::hal

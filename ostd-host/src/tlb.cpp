// Host TLB: the software MMU caches no translations; the native engine's user window does, so
// flushes drop its host mappings (when the flushed VmSpace is the resident one) and are counted.
#include "hal/tlb.h"

#include <atomic>

#include "native_window.h"

namespace ostd::hal {
namespace {
std::atomic<uint64_t> g_range_flushes{0};
std::atomic<uint64_t> g_full_flushes{0};
}  // namespace

void tlb_flush_range(Paddr root, Vaddr start, uint64_t len) {
    host::native::flush_range(root, start, len);
    g_range_flushes.fetch_add(1, std::memory_order_relaxed);
}

void tlb_flush_all(Paddr root) {
    host::native::flush_all(root);
    g_full_flushes.fetch_add(1, std::memory_order_relaxed);
}

TlbFlushCounts tlb_flush_counts() {
    return {g_range_flushes.load(std::memory_order_relaxed),
            g_full_flushes.load(std::memory_order_relaxed)};
}

}  // namespace ostd::hal

// Realtime = boot wall clock + monotonic, with an adjustable offset.
#include <kernel/time/clock.h>

#include <atomic>

#include <ostd/timer/timer.h>

namespace kernel {
namespace {
std::atomic<int64_t> g_realtime_offset{0};  // realtime - monotonic, ns
}  // namespace

void clock_init(uint64_t boot_wall_ns) {
    g_realtime_offset.store(static_cast<int64_t>(boot_wall_ns), std::memory_order_relaxed);
}

uint64_t monotonic_ns() { return ostd::time::now(); }

uint64_t realtime_ns() {
    return monotonic_ns() + static_cast<uint64_t>(g_realtime_offset.load(std::memory_order_relaxed));
}

void set_realtime_ns(uint64_t ns) {
    g_realtime_offset.store(static_cast<int64_t>(ns - monotonic_ns()), std::memory_order_relaxed);
}

}  // namespace kernel

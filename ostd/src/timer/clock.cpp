// The machine clock: host monotonic time since boot, or a virtual clock in deterministic mode
// that only the scheduler advances (so the same program sees the same times).
#include <atomic>

#include "hal/clock.h"
#include "task/percpu.h"
#include "timer/timer_queue.h"

namespace ostd {
namespace {

uint64_t g_boot_hal_ns = 0;
std::atomic<uint64_t> g_virtual_ns{0};
bool g_clock_running = false;

}  // namespace

namespace detail {

void clock_init(bool deterministic) {
    (void)deterministic;
    g_boot_hal_ns = hal::clock_now_ns();
    g_virtual_ns.store(0, std::memory_order_relaxed);
    g_clock_running = true;
}

void clock_advance(uint64_t ns) {
    g_virtual_ns.fetch_add(ns, std::memory_order_relaxed);
}

void clock_advance_to(uint64_t t) {
    uint64_t cur = g_virtual_ns.load(std::memory_order_relaxed);
    while (cur < t && !g_virtual_ns.compare_exchange_weak(cur, t, std::memory_order_relaxed)) {
    }
}

uint64_t clock_to_hal(uint64_t t) {
    return t > UINT64_MAX - g_boot_hal_ns ? UINT64_MAX : g_boot_hal_ns + t;
}

}  // namespace detail

namespace time {

uint64_t now() {
    if (!g_clock_running) return 0;
    if (detail::g_deterministic) return g_virtual_ns.load(std::memory_order_relaxed);
    return hal::clock_now_ns() - g_boot_hal_ns;
}

}  // namespace time
}  // namespace ostd

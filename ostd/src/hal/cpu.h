// hal: virtual CPUs: which CPU this code runs on, idling until an interrupt, and kicking (IPI).
#pragma once

#include <atomic>
#include <cstdint>

namespace ostd::hal {

/// Index of the CPU executing the caller, or -1 outside any CPU (e.g. a host unit test that
/// never booted a machine). Never inlined: tasks migrate between CPUs, so callers must not cache
/// the answer (or any thread-local address) across a context switch.
int current_cpu();

/// Blocks the calling CPU until `pending` is non-zero (a halt that an interrupt ends).
/// Returns at once if it already is. May return spuriously.
void cpu_wait(const std::atomic<uint32_t>& pending);

/// Wakes a CPU blocked in cpu_wait() on `pending` (an IPI). The caller sets bits first.
void cpu_kick(std::atomic<uint32_t>& pending);

/// Hint for busy-wait loops.
inline void cpu_relax() {
    __builtin_ia32_pause();
}

}  // namespace ostd::hal

// Kernel clocks: CLOCK_REALTIME as the boot wall time plus monotonic time (settable by root),
// CLOCK_MONOTONIC/BOOTTIME from ostd, and the clock-id rules of clock_gettime(2).
#pragma once

#include <cstdint>

#include <ostd/common/result.h>

namespace kernel {

enum ClockId : int32_t {
    kClockRealtime = 0, kClockMonotonic = 1, kClockProcessCputime = 2, kClockThreadCputime = 3,
    kClockMonotonicRaw = 4, kClockRealtimeCoarse = 5, kClockMonotonicCoarse = 6,
    kClockBoottime = 7, kClockRealtimeAlarm = 8, kClockBoottimeAlarm = 9, kClockTai = 11,
};

/// Sets the realtime base from BootInfo (boot).
void clock_init(uint64_t boot_wall_ns);
uint64_t monotonic_ns();
uint64_t realtime_ns();
/// clock_settime(CLOCK_REALTIME): moves the realtime clock (caller checked privilege).
void set_realtime_ns(uint64_t ns);

}  // namespace kernel

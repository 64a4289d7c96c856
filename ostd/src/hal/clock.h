// hal: the clock and the timer hardware: a monotonic counter, a periodic tick and a one-shot
// deadline comparator. Their "interrupts" call back into ostd, which only sets pending bits.
#pragma once

#include <cstdint>

namespace ostd::hal {

/// Monotonic nanoseconds with an arbitrary origin.
uint64_t clock_now_ns();

/// Hooks the timer hardware calls when it fires. They may run on any host thread (not a CPU):
/// they must only touch atomics and kick CPUs.
struct TimerHooks {
    void (*on_tick)();
    void (*on_deadline)();
};

/// Starts the timer hardware: on_tick every `tick_ns`, on_deadline once clock_now_ns() passes the
/// deadline set with timer_set_deadline(). Precondition: not started.
void timer_start(uint64_t tick_ns, TimerHooks hooks);

/// Programs the one-shot comparator to clock_now_ns() value `deadline_ns` (UINT64_MAX: off).
void timer_set_deadline(uint64_t deadline_ns);

/// Stops the timer hardware and waits until no hook runs. Safe when not started.
void timer_stop();

}  // namespace ostd::hal

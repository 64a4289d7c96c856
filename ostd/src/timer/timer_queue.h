// The machine's one queue of armed Timers, sorted by deadline (ostd-private).
#pragma once

#include <cstdint>

#include <ostd/timer/timer.h>

namespace ostd {

class TimerQueue {
  public:
    static void arm(Timer& timer, uint64_t deadline_ns);
    static bool cancel(Timer& timer);
    /// Runs every callback whose deadline passed. Interrupt context.
    static void run_expired();
    /// Earliest armed deadline, or UINT64_MAX.
    static uint64_t next_deadline();
    /// Forgets every timer (machine teardown: their memory may be gone).
    static void reset();

  private:
    using List = IntrusiveList<Timer, &Timer::link_>;
    static List& list();
};

namespace detail {
/// Starts the clock of a new machine (virtual in deterministic mode).
void clock_init(bool deterministic);
/// Deterministic mode: advances the virtual clock by ns / to at least `t`.
void clock_advance(uint64_t ns);
void clock_advance_to(uint64_t t);
/// Converts a time::now() deadline to the hal clock's scale.
uint64_t clock_to_hal(uint64_t t);
}  // namespace detail

}  // namespace ostd

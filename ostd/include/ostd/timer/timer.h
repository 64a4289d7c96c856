// Time: a monotonic clock since boot and one-shot timers whose callbacks run in interrupt
// context. In deterministic mode the clock is virtual and advanced by the scheduler.
#pragma once

#include <atomic>
#include <cstdint>

#include <ostd/sync/intrusive_list.h>

namespace ostd {

namespace time {
inline constexpr uint64_t kNsPerUs = 1'000;
inline constexpr uint64_t kNsPerMs = 1'000'000;
inline constexpr uint64_t kNsPerSec = 1'000'000'000;
/// Nanoseconds since the machine booted. Monotonic; 0 outside a machine.
uint64_t now();
/// Period of the per-CPU scheduler tick.
inline constexpr uint64_t kTickNs = 4 * kNsPerMs;
}  // namespace time

/// A one-shot timer. The callback runs in interrupt context on some CPU once time::now()
/// reaches the deadline: it must not sleep; it may wake tasks, complete Completions, re-arm.
/// Timers due at the same instant fire in arming order.
class Timer {
  public:
    using Callback = void (*)(void* arg);

    Timer(Callback callback, void* arg) : callback_(callback), arg_(arg) {}
    /// Cancels the timer (waiting for a running callback), so it may live on a stack.
    ~Timer() { cancel(); }
    Timer(const Timer&) = delete;
    Timer& operator=(const Timer&) = delete;

    /// Arms (or re-arms) the timer for absolute time `deadline_ns` (a time::now() value).
    /// A deadline in the past fires at the next safe point. Any context.
    void arm_at(uint64_t deadline_ns);
    /// arm_at(time::now() + delay_ns).
    void arm_after(uint64_t delay_ns);
    /// Disarms. True if the timer was armed and will not fire; false if it was not armed or
    /// already fired. If the callback is running on another CPU, waits for it to finish.
    /// Precondition: not called from this timer's own callback.
    bool cancel();
    bool is_armed() const { return state_.load(std::memory_order_acquire) == kArmed; }
    uint64_t deadline() const { return deadline_; }

  private:
    friend class TimerQueue;
    enum State : uint8_t { kIdle, kArmed, kFiring };

    Callback callback_;
    void* arg_;
    uint64_t deadline_ = 0;
    std::atomic<uint8_t> state_{kIdle};
    ListNode link_;
};

}  // namespace ostd

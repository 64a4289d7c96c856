// Completion: a counted "this happened" event. complete() releases one waiter (or banks the
// event for the next one); complete_all() releases everyone, now and later.
#pragma once

#include <atomic>
#include <cstdint>

#include <ostd/sync/wait_queue.h>

namespace ostd {

class Completion {
  public:
    Completion() = default;
    Completion(const Completion&) = delete;
    Completion& operator=(const Completion&) = delete;

    /// Signals one event. Any context (also interrupt handlers and timer callbacks).
    void complete();
    /// Signals every current and future waiter until reinit(). Any context.
    void complete_all();
    /// Consumes one event, sleeping until there is one. Precondition: may sleep.
    void wait();
    /// wait() with a timeout (ETIMEDOUT) and, if asked, interruption (EINTR).
    Result<void> wait(WaitOptions options);
    /// Consumes an event if one is available; never sleeps.
    bool try_wait();
    /// Forgets all events. Precondition: nobody waits.
    void reinit() { done_.store(0, std::memory_order_relaxed); }
    bool is_done() const { return done_.load(std::memory_order_acquire) != 0; }

  private:
    static constexpr uint32_t kAll = UINT32_MAX;
    std::atomic<uint32_t> done_{0};
    WaitQueue waiters_;
};

}  // namespace ostd

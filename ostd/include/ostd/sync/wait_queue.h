// WaitQueue: tasks sleep on it until a condition holds; wakers call wake_one()/wake_all().
// Waits can time out (ETIMEDOUT) and, when interruptible, end on Task::interrupt() (EINTR).
// Lock order: a WaitQueue's internal lock is a leaf, taken after any lock of the caller.
#pragma once

#include <type_traits>

#include <atomic>
#include <cstddef>
#include <cstdint>

#include <ostd/common/result.h>
#include <ostd/sync/intrusive_list.h>
#include <ostd/sync/raw_spinlock.h>

namespace ostd {

class Task;

enum class Interruptible : bool { kNo = false, kYes = true };

/// No timeout.
inline constexpr uint64_t kNoTimeout = UINT64_MAX;

struct WaitOptions {
    Interruptible interruptible = Interruptible::kNo;
    /// Relative timeout in nanoseconds of time::now(), or kNoTimeout.
    uint64_t timeout_ns = kNoTimeout;
};

/// One sleeping task's entry on a WaitQueue. Lives on the sleeper's stack.
class Waiter {
  public:
    explicit Waiter(Task& task) : task_(&task) {}
    Waiter(const Waiter&) = delete;
    Waiter& operator=(const Waiter&) = delete;
    /// True once a waker took this waiter off its queue.
    bool is_woken() const { return woken_.load(std::memory_order_acquire); }

  private:
    friend class WaitQueue;
    Task* task_;  // The sleeping task; it outlives the Waiter (the Waiter is on its stack).
    std::atomic<bool> woken_{false};
    ListNode link_;
};

class WaitQueue {
  public:
    WaitQueue() = default;
    WaitQueue(const WaitQueue&) = delete;
    WaitQueue& operator=(const WaitQueue&) = delete;
    ~WaitQueue();

    /// Sleeps until `pred()` returns true; returns ok() then. `pred` runs without the queue's
    /// lock, possibly several times, in the waiting task; it must not sleep. Errors: ETIMEDOUT
    /// when the timeout passed first, EINTR when interruptible and the task is interrupted.
    /// Precondition: task context that may sleep (no SpinLock held, preemption enabled).
    template <typename Pred>
    Result<void> wait_until(Pred&& pred, WaitOptions options = {}) {
        using P = std::remove_reference_t<Pred>;
        if (pred()) return ok();
        return wait_slow([](void* p) { return static_cast<bool>((*static_cast<P*>(p))()); },
                         const_cast<void*>(static_cast<const void*>(&pred)), options);
    }

    /// Enqueues `waiter` (its task being the caller), for callers that check their condition
    /// themselves; pair with sleep(). Precondition: waiter is on no queue.
    void enqueue(Waiter& waiter);
    /// Sleeps until `waiter` is woken, the timeout passes or (interruptible) an interrupt, then
    /// takes it off the queue. ok() when woken; ETIMEDOUT; EINTR.
    Result<void> sleep(Waiter& waiter, WaitOptions options = {});

    /// Wakes the longest waiting task; returns how many were woken (0 or 1). Any context.
    size_t wake_one();
    /// Wakes every waiting task; returns how many. Any context.
    size_t wake_all();
    /// Whether a task waits. seq_cst, so "publish the condition, then check" cannot miss a
    /// waiter that enqueued before re-checking the condition.
    bool has_waiters() const { return waiter_count_.load() != 0; }

  private:
    using PredFn = bool (*)(void*);
    Result<void> wait_slow(PredFn fn, void* pred, WaitOptions options);
    void remove(Waiter& waiter);

    mutable detail::RawSpinLock lock_;
    IntrusiveList<Waiter, &Waiter::link_> waiters_ ORRERY_GUARDED_BY(lock_);
    std::atomic<size_t> waiter_count_{0};
};

}  // namespace ostd

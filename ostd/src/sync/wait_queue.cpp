// WaitQueue: a FIFO of Waiters under a leaf spinlock; wakers dequeue, mark and unpark.
#include <ostd/sync/wait_queue.h>

#include <ostd/task/task.h>
#include <ostd/timer/timer.h>

#include "task/sched.h"

namespace ostd {

using detail::Sched;

WaitQueue::~WaitQueue() = default;

void WaitQueue::enqueue(Waiter& w) {
    w.woken_.store(false, std::memory_order_relaxed);
    detail::RawSpinLockGuard g(lock_);
    waiters_.push_back(w);
    waiter_count_.fetch_add(1);  // seq_cst: see has_waiters().
}

void WaitQueue::remove(Waiter& w) {
    detail::RawSpinLockGuard g(lock_);
    if (w.link_.is_linked()) {
        waiters_.remove(w);
        waiter_count_.fetch_sub(1, std::memory_order_relaxed);
    }
}

Result<void> WaitQueue::sleep(Waiter& w, WaitOptions options) {
    Sched::assert_may_sleep("WaitQueue::sleep");
    uint64_t deadline =
        options.timeout_ns == kNoTimeout ? UINT64_MAX : time::now() + options.timeout_ns;
    Task& self = *w.task_;
    for (;;) {
        if (w.is_woken()) return ok();
        if (options.interruptible == Interruptible::kYes && self.is_interrupted()) break;
        if (deadline != UINT64_MAX && time::now() >= deadline) break;
        Sched::park(deadline, options.interruptible);
    }
    remove(w);
    if (w.is_woken()) return ok();  // Woken while giving up: take the wake-up.
    if (options.interruptible == Interruptible::kYes && self.is_interrupted()) return Error(EINTR);
    return Error(ETIMEDOUT);
}

Result<void> WaitQueue::wait_slow(PredFn fn, void* pred, WaitOptions options) {
    Sched::assert_may_sleep("WaitQueue::wait_until");
    Task& self = Task::current();
    uint64_t deadline =
        options.timeout_ns == kNoTimeout ? UINT64_MAX : time::now() + options.timeout_ns;
    for (;;) {
        Waiter w(self);
        enqueue(w);
        // Re-check after enqueueing: a waker that changed the condition before we were on the
        // queue would otherwise be missed.
        if (fn(pred)) {
            remove(w);
            if (w.is_woken()) wake_one();  // Pass on a wake-up meant for someone.
            return ok();
        }
        WaitOptions left = options;
        if (deadline != UINT64_MAX) {
            uint64_t now = time::now();
            left.timeout_ns = now >= deadline ? 0 : deadline - now;
        }
        Result<void> r = sleep(w, left);
        if (fn(pred)) return ok();
        if (r.is_error()) {
            if (w.is_woken()) wake_one();
            return r;
        }
    }
}

size_t WaitQueue::wake_one() {
    Task* task = nullptr;
    {
        detail::RawSpinLockGuard g(lock_);
        Waiter* w = waiters_.pop_front();
        if (!w) return 0;
        waiter_count_.fetch_sub(1, std::memory_order_relaxed);
        task = w->task_;
        // Pin the task: once woken_ is set the waiter may return and even exit.
        task->ref();
        w->woken_.store(true, std::memory_order_release);
    }
    Sched::unpark(*task);
    task->unref();
    return 1;
}

size_t WaitQueue::wake_all() {
    // Only the tasks waiting now: a woken task that re-queues lands behind them.
    size_t n;
    {
        detail::RawSpinLockGuard g(lock_);
        n = waiters_.size();
    }
    size_t woken = 0;
    while (woken < n && wake_one())
        ++woken;
    return woken;
}

}  // namespace ostd

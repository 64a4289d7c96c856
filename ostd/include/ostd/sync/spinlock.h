// SpinLock: a busy-waiting lock for short critical sections. Holding one disables preemption;
// holders must not sleep, copy user memory or allocate. SpinLockIrqGuard also masks local IRQs,
// for data shared with interrupt handlers. Debug builds catch recursion and unheld unlocks.
#pragma once

#include <atomic>

#include <ostd/common/thread_annotations.h>
#include <ostd/irq/irq.h>
#include <ostd/task/preempt.h>

namespace ostd {

namespace detail {
[[noreturn]] void spinlock_misuse(const char* what);
/// The caller's CPU index, or -1 outside a machine.
int spinlock_owner_tag();
}  // namespace detail

class ORRERY_CAPABILITY("spinlock") SpinLock {
  public:
    constexpr SpinLock() = default;
    SpinLock(const SpinLock&) = delete;
    SpinLock& operator=(const SpinLock&) = delete;

    /// Spins until acquired; preemption stays disabled until unlock(). Precondition (checked in
    /// debug builds): this CPU does not hold it already.
    void lock() ORRERY_ACQUIRE() {
        preempt_disable();
        if (locked_.exchange(true, std::memory_order_acquire)) [[unlikely]]
            lock_slow();
        note_owner();
    }
    bool try_lock() ORRERY_TRY_ACQUIRE(true) {
        preempt_disable();
        if (!locked_.load(std::memory_order_relaxed) &&
            !locked_.exchange(true, std::memory_order_acquire)) {
            note_owner();
            return true;
        }
        preempt_enable();
        return false;
    }
    /// Precondition: held by the caller (unlocking an unheld lock panics).
    void unlock() ORRERY_RELEASE() {
        if (!locked_.load(std::memory_order_relaxed)) [[unlikely]]
            detail::spinlock_misuse("unlocking a SpinLock that is not locked");
#ifdef ORRERY_DEBUG
        owner_.store(-1, std::memory_order_relaxed);
#endif
        locked_.store(false, std::memory_order_release);
        preempt_enable();
    }
    bool is_locked() const {
        return locked_.load(std::memory_order_relaxed);
    }

  private:
    void lock_slow();
    void note_owner() {
#ifdef ORRERY_DEBUG
        owner_.store(detail::spinlock_owner_tag(), std::memory_order_relaxed);
#endif
    }

    std::atomic<bool> locked_{false};
#ifdef ORRERY_DEBUG
    std::atomic<int> owner_{-1};  // CPU holding it (debug builds), for the recursion check.
#endif
};

/// RAII holder: `SpinLockGuard g(lock);`.
class ORRERY_SCOPED_CAPABILITY SpinLockGuard {
  public:
    explicit SpinLockGuard(SpinLock& l) ORRERY_ACQUIRE(l) : lock_(l) { lock_.lock(); }
    ~SpinLockGuard() ORRERY_RELEASE() { lock_.unlock(); }
    SpinLockGuard(const SpinLockGuard&) = delete;
    SpinLockGuard& operator=(const SpinLockGuard&) = delete;

  private:
    SpinLock& lock_;
};

/// RAII holder that also masks local IRQs, for locks an interrupt handler takes too.
class ORRERY_SCOPED_CAPABILITY SpinLockIrqGuard {
  public:
    explicit SpinLockIrqGuard(SpinLock& l) ORRERY_ACQUIRE(l) : lock_(l) {
        irq::disable_local();
        lock_.lock();
    }
    ~SpinLockIrqGuard() ORRERY_RELEASE() {
        lock_.unlock();
        irq::enable_local();
    }
    SpinLockIrqGuard(const SpinLockIrqGuard&) = delete;
    SpinLockIrqGuard& operator=(const SpinLockIrqGuard&) = delete;

  private:
    SpinLock& lock_;
};

}  // namespace ostd

// SpinLock: a busy-waiting lock for short critical sections. Holders must not sleep, copy user
// memory or allocate. (Minimal version; the task layer adds preemption/IRQ masking and debug
// checks.)
#pragma once

#include <atomic>

#include <ostd/common/thread_annotations.h>

namespace ostd {

class ORRERY_CAPABILITY("spinlock") SpinLock {
public:
    constexpr SpinLock() = default;
    SpinLock(const SpinLock&) = delete;
    SpinLock& operator=(const SpinLock&) = delete;

    void lock() ORRERY_ACQUIRE() {
        while (locked_.exchange(true, std::memory_order_acquire))
            while (locked_.load(std::memory_order_relaxed)) __builtin_ia32_pause();
    }
    bool try_lock() ORRERY_TRY_ACQUIRE(true) {
        return !locked_.exchange(true, std::memory_order_acquire);
    }
    void unlock() ORRERY_RELEASE() { locked_.store(false, std::memory_order_release); }
    bool is_locked() const { return locked_.load(std::memory_order_relaxed); }

private:
    std::atomic<bool> locked_{false};
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

}  // namespace ostd

// RawSpinLock: the bare test-and-set lock under ostd's own queues (scheduler, wait queues,
// timers). Unlike SpinLock it leaves the preempt count alone, because the code holding it is the
// code that switches tasks. Kernel code uses SpinLock instead.
#pragma once

#include <atomic>

#include <ostd/common/thread_annotations.h>

namespace ostd::detail {

class ORRERY_CAPABILITY("raw_spinlock") RawSpinLock {
  public:
    constexpr RawSpinLock() = default;
    RawSpinLock(const RawSpinLock&) = delete;
    RawSpinLock& operator=(const RawSpinLock&) = delete;

    void lock() ORRERY_ACQUIRE() {
        while (locked_.exchange(true, std::memory_order_acquire))
            while (locked_.load(std::memory_order_relaxed))
                __builtin_ia32_pause();
    }
    bool try_lock() ORRERY_TRY_ACQUIRE(true) {
        return !locked_.load(std::memory_order_relaxed) &&
               !locked_.exchange(true, std::memory_order_acquire);
    }
    void unlock() ORRERY_RELEASE() { locked_.store(false, std::memory_order_release); }
    bool is_locked() const { return locked_.load(std::memory_order_relaxed); }

  private:
    std::atomic<bool> locked_{false};
};

class ORRERY_SCOPED_CAPABILITY RawSpinLockGuard {
  public:
    explicit RawSpinLockGuard(RawSpinLock& l) ORRERY_ACQUIRE(l) : lock_(l) { lock_.lock(); }
    ~RawSpinLockGuard() ORRERY_RELEASE() { lock_.unlock(); }
    RawSpinLockGuard(const RawSpinLockGuard&) = delete;
    RawSpinLockGuard& operator=(const RawSpinLockGuard&) = delete;

  private:
    RawSpinLock& lock_;
};

}  // namespace ostd::detail

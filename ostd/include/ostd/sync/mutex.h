// Mutex: a sleeping lock with an owner task. Waiters sleep on a WaitQueue instead of spinning,
// so it may be held across sleeps, but not taken in interrupt context or under a SpinLock.
// Misuse panics: recursive locking, unlocking an unheld Mutex or one owned by another task.
#pragma once

#include <atomic>

#include <ostd/common/thread_annotations.h>
#include <ostd/sync/wait_queue.h>

namespace ostd {

class Task;

class ORRERY_CAPABILITY("mutex") Mutex {
  public:
    Mutex() = default;
    Mutex(const Mutex&) = delete;
    Mutex& operator=(const Mutex&) = delete;

    /// Sleeps until acquired. Precondition: task context that may sleep; not held by the caller.
    void lock() ORRERY_ACQUIRE();
    /// Like lock() but gives up when the task is interrupted (the EINTR case): returns false
    /// then, true once acquired.
    [[nodiscard]] bool lock_interruptible() ORRERY_TRY_ACQUIRE(true);
    /// Acquires if free; never sleeps. Precondition: task context.
    bool try_lock() ORRERY_TRY_ACQUIRE(true);
    /// Precondition: held by the calling task.
    void unlock() ORRERY_RELEASE();

    bool is_locked() const { return owner_.load(std::memory_order_relaxed) != nullptr; }
    /// Whether the calling task holds it.
    bool is_held_by_current() const;
    /// The owning task, or nullptr (a snapshot, for diagnostics).
    Task* owner() const { return owner_.load(std::memory_order_relaxed); }

  private:
    bool try_acquire(Task* self);

    std::atomic<Task*> owner_{nullptr};
    WaitQueue waiters_;
};

class ORRERY_SCOPED_CAPABILITY MutexGuard {
  public:
    explicit MutexGuard(Mutex& m) ORRERY_ACQUIRE(m) : m_(m) { m_.lock(); }
    ~MutexGuard() ORRERY_RELEASE() { m_.unlock(); }
    MutexGuard(const MutexGuard&) = delete;
    MutexGuard& operator=(const MutexGuard&) = delete;

  private:
    Mutex& m_;
};

}  // namespace ostd

// Locked<T, Lock>: a lock that owns the value it guards and hands it out only through a guard,
// so the value cannot be touched unlocked. Works with SpinLock and Mutex.
#pragma once

#include <ostd/common/thread_annotations.h>
#include <ostd/sync/mutex.h>
#include <ostd/sync/spinlock.h>

namespace ostd {

template <typename T, typename Lock = SpinLock>
class Locked {
  public:
    class ORRERY_SCOPED_CAPABILITY Guard {
      public:
        explicit Guard(Locked& l) ORRERY_ACQUIRE(l.lock_) : owner_(l) { owner_.lock_.lock(); }
        ~Guard() ORRERY_RELEASE() { owner_.lock_.unlock(); }
        Guard(const Guard&) = delete;
        Guard& operator=(const Guard&) = delete;
        T& operator*() const ORRERY_NO_THREAD_SAFETY_ANALYSIS { return owner_.value_; }
        T* operator->() const ORRERY_NO_THREAD_SAFETY_ANALYSIS { return &owner_.value_; }

      private:
        Locked& owner_;
    };

    template <typename... Args>
    explicit Locked(Args&&... args) : value_(static_cast<Args&&>(args)...) {}
    Locked(const Locked&) = delete;
    Locked& operator=(const Locked&) = delete;

    /// Acquires the lock (with Lock's preconditions) and returns the guard.
    Guard lock() ORRERY_NO_THREAD_SAFETY_ANALYSIS { return Guard(*this); }
    /// Runs fn(value) under the lock and returns its result.
    template <typename F>
    auto with(F&& fn) {
        Guard g(*this);
        return fn(*g);
    }

  private:
    Lock lock_;
    T value_ ORRERY_GUARDED_BY(lock_);
};

}  // namespace ostd

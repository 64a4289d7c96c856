// RwLock: a spinning readers-writer lock. Many readers or one writer; a waiting writer stops
// new readers from entering. Preemption is disabled while held (like SpinLock).
#pragma once

#include <atomic>
#include <cstdint>

#include <ostd/common/thread_annotations.h>
#include <ostd/sync/spinlock.h>
#include <ostd/task/preempt.h>

namespace ostd {

class ORRERY_CAPABILITY("rwlock") RwLock {
  public:
    constexpr RwLock() = default;
    RwLock(const RwLock&) = delete;
    RwLock& operator=(const RwLock&) = delete;

    void lock_shared() ORRERY_ACQUIRE_SHARED() {
        preempt_disable();
        for (;;) {
            uint32_t s = state_.load(std::memory_order_relaxed);
            if (!(s & (kWriter | kWriterWaiting)) &&
                state_.compare_exchange_weak(s, s + 1, std::memory_order_acquire))
                return;
            __builtin_ia32_pause();
        }
    }
    /// Precondition: read-locked by the caller.
    void unlock_shared() ORRERY_RELEASE_SHARED() {
        if ((state_.load(std::memory_order_relaxed) & kReaders) == 0) [[unlikely]]
            detail::spinlock_misuse("unlocking an RwLock that is not read-locked");
        state_.fetch_sub(1, std::memory_order_release);
        preempt_enable();
    }
    void lock() ORRERY_ACQUIRE() {
        preempt_disable();
        for (;;) {
            uint32_t s = state_.load(std::memory_order_relaxed);
            if ((s & (kWriter | kReaders)) == 0) {
                if (state_.compare_exchange_weak(s, kWriter, std::memory_order_acquire)) return;
            } else if (!(s & kWriterWaiting)) {
                state_.fetch_or(kWriterWaiting, std::memory_order_relaxed);
            }
            __builtin_ia32_pause();
        }
    }
    /// Precondition: write-locked by the caller.
    void unlock() ORRERY_RELEASE() {
        if (!(state_.load(std::memory_order_relaxed) & kWriter)) [[unlikely]]
            detail::spinlock_misuse("unlocking an RwLock that is not write-locked");
        state_.fetch_and(~kWriter, std::memory_order_release);
        preempt_enable();
    }
    bool is_write_locked() const { return state_.load(std::memory_order_relaxed) & kWriter; }
    uint32_t reader_count() const { return state_.load(std::memory_order_relaxed) & kReaders; }

  private:
    static constexpr uint32_t kWriter = 1u << 31;
    static constexpr uint32_t kWriterWaiting = 1u << 30;
    static constexpr uint32_t kReaders = kWriterWaiting - 1;
    std::atomic<uint32_t> state_{0};
};

class ORRERY_SCOPED_CAPABILITY RwLockReadGuard {
  public:
    explicit RwLockReadGuard(RwLock& l) ORRERY_ACQUIRE_SHARED(l) : l_(l) { l_.lock_shared(); }
    ~RwLockReadGuard() ORRERY_RELEASE() { l_.unlock_shared(); }
    RwLockReadGuard(const RwLockReadGuard&) = delete;
    RwLockReadGuard& operator=(const RwLockReadGuard&) = delete;

  private:
    RwLock& l_;
};

class ORRERY_SCOPED_CAPABILITY RwLockWriteGuard {
  public:
    explicit RwLockWriteGuard(RwLock& l) ORRERY_ACQUIRE(l) : l_(l) { l_.lock(); }
    ~RwLockWriteGuard() ORRERY_RELEASE() { l_.unlock(); }
    RwLockWriteGuard(const RwLockWriteGuard&) = delete;
    RwLockWriteGuard& operator=(const RwLockWriteGuard&) = delete;

  private:
    RwLock& l_;
};

}  // namespace ostd

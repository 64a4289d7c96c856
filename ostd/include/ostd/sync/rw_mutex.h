// RwMutex: a sleeping readers-writer lock. Many readers or one writer task; a waiting writer
// keeps new readers out. May be held across sleeps; not usable in interrupt context.
#pragma once

#include <atomic>
#include <cstdint>

#include <ostd/common/thread_annotations.h>
#include <ostd/sync/wait_queue.h>

namespace ostd {

class ORRERY_CAPABILITY("rw_mutex") RwMutex {
  public:
    RwMutex() = default;
    RwMutex(const RwMutex&) = delete;
    RwMutex& operator=(const RwMutex&) = delete;

    /// Precondition for both lock calls: task context that may sleep.
    void lock_shared() ORRERY_ACQUIRE_SHARED();
    /// Precondition: read-locked by the caller (panics if not read-locked at all).
    void unlock_shared() ORRERY_RELEASE_SHARED();
    /// Precondition: the caller holds no lock of this RwMutex (recursion panics).
    void lock() ORRERY_ACQUIRE();
    /// Precondition: write-locked by the calling task.
    void unlock() ORRERY_RELEASE();
    bool try_lock_shared() ORRERY_TRY_ACQUIRE_SHARED(true);
    bool try_lock() ORRERY_TRY_ACQUIRE(true);

    uint32_t reader_count() const { return state_.load(std::memory_order_relaxed) & kReaders; }
    bool is_write_locked() const { return state_.load(std::memory_order_relaxed) & kWriter; }

  private:
    static constexpr uint32_t kWriter = 1u << 31;
    static constexpr uint32_t kReaders = kWriter - 1;

    std::atomic<uint32_t> state_{0};
    std::atomic<uint32_t> writers_waiting_{0};
    std::atomic<const void*> writer_{nullptr};  // Owning Task, for misuse checks.
    WaitQueue waiters_;
};

class ORRERY_SCOPED_CAPABILITY RwMutexReadGuard {
  public:
    explicit RwMutexReadGuard(RwMutex& m) ORRERY_ACQUIRE_SHARED(m) : m_(m) { m_.lock_shared(); }
    ~RwMutexReadGuard() ORRERY_RELEASE() { m_.unlock_shared(); }
    RwMutexReadGuard(const RwMutexReadGuard&) = delete;
    RwMutexReadGuard& operator=(const RwMutexReadGuard&) = delete;

  private:
    RwMutex& m_;
};

class ORRERY_SCOPED_CAPABILITY RwMutexWriteGuard {
  public:
    explicit RwMutexWriteGuard(RwMutex& m) ORRERY_ACQUIRE(m) : m_(m) { m_.lock(); }
    ~RwMutexWriteGuard() ORRERY_RELEASE() { m_.unlock(); }
    RwMutexWriteGuard(const RwMutexWriteGuard&) = delete;
    RwMutexWriteGuard& operator=(const RwMutexWriteGuard&) = delete;

  private:
    RwMutex& m_;
};

}  // namespace ostd

// RwMutex: one atomic state word (writer bit + reader count) and a WaitQueue for sleepers.
#include <ostd/sync/rw_mutex.h>

#include <ostd/common/panic.h>
#include <ostd/task/task.h>

#include "task/sched.h"

namespace ostd {

bool RwMutex::try_lock_shared() ORRERY_NO_THREAD_SAFETY_ANALYSIS {
    uint32_t s = state_.load();
    // Writers waiting keep new readers out, so a stream of readers cannot starve them.
    if ((s & kWriter) || writers_waiting_.load() != 0) return false;
    return state_.compare_exchange_strong(s, s + 1);
}

bool RwMutex::try_lock() ORRERY_NO_THREAD_SAFETY_ANALYSIS {
    uint32_t expected = 0;
    if (!state_.compare_exchange_strong(expected, kWriter)) return false;
    writer_.store(&Task::current(), std::memory_order_relaxed);
    return true;
}

void RwMutex::lock_shared() ORRERY_NO_THREAD_SAFETY_ANALYSIS {
    detail::Sched::assert_may_sleep("RwMutex::lock_shared()");
    if (writer_.load(std::memory_order_relaxed) == &Task::current())
        panic("RwMutex::lock_shared() by the task that holds it for writing (deadlock)");
    auto r = waiters_.wait_until([this] { return try_lock_shared(); });
    if (r.is_error()) panic("uninterruptible RwMutex wait failed");
}

void RwMutex::lock() ORRERY_NO_THREAD_SAFETY_ANALYSIS {
    detail::Sched::assert_may_sleep("RwMutex::lock()");
    if (writer_.load(std::memory_order_relaxed) == &Task::current())
        panic("recursive RwMutex::lock(): the task already holds it for writing");
    if (try_lock()) return;
    writers_waiting_.fetch_add(1);
    auto r = waiters_.wait_until([this] { return try_lock(); });
    writers_waiting_.fetch_sub(1);
    if (r.is_error()) panic("uninterruptible RwMutex wait failed");
    // Readers blocked only by our waiting may proceed once we unlock; nothing to do here.
}

void RwMutex::unlock_shared() ORRERY_NO_THREAD_SAFETY_ANALYSIS {
    uint32_t s = state_.load();
    if ((s & kReaders) == 0) panic("unlocking an RwMutex that is not read-locked");
    if (state_.fetch_sub(1) == 1 && waiters_.has_waiters()) waiters_.wake_all();
}

void RwMutex::unlock() ORRERY_NO_THREAD_SAFETY_ANALYSIS {
    if (!(state_.load() & kWriter)) panic("unlocking an RwMutex that is not write-locked");
    if (writer_.load(std::memory_order_relaxed) != Task::current_or_null())
        panic("unlocking an RwMutex write-locked by another task");
    writer_.store(nullptr, std::memory_order_relaxed);
    state_.fetch_and(~kWriter);
    if (waiters_.has_waiters()) waiters_.wake_all();
}

}  // namespace ostd

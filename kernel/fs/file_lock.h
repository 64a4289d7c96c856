// POSIX record locks (fcntl F_GETLK/F_SETLK/F_SETLKW): per-inode byte-range read/write locks
// owned by a process. Conflicts are between different owners where one lock is a write lock;
// a process's own locks are replaced or split by its new ones. Closing any descriptor of the file
// drops the owner's locks on it (the POSIX rule). No deadlock detection (EDEADLK) yet.
// Locking: FileLocks::lock_ (a Mutex) is a leaf apart from its wait queue.
#pragma once

#include <atomic>
#include <cstdint>

#include <ostd/ktl/vector.h>
#include <ostd/sync/mutex.h>
#include <ostd/sync/wait_queue.h>

namespace kernel::fs {

enum class LockType : uint8_t { kRead, kWrite, kUnlock };

struct RecordLock {
    uint64_t start;
    uint64_t end;  // inclusive; UINT64_MAX means "to end of file and beyond"
    LockType type;
    int64_t owner;
};

class FileLocks {
public:
    /// The first lock of another owner conflicting with `want`, if any.
    bool find_conflict(const RecordLock& want, RecordLock* out);
    /// Applies `want` (kUnlock removes). EAGAIN on conflict when `wait` is false; otherwise
    /// sleeps (interruptibly: ERESTARTSYS). ENOMEM.
    ostd::Result<void> set(const RecordLock& want, bool wait);
    /// Drops every lock of `owner`.
    void release_owner(int64_t owner);

private:
    bool conflicts_locked(const RecordLock& want, RecordLock* out) ORRERY_REQUIRES(lock_);
    ostd::Result<void> apply_locked(const RecordLock& want) ORRERY_REQUIRES(lock_);

    ostd::Mutex lock_;
    ostd::Vector<RecordLock> locks_ ORRERY_GUARDED_BY(lock_);
    std::atomic<uint64_t> generation_{0};  // bumped on every change; sleepers re-check
    ostd::WaitQueue waiters_;
};

}  // namespace kernel::fs

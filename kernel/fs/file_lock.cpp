// POSIX record locks: conflict search, range replacement and splitting.
#include <kernel/fs/file_lock.h>

namespace kernel::fs {

using ostd::Error;
using ostd::Result;

namespace {
bool overlaps(const RecordLock& a, const RecordLock& b) {
    return a.start <= b.end && b.start <= a.end;
}
}  // namespace

bool FileLocks::conflicts_locked(const RecordLock& want, RecordLock* out) {
    for (const RecordLock& l : locks_) {
        if (l.owner == want.owner || !overlaps(l, want)) continue;
        if (l.type == LockType::kWrite || want.type == LockType::kWrite) {
            if (out) *out = l;
            return true;
        }
    }
    return false;
}

bool FileLocks::find_conflict(const RecordLock& want, RecordLock* out) {
    ostd::MutexGuard g(lock_);
    return conflicts_locked(want, out);
}

Result<void> FileLocks::apply_locked(const RecordLock& want) {
    // Build the owner's new set in a fresh vector so a failed allocation changes nothing.
    ostd::Vector<RecordLock> next;
    TRY(next.reserve(locks_.size() + 2));
    for (const RecordLock& l : locks_) {
        if (l.owner != want.owner || !overlaps(l, want)) {
            MUST(next.push_back(l));
            continue;
        }
        if (l.start < want.start)
            MUST(next.push_back(RecordLock{l.start, want.start - 1, l.type, l.owner}));
        if (l.end > want.end)
            MUST(next.push_back(RecordLock{want.end + 1, l.end, l.type, l.owner}));
    }
    if (want.type != LockType::kUnlock) MUST(next.push_back(want));
    locks_ = std::move(next);
    return ostd::ok();
}

Result<void> FileLocks::set(const RecordLock& want, bool wait) {
    for (;;) {
        uint64_t seen;
        {
            ostd::MutexGuard g(lock_);
            seen = generation_.load();
            if (want.type == LockType::kUnlock || !conflicts_locked(want, nullptr)) {
                TRY(apply_locked(want));
                generation_.fetch_add(1);
                break;
            }
            if (!wait) return Error(EAGAIN, "conflicting record lock");
        }
        auto r = waiters_.wait_until([&] { return generation_.load() != seen; },
                                     {.interruptible = ostd::Interruptible::kYes});
        if (r.is_error()) return Error(ERESTARTSYS);
    }
    waiters_.wake_all();
    return ostd::ok();
}

void FileLocks::release_owner(int64_t owner) {
    {
        ostd::MutexGuard g(lock_);
        for (size_t i = locks_.size(); i-- > 0;)
            if (locks_[i].owner == owner) locks_.erase(i);
        generation_.fetch_add(1);
    }
    waiters_.wake_all();
}

}  // namespace kernel::fs

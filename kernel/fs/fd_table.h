// FdTable: a process's file descriptors (small integers naming open File descriptions) with
// their close-on-exec flags. Lowest-free allocation, dup/dup2/dup3, close_range, fork clone.
// Shared between threads (CLONE_FILES) through Ref<FdTable>. Locking: an internal Mutex; Files
// are released after it is dropped, since closing may sleep.
#pragma once

#include <cstdint>

#include <kernel/fs/file.h>
#include <ostd/common/ref.h>
#include <ostd/ktl/vector.h>
#include <ostd/sync/mutex.h>

namespace kernel::fs {

enum class CloseOnExec : bool { kNo = false, kYes = true };

class FdTable : public ostd::RefCounted<FdTable> {
public:
    static ostd::Result<ostd::Ref<FdTable>> create();
    /// fork(): a new table with the same Files (shared descriptions) and flags. ENOMEM.
    ostd::Result<ostd::Ref<FdTable>> clone() const;

    /// Installs `file` at the lowest free fd >= min_fd below `limit` (RLIMIT_NOFILE).
    /// EMFILE when none is free; EINVAL when min_fd >= limit.
    ostd::Result<int> install(ostd::Ref<File> file, CloseOnExec cloexec, uint64_t limit,
                              int min_fd = 0);
    /// The File at `fd`; EBADF.
    ostd::Result<ostd::Ref<File>> get(int fd) const;
    /// close(2): EBADF if not open.
    ostd::Result<void> close(int fd);
    /// dup(2) / F_DUPFD(_CLOEXEC): lowest free fd >= min_fd.
    ostd::Result<int> dup(int fd, int min_fd, CloseOnExec cloexec, uint64_t limit);
    /// dup2(2) (same fd: checks validity, returns it) and dup3(2) (same fd: EINVAL).
    /// EBADF when oldfd is not open or newfd is out of [0, limit).
    ostd::Result<int> dup2(int oldfd, int newfd, uint64_t limit);
    ostd::Result<int> dup3(int oldfd, int newfd, CloseOnExec cloexec, uint64_t limit);
    /// close_range(2): closes [first, last] (or sets cloexec with CLOSE_RANGE_CLOEXEC = 4).
    /// EINVAL for first > last or unknown flags.
    ostd::Result<void> close_range(uint32_t first, uint32_t last, uint32_t flags);
    ostd::Result<bool> cloexec(int fd) const;
    ostd::Result<void> set_cloexec(int fd, CloseOnExec cloexec);
    /// execve(): closes every close-on-exec descriptor.
    void close_on_exec();
    /// Number of open descriptors.
    size_t count() const;
    /// Calls visit(fd, File&) for each open fd in increasing order (under the table lock:
    /// visit must not touch this table).
    template <typename Visit>
    void for_each(Visit&& visit) const {
        ostd::MutexGuard g(lock_);
        for (size_t i = 0; i < slots_.size(); ++i)
            if (slots_[i].file) visit(int(i), *slots_[i].file);
    }

private:
    FdTable() = default;
    template <typename T, typename... A>
    friend ostd::Result<ostd::Ref<T>> ostd::try_make_ref(A&&...);
    struct Slot {
        ostd::RefPtr<File> file;
        bool cloexec = false;
    };
    ostd::Result<int> place_locked(ostd::Ref<File> file, CloseOnExec cloexec, uint64_t limit,
                                   int min_fd) ORRERY_REQUIRES(lock_);

    mutable ostd::Mutex lock_;
    ostd::Vector<Slot> slots_ ORRERY_GUARDED_BY(lock_);
};

inline constexpr uint32_t kCloseRangeUnshare = 2;
inline constexpr uint32_t kCloseRangeCloexec = 4;

}  // namespace kernel::fs

// File descriptor table operations.
#include <kernel/fs/fd_table.h>

namespace kernel::fs {

using ostd::Error;
using ostd::Ref;
using ostd::RefPtr;
using ostd::Result;

Result<Ref<FdTable>> FdTable::create() {
    return ostd::try_make_ref<FdTable>();
}

Result<Ref<FdTable>> FdTable::clone() const {
    Ref<FdTable> t = TRY(create());
    ostd::MutexGuard g(lock_);
    ostd::MutexGuard g2(t->lock_);
    TRY(t->slots_.reserve(slots_.size()));
    for (const Slot& s : slots_)
        MUST(t->slots_.push_back(Slot{s.file, s.cloexec}));
    return t;
}

Result<int> FdTable::place_locked(Ref<File> file, CloseOnExec cloexec, uint64_t limit, int min_fd) {
    if (min_fd < 0 || uint64_t(min_fd) >= limit) return Error(EINVAL, "fd floor beyond the limit");
    size_t fd = size_t(min_fd);
    while (fd < slots_.size() && slots_[fd].file)
        ++fd;
    if (fd >= limit) return Error(EMFILE, "RLIMIT_NOFILE reached");
    while (slots_.size() <= fd)
        TRY(slots_.push_back(Slot{}));
    slots_[fd] = Slot{std::move(file), cloexec == CloseOnExec::kYes};
    return int(fd);
}

Result<int> FdTable::install(Ref<File> file, CloseOnExec cloexec, uint64_t limit, int min_fd) {
    ostd::MutexGuard g(lock_);
    return place_locked(std::move(file), cloexec, limit, min_fd);
}

Result<Ref<File>> FdTable::get(int fd) const {
    ostd::MutexGuard g(lock_);
    if (fd < 0 || size_t(fd) >= slots_.size() || !slots_[fd].file)
        return Error(EBADF, "fd not open");
    return slots_[fd].file.to_ref();
}

Result<void> FdTable::close(int fd) {
    RefPtr<File> victim;  // released after the lock
    {
        ostd::MutexGuard g(lock_);
        if (fd < 0 || size_t(fd) >= slots_.size() || !slots_[fd].file)
            return Error(EBADF, "fd not open");
        victim = std::move(slots_[fd].file);
        slots_[fd] = Slot{};
    }
    return ostd::ok();
}

Result<int> FdTable::dup(int fd, int min_fd, CloseOnExec cloexec, uint64_t limit) {
    Ref<File> f = TRY(get(fd));
    ostd::MutexGuard g(lock_);
    return place_locked(std::move(f), cloexec, limit, min_fd);
}

Result<int> FdTable::dup2(int oldfd, int newfd, uint64_t limit) {
    if (oldfd == newfd) {
        TRY(get(oldfd));
        return newfd;
    }
    return dup3(oldfd, newfd, CloseOnExec::kNo, limit);
}

Result<int> FdTable::dup3(int oldfd, int newfd, CloseOnExec cloexec, uint64_t limit) {
    if (oldfd == newfd) return Error(EINVAL, "dup3 to the same fd");
    Ref<File> f = TRY(get(oldfd));
    if (newfd < 0 || uint64_t(newfd) >= limit) return Error(EBADF, "newfd out of range");
    RefPtr<File> victim;
    {
        ostd::MutexGuard g(lock_);
        while (slots_.size() <= size_t(newfd))
            TRY(slots_.push_back(Slot{}));
        victim = std::move(slots_[newfd].file);
        slots_[newfd] = Slot{std::move(f), cloexec == CloseOnExec::kYes};
    }
    return newfd;
}

Result<void> FdTable::close_range(uint32_t first, uint32_t last, uint32_t flags) {
    if (first > last) return Error(EINVAL, "close_range: first > last");
    if (flags & ~(kCloseRangeUnshare | kCloseRangeCloexec)) return Error(EINVAL, "bad flags");
    ostd::Vector<Ref<File>> victims;
    ostd::MutexGuard g(lock_);
    for (size_t fd = first; fd < slots_.size() && fd <= last; ++fd) {
        if (!slots_[fd].file) continue;
        if (flags & kCloseRangeCloexec) {
            slots_[fd].cloexec = true;
            continue;
        }
        // If the victims list cannot grow, drop the reference here: a File's destructor
        // does not take this table's lock, so that is safe, only less tidy.
        Ref<File> f = slots_[fd].file.to_ref();
        slots_[fd] = Slot{};
        (void)victims.push_back(std::move(f));
    }
    return ostd::ok();
}

Result<bool> FdTable::cloexec(int fd) const {
    ostd::MutexGuard g(lock_);
    if (fd < 0 || size_t(fd) >= slots_.size() || !slots_[fd].file) return Error(EBADF);
    return slots_[fd].cloexec;
}

Result<void> FdTable::set_cloexec(int fd, CloseOnExec cloexec) {
    ostd::MutexGuard g(lock_);
    if (fd < 0 || size_t(fd) >= slots_.size() || !slots_[fd].file) return Error(EBADF);
    slots_[fd].cloexec = cloexec == CloseOnExec::kYes;
    return ostd::ok();
}

void FdTable::close_on_exec() {
    ostd::Vector<Ref<File>> victims;
    ostd::MutexGuard g(lock_);
    for (Slot& s : slots_) {
        if (!s.file || !s.cloexec) continue;
        Ref<File> f = s.file.to_ref();
        s = Slot{};
        (void)victims.push_back(std::move(f));  // on ENOMEM `f` is released here instead
    }
}

size_t FdTable::count() const {
    ostd::MutexGuard g(lock_);
    size_t n = 0;
    for (const Slot& s : slots_)
        n += s.file ? 1 : 0;
    return n;
}

}  // namespace kernel::fs

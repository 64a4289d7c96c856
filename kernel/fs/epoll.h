// epoll(7): an instance File holding interest items (fd, File, events, data). Items subscribe to
// their file's PollHub; epoll_wait scans ready items (level- or edge-triggered, EPOLLONESHOT) and
// sleeps on the instance's wait queue otherwise. Items do not count as references to their
// File: an item lives until EPOLL_CTL_DEL, the instance's release, or the watched file
// description's release (File::on_last_unref), as in Linux.
// Locking: registry mutex (epoll.cpp) -> EpollFile::lock_ (Mutex) -> PollHub locks; hub
// callbacks only set flags and wake.
#pragma once

#include <span>

#include <kernel/abi/io.h>
#include <kernel/fs/file.h>

namespace kernel::fs {

class EpollFile;

/// epoll_create1(2): flags EPOLL_CLOEXEC only (the caller's business). EINVAL otherwise.
ostd::Result<ostd::Ref<File>> create_epoll(uint32_t flags);
/// The instance behind `f`, or EINVAL if `f` is not an epoll file.
ostd::Result<EpollFile*> as_epoll(File& f);

/// epoll_ctl(2). `target` is the File for `fd`. EEXIST (ADD twice), ENOENT (MOD/DEL of an
/// unknown fd), EINVAL (target is this instance, bad op or EPOLLEXCLUSIVE with MOD), EPERM
/// (target cannot be polled, e.g. a regular file), ENOMEM.
ostd::Result<void> epoll_ctl(EpollFile& ep, int op, int fd, ostd::Ref<File> target,
                             const abi::EpollEvent* event);
/// Removes every epoll item watching `f` (called from File::on_last_unref). Takes the registry
/// mutex and the instances' locks: the releasing context must hold no VFS or epoll lock.
void epoll_release_file(const File& f);
/// epoll_wait(2): up to out.size() events. EINVAL for an empty buffer; EINTR when interrupted.
ostd::Result<int> epoll_wait(EpollFile& ep, std::span<abi::EpollEvent> out, uint64_t timeout_ns);

}  // namespace kernel::fs

// File: an open file description (open(2)'s object), shared by dup'ed descriptors and across
// fork. Holds the status flags and offset; the operations are virtual so pipes, devices,
// directories, synthetic files and later sockets each supply their own.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>

#include <kernel/fs/mount.h>
#include <kernel/fs/poll.h>
#include <ostd/common/ref.h>
#include <ostd/mm/vm_io.h>
#include <ostd/sync/intrusive_list.h>
#include <ostd/sync/mutex.h>

namespace kernel::fs {

/// User-memory access for ioctl argument structs, supplied by the syscall layer (or a test).
class IoctlIo {
public:
    virtual ostd::Result<void> copy_out(uint64_t addr, std::span<const std::byte> src) = 0;
    virtual ostd::Result<void> copy_in(uint64_t addr, std::span<std::byte> dst) = 0;

protected:
    ~IoctlIo() = default;
};

inline constexpr uint32_t kFionread = 0x541B;
inline constexpr uint32_t kFionbio = 0x5421;

/// One epoll registration watching a File: a link in the File's list of watchers, owned by the
/// epoll item that holds it (kernel/fs/epoll.cpp).
struct EpollWatch {
    ostd::ListNode link;
    void* item = nullptr;  // The epoll item this watch belongs to.
};
using EpollWatchList = ostd::IntrusiveList<EpollWatch, &EpollWatch::link>;

class File : public ostd::RefCounted<File> {
public:
    virtual ~File();

    /// RefCounted hook, when the description is released (the last reference is gone, the
    /// object still whole): drops every epoll registration of this file, as Linux's
    /// eventpoll_release does, so epoll never keeps a closed file alive.
    void on_last_unref() const;
    /// The epoll registrations watching this file. Guarded by epoll's registry mutex; only
    /// kernel/fs/epoll.cpp touches it.
    EpollWatchList& epoll_watches() const { return epoll_watches_; }

    /// O_* flags: access mode and status flags (O_APPEND, O_NONBLOCK, ...).
    uint32_t flags() const { return flags_.load(std::memory_order_relaxed); }
    /// F_SETFL: changes only O_APPEND, O_NONBLOCK, O_ASYNC, O_DIRECT, O_NOATIME.
    void set_status_flags(uint32_t flags);
    bool is_readable() const;
    bool is_writable() const;
    bool is_path_only() const;
    bool is_nonblocking() const;

    /// The opened location, or nullptr for anonymous files (pipes, eventfd, epoll).
    const Path* path() const { return path_ ? &*path_ : nullptr; }
    /// The inode, or nullptr for files without one.
    Inode* inode() const { return inode_.ptr(); }

    /// Reads at the file offset, advancing it. Defaults: EINVAL.
    virtual ostd::Result<size_t> read(ostd::VmWriter& out);
    virtual ostd::Result<size_t> write(ostd::VmReader& in);
    /// Positional I/O; ESPIPE by default (pipes, ttys).
    virtual ostd::Result<size_t> pread(ostd::VmWriter& out, uint64_t offset);
    virtual ostd::Result<size_t> pwrite(ostd::VmReader& in, uint64_t offset);
    /// lseek(2); ESPIPE by default.
    virtual ostd::Result<int64_t> seek(int64_t offset, int whence);
    /// getdents64(2) records into out; ENOTDIR by default. EINVAL when the first record does
    /// not fit.
    virtual ostd::Result<size_t> getdents(ostd::VmWriter& out);
    /// ENOTTY by default.
    virtual ostd::Result<int64_t> ioctl(uint32_t cmd, uint64_t arg, IoctlIo& io);
    /// Current readiness (POLLIN | POLLOUT | POLLHUP | POLLERR bits). Regular files: always
    /// readable and writable.
    virtual uint32_t poll_events();
    /// Where readiness changes are announced, or nullptr if readiness never changes.
    virtual PollHub* poll_hub();
    virtual ostd::Result<void> fsync();
    /// F_GETPIPE_SZ / F_SETPIPE_SZ; EBADF on files that are not pipes (as Linux).
    virtual ostd::Result<int64_t> pipe_size(int64_t new_size);
    /// Kind probe without RTTI: true only for epoll instances.
    virtual bool is_epoll() const { return false; }
    /// The file offset (for lseek and /proc fdinfo).
    uint64_t offset();

protected:
    /// `path` may be null for anonymous files.
    File(const Path* path, ostd::RefPtr<Inode> inode, uint32_t flags);

    ostd::Mutex pos_lock_;  // serialises offset updates (f_pos_lock)
    uint64_t pos_ ORRERY_GUARDED_BY(pos_lock_) = 0;

private:
    mutable EpollWatchList epoll_watches_;
    std::optional<Path> path_;
    ostd::RefPtr<Inode> inode_;
    std::atomic<uint32_t> flags_;
};

/// The File for regular files, directories and symlinks opened O_PATH (Inode::open default).
ostd::Result<ostd::Ref<File>> open_inode_file(const Path& path, uint32_t flags);

/// A File whose contents are generated once at open (procfs, /proc/filesystems, ...): read-only,
/// seekable within the snapshot.
ostd::Result<ostd::Ref<File>> open_snapshot_file(const Path& path, uint32_t flags,
                                                 ostd::String contents);

}  // namespace kernel::fs

// The VFS entry points behind the file-system syscalls: one C++ function per syscall family,
// taking the caller's FsContext, Credentials and FdTable (a Caller) and plain kernel values, so
// the syscall glue only copies arguments and results. Errors follow the man 2 pages.
#pragma once

#include <cstdint>
#include <string_view>

#include <kernel/abi/fcntl.h>
#include <kernel/abi/io.h>
#include <kernel/abi/stat.h>
#include <kernel/fs/fd_table.h>
#include <kernel/fs/fs_context.h>
#include <kernel/process/credentials.h>
#include <ostd/ktl/string.h>

namespace kernel::fs::vfs {

/// Who is asking: the calling process's pieces (the lead's Process exposes all three).
struct Caller {
    FsContext& fs;
    const Credentials& creds;
    FdTable& fds;
    uint64_t nofile_limit = 1024;  // RLIMIT_NOFILE
    int64_t umask = -1;            // the process umask; -1: FsContext's
    int64_t lock_owner = 0;        // record-lock owner (the pid)
    uint32_t effective_umask() const { return umask >= 0 ? uint32_t(umask) : fs.umask(); }
};

// ---- Lookup helpers ----
/// The Path named by (dirfd, path, AT_* flags): AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH. `follow`
/// is the default for the final symlink when AT_SYMLINK_NOFOLLOW is not given.
ostd::Result<Path> lookup_at(const Caller& c, int dirfd, std::string_view path, uint32_t at_flags,
                             bool follow = true);

// ---- open(2) family ----
/// openat2(2) RESOLVE_* flags (struct open_how.resolve).
inline constexpr uint64_t kResolveNoXdev = 0x01, kResolveNoMagiclinks = 0x02,
                          kResolveNoSymlinks = 0x04, kResolveBeneath = 0x08,
                          kResolveInRoot = 0x10, kResolveCached = 0x20, kResolveAll = 0x3f;
/// Opens without installing a descriptor (for kernel users: initramfs, exec, tests).
/// `resolve` restricts the walk (openat2): EXDEV (a mount crossed with NO_XDEV, an escape from
/// BENEATH), ELOOP (a symlink with NO_SYMLINKS, a magic link with NO_MAGICLINKS), EAGAIN
/// (CACHED with O_CREAT/O_TRUNC/O_TMPFILE), EINVAL (unknown bits, BENEATH with IN_ROOT).
ostd::Result<ostd::Ref<File>> open_file(const Caller& c, int dirfd, std::string_view path,
                                        uint32_t flags, uint32_t mode, uint64_t resolve = 0);
/// openat(2): returns the new fd (O_CLOEXEC honoured).
ostd::Result<int> open_at(const Caller& c, int dirfd, std::string_view path, uint32_t flags,
                          uint32_t mode, uint64_t resolve = 0);
ostd::Result<void> close(const Caller& c, int fd);

// ---- Namespace changes ----
ostd::Result<void> mkdir_at(const Caller& c, int dirfd, std::string_view path, uint32_t mode);
/// mknodat(2): regular files, FIFOs, character/block devices (those need privilege), sockets.
ostd::Result<void> mknod_at(const Caller& c, int dirfd, std::string_view path, uint32_t mode,
                            uint64_t dev);
/// unlinkat(2); AT_REMOVEDIR makes it rmdir(2).
ostd::Result<void> unlink_at(const Caller& c, int dirfd, std::string_view path, uint32_t flags);
/// linkat(2); AT_SYMLINK_FOLLOW, AT_EMPTY_PATH.
ostd::Result<void> link_at(const Caller& c, int olddirfd, std::string_view oldpath, int newdirfd,
                           std::string_view newpath, uint32_t flags);
ostd::Result<void> symlink_at(const Caller& c, std::string_view target, int newdirfd,
                              std::string_view linkpath);
/// readlinkat(2): the whole target (the glue truncates to bufsiz). EINVAL: not a symlink.
ostd::Result<ostd::String> readlink_at(const Caller& c, int dirfd, std::string_view path);

inline constexpr uint32_t kRenameNoreplace = 1;
inline constexpr uint32_t kRenameExchange = 2;
inline constexpr uint32_t kRenameWhiteout = 4;
/// renameat2(2) with RENAME_NOREPLACE / RENAME_EXCHANGE.
ostd::Result<void> rename_at(const Caller& c, int olddirfd, std::string_view oldpath, int newdirfd,
                             std::string_view newpath, uint32_t flags);

// ---- Attributes ----
abi::Stat stat_of(const Inode& inode);
ostd::Result<abi::Stat> stat_at(const Caller& c, int dirfd, std::string_view path, uint32_t flags);
ostd::Result<abi::Stat> fstat(const Caller& c, int fd);
ostd::Result<abi::Statx> statx_at(const Caller& c, int dirfd, std::string_view path, uint32_t flags,
                                  uint32_t mask);
/// faccessat2(2); AT_EACCESS uses effective ids (the default uses real ids).
ostd::Result<void> access_at(const Caller& c, int dirfd, std::string_view path, int mode,
                             uint32_t flags);
ostd::Result<void> chmod_at(const Caller& c, int dirfd, std::string_view path, uint32_t mode,
                            uint32_t flags);
ostd::Result<void> fchmod(const Caller& c, int fd, uint32_t mode);
/// fchownat(2); kUnchanged (-1) leaves an id alone.
ostd::Result<void> chown_at(const Caller& c, int dirfd, std::string_view path, Uid uid, Gid gid,
                            uint32_t flags);
ostd::Result<void> fchown(const Caller& c, int fd, Uid uid, Gid gid);
ostd::Result<void> truncate(const Caller& c, std::string_view path, int64_t length);
ostd::Result<void> ftruncate(const Caller& c, int fd, int64_t length);
ostd::Result<void> fallocate(const Caller& c, int fd, int mode, int64_t offset, int64_t len);
inline constexpr int64_t kUtimeNow = (1l << 30) - 1;
inline constexpr int64_t kUtimeOmit = (1l << 30) - 2;
/// utimensat(2): times null = both now; UTIME_NOW / UTIME_OMIT in tv_nsec.
ostd::Result<void> utimens_at(const Caller& c, int dirfd, std::string_view path,
                              const abi::Timespec* times, uint32_t flags);

// ---- Extended attributes (path variants follow symlinks unless `follow` is false) ----
ostd::Result<size_t> getxattr(const Caller& c, std::string_view path, bool follow,
                              std::string_view name, ostd::VmWriter* out);
ostd::Result<void> setxattr(const Caller& c, std::string_view path, bool follow,
                            std::string_view name, std::span<const std::byte> value, int flags);
ostd::Result<size_t> listxattr(const Caller& c, std::string_view path, bool follow,
                               ostd::VmWriter* out);
ostd::Result<void> removexattr(const Caller& c, std::string_view path, bool follow,
                               std::string_view name);

/// The same on an open descriptor (fgetxattr and friends). EBADF.
ostd::Result<size_t> fgetxattr(const Caller& c, int fd, std::string_view name, ostd::VmWriter* out);
ostd::Result<void> fsetxattr(const Caller& c, int fd, std::string_view name,
                             std::span<const std::byte> value, int flags);
ostd::Result<size_t> flistxattr(const Caller& c, int fd, ostd::VmWriter* out);
ostd::Result<void> fremovexattr(const Caller& c, int fd, std::string_view name);

// ---- Data ----
ostd::Result<size_t> read(const Caller& c, int fd, ostd::VmWriter& out);
ostd::Result<size_t> write(const Caller& c, int fd, ostd::VmReader& in);
ostd::Result<size_t> pread(const Caller& c, int fd, ostd::VmWriter& out, int64_t offset);
ostd::Result<size_t> pwrite(const Caller& c, int fd, ostd::VmReader& in, int64_t offset);
ostd::Result<int64_t> lseek(const Caller& c, int fd, int64_t offset, int whence);
ostd::Result<size_t> getdents(const Caller& c, int fd, ostd::VmWriter& out);
ostd::Result<void> fsync(const Caller& c, int fd);
/// fcntl(2) except record locks: DUPFD(_CLOEXEC), GETFD/SETFD, GETFL/SETFL, GETPIPE_SZ,
/// SETPIPE_SZ. EINVAL for other commands.
ostd::Result<int64_t> fcntl(const Caller& c, int fd, int cmd, uint64_t arg);
/// F_GETLK / F_SETLK / F_SETLKW with a struct flock already copied in (and, for GETLK,
/// rewritten for copy-out). EBADF (lock type vs open mode), EINVAL, EAGAIN, ERESTARTSYS.
ostd::Result<void> record_lock(const Caller& c, int fd, int cmd, abi::Flock& fl);
/// ioctl(2): FIONBIO and FIOCLEX/FIONCLEX here, the rest goes to the File.
ostd::Result<int64_t> ioctl(const Caller& c, int fd, uint32_t cmd, uint64_t arg, IoctlIo& io);
/// sendfile(2) / copy_file_range(2) through a kernel bounce buffer. `offset` null: use and
/// advance the file offset of in_fd.
ostd::Result<size_t> sendfile(const Caller& c, int out_fd, int in_fd, int64_t* offset,
                              size_t count);
ostd::Result<size_t> copy_file_range(const Caller& c, int in_fd, int64_t* in_off, int out_fd,
                                     int64_t* out_off, size_t count);

/// pipe2(2): {read fd, write fd}. Flags O_NONBLOCK, O_CLOEXEC, O_DIRECT; EINVAL otherwise.
struct FdPair {
    int read_fd;
    int write_fd;
};
ostd::Result<FdPair> pipe2(const Caller& c, uint32_t flags);

// ---- Readiness: poll, epoll, eventfd ----
/// poll(2) over `fds` (revents filled in). Negative fds are ignored; closed ones report
/// POLLNVAL. timeout_ns: 0 = do not wait, ostd::kNoTimeout = forever. EINTR.
ostd::Result<int> poll(const Caller& c, std::span<abi::Pollfd> fds, uint64_t timeout_ns);
ostd::Result<int> eventfd2(const Caller& c, uint32_t initval, uint32_t flags);
ostd::Result<int> epoll_create1(const Caller& c, uint32_t flags);
/// EBADF for bad fds, EINVAL if epfd is not an epoll instance or epfd == fd.
ostd::Result<void> epoll_ctl(const Caller& c, int epfd, int op, int fd,
                             const abi::EpollEvent* event);
ostd::Result<int> epoll_wait(const Caller& c, int epfd, std::span<abi::EpollEvent> out,
                             uint64_t timeout_ns);

// ---- Directories and the namespace ----
ostd::Result<void> chdir(const Caller& c, std::string_view path);
ostd::Result<void> fchdir(const Caller& c, int fd);
/// chroot(2): EPERM unless privileged.
ostd::Result<void> chroot(const Caller& c, std::string_view path);
ostd::Result<ostd::String> getcwd(const Caller& c);
ostd::Result<abi::Statfs> statfs(const Caller& c, std::string_view path);
ostd::Result<abi::Statfs> fstatfs(const Caller& c, int fd);
/// mount(2): new mounts of a registered type, MS_BIND. EPERM unless privileged.
ostd::Result<void> mount(const Caller& c, std::string_view source, std::string_view target,
                         std::string_view fstype, uint32_t flags, std::string_view data);
/// umount2(2): MNT_DETACH supported.
ostd::Result<void> umount(const Caller& c, std::string_view target, uint32_t flags);

}  // namespace kernel::fs::vfs

// Attributes: stat/statx, access, chmod, chown, truncate, fallocate, utimensat, xattrs.
#include <kernel/abi/fcntl.h>
#include <kernel/fs/permission.h>
#include <kernel/fs/vfs_internal.h>

namespace kernel::fs::vfs {

using ostd::Error;
using ostd::Ref;
using ostd::Result;
using namespace detail;
namespace md = abi::mode;

abi::Stat stat_of(const Inode& inode) {
    InodeMeta m = inode.meta();
    abi::Stat st{};
    st.st_dev = inode.dev();
    st.st_ino = inode.ino();
    st.st_nlink = m.nlink;
    st.st_mode = m.mode();
    st.st_uid = m.uid;
    st.st_gid = m.gid;
    st.st_rdev = m.rdev;
    st.st_size = int64_t(m.size);
    st.st_blksize = kBlockSize;
    st.st_blocks = int64_t(m.blocks);
    st.st_atim = m.atime;
    st.st_mtim = m.mtime;
    st.st_ctim = m.ctime;
    return st;
}

Result<abi::Stat> stat_at(const Caller& c, int dirfd, std::string_view path, uint32_t flags) {
    if (flags & ~(abi::at::kSymlinkNofollow | abi::at::kEmptyPath | abi::at::kNoAutomount))
        return Error(EINVAL, "bad fstatat flags");
    Path p = TRY(lookup_at(c, dirfd, path, flags));
    return stat_of(p.inode());
}

Result<abi::Stat> fstat(const Caller& c, int fd) {
    Ref<File> f = TRY(c.fds.get(fd));
    if (!f->inode()) {
        abi::Stat st{};
        st.st_mode = md::kIfifo | 0600;
        st.st_blksize = kBlockSize;
        return st;
    }
    return stat_of(*f->inode());
}

Result<abi::Statx> statx_at(const Caller& c, int dirfd, std::string_view path, uint32_t flags,
                            uint32_t mask) {
    constexpr uint32_t kAllowed = abi::at::kSymlinkNofollow | abi::at::kEmptyPath |
                                  abi::at::kNoAutomount | abi::at::kStatxForceSync |
                                  abi::at::kStatxDontSync;
    if (flags & ~kAllowed) return Error(EINVAL, "bad statx flags");
    if ((flags & abi::at::kStatxForceSync) && (flags & abi::at::kStatxDontSync))
        return Error(EINVAL, "statx sync flags conflict");
    if (mask & 0x80000000u) return Error(EINVAL, "STATX__RESERVED");
    Path p = TRY(lookup_at(c, dirfd, path, flags));
    abi::Stat st = stat_of(p.inode());
    abi::Statx sx{};
    sx.stx_mask = abi::statx_mask::kBasicStats | abi::statx_mask::kMntId;
    sx.stx_blksize = uint32_t(st.st_blksize);
    sx.stx_nlink = uint32_t(st.st_nlink);
    sx.stx_uid = st.st_uid;
    sx.stx_gid = st.st_gid;
    sx.stx_mode = uint16_t(st.st_mode);
    sx.stx_ino = st.st_ino;
    sx.stx_size = uint64_t(st.st_size);
    sx.stx_blocks = uint64_t(st.st_blocks);
    sx.stx_atime = {st.st_atim.tv_sec, uint32_t(st.st_atim.tv_nsec), 0};
    sx.stx_mtime = {st.st_mtim.tv_sec, uint32_t(st.st_mtim.tv_nsec), 0};
    sx.stx_ctime = {st.st_ctim.tv_sec, uint32_t(st.st_ctim.tv_nsec), 0};
    sx.stx_rdev_major = dev_major(st.st_rdev);
    sx.stx_rdev_minor = dev_minor(st.st_rdev);
    sx.stx_dev_major = dev_major(st.st_dev);
    sx.stx_dev_minor = dev_minor(st.st_dev);
    sx.stx_mnt_id = uint64_t(p.mnt->id());
    return sx;
}

Result<void> access_at(const Caller& c, int dirfd, std::string_view path, int mode,
                       uint32_t flags) {
    if (mode & ~7) return Error(EINVAL, "bad access mode");
    if (flags & ~(abi::at::kEaccess | abi::at::kSymlinkNofollow | abi::at::kEmptyPath))
        return Error(EINVAL, "bad faccessat flags");
    Credentials creds = c.creds;
    if (!(flags & abi::at::kEaccess)) {
        creds.set_fsuid(creds.uids().real);
        creds.set_fsgid(creds.gids().real);
    }
    Caller as{c.fs, creds, c.fds, c.nofile_limit};
    Path p = TRY(lookup_at(as, dirfd, path, flags & ~abi::at::kEaccess));
    if (mode == 0) return ostd::ok();
    TRY(check_access(p.inode(), creds, mode));
    if ((mode & kMayWrite) && !p.inode().is_dir() && p.inode().type() != FileType::kRegular)
        return ostd::ok();
    if (mode & kMayWrite) TRY(check_writable_mount(p));
    return ostd::ok();
}

namespace {

Result<void> do_chmod(const Caller& c, const Path& p, uint32_t mode) {
    Inode& inode = p.inode();
    if (!is_owner_or_root(inode, c.creds)) return Error(EPERM, "chmod: not the owner");
    TRY(check_writable_mount(p));
    uint32_t perm = mode & 07777;
    if (!c.creds.is_privileged() && !c.creds.in_group(inode.meta().gid)) perm &= ~md::kIsgid;
    inode.set_perm(perm);
    return ostd::ok();
}

Result<void> do_chown(const Caller& c, const Path& p, Uid uid, Gid gid) {
    Inode& inode = p.inode();
    InodeMeta m = inode.meta();
    Uid new_uid = uid == kUnchanged ? m.uid : uid;
    Gid new_gid = gid == kUnchanged ? m.gid : gid;
    if (!c.creds.is_privileged()) {
        if (new_uid != m.uid) return Error(EPERM, "chown: only root changes the owner");
        if (c.creds.uids().fs != m.uid) return Error(EPERM, "chown: not the owner");
        if (new_gid != m.gid && !c.creds.in_group(new_gid))
            return Error(EPERM, "chown: not a member of the group");
    }
    TRY(check_writable_mount(p));
    inode.set_owner(new_uid, new_gid);
    if (m.type != FileType::kDirectory && (uid != kUnchanged || gid != kUnchanged)) {
        uint32_t perm = m.perm & ~md::kIsuid;
        if (m.perm & 010) perm &= ~md::kIsgid;
        if (perm != m.perm) inode.set_perm(perm);
    }
    return ostd::ok();
}

Result<void> do_truncate(const Caller& c, const Path& p, int64_t length, bool check_perm) {
    if (length < 0) return Error(EINVAL, "negative length");
    Inode& inode = p.inode();
    if (inode.is_dir()) return Error(EISDIR, "truncate of a directory");
    if (inode.type() != FileType::kRegular) return Error(EINVAL, "truncate of a special file");
    if (check_perm) TRY(check_access(inode, c.creds, kMayWrite));
    TRY(check_writable_mount(p));
    return inode.truncate(uint64_t(length));
}

}  // namespace

Result<void> chmod_at(const Caller& c, int dirfd, std::string_view path, uint32_t mode,
                      uint32_t flags) {
    if (flags & ~(abi::at::kSymlinkNofollow | abi::at::kEmptyPath)) return Error(EINVAL);
    Path p = TRY(lookup_at(c, dirfd, path, flags));
    if (p.inode().type() == FileType::kSymlink) return Error(EOPNOTSUPP, "chmod of a symlink");
    return do_chmod(c, p, mode);
}

Result<void> fchmod(const Caller& c, int fd, uint32_t mode) {
    Ref<File> f = TRY(c.fds.get(fd));
    if (!f->path() || f->is_path_only()) return Error(EBADF);
    return do_chmod(c, *f->path(), mode);
}

Result<void> chown_at(const Caller& c, int dirfd, std::string_view path, Uid uid, Gid gid,
                      uint32_t flags) {
    if (flags & ~(abi::at::kSymlinkNofollow | abi::at::kEmptyPath)) return Error(EINVAL);
    Path p = TRY(lookup_at(c, dirfd, path, flags));
    return do_chown(c, p, uid, gid);
}

Result<void> fchown(const Caller& c, int fd, Uid uid, Gid gid) {
    Ref<File> f = TRY(c.fds.get(fd));
    if (!f->path() || f->is_path_only()) return Error(EBADF);
    return do_chown(c, *f->path(), uid, gid);
}

Result<void> truncate(const Caller& c, std::string_view path, int64_t length) {
    Path p = TRY(lookup_at(c, abi::at::kFdcwd, path, 0));
    return do_truncate(c, p, length, true);
}

Result<void> ftruncate(const Caller& c, int fd, int64_t length) {
    Ref<File> f = TRY(c.fds.get(fd));
    if (!f->path() || !f->is_writable() || f->inode()->type() != FileType::kRegular)
        return Error(EINVAL, "ftruncate needs a regular file open for writing");
    return do_truncate(c, *f->path(), length, false);
}

Result<void> fallocate(const Caller& c, int fd, int mode, int64_t offset, int64_t len) {
    if (offset < 0 || len <= 0) return Error(EINVAL, "bad fallocate range");
    Ref<File> f = TRY(c.fds.get(fd));
    if (!f->is_writable()) return Error(EBADF, "fallocate needs a writable fd");
    if (!f->inode()) return Error(ESPIPE);
    if (f->inode()->is_dir()) return Error(EISDIR);
    if (f->inode()->type() == FileType::kFifo) return Error(ESPIPE);
    if (f->inode()->type() != FileType::kRegular) return Error(ENODEV);
    return f->inode()->allocate(mode, uint64_t(offset), uint64_t(len));
}

Result<void> utimens_at(const Caller& c, int dirfd, std::string_view path,
                        const abi::Timespec* times, uint32_t flags) {
    if (flags & ~(abi::at::kSymlinkNofollow | abi::at::kEmptyPath)) return Error(EINVAL);
    abi::Timespec now = current_time();
    abi::Timespec t[2] = {now, now};
    bool set[2] = {true, true};
    bool explicit_time = false;
    if (times) {
        for (int i = 0; i < 2; ++i) {
            int64_t ns = times[i].tv_nsec;
            if (ns == kUtimeOmit) {
                set[i] = false;
            } else if (ns != kUtimeNow) {
                if (ns < 0 || ns > 999'999'999) return Error(EINVAL, "bad tv_nsec");
                t[i] = times[i];
                explicit_time = true;
            }
        }
    }
    Path p = TRY(lookup_at(c, dirfd, path, flags));
    if (!set[0] && !set[1]) return ostd::ok();
    if (!is_owner_or_root(p.inode(), c.creds)) {
        if (explicit_time) return Error(EPERM, "utimensat: not the owner");
        TRY(check_access(p.inode(), c.creds, kMayWrite));
    }
    TRY(check_writable_mount(p));
    p.inode().set_times(set[0] ? &t[0] : nullptr, set[1] ? &t[1] : nullptr);
    return ostd::ok();
}

// ---- xattrs ----

namespace {

Result<Path> xattr_target(const Caller& c, std::string_view path, bool follow) {
    return lookup_at(c, abi::at::kFdcwd, path, 0, follow);
}

Result<Path> xattr_fd_target(const Caller& c, int fd) {
    Ref<File> f = TRY(c.fds.get(fd));
    if (!f->path() || f->is_path_only()) return Error(EBADF);
    return *f->path();
}

Result<size_t> get_on(const Caller& c, const Path& p, std::string_view name, ostd::VmWriter* out) {
    TRY(check_access(p.inode(), c.creds, kMayRead));
    return p.inode().get_xattr(name, out);
}

Result<void> set_on(const Caller& c, const Path& p, std::string_view name,
                    std::span<const std::byte> value, int flags) {
    if (flags & ~3) return Error(EINVAL, "bad xattr flags");
    TRY(check_access(p.inode(), c.creds, kMayWrite));
    TRY(check_writable_mount(p));
    return p.inode().set_xattr(name, value, flags);
}

Result<void> remove_on(const Caller& c, const Path& p, std::string_view name) {
    TRY(check_access(p.inode(), c.creds, kMayWrite));
    TRY(check_writable_mount(p));
    return p.inode().remove_xattr(name);
}

}  // namespace

Result<size_t> getxattr(const Caller& c, std::string_view path, bool follow, std::string_view name,
                        ostd::VmWriter* out) {
    return get_on(c, TRY(xattr_target(c, path, follow)), name, out);
}
Result<void> setxattr(const Caller& c, std::string_view path, bool follow, std::string_view name,
                      std::span<const std::byte> value, int flags) {
    if (flags & ~3) return Error(EINVAL, "bad xattr flags");
    return set_on(c, TRY(xattr_target(c, path, follow)), name, value, flags);
}
Result<size_t> listxattr(const Caller& c, std::string_view path, bool follow, ostd::VmWriter* out) {
    return TRY(xattr_target(c, path, follow)).inode().list_xattr(out);
}
Result<void> removexattr(const Caller& c, std::string_view path, bool follow,
                         std::string_view name) {
    return remove_on(c, TRY(xattr_target(c, path, follow)), name);
}
Result<size_t> fgetxattr(const Caller& c, int fd, std::string_view name, ostd::VmWriter* out) {
    return get_on(c, TRY(xattr_fd_target(c, fd)), name, out);
}
Result<void> fsetxattr(const Caller& c, int fd, std::string_view name,
                       std::span<const std::byte> value, int flags) {
    return set_on(c, TRY(xattr_fd_target(c, fd)), name, value, flags);
}
Result<size_t> flistxattr(const Caller& c, int fd, ostd::VmWriter* out) {
    return TRY(xattr_fd_target(c, fd)).inode().list_xattr(out);
}
Result<void> fremovexattr(const Caller& c, int fd, std::string_view name) {
    return remove_on(c, TRY(xattr_fd_target(c, fd)), name);
}

}  // namespace kernel::fs::vfs

// open(2) and lookups: start directories, O_CREAT/O_EXCL/O_TRUNC/O_NOFOLLOW/O_DIRECTORY/O_PATH.
#include <kernel/abi/fcntl.h>
#include <kernel/fs/permission.h>
#include <kernel/fs/special.h>
#include <kernel/fs/vfs_internal.h>

namespace kernel::fs::vfs {

using ostd::Error;
using ostd::Ref;
using ostd::Result;
namespace o = abi::open;

namespace detail {

Result<Path> start_for(const Caller& c, int dirfd, std::string_view path) {
    if ((!path.empty() && path[0] == '/') || dirfd == abi::at::kFdcwd) return c.fs.cwd();
    Ref<File> f = TRY(c.fds.get(dirfd));
    if (!f->path()) return Error(ENOTDIR, "dirfd has no path");
    if (!path.empty() && !f->path()->inode().is_dir())
        return Error(ENOTDIR, "dirfd not a directory");
    return *f->path();
}

Result<void> check_writable_mount(const Path& p) {
    if (p.mnt->is_read_only()) return Error(EROFS, "read-only mount");
    return ostd::ok();
}

NewInode new_inode_spec(const Caller& c, const Inode& dir, FileType type, uint32_t perm,
                        uint64_t rdev) {
    InodeMeta d = dir.meta();
    Gid gid = c.creds.gids().fs;
    if (d.perm & abi::mode::kIsgid) {
        gid = d.gid;
        if (type == FileType::kDirectory) perm |= abi::mode::kIsgid;
    }
    return NewInode{type, perm & 07777, c.creds.uids().fs, gid, rdev};
}

Result<Path> create_locked(const Caller& c, const Path& dir, std::string_view name,
                           const NewInode& spec, std::string_view link_target) {
    if (dir.dentry->is_dead()) return Error(ENOENT, "directory was removed");
    if (dir.dentry->find_child(name)) return Error(EEXIST, "file exists");
    TRY(check_access(dir.inode(), c.creds, kMayWrite | kMayExec));
    TRY(check_writable_mount(dir));
    NewInode s = spec;
    s.link_target = link_target;
    Ref<Inode> inode = TRY(dir.inode().create_child(s));
    Ref<Dentry> d = TRY(Dentry::create(name, dir.dentry, inode));
    TRY(dir.dentry->add_child(d));
    inode->set_nlink(spec.type == FileType::kDirectory ? 2 : 1);
    if (spec.type == FileType::kDirectory) dir.inode().inc_nlink();
    dir.inode().touch(kMtime | kCtime);
    return Path{dir.mnt, std::move(d)};
}

}  // namespace detail

using namespace detail;

Result<Path> lookup_at(const Caller& c, int dirfd, std::string_view path, uint32_t at_flags,
                       bool follow) {
    if (path.empty()) {
        if (!(at_flags & abi::at::kEmptyPath)) return Error(ENOENT, "empty path");
        if (dirfd == abi::at::kFdcwd) return c.fs.cwd();
        Ref<File> f = TRY(c.fds.get(dirfd));
        if (!f->path()) return Error(EBADF, "descriptor has no path");
        return *f->path();
    }
    Path start = TRY(start_for(c, dirfd, path));
    Path root = c.fs.root();
    if (at_flags & abi::at::kSymlinkNofollow) follow = false;
    ostd::MutexGuard g(tree_lock());
    return walk_locked(WalkBase{root, start}, path, c.creds, follow ? uint32_t{kWalkFollow} : uint32_t{0});
}

namespace {

/// Finds or creates the target of an O_CREAT open. Requires tree_lock().
Result<Path> open_create_locked(const Caller& c, const WalkBase& base, std::string_view path,
                                uint32_t flags, uint32_t mode, uint32_t restrict, bool* created) {
    ParentWalk pw = TRY(walk_parent_locked(base, path, c.creds, restrict));
    if (pw.last.empty() || pw.is_dot || pw.trailing_slash)
        return Error(EISDIR, "O_CREAT on a directory");
    ostd::RefPtr<Dentry> existing = pw.dir.dentry->find_child(pw.last);
    if (!existing) {
        // Computed directories (procfs): O_CREAT of an entry they compute opens it.
        ostd::RefPtr<Inode> dyn = TRY(pw.dir.inode().lookup(pw.last));
        if (dyn) existing = TRY(Dentry::create(pw.last, pw.dir.dentry, dyn.to_ref()));
    }
    if (existing) {
        if (flags & o::kExcl) return Error(EEXIST, "O_EXCL: file exists");
        Path p = follow_mounts(Path{pw.dir.mnt, existing.to_ref()});
        if ((restrict & kWalkNoXdev) && p.mnt.ptr() != base.start.mnt.ptr())
            return Error(EXDEV, "RESOLVE_NO_XDEV: path crosses a mount");
        if (p.inode().type() == FileType::kSymlink) {
            if (flags & o::kNofollow) return Error(ELOOP, "O_NOFOLLOW on a symlink");
            if (restrict & kWalkNoSymlinks) return Error(ELOOP, "RESOLVE_NO_SYMLINKS");
            p = TRY(walk_locked(WalkBase{base.root, pw.dir}, pw.last, c.creds,
                                kWalkFollow | (restrict & ~kWalkBeneath)));
        }
        return p;
    }
    uint32_t perm = mode & 07777 & ~c.effective_umask();
    NewInode spec = new_inode_spec(c, pw.dir.inode(), FileType::kRegular, perm);
    *created = true;
    return create_locked(c, pw.dir, pw.last, spec);
}

}  // namespace

Result<Ref<File>> open_file(const Caller& c, int dirfd, std::string_view path, uint32_t flags,
                            uint32_t mode, uint64_t resolve) {
    if (resolve & ~kResolveAll) return Error(EINVAL, "unknown RESOLVE_* flags");
    if ((resolve & kResolveBeneath) && (resolve & kResolveInRoot))
        return Error(EINVAL, "RESOLVE_BENEATH with RESOLVE_IN_ROOT");
    if ((resolve & kResolveCached) && (flags & (o::kCreat | o::kTrunc | o::kTmpfileBit)))
        return Error(EAGAIN, "RESOLVE_CACHED cannot create or truncate");
    if ((flags & o::kTmpfile) == o::kTmpfile) return Error(EOPNOTSUPP, "O_TMPFILE");
    if (flags & o::kPath) flags &= o::kPath | o::kDirectory | o::kNofollow | o::kCloexec;
    // Scoped lookups (BENEATH, IN_ROOT) start at dirfd even for absolute paths; other absolute
    // paths start at the root (what RESOLVE_NO_XDEV compares against).
    bool absolute = !path.empty() && path[0] == '/';
    bool scoped = resolve & (kResolveBeneath | kResolveInRoot);
    Path start = TRY(start_for(c, dirfd, scoped ? std::string_view("x") : path));
    if (absolute && !scoped) start = c.fs.root();
    // RESOLVE_IN_ROOT: the start directory is the root for "/" and "..".
    Path root = (resolve & kResolveInRoot) ? start : c.fs.root();
    WalkBase base{root, start};
    uint32_t restrict = 0;
    if (resolve & kResolveNoXdev) restrict |= kWalkNoXdev;
    if (resolve & kResolveNoMagiclinks) restrict |= kWalkNoMagicLinks;
    if (resolve & kResolveNoSymlinks) restrict |= kWalkNoSymlinks;
    if (resolve & kResolveBeneath) restrict |= kWalkBeneath;
    if (resolve & (kResolveBeneath | kResolveInRoot)) restrict |= kWalkScoped;
    bool created = false;
    Path p = TRY([&]() -> Result<Path> {
        ostd::MutexGuard g(tree_lock());
        if (flags & o::kCreat)
            return open_create_locked(c, base, path, flags, mode, restrict, &created);
        bool follow = !(flags & o::kNofollow);
        return walk_locked(base, path, c.creds,
                           (follow ? uint32_t{kWalkFollow} : uint32_t{0}) | restrict);
    }());
    Inode& inode = p.inode();
    FileType type = inode.type();
    if (flags & o::kPath) {
        if ((flags & o::kDirectory) && type != FileType::kDirectory) return Error(ENOTDIR);
        return open_inode_file(p, flags);
    }
    if (type == FileType::kSymlink) return Error(ELOOP, "O_NOFOLLOW on a symlink");
    if ((flags & o::kDirectory) && type != FileType::kDirectory) return Error(ENOTDIR);
    uint32_t acc = flags & o::kAccmode;
    bool wants_write = acc == o::kWronly || acc == o::kRdwr || (flags & o::kTrunc);
    if (type == FileType::kDirectory && (wants_write || (flags & o::kCreat)))
        return Error(EISDIR, "directory opened for writing");
    if (!created) {
        int mask = 0;
        if (acc == o::kRdonly || acc == o::kRdwr) mask |= kMayRead;
        if (wants_write) mask |= kMayWrite;
        TRY(check_access(inode, c.creds, mask));
    }
    if (wants_write && (type == FileType::kRegular || type == FileType::kDirectory))
        TRY(check_writable_mount(p));
    switch (type) {
        case FileType::kCharDevice:
            if (p.mnt->flags() & mount_flags::kNoDev) return Error(EACCES, "nodev mount");
            return open_char_device(inode.meta().rdev, p, flags);
        case FileType::kBlockDevice:
            return Error(ENXIO, "no block devices yet");
        case FileType::kFifo:
            return open_fifo(p, flags);
        case FileType::kSocket:
            return Error(ENXIO, "cannot open a socket");
        default:
            break;
    }
    if ((flags & o::kTrunc) && type == FileType::kRegular && !created) TRY(inode.truncate(0));
    return inode.open(p, flags);
}

Result<int> open_at(const Caller& c, int dirfd, std::string_view path, uint32_t flags,
                    uint32_t mode, uint64_t resolve) {
    Ref<File> f = TRY(open_file(c, dirfd, path, flags, mode, resolve));
    return c.fds.install(std::move(f), (flags & o::kCloexec) ? CloseOnExec::kYes : CloseOnExec::kNo,
                         c.nofile_limit);
}

Result<void> close(const Caller& c, int fd) {
    Ref<File> f = TRY(c.fds.get(fd));
    TRY(c.fds.close(fd));
    // POSIX: closing any descriptor of a file drops the process's record locks on it.
    if (f->inode() && c.lock_owner) f->inode()->record_locks().release_owner(c.lock_owner);
    return ostd::ok();
}

}  // namespace kernel::fs::vfs

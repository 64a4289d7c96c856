// Working directory, root, getcwd, statfs, mount and umount.
#include <kernel/abi/fcntl.h>
#include <kernel/fs/permission.h>
#include <kernel/fs/vfs_internal.h>

namespace kernel::fs::vfs {

using ostd::Error;
using ostd::Ref;
using ostd::Result;

namespace {
Result<Path> lookup_dir(const Caller& c, std::string_view path) {
    Path p = TRY(lookup_at(c, abi::at::kFdcwd, path, 0));
    if (!p.inode().is_dir()) return Error(ENOTDIR);
    TRY(check_access(p.inode(), c.creds, kMayExec));
    return p;
}
}  // namespace

Result<void> chdir(const Caller& c, std::string_view path) {
    c.fs.set_cwd(TRY(lookup_dir(c, path)));
    return ostd::ok();
}

Result<void> fchdir(const Caller& c, int fd) {
    Ref<File> f = TRY(c.fds.get(fd));
    if (!f->path()) return Error(ENOTDIR);
    if (!f->path()->inode().is_dir()) return Error(ENOTDIR);
    TRY(check_access(f->path()->inode(), c.creds, kMayExec));
    c.fs.set_cwd(*f->path());
    return ostd::ok();
}

Result<void> chroot(const Caller& c, std::string_view path) {
    Path p = TRY(lookup_dir(c, path));
    if (!c.creds.is_privileged()) return Error(EPERM, "chroot needs privilege");
    c.fs.set_root(std::move(p));
    return ostd::ok();
}

Result<ostd::String> getcwd(const Caller& c) {
    Path root = c.fs.root();
    Path cwd = c.fs.cwd();
    ostd::MutexGuard g(tree_lock());
    return path_string_locked(root, cwd);
}

namespace {
abi::Statfs statfs_of(const Path& p) {
    SuperBlock& sb = p.mnt->super_block();
    abi::Statfs s{};
    s.f_type = int64_t(sb.magic());
    s.f_bsize = kBlockSize;
    s.f_frsize = kBlockSize;
    uint64_t total = sb.max_bytes() ? sb.max_bytes() / kBlockSize : 0;
    uint64_t used = sb.used_bytes() / kBlockSize;
    s.f_blocks = total;
    s.f_bfree = total > used ? total - used : 0;
    s.f_bavail = s.f_bfree;
    s.f_files = sb.inode_count() + 1024 * 1024;
    s.f_ffree = 1024 * 1024;
    s.f_fsid[0] = int32_t(sb.dev());
    s.f_namelen = kNameMax;
    s.f_flags = p.mnt->flags() & 0xf;
    return s;
}
}  // namespace

Result<abi::Statfs> statfs(const Caller& c, std::string_view path) {
    Path p = TRY(lookup_at(c, abi::at::kFdcwd, path, 0));
    return statfs_of(p);
}

Result<abi::Statfs> fstatfs(const Caller& c, int fd) {
    Ref<File> f = TRY(c.fds.get(fd));
    if (!f->path()) return Error(EINVAL, "no file system behind this fd");
    return statfs_of(*f->path());
}

Result<void> mount(const Caller& c, std::string_view source, std::string_view target,
                   std::string_view fstype, uint32_t flags, std::string_view data) {
    if (!c.creds.is_privileged()) return Error(EPERM, "mount needs privilege");
    Path where = TRY(lookup_at(c, abi::at::kFdcwd, target, 0));
    MountNamespace& ns = c.fs.mount_namespace();
    if (flags & mount_flags::kBind) {
        Path src = TRY(lookup_at(c, abi::at::kFdcwd, source, 0));
        if (src.inode().is_dir() != where.inode().is_dir())
            return Error(ENOTDIR, "bind mount of mismatched types");
        Ref<SuperBlock> sb(src.mnt->super_block());
        TRY(ns.attach(std::move(sb), src.dentry, where, flags));
        return ostd::ok();
    }
    const FileSystemType* type = TRY(find_filesystem(fstype));
    if (type->requires_device) return Error(ENOTBLK, "block devices not supported yet");
    Ref<SuperBlock> sb = TRY(type->mount(data));
    Ref<Dentry> root = sb->root();
    TRY(ns.attach(std::move(sb), std::move(root), where, flags));
    return ostd::ok();
}

Result<void> umount(const Caller& c, std::string_view target, uint32_t flags) {
    if (!c.creds.is_privileged()) return Error(EPERM, "umount needs privilege");
    if (flags & ~(mount_flags::kDetach | 1u | 4u | 8u)) return Error(EINVAL, "bad umount2 flags");
    Path p = TRY(lookup_at(c, abi::at::kFdcwd, target, 0));
    MountNamespace& ns = c.fs.mount_namespace();
    return ns.detach(p, flags);
}

}  // namespace kernel::fs::vfs

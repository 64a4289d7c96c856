// Namespace changes: mkdir, mknod, unlink/rmdir, link, symlink, readlink, rename.
#include <kernel/abi/fcntl.h>
#include <kernel/fs/permission.h>
#include <kernel/fs/vfs_internal.h>

namespace kernel::fs::vfs {

using ostd::Error;
using ostd::Ref;
using ostd::RefPtr;
using ostd::Result;
using namespace detail;

Result<void> mkdir_at(const Caller& c, int dirfd, std::string_view path, uint32_t mode) {
    Path start = TRY(start_for(c, dirfd, path));
    Path root = c.fs.root();
    ostd::MutexGuard g(tree_lock());
    ParentWalk pw = TRY(walk_parent_locked(WalkBase{root, start}, path, c.creds));
    if (pw.last.empty() || pw.is_dot) return Error(EEXIST, "mkdir of . or / ");
    uint32_t perm = mode & (0777 | abi::mode::kIsvtx) & ~c.effective_umask();
    TRY(create_locked(c, pw.dir, pw.last,
                      new_inode_spec(c, pw.dir.inode(), FileType::kDirectory, perm)));
    return ostd::ok();
}

Result<void> mknod_at(const Caller& c, int dirfd, std::string_view path, uint32_t mode,
                      uint64_t dev) {
    FileType type = FileType::kRegular;
    if (mode & abi::mode::kIfmt) type = TRY(type_from_mode(mode));
    if (type == FileType::kDirectory) return Error(EPERM, "mknod cannot make directories");
    if (type == FileType::kSymlink) return Error(EINVAL, "mknod cannot make symlinks");
    if ((type == FileType::kCharDevice || type == FileType::kBlockDevice) &&
        !c.creds.is_privileged())
        return Error(EPERM, "device nodes need privilege");
    Path start = TRY(start_for(c, dirfd, path));
    Path root = c.fs.root();
    ostd::MutexGuard g(tree_lock());
    ParentWalk pw = TRY(walk_parent_locked(WalkBase{root, start}, path, c.creds));
    if (pw.last.empty() || pw.is_dot) return Error(EEXIST);
    if (pw.trailing_slash) return Error(ENOENT, "trailing slash on mknod");
    uint32_t perm = mode & 07777 & ~c.effective_umask();
    bool dev_node = type == FileType::kCharDevice || type == FileType::kBlockDevice;
    TRY(create_locked(c, pw.dir, pw.last,
                      new_inode_spec(c, pw.dir.inode(), type, perm, dev_node ? dev : 0)));
    return ostd::ok();
}

Result<void> unlink_at(const Caller& c, int dirfd, std::string_view path, uint32_t flags) {
    if (flags & ~abi::at::kRemovedir) return Error(EINVAL, "bad unlinkat flags");
    bool rmdir = flags & abi::at::kRemovedir;
    Path start = TRY(start_for(c, dirfd, path));
    Path root = c.fs.root();
    RefPtr<Dentry> victim;  // released after the lock: the last reference may free the inode
    ostd::MutexGuard g(tree_lock());
    ParentWalk pw = TRY(walk_parent_locked(WalkBase{root, start}, path, c.creds));
    if (rmdir) {
        if (pw.last.empty()) return Error(EBUSY, "rmdir of the root");
        if (pw.last == ".") return Error(EINVAL, "rmdir of .");
        if (pw.last == "..") return Error(ENOTEMPTY, "rmdir of ..");
    } else if (pw.last.empty() || pw.is_dot) {
        return Error(EISDIR, "unlink of a directory");
    }
    victim = pw.dir.dentry->find_child(pw.last);
    if (!victim) return Error(ENOENT, "no such file or directory");
    Inode& inode = victim->inode();
    TRY(check_delete(pw.dir.inode(), inode, c.creds));
    if (rmdir) {
        if (!inode.is_dir()) return Error(ENOTDIR, "rmdir of a non-directory");
        if (victim->mount_count() || victim.ptr() == pw.dir.mnt->root().ptr())
            return Error(EBUSY, "directory is a mountpoint");
        if (!victim->children().is_empty()) return Error(ENOTEMPTY, "directory not empty");
    } else {
        if (inode.is_dir()) return Error(EISDIR, "unlink of a directory");
        if (pw.trailing_slash) return Error(ENOTDIR, "trailing slash on a non-directory");
        if (victim->mount_count()) return Error(EBUSY, "file is a mountpoint");
    }
    TRY(check_writable_mount(pw.dir));
    pw.dir.dentry->remove_child(*victim);
    if (rmdir) {
        inode.set_nlink(0);
        pw.dir.inode().dec_nlink();
    } else {
        inode.dec_nlink();
    }
    pw.dir.inode().touch(kMtime | kCtime);
    return ostd::ok();
}

Result<void> link_at(const Caller& c, int olddirfd, std::string_view oldpath, int newdirfd,
                     std::string_view newpath, uint32_t flags) {
    if (flags & ~(abi::at::kSymlinkFollow | abi::at::kEmptyPath)) return Error(EINVAL);
    if ((flags & abi::at::kEmptyPath) && !c.creds.is_privileged() && oldpath.empty())
        return Error(ENOENT, "AT_EMPTY_PATH link needs privilege");
    Path old = TRY(lookup_at(c, olddirfd, oldpath, flags & abi::at::kEmptyPath,
                             flags & abi::at::kSymlinkFollow));
    if (old.inode().is_dir()) return Error(EPERM, "hard link to a directory");
    Path start = TRY(start_for(c, newdirfd, newpath));
    Path root = c.fs.root();
    ostd::MutexGuard g(tree_lock());
    ParentWalk pw = TRY(walk_parent_locked(WalkBase{root, start}, newpath, c.creds));
    if (pw.last.empty() || pw.is_dot) return Error(EEXIST);
    if (pw.dir.dentry->find_child(pw.last)) return Error(EEXIST, "link target exists");
    if (pw.trailing_slash) return Error(ENOENT, "trailing slash on link name");
    if (pw.dir.mnt.ptr() != old.mnt.ptr()) return Error(EXDEV, "link across mounts");
    TRY(check_access(pw.dir.inode(), c.creds, kMayWrite | kMayExec));
    TRY(check_writable_mount(pw.dir));
    bool tmpfile = old.inode().is_linkable_tmpfile();
    if (old.dentry->is_dead() && old.inode().meta().nlink == 0 && !tmpfile)
        return Error(ENOENT, "source was removed");
    if (pw.dir.dentry->is_dead()) return Error(ENOENT, "directory was removed");
    Ref<Dentry> d = TRY(Dentry::create(pw.last, pw.dir.dentry, old.dentry->inode_ref()));
    TRY(pw.dir.dentry->add_child(d));
    old.inode().inc_nlink();
    if (tmpfile) old.inode().set_linkable_tmpfile(false);
    pw.dir.inode().touch(kMtime | kCtime);
    return ostd::ok();
}

Result<void> symlink_at(const Caller& c, std::string_view target, int newdirfd,
                        std::string_view linkpath) {
    if (target.empty()) return Error(ENOENT, "empty symlink target");
    if (target.size() >= kPathMax) return Error(ENAMETOOLONG, "symlink target too long");
    Path start = TRY(start_for(c, newdirfd, linkpath));
    Path root = c.fs.root();
    ostd::MutexGuard g(tree_lock());
    ParentWalk pw = TRY(walk_parent_locked(WalkBase{root, start}, linkpath, c.creds));
    if (pw.last.empty() || pw.is_dot) return Error(EEXIST);
    if (pw.trailing_slash && !pw.dir.dentry->find_child(pw.last))
        return Error(ENOENT, "trailing slash on symlink name");
    NewInode spec = new_inode_spec(c, pw.dir.inode(), FileType::kSymlink, 0777);
    TRY(create_locked(c, pw.dir, pw.last, spec, target));
    return ostd::ok();
}

Result<ostd::String> readlink_at(const Caller& c, int dirfd, std::string_view path) {
    Path p = TRY(lookup_at(c, dirfd, path, abi::at::kEmptyPath, false));
    if (p.inode().type() != FileType::kSymlink) return Error(EINVAL, "not a symlink");
    p.inode().touch(kAtime);
    return p.inode().read_link();
}

namespace {

Result<void> check_rename_target(const Dentry& src, const Dentry& dst) {
    bool sdir = src.inode().is_dir(), ddir = dst.inode().is_dir();
    if (sdir && !ddir) return Error(ENOTDIR, "rename of a directory onto a non-directory");
    if (!sdir && ddir) return Error(EISDIR, "rename of a file onto a directory");
    if (ddir && !dst.children().is_empty()) return Error(ENOTEMPTY, "target directory not empty");
    return ostd::ok();
}

}  // namespace

Result<void> rename_at(const Caller& c, int olddirfd, std::string_view oldpath, int newdirfd,
                       std::string_view newpath, uint32_t flags) {
    if (flags & ~(kRenameNoreplace | kRenameExchange | kRenameWhiteout)) return Error(EINVAL);
    if ((flags & kRenameExchange) && (flags & (kRenameNoreplace | kRenameWhiteout)))
        return Error(EINVAL, "RENAME_EXCHANGE with other flags");
    if (flags & kRenameWhiteout) return Error(EINVAL, "RENAME_WHITEOUT not supported");
    bool exchange = flags & kRenameExchange;
    Path ostart = TRY(start_for(c, olddirfd, oldpath));
    Path nstart = TRY(start_for(c, newdirfd, newpath));
    Path root = c.fs.root();
    RefPtr<Dentry> replaced;  // released after the lock
    ostd::MutexGuard g(tree_lock());
    ParentWalk op = TRY(walk_parent_locked(WalkBase{root, ostart}, oldpath, c.creds));
    ParentWalk np = TRY(walk_parent_locked(WalkBase{root, nstart}, newpath, c.creds));
    if (op.last.empty() || op.is_dot) return Error(EBUSY, "rename of . or .. or /");
    if (np.last.empty() || np.is_dot)
        return Error((flags & kRenameNoreplace) ? EEXIST : EBUSY, "rename onto . or .. or /");
    RefPtr<Dentry> src = op.dir.dentry->find_child(op.last);
    if (!src) return Error(ENOENT, "rename source missing");
    if (op.dir.mnt.ptr() != np.dir.mnt.ptr()) return Error(EXDEV, "rename across mounts");
    RefPtr<Dentry> dst = np.dir.dentry->find_child(np.last);
    if (exchange && !dst) return Error(ENOENT, "RENAME_EXCHANGE target missing");
    if ((flags & kRenameNoreplace) && dst) return Error(EEXIST, "RENAME_NOREPLACE target exists");
    bool sdir = src->inode().is_dir();
    if (!sdir && (op.trailing_slash || (np.trailing_slash && !exchange)))
        return Error(ENOTDIR, "trailing slash on a non-directory");
    if (dst && dst.ptr() == src.ptr()) return ostd::ok();
    TRY(check_delete(op.dir.inode(), src->inode(), c.creds));
    if (dst)
        TRY(check_delete(np.dir.inode(), dst->inode(), c.creds));
    else
        TRY(check_access(np.dir.inode(), c.creds, kMayWrite | kMayExec));
    // A directory cannot move below itself, nor (exchange) the other one below it.
    if (sdir && np.dir.dentry->is_descendant_of(*src)) return Error(EINVAL, "rename into itself");
    if (exchange && dst->inode().is_dir() && op.dir.dentry->is_descendant_of(*dst))
        return Error(EINVAL, "exchange into itself");
    if (dst && !exchange) {
        if (op.dir.dentry->is_descendant_of(*dst)) return Error(ENOTEMPTY, "target is an ancestor");
        TRY(check_rename_target(*src, *dst));
    }
    if (src->mount_count() || (dst && dst->mount_count())) return Error(EBUSY, "mountpoint");
    if (dst && &dst->inode() == &src->inode()) return ostd::ok();  // hard links to one file
    TRY(check_writable_mount(op.dir));
    // Allocate everything first so no step below can fail halfway.
    ostd::String new_name = TRY(ostd::String::from(np.last));
    ostd::String old_name = TRY(ostd::String::from(op.last));
    TRY(np.dir.dentry->reserve_children(1));
    TRY(op.dir.dentry->reserve_children(1));
    Dentry& odir = *op.dir.dentry;
    Dentry& ndir = *np.dir.dentry;
    if (exchange) {
        bool ddir = dst->inode().is_dir();
        MUST(src->move_to(ndir, std::move(new_name)));
        MUST(dst->move_to(odir, std::move(old_name)));
        if (&odir != &ndir && sdir != ddir) {
            if (sdir) {
                odir.inode().dec_nlink();
                ndir.inode().inc_nlink();
            } else {
                ndir.inode().dec_nlink();
                odir.inode().inc_nlink();
            }
        }
        dst->inode().touch(kCtime);
    } else {
        if (dst) {
            replaced = dst;
            ndir.remove_child(*dst);
            if (dst->inode().is_dir()) {
                dst->inode().set_nlink(0);
                ndir.inode().dec_nlink();
            } else {
                dst->inode().dec_nlink();
            }
        }
        MUST(src->move_to(ndir, std::move(new_name)));
        if (sdir && &odir != &ndir) {
            odir.inode().dec_nlink();
            ndir.inode().inc_nlink();
        }
    }
    src->inode().touch(kCtime);
    odir.inode().touch(kMtime | kCtime);
    ndir.inode().touch(kMtime | kCtime);
    return ostd::ok();
}

}  // namespace kernel::fs::vfs

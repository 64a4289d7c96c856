// Helpers shared by the vfs_*.cpp files: the start directory for a dirfd, descriptor lookup,
// new-inode attributes (umask, setgid directories) and read-only mount checks.
#pragma once

#include <kernel/fs/namei.h>
#include <kernel/fs/vfs.h>

namespace kernel::fs::vfs::detail {

/// The directory relative paths start from: cwd for AT_FDCWD, else dirfd's path (EBADF,
/// ENOTDIR). Absolute paths ignore dirfd, as Linux does.
ostd::Result<Path> start_for(const Caller& c, int dirfd, std::string_view path);
/// EROFS if `p`'s mount is read-only.
ostd::Result<void> check_writable_mount(const Path& p);
/// Owner, group and permission bits for a new inode in `dir` (umask already applied by caller).
NewInode new_inode_spec(const Caller& c, const Inode& dir, FileType type, uint32_t perm,
                        uint64_t rdev = 0);
/// Creates and links a new inode named `name` in `dir`. Requires tree_lock(); checks write
/// permission on dir. EEXIST, EROFS, EACCES, ENOSPC, ENOMEM.
ostd::Result<Path> create_locked(const Caller& c, const Path& dir, std::string_view name,
                                 const NewInode& spec, std::string_view link_target = {});

}  // namespace kernel::fs::vfs::detail

// Permission checks on inodes: the owner/group/other mode bits against the caller's fs ids and
// groups, root's override rules, sticky directories and who may change ownership or mode.
// See man 7 path_resolution ("Permission checking").
#pragma once

#include <kernel/fs/inode.h>
#include <kernel/process/credentials.h>

namespace kernel::fs {

inline constexpr int kMayExec = 1;
inline constexpr int kMayWrite = 2;
inline constexpr int kMayRead = 4;

/// EACCES unless `creds` may access `inode` for every bit of `mask` (kMay*). Root (fsuid 0) may
/// read and write anything and execute anything with at least one x bit or a directory.
ostd::Result<void> check_access(const Inode& inode, const Credentials& creds, int mask);
/// Whether `creds` owns `inode` or is privileged (the test for chmod, utimes with a time, ...).
bool is_owner_or_root(const Inode& inode, const Credentials& creds);
/// Deleting or renaming `victim` out of `dir`: write+search on dir, and in a sticky directory
/// only the owner of victim or dir (or root). EACCES / EPERM.
ostd::Result<void> check_delete(const Inode& dir, const Inode& victim, const Credentials& creds);

}  // namespace kernel::fs

// tmpfs/ramfs: the in-memory file system. File data lives in kernel-heap pages (holes stay
// unallocated, so sparse files are cheap), symlink text and user.* xattrs in the inode; the
// namespace is the dentry tree. A size limit turns into ENOSPC.
#pragma once

#include <string_view>

#include <kernel/fs/superblock.h>

namespace kernel::fs::tmpfs {

inline constexpr uint64_t kTmpfsMagic = 0x01021994;
inline constexpr uint64_t kRamfsMagic = 0x858458f6;

/// A new tmpfs superblock with a root directory of `root_perm`. `max_bytes` 0: no limit.
/// ENOMEM.
ostd::Result<ostd::Ref<SuperBlock>> create(uint64_t max_bytes, uint32_t root_perm = 01777,
                                           std::string_view type_name = "tmpfs");

/// Parses mount data ("size=64m,mode=755"): EINVAL on unknown or malformed options.
ostd::Result<ostd::Ref<SuperBlock>> mount(std::string_view data);

extern const FileSystemType kTmpfsType;
extern const FileSystemType kRamfsType;

}  // namespace kernel::fs::tmpfs

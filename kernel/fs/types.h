// Shared VFS vocabulary: file types, limits (NAME_MAX, PATH_MAX, MAXSYMLINKS), the clock used for
// timestamps, and the namespace lock that orders every dentry-tree and mount-table change.
// Lock order: tree_lock() -> Inode metadata/data locks -> FdTable lock -> WaitQueue/PollHub locks.
#pragma once

#include <cstdint>

#include <kernel/abi/stat.h>
#include <kernel/abi/time.h>
#include <ostd/sync/mutex.h>

namespace kernel::fs {

inline constexpr size_t kNameMax = 255;   // NAME_MAX: longest path component
inline constexpr size_t kPathMax = 4096;  // PATH_MAX: paths of this length or more fail
inline constexpr int kMaxSymlinks = 40;   // MAXSYMLINKS: the 41st link gives ELOOP
inline constexpr uint32_t kBlockSize = 4096;

enum class FileType : uint8_t {
    kRegular,
    kDirectory,
    kSymlink,
    kCharDevice,
    kBlockDevice,
    kFifo,
    kSocket,
};

/// The S_IF* bits of `type`.
uint32_t type_bits(FileType type);
/// The type named by the S_IF* bits of `mode`; EINVAL for an unknown or missing type.
ostd::Result<FileType> type_from_mode(uint32_t mode);
/// The DT_* value getdents64 reports for `type`.
uint8_t dirent_type(FileType type);

/// Timestamp for inode times: CLOCK_REALTIME (kernel/time/clock.h) as a timespec.
abi::Timespec current_time();

/// Device numbers as Linux packs them in dev_t (new_encode_dev).
constexpr uint64_t make_dev(uint32_t major, uint32_t minor) {
    return (uint64_t(minor) & 0xff) | (uint64_t(major) << 8) | ((uint64_t(minor) & ~0xffull) << 12);
}
constexpr uint32_t dev_major(uint64_t dev) {
    return uint32_t((dev >> 8) & 0xfff);
}
constexpr uint32_t dev_minor(uint64_t dev) {
    return uint32_t((dev & 0xff) | ((dev >> 12) & 0xfff00));
}

/// The one lock guarding every dentry tree (children lists, names, parents) and every mount
/// table. Path walks hold it for their whole walk; it is a sleeping lock, never held across a
/// wait for I/O or a user copy.
ostd::Mutex& tree_lock();

}  // namespace kernel::fs

// Linux x86-64 file-status ABI: struct stat (fstat/newfstatat), struct statx, struct statfs,
// file type and permission bits, STATX_* masks.
#pragma once

#include <cstdint>

#include <kernel/abi/time.h>

namespace kernel::abi {

namespace mode {
inline constexpr uint32_t kIfmt = 0170000;
inline constexpr uint32_t kIfsock = 0140000;
inline constexpr uint32_t kIflnk = 0120000;
inline constexpr uint32_t kIfreg = 0100000;
inline constexpr uint32_t kIfblk = 0060000;
inline constexpr uint32_t kIfdir = 0040000;
inline constexpr uint32_t kIfchr = 0020000;
inline constexpr uint32_t kIfifo = 0010000;
inline constexpr uint32_t kIsuid = 04000;
inline constexpr uint32_t kIsgid = 02000;
inline constexpr uint32_t kIsvtx = 01000;
inline constexpr uint32_t kPermMask = 07777;
}  // namespace mode

/// struct stat as the x86-64 kernel writes it (asm/stat.h). Time fields are named like glibc's
/// st_atim so that host macros for st_atime cannot interfere.
struct Stat {
    uint64_t st_dev;
    uint64_t st_ino;
    uint64_t st_nlink;  // 64-bit and before st_mode on x86-64 (unlike most ABIs)
    uint32_t st_mode;
    uint32_t st_uid;
    uint32_t st_gid;
    uint32_t pad0;
    uint64_t st_rdev;
    int64_t st_size;
    int64_t st_blksize;
    int64_t st_blocks;
    Timespec st_atim;
    Timespec st_mtim;
    Timespec st_ctim;
    int64_t unused[3];
};
static_assert(sizeof(Stat) == 144);
static_assert(__builtin_offsetof(Stat, st_nlink) == 16);
static_assert(__builtin_offsetof(Stat, st_mode) == 24);
static_assert(__builtin_offsetof(Stat, st_rdev) == 40);
static_assert(__builtin_offsetof(Stat, st_size) == 48);
static_assert(__builtin_offsetof(Stat, st_atim) == 72);
static_assert(__builtin_offsetof(Stat, st_ctim) == 104);

namespace statx_mask {
inline constexpr uint32_t kType = 0x0001;
inline constexpr uint32_t kMode = 0x0002;
inline constexpr uint32_t kNlink = 0x0004;
inline constexpr uint32_t kUid = 0x0008;
inline constexpr uint32_t kGid = 0x0010;
inline constexpr uint32_t kAtime = 0x0020;
inline constexpr uint32_t kMtime = 0x0040;
inline constexpr uint32_t kCtime = 0x0080;
inline constexpr uint32_t kIno = 0x0100;
inline constexpr uint32_t kSize = 0x0200;
inline constexpr uint32_t kBlocks = 0x0400;
inline constexpr uint32_t kBasicStats = 0x07ff;
inline constexpr uint32_t kBtime = 0x0800;
inline constexpr uint32_t kMntId = 0x1000;
inline constexpr uint32_t kDioalign = 0x2000;
}  // namespace statx_mask

struct StatxTimestamp {
    int64_t tv_sec;
    uint32_t tv_nsec;
    int32_t reserved;
};
static_assert(sizeof(StatxTimestamp) == 16);

/// struct statx (statx(2)): 256 bytes, fields beyond the requested mask may be zero.
struct Statx {
    uint32_t stx_mask;
    uint32_t stx_blksize;
    uint64_t stx_attributes;
    uint32_t stx_nlink;
    uint32_t stx_uid;
    uint32_t stx_gid;
    uint16_t stx_mode;
    uint16_t spare0;
    uint64_t stx_ino;
    uint64_t stx_size;
    uint64_t stx_blocks;
    uint64_t stx_attributes_mask;
    StatxTimestamp stx_atime;
    StatxTimestamp stx_btime;
    StatxTimestamp stx_ctime;
    StatxTimestamp stx_mtime;
    uint32_t stx_rdev_major;
    uint32_t stx_rdev_minor;
    uint32_t stx_dev_major;
    uint32_t stx_dev_minor;
    uint64_t stx_mnt_id;
    uint32_t stx_dio_mem_align;
    uint32_t stx_dio_offset_align;
    uint64_t spare3[12];
};
static_assert(sizeof(Statx) == 256);
static_assert(__builtin_offsetof(Statx, stx_mode) == 28);
static_assert(__builtin_offsetof(Statx, stx_ino) == 32);
static_assert(__builtin_offsetof(Statx, stx_atime) == 64);
static_assert(__builtin_offsetof(Statx, stx_mtime) == 112);
static_assert(__builtin_offsetof(Statx, stx_rdev_major) == 128);
static_assert(__builtin_offsetof(Statx, stx_mnt_id) == 144);

/// struct statfs (statfs(2), fstatfs(2)) on x86-64.
struct Statfs {
    int64_t f_type;
    int64_t f_bsize;
    uint64_t f_blocks;
    uint64_t f_bfree;
    uint64_t f_bavail;
    uint64_t f_files;
    uint64_t f_ffree;
    int32_t f_fsid[2];
    int64_t f_namelen;
    int64_t f_frsize;
    int64_t f_flags;
    int64_t f_spare[4];
};
static_assert(sizeof(Statfs) == 120);
static_assert(__builtin_offsetof(Statfs, f_fsid) == 56);
static_assert(__builtin_offsetof(Statfs, f_namelen) == 64);
static_assert(__builtin_offsetof(Statfs, f_flags) == 80);

}  // namespace kernel::abi

// Linux x86-64 file-open ABI: O_* open flags, AT_* flags, fcntl commands, lseek whence,
// access modes and struct flock. Constants, not macros, so host headers cannot clash.
#pragma once

#include <cstdint>

namespace kernel::abi {

namespace open {
inline constexpr uint32_t kAccmode = 03;
inline constexpr uint32_t kRdonly = 00;
inline constexpr uint32_t kWronly = 01;
inline constexpr uint32_t kRdwr = 02;
inline constexpr uint32_t kCreat = 0100;
inline constexpr uint32_t kExcl = 0200;
inline constexpr uint32_t kNoctty = 0400;
inline constexpr uint32_t kTrunc = 01000;
inline constexpr uint32_t kAppend = 02000;
inline constexpr uint32_t kNonblock = 04000;
inline constexpr uint32_t kDsync = 010000;
inline constexpr uint32_t kAsync = 020000;  // FASYNC
inline constexpr uint32_t kDirect = 040000;
inline constexpr uint32_t kLargefile = 0100000;
inline constexpr uint32_t kDirectory = 0200000;
inline constexpr uint32_t kNofollow = 0400000;
inline constexpr uint32_t kNoatime = 01000000;
inline constexpr uint32_t kCloexec = 02000000;
inline constexpr uint32_t kSyncBit = 04000000;        // __O_SYNC
inline constexpr uint32_t kSync = kSyncBit | kDsync;  // O_SYNC
inline constexpr uint32_t kPath = 010000000;
inline constexpr uint32_t kTmpfileBit = 020000000;              // __O_TMPFILE
inline constexpr uint32_t kTmpfile = kTmpfileBit | kDirectory;  // O_TMPFILE
}  // namespace open

namespace at {
inline constexpr int kFdcwd = -100;
inline constexpr uint32_t kSymlinkNofollow = 0x100;
inline constexpr uint32_t kRemovedir = 0x200;  // unlinkat
inline constexpr uint32_t kEaccess = 0x200;    // faccessat
inline constexpr uint32_t kSymlinkFollow = 0x400;
inline constexpr uint32_t kNoAutomount = 0x800;
inline constexpr uint32_t kEmptyPath = 0x1000;
inline constexpr uint32_t kStatxForceSync = 0x2000;
inline constexpr uint32_t kStatxDontSync = 0x4000;
inline constexpr uint32_t kRecursive = 0x8000;
}  // namespace at

namespace fcntl {
inline constexpr int kDupfd = 0;
inline constexpr int kGetfd = 1;
inline constexpr int kSetfd = 2;
inline constexpr int kGetfl = 3;
inline constexpr int kSetfl = 4;
inline constexpr int kGetlk = 5;
inline constexpr int kSetlk = 6;
inline constexpr int kSetlkw = 7;
inline constexpr int kSetown = 8;
inline constexpr int kGetown = 9;
inline constexpr int kSetsig = 10;
inline constexpr int kGetsig = 11;
inline constexpr int kSetownEx = 15;
inline constexpr int kGetownEx = 16;
inline constexpr int kOfdGetlk = 36;
inline constexpr int kOfdSetlk = 37;
inline constexpr int kOfdSetlkw = 38;
inline constexpr int kSetlease = 1024;
inline constexpr int kGetlease = 1025;
inline constexpr int kNotify = 1026;
inline constexpr int kDupfdCloexec = 1030;
inline constexpr int kSetpipeSz = 1031;
inline constexpr int kGetpipeSz = 1032;
inline constexpr int kAddSeals = 1033;
inline constexpr int kGetSeals = 1034;
inline constexpr int kFdCloexec = 1;  // FD_CLOEXEC
inline constexpr int16_t kRdlck = 0;
inline constexpr int16_t kWrlck = 1;
inline constexpr int16_t kUnlck = 2;
}  // namespace fcntl

namespace seek {
inline constexpr int kSet = 0;
inline constexpr int kCur = 1;
inline constexpr int kEnd = 2;
inline constexpr int kData = 3;
inline constexpr int kHole = 4;
}  // namespace seek

namespace access {
inline constexpr int kFok = 0;
inline constexpr int kXok = 1;
inline constexpr int kWok = 2;
inline constexpr int kRok = 4;
}  // namespace access

/// struct flock (fcntl F_GETLK/F_SETLK), 64-bit off_t on x86-64.
struct Flock {
    int16_t l_type;
    int16_t l_whence;
    int64_t l_start;
    int64_t l_len;
    int32_t l_pid;
};
static_assert(sizeof(Flock) == 32);
static_assert(__builtin_offsetof(Flock, l_start) == 8);
static_assert(__builtin_offsetof(Flock, l_pid) == 24);

}  // namespace kernel::abi

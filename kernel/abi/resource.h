// Linux x86-64 resource and system-information ABI: rlimit, rusage, sysinfo, utsname and the
// RLIMIT_* / RUSAGE_* selectors.
#pragma once

#include <cstdint>

#include <kernel/abi/time.h>

namespace kernel::abi {

namespace rlimit {
inline constexpr int kCpu = 0;
inline constexpr int kFsize = 1;
inline constexpr int kData = 2;
inline constexpr int kStack = 3;
inline constexpr int kCore = 4;
inline constexpr int kRss = 5;
inline constexpr int kNproc = 6;
inline constexpr int kNofile = 7;
inline constexpr int kMemlock = 8;
inline constexpr int kAs = 9;
inline constexpr int kLocks = 10;
inline constexpr int kSigpending = 11;
inline constexpr int kMsgqueue = 12;
inline constexpr int kNice = 13;
inline constexpr int kRtprio = 14;
inline constexpr int kRttime = 15;
inline constexpr int kNlimits = 16;
inline constexpr uint64_t kInfinity = ~uint64_t{0};
}  // namespace rlimit

struct Rlimit {
    uint64_t rlim_cur;
    uint64_t rlim_max;
};
static_assert(sizeof(Rlimit) == 16);

namespace rusage {
inline constexpr int kSelf = 0;
inline constexpr int kChildren = -1;
inline constexpr int kThread = 1;
}  // namespace rusage

struct Rusage {
    Timeval ru_utime;
    Timeval ru_stime;
    int64_t ru_maxrss;
    int64_t ru_ixrss;
    int64_t ru_idrss;
    int64_t ru_isrss;
    int64_t ru_minflt;
    int64_t ru_majflt;
    int64_t ru_nswap;
    int64_t ru_inblock;
    int64_t ru_oublock;
    int64_t ru_msgsnd;
    int64_t ru_msgrcv;
    int64_t ru_nsignals;
    int64_t ru_nvcsw;
    int64_t ru_nivcsw;
};
static_assert(sizeof(Rusage) == 144);
static_assert(__builtin_offsetof(Rusage, ru_maxrss) == 32);
static_assert(__builtin_offsetof(Rusage, ru_nivcsw) == 136);

/// struct sysinfo (sysinfo(2)).
struct Sysinfo {
    int64_t uptime;
    uint64_t loads[3];  // 1, 5, 15 minute load averages, fixed point << 16
    uint64_t totalram;
    uint64_t freeram;
    uint64_t sharedram;
    uint64_t bufferram;
    uint64_t totalswap;
    uint64_t freeswap;
    uint16_t procs;
    uint16_t pad;
    uint64_t totalhigh;
    uint64_t freehigh;
    uint32_t mem_unit;
};
static_assert(sizeof(Sysinfo) == 112);
static_assert(__builtin_offsetof(Sysinfo, procs) == 80);
static_assert(__builtin_offsetof(Sysinfo, totalhigh) == 88);
static_assert(__builtin_offsetof(Sysinfo, mem_unit) == 104);

inline constexpr int kUtsLen = 65;

/// struct new_utsname (uname(2)): six NUL-terminated fields of 65 bytes.
struct Utsname {
    char sysname[kUtsLen];
    char nodename[kUtsLen];
    char release[kUtsLen];
    char version[kUtsLen];
    char machine[kUtsLen];
    char domainname[kUtsLen];
};
static_assert(sizeof(Utsname) == 390);

}  // namespace kernel::abi

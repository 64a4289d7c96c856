// Linux x86-64 process-creation ABI: CLONE_* flags, struct clone_args (clone3), wait options
// and waitid id types.
#pragma once

#include <cstdint>

namespace kernel::abi {

namespace clone {
inline constexpr uint64_t kCsignal = 0x000000ff;  // exit-signal mask (clone() only)
inline constexpr uint64_t kNewtime = 0x00000080;  // clone3/unshare only: shares CSIGNAL bits
inline constexpr uint64_t kVm = 0x00000100;
inline constexpr uint64_t kFs = 0x00000200;
inline constexpr uint64_t kFiles = 0x00000400;
inline constexpr uint64_t kSighand = 0x00000800;
inline constexpr uint64_t kPidfd = 0x00001000;
inline constexpr uint64_t kPtrace = 0x00002000;
inline constexpr uint64_t kVfork = 0x00004000;
inline constexpr uint64_t kParent = 0x00008000;
inline constexpr uint64_t kThread = 0x00010000;
inline constexpr uint64_t kNewns = 0x00020000;
inline constexpr uint64_t kSysvsem = 0x00040000;
inline constexpr uint64_t kSettls = 0x00080000;
inline constexpr uint64_t kParentSettid = 0x00100000;
inline constexpr uint64_t kChildCleartid = 0x00200000;
inline constexpr uint64_t kDetached = 0x00400000;
inline constexpr uint64_t kUntraced = 0x00800000;
inline constexpr uint64_t kChildSettid = 0x01000000;
inline constexpr uint64_t kNewcgroup = 0x02000000;
inline constexpr uint64_t kNewuts = 0x04000000;
inline constexpr uint64_t kNewipc = 0x08000000;
inline constexpr uint64_t kNewuser = 0x10000000;
inline constexpr uint64_t kNewpid = 0x20000000;
inline constexpr uint64_t kNewnet = 0x40000000;
inline constexpr uint64_t kIo = 0x80000000;
inline constexpr uint64_t kClearSighand = 0x100000000ULL;  // clone3 only
inline constexpr uint64_t kIntoCgroup = 0x200000000ULL;    // clone3 only
}  // namespace clone

/// struct clone_args for clone3(2); the size argument selects a version (64, 80 or 88 bytes).
struct CloneArgs {
    uint64_t flags;
    uint64_t pidfd;       // user pointer to int
    uint64_t child_tid;   // user pointer to pid_t
    uint64_t parent_tid;  // user pointer to pid_t
    uint64_t exit_signal;
    uint64_t stack;  // lowest address of the stack
    uint64_t stack_size;
    uint64_t tls;
    uint64_t set_tid;  // user pointer to pid_t array (version 1)
    uint64_t set_tid_size;
    uint64_t cgroup;  // version 2
};
inline constexpr uint64_t kCloneArgsSizeVer0 = 64;
inline constexpr uint64_t kCloneArgsSizeVer1 = 80;
inline constexpr uint64_t kCloneArgsSizeVer2 = 88;
static_assert(sizeof(CloneArgs) == kCloneArgsSizeVer2);
static_assert(__builtin_offsetof(CloneArgs, exit_signal) == 32);
static_assert(__builtin_offsetof(CloneArgs, tls) == 56);
static_assert(__builtin_offsetof(CloneArgs, set_tid) == kCloneArgsSizeVer0);
static_assert(__builtin_offsetof(CloneArgs, cgroup) == kCloneArgsSizeVer1);

namespace wait {
inline constexpr uint32_t kNohang = 0x00000001;
inline constexpr uint32_t kUntraced = 0x00000002;  // == WSTOPPED for waitid
inline constexpr uint32_t kStopped = 0x00000002;
inline constexpr uint32_t kExited = 0x00000004;
inline constexpr uint32_t kContinued = 0x00000008;
inline constexpr uint32_t kNowait = 0x01000000;
inline constexpr uint32_t kNothread = 0x20000000;  // __WNOTHREAD
inline constexpr uint32_t kAll = 0x40000000;       // __WALL
inline constexpr uint32_t kClone = 0x80000000;     // __WCLONE
}  // namespace wait

/// waitid(2) idtype_t.
namespace idtype {
inline constexpr int kAll = 0;
inline constexpr int kPid = 1;
inline constexpr int kPgid = 2;
inline constexpr int kPidfd = 3;
}  // namespace idtype

}  // namespace kernel::abi

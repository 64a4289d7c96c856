// Linux x86-64 signal ABI: signal numbers, SA_* flags, the kernel's struct sigaction (as
// rt_sigaction sees it), siginfo_t, stack_t and sigprocmask's "how" values.
#pragma once

#include <cstdint>

namespace kernel::abi {

namespace sig {
inline constexpr int kHup = 1;
inline constexpr int kInt = 2;
inline constexpr int kQuit = 3;
inline constexpr int kIll = 4;
inline constexpr int kTrap = 5;
inline constexpr int kAbrt = 6;
inline constexpr int kBus = 7;
inline constexpr int kFpe = 8;
inline constexpr int kKill = 9;
inline constexpr int kUsr1 = 10;
inline constexpr int kSegv = 11;
inline constexpr int kUsr2 = 12;
inline constexpr int kPipe = 13;
inline constexpr int kAlrm = 14;
inline constexpr int kTerm = 15;
inline constexpr int kStkflt = 16;
inline constexpr int kChld = 17;
inline constexpr int kCont = 18;
inline constexpr int kStop = 19;
inline constexpr int kTstp = 20;
inline constexpr int kTtin = 21;
inline constexpr int kTtou = 22;
inline constexpr int kUrg = 23;
inline constexpr int kXcpu = 24;
inline constexpr int kXfsz = 25;
inline constexpr int kVtalrm = 26;
inline constexpr int kProf = 27;
inline constexpr int kWinch = 28;
inline constexpr int kIo = 29;
inline constexpr int kPwr = 30;
inline constexpr int kSys = 31;
inline constexpr int kRtmin = 32;  // the kernel's SIGRTMIN (glibc reserves a few above it)
inline constexpr int kRtmax = 64;
inline constexpr int kNsig = 64;  // _NSIG: signals are 1..64
/// sigprocmask how.
inline constexpr int kBlock = 0;
inline constexpr int kUnblock = 1;
inline constexpr int kSetmask = 2;
/// Special handler values.
inline constexpr uint64_t kDfl = 0;
inline constexpr uint64_t kIgn = 1;
}  // namespace sig

namespace sa {
inline constexpr uint64_t kNocldstop = 0x00000001;
inline constexpr uint64_t kNocldwait = 0x00000002;
inline constexpr uint64_t kSiginfo = 0x00000004;
inline constexpr uint64_t kUnsupported = 0x00000400;
inline constexpr uint64_t kExposeTagbits = 0x00000800;
inline constexpr uint64_t kRestorer = 0x04000000;
inline constexpr uint64_t kOnstack = 0x08000000;
inline constexpr uint64_t kRestart = 0x10000000;
inline constexpr uint64_t kNodefer = 0x40000000;
inline constexpr uint64_t kResethand = 0x80000000;
}  // namespace sa

/// Kernel sigset_t on x86-64: one bit per signal, bit (sig - 1). rt_sigprocmask's size is 8.
using SigSet = uint64_t;
inline constexpr uint64_t kSigSetSize = sizeof(SigSet);

/// The kernel's struct sigaction as read/written by rt_sigaction(2) (not glibc's layout).
struct KernelSigaction {
    uint64_t handler;   // user address, or sig::kDfl / sig::kIgn
    uint64_t flags;     // sa::*
    uint64_t restorer;  // user address of the sigreturn trampoline (SA_RESTORER)
    SigSet mask;
};
static_assert(sizeof(KernelSigaction) == 32);
static_assert(__builtin_offsetof(KernelSigaction, flags) == 8);
static_assert(__builtin_offsetof(KernelSigaction, restorer) == 16);
static_assert(__builtin_offsetof(KernelSigaction, mask) == 24);

/// si_code values.
namespace si {
inline constexpr int kUser = 0;
inline constexpr int kKernel = 0x80;
inline constexpr int kQueue = -1;
inline constexpr int kTimer = -2;
inline constexpr int kMesgq = -3;
inline constexpr int kAsyncio = -4;
inline constexpr int kSigio = -5;
inline constexpr int kTkill = -6;
inline constexpr int kCldExited = 1;
inline constexpr int kCldKilled = 2;
inline constexpr int kCldDumped = 3;
inline constexpr int kCldTrapped = 4;
inline constexpr int kCldStopped = 5;
inline constexpr int kCldContinued = 6;
inline constexpr int kSegvMaperr = 1;
inline constexpr int kSegvAccerr = 2;
inline constexpr int kBusAdraln = 1;
inline constexpr int kBusAdrerr = 2;
inline constexpr int kIllIllopc = 1;
inline constexpr int kFpeIntdiv = 1;
inline constexpr int kTrapBrkpt = 1;
inline constexpr int kTrapTrace = 2;
}  // namespace si

/// siginfo_t: 128 bytes; a 16-byte header then a union selected by signal and si_code.
struct SigInfo {
    int32_t si_signo;
    int32_t si_errno;
    int32_t si_code;
    int32_t pad0;
    union {
        struct {  // kill, tkill, sigqueue (SI_USER, SI_TKILL, SI_QUEUE)
            int32_t pid;
            uint32_t uid;
            uint64_t value;  // sigval, for SI_QUEUE
        } kill;
        struct {  // POSIX timers
            int32_t tid;
            int32_t overrun;
            uint64_t value;
        } timer;
        struct {  // SIGCHLD
            int32_t pid;
            uint32_t uid;
            int32_t status;
            int32_t pad;
            int64_t utime;
            int64_t stime;
        } child;
        struct {  // SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP
            uint64_t addr;
            int16_t addr_lsb;
        } fault;
        struct {  // SIGIO / SIGPOLL
            int64_t band;
            int32_t fd;
        } poll;
        struct {  // SIGSYS from seccomp
            uint64_t call_addr;
            int32_t syscall;
            uint32_t arch;
        } sys;
        uint8_t pad[112];
    } fields;
};
static_assert(sizeof(SigInfo) == 128);
static_assert(__builtin_offsetof(SigInfo, si_code) == 8);
static_assert(__builtin_offsetof(SigInfo, fields) == 16);
static_assert(__builtin_offsetof(SigInfo, fields.child.status) == 24);
static_assert(__builtin_offsetof(SigInfo, fields.child.utime) == 32);
static_assert(__builtin_offsetof(SigInfo, fields.child.stime) == 40);
static_assert(__builtin_offsetof(SigInfo, fields.kill.value) == 24);
static_assert(__builtin_offsetof(SigInfo, fields.sys.syscall) == 24);

namespace ss {
inline constexpr int kOnstack = 1;
inline constexpr int kDisable = 2;
inline constexpr uint32_t kAutodisarm = 1u << 31;
inline constexpr uint64_t kMinsigstksz = 2048;
inline constexpr uint64_t kSigstksz = 8192;
}  // namespace ss

/// stack_t for sigaltstack(2).
struct StackT {
    uint64_t ss_sp;  // user address
    int32_t ss_flags;
    int32_t pad;
    uint64_t ss_size;
};
static_assert(sizeof(StackT) == 24);
static_assert(__builtin_offsetof(StackT, ss_size) == 16);

}  // namespace kernel::abi

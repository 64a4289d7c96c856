// Flag-family decoders for the tracer. Tables are ordered so multi-bit names (O_SYNC, O_TMPFILE)
// are tried before the single bits they contain.
#include <kernel/syscall/decode.h>

#include <kernel/abi/fcntl.h>
#include <kernel/abi/futex.h>
#include <kernel/abi/mman.h>
#include <kernel/abi/sched.h>
#include <kernel/abi/signal.h>
#include <kernel/abi/time.h>
#include <kernel/abi/tty.h>

namespace kernel::syscall {
namespace {

namespace abi = kernel::abi;

struct Named {
    uint64_t value;
    const char* name;
};

template <size_t N>
void decode_bits(TraceWriter& out, uint64_t value, const Named (&table)[N], bool first = true) {
    for (const auto& entry : table) {
        if (entry.value != 0 && (value & entry.value) == entry.value) {
            if (!first) out.put('|');
            out.puts(entry.name);
            value &= ~entry.value;
            first = false;
        }
    }
    if (value != 0 || first) {
        if (!first) out.put('|');
        out.printf("%#lx", static_cast<unsigned long>(value));
    }
}

template <size_t N>
const char* lookup(int64_t value, const Named (&table)[N]) {
    for (const auto& entry : table)
        if (static_cast<int64_t>(entry.value) == value) return entry.name;
    return nullptr;
}

template <size_t N>
void decode_enum(TraceWriter& out, int64_t value, const Named (&table)[N]) {
    if (const char* name = lookup(value, table))
        out.puts(name);
    else
        out.printf("%ld", static_cast<long>(value));
}

constexpr Named kOpenFlags[] = {
    {abi::open::kTmpfile, "O_TMPFILE"},     {abi::open::kSync, "O_SYNC"},
    {abi::open::kCreat, "O_CREAT"},         {abi::open::kExcl, "O_EXCL"},
    {abi::open::kNoctty, "O_NOCTTY"},       {abi::open::kTrunc, "O_TRUNC"},
    {abi::open::kAppend, "O_APPEND"},       {abi::open::kNonblock, "O_NONBLOCK"},
    {abi::open::kDsync, "O_DSYNC"},         {abi::open::kAsync, "O_ASYNC"},
    {abi::open::kDirect, "O_DIRECT"},       {abi::open::kLargefile, "O_LARGEFILE"},
    {abi::open::kDirectory, "O_DIRECTORY"}, {abi::open::kNofollow, "O_NOFOLLOW"},
    {abi::open::kNoatime, "O_NOATIME"},     {abi::open::kCloexec, "O_CLOEXEC"},
    {abi::open::kPath, "O_PATH"},
};

constexpr Named kProt[] = {
    {abi::prot::kRead, "PROT_READ"},           {abi::prot::kWrite, "PROT_WRITE"},
    {abi::prot::kExec, "PROT_EXEC"},           {abi::prot::kSem, "PROT_SEM"},
    {abi::prot::kGrowsdown, "PROT_GROWSDOWN"}, {abi::prot::kGrowsup, "PROT_GROWSUP"},
};

constexpr Named kMapType[] = {
    {abi::map::kShared, "MAP_SHARED"},
    {abi::map::kPrivate, "MAP_PRIVATE"},
    {abi::map::kSharedValidate, "MAP_SHARED_VALIDATE"},
};

constexpr Named kMapFlags[] = {
    {abi::map::kFixed, "MAP_FIXED"},
    {abi::map::kAnonymous, "MAP_ANONYMOUS"},
    {abi::map::k32Bit, "MAP_32BIT"},
    {abi::map::kGrowsdown, "MAP_GROWSDOWN"},
    {abi::map::kDenywrite, "MAP_DENYWRITE"},
    {abi::map::kExecutable, "MAP_EXECUTABLE"},
    {abi::map::kLocked, "MAP_LOCKED"},
    {abi::map::kNoreserve, "MAP_NORESERVE"},
    {abi::map::kPopulate, "MAP_POPULATE"},
    {abi::map::kNonblock, "MAP_NONBLOCK"},
    {abi::map::kStack, "MAP_STACK"},
    {abi::map::kHugetlb, "MAP_HUGETLB"},
    {abi::map::kSync, "MAP_SYNC"},
    {abi::map::kFixedNoreplace, "MAP_FIXED_NOREPLACE"},
    {abi::map::kUninitialized, "MAP_UNINITIALIZED"},
};

constexpr Named kCloneFlags[] = {
    {abi::clone::kVm, "CLONE_VM"},
    {abi::clone::kFs, "CLONE_FS"},
    {abi::clone::kFiles, "CLONE_FILES"},
    {abi::clone::kSighand, "CLONE_SIGHAND"},
    {abi::clone::kPidfd, "CLONE_PIDFD"},
    {abi::clone::kPtrace, "CLONE_PTRACE"},
    {abi::clone::kVfork, "CLONE_VFORK"},
    {abi::clone::kParent, "CLONE_PARENT"},
    {abi::clone::kThread, "CLONE_THREAD"},
    {abi::clone::kNewns, "CLONE_NEWNS"},
    {abi::clone::kSysvsem, "CLONE_SYSVSEM"},
    {abi::clone::kSettls, "CLONE_SETTLS"},
    {abi::clone::kParentSettid, "CLONE_PARENT_SETTID"},
    {abi::clone::kChildCleartid, "CLONE_CHILD_CLEARTID"},
    {abi::clone::kDetached, "CLONE_DETACHED"},
    {abi::clone::kUntraced, "CLONE_UNTRACED"},
    {abi::clone::kChildSettid, "CLONE_CHILD_SETTID"},
    {abi::clone::kNewcgroup, "CLONE_NEWCGROUP"},
    {abi::clone::kNewuts, "CLONE_NEWUTS"},
    {abi::clone::kNewipc, "CLONE_NEWIPC"},
    {abi::clone::kNewuser, "CLONE_NEWUSER"},
    {abi::clone::kNewpid, "CLONE_NEWPID"},
    {abi::clone::kNewnet, "CLONE_NEWNET"},
    {abi::clone::kIo, "CLONE_IO"},
    {abi::clone::kClearSighand, "CLONE_CLEAR_SIGHAND"},
    {abi::clone::kIntoCgroup, "CLONE_INTO_CGROUP"},
};

constexpr const char* kSignalNames[] = {
    nullptr,     "SIGHUP",  "SIGINT",    "SIGQUIT", "SIGILL",   "SIGTRAP", "SIGABRT", "SIGBUS",
    "SIGFPE",    "SIGKILL", "SIGUSR1",   "SIGSEGV", "SIGUSR2",  "SIGPIPE", "SIGALRM", "SIGTERM",
    "SIGSTKFLT", "SIGCHLD", "SIGCONT",   "SIGSTOP", "SIGTSTP",  "SIGTTIN", "SIGTTOU", "SIGURG",
    "SIGXCPU",   "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO",   "SIGPWR",  "SIGSYS",
};
static_assert(sizeof(kSignalNames) / sizeof(kSignalNames[0]) == abi::sig::kRtmin);

constexpr Named kAtFlags[] = {
    {abi::at::kSymlinkNofollow, "AT_SYMLINK_NOFOLLOW"},
    {abi::at::kRemovedir, "AT_REMOVEDIR"},
    {abi::at::kSymlinkFollow, "AT_SYMLINK_FOLLOW"},
    {abi::at::kNoAutomount, "AT_NO_AUTOMOUNT"},
    {abi::at::kEmptyPath, "AT_EMPTY_PATH"},
    {abi::at::kStatxForceSync, "AT_STATX_FORCE_SYNC"},
    {abi::at::kStatxDontSync, "AT_STATX_DONT_SYNC"},
    {abi::at::kRecursive, "AT_RECURSIVE"},
};

constexpr Named kWhence[] = {
    {abi::seek::kSet, "SEEK_SET"},   {abi::seek::kCur, "SEEK_CUR"},   {abi::seek::kEnd, "SEEK_END"},
    {abi::seek::kData, "SEEK_DATA"}, {abi::seek::kHole, "SEEK_HOLE"},
};

constexpr Named kFcntlCmds[] = {
    {abi::fcntl::kDupfd, "F_DUPFD"},
    {abi::fcntl::kGetfd, "F_GETFD"},
    {abi::fcntl::kSetfd, "F_SETFD"},
    {abi::fcntl::kGetfl, "F_GETFL"},
    {abi::fcntl::kSetfl, "F_SETFL"},
    {abi::fcntl::kGetlk, "F_GETLK"},
    {abi::fcntl::kSetlk, "F_SETLK"},
    {abi::fcntl::kSetlkw, "F_SETLKW"},
    {abi::fcntl::kSetown, "F_SETOWN"},
    {abi::fcntl::kGetown, "F_GETOWN"},
    {abi::fcntl::kSetsig, "F_SETSIG"},
    {abi::fcntl::kGetsig, "F_GETSIG"},
    {abi::fcntl::kSetownEx, "F_SETOWN_EX"},
    {abi::fcntl::kGetownEx, "F_GETOWN_EX"},
    {abi::fcntl::kOfdGetlk, "F_OFD_GETLK"},
    {abi::fcntl::kOfdSetlk, "F_OFD_SETLK"},
    {abi::fcntl::kOfdSetlkw, "F_OFD_SETLKW"},
    {abi::fcntl::kSetlease, "F_SETLEASE"},
    {abi::fcntl::kGetlease, "F_GETLEASE"},
    {abi::fcntl::kNotify, "F_NOTIFY"},
    {abi::fcntl::kDupfdCloexec, "F_DUPFD_CLOEXEC"},
    {abi::fcntl::kSetpipeSz, "F_SETPIPE_SZ"},
    {abi::fcntl::kGetpipeSz, "F_GETPIPE_SZ"},
    {abi::fcntl::kAddSeals, "F_ADD_SEALS"},
    {abi::fcntl::kGetSeals, "F_GET_SEALS"},
};

constexpr Named kClocks[] = {
    {abi::clock::kRealtime, "CLOCK_REALTIME"},
    {abi::clock::kMonotonic, "CLOCK_MONOTONIC"},
    {abi::clock::kProcessCputimeId, "CLOCK_PROCESS_CPUTIME_ID"},
    {abi::clock::kThreadCputimeId, "CLOCK_THREAD_CPUTIME_ID"},
    {abi::clock::kMonotonicRaw, "CLOCK_MONOTONIC_RAW"},
    {abi::clock::kRealtimeCoarse, "CLOCK_REALTIME_COARSE"},
    {abi::clock::kMonotonicCoarse, "CLOCK_MONOTONIC_COARSE"},
    {abi::clock::kBoottime, "CLOCK_BOOTTIME"},
    {abi::clock::kRealtimeAlarm, "CLOCK_REALTIME_ALARM"},
    {abi::clock::kBoottimeAlarm, "CLOCK_BOOTTIME_ALARM"},
    {abi::clock::kTai, "CLOCK_TAI"},
};

constexpr Named kWaitOptions[] = {
    {abi::wait::kNohang, "WNOHANG"}, {abi::wait::kUntraced, "WUNTRACED"},
    {abi::wait::kExited, "WEXITED"}, {abi::wait::kContinued, "WCONTINUED"},
    {abi::wait::kNowait, "WNOWAIT"}, {abi::wait::kNothread, "__WNOTHREAD"},
    {abi::wait::kAll, "__WALL"},     {abi::wait::kClone, "__WCLONE"},
};

constexpr Named kFutexCmds[] = {
    {abi::futex::kWait, "FUTEX_WAIT"},
    {abi::futex::kWake, "FUTEX_WAKE"},
    {abi::futex::kFd, "FUTEX_FD"},
    {abi::futex::kRequeue, "FUTEX_REQUEUE"},
    {abi::futex::kCmpRequeue, "FUTEX_CMP_REQUEUE"},
    {abi::futex::kWakeOp, "FUTEX_WAKE_OP"},
    {abi::futex::kLockPi, "FUTEX_LOCK_PI"},
    {abi::futex::kUnlockPi, "FUTEX_UNLOCK_PI"},
    {abi::futex::kTrylockPi, "FUTEX_TRYLOCK_PI"},
    {abi::futex::kWaitBitset, "FUTEX_WAIT_BITSET"},
    {abi::futex::kWakeBitset, "FUTEX_WAKE_BITSET"},
    {abi::futex::kWaitRequeuePi, "FUTEX_WAIT_REQUEUE_PI"},
    {abi::futex::kCmpRequeuePi, "FUTEX_CMP_REQUEUE_PI"},
    {abi::futex::kLockPi2, "FUTEX_LOCK_PI2"},
};

constexpr Named kIoctls[] = {
    {abi::ioctl::kTcgets, "TCGETS"},         {abi::ioctl::kTcsets, "TCSETS"},
    {abi::ioctl::kTcsetsw, "TCSETSW"},       {abi::ioctl::kTcsetsf, "TCSETSF"},
    {abi::ioctl::kTcsbrk, "TCSBRK"},         {abi::ioctl::kTcxonc, "TCXONC"},
    {abi::ioctl::kTcflsh, "TCFLSH"},         {abi::ioctl::kTiocsctty, "TIOCSCTTY"},
    {abi::ioctl::kTiocgpgrp, "TIOCGPGRP"},   {abi::ioctl::kTiocspgrp, "TIOCSPGRP"},
    {abi::ioctl::kTiocoutq, "TIOCOUTQ"},     {abi::ioctl::kTiocgwinsz, "TIOCGWINSZ"},
    {abi::ioctl::kTiocswinsz, "TIOCSWINSZ"}, {abi::ioctl::kFionread, "FIONREAD"},
    {abi::ioctl::kFionbio, "FIONBIO"},       {abi::ioctl::kTiocnotty, "TIOCNOTTY"},
    {abi::ioctl::kTiocgsid, "TIOCGSID"},     {abi::ioctl::kTiocgptn, "TIOCGPTN"},
    {abi::ioctl::kTiocsptlck, "TIOCSPTLCK"}, {abi::ioctl::kFionclex, "FIONCLEX"},
    {abi::ioctl::kFioclex, "FIOCLEX"},       {abi::ioctl::kFioasync, "FIOASYNC"},
};

constexpr Named kSigHow[] = {
    {abi::sig::kBlock, "SIG_BLOCK"},
    {abi::sig::kUnblock, "SIG_UNBLOCK"},
    {abi::sig::kSetmask, "SIG_SETMASK"},
};

}  // namespace

void decode_open_flags(TraceWriter& out, uint64_t flags) {
    auto f = static_cast<uint32_t>(flags);
    switch (f & abi::open::kAccmode) {
        case abi::open::kRdonly:
            out.puts("O_RDONLY");
            break;
        case abi::open::kWronly:
            out.puts("O_WRONLY");
            break;
        case abi::open::kRdwr:
            out.puts("O_RDWR");
            break;
        default:
            out.puts("O_ACCMODE");
            break;
    }
    f &= ~abi::open::kAccmode;
    if (f != 0) decode_bits(out, f, kOpenFlags, /*first=*/false);
}

void decode_mode(TraceWriter& out, uint64_t mode) {
    out.printf("0%03o", static_cast<unsigned>(mode & 0xffffffffu));
}

void decode_prot(TraceWriter& out, uint64_t prot) {
    if (static_cast<uint32_t>(prot) == abi::prot::kNone) {
        out.puts("PROT_NONE");
        return;
    }
    decode_bits(out, static_cast<uint32_t>(prot), kProt);
}

void decode_mmap_flags(TraceWriter& out, uint64_t flags) {
    auto f = static_cast<uint32_t>(flags);
    const char* type = lookup(f & abi::map::kTypeMask, kMapType);
    if (type) {
        out.puts(type);
        f &= ~abi::map::kTypeMask;
    }
    if (f != 0 || !type) decode_bits(out, f, kMapFlags, /*first=*/type == nullptr);
}

void decode_clone_flags(TraceWriter& out, uint64_t flags, CloneForm form) {
    uint64_t exit_signal = 0;
    if (form == CloneForm::kWithExitSignal) {
        exit_signal = flags & abi::clone::kCsignal;
        flags &= ~abi::clone::kCsignal;
    }
    bool first = true;
    uint64_t rest = flags;
    if (form == CloneForm::kFlagsOnly && (rest & abi::clone::kNewtime)) {
        out.puts("CLONE_NEWTIME");
        rest &= ~abi::clone::kNewtime;
        first = false;
    }
    if (rest != 0 || (first && exit_signal == 0)) {
        decode_bits(out, rest, kCloneFlags, first);
        first = false;
    }
    if (exit_signal != 0) {
        if (!first) out.put('|');
        decode_signal(out, static_cast<int64_t>(exit_signal));
    }
}

const char* signal_name(int64_t sig) {
    if (sig <= 0 || sig >= abi::sig::kRtmin) return nullptr;
    return kSignalNames[sig];
}

void decode_signal(TraceWriter& out, int64_t sig) {
    if (const char* name = signal_name(sig))
        out.puts(name);
    else if (sig == abi::sig::kRtmin)
        out.puts("SIGRTMIN");
    else if (sig > abi::sig::kRtmin && sig <= abi::sig::kRtmax)
        out.printf("SIGRTMIN+%ld", static_cast<long>(sig - abi::sig::kRtmin));
    else
        out.printf("%ld", static_cast<long>(sig));
}

void decode_at_flags(TraceWriter& out, uint64_t flags) {
    decode_bits(out, static_cast<uint32_t>(flags), kAtFlags);
}

void decode_dirfd(TraceWriter& out, int64_t fd) {
    if (fd == abi::at::kFdcwd)
        out.puts("AT_FDCWD");
    else
        out.printf("%ld", static_cast<long>(fd));
}

void decode_whence(TraceWriter& out, int64_t whence) {
    decode_enum(out, whence, kWhence);
}

void decode_fcntl_cmd(TraceWriter& out, int64_t cmd) {
    decode_enum(out, cmd, kFcntlCmds);
}

void decode_clock_id(TraceWriter& out, int64_t clock) {
    decode_enum(out, clock, kClocks);
}

void decode_wait_options(TraceWriter& out, uint64_t options) {
    decode_bits(out, static_cast<uint32_t>(options), kWaitOptions);
}

void decode_futex_op(TraceWriter& out, uint64_t op) {
    auto value = static_cast<int32_t>(op);
    int32_t cmd = value & abi::futex::kCmdMask;
    const char* name = lookup(cmd, kFutexCmds);
    if (name)
        out.puts(name);
    else
        out.printf("%d", cmd);
    if (value & abi::futex::kPrivateFlag) out.puts("_PRIVATE");
    if (value & abi::futex::kClockRealtime) out.puts("|FUTEX_CLOCK_REALTIME");
}

void decode_sighow(TraceWriter& out, int64_t how) {
    decode_enum(out, how, kSigHow);
}

void decode_ioctl(TraceWriter& out, uint64_t request) {
    auto req = static_cast<uint32_t>(request);
    if (const char* name = lookup(req, kIoctls))
        out.puts(name);
    else
        out.printf("%#x", req);
}

}  // namespace kernel::syscall

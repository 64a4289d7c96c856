// kernel::abi against the Linux UAPI headers themselves (no glibc in this file, so the kernel's
// own struct sigaction, ucontext, termios, stat and clone_args are visible). Compile-time
// checks: a layout mismatch fails the build of kernel_test. No gtest here: gtest pulls in glibc,
// whose struct stat / sigset_t / siginfo_t collide with the UAPI definitions.
#include <asm/ioctls.h>
#include <asm/sigcontext.h>
#include <asm/siginfo.h>
#include <asm/signal.h>
#include <asm/stat.h>
#include <asm/statfs.h>
#include <asm/termbits.h>
#include <asm/ucontext.h>
#include <linux/sched.h>
#include <linux/stat.h>

#include <cstddef>

#include <kernel/abi/sched.h>
#include <kernel/abi/sigframe.h>
#include <kernel/abi/signal.h>
#include <kernel/abi/stat.h>
#include <kernel/abi/tty.h>

namespace kernel {
namespace {

#define ORRERY_SAME_SIZE(ours, uapi) static_assert(sizeof(ours) == sizeof(uapi), #ours)
#define ORRERY_SAME_OFFSET(ours, ofield, uapi, ufield) \
    static_assert(offsetof(ours, ofield) == offsetof(uapi, ufield), #ours "." #ofield)

// rt_sigaction's struct: the kernel layout, with flags before restorer before mask.
ORRERY_SAME_SIZE(abi::KernelSigaction, struct sigaction);
ORRERY_SAME_OFFSET(abi::KernelSigaction, flags, struct sigaction, sa_flags);
ORRERY_SAME_OFFSET(abi::KernelSigaction, restorer, struct sigaction, sa_restorer);
ORRERY_SAME_OFFSET(abi::KernelSigaction, mask, struct sigaction, sa_mask);
ORRERY_SAME_SIZE(abi::SigSet, sigset_t);

ORRERY_SAME_SIZE(abi::SigInfo, siginfo_t);
ORRERY_SAME_SIZE(abi::StackT, stack_t);
ORRERY_SAME_OFFSET(abi::StackT, ss_size, stack_t, ss_size);

ORRERY_SAME_SIZE(abi::Sigcontext, struct sigcontext);
ORRERY_SAME_OFFSET(abi::Sigcontext, r15, struct sigcontext, r15);
ORRERY_SAME_OFFSET(abi::Sigcontext, rsp, struct sigcontext, rsp);
ORRERY_SAME_OFFSET(abi::Sigcontext, rip, struct sigcontext, rip);
ORRERY_SAME_OFFSET(abi::Sigcontext, ss, struct sigcontext, ss);
ORRERY_SAME_OFFSET(abi::Sigcontext, trapno, struct sigcontext, trapno);
ORRERY_SAME_OFFSET(abi::Sigcontext, fpstate, struct sigcontext, fpstate);
ORRERY_SAME_OFFSET(abi::Sigcontext, reserved1, struct sigcontext, reserved1);

ORRERY_SAME_SIZE(abi::Ucontext, struct ucontext);
ORRERY_SAME_OFFSET(abi::Ucontext, uc_link, struct ucontext, uc_link);
ORRERY_SAME_OFFSET(abi::Ucontext, uc_stack, struct ucontext, uc_stack);
ORRERY_SAME_OFFSET(abi::Ucontext, uc_mcontext, struct ucontext, uc_mcontext);
ORRERY_SAME_OFFSET(abi::Ucontext, uc_sigmask, struct ucontext, uc_sigmask);

ORRERY_SAME_SIZE(abi::Termios, struct termios);
ORRERY_SAME_OFFSET(abi::Termios, c_lflag, struct termios, c_lflag);
ORRERY_SAME_OFFSET(abi::Termios, c_line, struct termios, c_line);
ORRERY_SAME_OFFSET(abi::Termios, c_cc, struct termios, c_cc);
static_assert(abi::kNccs == NCCS);

ORRERY_SAME_SIZE(abi::Stat, struct stat);
ORRERY_SAME_OFFSET(abi::Stat, st_nlink, struct stat, st_nlink);
ORRERY_SAME_OFFSET(abi::Stat, st_mode, struct stat, st_mode);
ORRERY_SAME_OFFSET(abi::Stat, st_blocks, struct stat, st_blocks);
ORRERY_SAME_OFFSET(abi::Stat, st_atim, struct stat, st_atime);
ORRERY_SAME_OFFSET(abi::Stat, st_mtim.tv_nsec, struct stat, st_mtime_nsec);
ORRERY_SAME_OFFSET(abi::Stat, st_ctim, struct stat, st_ctime);
ORRERY_SAME_SIZE(abi::Statfs, struct statfs);
ORRERY_SAME_OFFSET(abi::Statfs, f_frsize, struct statfs, f_frsize);
ORRERY_SAME_SIZE(abi::Statx, struct statx);
ORRERY_SAME_OFFSET(abi::Statx, stx_attributes_mask, struct statx, stx_attributes_mask);
ORRERY_SAME_OFFSET(abi::Statx, stx_mnt_id, struct statx, stx_mnt_id);

ORRERY_SAME_SIZE(abi::CloneArgs, struct clone_args);
ORRERY_SAME_OFFSET(abi::CloneArgs, exit_signal, struct clone_args, exit_signal);
ORRERY_SAME_OFFSET(abi::CloneArgs, tls, struct clone_args, tls);
ORRERY_SAME_OFFSET(abi::CloneArgs, set_tid_size, struct clone_args, set_tid_size);
ORRERY_SAME_OFFSET(abi::CloneArgs, cgroup, struct clone_args, cgroup);
static_assert(abi::kCloneArgsSizeVer0 == CLONE_ARGS_SIZE_VER0);
static_assert(abi::kCloneArgsSizeVer2 == CLONE_ARGS_SIZE_VER2);
static_assert(abi::clone::kClearSighand == CLONE_CLEAR_SIGHAND);
static_assert(abi::clone::kIntoCgroup == CLONE_INTO_CGROUP);

static_assert(abi::sa::kRestorer == SA_RESTORER);
static_assert(abi::sa::kOnstack == SA_ONSTACK);
static_assert(abi::ss::kMinsigstksz == MINSIGSTKSZ);
static_assert(abi::ss::kSigstksz == SIGSTKSZ);
static_assert(abi::sig::kRtmin == SIGRTMIN);
static_assert(abi::uc::kFpXstate == UC_FP_XSTATE);
static_assert(abi::uc::kStrictRestoreSs == UC_STRICT_RESTORE_SS);

static_assert(abi::ioctl::kTcgets == TCGETS);
static_assert(abi::ioctl::kTcsetsw == TCSETSW);
static_assert(abi::ioctl::kTiocnotty == TIOCNOTTY);
static_assert(abi::ioctl::kTiocgsid == TIOCGSID);
static_assert(abi::ioctl::kFionclex == FIONCLEX);
static_assert(abi::termios::kVmin == VMIN);
static_assert(abi::termios::kVeol2 == VEOL2);
static_assert(abi::termios::kIcrnl == ICRNL);
static_assert(abi::termios::kIutf8 == IUTF8);
static_assert(abi::termios::kOnlcr == ONLCR);
static_assert(abi::termios::kCs8 == CS8);
static_assert(abi::termios::kB38400 == B38400);
static_assert(abi::termios::kIcanon == ICANON);
static_assert(abi::termios::kEchoke == ECHOKE);
static_assert(abi::termios::kIexten == IEXTEN);

static_assert(sizeof(abi::RtSigframe) == 8 + sizeof(struct ucontext) + sizeof(siginfo_t));

}  // namespace
}  // namespace kernel

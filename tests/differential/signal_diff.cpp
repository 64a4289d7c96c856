// Differential: rt_sigaction/rt_sigprocmask/rt_sigpending/kill/tgkill/sigaltstack semantics,
// handler delivery, and default actions seen through wait4. Skipped until Orrery has signals.
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "difftest.h"

namespace {

using orrery::difftest::Sys;

constexpr uint64_t kBadPtr = 0x8;
constexpr uint64_t kNoSuchPid = 99999999;
constexpr uint64_t kSigIgn = 1;

uint64_t bit(int sig) { return uint64_t{1} << (sig - 1); }

int64_t set_mask(Sys& sys, int how, uint64_t mask) {
    uint64_t m = sys.scratch(8);
    sys.put_u64(m, mask);
    return sys.call(SYS_rt_sigprocmask, static_cast<uint64_t>(how), m, 0, 8);
}

uint64_t current_mask(Sys& sys) {
    uint64_t m = sys.scratch(8);
    sys.call(SYS_rt_sigprocmask, SIG_BLOCK, 0, m, 8);
    return sys.get_u64(m);
}

uint64_t self(Sys& sys) { return static_cast<uint64_t>(sys.call(SYS_getpid)); }

}  // namespace

DIFFTEST(Signal, SigactionErrnos, SYS_rt_sigaction) {
    uint64_t h = sys.handler([](Sys&, int) {});
    uint64_t old = sys.scratch(32);
    sys.ret("SIGKILL", sys.sigaction(SIGKILL, h));
    sys.ret("SIGSTOP", sys.sigaction(SIGSTOP, h));
    sys.ret("SIGKILL query only", sys.call(SYS_rt_sigaction, SIGKILL, 0, old, 8));
    sys.ret("SIGKILL to SIG_DFL", sys.sigaction(SIGKILL, 0));
    sys.ret("signal 0", sys.sigaction(0, h));
    sys.ret("signal 65", sys.sigaction(65, h));
    sys.ret("sigsetsize 4", sys.call(SYS_rt_sigaction, SIGUSR1, 0, old, 4));
    sys.ret("act EFAULT", sys.call(SYS_rt_sigaction, SIGUSR1, kBadPtr, 0, 8));
    sys.ret("oact EFAULT", sys.call(SYS_rt_sigaction, SIGUSR1, 0, kBadPtr, 8));
    sys.ret("initial query", sys.call(SYS_rt_sigaction, SIGUSR1, 0, old, 8));
    sys.ret("  handler", static_cast<int64_t>(sys.get_u64(old)));
    sys.ret("set", sys.sigaction(SIGUSR1, h, SA_RESTART, bit(SIGUSR2) | bit(SIGKILL)));
    sys.ret("query", sys.call(SYS_rt_sigaction, SIGUSR1, 0, old, 8));
    sys.addr("  handler", static_cast<int64_t>(sys.get_u64(old)));
    sys.addr("  (installed)", static_cast<int64_t>(h));
    sys.ret("  flags", static_cast<int64_t>(sys.get_u64(old + 8)));
    sys.ret("  mask (KILL dropped)", static_cast<int64_t>(sys.get_u64(old + 24)));
    return 0;
}

DIFFTEST(Signal, HandlerRunsBeforeKillReturns, SYS_rt_sigaction, SYS_kill) {
    uint64_t mask_in_handler = sys.scratch(8);
    uint64_t h = sys.handler([=](Sys& s, int sig) {  // No scratch() in handlers.
        s.ret("handler got", sig);
        s.call(SYS_rt_sigprocmask, SIG_BLOCK, 0, mask_in_handler, 8);
    });
    sys.ret("sigaction", sys.sigaction(SIGUSR1, h, 0, bit(SIGUSR2)));
    sys.ret("kill self", sys.call(SYS_kill, self(sys), SIGUSR1));
    sys.ret("mask inside handler", static_cast<int64_t>(sys.get_u64(mask_in_handler)));
    sys.ret("mask after", static_cast<int64_t>(current_mask(sys)));
    sys.ret("tgkill self", sys.call(SYS_tgkill, self(sys), self(sys), SIGUSR1));
    sys.ret("tkill self", sys.call(SYS_tkill, self(sys), SIGUSR1));
    return 0;
}

DIFFTEST(Signal, BlockedSignalStaysPending, SYS_rt_sigaction, SYS_kill, SYS_rt_sigprocmask,
         SYS_rt_sigpending) {
    uint64_t h = sys.handler([](Sys& s, int sig) { s.ret("handler got", sig); });
    sys.ret("sigaction", sys.sigaction(SIGUSR2, h));
    sys.ret("block", set_mask(sys, SIG_BLOCK, bit(SIGUSR2)));
    sys.ret("kill", sys.call(SYS_kill, self(sys), SIGUSR2));
    sys.ret("kill again (merged)", sys.call(SYS_kill, self(sys), SIGUSR2));
    uint64_t p = sys.scratch(8);
    sys.ret("sigpending", sys.call(SYS_rt_sigpending, p, 8));
    sys.ret("  set", static_cast<int64_t>(sys.get_u64(p)));
    sys.note("unblocking", "handler runs once, now");
    sys.ret("unblock", set_mask(sys, SIG_UNBLOCK, bit(SIGUSR2)));
    sys.ret("sigpending", sys.call(SYS_rt_sigpending, p, 8));
    sys.ret("  set", static_cast<int64_t>(sys.get_u64(p)));
    sys.ret("sigpending EFAULT", sys.call(SYS_rt_sigpending, kBadPtr, 8));
    sys.ret("sigpending size 4", sys.call(SYS_rt_sigpending, p, 4));
    return 0;
}

DIFFTEST(Signal, SigprocmaskRules, SYS_rt_sigprocmask) {
    sys.ret("block KILL|STOP|USR1",
            set_mask(sys, SIG_BLOCK, bit(SIGKILL) | bit(SIGSTOP) | bit(SIGUSR1)));
    sys.ret("mask", static_cast<int64_t>(current_mask(sys)));
    sys.ret("setmask USR2", set_mask(sys, SIG_SETMASK, bit(SIGUSR2)));
    sys.ret("mask", static_cast<int64_t>(current_mask(sys)));
    sys.ret("unblock all", set_mask(sys, SIG_UNBLOCK, ~uint64_t{0}));
    sys.ret("mask", static_cast<int64_t>(current_mask(sys)));
    sys.ret("bad how", set_mask(sys, 3, 0));
    uint64_t m = sys.scratch(8);
    sys.ret("size 4", sys.call(SYS_rt_sigprocmask, SIG_BLOCK, m, 0, 4));
    sys.ret("set EFAULT", sys.call(SYS_rt_sigprocmask, SIG_BLOCK, kBadPtr, 0, 8));
    sys.ret("old EFAULT", sys.call(SYS_rt_sigprocmask, SIG_BLOCK, 0, kBadPtr, 8));
    sys.ret("bad how, no set", sys.call(SYS_rt_sigprocmask, 3, 0, m, 8));
    return 0;
}

DIFFTEST(Signal, KillErrnos, SYS_kill, SYS_tgkill, SYS_tkill) {
    sys.ret("kill(self,0)", sys.call(SYS_kill, self(sys), 0));
    sys.ret("kill(self,65)", sys.call(SYS_kill, self(sys), 65));
    sys.ret("kill(self,-1)", sys.call(SYS_kill, self(sys), static_cast<uint64_t>(-1)));
    sys.ret("kill(nosuch,0)", sys.call(SYS_kill, kNoSuchPid, 0));
    sys.ret("kill(-nosuch,0)", sys.call(SYS_kill, static_cast<uint64_t>(-99999999), 0));
    sys.ret("kill(0,0)", sys.call(SYS_kill, 0, 0));
    sys.ret("tgkill(self,self,0)", sys.call(SYS_tgkill, self(sys), self(sys), 0));
    sys.ret("tgkill(-1,self,0)", sys.call(SYS_tgkill, static_cast<uint64_t>(-1), self(sys), 0));
    sys.ret("tgkill(self,0,0)", sys.call(SYS_tgkill, self(sys), 0, 0));
    sys.ret("tgkill(self,nosuch,0)", sys.call(SYS_tgkill, self(sys), kNoSuchPid, 0));
    sys.ret("tkill(nosuch,0)", sys.call(SYS_tkill, kNoSuchPid, 0));
    sys.ret("tkill(0,0)", sys.call(SYS_tkill, 0, 0));
    return 0;
}

DIFFTEST(Signal, ResethandAndIgnore, SYS_rt_sigaction, SYS_kill) {
    uint64_t h = sys.handler([](Sys& s, int sig) { s.ret("handler got", sig); });
    uint64_t old = sys.scratch(32);
    sys.ret("sigaction RESETHAND", sys.sigaction(SIGUSR1, h, SA_RESETHAND));
    sys.ret("kill", sys.call(SYS_kill, self(sys), SIGUSR1));
    sys.ret("query", sys.call(SYS_rt_sigaction, SIGUSR1, 0, old, 8));
    sys.ret("  handler reset", static_cast<int64_t>(sys.get_u64(old)));
    sys.ret("ignore USR1", sys.sigaction(SIGUSR1, kSigIgn));
    sys.ret("kill (ignored)", sys.call(SYS_kill, self(sys), SIGUSR1));
    sys.ret("ignore CHLD is default-like", sys.sigaction(SIGCHLD, 0));
    sys.ret("kill CHLD (default ignore)", sys.call(SYS_kill, self(sys), SIGCHLD));
    sys.ret("kill TERM", sys.call(SYS_kill, self(sys), SIGTERM));  // Default: terminate.
    sys.note("survived", "SIGTERM");
    return 0;
}

DIFFTEST(Signal, Sigaltstack, SYS_sigaltstack) {
    uint64_t ss = sys.scratch(24);
    uint64_t old = sys.scratch(24);
    sys.ret("query", sys.call(SYS_sigaltstack, 0, old));
    sys.ret("  ss_flags", sys.get_u32(old + 8));
    uint64_t stack = sys.scratch(16384);
    sys.put_u64(ss, stack);
    sys.put_u64(ss + 8, 0);
    sys.put_u64(ss + 16, 1024);
    sys.ret("too small", sys.call(SYS_sigaltstack, ss, 0));
    sys.put_u64(ss + 8, 0x1234);
    sys.put_u64(ss + 16, 16384);
    sys.ret("bad flags", sys.call(SYS_sigaltstack, ss, 0));
    sys.put_u64(ss + 8, 0);
    sys.ret("set", sys.call(SYS_sigaltstack, ss, 0));
    sys.ret("query", sys.call(SYS_sigaltstack, 0, old));
    sys.ret("  sp is ours", sys.get_u64(old) == stack);
    sys.ret("  ss_flags", sys.get_u32(old + 8));
    sys.ret("  size", static_cast<int64_t>(sys.get_u64(old + 16)));
    sys.put_u64(ss + 8, SS_DISABLE);
    sys.ret("disable", sys.call(SYS_sigaltstack, ss, 0));
    sys.ret("query", sys.call(SYS_sigaltstack, 0, old));
    sys.ret("  ss_flags", sys.get_u32(old + 8));
    sys.ret("ss EFAULT", sys.call(SYS_sigaltstack, kBadPtr, 0));
    sys.ret("old EFAULT", sys.call(SYS_sigaltstack, 0, kBadPtr));
    return 0;
}

DIFFTEST(Signal, DefaultActionsSeenByWait, SYS_fork, SYS_wait4, SYS_kill, SYS_rt_sigaction) {
    uint64_t st = sys.scratch(8);
    const int sigs[] = {SIGTERM, SIGUSR1, SIGABRT, SIGWINCH, SIGCHLD, SIGURG};
    for (int sig : sigs) {
        int64_t child = sys.fork([sig](Sys& c) {
            c.call(SYS_kill, static_cast<uint64_t>(c.call(SYS_getpid)), static_cast<uint64_t>(sig));
            return 42;  // Reached only when the default action is to ignore.
        });
        sys.call(SYS_wait4, static_cast<uint64_t>(child), st, 0, 0);
        char label[32];
        snprintf(label, sizeof label, "signal %d", sig);
        uint32_t s = sys.get_u32(st);
        sys.ret(label, WIFSIGNALED(s) ? 1000 + WTERMSIG(s) : WEXITSTATUS(s));
    }
    return 0;
}

DIFFTEST(Signal, StopAndContinue, SYS_fork, SYS_wait4, SYS_kill, SYS_nanosleep) {
    uint64_t st = sys.scratch(8);
    uint64_t ts = sys.scratch(16);
    sys.put_u64(ts + 8, 1000000);  // 1 ms
    int64_t child = sys.fork([ts](Sys& c) {
        for (;;) c.call(SYS_nanosleep, ts, 0);  // Until SIGKILL.
        return 0;
    });
    uint64_t pid = static_cast<uint64_t>(child);
    sys.ret("SIGSTOP", sys.call(SYS_kill, pid, SIGSTOP));
    sys.ret("wait4 WUNTRACED", sys.call(SYS_wait4, pid, st, WUNTRACED, 0) == child);
    sys.ret("  status", sys.get_u32(st));
    sys.ret("wait4 WNOHANG|WUNTRACED again", sys.call(SYS_wait4, pid, st, WNOHANG | WUNTRACED, 0));
    sys.ret("SIGCONT", sys.call(SYS_kill, pid, SIGCONT));
    sys.ret("wait4 WCONTINUED", sys.call(SYS_wait4, pid, st, WCONTINUED, 0) == child);
    sys.ret("  status", sys.get_u32(st));
    sys.ret("SIGKILL", sys.call(SYS_kill, pid, SIGKILL));
    sys.ret("wait4", sys.call(SYS_wait4, pid, st, 0, 0) == child);
    sys.ret("  status", sys.get_u32(st));
    return 0;
}

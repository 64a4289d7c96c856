// The signal family: rt_sigaction, rt_sigprocmask, rt_sigreturn, rt_sigpending, rt_sigsuspend,
// rt_sigtimedwait, rt_(tg)sigqueueinfo, sigaltstack, pause, kill, tkill, tgkill. Argument checks
// follow the man pages (and Linux's order); the work is in kernel/signal/.
#include <kernel/abi/signal.h>
#include <kernel/abi/time.h>
#include <kernel/process/process_table.h>
#include <kernel/signal/deliver.h>
#include <kernel/signal/ops.h>
#include <kernel/signal/signal.h>
#include <kernel/syscall/handlers.h>
#include <kernel/syscall/user_memory.h>

namespace kernel::syscall {
namespace {

ostd::Result<Thread*> caller(SyscallContext& ctx) {
    if (!ctx.process || !ctx.thread) return ostd::Error(ESRCH, "no calling process");
    return ctx.thread;
}

ostd::Result<void> check_sigsetsize(uint64_t size) {
    if (size != abi::kSigSetSize) return ostd::Error(EINVAL, "sigsetsize must be 8");
    return ostd::ok();
}

// kill_ok_by_cred(): root, or the sender's real/effective uid is the target's real/saved uid.
bool may_signal(Process& sender, Process& target, int sig) {
    if (&sender == &target) return true;
    Credentials s = sender.creds(), t = target.creds();
    if (s.is_privileged()) return true;
    if (s.uids().effective == t.uids().real || s.uids().effective == t.uids().saved ||
        s.uids().real == t.uids().real || s.uids().real == t.uids().saved)
        return true;
    return sig == abi::sig::kCont && sender.sid() == target.sid();
}

// One target of kill: permission, then (sig != 0) the send.
ostd::Result<void> kill_one(Process& sender, Process& target, int sig, const abi::SigInfo& info) {
    // Linux checks the number only once it found a target (kill(nonexistent, 99) is ESRCH).
    if (sig < 0 || sig > abi::sig::kNsig) return ostd::Error(EINVAL);
    if (!may_signal(sender, target, sig)) return ostd::Error(EPERM);
    if (sig == 0) return ostd::ok();
    return signal::send_signal(target, sig, info);
}

// kill to a list: success if any target took it; else the last error (EPERM), ESRCH if none.
ostd::Result<int64_t> kill_many(Process& sender, ostd::Vector<ostd::Ref<Process>>& targets, int sig,
                                const abi::SigInfo& info, bool skip_init_and_self) {
    bool any = false, ok = false;
    ostd::Error last(ESRCH);
    for (auto& p : targets) {
        if (skip_init_and_self && (p->pid() == 1 || p.ptr() == &sender)) continue;
        any = true;
        auto r = kill_one(sender, *p, sig, info);
        if (r.is_ok())
            ok = true;
        else
            last = r.error();
    }
    if (!any) return ostd::Error(ESRCH);
    if (ok) return 0;
    return last;
}

ostd::Result<int64_t> tkill_common(SyscallContext& ctx, Pid tgid, Pid tid, int sig) {
    Thread* me = TRY(caller(ctx));
    if (tid <= 0) return ostd::Error(EINVAL);
    ostd::RefPtr<Thread> t = ProcessTable::find_thread(tid);
    if (!t || (tgid > 0 && t->process().pid() != tgid)) return ostd::Error(ESRCH);
    if (sig < 0 || sig > abi::sig::kNsig) return ostd::Error(EINVAL);
    if (!may_signal(me->process(), t->process(), sig)) return ostd::Error(EPERM);
    if (sig == 0) return 0;
    auto info = signal::make_info(sig, abi::si::kTkill, me->process().pid(),
                                  me->process().creds().uids().real);
    TRY(signal::send_signal_to_thread(*t, sig, info));
    return 0;
}

}  // namespace

ostd::Result<int64_t> sys_rt_sigaction(SyscallContext& ctx, const SyscallArgs& args) {
    Thread* t = TRY(caller(ctx));
    TRY(check_sigsetsize(args.args[3]));
    int sig = args.as_int(0);
    abi::KernelSigaction act;
    if (args.args[1]) act = TRY(read_user<abi::KernelSigaction>(ctx, args.args[1]));
    abi::KernelSigaction old = TRY(signal::set_action(*t, sig, args.args[1] ? &act : nullptr));
    if (args.args[2]) TRY(write_user(ctx, args.args[2], old));
    return 0;
}

ostd::Result<int64_t> sys_rt_sigprocmask(SyscallContext& ctx, const SyscallArgs& args) {
    Thread* t = TRY(caller(ctx));
    TRY(check_sigsetsize(args.args[3]));
    abi::SigSet set = 0;
    if (args.args[1]) set = TRY(read_user<abi::SigSet>(ctx, args.args[1]));
    abi::SigSet old = TRY(signal::change_mask(*t, args.as_int(0), args.args[1] ? &set : nullptr));
    if (args.args[2]) TRY(write_user(ctx, args.args[2], old));
    return 0;
}

ostd::Result<int64_t> sys_rt_sigreturn(SyscallContext& ctx, const SyscallArgs&) {
    Thread* t = TRY(caller(ctx));
    return signal::sigreturn(*t);
}

ostd::Result<int64_t> sys_rt_sigpending(SyscallContext& ctx, const SyscallArgs& args) {
    Thread* t = TRY(caller(ctx));
    if (args.args[1] > abi::kSigSetSize) return ostd::Error(EINVAL);
    abi::SigSet set = signal::pending_blocked(*t);
    TRY(copy_to_user(ctx, args.args[0], &set, args.args[1]));
    return 0;
}

ostd::Result<int64_t> sys_rt_sigsuspend(SyscallContext& ctx, const SyscallArgs& args) {
    Thread* t = TRY(caller(ctx));
    TRY(check_sigsetsize(args.args[1]));
    abi::SigSet mask = TRY(read_user<abi::SigSet>(ctx, args.args[0]));
    return signal::suspend(*t, mask);
}

ostd::Result<int64_t> sys_pause(SyscallContext& ctx, const SyscallArgs&) {
    Thread* t = TRY(caller(ctx));
    return signal::pause(*t);
}

ostd::Result<int64_t> sys_rt_sigtimedwait(SyscallContext& ctx, const SyscallArgs& args) {
    Thread* t = TRY(caller(ctx));
    TRY(check_sigsetsize(args.args[3]));
    abi::SigSet set = TRY(read_user<abi::SigSet>(ctx, args.args[0]));
    uint64_t timeout = ostd::kNoTimeout;
    if (args.args[2]) {
        auto ts = TRY(read_user<abi::Timespec>(ctx, args.args[2]));
        if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1'000'000'000)
            return ostd::Error(EINVAL);
        timeout = static_cast<uint64_t>(ts.tv_sec) * ostd::time::kNsPerSec +
                  static_cast<uint64_t>(ts.tv_nsec);
        if (ts.tv_sec > 0 && timeout / ostd::time::kNsPerSec != static_cast<uint64_t>(ts.tv_sec))
            timeout = ostd::kNoTimeout - 1;  // Overflow: effectively forever.
    }
    abi::SigInfo info{};
    int sig = TRY(signal::timed_wait(*t, set, timeout, &info));
    if (args.args[1]) TRY(write_user(ctx, args.args[1], info));
    return sig;
}

// rt_sigqueueinfo / rt_tgsigqueueinfo: a caller-supplied siginfo. Only the kernel may claim
// kill()/tkill() origins for another process (man 2 rt_sigqueueinfo).
ostd::Result<int64_t> sys_rt_sigqueueinfo(SyscallContext& ctx, const SyscallArgs& args) {
    Thread* me = TRY(caller(ctx));
    Pid pid = args.as_int(0);
    int sig = args.as_int(1);
    abi::SigInfo info = TRY(read_user<abi::SigInfo>(ctx, args.args[2]));
    if ((info.si_code >= 0 || info.si_code == abi::si::kTkill) && pid != me->process().pid())
        return ostd::Error(EPERM);
    ostd::RefPtr<Process> p = ProcessTable::find_process(pid);
    if (!p) return ostd::Error(ESRCH);
    info.si_signo = sig;
    TRY(kill_one(me->process(), *p, sig, info));
    return 0;
}

ostd::Result<int64_t> sys_rt_tgsigqueueinfo(SyscallContext& ctx, const SyscallArgs& args) {
    Thread* me = TRY(caller(ctx));
    Pid tgid = args.as_int(0), tid = args.as_int(1);
    int sig = args.as_int(2);
    abi::SigInfo info = TRY(read_user<abi::SigInfo>(ctx, args.args[3]));
    if ((info.si_code >= 0 || info.si_code == abi::si::kTkill) && tgid != me->process().pid())
        return ostd::Error(EPERM);
    if (tgid <= 0 || tid <= 0) return ostd::Error(EINVAL);
    ostd::RefPtr<Thread> t = ProcessTable::find_thread(tid);
    if (!t || t->process().pid() != tgid) return ostd::Error(ESRCH);
    if (sig < 0 || sig > abi::sig::kNsig) return ostd::Error(EINVAL);
    if (!may_signal(me->process(), t->process(), sig)) return ostd::Error(EPERM);
    if (sig == 0) return 0;
    info.si_signo = sig;
    TRY(signal::send_signal_to_thread(*t, sig, info));
    return 0;
}

ostd::Result<int64_t> sys_sigaltstack(SyscallContext& ctx, const SyscallArgs& args) {
    Thread* t = TRY(caller(ctx));
    abi::StackT ss;
    if (args.args[0]) ss = TRY(read_user<abi::StackT>(ctx, args.args[0]));
    abi::StackT old = TRY(signal::alt_stack(*t, args.args[0] ? &ss : nullptr));
    if (args.args[1]) TRY(write_user(ctx, args.args[1], old));
    return 0;
}

ostd::Result<int64_t> sys_kill(SyscallContext& ctx, const SyscallArgs& args) {
    Thread* me = TRY(caller(ctx));
    Process& self = me->process();
    Pid pid = args.as_int(0);
    int sig = args.as_int(1);
    auto info = signal::make_info(sig, abi::si::kUser, self.pid(), self.creds().uids().real);
    if (pid > 0) {
        ostd::RefPtr<Process> p = ProcessTable::find_process(pid);
        if (!p) return ostd::Error(ESRCH);
        TRY(kill_one(self, *p, sig, info));
        return 0;
    }
    if (pid == INT32_MIN) return ostd::Error(ESRCH);  // -pid overflows (Linux).
    if (pid == -1) {
        auto all = TRY(ProcessTable::all_processes());
        return kill_many(self, all, sig, info, true);
    }
    auto group = TRY(ProcessTable::process_group(pid == 0 ? self.pgid() : -pid));
    return kill_many(self, group, sig, info, false);
}

ostd::Result<int64_t> sys_tkill(SyscallContext& ctx, const SyscallArgs& args) {
    return tkill_common(ctx, 0, args.as_int(0), args.as_int(1));
}

ostd::Result<int64_t> sys_tgkill(SyscallContext& ctx, const SyscallArgs& args) {
    if (args.as_int(0) <= 0) return ostd::Error(EINVAL);
    return tkill_common(ctx, args.as_int(0), args.as_int(1), args.as_int(2));
}

}  // namespace kernel::syscall

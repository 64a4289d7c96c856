// Process identity, exit and wait, process groups and sessions, limits, umask, prctl names.
#include <kernel/abi/resource.h>
#include <kernel/abi/signal.h>
#include <kernel/process/process_table.h>
#include <kernel/process/user_loop.h>
#include <kernel/syscall/handlers.h>
#include <kernel/syscall/user_memory.h>

namespace kernel::syscall {
namespace {

constexpr uint32_t kWnohang = 1, kWuntraced = 2, kWstopped = 2, kWexited = 4, kWcontinued = 8;
constexpr uint32_t kWnowait = 0x01000000, kWnothread = 0x20000000, kWall = 0x40000000,
                   kWclone = 0x80000000;
constexpr int kPAll = 0, kPPid = 1, kPPgid = 2;
constexpr int kSigchld = 17;

ostd::Result<Process*> caller(SyscallContext& ctx) {
    if (!ctx.process || !ctx.thread) return ostd::Error(ESRCH, "no calling process");
    return ctx.process;
}

}  // namespace

ostd::Result<int64_t> sys_getpid(SyscallContext& ctx, const SyscallArgs&) {
    return TRY(caller(ctx))->pid();
}

ostd::Result<int64_t> sys_getppid(SyscallContext& ctx, const SyscallArgs&) {
    return TRY(caller(ctx))->ppid();
}

ostd::Result<int64_t> sys_gettid(SyscallContext& ctx, const SyscallArgs&) {
    TRY(caller(ctx));
    return ctx.thread->tid();
}

ostd::Result<int64_t> sys_exit(SyscallContext& ctx, const SyscallArgs& args) {
    TRY(caller(ctx));
    exit_current_thread(*ctx.thread, wait_status_exited(args.as_int(0)));
    return 0;
}

ostd::Result<int64_t> sys_exit_group(SyscallContext& ctx, const SyscallArgs& args) {
    Process* p = TRY(caller(ctx));
    exit_process(*p, wait_status_exited(args.as_int(0)));
    return 0;
}

ostd::Result<int64_t> sys_wait4(SyscallContext& ctx, const SyscallArgs& args) {
    Process* p = TRY(caller(ctx));
    int32_t pid = args.as_int(0);
    uint32_t options = args.as_uint(2);
    if (options & ~(kWnohang | kWuntraced | kWcontinued | kWnothread | kWall | kWclone))
        return ostd::Error(EINVAL);
    if (pid == INT32_MIN) return ostd::Error(ESRCH);
    WaitRequest req;
    if (pid < -1) {
        req.which = WaitRequest::Which::kPgid;
        req.id = -pid;
    } else if (pid == 0) {
        req.which = WaitRequest::Which::kPgid;
        req.id = p->pgid();
    } else if (pid > 0) {
        req.which = WaitRequest::Which::kPid;
        req.id = pid;
    }
    req.want_stopped = options & kWuntraced;
    req.want_continued = options & kWcontinued;
    req.nohang = options & kWnohang;
    WaitResult r = TRY(ProcessTable::wait(*p, req));
    if (r.pid > 0 && args.args[1]) TRY(write_user<int32_t>(ctx, args.args[1], r.status));
    if (args.args[3]) TRY(write_user(ctx, args.args[3], abi::Rusage{}));
    return r.pid;
}

ostd::Result<int64_t> sys_waitid(SyscallContext& ctx, const SyscallArgs& args) {
    Process* p = TRY(caller(ctx));
    int idtype = args.as_int(0);
    int32_t id = args.as_int(1);
    uint32_t options = args.as_uint(3);
    if (options & ~(kWnohang | kWstopped | kWexited | kWcontinued | kWnowait | kWnothread |
                    kWall | kWclone))
        return ostd::Error(EINVAL);
    if (!(options & (kWexited | kWstopped | kWcontinued))) return ostd::Error(EINVAL);
    WaitRequest req;
    switch (idtype) {
        case kPAll: break;
        case kPPid:
            if (id <= 0) return ostd::Error(EINVAL);
            req.which = WaitRequest::Which::kPid;
            req.id = id;
            break;
        case kPPgid:
            if (id < 0) return ostd::Error(EINVAL);
            req.which = WaitRequest::Which::kPgid;
            req.id = id ? id : p->pgid();
            break;
        default: return ostd::Error(EINVAL);
    }
    req.want_exited = options & kWexited;
    req.want_stopped = options & kWstopped;
    req.want_continued = options & kWcontinued;
    req.nohang = options & kWnohang;
    req.nowait = options & kWnowait;
    auto waited = ProcessTable::wait(*p, req);
    WaitResult r = waited.is_ok() ? waited.value() : WaitResult{};
    if (waited.is_ok() && args.args[4]) TRY(write_user(ctx, args.args[4], abi::Rusage{}));
    // Like Linux, infop's fields are written even when the wait failed (zeros then), field by
    // field: the padding in between is left alone.
    if (args.args[2]) {
        uint64_t u = args.args[2];
        bool got = waited.is_ok() && r.pid > 0;
        TRY(write_user<int32_t>(ctx, u + 0, got ? kSigchld : 0));
        TRY(write_user<int32_t>(ctx, u + 4, 0));
        TRY(write_user<int32_t>(ctx, u + 8, got ? r.code : 0));
        TRY(write_user<int32_t>(ctx, u + 16, got ? r.pid : 0));
        TRY(write_user<uint32_t>(ctx, u + 20, got ? r.uid : 0));
        TRY(write_user<int32_t>(ctx, u + 24, got ? r.value : 0));
    }
    if (waited.is_error()) return waited.error();
    return 0;
}

ostd::Result<int64_t> sys_setpgid(SyscallContext& ctx, const SyscallArgs& args) {
    Process* p = TRY(caller(ctx));
    TRY(ProcessTable::setpgid(*p, args.as_int(0), args.as_int(1)));
    return 0;
}

ostd::Result<int64_t> sys_getpgid(SyscallContext& ctx, const SyscallArgs& args) {
    return TRY(ProcessTable::getpgid(*TRY(caller(ctx)), args.as_int(0)));
}

ostd::Result<int64_t> sys_getpgrp(SyscallContext& ctx, const SyscallArgs&) {
    return TRY(caller(ctx))->pgid();
}

ostd::Result<int64_t> sys_setsid(SyscallContext& ctx, const SyscallArgs&) {
    return TRY(ProcessTable::setsid(*TRY(caller(ctx))));
}

ostd::Result<int64_t> sys_getsid(SyscallContext& ctx, const SyscallArgs& args) {
    return TRY(ProcessTable::getsid(*TRY(caller(ctx)), args.as_int(0)));
}

ostd::Result<int64_t> sys_set_tid_address(SyscallContext& ctx, const SyscallArgs& args) {
    TRY(caller(ctx));
    ctx.thread->clear_child_tid = args.args[0];
    return ctx.thread->tid();
}

ostd::Result<int64_t> sys_umask(SyscallContext& ctx, const SyscallArgs& args) {
    return TRY(caller(ctx))->exchange_umask(args.as_uint(0));
}

ostd::Result<int64_t> sys_prctl(SyscallContext& ctx, const SyscallArgs& args) {
    constexpr int kSetName = 15, kGetName = 16;
    Process* p = TRY(caller(ctx));
    switch (args.as_int(0)) {
        case kSetName: {
            char name[16] = {};
            // Up to 16 bytes; a shorter string may end before an unmapped page.
            for (size_t i = 0; i < 15; ++i) {
                TRY(copy_from_user(ctx, args.args[1] + i, &name[i], 1));
                if (!name[i]) break;
            }
            p->set_name(name, 15);
            return 0;
        }
        case kGetName: {
            char name[16];
            p->copy_name(name);
            TRY(copy_to_user(ctx, args.args[1], name, sizeof name));
            return 0;
        }
        default: return ostd::Error(EINVAL, "prctl option not supported");
    }
}

ostd::Result<int64_t> sys_getrlimit(SyscallContext& ctx, const SyscallArgs& args) {
    Rlimit r = TRY(TRY(caller(ctx))->get_rlimit(args.as_uint(0)));
    TRY(write_user(ctx, args.args[1], abi::Rlimit{r.cur, r.max}));
    return 0;
}

ostd::Result<int64_t> sys_setrlimit(SyscallContext& ctx, const SyscallArgs& args) {
    Process* p = TRY(caller(ctx));
    auto v = TRY(read_user<abi::Rlimit>(ctx, args.args[1]));
    TRY(p->set_rlimit(args.as_uint(0), Rlimit{v.rlim_cur, v.rlim_max}));
    return 0;
}

ostd::Result<int64_t> sys_prlimit64(SyscallContext& ctx, const SyscallArgs& args) {
    Process* self = TRY(caller(ctx));
    int32_t pid = args.as_int(0);
    ostd::RefPtr<Process> target;
    if (pid != 0 && pid != self->pid()) {
        target = ProcessTable::find_process(pid);
        if (!target) return ostd::Error(ESRCH);
        Credentials me = self->creds(), them = target->creds();
        if (!me.is_privileged() &&
            (me.uids().real != them.uids().real || me.uids().real != them.uids().effective ||
             me.uids().real != them.uids().saved))
            return ostd::Error(EPERM);
    }
    Process& p = target ? *target : *self;
    uint32_t resource = args.as_uint(1);
    Rlimit old = TRY(p.get_rlimit(resource));
    if (args.args[2]) {
        auto v = TRY(read_user<abi::Rlimit>(ctx, args.args[2]));
        if (target && !self->creds().is_privileged() && v.rlim_max > old.max)
            return ostd::Error(EPERM);
        TRY(p.set_rlimit(resource, Rlimit{v.rlim_cur, v.rlim_max}));
    }
    if (args.args[3]) TRY(write_user(ctx, args.args[3], abi::Rlimit{old.cur, old.max}));
    return 0;
}

}  // namespace kernel::syscall

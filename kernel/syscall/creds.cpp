// The uid/gid family: getters, the set*id transitions (rules in kernel/process/credentials.h),
// and supplementary groups.
#include <kernel/process/process.h>
#include <kernel/syscall/handlers.h>
#include <kernel/syscall/user_memory.h>

namespace kernel::syscall {
namespace {

ostd::Result<Process*> caller(SyscallContext& ctx) {
    if (!ctx.process) return ostd::Error(ESRCH, "no calling process");
    return ctx.process;
}

template <typename F>
ostd::Result<int64_t> change(SyscallContext& ctx, F&& fn) {
    Process* p = TRY(caller(ctx));
    TRY(p->update_creds([&](Credentials& c) { return fn(c); }));
    return 0;
}

ostd::Result<int64_t> write_triple(SyscallContext& ctx, const SyscallArgs& args, const IdSet& s) {
    TRY(write_user<uint32_t>(ctx, args.args[0], s.real));
    TRY(write_user<uint32_t>(ctx, args.args[1], s.effective));
    TRY(write_user<uint32_t>(ctx, args.args[2], s.saved));
    return 0;
}

}  // namespace

ostd::Result<int64_t> sys_getuid(SyscallContext& ctx, const SyscallArgs&) {
    return TRY(caller(ctx))->creds().uids().real;
}
ostd::Result<int64_t> sys_geteuid(SyscallContext& ctx, const SyscallArgs&) {
    return TRY(caller(ctx))->creds().uids().effective;
}
ostd::Result<int64_t> sys_getgid(SyscallContext& ctx, const SyscallArgs&) {
    return TRY(caller(ctx))->creds().gids().real;
}
ostd::Result<int64_t> sys_getegid(SyscallContext& ctx, const SyscallArgs&) {
    return TRY(caller(ctx))->creds().gids().effective;
}

ostd::Result<int64_t> sys_setuid(SyscallContext& ctx, const SyscallArgs& a) {
    return change(ctx, [&](Credentials& c) { return c.set_uid(a.as_uint(0)); });
}
ostd::Result<int64_t> sys_setgid(SyscallContext& ctx, const SyscallArgs& a) {
    return change(ctx, [&](Credentials& c) { return c.set_gid(a.as_uint(0)); });
}
ostd::Result<int64_t> sys_setreuid(SyscallContext& ctx, const SyscallArgs& a) {
    return change(ctx, [&](Credentials& c) { return c.set_reuid(a.as_uint(0), a.as_uint(1)); });
}
ostd::Result<int64_t> sys_setregid(SyscallContext& ctx, const SyscallArgs& a) {
    return change(ctx, [&](Credentials& c) { return c.set_regid(a.as_uint(0), a.as_uint(1)); });
}
ostd::Result<int64_t> sys_setresuid(SyscallContext& ctx, const SyscallArgs& a) {
    return change(ctx, [&](Credentials& c) {
        return c.set_resuid(a.as_uint(0), a.as_uint(1), a.as_uint(2));
    });
}
ostd::Result<int64_t> sys_setresgid(SyscallContext& ctx, const SyscallArgs& a) {
    return change(ctx, [&](Credentials& c) {
        return c.set_resgid(a.as_uint(0), a.as_uint(1), a.as_uint(2));
    });
}
ostd::Result<int64_t> sys_getresuid(SyscallContext& ctx, const SyscallArgs& a) {
    return write_triple(ctx, a, TRY(caller(ctx))->creds().uids());
}
ostd::Result<int64_t> sys_getresgid(SyscallContext& ctx, const SyscallArgs& a) {
    return write_triple(ctx, a, TRY(caller(ctx))->creds().gids());
}
ostd::Result<int64_t> sys_setfsuid(SyscallContext& ctx, const SyscallArgs& a) {
    Process* p = TRY(caller(ctx));
    return p->update_creds([&](Credentials& c) { return c.set_fsuid(a.as_uint(0)); });
}
ostd::Result<int64_t> sys_setfsgid(SyscallContext& ctx, const SyscallArgs& a) {
    Process* p = TRY(caller(ctx));
    return p->update_creds([&](Credentials& c) { return c.set_fsgid(a.as_uint(0)); });
}

ostd::Result<int64_t> sys_getgroups(SyscallContext& ctx, const SyscallArgs& a) {
    Credentials c = TRY(caller(ctx))->creds();
    auto groups = c.groups();
    int32_t size = a.as_int(0);
    if (size < 0) return ostd::Error(EINVAL);
    if (size == 0) return static_cast<int64_t>(groups.size());
    if (static_cast<size_t>(size) < groups.size()) return ostd::Error(EINVAL);
    TRY(copy_to_user(ctx, a.args[1], groups.data(), groups.size() * sizeof(Gid)));
    return static_cast<int64_t>(groups.size());
}

ostd::Result<int64_t> sys_setgroups(SyscallContext& ctx, const SyscallArgs& a) {
    Process* p = TRY(caller(ctx));
    int32_t size = a.as_int(0);
    if (size < 0 || size > 65536) return ostd::Error(EINVAL);
    if (!p->creds().is_privileged()) return ostd::Error(EPERM);
    if (static_cast<uint32_t>(size) > kMaxGroups) return ostd::Error(EINVAL);
    Gid groups[kMaxGroups];
    TRY(copy_from_user(ctx, a.args[1], groups, static_cast<size_t>(size) * sizeof(Gid)));
    TRY(p->update_creds([&](Credentials& c) {
        return c.set_groups({groups, static_cast<size_t>(size)});
    }));
    return 0;
}

}  // namespace kernel::syscall

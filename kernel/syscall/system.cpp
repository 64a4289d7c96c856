// System information and identity: uname, sethostname/setdomainname, sysinfo, getrandom,
// scheduling queries (sched_yield, affinity, getcpu).
#include <ostd/mm/frame.h>
#include <ostd/task/preempt.h>
#include <ostd/task/task.h>
#include <ostd/timer/timer.h>

#include <kernel/abi/resource.h>
#include <kernel/lib/random.h>
#include <kernel/process/process.h>
#include <kernel/process/process_table.h>
#include <kernel/syscall/handlers.h>
#include <kernel/syscall/user_memory.h>
#include <kernel/time/host_name.h>

namespace kernel::syscall {
namespace {

void put(char* dst, const char* src) {
    size_t i = 0;
    for (; src[i] && i < sizeof(abi::Utsname::sysname) - 1; ++i) dst[i] = src[i];
    dst[i] = '\0';
}

ostd::Result<int64_t> set_name(SyscallContext& ctx, const SyscallArgs& a,
                               ostd::Result<void> (*setter)(const char*, size_t)) {
    if (!ctx.process || !ctx.process->creds().is_privileged()) return ostd::Error(EPERM);
    int32_t len = a.as_int(1);
    if (len < 0 || static_cast<size_t>(len) > kUtsNameMax) return ostd::Error(EINVAL);
    char name[kUtsNameMax];
#if defined(ORRERY_PLANTED_BUG_UTS_OFF_BY_ONE)
    // Planted for the fuzzing proof (fuzz/README.md): copies one byte too many at len == 64.
    TRY(copy_from_user(ctx, a.args[0], name, static_cast<size_t>(len) + (len == kUtsNameMax)));
#else
    TRY(copy_from_user(ctx, a.args[0], name, static_cast<size_t>(len)));
#endif
    TRY(setter(name, static_cast<size_t>(len)));
    return 0;
}

ostd::Result<ostd::RefPtr<Thread>> target_thread(SyscallContext& ctx, int32_t pid) {
    if (pid < 0) return ostd::Error(ESRCH);
    if (pid == 0) return ostd::RefPtr<Thread>(ostd::Ref<Thread>(*ctx.thread));
    auto t = ProcessTable::find_thread(pid);
    if (!t) return ostd::Error(ESRCH);
    return t;
}

}  // namespace

ostd::Result<int64_t> sys_uname(SyscallContext& ctx, const SyscallArgs& a) {
    abi::Utsname u{};
    put(u.sysname, kUtsSysname);
    char name[kUtsNameMax + 1];
    copy_hostname(name);
    put(u.nodename, name);
    put(u.release, kUtsRelease);
    put(u.version, kUtsVersion);
    put(u.machine, kUtsMachine);
    copy_domainname(name);
    put(u.domainname, name);
    TRY(write_user(ctx, a.args[0], u));
    return 0;
}

ostd::Result<int64_t> sys_sethostname(SyscallContext& ctx, const SyscallArgs& a) {
    return set_name(ctx, a, &set_hostname);
}

ostd::Result<int64_t> sys_setdomainname(SyscallContext& ctx, const SyscallArgs& a) {
    return set_name(ctx, a, &set_domainname);
}

ostd::Result<int64_t> sys_sysinfo(SyscallContext& ctx, const SyscallArgs& a) {
    abi::Sysinfo info{};
    info.uptime = static_cast<int64_t>(ostd::time::now() / 1'000'000'000);
    ostd::FrameStats fs = ostd::frame_stats();
    info.totalram = fs.total_frames * ostd::kPageSize;
    info.freeram = fs.free_frames * ostd::kPageSize;
    info.procs = static_cast<uint16_t>(ProcessTable::process_count());
    info.mem_unit = 1;
    TRY(write_user(ctx, a.args[0], info));
    return 0;
}

ostd::Result<int64_t> sys_getrandom(SyscallContext& ctx, const SyscallArgs& a) {
    constexpr uint32_t kNonblock = 1, kRandom = 2, kInsecure = 4;
    uint32_t flags = a.as_uint(2);
    if (flags & ~(kNonblock | kRandom | kInsecure)) return ostd::Error(EINVAL);
    if ((flags & kRandom) && (flags & kInsecure)) return ostd::Error(EINVAL);
    uint64_t len = a.args[1];
    if (len > 0x1ffffff) len = 0x1ffffff;  // Linux caps one call at 32 MiB - 1.
    uint8_t buf[256];
    uint64_t done = 0;
    while (done < len) {
        size_t chunk = len - done < sizeof buf ? len - done : sizeof buf;
        random_bytes(buf, chunk);
        auto r = copy_to_user(ctx, a.args[0] + done, buf, chunk);
        if (r.is_error()) {
            if (done) break;
            return r.error();
        }
        done += chunk;
    }
    return static_cast<int64_t>(done);
}

ostd::Result<int64_t> sys_sched_yield(SyscallContext&, const SyscallArgs&) {
    ostd::yield_now();
    return 0;
}

ostd::Result<int64_t> sys_sched_getaffinity(SyscallContext& ctx, const SyscallArgs& a) {
    uint64_t len = a.args[1];
    unsigned ncpu = ostd::num_cpus();
    if (len * 8 < ncpu || (len & 7)) return ostd::Error(EINVAL);
    auto t = TRY(target_thread(ctx, a.as_int(0)));
    uint64_t mask = t->affinity & (ncpu >= 64 ? ~uint64_t{0} : (uint64_t{1} << ncpu) - 1);
    TRY(write_user(ctx, a.args[2], mask));
    return 8;
}

ostd::Result<int64_t> sys_sched_setaffinity(SyscallContext& ctx, const SyscallArgs& a) {
    uint64_t len = a.args[1];
    unsigned ncpu = ostd::num_cpus();
    uint64_t mask = 0;
    TRY(copy_from_user(ctx, a.args[2], &mask, len < 8 ? len : 8));
    auto t = TRY(target_thread(ctx, a.as_int(0)));
    uint64_t online = ncpu >= 64 ? ~uint64_t{0} : (uint64_t{1} << ncpu) - 1;
    if ((mask & online) == 0) return ostd::Error(EINVAL);
    Credentials me = ctx.process->creds(), them = t->process().creds();
    if (!me.is_privileged() && me.uids().effective != them.uids().real &&
        me.uids().effective != them.uids().effective)
        return ostd::Error(EPERM);
    t->affinity = mask & online;  // Recorded and reported; the ostd task keeps its placement.
    return 0;
}

ostd::Result<int64_t> sys_getcpu(SyscallContext& ctx, const SyscallArgs& a) {
    uint32_t cpu = ostd::cpu_id();
    if (a.args[0]) TRY(write_user(ctx, a.args[0], cpu));
    if (a.args[1]) TRY(write_user(ctx, a.args[1], uint32_t{0}));
    return 0;
}

}  // namespace kernel::syscall

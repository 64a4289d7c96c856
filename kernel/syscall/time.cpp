// Clocks and sleeping: clock_gettime/getres/settime/nanosleep, gettimeofday/settimeofday, time,
// nanosleep, times, getrusage. CPU clocks come from the user loop's accounting.
#include <ostd/task/task.h>
#include <ostd/timer/timer.h>

#include <kernel/abi/resource.h>
#include <kernel/abi/time.h>
#include <kernel/process/process.h>
#include <kernel/process/process_table.h>
#include <kernel/syscall/handlers.h>
#include <kernel/syscall/user_memory.h>
#include <kernel/time/clock.h>

namespace kernel::syscall {
namespace {

constexpr uint64_t kNsPerSec = 1'000'000'000;
constexpr uint64_t kClockTicks = 100;  // USER_HZ
constexpr int kTimerAbstime = 1;

abi::Timespec to_timespec(uint64_t ns) {
    return {static_cast<int64_t>(ns / kNsPerSec), static_cast<int64_t>(ns % kNsPerSec)};
}
abi::Timeval to_timeval(uint64_t ns) {
    return {static_cast<int64_t>(ns / kNsPerSec), static_cast<int64_t>(ns % kNsPerSec / 1000)};
}

ostd::Result<uint64_t> from_timespec(const abi::Timespec& ts) {
    if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= static_cast<int64_t>(kNsPerSec))
        return ostd::Error(EINVAL);
    if (static_cast<uint64_t>(ts.tv_sec) > (UINT64_MAX / kNsPerSec) - 1) return UINT64_MAX;
    return static_cast<uint64_t>(ts.tv_sec) * kNsPerSec + static_cast<uint64_t>(ts.tv_nsec);
}

// CPU-time clock of a pid or tid (man 3 clock_getcpuclockid): id = (~pid << 3) | type, type
// 0 PROF, 1 VIRT, 2 SCHED, bit 2 per-thread. Unknown targets are EINVAL, as on Linux.
ostd::Result<uint64_t> cpu_clock_now(SyscallContext& ctx, int32_t id) {
    int type = id & 3;
    bool per_thread = id & 4;
    int32_t pid = ~(id >> 3);
    if (type == 3 || !ctx.process) return ostd::Error(EINVAL);
    uint64_t utime, stime;
    if (per_thread) {
        auto t = pid == 0 ? ostd::RefPtr<Thread>(ostd::Ref<Thread>(*ctx.thread))
                          : ProcessTable::find_thread(pid);
        if (!t || &t->process() != ctx.process) return ostd::Error(EINVAL);
        utime = t->utime_ns.load();
        stime = t->stime_ns.load();
    } else {
        auto p = pid == 0 ? ostd::RefPtr<Process>(ostd::Ref<Process>(*ctx.process))
                          : ProcessTable::find_process(pid);
        if (!p) return ostd::Error(EINVAL);
        auto t = p->cpu_times();
        utime = t.utime;
        stime = t.stime;
    }
    return type == 1 ? utime : utime + stime;
}

ostd::Result<uint64_t> clock_now(SyscallContext& ctx, int32_t id) {
    if (id < 0) return cpu_clock_now(ctx, id);
    switch (id) {
        case kClockRealtime:
        case kClockRealtimeCoarse:
        case kClockRealtimeAlarm:
        case kClockTai: return realtime_ns();
        case kClockMonotonic:
        case kClockMonotonicRaw:
        case kClockMonotonicCoarse:
        case kClockBoottime:
        case kClockBoottimeAlarm: return monotonic_ns();
        case kClockProcessCputime: {
            if (!ctx.process) return ostd::Error(EINVAL);
            auto t = ctx.process->cpu_times();
            return t.utime + t.stime;
        }
        case kClockThreadCputime:
            if (!ctx.thread) return ostd::Error(EINVAL);
            return ctx.thread->utime_ns.load() + ctx.thread->stime_ns.load();
        default: return ostd::Error(EINVAL);  // Includes per-pid CPU clocks (negative ids).
    }
}

// Sleeps until monotonic time `deadline`; ERESTARTNOHAND when a signal interrupts it.
ostd::Result<void> sleep_until(uint64_t deadline) {
    uint64_t now = monotonic_ns();
    if (deadline <= now) return ostd::ok();
    auto r = ostd::sleep_for_interruptible(deadline - now);
    if (r.is_error()) return ostd::Error(ERESTARTNOHAND);
    return ostd::ok();
}

}  // namespace

ostd::Result<int64_t> sys_clock_gettime(SyscallContext& ctx, const SyscallArgs& a) {
    uint64_t ns = TRY(clock_now(ctx, a.as_int(0)));
    TRY(write_user(ctx, a.args[1], to_timespec(ns)));
    return 0;
}

ostd::Result<int64_t> sys_clock_getres(SyscallContext& ctx, const SyscallArgs& a) {
    int32_t id = a.as_int(0);
    TRY(clock_now(ctx, id));  // Validates the id.
    uint64_t res = (id == kClockRealtimeCoarse || id == kClockMonotonicCoarse)
                       ? ostd::time::kTickNs : 1;
    if (a.args[1]) TRY(write_user(ctx, a.args[1], to_timespec(res)));
    return 0;
}

ostd::Result<int64_t> sys_clock_settime(SyscallContext& ctx, const SyscallArgs& a) {
    auto ts = TRY(read_user<abi::Timespec>(ctx, a.args[1]));
    uint64_t ns = TRY(from_timespec(ts));
    if (a.as_int(0) != kClockRealtime) return ostd::Error(EINVAL);
    if (!ctx.process || !ctx.process->creds().is_privileged()) return ostd::Error(EPERM);
    set_realtime_ns(ns);
    return 0;
}

ostd::Result<int64_t> sys_gettimeofday(SyscallContext& ctx, const SyscallArgs& a) {
    if (a.args[0]) TRY(write_user(ctx, a.args[0], to_timeval(realtime_ns())));
    if (a.args[1]) TRY(write_user(ctx, a.args[1], abi::Timezone{0, 0}));
    return 0;
}

ostd::Result<int64_t> sys_settimeofday(SyscallContext& ctx, const SyscallArgs& a) {
    if (!ctx.process || !ctx.process->creds().is_privileged()) return ostd::Error(EPERM);
    if (!a.args[0]) return 0;
    auto tv = TRY(read_user<abi::Timeval>(ctx, a.args[0]));
    if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= 1000000) return ostd::Error(EINVAL);
    set_realtime_ns(static_cast<uint64_t>(tv.tv_sec) * kNsPerSec +
                    static_cast<uint64_t>(tv.tv_usec) * 1000);
    return 0;
}

ostd::Result<int64_t> sys_time(SyscallContext& ctx, const SyscallArgs& a) {
    int64_t secs = static_cast<int64_t>(realtime_ns() / kNsPerSec);
    if (a.args[0]) TRY(write_user(ctx, a.args[0], secs));
    return secs;
}

ostd::Result<int64_t> sys_nanosleep(SyscallContext& ctx, const SyscallArgs& a) {
    auto ts = TRY(read_user<abi::Timespec>(ctx, a.args[0]));
    uint64_t ns = TRY(from_timespec(ts));
    uint64_t start = monotonic_ns();
    uint64_t deadline = ns > UINT64_MAX - start ? UINT64_MAX : start + ns;
    auto r = sleep_until(deadline);
    if (r.is_error()) {
        uint64_t now = monotonic_ns();
        if (a.args[1]) TRY(write_user(ctx, a.args[1], to_timespec(deadline > now ? deadline - now : 0)));
        return r.error();
    }
    return 0;
}

ostd::Result<int64_t> sys_clock_nanosleep(SyscallContext& ctx, const SyscallArgs& a) {
    int32_t id = a.as_int(0);
    int32_t flags = a.as_int(1);
    switch (id) {
        case kClockRealtime:
        case kClockMonotonic:
        case kClockBoottime:
        case kClockTai:
        case kClockRealtimeAlarm:
        case kClockBoottimeAlarm: break;
        case kClockMonotonicRaw:
        case kClockRealtimeCoarse:
        case kClockMonotonicCoarse:
        case kClockProcessCputime:
        case kClockThreadCputime: return ostd::Error(EOPNOTSUPP);  // No nsleep on these.
        default: return ostd::Error(EINVAL);
    }
    auto ts = TRY(read_user<abi::Timespec>(ctx, a.args[2]));
    uint64_t ns = TRY(from_timespec(ts));
    uint64_t now_on_clock = TRY(clock_now(ctx, id));
    uint64_t mono = monotonic_ns();
    uint64_t deadline;
    if (flags & kTimerAbstime)
        deadline = ns <= now_on_clock ? mono : mono + (ns - now_on_clock);
    else
        deadline = ns > UINT64_MAX - mono ? UINT64_MAX : mono + ns;
    auto r = sleep_until(deadline);
    if (r.is_error()) {
        if (!(flags & kTimerAbstime) && a.args[3]) {
            uint64_t now = monotonic_ns();
            TRY(write_user(ctx, a.args[3], to_timespec(deadline > now ? deadline - now : 0)));
        }
        return r.error();
    }
    return 0;
}

ostd::Result<int64_t> sys_times(SyscallContext& ctx, const SyscallArgs& a) {
    if (!ctx.process) return ostd::Error(ESRCH);
    auto t = ctx.process->cpu_times();
    auto ticks = [](uint64_t ns) { return static_cast<int64_t>(ns / (kNsPerSec / kClockTicks)); };
    if (a.args[0])
        TRY(write_user(ctx, a.args[0],
                       abi::Tms{ticks(t.utime), ticks(t.stime), ticks(t.cutime), ticks(t.cstime)}));
    return ticks(monotonic_ns());
}

ostd::Result<int64_t> sys_getrusage(SyscallContext& ctx, const SyscallArgs& a) {
    constexpr int kSelf = 0, kChildren = -1, kThread = 1;
    if (!ctx.process) return ostd::Error(ESRCH);
    abi::Rusage ru{};
    auto t = ctx.process->cpu_times();
    switch (a.as_int(0)) {
        case kSelf:
            ru.ru_utime = to_timeval(t.utime);
            ru.ru_stime = to_timeval(t.stime);
            break;
        case kChildren:
            ru.ru_utime = to_timeval(t.cutime);
            ru.ru_stime = to_timeval(t.cstime);
            break;
        case kThread:
            ru.ru_utime = to_timeval(ctx.thread->utime_ns.load());
            ru.ru_stime = to_timeval(ctx.thread->stime_ns.load());
            break;
        default: return ostd::Error(EINVAL);
    }
    ru.ru_maxrss = static_cast<int64_t>(ctx.process->address_space().resident_pages() * 4);
    TRY(write_user(ctx, a.args[1], ru));
    return 0;
}

}  // namespace kernel::syscall

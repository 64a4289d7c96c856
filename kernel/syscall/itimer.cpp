// Interval timers: alarm, getitimer, setitimer (ITIMER_REAL raises SIGALRM; ITIMER_VIRTUAL and
// ITIMER_PROF count process CPU time, checked whenever a thread returns to user mode).
#include <kernel/abi/time.h>
#include <kernel/signal/itimer.h>
#include <kernel/syscall/handlers.h>
#include <kernel/syscall/user_memory.h>

namespace kernel::syscall {
namespace {

constexpr uint64_t kNsPerSec = 1'000'000'000, kNsPerUs = 1'000;

ostd::Result<Thread*> caller(SyscallContext& ctx) {
    if (!ctx.process || !ctx.thread) return ostd::Error(ESRCH, "no calling process");
    return ctx.thread;
}

ostd::Result<uint64_t> timeval_ns(const abi::Timeval& tv) {
    if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= 1'000'000) return ostd::Error(EINVAL);
    uint64_t sec = static_cast<uint64_t>(tv.tv_sec);
    if (sec > UINT64_MAX / kNsPerSec / 2) sec = UINT64_MAX / kNsPerSec / 2;
    return sec * kNsPerSec + static_cast<uint64_t>(tv.tv_usec) * kNsPerUs;
}

abi::Timeval ns_timeval(uint64_t ns) {
    // Round up to whole microseconds so an armed timer never reads as 0.
    uint64_t us = (ns + kNsPerUs - 1) / kNsPerUs;
    return {static_cast<int64_t>(us / 1'000'000), static_cast<int64_t>(us % 1'000'000)};
}

abi::Itimerval to_user(const signal::ItimerValue& v) {
    return {ns_timeval(v.interval_ns), ns_timeval(v.value_ns)};
}

}  // namespace

ostd::Result<int64_t> sys_getitimer(SyscallContext& ctx, const SyscallArgs& args) {
    Thread* t = TRY(caller(ctx));
    signal::ItimerValue v = TRY(signal::get_itimer(*t, args.as_int(0)));
    TRY(write_user(ctx, args.args[1], to_user(v)));
    return 0;
}

ostd::Result<int64_t> sys_setitimer(SyscallContext& ctx, const SyscallArgs& args) {
    Thread* t = TRY(caller(ctx));
    signal::ItimerValue nv;  // A null new value disarms (as Linux accepts, with a warning).
    if (args.args[1]) {
        auto it = TRY(read_user<abi::Itimerval>(ctx, args.args[1]));
        nv.value_ns = TRY(timeval_ns(it.it_value));
        nv.interval_ns = TRY(timeval_ns(it.it_interval));
    }
    signal::ItimerValue old = TRY(signal::set_itimer(*t, args.as_int(0), nv));
    if (args.args[2]) TRY(write_user(ctx, args.args[2], to_user(old)));
    return 0;
}

ostd::Result<int64_t> sys_alarm(SyscallContext& ctx, const SyscallArgs& args) {
    Thread* t = TRY(caller(ctx));
    signal::ItimerValue nv{args.as_uint(0) * kNsPerSec, 0};
    signal::ItimerValue old = TRY(signal::set_itimer(*t, 0, nv));
    // alarm_setitimer(): the remaining time in seconds, rounded, never 0 while armed.
    uint64_t secs = (old.value_ns + kNsPerSec / 2) / kNsPerSec;
    if (old.value_ns && secs == 0) secs = 1;
    return static_cast<int64_t>(secs);
}

}  // namespace kernel::syscall

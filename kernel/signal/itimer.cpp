// Interval timers. ITIMER_REAL runs on an ostd::Timer whose IRQ-context callback only marks it
// fired and interrupts one thread of the process, which sends SIGALRM from task context.
// ITIMER_VIRTUAL/PROF compare the process CPU clocks on the way back to user mode.
#include <kernel/signal/itimer.h>

#include <kernel/abi/time.h>
#include <kernel/signal/state.h>

namespace kernel::signal {
namespace {

constexpr int kReal = 0, kVirtual = 1, kProf = 2;
}  // namespace

void RealTimer::fire(void* owner) {
    auto* ps = static_cast<ProcessSignals*>(owner);
    RealTimer& rt = ps->real;
    ostd::SpinLockIrqGuard g(rt.lock);
    rt.fired.store(true);
    if (rt.interval_ns) rt.timer.arm_at(rt.timer.deadline() + rt.interval_ns);
    if (rt.target) rt.target->interrupt();
}

namespace {

// The process CPU clock a CPU timer counts: user time (VIRTUAL) or user + system (PROF).
uint64_t cpu_now(Process& p, int which) {
    Process::CpuTimes c = p.cpu_times();
    return which == kVirtual ? c.utime : c.utime + c.stime;
}

// Fires expired CPU timers and returns the signals to send. g_lock held.
abi::SigSet expire_locked(ProcessSignals& ps, uint64_t user, uint64_t total)
    ORRERY_REQUIRES(g_lock) {
    abi::SigSet fire = 0;
    auto check = [&](CpuTimer& ct, uint64_t now, int sig) {
        if (!ct.deadline_ns || now < ct.deadline_ns) return;
        fire |= bit(sig);
        if (!ct.interval_ns) {
            ct.deadline_ns = 0;
            return;
        }
        ct.deadline_ns += ct.interval_ns;
        if (ct.deadline_ns <= now) ct.deadline_ns = now + ct.interval_ns;  // Missed periods.
    };
    check(ps.virt, user, abi::sig::kVtalrm);
    check(ps.prof, total, abi::sig::kProf);
    ps.cpu_armed.store(ps.virt.deadline_ns != 0 || ps.prof.deadline_ns != 0);
    return fire;
}

}  // namespace

void flush_deferred(Thread& t) {
    ProcessSignals* ps = process_state(t.process());
    if (!ps) return;
    if (ps->real.fired.load() && ps->real.fired.exchange(false))
        (void)send_signal(t.process(), abi::sig::kAlrm,
                          make_info(abi::sig::kAlrm, abi::si::kKernel));
    if (!ps->cpu_armed.load()) return;
    Process::CpuTimes c = t.process().cpu_times();
    abi::SigSet fire;
    {
        ostd::SpinLockGuard g(g_lock);
        fire = expire_locked(*ps, c.utime, c.utime + c.stime);
    }
    for (int sig : {abi::sig::kVtalrm, abi::sig::kProf})
        if (fire & bit(sig)) (void)send_signal(t.process(), sig, make_info(sig, abi::si::kKernel));
}

void timer_thread_exit(Thread& t) {
    ProcessSignals* ps;
    {
        ostd::SpinLockGuard g(g_lock);
        ps = process_state_locked(t.process());
    }
    if (!ps) return;
    RealTimer& rt = ps->real;
    {
        ostd::SpinLockIrqGuard g(rt.lock);
        if (rt.target_tid != t.tid()) return;
        rt.target = nullptr;
        rt.target_tid = 0;
    }
    // Hand the timer to another live thread (the process's exit cancels it if none is left).
    auto threads = t.process().threads();
    if (threads.is_error()) return;
    for (auto& other : threads.value()) {
        if (other.ptr() == &t || !other->task() || other->exit_requested()) continue;
        ostd::SpinLockIrqGuard g(rt.lock);
        rt.target = other->task();
        rt.target_tid = other->tid();
        return;
    }
}

void stop_real_timer(ProcessSignals& ps) {
    RealTimer& rt = ps.real;
    {
        ostd::SpinLockIrqGuard g(rt.lock);
        rt.interval_ns = 0;  // A callback running now must not re-arm.
        rt.target = nullptr;
        rt.target_tid = 0;
    }
    // cancel() waits for a running callback; a callback that already re-armed is caught by
    // the second cancel().
    rt.timer.cancel();
    rt.timer.cancel();
}

ostd::Result<ItimerValue> get_itimer(Thread& caller, int which) {
    if (which != kReal && which != kVirtual && which != kProf) return ostd::Error(EINVAL);
    ProcessSignals* ps = process_state(caller.process());
    if (!ps) return ostd::Error(ENOMEM);
    ItimerValue v;
    if (which == kReal) {
        ostd::SpinLockIrqGuard g(ps->real.lock);
        if (ps->real.timer.is_armed()) {
            uint64_t now = ostd::time::now(), dl = ps->real.timer.deadline();
            v.value_ns = dl > now ? dl - now : 1;
        }
        v.interval_ns = ps->real.interval_ns;
        return v;
    }
    uint64_t now = cpu_now(caller.process(), which);
    ostd::SpinLockGuard g(g_lock);
    const CpuTimer& ct = which == kVirtual ? ps->virt : ps->prof;
    if (ct.deadline_ns) v.value_ns = ct.deadline_ns > now ? ct.deadline_ns - now : 1;
    v.interval_ns = ct.interval_ns;
    return v;
}

ostd::Result<ItimerValue> set_itimer(Thread& caller, int which, const ItimerValue& value) {
    ItimerValue old = TRY(get_itimer(caller, which));
    ProcessSignals* ps = process_state(caller.process());
    if (!ps) return ostd::Error(ENOMEM);
    if (which != kReal) {
        uint64_t now = cpu_now(caller.process(), which);
        ostd::SpinLockGuard g(g_lock);
        CpuTimer& ct = which == kVirtual ? ps->virt : ps->prof;
        ct.deadline_ns = value.value_ns ? now + value.value_ns : 0;
        ct.interval_ns = value.value_ns ? value.interval_ns : 0;
        ps->cpu_armed.store(ps->virt.deadline_ns != 0 || ps->prof.deadline_ns != 0);
        return old;
    }
    RealTimer& rt = ps->real;
    stop_real_timer(*ps);
    if (value.value_ns) {
        ostd::SpinLockIrqGuard g(rt.lock);
        rt.interval_ns = value.interval_ns;
        rt.target = caller.task();
        rt.target_tid = caller.tid();
        rt.timer.arm_after(value.value_ns);
    }
    return old;
}

}  // namespace kernel::signal

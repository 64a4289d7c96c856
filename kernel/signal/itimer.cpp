// ITIMER_REAL on an ostd::Timer. The IRQ-context callback only marks the timer fired and
// interrupts one thread of the process; that thread sends SIGALRM from task context.
#include <kernel/signal/itimer.h>

#include <kernel/abi/time.h>
#include <kernel/signal/state.h>

namespace kernel::signal {
namespace {

constexpr int kReal = 0, kVirtual = 1, kProf = 2;

uint64_t to_ns(const abi::Timeval& tv) {
    return static_cast<uint64_t>(tv.tv_sec) * ostd::time::kNsPerSec +
           static_cast<uint64_t>(tv.tv_usec) * ostd::time::kNsPerUs;
}
abi::Timeval to_tv(uint64_t ns) {
    return {static_cast<int64_t>(ns / ostd::time::kNsPerSec),
            static_cast<int64_t>((ns % ostd::time::kNsPerSec) / ostd::time::kNsPerUs)};
}

}  // namespace

void RealTimer::fire(void* owner) {
    auto* ps = static_cast<ProcessSignals*>(owner);
    RealTimer& rt = ps->real;
    ostd::SpinLockIrqGuard g(rt.lock);
    rt.fired.store(true);
    if (rt.interval_ns) rt.timer.arm_at(rt.timer.deadline() + rt.interval_ns);
    if (rt.target) rt.target->interrupt();
}

void flush_deferred(Thread& t) {
    ProcessSignals* ps = process_state(t.process());
    if (ps && ps->real.fired.load() && ps->real.fired.exchange(false))
        (void)send_signal(t.process(), abi::sig::kAlrm,
                          make_info(abi::sig::kAlrm, abi::si::kKernel));
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
    ostd::SpinLockGuard g(g_lock);
    const abi::Itimerval& iv = which == kVirtual ? ps->virt : ps->prof;
    return ItimerValue{to_ns(iv.it_value), to_ns(iv.it_interval)};
}

ostd::Result<ItimerValue> set_itimer(Thread& caller, int which, const ItimerValue& value) {
    ItimerValue old = TRY(get_itimer(caller, which));
    ProcessSignals* ps = process_state(caller.process());
    if (!ps) return ostd::Error(ENOMEM);
    if (which != kReal) {
        ostd::SpinLockGuard g(g_lock);
        abi::Itimerval& iv = which == kVirtual ? ps->virt : ps->prof;
        iv.it_value = to_tv(value.value_ns);
        iv.it_interval = to_tv(value.value_ns ? value.interval_ns : 0);
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

// Preempt count, safe points and CPU identity.
#include <ostd/task/preempt.h>

#include <ostd/common/panic.h>

#include "task/sched.h"
#include "timer/timer_queue.h"

namespace ostd {

using detail::PerCpu;

void preempt_disable() {
    if (PerCpu* c = detail::this_cpu()) ++c->preempt_count;
}

void preempt_enable() {
    PerCpu* c = detail::this_cpu();
    if (!c) return;
    if (c->preempt_count <= 0) panic("preempt_enable() without a matching preempt_disable()");
    if (--c->preempt_count == 0 && c->pending.load(std::memory_order_relaxed) != 0)
        detail::Sched::safe_point_slow(c);
}

void preempt_point() {
    PerCpu* c = detail::this_cpu();
    if (!c) return;
    if (detail::g_deterministic) detail::deterministic_step(c);
    if (c->pending.load(std::memory_order_relaxed) != 0) detail::Sched::safe_point_slow(c);
}

bool in_atomic() {
    PerCpu* c = detail::this_cpu();
    return c && (c->preempt_count != 0 || c->irq_depth != 0 || c->in_irq);
}

unsigned cpu_id() {
    PerCpu* c = detail::this_cpu();
    if (!c) panic("cpu_id() outside a running machine");
    return c->id;
}

unsigned num_cpus() {
    return detail::g_num_cpus;
}

namespace detail {

// Deterministic mode: a virtual tick every this many safe points.
constexpr uint32_t kDetPointsPerTick = 64;

void deterministic_step(PerCpu* cpu) {
    if (++cpu->det_points < kDetPointsPerTick) return;
    cpu->det_points = 0;
    clock_advance(time::kTickNs);
    if (g_virtual_time_limit_ns != 0 && time::now() > g_virtual_time_limit_ns) {
        // A busy task ran past the limit: stop the machine as hung at this safe point.
        Sched::request_stop(kMachineHungStatus);
        return;
    }
    uint32_t bits = kPendingTick;
    if (TimerQueue::next_deadline() <= time::now()) bits |= kPendingTimer;
    cpu->pending.fetch_or(bits, std::memory_order_relaxed);
}

}  // namespace detail
}  // namespace ostd

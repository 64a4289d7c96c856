// Preemption control and CPU identity. Tasks are preempted only at safe points: explicit
// preempt_point() calls, the moment the preempt count drops to 0, and blocking calls.
#pragma once

namespace ostd {

/// Most CPUs a machine may have.
inline constexpr unsigned kMaxCpus = 64;

/// Forbids preemption (and migration) of the current task until the matching preempt_enable().
/// Nests. Outside a booted machine (plain host unit tests) both are no-ops.
void preempt_disable();
/// Re-allows preemption; when the count reaches 0 this is a safe point (pending interrupts are
/// delivered and the task may be switched out). Precondition: a matching preempt_disable().
void preempt_enable();
/// A safe point: delivers pending interrupts (if local IRQs are enabled) and, when the preempt
/// count is 0, lets the scheduler switch to another task if the time slice ran out or a more
/// important task woke up. Long kernel loops should call it.
void preempt_point();
/// True while preemption or local IRQs are disabled, or in an interrupt handler: sleeping now
/// is a bug.
bool in_atomic();

/// Index of the CPU running the caller. Only stable while preemption is disabled.
/// Precondition: running inside a booted machine.
unsigned cpu_id();
/// Number of CPUs of the running machine (0 when none is running).
unsigned num_cpus();

/// RAII preempt_disable()/preempt_enable().
class PreemptGuard {
  public:
    PreemptGuard() { preempt_disable(); }
    ~PreemptGuard() { preempt_enable(); }
    PreemptGuard(const PreemptGuard&) = delete;
    PreemptGuard& operator=(const PreemptGuard&) = delete;
};

}  // namespace ostd

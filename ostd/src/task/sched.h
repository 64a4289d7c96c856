// The scheduling core (ostd-private): run states, context switches, park/unpark, the idle loop
// and machine start/stop. Policy is delegated to the installed Scheduler.
// Lock order: a WaitQueue's lock is released before the scheduler lock is taken; the timer lock
// and the scheduler lock are never held together.
#pragma once

#include <cstdint>

#include <ostd/boot/entry.h>
#include <ostd/sync/intrusive_list.h>
#include <ostd/task/scheduler.h>
#include <ostd/task/task.h>

#include "task/percpu.h"
#include "task/round_robin.h"

namespace ostd::detail {

/// Machine-wide scheduling state (one machine per process at a time).
struct SchedGlobals {
    /// Guards every Scheduler call, Task::state_ transitions, on_cpu_, wake_token_ and
    /// PerCpu::current. Held across a context switch: the next task releases it.
    RawSpinLock lock;
    Scheduler* scheduler = nullptr;
    RoundRobinScheduler* default_scheduler = nullptr;  // Owned; lives from init to shutdown.
    RawSpinLock registry_lock;                         // Guards Sched::registry().
    std::atomic<bool> running{false};
    std::atomic<bool> stopping{false};
    std::atomic<bool> status_set{false};
    std::atomic<int> exit_status{0};
    std::atomic<uint64_t> idle_mask{0};  // CPUs blocked in the idle loop.
    std::atomic<uint64_t> next_id{1};
};
extern SchedGlobals g_sched;

inline CpuMask online_mask() {
    return g_num_cpus >= 64 ? kAllCpus : ((CpuMask{1} << g_num_cpus) - 1);
}

// The hot path calls the default policy directly (final class, inline methods); a replaced
// policy goes through the vtable. Precondition: g_sched.lock held.
inline void sched_enqueue(Task& t, EnqueueReason r) {
    if (g_sched.scheduler == g_sched.default_scheduler)
        g_sched.default_scheduler->RoundRobinScheduler::enqueue(t, r);
    else
        g_sched.scheduler->enqueue(t, r);
}

inline Task* sched_pick_next(unsigned cpu) {
    if (g_sched.scheduler == g_sched.default_scheduler)
        return g_sched.default_scheduler->RoundRobinScheduler::pick_next(cpu);
    return g_sched.scheduler->pick_next(cpu);
}

class Sched {
  public:
    /// Sleeps until unpark(), an interrupt() (if interruptible) or `deadline_ns` (time::now()
    /// value; UINT64_MAX: none). May return early or spuriously: callers loop on their own
    /// condition. Precondition: task context that may sleep.
    static void park(uint64_t deadline_ns, Interruptible interruptible);
    /// Makes `task` runnable if it is parked, else makes its next park() return at once.
    /// Any context.
    static void unpark(Task& task);
    /// Puts the current task back on the run queue and runs the next one.
    static void yield(EnqueueReason reason) { yield_on(this_cpu(), reason); }
    /// yield() when the caller already looked up its CPU.
    static void yield_on(PerCpu* cpu, EnqueueReason reason);
    /// Panics, naming the broken invariant, if the caller may not sleep.
    static void assert_may_sleep(const char* what);
    /// Safe point with something pending: deliver interrupts, maybe preempt.
    static void safe_point_slow(PerCpu* cpu);

    /// Moves the current task onto another context of its own (the host's user-mode fibers): the
    /// task's saved context becomes `to` and execution continues there; whoever later switches
    /// back the same way resumes here. Precondition: preemption disabled (so the task cannot be
    /// switched out half-way); `to` is not running anywhere.
    static void switch_within_task(hal::Context* to);
    /// The current task's saved-context slot (what switch_within_task() switches away from).
    /// Precondition: preemption disabled.
    static hal::Context* current_context();

    static Result<TaskRef> spawn(TaskOptions& options);
    [[noreturn]] static void exit_current(int status);
    static void destroy(Task* task);
    static Result<void> set_scheduler(Scheduler& scheduler);

    // Machine lifecycle, called by ostd's init and the backend's boot flow.
    static void init(unsigned num_cpus, bool deterministic);
    static void start(KernelMain entry, const BootInfo& boot);
    static void cpu_main(unsigned cpu);
    static int finish();
    static void shutdown();
    [[noreturn]] static void power_off(int status);
    /// Asks every CPU to stop with `status` (first status wins) without leaving the caller:
    /// each CPU abandons its task at its next safe point. Usable from idle and safe points.
    static void request_stop(int status);
    static bool is_running();

  private:
    using Registry = IntrusiveList<Task, &Task::all_link_>;
    static Registry& registry();
    static void task_entry(void* create_arg, void* switch_arg);
    static void finish_switch(Task* prev);
    static void switch_to(PerCpu* cpu, Task* prev, Task* next, bool prev_exited);
    static void switch_away(PerCpu* cpu, Task* prev, bool prev_exited);
    static void place(Task& task);
    static void deliver_irqs(PerCpu* cpu);
    [[noreturn]] static void abandon(PerCpu* cpu);
    static void on_tick_hw();
    static void on_deadline_hw();
};

/// Deterministic mode: counts a safe point; every so many advance the virtual clock one tick.
void deterministic_step(PerCpu* cpu);

}  // namespace ostd::detail

// The scheduling core (ostd-private): run states, context switches, park/unpark, the idle loop
// and machine start/stop. The built-in policy runs on per-CPU run queues (yield touches no
// shared state); a replacement Scheduler is called under the global scheduler lock.
// Lock order: a WaitQueue's lock is released before the scheduler lock is taken; the timer lock
// and the scheduler lock are never held together.
#pragma once

#include <cstdint>

#include <ostd/boot/entry.h>
#include <ostd/sync/intrusive_list.h>
#include <ostd/task/scheduler.h>
#include <ostd/task/task.h>

#include "hal/context.h"
#include "task/percpu.h"

namespace ostd::detail {

/// Machine-wide scheduling state (one machine per process at a time).
struct SchedGlobals {
    /// Guards every call of a replacement Scheduler, the kBlocked <-> kRunnable transitions
    /// (park/unpark/exit), wake_token_ and last_cpu_. When taken by a switching
    /// task it is held across the switch and the next task releases it. Yields under the
    /// built-in policy do not take it.
    alignas(64) RawSpinLock lock;
    RawSpinLock registry_lock;  // Guards Sched::registry().
    std::atomic<uint64_t> next_id{1};
    // Read-mostly, on every yield: kept off the lines the locks bounce on.
    /// The replacement policy, or nullptr for the built-in per-CPU one. Written under `lock`.
    alignas(64) std::atomic<Scheduler*> custom{nullptr};
    std::atomic<bool> running{false};
    std::atomic<bool> stopping{false};
    std::atomic<bool> status_set{false};
    std::atomic<int> exit_status{0};
    std::atomic<uint64_t> idle_mask{0};  // CPUs blocked (or about to block) in the idle loop.
};
extern SchedGlobals g_sched;

inline CpuMask online_mask() {
    return g_num_cpus >= 64 ? kAllCpus : ((CpuMask{1} << g_num_cpus) - 1);
}

/// The installed replacement policy, or nullptr when the built-in per-CPU one runs.
inline Scheduler* custom_scheduler() {
    return g_sched.custom.load(std::memory_order_relaxed);
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
    /// ostd::yield_now(): the common case (built-in policy, nothing pending, no CPU idle) inline,
    /// with the switch as its tail call; everything else in yield_checked().
    static void yield_now();
    /// Puts the current task back on the run queue and runs the next one.
    static void yield(EnqueueReason reason) { yield_on(this_cpu(), reason); }
    /// yield() when the caller already looked up its CPU. Under the built-in policy, with nothing
    /// pending, nothing posted to this CPU and no CPU idle, this touches only this CPU's state.
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
    /// The status the machine stopped with (valid once it stopped).
    static int exit_status();
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
    static void finish_locked_switch(void* prev);
    static void charge_switch();
    [[noreturn]] static void switch_final(Task* prev, Task* next);
    static void switch_to(PerCpu* cpu, Task* prev, Task* next, bool prev_exited, bool locked);
    static void switch_away(PerCpu* cpu, Task* prev, bool prev_exited);
    static void yield_local(PerCpu* cpu, Task* self, EnqueueReason reason);
    static void yield_checked(PerCpu* cpu);
    static void yield_slow(PerCpu* cpu, Task* self, EnqueueReason reason);
    static void yield_custom(PerCpu* cpu, Task* self, Scheduler* s, EnqueueReason reason);
    static void make_runnable(Task& task, EnqueueReason reason);
    static void place_custom(Task& task, Scheduler* s);
    static void place_local(Task& task, EnqueueReason reason);
    static void post(PerCpu& cpu, Task& task, EnqueueReason reason);
    static Task* take_inbox(PerCpu& cpu);
    static void post_and_kick(PerCpu& cpu, Task& task, EnqueueReason reason);
    static Task* steal(PerCpu* cpu);
    static void drain_inbox(PerCpu* cpu);
    static void balance(PerCpu* cpu);
    static void deliver_irqs(PerCpu* cpu);
    [[noreturn]] static void abandon(PerCpu* cpu);
    static void on_tick_hw();
    static void on_deadline_hw();
};

// Precondition: if `locked`, the scheduler lock is held (released, possibly by another task, by
// finish_locked_switch() on next's stack). prev's state is already set. Inline: it is most of a
// yield, and an unlocked switch is a tail call, so the task switched back to later resumes
// straight in its caller (see hal::context_switch()).
inline void Sched::switch_to(PerCpu* cpu, Task* prev, Task* next, bool prev_exited,
                             bool locked) ORRERY_NO_THREAD_SAFETY_ANALYSIS {
    next->state_.store(TaskState::kRunning, std::memory_order_relaxed);
    cpu->current = next;
    cpu->cur_prio.store(next->priority_, std::memory_order_relaxed);
    if (g_deterministic) charge_switch();
    if (prev_exited) switch_final(prev, next);
    if (locked)
        hal::context_switch_then(prev->ctx_, next->ctx_, &finish_locked_switch, prev);
    else
        hal::context_switch(prev->ctx_, next->ctx_, nullptr);
    // Possibly on another CPU now: `cpu` is stale.
}

// Built-in policy: switches to the next queued task of at least our priority, if any. Touches
// only this CPU's state: no lock, no atomic read-modify-write. Precondition: `cpu` is this CPU,
// `self` its current (non-idle) task, the built-in policy is installed.
[[gnu::always_inline]] inline void Sched::yield_local(PerCpu* cpu, Task* self,
                                                     EnqueueReason reason) {
    RunQueue& rq = cpu->rq;
    // As if we were queued (at the front of our level when preempted mid-slice) and then the
    // head of the queue picked.
    bool to_front = reason == EnqueueReason::kPreempt && self->sched_.slice_left > 0;
    if (!rq.has_at_least(self->priority_ + (to_front ? 1u : 0u))) {
        if (!to_front) self->sched_.slice_left = kDefaultSliceTicks;
        return;
    }
    Task* next;
    if (reason == EnqueueReason::kPreempt) {
        next = rq.pop_highest();
        rq.enqueue(*self, reason);
    } else {
        next = rq.yield_to_head(*self);
    }
    self->state_.store(TaskState::kRunnable, std::memory_order_relaxed);
    switch_to(cpu, self, next, false, false);
}

inline void Sched::yield_on(PerCpu* cpu, EnqueueReason reason) {
    Task* self = cpu->current;
    if (self->is_idle_) return;
    if (custom_scheduler() || g_sched.stopping.load(std::memory_order_relaxed) ||
        cpu->inbox.load(std::memory_order_relaxed) ||
        cpu->pending.load(std::memory_order_relaxed) ||
        g_sched.idle_mask.load(std::memory_order_relaxed)) [[unlikely]] {
        yield_slow(cpu, self, reason);
        return;
    }
    yield_local(cpu, self, reason);
}

inline void Sched::yield_now() {
    PerCpu* cpu = this_cpu();
    if (!cpu) [[unlikely]] {
        assert_may_sleep("yield_now()");  // Panics: no machine.
        return;
    }
    Task* self = cpu->current;
    // Every reason to leave the fast path, or-ed so that the common case takes one branch:
    // may-sleep violations (yield_checked() panics on them), deterministic accounting, pending
    // interrupts or stop, tasks posted to this CPU, a replacement policy, power-off, idle CPUs.
    uintptr_t slow = static_cast<uintptr_t>(cpu->preempt_count | cpu->irq_depth) |
                     cpu->in_irq | self->is_idle_ | g_deterministic |
                     cpu->pending.load(std::memory_order_relaxed) |
                     reinterpret_cast<uintptr_t>(cpu->inbox.load(std::memory_order_relaxed)) |
                     reinterpret_cast<uintptr_t>(custom_scheduler()) |
                     g_sched.stopping.load(std::memory_order_relaxed) |
                     g_sched.idle_mask.load(std::memory_order_relaxed);
    if (slow) [[unlikely]] {
        yield_checked(cpu);
        return;
    }
    yield_local(cpu, self, EnqueueReason::kYield);
}

/// Deterministic mode: counts a safe point; every so many advance the virtual clock one tick.
void deterministic_step(PerCpu* cpu);

}  // namespace ostd::detail

// Machine lifecycle: bring-up of the scheduling core, each CPU's idle loop, the timer
// hardware hooks, power-off and the teardown that reclaims every task.
#include <ostd/timer/timer.h>

#include "hal/clock.h"
#include "hal/context.h"
#include "hal/machine.h"
#include "irq/irq_table.h"
#include "task/sched.h"
#include "timer/timer_queue.h"

namespace ostd::detail {

void Sched::on_tick_hw() {
    for (unsigned c = 0; c < g_num_cpus; ++c) {
        // Idle CPUs need no tick (tickless idle): set the bit without waking them.
        g_cpus[c].pending.fetch_or(kPendingTick, std::memory_order_release);
    }
}

void Sched::on_deadline_hw() {
    // Route the timer interrupt like an IOAPIC would: to an idle CPU if any, else CPU 0.
    uint64_t idle = g_sched.idle_mask.load(std::memory_order_relaxed);
    unsigned target = idle ? static_cast<unsigned>(__builtin_ctzll(idle)) : 0;
    raise_pending(g_cpus[target], kPendingTimer);
}

// --- Machine lifecycle -------------------------------------------------------------------

void Sched::init(unsigned num_cpus, bool deterministic) {
    ORRERY_ASSERT(!is_running(), "a machine is already running in this process");
    ORRERY_ASSERT(num_cpus >= 1 && num_cpus <= kMaxCpus, "bad CPU count %u", num_cpus);
    g_num_cpus = num_cpus;
    g_deterministic = deterministic;
    // Only the per-CPU records a machine can have used need resetting: all of them before the
    // first machine, then those of the previous machine and of this one (a fuzzer boots a
    // one-CPU machine per input; the 64 records' run queues were a measurable part of it).
    static unsigned cpus_touched = kMaxCpus;
    unsigned reset = num_cpus > cpus_touched ? num_cpus : cpus_touched;
    cpus_touched = num_cpus;
    for (unsigned i = 0; i < reset; ++i) {
        PerCpu& c = g_cpus[i];
        c.id = i;
        c.current = c.idle = nullptr;
        c.preempt_count = c.irq_depth = 0;
        c.in_irq = false;
        c.det_points = 0;
        c.pending.store(0, std::memory_order_relaxed);
        c.cur_prio.store(0, std::memory_order_relaxed);
        c.rq.reset();
        c.inbox.store(nullptr, std::memory_order_relaxed);
    }
    g_sched.custom.store(nullptr, std::memory_order_relaxed);
    g_sched.stopping.store(false);
    g_sched.status_set.store(false);
    g_sched.exit_status.store(0);
    g_sched.idle_mask.store(0);
    g_sched.next_id.store(1);
    clock_init(deterministic);
    TimerQueue::reset();
    IrqTable::reset();
    IrqTable::reset_softirqs();
    g_sched.running.store(true, std::memory_order_release);
}

void Sched::start(KernelMain entry, const BootInfo& boot) {
    const BootInfo* b = &boot;
    g_virtual_time_limit_ns = boot.deterministic ? boot.virtual_time_limit_ns : 0;
    TaskOptions options([entry, b]() -> int { power_off(entry(*b)); });
    auto main_task = spawn(options.name("kernel-main"));
    if (main_task.is_error())
        panic("cannot spawn the kernel entry: errno %d", main_task.error().code());
    if (!g_deterministic) hal::timer_start(time::kTickNs, {&on_tick_hw, &on_deadline_hw});
}

void Sched::cpu_main(unsigned id) ORRERY_NO_THREAD_SAFETY_ANALYSIS {
    PerCpu* cpu = &g_cpus[id];
    auto* idle = new Task;
    idle->is_idle_ = true;
    idle->name_ = "idle";
    idle->priority_ = 0;
    idle->ctx_ = hal::context_for_current_thread();
    idle->state_.store(TaskState::kRunning);
    idle->sched_.task = idle;
    CpuMask bit = CpuMask{1} << id;
    g_sched.lock.lock();
    cpu->idle = idle;
    cpu->current = idle;
    g_sched.lock.unlock();

    // The idle context always runs on this host thread: only this CPU switches to it.
    for (;;) {
        if (cpu->pending.load(std::memory_order_relaxed) & kPendingIrqMask) deliver_irqs(cpu);
        Scheduler* custom = custom_scheduler();
        if (custom) g_sched.lock.lock();
        g_sched.idle_mask.fetch_and(~bit, std::memory_order_seq_cst);
        if (g_sched.stopping.load(std::memory_order_relaxed)) {
            if (custom) g_sched.lock.unlock();
            break;
        }
        cpu->pending.fetch_and(~kPendingResched, std::memory_order_acq_rel);
        Task* next = nullptr;
        if (custom) {
            next = custom->pick_next(id);
        } else {
            drain_inbox(cpu);
            next = cpu->rq.pop_highest();
            if (!next) next = steal(cpu);
            balance(cpu);  // More came than this CPU can run now: share with idle ones.
        }
        if (next) {
            switch_to(cpu, idle, next, false, custom != nullptr);
            continue;
        }
        if (g_deterministic) {
            if (custom) g_sched.lock.unlock();
            uint64_t d = TimerQueue::next_deadline();
            uint64_t limit = g_virtual_time_limit_ns;
            if (limit != 0 && (d == UINT64_MAX || d > limit)) {
                // A hang by the fuzzers' definition: stop instead of sleeping past the limit.
                request_stop(kMachineHungStatus);
                continue;
            }
            if (d == UINT64_MAX)
                panic("deterministic machine deadlocked: every task sleeps and no timer is armed");
            clock_advance_to(d);
            cpu->pending.fetch_or(kPendingTimer, std::memory_order_relaxed);
            continue;
        }
        g_sched.idle_mask.fetch_or(bit, std::memory_order_seq_cst);
        if (custom) {
            g_sched.lock.unlock();
        } else if (cpu->inbox.load(std::memory_order_seq_cst) || custom_scheduler() != nullptr) {
            continue;  // Posted to before we were seen idle (or the policy changed): look again.
        }
        hal::cpu_wait(cpu->pending);
    }
}

void Sched::abandon(PerCpu* cpu) ORRERY_NO_THREAD_SAFETY_ANALYSIS {
    // Power-off: this task is frozen where it stands; its stack is reclaimed at shutdown.
    Task* self = cpu->current;
    g_sched.lock.lock();
    self->state_.store(TaskState::kBlocked, std::memory_order_relaxed);
    switch_away(cpu, self, false);
    panic("task %lu resumed after power-off", static_cast<unsigned long>(self->id_));
}

void Sched::power_off(int status) {
    PerCpu* cpu = this_cpu();
    if (!cpu || !is_running()) hal::power_off(status);
    if (cpu->in_irq || cpu->preempt_count || cpu->irq_depth || cpu->current->is_idle_)
        panic("power_off() from atomic or interrupt context");
    request_stop(status);
    abandon(cpu);
}

void Sched::request_stop(int status) {
    if (!g_sched.status_set.exchange(true)) g_sched.exit_status.store(status);
    g_sched.stopping.store(true, std::memory_order_release);
    for (unsigned c = 0; c < g_num_cpus; ++c)
        raise_pending(g_cpus[c], kPendingStop);
}

int Sched::exit_status() {
    return g_sched.exit_status.load();
}

int Sched::finish() {
    if (!g_deterministic) hal::timer_stop();
    return g_sched.exit_status.load();
}

void Sched::shutdown() {
    if (!is_running()) return;
    // Tasks still alive were frozen mid-flight. References to them may sit in any of them, so
    // pin them all, drop their entries (whose captures may drop references), then free them.
    Registry& reg = registry();
    for (Task* t = reg.front(); t; t = reg.next(*t))
        t->ref();
    for (Task* t = reg.front(); t; t = reg.next(*t))
        t->entry_.reset();
    while (Task* t = reg.pop_front()) {
        hal::context_destroy(t->ctx_);
        t->ctx_ = nullptr;
        delete t;
    }
    for (unsigned c = 0; c < g_num_cpus; ++c) {
        if (Task* idle = g_cpus[c].idle) {
            hal::context_destroy(idle->ctx_);
            idle->ctx_ = nullptr;
            delete idle;
        }
        g_cpus[c].idle = g_cpus[c].current = nullptr;
    }
    for (unsigned c = 0; c < g_num_cpus; ++c) {
        g_cpus[c].rq.reset();
        g_cpus[c].inbox.store(nullptr, std::memory_order_relaxed);
    }
    g_sched.custom.store(nullptr, std::memory_order_relaxed);
    TimerQueue::reset();
    IrqTable::reset();
    g_num_cpus = 0;
    g_sched.running.store(false, std::memory_order_release);
}

}  // namespace ostd::detail

// The scheduling core: context switches between tasks (directly task to task; the lock taken by
// the outgoing task is released by the incoming one), parking, the idle loop and power-off.
#include "task/sched.h"

#include <new>

#include <ostd/common/log.h>
#include <ostd/common/panic.h>
#include <ostd/timer/timer.h>

#include "hal/clock.h"
#include "hal/context.h"
#include "hal/machine.h"
#include "irq/irq_table.h"
#include "task/round_robin.h"
#include "timer/timer_queue.h"

namespace ostd::detail {

PerCpu g_cpus[kMaxCpus];
unsigned g_num_cpus = 0;
bool g_deterministic = false;

namespace {

// Guards every Scheduler call, Task::state_ transitions, on_cpu_, wake_token_ and
// PerCpu::current. Held across a context switch: the next task releases it.
RawSpinLock g_sched_lock;
Scheduler* g_scheduler = nullptr;
RoundRobinScheduler* g_default_scheduler = nullptr;  // Owned; lives from init to shutdown.
RawSpinLock g_registry_lock;

std::atomic<bool> g_running{false};
std::atomic<bool> g_stopping{false};
std::atomic<bool> g_status_set{false};
std::atomic<int> g_exit_status{0};
std::atomic<uint64_t> g_idle_mask{0};
std::atomic<uint64_t> g_next_id{1};

// Deterministic mode: virtual time charged per context switch.
constexpr uint64_t kDetSwitchNs = time::kNsPerUs;

CpuMask online_mask() {
    return g_num_cpus >= 64 ? kAllCpus : ((CpuMask{1} << g_num_cpus) - 1);
}

// The hot path calls the default policy directly (final class, inline methods); a replaced
// policy goes through the vtable.
void sched_enqueue(Task& t, EnqueueReason r) {
    if (g_scheduler == g_default_scheduler)
        g_default_scheduler->RoundRobinScheduler::enqueue(t, r);
    else
        g_scheduler->enqueue(t, r);
}

Task* sched_pick_next(unsigned cpu) {
    if (g_scheduler == g_default_scheduler)
        return g_default_scheduler->RoundRobinScheduler::pick_next(cpu);
    return g_scheduler->pick_next(cpu);
}

PerCpu* this_cpu_checked(const char* what) {
    PerCpu* cpu = this_cpu();
    if (!cpu) panic("%s called outside a running machine", what);
    return cpu;
}

void timer_unpark(void* arg) {
    Sched::unpark(*static_cast<Task*>(arg));
}

}  // namespace

Sched::Registry& Sched::registry() {
    static Registry list;
    return list;
}

bool Sched::is_running() {
    return g_running.load(std::memory_order_acquire);
}

void Sched::assert_may_sleep(const char* what) {
    PerCpu* cpu = this_cpu_checked(what);
    if (cpu->in_irq) panic("%s in interrupt context: handlers must not sleep", what);
    if (cpu->preempt_count != 0)
        panic(
            "%s while atomic: a SpinLock/RwLock is held or preemption is disabled "
            "(preempt count %d)",
            what, cpu->preempt_count);
    if (cpu->irq_depth != 0) panic("%s with local IRQs disabled (depth %d)", what, cpu->irq_depth);
    if (cpu->current->is_idle_) panic("%s from a CPU's idle context", what);
}

// --- Context switching -------------------------------------------------------------------

// Runs first in the task switched to, with the scheduler lock still held by the switch.
void Sched::finish_switch(Task* prev) ORRERY_NO_THREAD_SAFETY_ANALYSIS {
    prev->on_cpu_ = false;
    bool exited = prev->state_.load(std::memory_order_relaxed) == TaskState::kExited;
    g_sched_lock.unlock();
    if (exited) {
        // We are on another stack now, so the dead one can go.
        hal::context_destroy(prev->ctx_);
        prev->ctx_ = nullptr;
        prev->release_ref();  // The scheduler's reference, taken at spawn.
    }
}

// Precondition: scheduler lock held (released on return, possibly by another task).
void Sched::switch_to(PerCpu* cpu, Task* prev, Task* next,
                      bool prev_exited) ORRERY_NO_THREAD_SAFETY_ANALYSIS {
    next->state_.store(TaskState::kRunning, std::memory_order_relaxed);
    next->on_cpu_ = true;
    cpu->current = next;
    if (g_deterministic) clock_advance(kDetSwitchNs);
    if (prev_exited) hal::context_switch_final(prev->ctx_, next->ctx_, prev);
    void* from = hal::context_switch(prev->ctx_, next->ctx_, prev);
    // Possibly on another CPU now: `cpu` is stale.
    finish_switch(static_cast<Task*>(from));
}

// Precondition: scheduler lock held; prev's state already set (and prev queued if runnable).
void Sched::switch_away(PerCpu* cpu, Task* prev,
                        bool prev_exited) ORRERY_NO_THREAD_SAFETY_ANALYSIS {
    if (cpu->pending.load(std::memory_order_relaxed) & kPendingResched)
        cpu->pending.fetch_and(~kPendingResched, std::memory_order_relaxed);
    Task* next = g_stopping.load(std::memory_order_relaxed) ? nullptr : sched_pick_next(cpu->id);
    if (!next) next = cpu->idle;
    if (next == prev) {
        prev->state_.store(TaskState::kRunning, std::memory_order_relaxed);
        g_sched_lock.unlock();
        return;
    }
    switch_to(cpu, prev, next, prev_exited);
}

// Precondition: scheduler lock held; task just enqueued. Finds a CPU to run it.
void Sched::place(Task& task) {
    CpuMask allowed = task.affinity_ & online_mask();
    uint64_t idle = g_idle_mask.load(std::memory_order_relaxed) & allowed;
    if (idle) {
        raise_pending(g_cpus[__builtin_ctzll(idle)], kPendingResched);
        return;
    }
    for (unsigned c = 0; c < g_num_cpus; ++c) {
        if (!(allowed & (CpuMask{1} << c)) || !g_cpus[c].current) continue;
        if (g_scheduler->should_preempt(*g_cpus[c].current, task)) {
            raise_pending(g_cpus[c], kPendingResched);
            return;
        }
    }
}

void Sched::yield_on(PerCpu* cpu, EnqueueReason reason) ORRERY_NO_THREAD_SAFETY_ANALYSIS {
    if (!cpu) panic("yield called outside a running machine");
    Task* self = cpu->current;
    if (self->is_idle_) return;
    g_sched_lock.lock();
    if (g_stopping.load(std::memory_order_relaxed)) {
        g_sched_lock.unlock();
        abandon(cpu);
    }
    self->state_.store(TaskState::kRunnable, std::memory_order_relaxed);
    sched_enqueue(*self, reason);
    switch_away(cpu, self, false);
}

void Sched::park(uint64_t deadline_ns,
                 Interruptible interruptible) ORRERY_NO_THREAD_SAFETY_ANALYSIS {
    assert_may_sleep("sleeping");
    PerCpu* cpu = this_cpu();
    Task* self = cpu->current;
    if (interruptible == Interruptible::kYes && self->is_interrupted()) return;
    Timer timer(&timer_unpark, self);
    if (deadline_ns != UINT64_MAX) {
        if (deadline_ns <= time::now()) return;
        timer.arm_at(deadline_ns);
    }
    g_sched_lock.lock();
    if (self->wake_token_) {
        self->wake_token_ = false;
        g_sched_lock.unlock();
    } else {
        self->state_.store(TaskState::kBlocked, std::memory_order_relaxed);
        switch_away(cpu, self, false);
    }
    if (deadline_ns != UINT64_MAX) timer.cancel();
}

void Sched::unpark(Task& task) ORRERY_NO_THREAD_SAFETY_ANALYSIS {
    g_sched_lock.lock();
    if (task.state_.load(std::memory_order_relaxed) == TaskState::kBlocked && !task.on_cpu_ &&
        !g_stopping.load(std::memory_order_relaxed)) {
        task.state_.store(TaskState::kRunnable, std::memory_order_relaxed);
        sched_enqueue(task, EnqueueReason::kWake);
        place(task);
    } else {
        task.wake_token_ = true;
    }
    g_sched_lock.unlock();
}

// --- Interrupts and safe points ----------------------------------------------------------

void Sched::deliver_irqs(PerCpu* cpu) ORRERY_NO_THREAD_SAFETY_ANALYSIS {
    uint32_t bits =
        cpu->pending.fetch_and(~kPendingIrqMask, std::memory_order_acq_rel) & kPendingIrqMask;
    if (!bits) return;
    cpu->irq_depth++;
    cpu->preempt_count++;
    cpu->in_irq = true;
    if (bits & kPendingTick) {
        g_sched_lock.lock();
        Task* cur = cpu->current;
        bool preempt = !cur->is_idle_ && g_scheduler->tick(cpu->id, *cur);
        g_sched_lock.unlock();
        if (preempt) cpu->pending.fetch_or(kPendingResched, std::memory_order_relaxed);
    }
    if (bits & kPendingTimer) TimerQueue::run_expired();
    if (bits & kPendingDevice) IrqTable::deliver(cpu->id);
    // Hard handlers may have raised soft IRQs: run them now, before leaving interrupt context.
    if ((bits & kPendingSoftIrq) ||
        (cpu->pending.load(std::memory_order_relaxed) & kPendingSoftIrq)) {
        cpu->pending.fetch_and(~kPendingSoftIrq, std::memory_order_relaxed);
        IrqTable::run_softirqs(cpu->id);
    }
    cpu->in_irq = false;
    cpu->preempt_count--;
    cpu->irq_depth--;
}

void Sched::safe_point_slow(PerCpu* cpu) {
    if (cpu->in_irq || cpu->irq_depth != 0) return;
    deliver_irqs(cpu);
    if (cpu->preempt_count != 0 || cpu->current->is_idle_) return;
    uint32_t p = cpu->pending.load(std::memory_order_acquire);
    if (p & kPendingStop) abandon(cpu);
    if (p & kPendingResched) yield(EnqueueReason::kPreempt);
}

void Sched::on_tick_hw() {
    for (unsigned c = 0; c < g_num_cpus; ++c) {
        // Idle CPUs need no tick (tickless idle): set the bit without waking them.
        g_cpus[c].pending.fetch_or(kPendingTick, std::memory_order_release);
    }
}

void Sched::on_deadline_hw() {
    // Route the timer interrupt like an IOAPIC would: to an idle CPU if any, else CPU 0.
    uint64_t idle = g_idle_mask.load(std::memory_order_relaxed);
    unsigned target = idle ? static_cast<unsigned>(__builtin_ctzll(idle)) : 0;
    raise_pending(g_cpus[target], kPendingTimer);
}

// --- Task lifecycle ----------------------------------------------------------------------

void Sched::task_entry(void* create_arg, void* switch_arg) {
    finish_switch(static_cast<Task*>(switch_arg));
    Task* self = static_cast<Task*>(create_arg);
    int status = self->entry_();
    self->entry_ = nullptr;  // Destroy captures here, in the task's own context.
    exit_current(status);
}

Result<TaskRef> Sched::spawn(TaskOptions& o) ORRERY_NO_THREAD_SAFETY_ANALYSIS {
    if (!is_running()) return Error(EINVAL, "spawn outside a running machine");
    if (!o.entry_) return Error(EINVAL, "task without entry");
    if (o.priority_ >= kPriorityLevels) return Error(EINVAL, "priority out of range");
    if ((o.affinity_ & online_mask()) == 0) return Error(EINVAL, "affinity names no online CPU");
    Task* t = new (std::nothrow) Task;
    if (!t) return Error(ENOMEM, "task");
    t->id_ = g_next_id.fetch_add(1, std::memory_order_relaxed);
    t->name_ = o.name_;
    t->priority_ = o.priority_;
    t->affinity_ = o.affinity_;
    t->data_ = o.data_;
    t->entry_ = std::move(o.entry_);
    t->sched_.task = t;
    auto ctx = hal::context_create(&task_entry, t, o.stack_size_);
    if (ctx.is_error()) {
        delete t;
        return ctx.error();
    }
    t->ctx_ = ctx.value();
    {
        RawSpinLockGuard g(g_registry_lock);
        registry().push_back(*t);
    }
    t->refs_.store(2, std::memory_order_relaxed);  // The scheduler's and the caller's.
    g_sched_lock.lock();
    t->state_.store(TaskState::kRunnable, std::memory_order_relaxed);
    sched_enqueue(*t, EnqueueReason::kSpawn);
    place(*t);
    g_sched_lock.unlock();
    return TaskRef::adopt(*t);
}

void Sched::exit_current(int status) ORRERY_NO_THREAD_SAFETY_ANALYSIS {
    assert_may_sleep("Task::exit");
    PerCpu* cpu = this_cpu();
    Task* self = cpu->current;
    self->exit_status_ = status;
    self->exited_.store(true, std::memory_order_release);
    self->join_waiters_.wake_all();
    cpu = this_cpu();
    g_sched_lock.lock();
    self->state_.store(TaskState::kExited, std::memory_order_release);
    switch_away(cpu, self, true);
    panic("exited task %lu resumed", static_cast<unsigned long>(self->id_));
}

void Sched::destroy(Task* t) {
    {
        RawSpinLockGuard g(g_registry_lock);
        if (t->all_link_.is_linked()) registry().remove(*t);
    }
    hal::context_destroy(t->ctx_);
    t->ctx_ = nullptr;
    delete t;
}

Result<void> Sched::set_scheduler(Scheduler& s) ORRERY_NO_THREAD_SAFETY_ANALYSIS {
    RawSpinLockGuard g(g_sched_lock);
    if (g_scheduler && g_scheduler->has_runnable()) return Error(EBUSY, "tasks are queued");
    g_scheduler = &s;
    return ok();
}

// --- Machine lifecycle -------------------------------------------------------------------

void Sched::init(unsigned num_cpus, bool deterministic) {
    ORRERY_ASSERT(!is_running(), "a machine is already running in this process");
    ORRERY_ASSERT(num_cpus >= 1 && num_cpus <= kMaxCpus, "bad CPU count %u", num_cpus);
    g_num_cpus = num_cpus;
    g_deterministic = deterministic;
    for (unsigned i = 0; i < kMaxCpus; ++i) {
        PerCpu& c = g_cpus[i];
        c.id = i;
        c.current = c.idle = nullptr;
        c.preempt_count = c.irq_depth = 0;
        c.in_irq = false;
        c.det_points = 0;
        c.pending.store(0, std::memory_order_relaxed);
    }
    g_default_scheduler = new RoundRobinScheduler;
    g_scheduler = g_default_scheduler;
    g_stopping.store(false);
    g_status_set.store(false);
    g_exit_status.store(0);
    g_idle_mask.store(0);
    g_next_id.store(1);
    clock_init(deterministic);
    TimerQueue::reset();
    IrqTable::reset();
    IrqTable::reset_softirqs();
    g_running.store(true, std::memory_order_release);
}

void Sched::start(KernelMain entry, const BootInfo& boot) {
    const BootInfo* b = &boot;
    auto main_task =
        spawn(TaskOptions([entry, b]() -> int { power_off(entry(*b)); }).name("kernel-main"));
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
    idle->on_cpu_ = true;
    idle->sched_.task = idle;
    CpuMask bit = CpuMask{1} << id;
    g_sched_lock.lock();
    cpu->idle = idle;
    cpu->current = idle;
    g_sched_lock.unlock();

    // The idle context always runs on this host thread: only this CPU switches to it.
    for (;;) {
        if (cpu->pending.load(std::memory_order_relaxed) & kPendingIrqMask) deliver_irqs(cpu);
        g_sched_lock.lock();
        g_idle_mask.fetch_and(~bit, std::memory_order_relaxed);
        if (g_stopping.load(std::memory_order_relaxed)) {
            g_sched_lock.unlock();
            break;
        }
        cpu->pending.fetch_and(~kPendingResched, std::memory_order_relaxed);
        if (Task* next = sched_pick_next(id)) {
            switch_to(cpu, idle, next, false);
            continue;
        }
        if (g_deterministic) {
            g_sched_lock.unlock();
            uint64_t d = TimerQueue::next_deadline();
            if (d == UINT64_MAX)
                panic("deterministic machine deadlocked: every task sleeps and no timer is armed");
            clock_advance_to(d);
            cpu->pending.fetch_or(kPendingTimer, std::memory_order_relaxed);
            continue;
        }
        g_idle_mask.fetch_or(bit, std::memory_order_relaxed);
        g_sched_lock.unlock();
        hal::cpu_wait(cpu->pending);
    }
}

void Sched::abandon(PerCpu* cpu) ORRERY_NO_THREAD_SAFETY_ANALYSIS {
    // Power-off: this task is frozen where it stands; its stack is reclaimed at shutdown.
    Task* self = cpu->current;
    g_sched_lock.lock();
    self->state_.store(TaskState::kBlocked, std::memory_order_relaxed);
    switch_away(cpu, self, false);
    panic("task %lu resumed after power-off", static_cast<unsigned long>(self->id_));
}

void Sched::power_off(int status) {
    PerCpu* cpu = this_cpu();
    if (!cpu || !is_running()) hal::power_off(status);
    if (cpu->in_irq || cpu->preempt_count || cpu->irq_depth || cpu->current->is_idle_)
        panic("power_off() from atomic or interrupt context");
    if (!g_status_set.exchange(true)) g_exit_status.store(status);
    g_stopping.store(true, std::memory_order_release);
    for (unsigned c = 0; c < g_num_cpus; ++c)
        raise_pending(g_cpus[c], kPendingStop);
    abandon(cpu);
}

int Sched::finish() {
    if (!g_deterministic) hal::timer_stop();
    return g_exit_status.load();
}

void Sched::shutdown() {
    if (!is_running()) return;
    // Tasks still alive were frozen mid-flight. References to them may sit in any of them, so
    // pin them all, drop their entries (whose captures may drop references), then free them.
    Registry& reg = registry();
    for (Task* t = reg.front(); t; t = reg.next(*t))
        t->add_ref();
    for (Task* t = reg.front(); t; t = reg.next(*t))
        t->entry_ = nullptr;
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
    g_scheduler = nullptr;
    delete g_default_scheduler;
    g_default_scheduler = nullptr;
    TimerQueue::reset();
    IrqTable::reset();
    g_num_cpus = 0;
    g_running.store(false, std::memory_order_release);
}

}  // namespace ostd::detail

// The scheduling core: context switches directly from task to task (the lock taken by the
// outgoing task is released by the incoming one), parking and waking, and safe points.
#include "task/sched.h"

#include <new>

#include <ostd/common/panic.h>
#include <ostd/timer/timer.h>

#include "hal/context.h"
#include "irq/irq_table.h"
#include "task/round_robin.h"
#include "timer/timer_queue.h"

namespace ostd::detail {

PerCpu g_cpus[kMaxCpus];
unsigned g_num_cpus = 0;
bool g_deterministic = false;
uint64_t g_virtual_time_limit_ns = 0;

SchedGlobals g_sched;

namespace {

// Deterministic mode: virtual time charged per context switch.
constexpr uint64_t kDetSwitchNs = time::kNsPerUs;

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
    return g_sched.running.load(std::memory_order_acquire);
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
    g_sched.lock.unlock();
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

void Sched::switch_within_task(hal::Context* to) {
    PerCpu* cpu = this_cpu_checked("switch_within_task");
    ORRERY_ASSERT(cpu->preempt_count > 0, "switch_within_task with preemption enabled");
    Task* self = cpu->current;
    hal::Context* from = self->ctx_;
    self->ctx_ = to;
    hal::context_switch(from, to, nullptr);
}

hal::Context* Sched::current_context() {
    PerCpu* cpu = this_cpu_checked("current_context");
    ORRERY_ASSERT(cpu->preempt_count > 0, "current_context with preemption enabled");
    return cpu->current->ctx_;
}

// Precondition: scheduler lock held; prev's state already set (and prev queued if runnable).
void Sched::switch_away(PerCpu* cpu, Task* prev,
                        bool prev_exited) ORRERY_NO_THREAD_SAFETY_ANALYSIS {
    if (cpu->pending.load(std::memory_order_relaxed) & kPendingResched)
        cpu->pending.fetch_and(~kPendingResched, std::memory_order_relaxed);
    Task* next =
        g_sched.stopping.load(std::memory_order_relaxed) ? nullptr : sched_pick_next(cpu->id);
    if (!next) next = cpu->idle;
    if (next == prev) {
        prev->state_.store(TaskState::kRunning, std::memory_order_relaxed);
        g_sched.lock.unlock();
        return;
    }
    switch_to(cpu, prev, next, prev_exited);
}

// Precondition: scheduler lock held; task just enqueued. Finds a CPU to run it.
void Sched::place(Task& task) {
    CpuMask allowed = task.affinity_ & online_mask();
    uint64_t idle = g_sched.idle_mask.load(std::memory_order_relaxed) & allowed;
    if (idle) {
        unsigned c = static_cast<unsigned>(__builtin_ctzll(idle));
        // Claim it: the next wake-up picks another idle CPU instead of piling onto this one.
        g_sched.idle_mask.fetch_and(~(CpuMask{1} << c), std::memory_order_relaxed);
        raise_pending(g_cpus[c], kPendingResched);
        return;
    }
    for (unsigned c = 0; c < g_num_cpus; ++c) {
        if (!(allowed & (CpuMask{1} << c)) || !g_cpus[c].current) continue;
        if (g_sched.scheduler->should_preempt(*g_cpus[c].current, task)) {
            raise_pending(g_cpus[c], kPendingResched);
            return;
        }
    }
}

void Sched::yield_on(PerCpu* cpu, EnqueueReason reason) ORRERY_NO_THREAD_SAFETY_ANALYSIS {
    if (!cpu) panic("yield called outside a running machine");
    Task* self = cpu->current;
    if (self->is_idle_) return;
    g_sched.lock.lock();
    if (g_sched.stopping.load(std::memory_order_relaxed)) {
        g_sched.lock.unlock();
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
    g_sched.lock.lock();
    if (self->wake_token_) {
        self->wake_token_ = false;
        g_sched.lock.unlock();
    } else {
        self->state_.store(TaskState::kBlocked, std::memory_order_relaxed);
        switch_away(cpu, self, false);
    }
    if (deadline_ns != UINT64_MAX) timer.cancel();
}

void Sched::unpark(Task& task) ORRERY_NO_THREAD_SAFETY_ANALYSIS {
    g_sched.lock.lock();
    if (task.state_.load(std::memory_order_relaxed) == TaskState::kBlocked && !task.on_cpu_ &&
        !g_sched.stopping.load(std::memory_order_relaxed)) {
        task.state_.store(TaskState::kRunnable, std::memory_order_relaxed);
        sched_enqueue(task, EnqueueReason::kWake);
        place(task);
    } else {
        task.wake_token_ = true;
    }
    g_sched.lock.unlock();
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
        g_sched.lock.lock();
        Task* cur = cpu->current;
        bool preempt = !cur->is_idle_ && g_sched.scheduler->tick(cpu->id, *cur);
        g_sched.lock.unlock();
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
    t->id_ = g_sched.next_id.fetch_add(1, std::memory_order_relaxed);
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
        RawSpinLockGuard g(g_sched.registry_lock);
        registry().push_back(*t);
    }
    t->refs_.store(2, std::memory_order_relaxed);  // The scheduler's and the caller's.
    g_sched.lock.lock();
    t->state_.store(TaskState::kRunnable, std::memory_order_relaxed);
    sched_enqueue(*t, EnqueueReason::kSpawn);
    place(*t);
    g_sched.lock.unlock();
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
    g_sched.lock.lock();
    self->state_.store(TaskState::kExited, std::memory_order_release);
    switch_away(cpu, self, true);
    panic("exited task %lu resumed", static_cast<unsigned long>(self->id_));
}

void Sched::destroy(Task* t) {
    {
        RawSpinLockGuard g(g_sched.registry_lock);
        if (t->all_link_.is_linked()) registry().remove(*t);
    }
    hal::context_destroy(t->ctx_);
    t->ctx_ = nullptr;
    delete t;
}

Result<void> Sched::set_scheduler(Scheduler& s) ORRERY_NO_THREAD_SAFETY_ANALYSIS {
    RawSpinLockGuard g(g_sched.lock);
    if (g_sched.scheduler && g_sched.scheduler->has_runnable())
        return Error(EBUSY, "tasks are queued");
    g_sched.scheduler = &s;
    return ok();
}

}  // namespace ostd::detail

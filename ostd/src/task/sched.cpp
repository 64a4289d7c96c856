// The scheduling core: context switches directly from task to task (a lock taken by the
// outgoing task is released by the incoming one), parking and waking, and safe points.
#include "task/sched.h"

#include <new>

#include <ostd/common/panic.h>
#include <ostd/timer/timer.h>

#include "hal/context.h"
#include "irq/irq_table.h"
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

// Runs first in the task switched to by a switch made under the scheduler lock, on its stack.
// Only such a switch can leave a blocked or exited task behind: a task blocks (or exits) under
// the lock and stays on its CPU until the lock is dropped here, so under the lock a kBlocked
// task is never still running anywhere.
void Sched::finish_locked_switch(void* prev_arg) ORRERY_NO_THREAD_SAFETY_ANALYSIS {
    Task* prev = static_cast<Task*>(prev_arg);
    bool exited = prev->state_.load(std::memory_order_relaxed) == TaskState::kExited;
    g_sched.lock.unlock();
    if (exited) {
        // We are on another stack now, so the dead one can go.
        hal::context_destroy(prev->ctx_);
        prev->ctx_ = nullptr;
        prev->unref();  // The scheduler's reference, taken at spawn.
    }
}

void Sched::charge_switch() {
    clock_advance(kDetSwitchNs);
}

[[noreturn]] void Sched::switch_final(Task* prev, Task* next) {
    hal::context_switch_final_then(prev->ctx_, next->ctx_, &finish_locked_switch, prev);
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
    Task* next = nullptr;
    if (!g_sched.stopping.load(std::memory_order_relaxed)) {
        if (Scheduler* s = custom_scheduler()) {
            next = s->pick_next(cpu->id);
        } else {
            drain_inbox(cpu);
            balance(cpu);
            next = cpu->rq.pop_highest();
        }
    }
    if (!next) next = cpu->idle;
    if (next == prev) {
        prev->state_.store(TaskState::kRunning, std::memory_order_relaxed);
        g_sched.lock.unlock();
        return;
    }
    switch_to(cpu, prev, next, prev_exited, true);
}

// --- Yield, park, unpark -----------------------------------------------------------------

// yield_now() off its fast path.
void Sched::yield_checked(PerCpu* cpu) {
    Task* self = cpu->current;
    if (cpu->preempt_count || cpu->irq_depth || cpu->in_irq || self->is_idle_)
        assert_may_sleep("yield_now()");
    if (g_deterministic) deterministic_step(cpu);
    if (cpu->pending.load(std::memory_order_relaxed) & kPendingIrqMask) {
        safe_point_slow(cpu);
        cpu = this_cpu();  // It may have switched.
    }
    yield_on(cpu, EnqueueReason::kYield);
}

// The yield fast path's exceptions: power-off, a replacement policy, tasks posted to this CPU,
// pending bits, idle CPUs to hand work to.
void Sched::yield_slow(PerCpu* cpu, Task* self, EnqueueReason reason) {
    if (g_sched.stopping.load(std::memory_order_relaxed)) abandon(cpu);
    if (Scheduler* s = custom_scheduler()) {
        yield_custom(cpu, self, s, reason);
        return;
    }
    drain_inbox(cpu);
    if (cpu->pending.load(std::memory_order_relaxed) & kPendingResched)
        cpu->pending.fetch_and(~kPendingResched, std::memory_order_relaxed);
    balance(cpu);
    yield_local(cpu, self, reason);
}

void Sched::yield_custom(PerCpu* cpu, Task* self, Scheduler* s,
                         EnqueueReason reason) ORRERY_NO_THREAD_SAFETY_ANALYSIS {
    g_sched.lock.lock();
    self->state_.store(TaskState::kRunnable, std::memory_order_relaxed);
    s->enqueue(*self, reason);
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
        self->last_cpu_ = cpu->id;
        switch_away(cpu, self, false);
    }
    if (deadline_ns != UINT64_MAX) timer.cancel();
}

void Sched::unpark(Task& task) ORRERY_NO_THREAD_SAFETY_ANALYSIS {
    g_sched.lock.lock();
    if (task.state_.load(std::memory_order_relaxed) == TaskState::kBlocked &&
        !g_sched.stopping.load(std::memory_order_relaxed)) {
        task.state_.store(TaskState::kRunnable, std::memory_order_relaxed);
        make_runnable(task, EnqueueReason::kWake);
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
        Task* cur = cpu->current;
        bool preempt = false;
        if (Scheduler* s = custom_scheduler()) {
            g_sched.lock.lock();
            preempt = !cur->is_idle_ && s->tick(cpu->id, *cur);
            g_sched.lock.unlock();
        } else if (!cur->is_idle_) {
            drain_inbox(cpu);
            balance(cpu);
            preempt = run_queue_tick(cpu->rq, *cur);
        }
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
    // No current task yet: cpu_main() allocating its idle task (on bare metal through the ostd
    // heap, whose lock release is a safe point).
    if (cpu->preempt_count != 0 || !cpu->current || cpu->current->is_idle_) return;
    uint32_t p = cpu->pending.load(std::memory_order_acquire);
    if (p & kPendingStop) abandon(cpu);
    if (p & kPendingResched) yield(EnqueueReason::kPreempt);
}

// --- Task lifecycle ----------------------------------------------------------------------

// Any unlocking of the switch that first ran it was done by finish_locked_switch().
void Sched::task_entry(void* create_arg, void*) {
    Task* self = static_cast<Task*>(create_arg);
    int status = self->entry_();
    self->entry_.reset();  // Destroy captures here, in the task's own context.
    exit_current(status);
}

Result<TaskRef> Sched::spawn(TaskOptions& o) ORRERY_NO_THREAD_SAFETY_ANALYSIS {
    if (!is_running()) return Error(EINVAL, "spawn outside a running machine");
    if (o.entry_.out_of_memory()) return Error(ENOMEM, "no kernel memory for the task's entry");
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
    make_runnable(*t, EnqueueReason::kSpawn);
    g_sched.lock.unlock();
    return TaskRef::adopt(t);
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
    if (Scheduler* old = custom_scheduler()) {
        if (old->has_runnable()) return Error(EBUSY, "tasks are queued");
    } else {
        for (unsigned c = 0; c < g_num_cpus; ++c)
            if (g_cpus[c].rq.size() != 0 || g_cpus[c].inbox.load(std::memory_order_acquire))
                return Error(EBUSY, "tasks are queued");
    }
    g_sched.custom.store(&s, std::memory_order_relaxed);
    return ok();
}

}  // namespace ostd::detail

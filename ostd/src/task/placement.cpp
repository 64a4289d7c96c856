// Making tasks runnable under the built-in per-CPU policy: choosing a CPU, the lock-free
// inboxes through which CPUs hand each other tasks, and load balancing (busy CPUs push queued
// tasks to idle ones, idle ones take what sits undelivered in others' inboxes).
#include "task/sched.h"

namespace ostd::detail {

// Pushes `task` onto cpu's inbox. Any thread.
void Sched::post(PerCpu& cpu, Task& task, EnqueueReason reason) {
    task.inbox_reason_ = reason;
    Task* head = cpu.inbox.load(std::memory_order_relaxed);
    do {
        task.inbox_next_ = head;
    } while (!cpu.inbox.compare_exchange_weak(head, &task, std::memory_order_seq_cst,
                                              std::memory_order_relaxed));
}

// Empties cpu's inbox and returns its tasks oldest first, linked through inbox_next_.
Task* Sched::take_inbox(PerCpu& cpu) {
    Task* newest = cpu.inbox.exchange(nullptr, std::memory_order_acquire);
    Task* oldest = nullptr;
    while (newest) {
        Task* n = newest->inbox_next_;
        newest->inbox_next_ = oldest;
        oldest = newest;
        newest = n;
    }
    return oldest;
}

// Moves the inbox, oldest first, onto the run queue. Precondition: `cpu` is this CPU.
void Sched::drain_inbox(PerCpu* cpu) {
    if (!cpu->inbox.load(std::memory_order_relaxed)) return;
    Task* oldest = take_inbox(*cpu);
    while (oldest) {
        Task* n = oldest->inbox_next_;
        oldest->inbox_next_ = nullptr;
        cpu->rq.enqueue(*oldest, oldest->inbox_reason_);
        oldest = n;
    }
}

// Built-in policy: if some other CPU went idle while tasks wait here, hands it one of them.
// Precondition: `cpu` is this CPU.
void Sched::balance(PerCpu* cpu) {
    CpuMask idle = g_sched.idle_mask.load(std::memory_order_relaxed) & ~(CpuMask{1} << cpu->id);
    if (!idle || cpu->rq.size() == 0) return;
    Task* t = cpu->rq.pop_for(idle);
    if (!t) return;
    unsigned c = static_cast<unsigned>(__builtin_ctzll(t->affinity_ & idle));
    CpuMask bit = CpuMask{1} << c;
    // Claim it, so that no one else also hands it work; it may have woken meanwhile.
    if (!(g_sched.idle_mask.fetch_and(~bit, std::memory_order_seq_cst) & bit)) {
        cpu->rq.enqueue(*t, EnqueueReason::kWake);
        return;
    }
    post(g_cpus[c], *t, EnqueueReason::kWake);
    raise_pending(g_cpus[c], kPendingResched);
}

// Built-in policy: picks a CPU for newly runnable `task`, queues it there and kicks that CPU
// if it idles or runs something less important. Any thread.
void Sched::place_local(Task& task, EnqueueReason reason) {
    CpuMask allowed = task.affinity_ & online_mask();
    CpuMask idle = g_sched.idle_mask.load(std::memory_order_seq_cst) & allowed;
    if (idle) {
        unsigned c = static_cast<unsigned>(__builtin_ctzll(idle));
        CpuMask bit = CpuMask{1} << c;
        if (g_sched.idle_mask.fetch_and(~bit, std::memory_order_seq_cst) & bit) {
            post(g_cpus[c], task, reason);
            raise_pending(g_cpus[c], kPendingResched);
            return;
        }
    }
    PerCpu* self = this_cpu();
    unsigned target;
    if (self && (allowed & (CpuMask{1} << self->id)))
        target = self->id;
    else if (allowed & (CpuMask{1} << task.last_cpu_))
        target = task.last_cpu_;
    else
        target = static_cast<unsigned>(__builtin_ctzll(allowed));
    post_and_kick(g_cpus[target], task, reason);
}

// Posts `task` to `cpu` and kicks it if it went idle or runs something less important.
void Sched::post_and_kick(PerCpu& cpu, Task& task, EnqueueReason reason) {
    post(cpu, task, reason);
    CpuMask bit = CpuMask{1} << cpu.id;
    // The target may have gone idle before seeing the post: it sets its idle bit before its
    // last look at the inbox, and we look at the bit after posting (both sequentially
    // consistent), so one of us notices.
    bool went_idle = (g_sched.idle_mask.load(std::memory_order_seq_cst) & bit) &&
                     (g_sched.idle_mask.fetch_and(~bit, std::memory_order_seq_cst) & bit);
    if (went_idle || task.priority_ > cpu.cur_prio.load(std::memory_order_relaxed))
        raise_pending(cpu, kPendingResched);
}

// Built-in policy, idle loop: takes the tasks posted to other CPUs and not yet picked up there
// (that CPU may be slow to get to them), keeps those allowed here and hands the others back.
// Returns the task to run next, if any. Precondition: `cpu` is this CPU.
Task* Sched::steal(PerCpu* cpu) {
    CpuMask me = CpuMask{1} << cpu->id;
    for (unsigned c = 0; c < g_num_cpus; ++c) {
        if (c == cpu->id || !g_cpus[c].inbox.load(std::memory_order_relaxed)) continue;
        Task* oldest = take_inbox(g_cpus[c]);
        while (oldest) {
            Task* n = oldest->inbox_next_;
            oldest->inbox_next_ = nullptr;
            if (oldest->affinity_ & me)
                cpu->rq.enqueue(*oldest, oldest->inbox_reason_);
            else
                post_and_kick(g_cpus[c], *oldest, oldest->inbox_reason_);
            oldest = n;
        }
    }
    return cpu->rq.pop_highest();
}

// Replacement policy: precondition scheduler lock held; task just enqueued. Finds a CPU to run
// it.
void Sched::place_custom(Task& task, Scheduler* s) {
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
        if (s->should_preempt(*g_cpus[c].current, task)) {
            raise_pending(g_cpus[c], kPendingResched);
            return;
        }
    }
}

// Precondition: scheduler lock held; `task` is kRunnable and on no queue.
void Sched::make_runnable(Task& task, EnqueueReason reason) {
    if (Scheduler* s = custom_scheduler()) {
        s->enqueue(task, reason);
        place_custom(task, s);
    } else {
        place_local(task, reason);
    }
}

}  // namespace ostd::detail

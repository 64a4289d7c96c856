// The built-in scheduling policy's per-CPU run queue: kPriorityLevels strict priority levels
// (highest first), FIFO within a level, kDefaultSliceTicks ticks per slice. A task preempted
// before its slice ended goes back to the front of its level. Owned by one CPU: no locking.
#pragma once

#include <atomic>
#include <cstdint>

#include <ostd/task/scheduler.h>

namespace ostd::detail {

/// One CPU's queue of runnable tasks. Every method except size() is called only by the owning
/// CPU (its scheduler code or interrupt handlers at its safe points), so none takes a lock.
/// Every queued task's affinity includes the owning CPU. Each level is a singly-linked FIFO
/// through SchedEntity::rq_next: queueing and picking are a handful of stores.
class RunQueue {
  public:
    /// Precondition: `task` is on no run queue.
    void enqueue(Task& task, EnqueueReason reason) {
        SchedEntity& e = task.sched_entity();
        unsigned p = task.priority();
        Level& level = levels_[p];
        if (reason == EnqueueReason::kPreempt && e.slice_left > 0) {
            // Preempted by a more important task: resume it first.
            e.rq_next = level.head;
            if (!level.head) level.tail = &e;
            level.head = &e;
        } else {
            e.slice_left = kDefaultSliceTicks;
            e.rq_next = nullptr;
            if (level.tail)
                level.tail->rq_next = &e;
            else
                level.head = &e;
            level.tail = &e;
        }
        nonempty_ |= 1u << p;
        count_.store(count_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    }
    /// Whether a task of priority `prio` or higher is queued.
    bool has_at_least(unsigned prio) const { return (nonempty_ >> prio) != 0; }
    /// Removes and returns the first task of the highest non-empty level, or nullptr.
    Task* pop_highest() {
        if (!nonempty_) return nullptr;
        unsigned p = 31 - static_cast<unsigned>(__builtin_clz(nonempty_));
        Level& level = levels_[p];
        SchedEntity* e = level.head;
        level.head = e->rq_next;
        if (!level.head) {
            level.tail = nullptr;
            nonempty_ &= ~(1u << p);
        }
        count_.store(count_.load(std::memory_order_relaxed) - 1, std::memory_order_relaxed);
        return e->task;
    }
    /// pop_highest() then enqueue(task, kYield), fused for the yield fast path: when the task
    /// picked is the only one queued and has the yielder's priority (two tasks taking turns),
    /// the yielder simply takes its place. Precondition: has_at_least(task.priority()); `task`
    /// is on no run queue.
    Task* yield_to_head(Task& task) {
        unsigned p = 31 - static_cast<unsigned>(__builtin_clz(nonempty_));
        Level& level = levels_[p];
        SchedEntity* head = level.head;
        if (head->rq_next || nonempty_ != (1u << task.priority())) {
            Task* next = pop_highest();
            enqueue(task, EnqueueReason::kYield);
            return next;
        }
        SchedEntity& e = task.sched_entity();
        e.slice_left = kDefaultSliceTicks;
        e.rq_next = nullptr;
        level.head = &e;
        level.tail = &e;
        return head->task;
    }
    /// Removes and returns the most important queued task allowed on some CPU of `cpus`.
    Task* pop_for(CpuMask cpus) {
        for (uint32_t mask = nonempty_; mask;) {
            unsigned p = 31 - static_cast<unsigned>(__builtin_clz(mask));
            mask &= ~(1u << p);
            Level& level = levels_[p];
            SchedEntity* prev = nullptr;
            for (SchedEntity* e = level.head; e; prev = e, e = e->rq_next) {
                if (!(e->task->affinity() & cpus)) continue;
                (prev ? prev->rq_next : level.head) = e->rq_next;
                if (level.tail == e) level.tail = prev;
                if (!level.head) nonempty_ &= ~(1u << p);
                count_.store(count_.load(std::memory_order_relaxed) - 1, std::memory_order_relaxed);
                return e->task;
            }
        }
        return nullptr;
    }
    /// Number of queued tasks. Any thread may read it (a snapshot).
    uint32_t size() const { return count_.load(std::memory_order_relaxed); }
    /// Forgets every queued task (machine bring-up and teardown).
    void reset() {
        for (auto& level : levels_)
            level = Level{};
        nonempty_ = 0;
        count_.store(0, std::memory_order_relaxed);
    }

  private:
    struct Level {
        SchedEntity* head = nullptr;
        SchedEntity* tail = nullptr;
    };
    Level levels_[kPriorityLevels];
    uint32_t nonempty_ = 0;  // Bit p set when levels_[p] is not empty.
    std::atomic<uint32_t> count_{0};
};

/// The built-in policy's tick: true if `current` (on this CPU, queue `rq`) used up its slice
/// and a task of at least its priority waits.
inline bool run_queue_tick(RunQueue& rq, Task& current) {
    SchedEntity& e = current.sched_entity();
    if (e.slice_left > 0) --e.slice_left;
    if (e.slice_left > 0) return false;
    return rq.has_at_least(current.priority());
}

}  // namespace ostd::detail

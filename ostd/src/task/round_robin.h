// The default scheduling policy: one global run queue with kPriorityLevels strict priority
// levels (highest first), FIFO within a level, kDefaultSliceTicks ticks per slice. A task
// preempted before its slice ended goes back to the front of its level.
#pragma once

#include <ostd/sync/intrusive_list.h>
#include <ostd/task/scheduler.h>

namespace ostd::detail {

class RoundRobinScheduler final : public Scheduler {
  public:
    void enqueue(Task& task, EnqueueReason reason) override;
    Task* pick_next(unsigned cpu) override;
    bool tick(unsigned cpu, Task& current) override;
    bool has_runnable() const override { return count_ != 0; }

  private:
    IntrusiveList<SchedEntity, &SchedEntity::link> levels_[kPriorityLevels];
    size_t count_ = 0;
    uint32_t nonempty_ = 0;  // Bit p set when levels_[p] is not empty.
};

// Inline so the scheduling core can call them without a virtual dispatch on the hot path.
inline void RoundRobinScheduler::enqueue(Task& task, EnqueueReason reason) {
    SchedEntity& e = task.sched_entity();
    auto& level = levels_[task.priority()];
    if (reason == EnqueueReason::kPreempt && e.slice_left > 0) {
        level.push_front(e);  // Preempted by a more important task: resume it first.
    } else {
        e.slice_left = kDefaultSliceTicks;
        level.push_back(e);
    }
    nonempty_ |= 1u << task.priority();
    ++count_;
}

inline Task* RoundRobinScheduler::pick_next(unsigned cpu) {
    CpuMask bit = CpuMask{1} << cpu;
    for (uint32_t mask = nonempty_; mask;) {
        unsigned p = 31 - static_cast<unsigned>(__builtin_clz(mask));
        mask &= ~(1u << p);
        auto& level = levels_[p];
        for (SchedEntity* e = level.front(); e; e = level.next(*e)) {
            if (!(e->task->affinity() & bit)) continue;
            level.remove(*e);
            if (level.is_empty()) nonempty_ &= ~(1u << p);
            --count_;
            return e->task;
        }
    }
    return nullptr;
}

}  // namespace ostd::detail

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

}  // namespace ostd::detail

// Round-robin with strict priorities: see round_robin.h.
#include "task/round_robin.h"

namespace ostd::detail {

void RoundRobinScheduler::enqueue(Task& task, EnqueueReason reason) {
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

Task* RoundRobinScheduler::pick_next(unsigned cpu) {
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

bool RoundRobinScheduler::tick(unsigned, Task& current) {
    SchedEntity& e = current.sched_entity();
    if (e.slice_left > 0) --e.slice_left;
    if (e.slice_left > 0) return false;
    // Slice over: preempt only if a task of at least the same priority waits.
    return nonempty_ >> current.priority() != 0;
}

}  // namespace ostd::detail

// Round-robin with strict priorities: see round_robin.h.
#include "task/round_robin.h"

namespace ostd::detail {

bool RoundRobinScheduler::tick(unsigned, Task& current) {
    SchedEntity& e = current.sched_entity();
    if (e.slice_left > 0) --e.slice_left;
    if (e.slice_left > 0) return false;
    // Slice over: preempt only if a task of at least the same priority waits.
    return nonempty_ >> current.priority() != 0;
}

}  // namespace ostd::detail

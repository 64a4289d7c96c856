// The pluggable scheduling policy. ostd owns the mechanics (run states, context switches, idle
// CPUs, kicks); a Scheduler only decides which runnable task runs next and when a slice ends.
// The built-in default keeps one run queue per CPU (kPriorityLevels strict priority levels, FIFO
// within a level, a time slice of kDefaultSliceTicks ticks): a woken task goes to an idle CPU if
// any, else to the waking CPU, and busy CPUs hand queued tasks to CPUs that went idle. A
// replacement Scheduler sees one global queue under ostd's scheduler lock (a slower path).
#pragma once

#include <cstdint>

#include <ostd/common/result.h>
#include <ostd/task/task.h>

namespace ostd {

enum class EnqueueReason : uint8_t {
    kSpawn,    // A new task.
    kWake,     // Woken from a sleep.
    kYield,    // The task called yield_now().
    kPreempt,  // The task was preempted (slice over or a more important task woke).
};

/// Every call happens with ostd's scheduler lock held, from any CPU: implementations need no
/// locking of their own but must not sleep, allocate, or call back into task/sync APIs.
class Scheduler {
  public:
    virtual ~Scheduler() = default;
    /// Makes `task` runnable. It is not on any queue of this scheduler.
    virtual void enqueue(Task& task, EnqueueReason reason) = 0;
    /// Removes and returns the task `cpu` should run next (one whose affinity includes `cpu`),
    /// or nullptr to idle.
    virtual Task* pick_next(unsigned cpu) = 0;
    /// A timer tick on `cpu` while `current` runs. True: preempt it at the next safe point.
    virtual bool tick(unsigned cpu, Task& current) = 0;
    /// Whether newly runnable `woken` should preempt `current` (which may be an idle task).
    virtual bool should_preempt(const Task& current, const Task& woken) {
        return current.is_idle() || woken.priority() > current.priority();
    }
    /// Whether any task is queued.
    virtual bool has_runnable() const = 0;
};

inline constexpr uint32_t kDefaultSliceTicks = 2;

/// Replaces the scheduling policy of the running machine; `scheduler` must outlive the machine.
/// Precondition: no task is queued (call it first thing in the kernel entry). EBUSY otherwise.
Result<void> set_scheduler(Scheduler& scheduler);

}  // namespace ostd

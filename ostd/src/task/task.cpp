// Task objects and the public task API on top of the scheduling core.
#include <ostd/task/task.h>

#include <ostd/task/scheduler.h>
#include <ostd/timer/timer.h>

#include "task/sched.h"

namespace ostd {

using detail::Sched;

Task::~Task() = default;

void Task::unref() const {
    uint32_t old = refs_.fetch_sub(1, std::memory_order_acq_rel);
    if (old == 0) panic("refcount underflow on task %lu", static_cast<unsigned long>(id_));
    if (old == 1) Sched::destroy(const_cast<Task*>(this));
}

Result<TaskRef> Task::spawn(TaskOptions options) {
    return Sched::spawn(options);
}

Result<TaskRef> spawn(TaskEntry entry, const char* name) {
    return Task::spawn(TaskOptions(std::move(entry)).name(name));
}

Task* Task::current_or_null() {
    detail::PerCpu* cpu = detail::this_cpu();
    return cpu ? cpu->current : nullptr;
}

Task& Task::current() {
    Task* t = current_or_null();
    if (!t) panic("Task::current() outside a running machine");
    return *t;
}

void Task::exit(int status) {
    Sched::exit_current(status);
}

Result<int> Task::join() {
    if (this == current_or_null()) return Error(EDEADLK, "a task cannot join itself");
    auto r = join_waiters_.wait_until([this] { return exited_.load(std::memory_order_acquire); });
    if (r.is_error()) return r.error();
    return exit_status_;
}

void Task::interrupt() {
    interrupted_.store(true, std::memory_order_release);
    Sched::unpark(*this);
}

void yield_now() {
    Sched::yield_now();
}

void sleep_for(uint64_t ns) {
    Sched::assert_may_sleep("sleep_for()");
    uint64_t deadline = time::now() + ns;
    while (time::now() < deadline)
        Sched::park(deadline, Interruptible::kNo);
}

Result<void> sleep_for_interruptible(uint64_t ns) {
    Sched::assert_may_sleep("sleep_for_interruptible()");
    uint64_t deadline = time::now() + ns;
    Task& self = Task::current();
    while (time::now() < deadline) {
        if (self.is_interrupted()) return Error(EINTR);
        Sched::park(deadline, Interruptible::kYes);
    }
    return ok();
}

Result<void> set_scheduler(Scheduler& scheduler) {
    return Sched::set_scheduler(scheduler);
}

void power_off(int status) {
    Sched::power_off(status);
}

}  // namespace ostd

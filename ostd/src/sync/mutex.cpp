// Mutex: compare-and-swap on the owner pointer, WaitQueue for the contended case.
#include <ostd/sync/mutex.h>

#include <ostd/common/panic.h>
#include <ostd/task/task.h>

#include "task/sched.h"

namespace ostd {

bool Mutex::try_acquire(Task* self) {
    Task* expected = nullptr;
    // seq_cst pairs with unlock()'s store-then-check of the waiter count (no lost wake-up).
    return owner_.compare_exchange_strong(expected, self);
}

void Mutex::lock() ORRERY_NO_THREAD_SAFETY_ANALYSIS {
    detail::Sched::assert_may_sleep("Mutex::lock()");
    Task* self = &Task::current();
    if (try_acquire(self)) return;
    if (owner_.load(std::memory_order_relaxed) == self)
        panic("recursive Mutex::lock(): task %lu (%s) already holds this Mutex",
              static_cast<unsigned long>(self->id()), self->name());
    auto r = waiters_.wait_until([&] { return try_acquire(self); });
    if (r.is_error()) panic("uninterruptible Mutex wait failed: errno %d", r.error().code());
}

bool Mutex::lock_interruptible() ORRERY_NO_THREAD_SAFETY_ANALYSIS {
    detail::Sched::assert_may_sleep("Mutex::lock_interruptible()");
    Task* self = &Task::current();
    if (try_acquire(self)) return true;
    if (owner_.load(std::memory_order_relaxed) == self)
        panic("recursive Mutex::lock_interruptible(): task %lu already holds this Mutex",
              static_cast<unsigned long>(self->id()));
    return waiters_
        .wait_until([&] { return try_acquire(self); }, {.interruptible = Interruptible::kYes})
        .is_ok();
}

bool Mutex::try_lock() ORRERY_NO_THREAD_SAFETY_ANALYSIS {
    return try_acquire(&Task::current());
}

void Mutex::unlock() ORRERY_NO_THREAD_SAFETY_ANALYSIS {
    Task* self = Task::current_or_null();
    Task* owner = owner_.load(std::memory_order_relaxed);
    if (!owner) panic("unlocking a Mutex that is not locked");
    if (owner != self)
        panic("unlocking a Mutex owned by another task (owner %lu, caller %lu)",
              static_cast<unsigned long>(owner->id()),
              static_cast<unsigned long>(self ? self->id() : 0));
    owner_.store(nullptr);  // seq_cst: ordered before the waiter-count load below.
    if (waiters_.has_waiters()) waiters_.wake_one();
}

bool Mutex::is_held_by_current() const {
    Task* self = Task::current_or_null();
    return self && owner_.load(std::memory_order_relaxed) == self;
}

}  // namespace ostd

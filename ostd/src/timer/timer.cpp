// One-shot timers: a deadline-sorted intrusive queue; expiry runs in the timer interrupt.
#include <ostd/timer/timer.h>

#include <ostd/sync/raw_spinlock.h>

#include "hal/clock.h"
#include "hal/cpu.h"
#include "task/percpu.h"
#include "timer/timer_queue.h"

namespace ostd {
namespace {

detail::RawSpinLock g_timer_lock;

}  // namespace

void Timer::arm_at(uint64_t deadline_ns) {
    TimerQueue::arm(*this, deadline_ns);
}
void Timer::arm_after(uint64_t delay_ns) {
    TimerQueue::arm(*this, time::now() + delay_ns);
}
bool Timer::cancel() {
    return TimerQueue::cancel(*this);
}

TimerQueue::List& TimerQueue::list() {
    static List timers;
    return timers;
}

namespace {

// Called with the timer lock held, so concurrent arms cannot program the hardware out of
// order (a later deadline overwriting an earlier one).
void program(uint64_t deadline) {
    // Deterministic mode has no timer hardware: the idle loop and virtual ticks look instead.
    if (!detail::g_deterministic) hal::timer_set_deadline(detail::clock_to_hal(deadline));
}

}  // namespace

void TimerQueue::arm(Timer& t, uint64_t deadline) {
    detail::RawSpinLockGuard g(g_timer_lock);
    {
        List& timers = list();
        if (t.state_.load(std::memory_order_relaxed) == Timer::kArmed) timers.remove(t);
        t.deadline_ = deadline;
        // After every timer due no later, so equal deadlines fire in arming order.
        Timer* pos = timers.front();
        while (pos && pos->deadline_ <= deadline)
            pos = timers.next(*pos);
        if (pos)
            timers.insert_before(*pos, t);
        else
            timers.push_back(t);
        t.state_.store(Timer::kArmed, std::memory_order_release);
        if (timers.front() == &t) program(deadline);
    }
}

bool TimerQueue::cancel(Timer& t) {
    {
        detail::RawSpinLockGuard g(g_timer_lock);
        if (t.state_.load(std::memory_order_relaxed) == Timer::kArmed) {
            list().remove(t);
            t.state_.store(Timer::kIdle, std::memory_order_release);
            return true;
        }
    }
    // Running on another CPU: the caller may free the timer once we return.
    while (t.state_.load(std::memory_order_acquire) == Timer::kFiring)
        hal::cpu_relax();
    return false;
}

void TimerQueue::run_expired() {
    uint64_t now = time::now();
    uint64_t next = UINT64_MAX;
    g_timer_lock.lock();
    List& timers = list();
    while (Timer* t = timers.front()) {
        if (t->deadline_ > now) {
            next = t->deadline_;
            break;
        }
        timers.remove(*t);
        t->state_.store(Timer::kFiring, std::memory_order_relaxed);
        Timer::Callback cb = t->callback_;
        void* arg = t->arg_;
        g_timer_lock.unlock();
        cb(arg);
        // The callback may have re-armed it; otherwise it is idle (and may be freed) from here.
        uint8_t firing = Timer::kFiring;
        t->state_.compare_exchange_strong(firing, Timer::kIdle, std::memory_order_release);
        g_timer_lock.lock();
    }
    if (next != UINT64_MAX) program(next);
    g_timer_lock.unlock();
}

uint64_t TimerQueue::next_deadline() {
    detail::RawSpinLockGuard g(g_timer_lock);
    Timer* t = list().front();
    return t ? t->deadline_ : UINT64_MAX;
}

void TimerQueue::reset() {
    detail::RawSpinLockGuard g(g_timer_lock);
    list().reset();
}

}  // namespace ostd

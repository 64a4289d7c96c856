// Host timer hardware: CLOCK_MONOTONIC, and one timer thread per machine that plays the
// periodic tick and the one-shot comparator. It never touches CPU state itself: the hooks
// only set pending bits and kick vCPUs, which handle them at their next safe point.
#include <time.h>

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "hal/clock.h"

namespace ostd::hal {
namespace {

struct TimerHardware {
    std::mutex mu;
    std::condition_variable cv;
    std::thread thread;
    bool running = false;
    uint64_t tick_ns = 0;
    uint64_t deadline = UINT64_MAX;
    TimerHooks hooks{};
};

TimerHardware g_hw;

void timer_thread_main() {
    std::unique_lock<std::mutex> lk(g_hw.mu);
    uint64_t next_tick = clock_now_ns() + g_hw.tick_ns;
    while (g_hw.running) {
        uint64_t wake = next_tick < g_hw.deadline ? next_tick : g_hw.deadline;
        uint64_t now = clock_now_ns();
        if (now < wake) {
            g_hw.cv.wait_for(lk, std::chrono::nanoseconds(wake - now));
            continue;  // Re-evaluate: stopped, deadline moved, or spurious.
        }
        bool tick = now >= next_tick;
        bool deadline = now >= g_hw.deadline;
        if (tick) next_tick = now + g_hw.tick_ns;
        if (deadline) g_hw.deadline = UINT64_MAX;
        TimerHooks hooks = g_hw.hooks;
        lk.unlock();
        if (tick) hooks.on_tick();
        if (deadline) hooks.on_deadline();
        lk.lock();
    }
}

}  // namespace

uint64_t clock_now_ns() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
}

void timer_start(uint64_t tick_ns, TimerHooks hooks) {
    std::lock_guard<std::mutex> lk(g_hw.mu);
    g_hw.running = true;
    g_hw.tick_ns = tick_ns;
    g_hw.deadline = UINT64_MAX;
    g_hw.hooks = hooks;
    g_hw.thread = std::thread(timer_thread_main);
}

void timer_set_deadline(uint64_t deadline_ns) {
    std::lock_guard<std::mutex> lk(g_hw.mu);
    if (!g_hw.running) return;
    bool earlier = deadline_ns < g_hw.deadline;
    g_hw.deadline = deadline_ns;
    if (earlier) g_hw.cv.notify_one();
}

void timer_stop() {
    {
        std::lock_guard<std::mutex> lk(g_hw.mu);
        if (!g_hw.running) return;
        g_hw.running = false;
        g_hw.cv.notify_one();
    }
    g_hw.thread.join();
}

}  // namespace ostd::hal

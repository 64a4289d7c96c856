// Deterministic mode: one CPU, a virtual clock the scheduler advances, identical schedules.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <vector>

#include <ostd/boot/boot_info.h>
#include <ostd/sync/mutex.h>
#include <ostd/sync/wait_queue.h>
#include <ostd/task/task.h>
#include <ostd/timer/timer.h>

#include "kernel_env.h"

namespace {

using orrery::testing::run_in_kernel;
using ostd::time::kNsPerMs;

ostd::host::MachineConfig deterministic_machine() {
    auto c = orrery::testing::small_machine(4);  // Forced to 1 CPU.
    c.deterministic = true;
    return c;
}

struct Event {
    uint64_t task;
    uint64_t time;
    int step;
    bool operator==(const Event&) const = default;
};

// A workload mixing every way a schedule can branch: yields, sleeps, timeouts, a contended
// Mutex, busy loops preempted by ticks, and priorities.
std::vector<Event> run_workload() {
    std::vector<Event> trace;
    int status = run_in_kernel(
        [&] {
            EXPECT_TRUE(ostd::boot_info().deterministic);
            EXPECT_EQ(ostd::num_cpus(), 1u);
            ostd::Mutex m;
            ostd::WaitQueue wq;
            int shared = 0;
            auto log = [&](int step) {
                trace.push_back({ostd::Task::current().id(), ostd::time::now(), step});
            };
            std::vector<ostd::TaskRef> tasks;
            for (int i = 0; i < 6; ++i) {
                tasks.push_back(MUST(ostd::Task::spawn(
                    ostd::TaskOptions([&, i] {
                        for (int k = 0; k < 5; ++k) {
                            log(k);
                            switch ((i + k) % 4) {
                                case 0:
                                    ostd::yield_now();
                                    break;
                                case 1:
                                    ostd::sleep_for(static_cast<uint64_t>(i + 1) * kNsPerMs);
                                    break;
                                case 2: {
                                    ostd::MutexGuard g(m);
                                    shared++;
                                    ostd::sleep_for(kNsPerMs / 2);
                                    break;
                                }
                                case 3:
                                    for (int spin = 0; spin < 300; ++spin)
                                        ostd::preempt_point();
                                    (void)wq.wait_until([] { return false; },
                                                        {.timeout_ns = 3 * kNsPerMs});
                                    break;
                            }
                        }
                        return 0;
                    }).priority(static_cast<uint8_t>(3 + i % 3)))));
            }
            for (auto& t : tasks)
                MUST(t->join());
            log(99);
        },
        deterministic_machine());
    EXPECT_EQ(status, 0);
    return trace;
}

TEST(Deterministic, TwoRunsProduceIdenticalTraces) {
    std::vector<Event> a = run_workload();
    std::vector<Event> b = run_workload();
    ASSERT_GT(a.size(), 30u);
    EXPECT_EQ(a, b);
}

TEST(Deterministic, VirtualClockJumpsOverSleeps) {
    auto start = std::chrono::steady_clock::now();
    run_in_kernel(
        [] {
            uint64_t t0 = ostd::time::now();
            ostd::sleep_for(10 * ostd::time::kNsPerSec);  // Ten virtual seconds.
            uint64_t slept = ostd::time::now() - t0;
            EXPECT_GE(slept, 10 * ostd::time::kNsPerSec);
            EXPECT_LT(slept, 11 * ostd::time::kNsPerSec);
        },
        deterministic_machine());
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST(Deterministic, BusyTaskIsPreemptedByVirtualTicks) {
    run_in_kernel(
        [] {
            std::atomic<bool> stop{false};
            auto busy = MUST(ostd::spawn([&] {
                while (!stop.load())
                    ostd::preempt_point();
                return 0;
            }));
            auto other = MUST(ostd::spawn([&] {
                stop = true;
                return 0;
            }));
            MUST(busy->join());
            MUST(other->join());
        },
        deterministic_machine());
}

TEST(DeterministicDeathTest, DeadlockIsReported) {
    EXPECT_DEATH(run_in_kernel(
                     [] {
                         ostd::WaitQueue wq;
                         (void)wq.wait_until([] { return false; });
                     },
                     deterministic_machine()),
                 "deadlocked");
}

TEST(Deterministic, TimeLimitStopsADeadlockAsHung) {
    auto config = deterministic_machine();
    config.virtual_time_limit_ns = ostd::time::kNsPerSec;
    int status = run_in_kernel(
        [] {
            ostd::WaitQueue wq;
            (void)wq.wait_until([] { return false; });
            ADD_FAILURE() << "the deadlocked task resumed";
        },
        config);
    EXPECT_EQ(status, ostd::kMachineHungStatus);
}

TEST(Deterministic, TimeLimitStopsALongSleepAndABusyLoop) {
    auto config = deterministic_machine();
    config.virtual_time_limit_ns = ostd::time::kNsPerSec;
    EXPECT_EQ(run_in_kernel([] { ostd::sleep_for(5 * ostd::time::kNsPerSec); }, config),
              ostd::kMachineHungStatus);
    EXPECT_EQ(run_in_kernel(
                  [] {
                      for (;;)
                          ostd::preempt_point();
                  },
                  config),
              ostd::kMachineHungStatus);
    // Within the limit nothing changes: the body's normal exit status comes back.
    EXPECT_EQ(run_in_kernel([] { ostd::sleep_for(ostd::time::kNsPerMs); }, config), 0);
}

}  // namespace

// Tasks: spawn/join/yield/sleep, priorities, preemption, affinity, power-off, repeatability.
#include <ostd/task/task.h>

#include <gtest/gtest.h>

#include <atomic>
#include <vector>

#include <ostd/task/cpu_local.h>
#include <ostd/task/scheduler.h>
#include <ostd/timer/timer.h>

#include "kernel_env.h"

namespace {

using orrery::testing::run_in_kernel;
using orrery::testing::small_machine;

TEST(Task, SpawnJoinReturnsExitStatus) {
    int status = run_in_kernel(
        [] {
            auto t = ostd::spawn([] { return 42; }, "answer");
            ASSERT_TRUE(t.is_ok());
            auto r = t.value()->join();
            ASSERT_TRUE(r.is_ok());
            EXPECT_EQ(r.value(), 42);
            EXPECT_EQ(t.value()->state(), ostd::TaskState::kExited);
            EXPECT_STREQ(t.value()->name(), "answer");
        },
        small_machine());
    EXPECT_EQ(status, 0);
}

TEST(Task, ExitFromNestedCallAndJoinSelfIsEdeadlk) {
    run_in_kernel(
        [] {
            auto t = MUST(ostd::spawn([]() -> int { ostd::Task::exit(7); }));
            EXPECT_EQ(MUST(t->join()), 7);
            auto self = ostd::Task::current().join();
            ASSERT_TRUE(self.is_error());
            EXPECT_EQ(self.error().code(), EDEADLK);
        },
        small_machine());
}

TEST(Task, SpawnRejectsBadOptions) {
    run_in_kernel(
        [] {
            auto bad_prio = ostd::Task::spawn(ostd::TaskOptions([] { return 0; }).priority(99));
            ASSERT_TRUE(bad_prio.is_error());
            EXPECT_EQ(bad_prio.error().code(), EINVAL);
            auto bad_cpu = ostd::Task::spawn(ostd::TaskOptions([] { return 0; }).affinity(1u << 5));
            ASSERT_TRUE(bad_cpu.is_error());
            EXPECT_EQ(bad_cpu.error().code(), EINVAL);
            auto no_entry = ostd::Task::spawn(ostd::TaskOptions(ostd::TaskEntry{}));
            ASSERT_TRUE(no_entry.is_error());
            EXPECT_EQ(no_entry.error().code(), EINVAL);
        },
        small_machine(2));
}

TEST(Task, SpawnOutsideMachineIsEinval) {
    auto r = ostd::spawn([] { return 0; });
    ASSERT_TRUE(r.is_error());
    EXPECT_EQ(r.error().code(), EINVAL);
}

TEST(Task, DataAndCurrent) {
    run_in_kernel(
        [] {
            int cookie = 5;
            void* seen = nullptr;
            auto t = MUST(ostd::Task::spawn(ostd::TaskOptions([&] {
                                                seen = ostd::Task::current().data();
                                                return 0;
                                            }).data(&cookie)));
            MUST(t->join());
            EXPECT_EQ(seen, &cookie);
        },
        small_machine());
}

TEST(Task, YieldAlternatesEqualPriorityTasks) {
    run_in_kernel(
        [] {
            std::vector<int> trace;
            auto body = [&](int id) {
                return [&trace, id] {
                    for (int i = 0; i < 3; ++i) {
                        trace.push_back(id);
                        ostd::yield_now();
                    }
                    return 0;
                };
            };
            auto a = MUST(ostd::spawn(body(1)));
            auto b = MUST(ostd::spawn(body(2)));
            MUST(a->join());
            MUST(b->join());
            EXPECT_EQ(trace, (std::vector<int>{1, 2, 1, 2, 1, 2}));
        },
        small_machine());
}

TEST(Task, HigherPriorityRunsFirst) {
    run_in_kernel(
        [] {
            std::vector<int> order;
            std::vector<ostd::TaskRef> tasks;
            {
                ostd::PreemptGuard no_preempt;  // Spawn all before any runs.
                for (uint8_t p : {1, 6, 3, 7, 0}) {
                    tasks.push_back(MUST(ostd::Task::spawn(ostd::TaskOptions([&order, p] {
                                                               order.push_back(p);
                                                               return 0;
                                                           }).priority(p))));
                }
            }
            for (auto& t : tasks)
                MUST(t->join());
            EXPECT_EQ(order, (std::vector<int>{7, 6, 3, 1, 0}));
        },
        small_machine());
}

TEST(Task, HigherPriorityWakePreemptsAtSafePoint) {
    run_in_kernel(
        [] {
            std::atomic<bool> ran{false};
            auto t = MUST(ostd::Task::spawn(ostd::TaskOptions([&] {
                                                ran = true;
                                                return 0;
                                            }).priority(7)));
            // We run at the default priority: the first safe point must hand over.
            ostd::preempt_point();
            EXPECT_TRUE(ran.load());
            MUST(t->join());
        },
        small_machine());
}

TEST(Task, PreemptEnableIsASafePoint) {
    run_in_kernel(
        [] {
            std::atomic<bool> ran{false};
            ostd::TaskRef t = [&] {
                ostd::PreemptGuard guard;
                auto r = MUST(ostd::Task::spawn(ostd::TaskOptions([&] {
                                                    ran = true;
                                                    return 0;
                                                }).priority(7)));
                ostd::preempt_point();  // Preemption is disabled: no switch here.
                EXPECT_FALSE(ran.load());
                return r;
            }();  // The guard's preempt_enable() hands the CPU over.
            EXPECT_TRUE(ran.load());
            MUST(t->join());
        },
        small_machine());
}

TEST(Task, BusyTaskIsPreemptedByTick) {
    run_in_kernel(
        [] {
            std::atomic<bool> stop{false};
            std::atomic<int> other_ran{0};
            auto busy = MUST(ostd::spawn(
                [&] {
                    while (!stop.load())
                        ostd::preempt_point();
                    return 0;
                },
                "busy"));
            auto other = MUST(ostd::spawn(
                [&] {
                    other_ran = 1;
                    stop = true;
                    return 0;
                },
                "other"));
            MUST(busy->join());
            MUST(other->join());
            EXPECT_EQ(other_ran.load(), 1);
        },
        small_machine());
}

TEST(Task, SleepForWaitsAtLeastTheDuration) {
    run_in_kernel(
        [] {
            uint64_t t0 = ostd::time::now();
            ostd::sleep_for(5 * ostd::time::kNsPerMs);
            EXPECT_GE(ostd::time::now() - t0, 5 * ostd::time::kNsPerMs);
        },
        small_machine());
}

TEST(Task, SleepInterruptibleReturnsEintr) {
    run_in_kernel(
        [] {
            ostd::Task& self = ostd::Task::current();
            auto waker = MUST(ostd::spawn([&] {
                ostd::sleep_for(ostd::time::kNsPerMs);
                self.interrupt();
                return 0;
            }));
            auto r = ostd::sleep_for_interruptible(10 * ostd::time::kNsPerSec);
            ASSERT_TRUE(r.is_error());
            EXPECT_EQ(r.error().code(), EINTR);
            EXPECT_TRUE(self.is_interrupted());
            self.clear_interrupt();
            EXPECT_TRUE(ostd::sleep_for_interruptible(ostd::time::kNsPerMs).is_ok());
            MUST(waker->join());
        },
        small_machine());
}

TEST(Task, AffinityPinsToCpu) {
    run_in_kernel(
        [] {
            std::atomic<int> wrong{0};
            std::vector<ostd::TaskRef> tasks;
            for (unsigned cpu = 0; cpu < 3; ++cpu) {
                tasks.push_back(MUST(ostd::Task::spawn(ostd::TaskOptions([&wrong, cpu] {
                                                           for (int i = 0; i < 50; ++i) {
                                                               if (ostd::cpu_id() != cpu) ++wrong;
                                                               ostd::yield_now();
                                                           }
                                                           return 0;
                                                       }).affinity(ostd::CpuMask{1} << cpu))));
            }
            for (auto& t : tasks)
                MUST(t->join());
            EXPECT_EQ(wrong.load(), 0);
        },
        small_machine(3));
}

TEST(Task, TasksRunOnSeveralCpus) {
    run_in_kernel(
        [] {
            ostd::CpuLocal<std::atomic<int>> hits;
            std::vector<ostd::TaskRef> tasks;
            for (int i = 0; i < 16; ++i) {
                tasks.push_back(MUST(ostd::spawn([&] {
                    uint64_t until = ostd::time::now() + 2 * ostd::time::kNsPerMs;
                    while (ostd::time::now() < until) {
                        (*hits.borrow())++;
                        ostd::preempt_point();
                    }
                    return 0;
                })));
            }
            for (auto& t : tasks)
                MUST(t->join());
            int cpus_used = 0;
            for (unsigned c = 0; c < ostd::num_cpus(); ++c)
                cpus_used += hits.on(c).load() > 0;
            EXPECT_GE(cpus_used, 2);
        },
        small_machine(4));
}

TEST(Task, PowerOffFromAnotherCpuEndsMachine) {
    int status = run_in_kernel(
        [] {
            auto t = MUST(ostd::Task::spawn(
                ostd::TaskOptions([]() -> int { ostd::power_off(33); }).affinity(0b10)));
            // The initial task blocks forever; power_off() from CPU 1 must still end the machine.
            MUST(t->join());
            ADD_FAILURE() << "join returned after power_off";
        },
        small_machine(2));
    EXPECT_EQ(status, 33);
}

TEST(Task, PowerOffWithBusyTasksOnEveryCpu) {
    int status = run_in_kernel(
        [] {
            for (int i = 0; i < 8; ++i) {
                (void)MUST(ostd::spawn([] {
                    for (;;)
                        ostd::preempt_point();
                    return 0;
                }));
            }
            ostd::sleep_for(ostd::time::kNsPerMs);
            ostd::power_off(5);
        },
        small_machine(4));
    EXPECT_EQ(status, 5);
}

TEST(Task, HundredsOfMachinesInTurn) {
    for (int i = 0; i < 200; ++i) {
        int status = run_in_kernel(
            [i] {
                auto t = MUST(ostd::spawn([i] { return i % 7; }));
                EXPECT_EQ(MUST(t->join()), i % 7);
            },
            small_machine(1 + i % 3));
        ASSERT_EQ(status, 0);
    }
}

TEST(TaskDeathTest, YieldWithSpinlockHeldPanics) {
    EXPECT_DEATH(run_in_kernel(
                     [] {
                         ostd::PreemptGuard g;
                         ostd::yield_now();
                     },
                     small_machine()),
                 "while atomic");
}

int recurse_forever(int depth) {
    if (depth < 0) return 0;  // Never true; keeps -Winfinite-recursion quiet.
    volatile char pad[512];
    pad[0] = static_cast<char>(depth);
    return recurse_forever(depth + 1) + pad[0];
}

TEST(TaskDeathTest, StackOverflowHitsTheGuardPage) {
    EXPECT_DEATH(run_in_kernel(
                     [] {
                         auto t = MUST(ostd::Task::spawn(ostd::TaskOptions([] {
                                                             return recurse_forever(0);
                                                         }).stack_size(64 << 10)));
                         (void)t->join();
                     },
                     small_machine()),
                 "");
}

TEST(TaskDeathTest, PanicInTaskAborts) {
    EXPECT_DEATH(run_in_kernel(
                     [] {
                         auto t = MUST(ostd::spawn([]() -> int { ostd::panic("boom in task"); }));
                         (void)t->join();
                     },
                     small_machine(2)),
                 "boom in task");
}

}  // namespace

// The built-in per-CPU policy: work reaches idle CPUs, affinity survives balancing and stealing,
// and the yield fast path keeps FIFO order and priorities.
#include <gtest/gtest.h>

#include <atomic>
#include <vector>

#include <ostd/task/cpu_local.h>
#include <ostd/task/task.h>
#include <ostd/timer/timer.h>

#include "kernel_env.h"
#include "task/round_robin.h"

namespace {

using orrery::testing::run_in_kernel;
using orrery::testing::small_machine;
using ostd::time::kNsPerMs;
using ostd::time::kNsPerUs;

// One CPU is hogged while workers are spawned, so they all queue elsewhere; once the hog ends
// its CPU idles, and queued work must be handed to it.
TEST(PerCpuScheduling, QueuedWorkReachesACpuThatGoesIdle) {
    run_in_kernel(
        [] {
            ostd::CpuLocal<std::atomic<int>> hits;
            std::atomic<bool> stop{false};
            unsigned main_cpu;
            {
                ostd::PreemptGuard g;
                main_cpu = ostd::cpu_id();
            }
            unsigned other = 1 - main_cpu;
            auto hog = MUST(ostd::Task::spawn(ostd::TaskOptions([] {
                                                  uint64_t until = ostd::time::now() + 3 * kNsPerMs;
                                                  while (ostd::time::now() < until)
                                                      ostd::preempt_point();
                                                  return 0;
                                              }).affinity(ostd::CpuMask{1} << other)));
            std::vector<ostd::TaskRef> workers;
            for (int i = 0; i < 6; ++i) {
                workers.push_back(MUST(ostd::spawn([&] {
                    while (!stop.load(std::memory_order_relaxed)) {
                        (*hits.borrow())++;
                        ostd::yield_now();
                    }
                    return 0;
                })));
            }
            MUST(hog->join());
            uint64_t deadline = ostd::time::now() + 2000 * kNsPerMs;
            while (ostd::time::now() < deadline &&
                   (hits.on(0).load() == 0 || hits.on(1).load() == 0))
                ostd::sleep_for(kNsPerMs);
            stop = true;
            for (auto& t : workers)
                MUST(t->join());
            EXPECT_GT(hits.on(0).load(), 0);
            EXPECT_GT(hits.on(1).load(), 0);
        },
        small_machine(2));
}

// Timer wake-ups of tasks pinned to CPU 0 run on the idle CPU 1 (the deadline interrupt goes to
// an idle CPU), which also takes undelivered tasks from CPU 0's inbox: pinned ones must go back.
TEST(PerCpuScheduling, WakeupsAndStealingKeepAffinity) {
    run_in_kernel(
        [] {
            std::atomic<int> wrong{0};
            std::atomic<int> runs{0};
            std::vector<ostd::TaskRef> tasks;
            for (int i = 0; i < 24; ++i) {
                tasks.push_back(MUST(ostd::Task::spawn(ostd::TaskOptions([&] {
                                                           for (int k = 0; k < 10; ++k) {
                                                               if (ostd::cpu_id() != 0) ++wrong;
                                                               ostd::sleep_for(50 * kNsPerUs);
                                                               if (ostd::cpu_id() != 0) ++wrong;
                                                               ostd::yield_now();
                                                               ++runs;
                                                           }
                                                           return 0;
                                                       }).affinity(0b01))));
            }
            for (auto& t : tasks)
                MUST(t->join());
            EXPECT_EQ(wrong.load(), 0);
            EXPECT_EQ(runs.load(), 240);
        },
        small_machine(2));
}

// The lock-free yield path keeps the policy: equal priorities alternate in FIFO order, and a
// yield never hands the CPU to a less important task.
TEST(PerCpuScheduling, YieldIsFifoAndSkipsLessImportantTasks) {
    run_in_kernel(
        [] {
            std::vector<int> order;
            std::atomic<bool> low_ran{false};
            auto low = MUST(ostd::Task::spawn(ostd::TaskOptions([&] {
                                                  low_ran = true;
                                                  return 0;
                                              }).priority(1)));
            std::vector<ostd::TaskRef> peers;
            for (int i = 0; i < 3; ++i) {
                peers.push_back(MUST(ostd::spawn([&order, i] {
                    for (int k = 0; k < 3; ++k) {
                        order.push_back(i);
                        ostd::yield_now();
                    }
                    return 0;
                })));
            }
            ostd::yield_now();  // Lets the peers run; the low-priority task must not.
            for (auto& t : peers)
                MUST(t->join());
            EXPECT_FALSE(low_ran.load());  // Only ran once nothing of priority 4 was runnable.
            MUST(low->join());
            EXPECT_TRUE(low_ran.load());
            std::vector<int> expected = {0, 1, 2, 0, 1, 2, 0, 1, 2};
            EXPECT_EQ(order, expected);
        },
        small_machine(1));
}

// The fused pick-and-requeue of the yield fast path behaves exactly like pop_highest() followed
// by enqueue(kYield), in its swap case (one peer of equal priority) and otherwise.
TEST(RunQueue, YieldToHeadIsPopThenEnqueue) {
    run_in_kernel(
        [] {
            auto finished = [](uint8_t prio) {
                auto t = MUST(ostd::Task::spawn(ostd::TaskOptions([] { return 0; }).priority(prio)));
                MUST(t->join());  // Its SchedEntity stays usable for a private queue.
                return t;
            };
            auto a = finished(4), b = finished(4), c = finished(4), hi = finished(6);
            ostd::detail::RunQueue rq;

            // Swap: the only queued task has the yielder's priority.
            rq.enqueue(*a, ostd::EnqueueReason::kWake);
            EXPECT_EQ(rq.yield_to_head(*b), &*a);
            EXPECT_EQ(rq.size(), 1u);
            EXPECT_TRUE(rq.has_at_least(4));
            EXPECT_FALSE(rq.has_at_least(5));
            EXPECT_EQ(rq.yield_to_head(*a), &*b);  // And back: two tasks taking turns.
            EXPECT_EQ(rq.pop_highest(), &*a);
            EXPECT_EQ(rq.pop_highest(), nullptr);

            // Two peers: FIFO, the yielder goes last.
            rq.enqueue(*a, ostd::EnqueueReason::kWake);
            rq.enqueue(*b, ostd::EnqueueReason::kWake);
            EXPECT_EQ(rq.yield_to_head(*c), &*a);
            EXPECT_EQ(rq.size(), 2u);
            EXPECT_EQ(rq.pop_highest(), &*b);
            EXPECT_EQ(rq.pop_highest(), &*c);
            EXPECT_EQ(rq.pop_highest(), nullptr);

            // A more important task alone on its level: picked, and the yielder queued on its own.
            rq.enqueue(*hi, ostd::EnqueueReason::kWake);
            EXPECT_EQ(rq.yield_to_head(*a), &*hi);
            EXPECT_EQ(rq.size(), 1u);
            EXPECT_FALSE(rq.has_at_least(5));
            EXPECT_EQ(rq.pop_highest(), &*a);

            // A more important task with an equal peer of the yielder queued too.
            rq.enqueue(*b, ostd::EnqueueReason::kWake);
            rq.enqueue(*hi, ostd::EnqueueReason::kWake);
            EXPECT_EQ(rq.yield_to_head(*a), &*hi);
            EXPECT_EQ(rq.pop_highest(), &*b);
            EXPECT_EQ(rq.pop_highest(), &*a);
            EXPECT_EQ(rq.size(), 0u);
            EXPECT_FALSE(rq.has_at_least(0));
        },
        small_machine(1));
}

}  // namespace

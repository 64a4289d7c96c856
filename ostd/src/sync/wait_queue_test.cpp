// WaitQueue, Waiter and Completion: wake-ups, timeouts, interruption.
#include <ostd/sync/wait_queue.h>

#include <gtest/gtest.h>

#include <atomic>
#include <vector>

#include <ostd/sync/completion.h>
#include <ostd/task/task.h>
#include <ostd/timer/timer.h>

#include "kernel_env.h"

namespace {

using orrery::testing::run_in_kernel;
using orrery::testing::small_machine;
using ostd::time::kNsPerMs;

TEST(WaitQueue, WaitUntilReturnsWhenConditionHolds) {
    run_in_kernel(
        [] {
            ostd::WaitQueue wq;
            std::atomic<bool> flag{false};
            auto t = MUST(ostd::spawn([&] {
                ostd::sleep_for(kNsPerMs);
                flag = true;
                wq.wake_all();
                return 0;
            }));
            EXPECT_TRUE(wq.wait_until([&] { return flag.load(); }).is_ok());
            EXPECT_TRUE(flag.load());
            MUST(t->join());
        },
        small_machine(2));
}

TEST(WaitQueue, TimeoutGivesEtimedout) {
    run_in_kernel(
        [] {
            ostd::WaitQueue wq;
            uint64_t t0 = ostd::time::now();
            auto r = wq.wait_until([] { return false; }, {.timeout_ns = 3 * kNsPerMs});
            ASSERT_TRUE(r.is_error());
            EXPECT_EQ(r.error().code(), ETIMEDOUT);
            EXPECT_GE(ostd::time::now() - t0, 3 * kNsPerMs);
            EXPECT_FALSE(wq.has_waiters());
        },
        small_machine());
}

TEST(WaitQueue, InterruptGivesEintrOnlyWhenInterruptible) {
    run_in_kernel(
        [] {
            ostd::WaitQueue wq;
            std::atomic<int> intr_result{0};
            std::atomic<bool> release{false};
            auto a = MUST(ostd::spawn([&] {
                auto r = wq.wait_until([] { return false; },
                                       {.interruptible = ostd::Interruptible::kYes});
                intr_result = r.is_error() ? r.error().code() : -1;
                return 0;
            }));
            auto b = MUST(ostd::spawn([&] {
                // Uninterruptible: an interrupt must not end this wait.
                EXPECT_TRUE(wq.wait_until([&] { return release.load(); }).is_ok());
                return 0;
            }));
            ostd::sleep_for(kNsPerMs);
            a->interrupt();
            b->interrupt();
            MUST(a->join());
            EXPECT_EQ(intr_result.load(), EINTR);
            ostd::sleep_for(kNsPerMs);
            EXPECT_NE(b->state(), ostd::TaskState::kExited);
            release = true;
            wq.wake_all();
            MUST(b->join());
        },
        small_machine());
}

TEST(WaitQueue, WakeOneWakesInFifoOrder) {
    run_in_kernel(
        [] {
            ostd::WaitQueue wq;
            std::vector<int> order;
            std::atomic<int> tokens{0};
            std::vector<ostd::TaskRef> tasks;
            for (int i = 0; i < 3; ++i) {
                tasks.push_back(MUST(ostd::spawn([&, i] {
                    MUST(wq.wait_until([&] {
                        int t = tokens.load();
                        return t > 0 && tokens.compare_exchange_strong(t, t - 1);
                    }));
                    order.push_back(i);
                    return 0;
                })));
                ostd::sleep_for(kNsPerMs / 4);  // Let it queue up.
            }
            EXPECT_TRUE(wq.has_waiters());
            for (int i = 0; i < 3; ++i) {
                tokens++;
                wq.wake_one();
                ostd::sleep_for(kNsPerMs / 4);
            }
            for (auto& t : tasks)
                MUST(t->join());
            EXPECT_EQ(order, (std::vector<int>{0, 1, 2}));
        },
        small_machine());
}

TEST(WaitQueue, ExplicitWaiter) {
    run_in_kernel(
        [] {
            ostd::WaitQueue wq;
            ostd::Waiter w(ostd::Task::current());
            wq.enqueue(w);
            EXPECT_TRUE(wq.has_waiters());
            auto r = wq.sleep(w, {.timeout_ns = kNsPerMs});
            ASSERT_TRUE(r.is_error());
            EXPECT_EQ(r.error().code(), ETIMEDOUT);
            EXPECT_FALSE(wq.has_waiters());

            ostd::Waiter w2(ostd::Task::current());
            wq.enqueue(w2);
            auto t = MUST(ostd::spawn([&] {
                wq.wake_one();
                return 0;
            }));
            EXPECT_TRUE(wq.sleep(w2).is_ok());
            EXPECT_TRUE(w2.is_woken());
            MUST(t->join());
        },
        small_machine());
}

TEST(Completion, CompleteReleasesOneWaiterEach) {
    run_in_kernel(
        [] {
            ostd::Completion c;
            std::atomic<int> done{0};
            std::vector<ostd::TaskRef> tasks;
            for (int i = 0; i < 4; ++i) {
                tasks.push_back(MUST(ostd::spawn([&] {
                    c.wait();
                    done++;
                    return 0;
                })));
            }
            ostd::sleep_for(kNsPerMs);
            EXPECT_EQ(done.load(), 0);
            c.complete();
            c.complete();
            // The two released waiters run when a vCPU gets to them: on a loaded host that can
            // take far longer than a millisecond, so wait for them (bounded), then check that
            // no third waiter follows.
            for (int i = 0; i < 5000 && done.load() < 2; ++i)
                ostd::sleep_for(kNsPerMs);
            ostd::sleep_for(2 * kNsPerMs);
            EXPECT_EQ(done.load(), 2);
            c.complete_all();
            for (auto& t : tasks)
                MUST(t->join());
            EXPECT_EQ(done.load(), 4);
            EXPECT_TRUE(c.try_wait());  // complete_all() stays signalled.
            c.reinit();
            EXPECT_FALSE(c.try_wait());
        },
        small_machine(2));
}

TEST(Completion, TimeoutAndInterrupt) {
    run_in_kernel(
        [] {
            ostd::Completion c;
            auto r = c.wait({.timeout_ns = kNsPerMs});
            ASSERT_TRUE(r.is_error());
            EXPECT_EQ(r.error().code(), ETIMEDOUT);
            ostd::Task::current().interrupt();
            auto r2 = c.wait({.interruptible = ostd::Interruptible::kYes});
            ASSERT_TRUE(r2.is_error());
            EXPECT_EQ(r2.error().code(), EINTR);
            ostd::Task::current().clear_interrupt();
            c.complete();
            EXPECT_TRUE(c.wait({.timeout_ns = kNsPerMs}).is_ok());
        },
        small_machine());
}

TEST(Completion, CompletedFromTimerCallback) {
    run_in_kernel(
        [] {
            ostd::Completion c;
            ostd::Timer timer([](void* arg) { static_cast<ostd::Completion*>(arg)->complete(); },
                              &c);
            // t0 before arming: a host thread descheduled in between must not shorten the wait.
            uint64_t t0 = ostd::time::now();
            timer.arm_after(2 * kNsPerMs);
            c.wait();
            EXPECT_GE(ostd::time::now() - t0, 2 * kNsPerMs);
        },
        small_machine());
}

TEST(WaitQueueDeathTest, WaitingInAtomicContextPanics) {
    EXPECT_DEATH(run_in_kernel(
                     [] {
                         ostd::WaitQueue wq;
                         ostd::PreemptGuard g;
                         (void)wq.wait_until([] { return false; });
                     },
                     small_machine()),
                 "while atomic");
}

}  // namespace

// Clock and one-shot timers: ordering, cancel, re-arm, interrupt context.
#include <ostd/timer/timer.h>

#include <gtest/gtest.h>

#include <atomic>
#include <vector>

#include <ostd/irq/irq.h>
#include <ostd/sync/completion.h>
#include <ostd/sync/spinlock.h>
#include <ostd/task/task.h>

#include "kernel_env.h"

namespace {

using orrery::testing::run_in_kernel;
using orrery::testing::small_machine;
using ostd::time::kNsPerMs;

struct Recorder {
    ostd::SpinLock lock;
    std::vector<int> order;
    ostd::Completion done;
    bool in_irq = true;
};

struct Probe {
    Recorder* rec;
    int id;
    static void fire(void* arg) {
        auto* p = static_cast<Probe*>(arg);
        {
            ostd::SpinLockGuard g(p->rec->lock);
            p->rec->order.push_back(p->id);
            p->rec->in_irq = p->rec->in_irq && ostd::irq::in_interrupt();
        }
        p->rec->done.complete();
    }
};

TEST(Clock, MonotonicSinceBoot) {
    EXPECT_EQ(ostd::time::now(), 0u);  // No machine.
    run_in_kernel(
        [] {
            uint64_t a = ostd::time::now();
            uint64_t b = ostd::time::now();
            EXPECT_LE(a, b);
            EXPECT_LT(a, 10 * ostd::time::kNsPerSec);
        },
        small_machine());
}

TEST(Timer, FireInDeadlineOrderInInterruptContext) {
    run_in_kernel(
        [] {
            Recorder rec;
            Probe p[4] = {{&rec, 3}, {&rec, 1}, {&rec, 2}, {&rec, 4}};
            ostd::Timer t3(&Probe::fire, &p[0]), t1(&Probe::fire, &p[1]), t2(&Probe::fire, &p[2]),
                t2b(&Probe::fire, &p[3]);
            uint64_t now = ostd::time::now();
            t3.arm_at(now + 3 * kNsPerMs);
            t1.arm_at(now + 1 * kNsPerMs);
            t2.arm_at(now + 2 * kNsPerMs);
            t2b.arm_at(now + 2 * kNsPerMs);  // Same deadline as t2, armed later: fires after it.
            for (int i = 0; i < 4; ++i)
                rec.done.wait();
            EXPECT_EQ(rec.order, (std::vector<int>{1, 2, 4, 3}));
            EXPECT_TRUE(rec.in_irq);
            EXPECT_GE(ostd::time::now() - now, 3 * kNsPerMs);
        },
        small_machine(2));
}

TEST(Timer, CancelPreventsFiring) {
    run_in_kernel(
        [] {
            Recorder rec;
            Probe p{&rec, 1};
            ostd::Timer t(&Probe::fire, &p);
            EXPECT_FALSE(t.cancel());  // Not armed.
            t.arm_after(2 * kNsPerMs);
            EXPECT_TRUE(t.is_armed());
            EXPECT_TRUE(t.cancel());
            EXPECT_FALSE(t.is_armed());
            ostd::sleep_for(5 * kNsPerMs);
            EXPECT_TRUE(rec.order.empty());
            // After firing, cancel reports false.
            t.arm_after(kNsPerMs);
            rec.done.wait();
            EXPECT_FALSE(t.cancel());
            EXPECT_EQ(rec.order.size(), 1u);
        },
        small_machine());
}

TEST(Timer, RearmMovesTheDeadline) {
    run_in_kernel(
        [] {
            Recorder rec;
            Probe a{&rec, 1}, b{&rec, 2};
            ostd::Timer ta(&Probe::fire, &a), tb(&Probe::fire, &b);
            ta.arm_after(kNsPerMs);
            tb.arm_after(2 * kNsPerMs);
            ta.arm_after(4 * kNsPerMs);  // Now later than tb.
            rec.done.wait();
            rec.done.wait();
            EXPECT_EQ(rec.order, (std::vector<int>{2, 1}));
        },
        small_machine());
}

TEST(Timer, PastDeadlineFiresSoon) {
    run_in_kernel(
        [] {
            Recorder rec;
            Probe p{&rec, 9};
            ostd::Timer t(&Probe::fire, &p);
            t.arm_at(0);
            EXPECT_TRUE(rec.done.wait({.timeout_ns = 100 * kNsPerMs}).is_ok());
        },
        small_machine());
}

TEST(Timer, ManyTimersAcrossCpus) {
    run_in_kernel(
        [] {
            constexpr int kN = 200;
            std::atomic<int> fired{0};
            ostd::Completion all;
            struct Ctx {
                std::atomic<int>* fired;
                ostd::Completion* all;
            } ctx{&fired, &all};
            std::vector<ostd::Timer*> timers;
            for (int i = 0; i < kN; ++i) {
                auto* t = new ostd::Timer(
                    [](void* arg) {
                        auto* c = static_cast<Ctx*>(arg);
                        if (c->fired->fetch_add(1) + 1 == kN) c->all->complete();
                    },
                    &ctx);
                t->arm_after(static_cast<uint64_t>(i % 17) * kNsPerMs / 4);
                timers.push_back(t);
            }
            all.wait();
            EXPECT_EQ(fired.load(), kN);
            for (auto* t : timers)
                delete t;
        },
        small_machine(3));
}

}  // namespace

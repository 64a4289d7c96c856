// Soft IRQs: run after the hard handlers in interrupt context; installation errors.
#include <ostd/irq/softirq.h>

#include <gtest/gtest.h>

#include <vector>

#include <ostd/irq/irq.h>
#include <ostd/task/task.h>

#include "kernel_env.h"

namespace {

using orrery::testing::run_in_kernel;
using orrery::testing::small_machine;

struct Log {
    std::vector<int> events;
    bool soft_in_irq = false;
};

TEST(SoftIrq, RunsAfterHardHandlersOnTheSameSafePoint) {
    run_in_kernel(
        [] {
            Log log;
            MUST(ostd::softirq::install(
                3,
                [](void* arg) {
                    auto* l = static_cast<Log*>(arg);
                    l->events.push_back(2);
                    l->soft_in_irq = ostd::irq::in_interrupt();
                },
                &log));
            ostd::IrqLine* line = MUST(ostd::IrqLine::allocate());
            MUST(line->add_handler(
                [](ostd::IrqLine&, void* arg) {
                    static_cast<Log*>(arg)->events.push_back(1);
                    ostd::softirq::raise(3);  // Deferred work.
                },
                &log));
            line->enable();
            line->raise();
            ostd::preempt_point();
            EXPECT_EQ(log.events, (std::vector<int>{1, 2}));
            EXPECT_TRUE(log.soft_in_irq);
            // Raised from task context: runs at the next safe point.
            ostd::softirq::raise(3);
            EXPECT_EQ(log.events.size(), 2u);
            ostd::preempt_point();
            EXPECT_EQ(log.events, (std::vector<int>{1, 2, 2}));
            line->release();
            MUST(ostd::softirq::uninstall(3));
        },
        small_machine());
}

TEST(SoftIrq, InstallErrors) {
    auto outside = ostd::softirq::install(
        0, [](void*) {}, nullptr);
    ASSERT_TRUE(outside.is_error());
    EXPECT_EQ(outside.error().code(), EINVAL);
    run_in_kernel(
        [] {
            auto bad = ostd::softirq::install(
                ostd::softirq::kNumSoftIrqs, [](void*) {}, nullptr);
            ASSERT_TRUE(bad.is_error());
            EXPECT_EQ(bad.error().code(), EINVAL);
            MUST(ostd::softirq::install(
                1, [](void*) {}, nullptr));
            auto twice = ostd::softirq::install(
                1, [](void*) {}, nullptr);
            ASSERT_TRUE(twice.is_error());
            EXPECT_EQ(twice.error().code(), EBUSY);
            MUST(ostd::softirq::uninstall(1));
            auto again = ostd::softirq::uninstall(1);
            ASSERT_TRUE(again.is_error());
            EXPECT_EQ(again.error().code(), EINVAL);
        },
        small_machine());
}

TEST(SoftIrq, FreshMachineHasNoHandlers) {
    run_in_kernel(
        [] {
            MUST(ostd::softirq::install(
                2, [](void*) {}, nullptr));
        },
        small_machine());
    run_in_kernel(
        [] {
            MUST(ostd::softirq::install(
                2, [](void*) {}, nullptr));
        },
        small_machine());
}

}  // namespace

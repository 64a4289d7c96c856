// Replacing the scheduling policy: a kernel-provided Scheduler takes over every decision.
#include <ostd/task/scheduler.h>

#include <gtest/gtest.h>

#include <vector>

#include "kernel_env.h"

namespace {

using orrery::testing::run_in_kernel;
using orrery::testing::small_machine;

// Last in, first out, ignoring priorities: easy to tell apart from the default.
class LifoScheduler final : public ostd::Scheduler {
  public:
    void enqueue(ostd::Task& task, ostd::EnqueueReason reason) override {
        stack_.push_front(task.sched_entity());
        ++enqueues_;
        if (reason == ostd::EnqueueReason::kSpawn) ++spawns_;
    }
    ostd::Task* pick_next(unsigned cpu) override {
        for (auto* e = stack_.front(); e; e = stack_.next(*e)) {
            if (e->task->affinity() & (ostd::CpuMask{1} << cpu)) {
                stack_.remove(*e);
                return e->task;
            }
        }
        return nullptr;
    }
    bool tick(unsigned, ostd::Task&) override { return false; }
    bool should_preempt(const ostd::Task& current, const ostd::Task&) override {
        return current.is_idle();
    }
    bool has_runnable() const override { return !stack_.is_empty(); }

    int enqueues_ = 0;
    int spawns_ = 0;

  private:
    ostd::IntrusiveList<ostd::SchedEntity, &ostd::SchedEntity::link> stack_;
};

TEST(Scheduler, ReplacementPolicySeesEveryTask) {
    LifoScheduler lifo;
    run_in_kernel(
        [&lifo] {
            MUST(ostd::set_scheduler(lifo));
            std::vector<int> order;
            std::vector<ostd::TaskRef> tasks;
            {
                ostd::PreemptGuard g;
                for (uint8_t i = 0; i < 4; ++i) {
                    tasks.push_back(MUST(ostd::Task::spawn(ostd::TaskOptions([&order, i] {
                                                               order.push_back(i);
                                                               return 0;
                                                           }).priority(i))));
                }
            }
            for (auto& t : tasks)
                MUST(t->join());
            // LIFO, and priorities ignored: the default policy would give 3, 2, 1, 0 as well, so
            // spawn priorities ascend to make LIFO visible through the counters below too.
            EXPECT_EQ(order, (std::vector<int>{3, 2, 1, 0}));
            EXPECT_EQ(lifo.spawns_, 4);
            EXPECT_GE(lifo.enqueues_, 4);
        },
        small_machine());
}

TEST(Scheduler, LifoIgnoresPriorities) {
    LifoScheduler lifo;
    run_in_kernel(
        [&lifo] {
            MUST(ostd::set_scheduler(lifo));
            std::vector<int> order;
            std::vector<ostd::TaskRef> tasks;
            {
                ostd::PreemptGuard g;
                for (uint8_t p : {7, 0, 5}) {
                    tasks.push_back(MUST(ostd::Task::spawn(ostd::TaskOptions([&order, p] {
                                                               order.push_back(p);
                                                               return 0;
                                                           }).priority(p))));
                }
            }
            for (auto& t : tasks)
                MUST(t->join());
            EXPECT_EQ(order, (std::vector<int>{5, 0, 7}));
        },
        small_machine());
}

TEST(Scheduler, ReplacingWithQueuedTasksIsEbusy) {
    LifoScheduler lifo;
    run_in_kernel(
        [&lifo] {
            ostd::PreemptGuard g;  // Keep the spawned task queued.
            auto t = MUST(ostd::spawn([] { return 0; }));
            auto r = ostd::set_scheduler(lifo);
            ASSERT_TRUE(r.is_error());
            EXPECT_EQ(r.error().code(), EBUSY);
        },
        small_machine());
}

}  // namespace

// HostCallQueue: host threads submit calls that run on kernel tasks, in FIFO order per
// submitter; refused when not running; stop() runs what is queued; argument errors.
#include <kernel/fs/export/host_call.h>

#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <ostd/task/task.h>

#include "kernel_env.h"

namespace kernel::fs::exporter {
namespace {

struct TestCall : HostCall {
    std::atomic<int>* counter = nullptr;
    std::vector<int>* order = nullptr;  // appended on the kernel side (one worker: no race)
    int tag = 0;
    uint64_t sleep_ns = 0;
    std::atomic<bool> finished{false};
    bool on_task = false;
};

void run_test_call(HostCall& h) {
    auto& c = static_cast<TestCall&>(h);
    c.on_task = ostd::Task::current_or_null() != nullptr;
    if (c.sleep_ns) ostd::sleep_for(c.sleep_ns);
    if (c.counter) c.counter->fetch_add(1);
    if (c.order) c.order->push_back(c.tag);
}

void done_test_call(HostCall& h) {
    static_cast<TestCall&>(h).finished.store(true);
}

void prepare(TestCall& c) {
    c.run = &run_test_call;
    c.done = &done_test_call;
}

// Waits in a kernel task (sleeping, so the vCPU keeps running workers) until `pred`.
template <typename P>
void kernel_wait(P pred) {
    for (int i = 0; i < 20000 && !pred(); ++i)
        ostd::sleep_for(100 * 1000);
}

TEST(HostCallQueue, RunsCallsFromManyHostThreads) {
    int status = orrery::testing::run_in_kernel(
        [] {
            EXPECT_FALSE(HostCallQueue::is_running());
            MUST(HostCallQueue::start(3));
            EXPECT_TRUE(HostCallQueue::is_running());
            std::atomic<int> counter{0};
            std::atomic<int> threads_done{0};
            std::atomic<bool> all_on_task{true};
            constexpr int kThreads = 4, kCalls = 200;
            std::vector<std::thread> hosts;
            for (int t = 0; t < kThreads; ++t)
                hosts.emplace_back([&] {
                    for (int i = 0; i < kCalls; ++i) {
                        TestCall c;
                        prepare(c);
                        c.counter = &counter;
                        ASSERT_TRUE(HostCallQueue::submit(c));
                        while (!c.finished.load())
                            std::this_thread::yield();
                        if (!c.on_task || c.cancelled) all_on_task = false;
                    }
                    threads_done.fetch_add(1);
                });
            kernel_wait([&] { return threads_done.load() == kThreads; });
            for (auto& h : hosts)
                h.join();
            EXPECT_EQ(counter.load(), kThreads * kCalls);
            EXPECT_TRUE(all_on_task.load());
            EXPECT_EQ(HostCallQueue::completed(), uint64_t(kThreads * kCalls));
            HostCallQueue::stop();
            EXPECT_FALSE(HostCallQueue::is_running());
        },
        orrery::testing::small_machine(2));
    EXPECT_EQ(status, 0);
}

TEST(HostCallQueue, FifoAndStopDrainsTheQueue) {
    orrery::testing::run_in_kernel([] {
        MUST(HostCallQueue::start(1));
        std::vector<int> order;
        constexpr int kN = 20;
        TestCall calls[kN];
        std::atomic<bool> submitted{false};
        std::thread host([&] {
            for (int i = 0; i < kN; ++i) {
                prepare(calls[i]);
                calls[i].order = &order;
                calls[i].tag = i;
                calls[i].sleep_ns = i == 0 ? 20 * 1000 * 1000 : 0;  // the first blocks the worker
                EXPECT_TRUE(HostCallQueue::submit(calls[i]));
            }
            submitted = true;
        });
        kernel_wait([&] { return submitted.load(); });
        host.join();
        HostCallQueue::stop();  // runs everything still queued before the worker exits
        ASSERT_EQ(order.size(), size_t(kN));
        for (int i = 0; i < kN; ++i) {
            EXPECT_EQ(order[size_t(i)], i);
            EXPECT_TRUE(calls[i].finished.load());
            EXPECT_FALSE(calls[i].cancelled);
        }
    });
}

TEST(HostCallQueue, RefusesWhenStoppedAndChecksArguments) {
    orrery::testing::run_in_kernel([] {
        TestCall c;
        prepare(c);
        EXPECT_FALSE(HostCallQueue::submit(c));
        EXPECT_EQ(HostCallQueue::start(0).error().code(), EINVAL);
        EXPECT_EQ(HostCallQueue::start(HostCallQueue::kMaxWorkers + 1).error().code(), EINVAL);
        MUST(HostCallQueue::start(2));
        EXPECT_EQ(HostCallQueue::start(2).error().code(), EBUSY);
        HostCallQueue::stop();
        HostCallQueue::stop();  // idempotent
        EXPECT_FALSE(HostCallQueue::submit(c));
        EXPECT_FALSE(c.finished.load());
        // Restartable within the same machine.
        MUST(HostCallQueue::start(1));
        HostCallQueue::stop();
    });
}

}  // namespace
}  // namespace kernel::fs::exporter

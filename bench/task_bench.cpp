// Task switch cost: two tasks ping-ponging through yield_now() against the floor, a raw
// Boost.Context fcontext switch pair. One iteration = one round trip (two switches) in all the
// switch benchmarks; the hal and run-queue ones split the task switch into its parts.
#include <benchmark/benchmark.h>

#include <atomic>

#include <sys/mman.h>
#include <boost/context/detail/fcontext.hpp>

#include <ostd/sync/mutex.h>
#include <ostd/sync/spinlock.h>
#include <ostd/task/task.h>

#include "hal/context.h"
#include "kernel_env.h"
#include "task/round_robin.h"

namespace {

namespace fctx = boost::context::detail;

void raw_partner(fctx::transfer_t t) {
    for (;;)
        t = fctx::jump_fcontext(t.fctx, nullptr);
}

void BM_RawFcontextSwitchPair(benchmark::State& state) {
    constexpr size_t kStack = 64 << 10;
    void* stack = mmap(nullptr, kStack, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    fctx::fcontext_t partner =
        fctx::make_fcontext(static_cast<char*>(stack) + kStack, kStack, &raw_partner);
    for (auto _ : state)
        partner = fctx::jump_fcontext(partner, nullptr).fctx;
    munmap(stack, kStack);
}
BENCHMARK(BM_RawFcontextSwitchPair);

// The backend's switch primitive alone (the hal wrapper and its assembly), each context
// switching from its own loop like two tasks calling yield_now() from different places.
ostd::hal::Context* g_hal_main = nullptr;
ostd::hal::Context* g_hal_partner = nullptr;

void hal_partner(void*, void*) {
    for (;;)
        ostd::hal::context_switch(g_hal_partner, g_hal_main, nullptr);
}

void BM_HalContextSwitchPair(benchmark::State& state) {
    g_hal_main = ostd::hal::context_for_current_thread();
    g_hal_partner = ostd::hal::context_create(&hal_partner, nullptr, 64 << 10).value();
    for (auto _ : state)
        ostd::hal::context_switch(g_hal_main, g_hal_partner, nullptr);
    ostd::hal::context_destroy(g_hal_partner);  // Suspended forever; its stack simply goes.
    ostd::hal::context_destroy(g_hal_main);
}
BENCHMARK(BM_HalContextSwitchPair);

// As above, but both contexts switch from the same call site of the same loop. With a switch that
// resumed by `ret` the difference to BM_HalContextSwitchPair was one mispredicted return per
// switch (the return stack predicts the suspended side's caller); the host switch resumes by an
// indirect jump, which the branch predictor learns, so the two should now match.
__attribute__((noinline)) void hal_same_site_loop(ostd::hal::Context* me, ostd::hal::Context* other,
                                                  benchmark::State* state) {
    while (!state || state->KeepRunning())
        ostd::hal::context_switch(me, other, nullptr);
}

void BM_HalContextSwitchPairSameSite(benchmark::State& state) {
    g_hal_main = ostd::hal::context_for_current_thread();
    g_hal_partner =
        ostd::hal::context_create(
            [](void*, void*) { hal_same_site_loop(g_hal_partner, g_hal_main, nullptr); }, nullptr,
            64 << 10)
            .value();
    hal_same_site_loop(g_hal_main, g_hal_partner, &state);
    ostd::hal::context_destroy(g_hal_partner);
    ostd::hal::context_destroy(g_hal_main);
}
BENCHMARK(BM_HalContextSwitchPairSameSite);

// The run-queue work of one yield round trip: twice (pick the head, queue the yielder), fused
// as the yield fast path does it.
void BM_RunQueueYieldPair(benchmark::State& state) {
    orrery::testing::run_in_kernel(
        [&state] {
            auto other = MUST(ostd::spawn([] { return 0; }));
            MUST(other->join());  // Finished, but its SchedEntity is still there to queue.
            ostd::detail::RunQueue rq;
            ostd::Task* cur = &ostd::Task::current();
            rq.enqueue(*other, ostd::EnqueueReason::kYield);
            for (auto _ : state) {
                for (int i = 0; i < 2; ++i) {
                    ostd::Task* next = rq.yield_to_head(*cur);
                    benchmark::DoNotOptimize(next);
                    cur = next;
                }
            }
            rq.reset();
        },
        orrery::testing::small_machine(1));
}
BENCHMARK(BM_RunQueueYieldPair);

void BM_TaskYieldPingPong(benchmark::State& state) {
    orrery::testing::run_in_kernel(
        [&state] {
            std::atomic<bool> stop{false};
            auto partner = MUST(ostd::spawn([&stop] {
                while (!stop.load(std::memory_order_relaxed))
                    ostd::yield_now();
                return 0;
            }));
            for (auto _ : state)
                ostd::yield_now();
            stop = true;
            MUST(partner->join());
        },
        orrery::testing::small_machine(1));
}
BENCHMARK(BM_TaskYieldPingPong);

void BM_SpinLockUncontended(benchmark::State& state) {
    orrery::testing::run_in_kernel(
        [&state] {
            ostd::SpinLock l;
            for (auto _ : state) {
                l.lock();
                l.unlock();
            }
        },
        orrery::testing::small_machine(1));
}
BENCHMARK(BM_SpinLockUncontended);

void BM_MutexUncontended(benchmark::State& state) {
    orrery::testing::run_in_kernel(
        [&state] {
            ostd::Mutex m;
            for (auto _ : state) {
                m.lock();
                m.unlock();
            }
        },
        orrery::testing::small_machine(1));
}
BENCHMARK(BM_MutexUncontended);

void BM_SpawnJoin(benchmark::State& state) {
    orrery::testing::run_in_kernel(
        [&state] {
            for (auto _ : state) {
                auto t = MUST(ostd::spawn([] { return 0; }));
                MUST(t->join());
            }
        },
        orrery::testing::small_machine(1));
}
BENCHMARK(BM_SpawnJoin);

}  // namespace

// Task switch cost: two tasks ping-ponging through yield_now() against the floor, a raw
// Boost.Context fcontext switch pair. One iteration = one round trip (two switches) in both.
#include <benchmark/benchmark.h>

#include <atomic>

#include <sys/mman.h>
#include <boost/context/detail/fcontext.hpp>

#include <ostd/sync/mutex.h>
#include <ostd/sync/spinlock.h>
#include <ostd/task/task.h>

#include "kernel_env.h"

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

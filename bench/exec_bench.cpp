// Process creation and futex costs, Orrery against the host Linux in the same run:
// fork+exit+wait (one iteration = one child created, exited and reaped) and a futex wake/wait
// ping-pong between two threads on two CPUs (one iteration = one round trip).
#include <benchmark/benchmark.h>

#include <linux/futex.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "run_program.h"

namespace {

using ostd::host::ScriptedUser;

void BM_ForkExitWait_Orrery(benchmark::State& state) {
    orrery::testing::run_program("bench_fork", [&state](ScriptedUser& u) {
        for (auto _ : state) {
            int64_t pid = u.fork([](ScriptedUser&) { return 0; });
            if (pid <= 0 || u.syscall(SYS_wait4, pid, 0, 0, 0) != pid) state.SkipWithError("fork");
        }
        return 0;
    }, orrery::testing::kernel_machine(1));
}
BENCHMARK(BM_ForkExitWait_Orrery)->UseRealTime();

void BM_ForkExitWait_Host(benchmark::State& state) {
    for (auto _ : state) {
        pid_t pid = fork();
        if (pid == 0) _exit(0);
        waitpid(pid, nullptr, 0);
    }
}
BENCHMARK(BM_ForkExitWait_Host)->UseRealTime();

// The classic ping-pong on a turn word: wait until it is our turn, pass the turn, wake the
// other side. Side 0 moves the word from 2n to 2n+1 in round n, side 1 from 2n+1 to 2n+2.
struct Turn {
    virtual uint32_t load() = 0;
    virtual void store(uint32_t v) = 0;
    virtual void futex(int op, uint32_t val) = 0;

    void round(uint32_t n, uint32_t side) {
        uint32_t mine = 2 * n + side, v;
        while ((v = load()) != mine) futex(FUTEX_WAIT_PRIVATE, v);
        store(mine + 1);
        futex(FUTEX_WAKE_PRIVATE, 1);
    }

  protected:
    ~Turn() = default;
};

struct OrreryTurn final : Turn {
    OrreryTurn(ScriptedUser& u, uint64_t va) : u_(u), va_(va) {}
    uint32_t load() override {
        uint32_t v;
        u_.read(va_, &v, 4);
        return v;
    }
    void store(uint32_t v) override { u_.write(va_, &v, 4); }
    void futex(int op, uint32_t val) override { u_.syscall(SYS_futex, va_, op, val, 0, 0, 0); }
    ScriptedUser& u_;
    uint64_t va_;
};

struct HostTurn final : Turn {
    explicit HostTurn(std::atomic<uint32_t>& w) : w_(w) {}
    uint32_t load() override { return w_.load(); }
    void store(uint32_t v) override { w_.store(v); }
    void futex(int op, uint32_t val) override {
        syscall(SYS_futex, reinterpret_cast<uint32_t*>(&w_), op, val, nullptr, nullptr, 0);
    }
    std::atomic<uint32_t>& w_;
};

constexpr int kPingPongRounds = 20000;

void BM_FutexPingPong_Orrery(benchmark::State& state) {
    orrery::testing::run_program("bench_futex", [&state](ScriptedUser& u) {
        int64_t mem = u.syscall(SYS_mmap, 0, 2 * 65536, PROT_READ | PROT_WRITE,
                                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        uint64_t word = mem, ctid = mem + 64;
        u.clone(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
                    CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID,
                mem + 2 * 65536, 0, ctid, 0, [word](ScriptedUser& c) {
                    OrreryTurn t(c, word);
                    for (uint32_t n = 0; n < kPingPongRounds; ++n) t.round(n, 1);
                    return 0;
                });
        OrreryTurn t(u, word);
        uint32_t n = 0;
        for (auto _ : state) t.round(n++, 0);
        uint32_t v;
        while (u.read(ctid, &v, 4), v != 0) u.syscall(SYS_futex, ctid, FUTEX_WAIT, v, 0, 0, 0);
        return 0;
    }, orrery::testing::kernel_machine(2));
}
BENCHMARK(BM_FutexPingPong_Orrery)->UseRealTime()->Iterations(kPingPongRounds);

void BM_FutexPingPong_Host(benchmark::State& state) {
    std::atomic<uint32_t> word{0};
    std::thread partner([&word] {
        HostTurn t(word);
        for (uint32_t n = 0; n < kPingPongRounds; ++n) t.round(n, 1);
    });
    HostTurn t(word);
    uint32_t n = 0;
    for (auto _ : state) t.round(n++, 0);
    partner.join();
}
BENCHMARK(BM_FutexPingPong_Host)->UseRealTime()->Iterations(kPingPongRounds);

}  // namespace

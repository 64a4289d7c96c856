// Syscall-layer benchmarks: the same operation on Orrery (a scripted init through the real
// kernel dispatch path) and on the host Linux kernel, with the ratio in the table.
//
// How the timing is made honest:
// - An Orrery benchmark boots a one-vCPU machine per benchmark run and runs Google Benchmark's
//   `for (auto _ : state)` loop inside the scripted program. The boot is outside the loop; the
//   library reads the host clock (vDSO, not a guest syscall) only around the loop, so the
//   figure is per guest operation, as on the host. UseRealTime(): the benchmark thread sleeps
//   in run_machine while a vCPU thread does the work, so its CPU time would mean nothing.
// - Each Orrery row also times the host equivalent in the same process and run (best of 5
//   fixed batches) and reports it as host_ns, with x_host = orrery ns / host ns.
// - Page faults: a batch maps a fresh region, the timed loop touches one new page per
//   iteration; remapping between batches runs with the timer paused.
#include <benchmark/benchmark.h>

#include <linux/futex.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include <ostd-host/machine.h>
#include <ostd-host/scripted.h>

#include <kernel/boot/main.h>
#include <kernel/syscall/table.h>

namespace {

using ostd::host::ScriptedUser;
using Clock = std::chrono::steady_clock;

constexpr uint64_t kPage = 4096;
constexpr uint64_t kRegion = uint64_t{16} << 20;  // Pages touched per fault batch.
constexpr uint64_t kAnon = MAP_PRIVATE | MAP_ANONYMOUS;
constexpr uint64_t kRw = PROT_READ | PROT_WRITE;

bool orrery_has(int nr) {
    const auto* info = kernel::syscall::find_syscall(nr);
    return info && info->status != kernel::syscall::SyscallStatus::kEnosys;
}

// Best-of-5 host time per operation for `batch` runs of op (the ratio's denominator).
double host_ns_per_op(const std::function<void()>& op, int batch) {
    double best = 1e30;
    for (int rep = 0; rep < 5; ++rep) {
        auto t0 = Clock::now();
        for (int i = 0; i < batch; ++i) op();
        double ns = std::chrono::duration<double, std::nano>(Clock::now() - t0).count() / batch;
        best = std::min(best, ns);
    }
    return best;
}

// Runs `loop` as the init of a fresh machine; the loop runs the benchmark's state loop and
// returns the guest-side ns per operation it measured around it.
void run_orrery(benchmark::State& state, const char* name,
                const std::function<void(ScriptedUser&)>& loop, double host_ns) {
    double orrery_ns = 0;
    ostd::host::register_scripted_program(name, [&](ScriptedUser& u) {
        auto t0 = Clock::now();
        loop(u);
        auto ns = std::chrono::duration<double, std::nano>(Clock::now() - t0).count();
        orrery_ns = state.iterations() ? ns / static_cast<double>(state.iterations()) : 0;
        return 0;
    });
    ostd::host::MachineConfig config;
    config.mem_bytes = uint64_t{256} << 20;
    config.cpus = 1;
    config.command_line = std::string("init=scripted:") + name;
    int status = ostd::host::run_machine(config, &kernel::main);
    if (status != 0) {
        state.SkipWithError("the Orrery program did not exit cleanly");
        return;
    }
    state.counters["host_ns"] = host_ns;
    state.counters["x_host"] = host_ns > 0 ? orrery_ns / host_ns : 0;
}

// ---- getpid through dispatch ---------------------------------------------------------------

void host_getpid() { benchmark::DoNotOptimize(syscall(SYS_getpid)); }

void BM_Getpid_Host(benchmark::State& state) {
    for (auto _ : state) host_getpid();
}
BENCHMARK(BM_Getpid_Host);

void BM_Getpid_Orrery(benchmark::State& state) {
    double host = host_ns_per_op(host_getpid, 100000);
    run_orrery(state, "bench-getpid", [&](ScriptedUser& u) {
        for (auto _ : state) benchmark::DoNotOptimize(u.syscall(SYS_getpid));
    }, host);
}
BENCHMARK(BM_Getpid_Orrery)->UseRealTime();

// ---- mmap + munmap of one page -------------------------------------------------------------

void host_mmap_munmap() {
    long a = syscall(SYS_mmap, 0, kPage, kRw, kAnon, -1, 0);
    syscall(SYS_munmap, a, kPage);
}

void BM_MmapMunmap1Page_Host(benchmark::State& state) {
    for (auto _ : state) host_mmap_munmap();
}
BENCHMARK(BM_MmapMunmap1Page_Host);

void BM_MmapMunmap1Page_Orrery(benchmark::State& state) {
    double host = host_ns_per_op(host_mmap_munmap, 20000);
    run_orrery(state, "bench-mmap", [&](ScriptedUser& u) {
        for (auto _ : state) {
            int64_t a = u.syscall(SYS_mmap, 0, kPage, kRw, kAnon, static_cast<uint64_t>(-1), 0);
            u.syscall(SYS_munmap, static_cast<uint64_t>(a), kPage);
        }
    }, host);
}
BENCHMARK(BM_MmapMunmap1Page_Orrery)->UseRealTime();

// ---- page fault on first touch ---------------------------------------------------------------

// Host: one touch per call; a new region every kRegion bytes (untimed in the benchmark rows,
// amortised over 4096 touches in the ratio's batch).
struct HostToucher {
    char* base = nullptr;
    uint64_t off = kRegion;
    void remap() {
        if (base) munmap(base, kRegion);
        base = static_cast<char*>(mmap(nullptr, kRegion, kRw, kAnon, -1, 0));
        off = 0;
    }
    void touch() {
        *reinterpret_cast<volatile char*>(base + off) = 1;
        off += kPage;
    }
    ~HostToucher() {
        if (base) munmap(base, kRegion);
    }
};

void BM_FirstTouchFault_Host(benchmark::State& state) {
    HostToucher t;
    for (auto _ : state) {
        if (t.off == kRegion) {
            state.PauseTiming();
            t.remap();
            state.ResumeTiming();
        }
        t.touch();
    }
}
BENCHMARK(BM_FirstTouchFault_Host);

void BM_FirstTouchFault_Orrery(benchmark::State& state) {
    HostToucher ht;
    double host = host_ns_per_op([&] {
        if (ht.off == kRegion) ht.remap();
        ht.touch();
    }, static_cast<int>(kRegion / kPage));
    run_orrery(state, "bench-fault", [&](ScriptedUser& u) {
        uint64_t base = 0, off = kRegion;
        const char one = 1;
        for (auto _ : state) {
            if (off == kRegion) {
                state.PauseTiming();
                if (base) u.syscall(SYS_munmap, base, kRegion);
                base = static_cast<uint64_t>(
                    u.syscall(SYS_mmap, 0, kRegion, kRw, kAnon, static_cast<uint64_t>(-1), 0));
                off = 0;
                state.ResumeTiming();
            }
            u.write(base + off, &one, 1);
            off += kPage;
        }
    }, host);
}
BENCHMARK(BM_FirstTouchFault_Orrery)->UseRealTime();

// ---- fork + exit + wait ------------------------------------------------------------------------

void host_fork_exit_wait() {
    pid_t pid = fork();
    if (pid == 0) _exit(0);
    int st;
    waitpid(pid, &st, 0);
}

// exec_bench.cpp has the plain Orrery and host rows (BM_ForkExitWait_*); this one adds the
// same-run host figure and the ratio.
void BM_ForkExitWait_OrreryRatio(benchmark::State& state) {
    if (!orrery_has(SYS_fork)) {
        state.SkipWithError("Orrery does not implement fork yet");
        return;
    }
    double host = host_ns_per_op(host_fork_exit_wait, 200);
    run_orrery(state, "bench-fork", [&](ScriptedUser& u) {
        for (auto _ : state) {
            int64_t pid = u.fork([](ScriptedUser&) { return 0; });
            u.syscall(SYS_wait4, static_cast<uint64_t>(pid), 0, 0, 0);
        }
    }, host);
}
BENCHMARK(BM_ForkExitWait_OrreryRatio)->UseRealTime();

// ---- futex wake/wait ping-pong -------------------------------------------------------------------
// One iteration = one round trip: A flips the word to 1 and wakes B; B flips it to 0 and wakes A.
// Orrery runs both threads on its one vCPU (a wake is a task switch on the same host thread);
// the host threads may sit on different CPUs, so the host figure includes cross-CPU wake-ups.

long host_futex(std::atomic<uint32_t>* w, int op, uint32_t val) {
    return syscall(SYS_futex, reinterpret_cast<uint32_t*>(w), op | FUTEX_PRIVATE_FLAG, val,
                   nullptr, nullptr, 0);
}

// Host round trips between two threads; returns the best-of-5 ns per round trip.
double host_ping_pong(int rounds) {
    std::atomic<uint32_t> word{0};
    std::atomic<bool> stop{false};
    std::thread partner([&] {
        for (;;) {
            while (word.load() == 0) {
                if (stop.load()) return;
                host_futex(&word, FUTEX_WAIT, 0);
            }
            word.store(0);
            host_futex(&word, FUTEX_WAKE, 1);
        }
    });
    auto round_trip = [&] {
        word.store(1);
        host_futex(&word, FUTEX_WAKE, 1);
        while (word.load() == 1) host_futex(&word, FUTEX_WAIT, 1);
    };
    double ns = host_ns_per_op(round_trip, rounds);
    stop.store(true);
    word.store(1);
    host_futex(&word, FUTEX_WAKE, 1);
    partner.join();
    return ns;
}

// exec_bench.cpp has the two-vCPU Orrery row and the plain host row (BM_FutexPingPong_*); this
// one is the one-vCPU case with the same-run host figure and the ratio.
void BM_FutexPingPong1Cpu_OrreryRatio(benchmark::State& state) {
    if (!orrery_has(SYS_futex) || !orrery_has(SYS_clone)) {
        state.SkipWithError("Orrery does not implement futex and clone yet");
        return;
    }
    double host = host_ping_pong(20000);
    run_orrery(state, "bench-futex", [&](ScriptedUser& u) {
        constexpr uint64_t kStack = 64 << 10;
        constexpr uint64_t kFlags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
                                    CLONE_THREAD | CLONE_SYSVSEM;
        const uint64_t wait = FUTEX_WAIT | FUTEX_PRIVATE_FLAG;
        const uint64_t wake = FUTEX_WAKE | FUTEX_PRIVATE_FLAG;
        uint64_t mem = static_cast<uint64_t>(
            u.syscall(SYS_mmap, 0, kStack + kPage, kRw, kAnon, static_cast<uint64_t>(-1), 0));
        uint64_t word = mem, stop = mem + 8;  // Page 0: shared words; the rest: B's stack.
        u.clone(kFlags, mem + kPage + kStack, 0, 0, 0, [=](ScriptedUser& b) {
            for (;;) {
                while (b.read_u64(word) == 0) {
                    if (b.read_u64(stop)) return 0;
                    b.syscall(SYS_futex, word, wait, 0, 0, 0, 0);
                }
                b.write_u64(word, 0);
                b.syscall(SYS_futex, word, wake, 1, 0, 0, 0);
            }
        });
        for (auto _ : state) {
            u.write_u64(word, 1);
            u.syscall(SYS_futex, word, wake, 1, 0, 0, 0);
            while (u.read_u64(word) == 1) u.syscall(SYS_futex, word, wait, 1, 0, 0, 0);
        }
        u.write_u64(stop, 1);
        u.write_u64(word, 1);
        u.syscall(SYS_futex, word, wake, 1, 0, 0, 0);
    }, host);
}
BENCHMARK(BM_FutexPingPong1Cpu_OrreryRatio)->UseRealTime();

}  // namespace

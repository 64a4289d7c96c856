// Signals in multi-threaded processes: a process-directed signal goes to a thread that does not
// block it, tgkill reaches exactly one thread, a fatal signal ends every thread, and a thread
// blocked in rt_sigtimedwait takes a process-directed signal. Needs clone(CLONE_THREAD): until
// it exists the programs report kNoClone and the tests skip.
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>

#include <atomic>
#include <cerrno>

#include <gtest/gtest.h>

#include "kernel/signal/signal_test_util.inc"
#include "run_program.h"

namespace {

using namespace sigtest;
using orrery::testing::kernel_machine;
using orrery::testing::run_program;

constexpr int kNoClone = 77;
constexpr uint64_t kThreadFlags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
                                  CLONE_THREAD | CLONE_SYSVSEM;
constexpr uint64_t kStack = 64 * 1024;

void nap(ScriptedUser& u) {
    int64_t ts[2] = {0, 1'000'000};
    u.syscall(SYS_nanosleep, u.push(ts, sizeof ts), 0);
}

uint64_t map_stack(ScriptedUser& u) {
    return static_cast<uint64_t>(u.syscall(SYS_mmap, 0, kStack, PROT_READ | PROT_WRITE,
                                           MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)) + kStack;
}

#define EXPECT_PASSES(status)                                  \
    do {                                                       \
        int s_ = (status);                                     \
        if (s_ == kNoClone) GTEST_SKIP() << "no clone yet";    \
        EXPECT_EQ(s_, 0);                                      \
    } while (0)

TEST(ThreadSignals, ProcessSignalGoesToUnblockedThreadAndTgkillToOne) {
    EXPECT_PASSES(run_program("tsig_route", [](ScriptedUser& u) {
        uint64_t scratch = u.stack_alloc(64);
        std::atomic<int64_t> handler_tid{0};
        std::atomic<bool> ready{false}, done{false};
        uint64_t h = u.code_address([&](ScriptedUser& hu) {
            handler_tid.store(hu.syscall(SYS_gettid));
        });
        EXPECT_EQ(set_handler(u, SIGUSR1, h), 0);
        EXPECT_EQ(set_handler(u, SIGUSR2, h), 0);
        EXPECT_EQ(set_mask(u, SIG_BLOCK, bit(SIGUSR1), scratch), 0);
        int64_t tid = u.clone(kThreadFlags, map_stack(u), 0, 0, 0, [&](ScriptedUser& c) {
            uint64_t s = c.stack_alloc(8);
            set_mask(c, SIG_SETMASK, 0, s);
            ready.store(true);
            while (!done.load()) nap(c);
            return 0;
        });
        if (tid == -ENOSYS) return kNoClone;
        EXPECT_GT(tid, 1);
        while (!ready.load()) nap(u);
        // Main blocks SIGUSR1: the other thread takes the process-directed signal.
        EXPECT_EQ(u.syscall(SYS_kill, 1, SIGUSR1), 0);
        while (handler_tid.load() == 0) nap(u);
        EXPECT_EQ(handler_tid.load(), tid);
        // tgkill picks the thread, even main (SIGUSR2 is not blocked there).
        handler_tid.store(0);
        EXPECT_EQ(u.syscall(SYS_tgkill, 1, 1, SIGUSR2), 0);
        EXPECT_EQ(handler_tid.load(), 1);
        handler_tid.store(0);
        EXPECT_EQ(u.syscall(SYS_tgkill, 1, tid, SIGUSR2), 0);
        while (handler_tid.load() == 0) nap(u);
        EXPECT_EQ(handler_tid.load(), tid);
        // A thread-directed signal is pending on that thread only.
        EXPECT_EQ(u.syscall(SYS_tgkill, 1, 1, SIGUSR1), 0);
        EXPECT_EQ(u.syscall(SYS_rt_sigpending, scratch, 8), 0);
        EXPECT_EQ(u.read_u64(scratch), bit(SIGUSR1));
        u.write_u64(scratch, bit(SIGUSR1));
        int64_t zero[2] = {0, 0};
        EXPECT_EQ(u.syscall(SYS_rt_sigtimedwait, scratch, 0, u.push(zero, 16), 8), SIGUSR1);
        done.store(true);
        return 0;
    }, kernel_machine(2)));
}

TEST(ThreadSignals, NewThreadInheritsTheMask) {
    EXPECT_PASSES(run_program("tsig_inherit", [](ScriptedUser& u) {
        uint64_t scratch = u.stack_alloc(64);
        EXPECT_EQ(set_mask(u, SIG_SETMASK, bit(SIGUSR1) | bit(SIGPIPE), scratch), 0);
        std::atomic<uint64_t> mask{1};
        int64_t tid = u.clone(kThreadFlags, map_stack(u), 0, 0, 0, [&](ScriptedUser& c) {
            uint64_t s = c.stack_alloc(8);
            mask.store(current_mask(c, s));
            return 0;
        });
        if (tid == -ENOSYS) return kNoClone;
        while (mask.load() == 1) nap(u);
        EXPECT_EQ(mask.load(), bit(SIGUSR1) | bit(SIGPIPE));
        return 0;
    }, kernel_machine(2)));
}

TEST(ThreadSignals, FatalSignalEndsAllThreads) {
    int status = run_program("tsig_fatal", [](ScriptedUser& u) {
        std::atomic<bool> ready{false};
        int64_t tid = u.clone(kThreadFlags, map_stack(u), 0, 0, 0, [&](ScriptedUser& c) {
            ready.store(true);
            for (;;) nap(c);
            return 0;
        });
        if (tid == -ENOSYS) return kNoClone;
        while (!ready.load()) nap(u);
        u.syscall(SYS_tgkill, 1, tid, SIGTERM);  // Default action: the whole process dies.
        for (;;) nap(u);
        return 1;
    }, kernel_machine(2));
    if (status == kNoClone) GTEST_SKIP() << "no clone yet";
    EXPECT_EQ(status, 128 + SIGTERM);
}

TEST(ThreadSignals, SigtimedwaitInAThreadTakesProcessSignal) {
    EXPECT_PASSES(run_program("tsig_wait", [](ScriptedUser& u) {
        uint64_t scratch = u.stack_alloc(64);
        std::atomic<int> got{0};
        EXPECT_EQ(set_mask(u, SIG_BLOCK, bit(SIGUSR1), scratch), 0);
        int64_t tid = u.clone(kThreadFlags, map_stack(u), 0, 0, 0, [&](ScriptedUser& c) {
            uint64_t s = c.stack_alloc(8);
            set_mask(c, SIG_SETMASK, bit(SIGUSR1), s);
            c.write_u64(s, bit(SIGUSR1));
            got.store(static_cast<int>(c.syscall(SYS_rt_sigtimedwait, s, 0, 0, 8)));
            return 0;
        });
        if (tid == -ENOSYS) return kNoClone;
        for (int i = 0; i < 20; ++i) nap(u);  // Let it block.
        EXPECT_EQ(u.syscall(SYS_kill, 1, SIGUSR1), 0);
        while (got.load() == 0) nap(u);
        EXPECT_EQ(got.load(), SIGUSR1);
        return 0;
    }, kernel_machine(2)));
}

TEST(ThreadSignals, GroupStopStopsEveryThread) {
    EXPECT_PASSES(run_program("tsig_stop", [](ScriptedUser& u) {
        uint64_t st = u.stack_alloc(8);
        std::atomic<int> ticks{0};
        std::atomic<bool> cloned{false}, no_clone{false};
        int64_t pid = u.fork([&](ScriptedUser& c) {
            int64_t tid = c.clone(kThreadFlags, map_stack(c), 0, 0, 0, [&](ScriptedUser& tc) {
                for (;;) {
                    nap(tc);
                    ticks.fetch_add(1);
                }
                return 0;
            });
            if (tid == -ENOSYS) no_clone.store(true);
            cloned.store(true);
            for (;;) nap(c);
            return 0;
        });
        if (pid == -ENOSYS) return kNoClone;
        while (!cloned.load()) nap(u);
        if (no_clone.load()) {
            u.syscall(SYS_kill, pid, SIGKILL);
            u.syscall(SYS_wait4, pid, 0, 0, 0);
            return kNoClone;
        }
        while (ticks.load() < 3) nap(u);
        EXPECT_EQ(u.syscall(SYS_kill, pid, SIGSTOP), 0);
        EXPECT_EQ(u.syscall(SYS_wait4, pid, st, WUNTRACED, 0), pid);
        EXPECT_EQ(u.read_u64(st) & 0xffff, uint64_t{(SIGSTOP << 8) | 0x7f});
        for (int i = 0; i < 10; ++i) nap(u);  // In-flight naps end; then the thread sleeps.
        int stopped_at = ticks.load();
        for (int i = 0; i < 30; ++i) nap(u);
        EXPECT_EQ(ticks.load(), stopped_at);  // The other thread is stopped too.
        EXPECT_EQ(u.syscall(SYS_kill, pid, SIGCONT), 0);
        while (ticks.load() < stopped_at + 3) nap(u);  // Both run again.
        EXPECT_EQ(u.syscall(SYS_kill, pid, SIGKILL), 0);
        EXPECT_EQ(u.syscall(SYS_wait4, pid, st, 0, 0), pid);
        EXPECT_EQ(u.read_u64(st) & 0x7f, uint64_t{SIGKILL});
        return 0;
    }, kernel_machine(2)));
}

}  // namespace
